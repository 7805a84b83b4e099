//! The images pane's own work: building (`b`), tagging (`t`), pushing (`P`), and the
//! login prompt a registry's refusal opens (for pushes and the pane's pulls).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::flash;
use super::line_input::edit_line;
use crate::app::effect::{Change, Effect, Read, Stream};
use crate::launch::parse_image_ref;
use crate::model::{BuildEvent, BuildSpec, BuildSummary, DaemonError, RegistryAuth, Secret, registry_of, wants_login};
use crate::state::{
    AppState, BuildDraft, BuildField, BuildPhase, BuildView, LoginField, LoginPrompt, Modal, PullPrompt, PullStatus,
    PushView, RequestId, Retry, TagPrompt,
};

// ---- build ---------------------------------------------------------------------

/// Opens the build form, the context filled in when given (`wharf --build DIR`).
pub fn open_build(state: &mut AppState, context: Option<String>) {
    let draft = BuildDraft { context: context.unwrap_or_default(), ..Default::default() };
    let mut view = BuildView::new(draft);
    if !view.draft.context.is_empty() {
        view.focus = BuildField::Tags;
    }
    state.screen.modal = Some(Modal::Build(Box::new(view)));
}

/// The form's text as a build, or the field to fix and why.
pub fn build_spec(draft: &BuildDraft) -> Result<BuildSpec, (BuildField, String)> {
    let context = draft.context.trim();
    if context.is_empty() {
        return Err((BuildField::Context, "the context directory is required, e.g. . or ./app".into()));
    }
    let mut tags = Vec::new();
    for word in draft.tags.split_whitespace() {
        tags.push(parse_image_ref(word).map_err(|e| (BuildField::Tags, format!("{word}: {e}")))?);
    }
    let words = shell_words::split(&draft.build_args)
        .map_err(|_| (BuildField::BuildArgs, "an unclosed quote in the build args".to_string()))?;
    let mut build_args = Vec::new();
    for word in words {
        match word.split_once('=') {
            Some((name, value)) if !name.is_empty() => build_args.push((name.to_string(), value.to_string())),
            _ => return Err((BuildField::BuildArgs, format!("{word}: a build arg is NAME=VALUE"))),
        }
    }
    let target = draft.target.trim();
    if target.contains(char::is_whitespace) {
        return Err((BuildField::Target, "a target is one stage name".into()));
    }
    Ok(BuildSpec {
        context: context.into(),
        dockerfile: draft.dockerfile.trim().to_string(),
        tags,
        build_args,
        target: target.to_string(),
        no_cache: draft.no_cache,
        pull: draft.pull,
    })
}

pub fn on_build_key(state: &mut AppState, mut view: Box<BuildView>, key: KeyEvent, effects: &mut Vec<Effect>) {
    match view.phase.clone() {
        BuildPhase::Running { request } => {
            if key.code == KeyCode::Esc {
                effects.push(Effect::Stream(Stream::Cancel { request }));
            }
        }
        BuildPhase::Succeeded(summary) => match key.code {
            KeyCode::Esc => return,
            // "Run this image": the launch form, as `n` on the images pane opens it.
            KeyCode::Enter | KeyCode::Char('n') => {
                let image = view.draft.tags.split_whitespace().next().map(str::to_string);
                let image = image.unwrap_or_else(|| summary.image_id.clone());
                effects.push(Effect::Read(Read::ExposedPorts { id: summary.image_id, image }));
                return;
            }
            KeyCode::Char('e') => {
                view.reset_output();
                view.phase = BuildPhase::Form { error: None };
            }
            _ => {}
        },
        BuildPhase::Failed { .. } => match key.code {
            KeyCode::Esc => return,
            KeyCode::Enter | KeyCode::Char('e') => {
                view.reset_output();
                view.phase = BuildPhase::Form { error: None };
            }
            _ => {}
        },
        BuildPhase::Form { .. } => {
            if on_form_key(state, &mut view, key, effects) {
                return;
            }
        }
    }
    state.screen.modal = Some(Modal::Build(view));
}

