//! The presets picker, the launch form, pulls, and what the daemon says about them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::flash;
use crate::app::effect::Effect;
use crate::app::effect::{AttachAtOnce, Change, Stream};
use crate::launch::{Field, LaunchDraft, explain, parse_image_ref};
use crate::model::{DaemonError, RestartPolicy};
use crate::state::{AppState, LaunchForm, Modal, PullPrompt, PullStatus, Retry, Submitting};

/// Opens the form, empty or pre-filled.
pub fn open_form(state: &mut AppState, title: &str, draft: &LaunchDraft) {
    state.screen.modal = Some(Modal::Launch(Box::new(LaunchForm::new(title, draft))));
}

pub fn on_presets_key(state: &mut AppState, mut selected: usize, key: KeyEvent, effects: &mut Vec<Effect>) {
    let count = state.launch.presets.len();
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => return,
        KeyCode::Down | KeyCode::Char('j') => selected = (selected + 1).min(count.saturating_sub(1)),
        KeyCode::Up | KeyCode::Char('k') => selected = selected.saturating_sub(1),
        KeyCode::Enter => return launch_preset(state, selected, effects),
        // A digit launches that preset at once: `p` `1` has redis running.
        KeyCode::Char(c @ '1'..='9') => {
            let index = usize::from(c as u8 - b'1');
            if index < count {
                return launch_preset(state, index, effects);
            }
        }
        KeyCode::Char('e') => {
            if let Some(preset) = state.launch.presets.get(selected) {
                let (title, draft) = (format!("Preset {}", preset.name), preset.draft());
                open_form(state, &title, &draft);
            }
            return;
        }
        _ => {}
    }
    state.screen.modal = Some(Modal::Presets { selected });
}

/// Launches a preset without showing the form. If its content does not validate, or the
/// launch fails, the form opens with the preset and the reason.
fn launch_preset(state: &mut AppState, index: usize, effects: &mut Vec<Effect>) {
    let Some(preset) = state.launch.presets.get(index) else { return };
    if state.containers.background_launch.is_some() {
        flash(state, "a preset is already launching; wait for it to finish", true);
        return;
    }
    let mut form = Box::new(LaunchForm::new(format!("Preset {}", preset.name), &preset.draft()));
    let name = preset.name.clone();
    if submit(state, &mut form, effects) {
        flash(state, format!("launching {name}…"), false);
        state.containers.background_launch = Some(form);
    } else {
        state.screen.modal = Some(Modal::Launch(form));
    }
}

/// A service's form validates like a container's; the replicas are asked for next
/// (the form comes along, so Esc there returns to it as typed).
fn submit_service(state: &mut AppState, mut form: Box<LaunchForm>) {
    form.daemon_error = None;
    let env = &state.launch.host_env;
    match form.validate(|key| env.get(key).cloned()) {
        Err(errors) => {
            form.errors = errors;
            form.focus_first_error();
            state.screen.modal = Some(Modal::Launch(form));
        }
        Ok(spec) => {
            form.errors.clear();
            super::swarm::ask_replicas(state, form, spec);
        }
    }
}

/// Validates the form and sends the launch. Returns whether it was sent; otherwise the
/// errors are in the form, with the focus on the first one.
pub(super) fn submit(state: &mut AppState, form: &mut LaunchForm, effects: &mut Vec<Effect>) -> bool {
    form.daemon_error = None;
    let env = &state.launch.host_env;
    match form.spec(|key| env.get(key).cloned()) {
        Err(errors) => {
            form.errors = errors;
            form.focus_first_error();
            false
        }
        Ok(spec) => {
            form.errors.clear();
            if !state.is_connected() {
                form.daemon_error = Some(DaemonError::new(
                    crate::model::DaemonErrorKind::Unreachable,
                    "not connected to the daemon; wharf keeps trying, submit again when it is back",
                ));
                return false;
            }
            let request = state.ids.next_request();
            // A form filled to edit a container recreates it; any other launches.
            if let Some(plan) = super::change::recreate_plan(form, spec.clone()) {
                form.submitting = Some(Submitting { request, pull: PullStatus::default(), attach: None });
                form.steps.clear();
                effects.push(Effect::Change(Change::Recreate { request, plan: Box::new(plan) }));
                return true;
            }
            // `-it` opens the console attached to the container as soon as it starts,
            // as `docker run -it` does; `-itd` (or a preset's `detach`) does not.
            let attach = (spec.interactive_tty && !form.detach).then(|| {
                let session = state.ids.next_session();
                let (cols, rows) = super::console::pane_size_shown(state).unwrap_or((80, 24));
                AttachAtOnce { session, cols: cols.max(1), rows: rows.max(1) }
            });
            form.submitting = Some(Submitting {
                request,
                pull: PullStatus::default(),
                attach: attach.map(|a| (a.session, (a.cols, a.rows))),
            });
            form.steps.clear();
            effects.push(Effect::Change(Change::Launch { request, spec, attach }));
            true
        }
    }
}

