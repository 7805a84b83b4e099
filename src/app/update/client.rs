//! `T` on a running service: a throw-away client beside it (`--rm -it`, attached at
//! once) that reaches it without publishing it more widely (see `launch::client`).

use super::flash;
use crate::app::effect::Effect;
use crate::state::{AppState, LaunchForm, Modal};

pub fn open(state: &mut AppState, effects: &mut Vec<Effect>) {
    let Some(service) = state.selected_container().cloned() else {
        flash(state, "no container selected", true);
        return;
    };
    if !service.state.is_running() {
        let text = format!("{} is not running: a client shares a running container's network", service.name);
        flash(state, text, true);
        return;
    }
    if state.containers.background_launch.is_some() {
        flash(state, "a launch is already running; wait for it to finish", true);
        return;
    }
    // The ports as inspected when known (they are the same as listed otherwise).
    let ports = state.containers.details.by_id.get(&service.id).map_or(service.ports.clone(), |d| d.ports.clone());
    let taken = |name: &str| state.containers.list.items().iter().any(|c| c.name == name);
    let config = &state.console.config;
    let plan = crate::launch::client::plan(&service.name, &ports, &config.client_image, &config.client_command, taken);
    let mut form = Box::new(LaunchForm::new(format!("Client of {}", service.name), &plan.draft));
    form.console_hint = Some(plan.hint);
    // Launched like a preset: without the form, which opens with the reason if the
    // launch fails (an image that cannot be pulled, a name in use), to fix and retry.
    if super::launch::submit(state, &mut form, effects) {
        flash(state, format!("opening a client beside {}…", service.name), false);
        state.containers.background_launch = Some(form);
    } else {
        state.screen.modal = Some(Modal::Launch(form));
    }
}
