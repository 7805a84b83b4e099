//! Lifecycle actions on containers and images: refusals, confirmations, results.

use crossterm::event::{KeyCode, KeyEvent};

use super::daemon::refresh_lists;
use super::flash;
use crate::app::effect::Change;
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
        // The daemon refuses to remove a running or paused container without force.
        let running = state.containers.list.items().iter().any(|c| {
            go.iter().any(|(id, _)| *id == c.id) && (c.state.is_running() || c.state == ContainerState::Paused)
        });
        let names: Vec<&str> = go.iter().map(|(_, n)| n.as_str()).collect();
        let mut lines = vec![format!("Remove {}?", names.join(", "))];
        if running {
            lines.push("Running containers are stopped and removed (force).".into());
        }
        state.screen.modal = Some(Modal::Confirm(Confirm {
            title: if go.len() == 1 { "Remove container".into() } else { format!("Remove {} containers", go.len()) },
            lines,
            yes: Pending::Containers {
                targets: go.clone(),
                action: ContainerAction::Remove { force: running, volumes: false },
            },
            alternative: Some((
                'v',
                if go.len() == 1 { "yes, and its anonymous volumes" } else { "yes, and their anonymous volumes" }
                    .into(),
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
    state.containers.marked.clear();
    state.containers.action_results.clear();
    for (id, name) in targets {
        // A container wharf removes itself leaves without a "removed elsewhere" note.
        if let ContainerAction::Remove { .. } = action {
            state.containers.removing.insert(id.clone());
        }
        effects.push(Effect::Change(Change::Container { id, name, action }));
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
    if !state.containers.marked.remove(&id) {
        state.containers.marked.insert(id);
    }
    state.containers.list.move_by(1);
}

pub fn remove_image(state: &mut AppState) {
    let Some(image) = state.images.selected_item() else {
        flash(state, "no image selected", true);
        return;
    };
    let name = image.display_name();
    let users: Vec<&str> =
        state.containers.list.items().iter().filter(|c| c.image_id == image.id).map(|c| c.name.as_str()).collect();
    let mut lines = vec![format!("Remove {name} ({})?", image.short_id())];
    if !users.is_empty() {
        lines.push(format!("Used by {}: the daemon will refuse while they exist.", users.join(", ")));
    }
    state.screen.modal = Some(Modal::Confirm(Confirm {
        title: "Remove image".into(),
        lines,
        // By tag when it has one: removing by id is refused for an image with several
        // tags, and untagging is what `docker rmi repo:tag` does.
        yes: Pending::RemoveImage { id: image.tags.first().cloned().unwrap_or_else(|| image.id.clone()), name },
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
            state.screen.modal = Some(Modal::Confirm(confirm));
            return;
        }
    };
    match pending {
        Pending::Containers { targets, action } => send_container_action(state, targets, action, effects),
        Pending::RemoveImage { id, name } => {
            flash(state, format!("removing {name}…"), false);
            effects.push(Effect::Change(Change::RemoveImage { id, name }));
        }
        other => super::objects::on_confirmed(state, other, effects),
    }
}

pub fn on_action_finished(
    state: &mut AppState,
    id: &str,
    name: &str,
    action: ContainerAction,
    result: Result<(), crate::model::DaemonError>,
    effects: &mut Vec<Effect>,
) {
    let removal = matches!(action, ContainerAction::Remove { .. });
    // A removal that failed leaves the container: its leaving later is news again.
    // (One that worked stays noted until the list no longer has it.)
    if removal && result.as_ref().is_err_and(|e| e.kind != DaemonErrorKind::NotFound) {
        state.containers.removing.remove(id);
    }
    let (text, failed) = match result {
        Ok(()) => (format!("{} {name}", action.past()), false),
        // Removed meanwhile by someone else: what the user wanted has happened.
        Err(e) if e.kind == DaemonErrorKind::NotFound && removal => {
            (format!("{name} was already removed by another client"), false)
        }
        // 304: it already was (stopped, started) by the time the request arrived.
        Err(e) if e.kind == DaemonErrorKind::NotModified => (format!("{name} was already {}", action.past()), false),
        Err(e) if e.kind == DaemonErrorKind::NotFound => {
            if state.is_connected() {
                refresh_lists(state, effects);
            }
            (format!("cannot {action} {name}: it was removed by another client"), true)
        }
        Err(e) => (format!("cannot {action} {name}: {}", e.message), true),
    };
    // Results of one action on several containers add up instead of replacing each
    // other; failures first, so none hides behind a later success.
    state.containers.action_results.push((failed, text));
    state.containers.action_results.sort_by_key(|(failed, _)| !*failed);
    let any_failed = state.containers.action_results.iter().any(|(f, _)| *f);
    let joined: Vec<&str> = state.containers.action_results.iter().map(|(_, t)| t.as_str()).collect();
    let joined = joined.join("; ");
    flash(state, joined, any_failed);
}

pub fn on_image_removed(state: &mut AppState, name: &str, result: Result<(), crate::model::DaemonError>) {
    match result {
        Ok(()) => flash(state, format!("removed {name}"), false),
        Err(e) if e.kind == DaemonErrorKind::Conflict => {
            // Name the containers that keep it, which the daemon's message leaves out.
            let image_id = state.images.items().iter().find(|i| i.display_name() == name).map(|i| i.id.clone());
            let users: Vec<&str> = state
                .containers
                .list
                .items()
                .iter()
                .filter(|c| Some(&c.image_id) == image_id.as_ref())
                .map(|c| c.name.as_str())
                .collect();
            let text = if users.is_empty() {
                format!("cannot remove {name}: {}", e.message)
            } else {
                format!("cannot remove {name}: used by {} (remove them first)", users.join(", "))
            };
            flash(state, text, true);
        }
        Err(e) => flash(state, format!("cannot remove {name}: {}", e.message), true),
    }
}
