//! Changing a container without losing it: the launch form filled from a container
//! (`R` edit and recreate, `Y` duplicate), the recreate's progress and end, and the
//! equivalent `docker run` command (`w`, and Ctrl-g in the launch form).

use crossterm::event::{KeyCode, KeyEvent};
use serde_json::Value;

use super::flash;
use crate::app::effect::{ConfigUse, Effect, Local, Read};
use crate::launch::command::run_command;
use crate::launch::create_request;
use crate::launch::from_inspect::{Purpose, describe_carried, from_inspect};
use crate::model::DaemonError;
use crate::state::{AppState, FormOrigin, LaunchForm, Modal, RequestId, RunCommandView};

/// `R`, `Y`, `w` on a container: read its settings (and its image's) first.
pub fn ask(state: &mut AppState, purpose: ConfigUse, effects: &mut Vec<Effect>) {
    let Some(container) = state.selected_container() else {
        flash(state, "select a container first", true);
        return;
    };
    let (id, name) = (container.id.clone(), container.name.clone());
    let doing = match purpose {
        ConfigUse::Edit => "reading {} to edit it…",
        ConfigUse::Duplicate => "reading {} to duplicate it…",
        ConfigUse::Command => "reading {}…",
    };
    flash(state, doing.replace("{}", &name), false);
    effects.push(Effect::Read(Read::ContainerConfig { id, name, purpose }));
}

pub fn on_config(
    state: &mut AppState,
    name: String,
    purpose: ConfigUse,
    result: Result<Box<(Value, Option<Value>)>, DaemonError>,
) {
    // The user opened something else meanwhile: the answer is not wanted.
    if state.screen.modal.is_some() {
        return;
    }
    let (container, image) = match result {
        Ok(both) => *both,
        Err(e) => return flash(state, format!("cannot read {name}: {}", e.message), true),
    };
    state.screen.flash = None;
    let image_config = image.as_ref().and_then(|i| i.get("Config"));
    match purpose {
        ConfigUse::Command => {
            let filled = from_inspect(&container, image.as_ref(), Purpose::Describe);
            match filled.draft.validate(|_| None) {
                Ok(mut spec) => {
                    spec.carried = Some(filled.carried);
                    let command = run_command(Some(&filled.name), &create_request(&spec), image_config);
                    let title = format!("docker run for {}", filled.name);
                    state.screen.modal =
                        Some(Modal::RunCommand(Box::new(RunCommandView { title, command, scroll: 0, back: None })));
                }
                Err(errors) => {
                    let why = errors.first().map(|e| e.message.clone()).unwrap_or_default();
                    flash(state, format!("cannot write the command for {name}: {why}"), true);
                }
            }
        }
        ConfigUse::Edit | ConfigUse::Duplicate => {
            let edit = purpose == ConfigUse::Edit;
            let purpose = if edit { Purpose::Recreate } else { Purpose::Duplicate };
            let filled = from_inspect(&container, image.as_ref(), purpose);
            if edit && filled.draft.auto_remove {
                // Stopping it would remove it: there would be nothing to fall back on.
                let why = "it runs with --rm, so stopping it removes it and a failed recreate could not bring it                            back; duplicate it (Y) instead";
                return flash(state, format!("cannot recreate {}: {why}", filled.name), true);
            }
            let mut draft = filled.draft.clone();
            if !edit {
                draft.name = free_name(state, &filled.name);
            }
            let origin = FormOrigin {
                purpose,
                id: container.get("Id").and_then(Value::as_str).unwrap_or_default().to_string(),
                name: filled.name.clone(),
                kept: describe_carried(&filled.carried),
                carried: filled.carried,
                original: filled.draft,
                running: filled.running,
                has_healthcheck: filled.has_healthcheck,
            };
            let title =
                if edit { format!("Edit {} (recreate)", origin.name) } else { format!("Duplicate {}", origin.name) };
            state.screen.modal = Some(Modal::Launch(Box::new(LaunchForm::from_container(title, &draft, origin))));
        }
    }
}