/// A key in the build form; true when the dialog closes.
fn on_form_key(state: &mut AppState, view: &mut BuildView, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    let fields = BuildField::ALL;
    let at = fields.iter().position(|f| *f == view.focus).unwrap_or(0);
    let submit = matches!(key.code, KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL))
        || (key.code == KeyCode::Enter && at + 1 == fields.len());
    if submit {
        match build_spec(&view.draft) {
            Err((field, error)) => {
                view.focus = field;
                view.phase = BuildPhase::Form { error: Some((field, error)) };
            }
            Ok(spec) => {
                let request = state.ids.next_request();
                view.reset_output();
                view.phase = BuildPhase::Running { request };
                effects.push(Effect::Change(Change::Build { request, spec: Box::new(spec) }));
            }
        }
        return false;
    }
    match key.code {
        KeyCode::Esc => return true,
        KeyCode::Tab | KeyCode::Down | KeyCode::Enter => view.focus = fields[(at + 1) % fields.len()],
        KeyCode::BackTab | KeyCode::Up => view.focus = fields[(at + fields.len() - 1) % fields.len()],
        KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right if view.focus.is_toggle() => match view.focus {
            BuildField::NoCache => view.draft.no_cache = !view.draft.no_cache,
            _ => view.draft.pull = !view.draft.pull,
        },
        _ => {
            if let Some(text) = view.draft.text_mut(view.focus) {
                edit_line(text, &key);
            }
        }
    }
    false
}

pub fn on_build_output(state: &mut AppState, request: RequestId, event: BuildEvent) {
    let Some(Modal::Build(view)) = &mut state.screen.modal else { return };
    if view.phase != (BuildPhase::Running { request }) {
        return;
    }
    match event {
        BuildEvent::Output(line) => view.push_line(line),
        BuildEvent::Pull(progress) => view.pull.record(progress),
        BuildEvent::Built(_) => {}
    }
}

pub fn on_built(
    state: &mut AppState,
    request: RequestId,
    result: Result<BuildSummary, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    let Some(Modal::Build(view)) = &mut state.screen.modal else { return };
    if view.phase != (BuildPhase::Running { request }) {
        return;
    }
    match result {
        Ok(summary) => {
            state.images_view.select = Some(summary.image_id.clone());
            view.phase = BuildPhase::Succeeded(summary);
            super::daemon::refresh_lists(state, effects);
        }
        Err(error) => {
            let step = view.step.clone();
            view.phase = BuildPhase::Failed { error: error.to_string(), step };
        }
    }
}

/// Selects the image a build made with the first list answer after the build; an
/// image the filter hides is not waited for (the wish would otherwise stay and
/// jump the selection at some later answer).
pub fn select_pending_image(state: &mut AppState) {
    if let Some(id) = state.images_view.select.take()
        && state.images.select_key(&id)
    {
        state.screen.focus = crate::state::Pane::Images;
    }
}

// ---- sort and filter -------------------------------------------------------------

/// `o` / `O` on the images pane: the next sort (age, name, size) / reversed.
pub fn cycle_sort(state: &mut AppState, reverse: bool) {
    let view = &mut state.images_view;
    if reverse {
        view.reverse = !view.reverse;
    } else {
        view.sort = view.sort.next();
        view.reverse = false;
    }
    apply_sort(state);
    let arrow = if state.images_view.reverse { "↑" } else { "↓" };
    flash(state, format!("images sorted by {} {arrow}", state.images_view.sort.label()), false);
}

/// Sorts the list as chosen; the selection stays on its image.
pub fn apply_sort(state: &mut AppState) {
    let mut rows = state.images.items().to_vec();
    state.images_view.sort_rows(&mut rows);
    state.images.set_items(rows);
}

/// `f` on the images pane: all, dangling, unused.
pub fn cycle_show(state: &mut AppState) {
    state.images_view.show = state.images_view.show.next();
    state.images.set_retain(state.images_view.show.retain());
    flash(state, format!("showing {} images", state.images_view.show.label()), false);
}

// ---- tag -----------------------------------------------------------------------

pub fn open_tag(state: &mut AppState) {
    let Some(image) = state.images.selected_item() else {
        flash(state, "select an image to tag", true);
        return;
    };
    state.screen.modal = Some(Modal::Tag(TagPrompt {
        source: image.id.clone(),
        name: image.display_name(),
        input: image.tags.first().cloned().unwrap_or_default(),
        error: None,
    }));
}

