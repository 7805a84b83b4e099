//! Lifecycle actions on containers and images: refusals, confirmations, results.

use crossterm::event::{KeyCode, KeyEvent};

use super::daemon::refresh_lists;
use super::flash;
use crate::app::effect::Effect;
use crate::model::{ContainerAction, ContainerState, DaemonErrorKind};
use crate::state::{AppState, Confirm, Modal, Pending};

/// Runs `action` on the marked containers (or the selected one). Containers it cannot
/// apply to are refused with a reason; remove asks first.
pub fn container_action(state: &mut AppState, action: ContainerAction, effects: &mut Vec<Effect>) {
    let targets = state.action_targets();
    if targets.is_empty() {
        flash(state, "no container selected", true);
        return;
    }
    let mut refused = Vec::new();
    let mut go: Vec<(String, String)> = Vec::new();
    for c in targets {
        match action.refusal(&c.state) {
            Some(reason) => refused.push(format!("cannot {action} {}: {reason}", c.name)),
            None => go.push((c.id.clone(), c.name.clone())),
        }
    }
    if !refused.is_empty() {
        flash(state, refused.join("; "), true);
    }
    if go.is_empty() {
        return;
    }
    if let ContainerAction::Remove { .. } = action {
        let running =
            state.containers.items().iter().any(|c| go.iter().any(|(id, _)| *id == c.id) && c.state.is_running());
        let names: Vec<&str> = go.iter().map(|(_, n)| n.as_str()).collect();
        let mut lines = vec![format!("Remove {}?", names.join(", "))];
        if running {
            lines.push("Running containers are stopped and removed (force).".into());
        }
        state.modal = Some(Modal::Confirm(Confirm {
            title: if go.len() == 1 { "Remove container".into() } else { format!("Remove {} containers", go.len()) },
            lines,
            yes: Pending::Containers {
                targets: go.clone(),
                action: ContainerAction::Remove { force: running, volumes: false },
            },
            alternative: Some((
                'v',
                "yes, and their anonymous volumes".into(),
                Pending::Containers { targets: go, action: ContainerAction::Remove { force: running, volumes: true } },
            )),
        }));
        return;
    }
    send_container_action(state, go, action, effects);
}

fn send_container_action(
    state: &mut AppState,
    targets: Vec<(String, String)>,
    action: ContainerAction,
    effects: &mut Vec<Effect>,
) {
    let names: Vec<&str> = targets.iter().map(|(_, n)| n.as_str()).collect();
    flash(state, format!("{} {}…", action.progressive(), names.join(", ")), false);
    state.marked.clear();
    for (id, name) in targets {
        effects.push(Effect::ContainerAction { id, name, action });
    }
}

/// Pause toggles: paused containers are unpaused, the others paused.
pub fn toggle_pause(state: &mut AppState, effects: &mut Vec<Effect>) {
    let all_paused = {
        let targets = state.action_targets();
        !targets.is_empty() && targets.iter().all(|c| c.state == ContainerState::Paused)
    };
    container_action(state, if all_paused { ContainerAction::Unpause } else { ContainerAction::Pause }, effects);
}

pub fn toggle_mark(state: &mut AppState) {
    let Some(id) = state.selected_container().map(|c| c.id.clone()) else { return };
    if !state.marked.remove(&id) {
        state.marked.insert(id);
    }
    state.containers.move_by(1);
}

pub fn remove_image(state: &mut AppState) {
    let Some(image) = state.images.selected_item() else {
        flash(state, "no image selected", true);
        return;
    };
    let name = image.display_name();
    let users: Vec<&str> =
        state.containers.items().iter().filter(|c| c.image_id == image.id).map(|c| c.name.as_str()).collect();
    let mut lines = vec![format!("Remove {name} ({})?", image.short_id())];
    if !users.is_empty() {
        lines.push(format!("Used by {}: the daemon will refuse while they exist.", users.join(", ")));
    }
    state.modal = Some(Modal::Confirm(Confirm {
        title: "Remove image".into(),
        lines,
        yes: Pending::RemoveImage { id: image.id.clone(), name },
        alternative: None,
    }));
}

pub fn on_confirm_key(state: &mut AppState, confirm: Confirm, key: KeyEvent, effects: &mut Vec<Effect>) {
    let pending = match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') => confirm.yes,
        KeyCode::Char(c) if confirm.alternative.as_ref().is_some_and(|(k, _, _)| *k == c) => {
            match confirm.alternative {
                Some((_, _, pending)) => pending,
                None => return,
            }
        }
        KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Char('q') => return,
        _ => {
            state.modal = Some(Modal::Confirm(confirm));
            return;
        }
    };
    match pending {
        Pending::Containers { targets, action } => send_container_action(state, targets, action, effects),
        Pending::RemoveImage { id, name } => {
            flash(state, format!("removing {name}…"), false);
            effects.push(Effect::RemoveImage { id, name });
        }
    }
}

pub fn on_action_finished(
    state: &mut AppState,
    name: &str,
    action: ContainerAction,
    result: Result<(), crate::model::DaemonError>,
    effects: &mut Vec<Effect>,
) {
    match result {
        Ok(()) => flash(state, format!("{} {name}", action.past()), false),
        Err(e) if e.kind == DaemonErrorKind::NotFound => {
            flash(state, format!("cannot {action} {name}: it was removed by another client"), true);
            if state.is_connected() {
                refresh_lists(state, effects);
            }
        }
        Err(e) => flash(state, format!("cannot {action} {name}: {}", e.message), true),
    }
}

pub fn on_image_removed(state: &mut AppState, name: &str, result: Result<(), crate::model::DaemonError>) {
    match result {
        Ok(()) => flash(state, format!("removed {name}"), false),
        Err(e) => flash(state, format!("cannot remove {name}: {}", e.message), true),
    }
}
