//! The compose project view (`y`): reading the project's files, listing its containers,
//! and the compose operations its keys ask for.

use crossterm::event::{KeyCode, KeyEvent};

use super::flash;
use crate::app::compose_task::ComposeOp;
use crate::app::effect::{Change, Effect, Local, Read};
use crate::config::keymap::Action;
use crate::model::{DaemonError, ProjectContainer, wants_login};
use crate::state::{AppState, Confirm, Modal, Pane, Pending, RequestId, Retry};

/// Shows the project view, reading the files the first time.
pub fn show(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.screen.main_pane = Pane::Project;
    state.screen.focus = Pane::Project;
    state.project.wanted = true;
    if state.project.project.is_none() && !state.project.reading {
        read_files(state, effects);
    } else {
        want_containers(state, effects);
    }
    super::objects::want_volumes(state, effects);
    super::objects::want_networks(state, effects);
}

fn read_files(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.project.reading = true;
    effects.push(Effect::Local(Local::ReadProject {
        options: state.project.options.clone(),
        cwd: state.project.cwd.clone(),
    }));
}

/// The files were read (or not).
pub fn on_read(state: &mut AppState, result: Result<Box<crate::compose::Project>, String>, effects: &mut Vec<Effect>) {
    state.project.reading = false;
    match result {
        Ok(project) => {
            let changed_name = state.project.project.as_ref().map(|p| &p.name) != Some(&project.name);
            if changed_name {
                state.project.containers.clear();
                state.project.containers_loaded = false;
                state.project.selected = 0;
                state.project.offset = 0;
            }
            state.project.selected = state.project.selected.min(project.services.len().saturating_sub(1));
            state.project.error = None;
            state.project.project = Some(*project);
            want_containers(state, effects);
        }
        Err(error) => {
            state.project.error = Some(crate::text::sanitize(&error));
        }
    }
}

/// Lists the project's containers, at most one read in flight.
pub fn want_containers(state: &mut AppState, effects: &mut Vec<Effect>) {
    let Some(project) = &state.project.project else { return };
    if !state.is_connected() {
        return;
    }
    if state.project.listing {
        state.project.list_again = true;
        return;
    }
    state.project.listing = true;
    effects.push(Effect::Read(Read::ProjectContainers { project: project.name.clone() }));
}

pub fn on_containers(
    state: &mut AppState,
    project: String,
    result: Result<Vec<ProjectContainer>, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    state.project.listing = false;
    if state.project.project.as_ref().map(|p| &p.name) == Some(&project) {
        match result {
            Ok(mut containers) => {
                containers.sort_by(|a, b| (&a.service, a.number).cmp(&(&b.service, b.number)));
                state.project.containers = containers;
                state.project.containers_loaded = true;
                if state.screen.main_pane == Pane::Project {
                    show_selected_container(state, effects);
                }
            }
            Err(e) => flash(state, format!("cannot list project {project}: {}", e.message), true),
        }
    }
    if std::mem::take(&mut state.project.list_again) {
        want_containers(state, effects);
    }
}

/// A container changed somewhere: the view, if it is on screen, reads its containers
/// again.
pub fn on_container_event(state: &mut AppState, effects: &mut Vec<Effect>) {
    if state.project.wanted && state.project.project.is_some() {
        want_containers(state, effects);
    }
}

pub fn on_connected(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.project.listing = false;
    if state.project.wanted {
        if state.project.project.is_none() && !state.project.reading {
            read_files(state, effects);
        }
        want_containers(state, effects);
    }
}

pub fn move_by(state: &mut AppState, delta: isize, effects: &mut Vec<Effect>) {
    let count = state.project.project.as_ref().map_or(0, |p| p.services.len());
    if count == 0 {
        return;
    }
    let next = state.project.selected.saturating_add_signed(delta).min(count - 1);
    state.project.selected = next;
    show_selected_container(state, effects);
}