pub fn on_tag_key(state: &mut AppState, mut prompt: TagPrompt, key: KeyEvent, effects: &mut Vec<Effect>) {
    match key.code {
        KeyCode::Esc => return,
        KeyCode::Enter => match parse_image_ref(&prompt.input) {
            Err(e) => prompt.error = Some(e),
            Ok(target) => {
                effects.push(Effect::Change(Change::Tag { source: prompt.source, target }));
                return;
            }
        },
        _ => edit_line(&mut prompt.input, &key),
    }
    state.screen.modal = Some(Modal::Tag(prompt));
}

// ---- push ----------------------------------------------------------------------

pub fn open_push(state: &mut AppState, effects: &mut Vec<Effect>) {
    let Some(image) = state.images.selected_item() else {
        flash(state, "select an image to push", true);
        return;
    };
    // A name on a registry of its own (`host:port/app:1`) is what a push usually
    // wants: the one `t` just added, not the name the image was pulled by.
    let private = image.tags.iter().find(|t| registry_of(t) != crate::model::DOCKER_HUB_SERVER);
    let Some(reference) = private.or(image.tags.first()).cloned() else {
        flash(state, "tag the image first (t): a push needs a name with its registry", true);
        return;
    };
    start_push(state, reference, effects);
}

fn start_push(state: &mut AppState, reference: String, effects: &mut Vec<Effect>) {
    let request = state.ids.next_request();
    state.screen.modal = Some(Modal::Push(Box::new(PushView {
        reference: reference.clone(),
        running: Some(request),
        progress: PullStatus::default(),
        error: None,
    })));
    effects.push(Effect::Change(Change::Push { request, reference }));
}

pub fn on_push_key(state: &mut AppState, view: Box<PushView>, key: KeyEvent, effects: &mut Vec<Effect>) {
    if let Some(request) = view.running {
        if key.code == KeyCode::Esc {
            effects.push(Effect::Stream(Stream::Cancel { request }));
        }
        state.screen.modal = Some(Modal::Push(view));
        return;
    }
    if !matches!(key.code, KeyCode::Esc | KeyCode::Enter) {
        state.screen.modal = Some(Modal::Push(view));
    }
}

pub fn on_push_progress(state: &mut AppState, request: RequestId, progress: crate::model::PullProgress) -> bool {
    match &mut state.screen.modal {
        Some(Modal::Push(view)) if view.running == Some(request) => {
            view.progress.record(progress);
            true
        }
        _ => false,
    }
}

pub fn on_pushed(state: &mut AppState, request: RequestId, reference: String, result: Result<(), DaemonError>) {
    let Some(Modal::Push(view)) = &mut state.screen.modal else { return };
    if view.running != Some(request) {
        return;
    }
    view.running = None;
    match result {
        Ok(()) => {
            state.screen.modal = None;
            flash(state, format!("pushed {reference}"), false);
        }
        Err(error) if wants_login(&error) => {
            open_login(state, Retry::Push(reference), &error);
        }
        Err(error) => view.error = Some(error.to_string()),
    }
}

// ---- login ---------------------------------------------------------------------

/// A registry refused: ask who to be there, then try `retry` again.
pub fn open_login(state: &mut AppState, retry: Retry, error: &DaemonError) {
    let reference = retry.reference();
    state.screen.modal = Some(Modal::Login(Box::new(LoginPrompt {
        server: registry_of(&reference),
        reason: error.message.clone(),
        user: String::new(),
        password: Secret::default(),
        keep: false,
        focus: LoginField::User,
        error: None,
        running: None,
        retry,
    })));
}

/// A pull from the images pane refused for lack of credentials opens the login.
pub fn pull_refused(state: &mut AppState, reference: &str, error: &DaemonError) -> bool {
    if !wants_login(error) {
        return false;
    }
    open_login(state, Retry::Pull(reference.to_string()), error);
    true
}