pub fn on_form_key(state: &mut AppState, mut form: Box<LaunchForm>, key: KeyEvent, effects: &mut Vec<Effect>) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    // While the launch runs the form is read-only; Esc cancels the pull.
    if let Some(submitting) = &form.submitting {
        if key.code == KeyCode::Esc {
            effects.push(Effect::Stream(Stream::Cancel { request: submitting.request }));
        }
        state.screen.modal = Some(Modal::Launch(form));
        return;
    }
    if form.confirm_discard {
        form.confirm_discard = false;
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => return,
            // The answer "no": back to editing.
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                state.screen.modal = Some(Modal::Launch(form));
                return;
            }
            // Enter or Ctrl-s would launch what the user was asked about throwing
            // away: not an answer, so the question stays.
            KeyCode::Enter => {
                form.confirm_discard = true;
                state.screen.modal = Some(Modal::Launch(form));
                return;
            }
            KeyCode::Char('s') if ctrl => {
                form.confirm_discard = true;
                state.screen.modal = Some(Modal::Launch(form));
                return;
            }
            // Any other key is the user editing again: it is not swallowed.
            _ => {}
        }
    }
    match key.code {
        KeyCode::Esc => {
            if !form.is_edited() {
                return;
            }
            form.confirm_discard = true;
        }
        KeyCode::Tab => form.move_focus(1),
        KeyCode::BackTab => form.move_focus(-1),
        KeyCode::Char('s') if ctrl && form.service => return submit_service(state, form),
        KeyCode::Char('g') if ctrl && !form.service => return super::change::form_command(state, form),
        KeyCode::Char('s') if ctrl => {
            submit(state, &mut form, effects);
        }
        KeyCode::Enter if form.focus == Field::AllInterfaces || !form.focus.is_multiline() => {
            if Some(&form.focus) == form.fields().last() {
                if form.service {
                    return submit_service(state, form);
                }
                submit(state, &mut form, effects);
            } else {
                form.move_focus(1);
            }
        }
        _ => edit_field(&mut form, key),
    }
    state.screen.modal = Some(Modal::Launch(form));
}

fn edit_field(form: &mut LaunchForm, key: KeyEvent) {
    let toggle = matches!(key.code, KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right);
    match form.focus {
        Field::Restart if toggle => {
            let choices = RestartPolicy::CHOICES;
            let i = choices.iter().position(|c| c.name() == form.restart.name()).unwrap_or(0);
            let next = if key.code == KeyCode::Left { i + choices.len() - 1 } else { i + 1 };
            form.restart = choices[next % choices.len()];
        }
        Field::AutoRemove if toggle => form.auto_remove = !form.auto_remove,
        // Three states, in order: off, -it (attached at once, as `docker run -it`),
        // -it in the background (`docker run -itd`).
        Field::InteractiveTty if toggle => {
            let states = [(false, false), (true, false), (true, true)];
            let i = states.iter().position(|s| *s == (form.interactive_tty, form.detach)).unwrap_or(0);
            let next = if key.code == KeyCode::Left { i + states.len() - 1 } else { i + 1 };
            (form.interactive_tty, form.detach) = states[next % states.len()];
        }
        Field::AllInterfaces if toggle => form.all_interfaces = !form.all_interfaces,
        field if field.is_text() => {
            if let Some(area) = form.area_mut(field) {
                area.input(key);
            }
            // The user is fixing this field: its old error no longer applies.
            form.errors.retain(|e| e.field != field);
        }
        _ => {}
    }
}