/// The ports, env, stats and log panes show the selected service's first container
/// (unless the log pane follows several: merged logs stay).
pub fn show_selected_container(state: &mut AppState, effects: &mut Vec<Effect>) {
    if state.logs.sources.len() > 1 {
        return;
    }
    let Some(service) = state.project.selected_service() else { return };
    let Some(id) = state.project.containers_of(&service.name).next().map(|c| c.id.clone()) else { return };
    if state.selected_container().is_some_and(|c| c.id == id) {
        return;
    }
    let position = state.containers.list.visible().position(|c| c.id == id);
    if let Some(position) = position
        && state.containers.list.select_visible(position)
    {
        super::selection::sync_selection(state, effects);
    }
}

/// The keys of the project view.
pub fn on_action(state: &mut AppState, action: Action, effects: &mut Vec<Effect>) {
    if action == Action::OpenComposeFile {
        let start = state.project.project.as_ref().map_or_else(
            || state.project.cwd.display().to_string(),
            |p| p.config_files.first().map(|f| f.display().to_string()).unwrap_or_default(),
        );
        state.screen.modal = Some(Modal::ComposeFile { input: start });
        return;
    }
    if action == Action::ProjectLogs {
        return project_logs(state, effects);
    }
    let Some(project) = state.project.project.clone() else {
        let why = state.project.error.clone().unwrap_or_else(|| "the project is still being read".into());
        flash(state, why, true);
        return;
    };
    if let Some((_, verb)) = &state.project.running {
        flash(state, format!("{verb} is still running"), true);
        return;
    }
    let selected = state.project.selected_service().map(|s| s.name.clone());
    let one = |name: &Option<String>| name.iter().cloned().collect::<Vec<_>>();
    let op = match action {
        Action::ComposeUp => ComposeOp::Up { services: vec![] },
        Action::ComposeUpService => ComposeOp::Up { services: one(&selected) },
        Action::ComposeStart => ComposeOp::Start { services: one(&selected) },
        Action::ComposeStop => ComposeOp::Stop { services: one(&selected) },
        Action::ComposeRestart => ComposeOp::Restart { services: one(&selected) },
        Action::ComposeRecreate => ComposeOp::Recreate { services: one(&selected) },
        Action::ComposePull => ComposeOp::Pull { services: vec![] },
        Action::ComposeBuild => ComposeOp::Build { services: one(&selected) },
        Action::ComposeScaleUp | Action::ComposeScaleDown => {
            let Some(service) = state.project.selected_service() else { return };
            let now = state.project.containers_of(&service.name).count().max(1);
            let replicas = if action == Action::ComposeScaleUp { now + 1 } else { now.saturating_sub(1) };
            ComposeOp::Scale { service: service.name.clone(), replicas: u32::try_from(replicas).unwrap_or(1) }
        }
        Action::ComposeDown | Action::ComposeDownVolumes => {
            return ask_down(state, action == Action::ComposeDownVolumes);
        }
        _ => return,
    };
    let per_service = !matches!(action, Action::ComposeUp | Action::ComposePull);
    if per_service && selected.is_none() {
        flash(state, "select a service first", true);
        return;
    }
    start(state, project, op, effects);
}

fn start(state: &mut AppState, project: crate::compose::Project, op: ComposeOp, effects: &mut Vec<Effect>) {
    let request = state.ids.next_request();
    let verb = op.verb().to_string();
    state.project.running = Some((request, verb.clone()));
    state.project.push_progress(String::new(), format!("{verb} {}…", project.name));
    flash(state, format!("{verb} {}…", project.name), false);
    effects.push(Effect::Change(Change::Compose { request, project: Box::new(project), op }));
}