/// `name-2`, `name-3`, …: the first no container in the list has.
fn free_name(state: &AppState, name: &str) -> String {
    let taken = |n: &str| state.containers.list.items().iter().any(|c| c.name == n);
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('-');
    let base = if base.is_empty() { name } else { base };
    (2..).map(|i| format!("{base}-{i}")).find(|n| !taken(n)).unwrap_or_else(|| format!("{name}-copy"))
}

/// Ctrl-g in the launch form: the command for what it holds now.
pub fn form_command(state: &mut AppState, mut form: Box<LaunchForm>) {
    let env = &state.launch.host_env;
    match form.spec(|key| env.get(key).cloned()) {
        Err(errors) => {
            form.errors = errors;
            form.focus_first_error();
            state.screen.modal = Some(Modal::Launch(form));
        }
        Ok(spec) => {
            form.errors.clear();
            let command = run_command(spec.name.as_deref(), &create_request(&spec), None);
            let title = format!("docker run for: {}", form.title);
            state.screen.modal =
                Some(Modal::RunCommand(Box::new(RunCommandView { title, command, scroll: 0, back: Some(form) })));
        }
    }
}

pub fn on_command_key(state: &mut AppState, mut view: Box<RunCommandView>, key: KeyEvent, effects: &mut Vec<Effect>) {
    match key.code {
        KeyCode::Char('y') | KeyCode::Char('c') => {
            effects.push(Effect::Local(Local::CopyToClipboard { text: view.command.text() }));
            flash(state, "copied the command to the clipboard (terminals that allow OSC 52)", false);
        }
        KeyCode::Down | KeyCode::Char('j') => view.scroll = view.scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => view.scroll = view.scroll.saturating_sub(1),
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => {
            state.screen.modal = view.back.map(Modal::Launch);
            return;
        }
        _ => {}
    }
    state.screen.modal = Some(Modal::RunCommand(view));
}

pub fn on_recreate_step(state: &mut AppState, request: RequestId, step: String) {
    if let Some(Modal::Launch(form)) = &mut state.screen.modal
        && form.submitting.as_ref().is_some_and(|s| s.request == request)
    {
        form.steps.push(crate::text::sanitize(&step));
        // Bounded: a recreate has a handful of steps; keep the last ones.
        if form.steps.len() > 12 {
            form.steps.remove(0);
        }
    }
}

pub fn on_recreate_finished(state: &mut AppState, request: RequestId, result: Result<String, DaemonError>) {
    let Some(Modal::Launch(form)) = &mut state.screen.modal else {
        // The form is gone (a daemon switch): the status line still tells.
        match result {
            Ok(_) => flash(state, "recreated", false),
            Err(e) => flash(state, format!("the recreate failed: {}", e.message), true),
        }
        return;
    };
    if form.submitting.as_ref().is_none_or(|s| s.request != request) {
        return;
    }
    form.submitting = None;
    match result {
        Ok(id) => {
            // The old container went by wharf's hand: its leaving the list is no news.
            if let Some(origin) = &form.origin {
                state.containers.removing.insert(origin.id.clone());
            }
            let name = form.draft().name;
            let short: String = id.chars().take(12).collect();
            state.screen.modal = None;
            flash(state, format!("recreated {name} ({short}); the old container is removed"), false);
            state.containers.select_when_listed = Some(id);
        }
        Err(error) => {
            form.steps.clear();
            form.daemon_error = Some(error);
        }
    }
}

/// What an edit form sends: a recreate of its container, with the form's settings
/// and everything it carries.
pub fn recreate_plan(
    form: &LaunchForm,
    spec: crate::model::LaunchSpec,
) -> Option<crate::launch::recreate::RecreatePlan> {
    let origin = form.origin.as_ref().filter(|o| o.purpose == Purpose::Recreate)?;
    Some(crate::launch::recreate::RecreatePlan {
        old_id: origin.id.clone(),
        old_name: origin.name.clone(),
        pull: spec.image != origin.original.image.trim(),
        spec,
        was_running: origin.running,
        has_healthcheck: origin.has_healthcheck,
    })
}