pub fn on_launch_finished(
    state: &mut AppState,
    request: crate::state::RequestId,
    result: Result<String, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    // The form this answers: the one on screen, or the preset launching in the background.
    let on_screen = matches!(&state.screen.modal, Some(Modal::Launch(f)) if f.submitting.as_ref().is_some_and(|s| s.request == request));
    let form = if on_screen {
        match state.screen.modal.take() {
            Some(Modal::Launch(form)) => Some(form),
            _ => None,
        }
    } else if state
        .containers
        .background_launch
        .as_ref()
        .is_some_and(|f| f.submitting.as_ref().is_some_and(|s| s.request == request))
    {
        state.containers.background_launch.take()
    } else {
        None
    };
    let Some(mut form) = form else { return };
    let attach = form.submitting.take().and_then(|s| s.attach);
    match result {
        Ok(id) => {
            let short: String = id.chars().take(12).collect();
            let draft = form.draft();
            let name = draft.name.trim().trim_start_matches('/').to_string();
            let what = if name.is_empty() { short.clone() } else { format!("{name} ({short})") };
            flash(state, format!("started {what}"), false);
            state.containers.select_when_listed = Some(id.clone());
            if draft.auto_remove {
                let removing = &mut state.containers.auto_removing;
                removing.push_back((id.clone(), false));
                while removing.len() > crate::state::AUTO_REMOVING_MAX {
                    removing.pop_front();
                }
            }
            if let Some((session, size)) = attach {
                let name = if name.is_empty() { short } else { name };
                let hint = form.console_hint.clone();
                let launched =
                    super::console::Launched { session, id, name, size, auto_remove: draft.auto_remove, hint };
                super::console::open_launched(state, launched, effects);
            }
        }
        Err(error) => {
            let mut error = with_what_wharf_knows(state, &form.draft().image, error);
            // Everything typed stays; the daemon's words go next to it. A preset launched
            // in the background never covers another dialog the user has open: then the
            // status line says what failed, and the preset is one key away again.
            if on_screen || state.screen.modal.is_none() {
                state.screen.flash = None;
                // The cursor goes where the fix is: the name, the ports.
                if let Some(field) = field_to_fix(&error.message) {
                    form.focus = field;
                }
                // `container:NAME` names no container the daemon knows.
                if error.message.contains("No such container") && form.draft().network.trim().starts_with("container:")
                {
                    form.focus = Field::Network;
                    error.hint.get_or_insert_with(|| {
                        "container:NAME shares the network of a running container: check its name in the list".into()
                    });
                }
                form.daemon_error = Some(error.clone());
                // The registry wants to know who asks: the login, with the form kept
                // under it (back on Esc, sent again once logged in).
                if on_screen && crate::model::wants_login(&error) {
                    super::images::open_login(state, Retry::Launch(form), &error);
                    return;
                }
                state.screen.modal = Some(Modal::Launch(form));
            } else {
                flash(state, format!("{} failed: {}", form.title, error.message), true);
            }
        }
    }
}

/// Adds what wharf's own lists tell about a failure: which container holds a host port
/// that is in use (the engine does not say), and, when no registry was reachable, the
/// local images with a similar name (offline, `wharf-test/redis` is likely what was meant).
fn with_what_wharf_knows(state: &AppState, image: &str, mut error: DaemonError) -> DaemonError {
    let said = format!("{} {}", error.message, error.hint.as_deref().unwrap_or_default());
    if let Some(address) = explain::port_in_use(&said) {
        let holders = explain::port_holders(&address, state.containers.list.items());
        error.hint = Some(if holders.is_empty() {
            format!(
                "no container in wharf's list publishes {address}, so another program on this host likely \
                 holds it; choose another host port"
            )
        } else {
            let noun = if holders.len() == 1 { "container" } else { "containers" };
            format!("{noun} {} publishes {address}: stop it, or choose another host port", holders.join(", "))
        });
    } else if error.message.starts_with("cannot pull") && explain::registry_unreachable(&said) {
        // Only a failed pull: a start can fail on "connection refused" too (a volume
        // or network plugin), and local images are no answer to that.
        let similar = explain::similar_images(image.trim(), state.images.items());
        let local = if similar.is_empty() {
            "no local image has a similar name".to_string()
        } else {
            format!("here already, with a similar name: {} (put it in Image to use it)", similar.join(", "))
        };
        error.hint = Some(match error.hint.take() {
            Some(hint) => format!("{local}; {hint}"),
            None => local,
        });
    }
    error
}