fn ask_down(state: &mut AppState, volumes: bool) {
    let Some(project) = &state.project.project else { return };
    let mut lines = vec![format!(
        "Stops and removes the containers of {} and its networks ({}).",
        project.name,
        project.networks.values().filter(|n| !n.external).map(|n| n.name.as_str()).collect::<Vec<_>>().join(", ")
    )];
    let named: Vec<&str> = project.volumes.values().filter(|v| !v.external).map(|v| v.name.as_str()).collect();
    if volumes {
        lines.push(format!("Also removes its volumes and their data: {}.", named.join(", ")));
    } else if !named.is_empty() {
        lines.push(format!("Keeps its volumes ({}); V removes them too.", named.join(", ")));
    }
    state.screen.modal = Some(Modal::Confirm(Confirm {
        title: format!("Take {} down?", project.name),
        lines,
        yes: Pending::ComposeDown { volumes },
        alternative: None,
    }));
}

pub fn on_confirmed_down(state: &mut AppState, volumes: bool, effects: &mut Vec<Effect>) {
    let Some(project) = state.project.project.clone() else { return };
    start(state, project, ComposeOp::Down { volumes }, effects);
}

pub fn on_progress(state: &mut AppState, request: RequestId, progress: crate::model::ComposeProgress) {
    if state.project.running.as_ref().map(|(r, _)| *r) == Some(request) {
        state.project.push_progress(progress.service, progress.text);
    }
}

pub fn on_finished(
    state: &mut AppState,
    request: RequestId,
    verb: String,
    result: Result<(), DaemonError>,
    login_for: Option<String>,
    effects: &mut Vec<Effect>,
) {
    if state.project.running.as_ref().map(|(r, _)| *r) == Some(request) {
        state.project.running = None;
    }
    let name = state.project.project.as_ref().map(|p| p.name.clone()).unwrap_or_default();
    match result {
        Ok(()) => {
            state.project.push_progress(String::new(), format!("{verb} {name}: done"));
            flash(state, format!("{verb} {name}: done"), false);
        }
        Err(e) => {
            state.project.push_progress(String::new(), format!("{verb} {name} failed: {}", e.message));
            flash(state, format!("{verb} {name} failed: {}", e.message), true);
            // As for a pull from the images pane: the login, then the image is pulled,
            // and the operation can be run again.
            if let Some(image) = login_for.filter(|_| wants_login(&e)) {
                state.project.push_progress(String::new(), format!("log in, then {verb} again once {image} is pulled"));
                super::images::open_login(state, Retry::Pull(image), &e);
            }
        }
    }
    want_containers(state, effects);
}

/// Merges the logs of the project's containers (what `M` does with marked ones).
fn project_logs(state: &mut AppState, effects: &mut Vec<Effect>) {
    if state.logs.sources.len() > 1 {
        super::logs::toggle_merge(state, effects);
        return;
    }
    let ids: Vec<String> = state.project.containers.iter().filter(|c| !c.oneoff).map(|c| c.id.clone()).collect();
    if ids.len() < 2 {
        flash(state, "the project needs two containers or more to merge their logs", true);
        return;
    }
    state.containers.marked = ids.into_iter().collect();
    super::logs::toggle_merge(state, effects);
}

/// Typing the path of another compose file or directory (`o`).
pub fn on_chooser_key(state: &mut AppState, mut input: String, key: KeyEvent, effects: &mut Vec<Effect>) {
    match key.code {
        KeyCode::Esc => {}
        KeyCode::Enter => {
            let path = std::path::PathBuf::from(input.trim());
            // A directory is searched as compose searches the current one; a file is
            // read as `-f` reads it.
            let is_file = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
            if is_file {
                state.project.options.files = vec![path.clone()];
                if let Some(dir) = path.parent() {
                    state.project.cwd = dir.to_path_buf();
                }
            } else {
                state.project.options.files.clear();
                state.project.cwd = path;
            }
            state.project.project = None;
            state.project.error = None;
            state.project.containers.clear();
            state.project.containers_loaded = false;
            read_files(state, effects);
        }
        _ => {
            super::line_input::edit_line(&mut input, &key);
            state.screen.modal = Some(Modal::ComposeFile { input });
        }
    }
}