pub fn on_login_key(state: &mut AppState, mut prompt: Box<LoginPrompt>, key: KeyEvent, effects: &mut Vec<Effect>) {
    if prompt.running.is_some() {
        state.screen.modal = Some(Modal::Login(prompt));
        return;
    }
    let submit = key.code == KeyCode::Enter && prompt.focus == LoginField::Keep
        || matches!(key.code, KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL));
    if submit {
        if prompt.user.trim().is_empty() || prompt.password.is_empty() {
            prompt.error = Some("a user and a password or token are both needed".into());
            prompt.focus = if prompt.user.trim().is_empty() { LoginField::User } else { LoginField::Password };
        } else {
            let request = state.ids.next_request();
            prompt.error = None;
            prompt.running = Some(request);
            let auth = RegistryAuth {
                server: prompt.server.clone(),
                username: prompt.user.trim().to_string(),
                secret: prompt.password.clone(),
                token: false,
            };
            effects.push(Effect::Change(Change::Login { request, auth, keep: prompt.keep }));
        }
        state.screen.modal = Some(Modal::Login(prompt));
        return;
    }
    match (key.code, prompt.focus) {
        // A launch form waits under the login: it comes back as it was.
        (KeyCode::Esc, _) => {
            if let Retry::Launch(form) = prompt.retry {
                state.screen.modal = Some(Modal::Launch(form));
            }
            return;
        }
        (KeyCode::Tab | KeyCode::Down | KeyCode::Enter, f) => prompt.focus = next_login_field(f),
        (KeyCode::BackTab | KeyCode::Up, f) => prompt.focus = next_login_field(next_login_field(f)),
        (KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right, LoginField::Keep) => prompt.keep = !prompt.keep,
        (_, LoginField::User) => edit_line(&mut prompt.user, &key),
        (_, LoginField::Password) => {
            let mut text = prompt.password.expose().to_string();
            edit_line(&mut text, &key);
            prompt.password = Secret::new(text);
        }
        (_, LoginField::Keep) => {}
    }
    state.screen.modal = Some(Modal::Login(prompt));
}

fn next_login_field(field: LoginField) -> LoginField {
    match field {
        LoginField::User => LoginField::Password,
        LoginField::Password => LoginField::Keep,
        LoginField::Keep => LoginField::User,
    }
}

pub fn on_login_done(
    state: &mut AppState,
    request: RequestId,
    server: String,
    result: Result<String, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    let Some(Modal::Login(prompt)) = &mut state.screen.modal else { return };
    if prompt.running != Some(request) {
        return;
    }
    prompt.running = None;
    match result {
        Err(error) => {
            // The password is dropped: a refused one is no use, and kept it would sit
            // in memory for nothing.
            prompt.password = Secret::default();
            prompt.focus = LoginField::Password;
            prompt.error = Some(format!("{server} refused the login: {}", error.message));
        }
        Ok(kept) => {
            let retry = prompt.retry.clone();
            match kept.strip_prefix(crate::model::CANNOT_KEEP) {
                Some(why) => flash(state, format!("logged in to {server}, but cannot keep it: {why}"), true),
                None => flash(state, format!("logged in to {server}; the login is kept {kept}"), false),
            }
            match retry {
                Retry::Push(reference) => start_push(state, reference, effects),
                Retry::Pull(reference) => {
                    let request = state.ids.next_request();
                    state.screen.modal = Some(Modal::Pull(PullPrompt {
                        input: reference.clone(),
                        error: None,
                        running: Some((request, PullStatus::default())),
                    }));
                    effects.push(Effect::Change(Change::Pull { request, reference }));
                }
                Retry::Launch(mut form) => {
                    super::launch::submit(state, &mut form, effects);
                    state.screen.modal = Some(Modal::Launch(form));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_a_build_or_names_the_field_to_fix() {
        let draft = BuildDraft {
            context: " ./app ".into(),
            tags: "app:1 127.0.0.1:25000/app:1".into(),
            build_args: r#"GREETING="hi there" EMPTY="#.into(),
            target: "final".into(),
            no_cache: true,
            ..Default::default()
        };
        let spec = build_spec(&draft).unwrap();
        assert_eq!(spec.context, std::path::PathBuf::from("./app"));
        assert_eq!(spec.tags, ["app:1", "127.0.0.1:25000/app:1"]);
        assert_eq!(spec.build_args, [("GREETING".into(), "hi there".into()), ("EMPTY".into(), String::new())]);
        assert!(spec.no_cache && !spec.pull);

        let no_context = BuildDraft::default();
        assert_eq!(build_spec(&no_context).unwrap_err().0, BuildField::Context);
        let bad_arg = BuildDraft { context: ".".into(), build_args: "=x".into(), ..Default::default() };
        assert_eq!(build_spec(&bad_arg).unwrap_err().0, BuildField::BuildArgs);
        let bad_tag = BuildDraft { context: ".".into(), tags: "UPPER:1".into(), ..Default::default() };
        assert_eq!(build_spec(&bad_tag).unwrap_err().0, BuildField::Tags);
    }
}