/// The field a daemon's refusal of a launch is about, when its words say so.
fn field_to_fix(message: &str) -> Option<crate::launch::Field> {
    use crate::launch::Field;
    if message.contains("container name") && message.contains("already in use") {
        Some(Field::Name)
    } else if explain::port_in_use(message).is_some() {
        Some(Field::Ports)
    } else if message.contains("network") && (message.contains("not found") || message.contains("non running")) {
        // `network mynet not found`, `cannot join network of a non running container`.
        Some(Field::Network)
    } else if message.contains("No such image")
        || message.contains("pull access denied")
        || message.contains("no registry is reachable")
    {
        Some(Field::Image)
    } else {
        None
    }
}

pub fn on_pull_progress(state: &mut AppState, request: crate::state::RequestId, progress: crate::model::PullProgress) {
    let status = match &mut state.screen.modal {
        Some(Modal::Launch(form)) => form.submitting.as_mut().filter(|s| s.request == request).map(|s| &mut s.pull),
        Some(Modal::Pull(prompt)) => prompt.running.as_mut().filter(|(r, _)| *r == request).map(|(_, s)| s),
        _ => None,
    };
    let status = status.or_else(|| {
        state
            .containers
            .background_launch
            .as_mut()
            .and_then(|f| f.submitting.as_mut())
            .filter(|s| s.request == request)
            .map(|s| &mut s.pull)
    });
    if let Some(status) = status {
        status.record(progress);
    }
}

pub fn open_pull_prompt(state: &mut AppState) {
    state.screen.modal = Some(Modal::Pull(PullPrompt::default()));
}

pub fn on_pull_key(state: &mut AppState, mut prompt: PullPrompt, key: KeyEvent, effects: &mut Vec<Effect>) {
    if let Some((request, _)) = &prompt.running {
        if key.code == KeyCode::Esc {
            effects.push(Effect::Stream(Stream::Cancel { request: *request }));
        }
        state.screen.modal = Some(Modal::Pull(prompt));
        return;
    }
    match key.code {
        KeyCode::Esc => return,
        KeyCode::Enter => match parse_image_ref(&prompt.input) {
            Err(e) => prompt.error = Some(e),
            Ok(reference) => {
                prompt.error = None;
                let request = state.ids.next_request();
                prompt.running = Some((request, PullStatus::default()));
                effects.push(Effect::Change(Change::Pull { request, reference }));
            }
        },
        _ => super::line_input::edit_line(&mut prompt.input, &key),
    }
    state.screen.modal = Some(Modal::Pull(prompt));
}

pub fn on_pull_finished(
    state: &mut AppState,
    request: crate::state::RequestId,
    reference: String,
    result: Result<(), DaemonError>,
) {
    let Some(Modal::Pull(prompt)) = &mut state.screen.modal else { return };
    if prompt.running.as_ref().map(|(r, _)| *r) != Some(request) {
        return;
    }
    prompt.running = None;
    match result {
        Ok(()) => {
            state.screen.modal = None;
            flash(state, format!("pulled {reference}"), false);
        }
        Err(error) if super::images::pull_refused(state, &reference, &error) => {}
        Err(error) => {
            let error = with_what_wharf_knows(state, &reference, error);
            if let Some(Modal::Pull(prompt)) = &mut state.screen.modal {
                prompt.error = Some(error.to_string());
            }
        }
    }
}
