//! The file browser (`F` on a container): browsing through the daemon's archive API,
//! the viewer with its search, and copies out and in with their prompts, questions,
//! progress and cancel. The daemon work is the runner's (`app::files_task`); this
//! only keeps the view and says what to ask for.

use crossterm::event::{KeyCode, KeyEvent};

use super::flash;
use super::line_input::edit_line;
use crate::app::effect::{Change, Effect, Read, Stream};
use crate::files::{base_name, join, parent};
use crate::model::{DaemonError, FileKind, FileText, Opened};
use crate::state::{
    AppState, CopyDirection, CopyPrompt, CopyQuestion, CopyRun, FileViewer, FilesView, Loading, Modal, PendingCopy,
    RequestId, StreamId,
};

/// `F`: the browser of the selected container, at `/`.
pub fn open(state: &mut AppState, effects: &mut Vec<Effect>) {
    let Some(container) = state.selected_container() else {
        flash(state, "select a container first", true);
        return;
    };
    let (id, name) = (container.id.clone(), container.name.clone());
    let mut view = FilesView::new(id, name, state.project.cwd.clone());
    go_to(state, &mut view, "/".into(), None, effects);
    state.screen.modal = Some(Modal::Files(Box::new(view)));
}

/// Asks for `path`; its answer replaces the listing (or opens the viewer).
fn go_to(state: &mut AppState, view: &mut FilesView, path: String, select: Option<String>, effects: &mut Vec<Effect>) {
    let request = state.ids.next_request();
    view.loading = Some(Loading { request, path: path.clone(), select });
    effects.push(Effect::Read(Read::OpenPath { request, id: view.container_id.clone(), path }));
}

pub fn on_key(state: &mut AppState, mut view: Box<FilesView>, key: KeyEvent, effects: &mut Vec<Effect>) {
    let keep = if view.question.is_some() {
        on_question_key(state, &mut view, key, effects);
        true
    } else if view.prompt.is_some() {
        on_prompt_key(state, &mut view, key, effects);
        true
    } else if view.viewer.is_some() {
        on_viewer_key(state, &mut view, key);
        true
    } else {
        on_browser_key(state, &mut view, key, effects)
    };
    if keep {
        state.screen.modal = Some(Modal::Files(view));
    }
}

/// Rows of entries or lines on screen (the dialog's frame and header aside).
fn page(state: &AppState) -> usize {
    (state.screen.height as usize).saturating_sub(8).max(1)
}

/// Keys of the listing; false when the browser closes.
fn on_browser_key(state: &mut AppState, view: &mut FilesView, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    let last = view.listing.entries.len().saturating_sub(1);
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => {
            if let Some(run) = view.copy.take() {
                effects.push(Effect::Stream(Stream::CancelCopy { copy: run.copy }));
                flash(state, "copy cancelled", false);
                return true;
            }
            return false;
        }
        KeyCode::Down | KeyCode::Char('j') => view.selected = (view.selected + 1).min(last),
        KeyCode::Up | KeyCode::Char('k') => view.selected = view.selected.saturating_sub(1),
        KeyCode::PageDown => view.selected = (view.selected + page(state)).min(last),
        KeyCode::PageUp => view.selected = view.selected.saturating_sub(page(state)),
        KeyCode::Home | KeyCode::Char('g') => view.selected = 0,
        KeyCode::End | KeyCode::Char('G') => view.selected = last,
        KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => {
            if let Some(entry) = view.selected_entry() {
                let path = join(&view.path, &entry.raw_name);
                go_to(state, view, path, None, effects);
            }
        }
        KeyCode::Backspace | KeyCode::Char('h') | KeyCode::Left if view.path != "/" => {
            let (up, from) = (parent(&view.path), base_name(&view.path).to_string());
            go_to(state, view, up, Some(from), effects);
        }
        KeyCode::Char('r') => {
            let path = view.path.clone();
            let select = view.selected_entry().map(|e| e.raw_name.clone());
            go_to(state, view, path, select, effects);
        }
        KeyCode::Char('o') => {
            if let Some(entry) = view.selected_entry() {
                let (path, size, is_dir) = (join(&view.path, &entry.raw_name), entry.size, entry.kind == FileKind::Dir);
                open_copy_out(state, view, path, (!is_dir).then_some(size), is_dir);
            }
        }
        KeyCode::Char('i') => open_copy_in(state, view),
        _ => {}
    }
    true
}

fn busy(state: &mut AppState, view: &FilesView) -> bool {
    if view.copy.is_some() {
        flash(state, "a copy is under way (Esc cancels it)", true);
    }
    view.copy.is_some()
}

fn open_copy_out(state: &mut AppState, view: &mut FilesView, path: String, size: Option<u64>, is_dir: bool) {
    if busy(state, view) {
        return;
    }
    let input = view.host_dir.join(base_name(&path)).display().to_string();
    view.prompt = Some(CopyPrompt {
        direction: CopyDirection::Out,
        shown: crate::text::sanitize(&path),
        container_path: path,
        input,
        size,
        is_dir,
        error: None,
    });
}

fn open_copy_in(state: &mut AppState, view: &mut FilesView) {
    if busy(state, view) {
        return;
    }
    if state.screen.read_only {
        flash(state, Change::READ_ONLY, true);
        return;
    }
    let mut input = view.host_dir.display().to_string();
    if !input.ends_with('/') {
        input.push('/');
    }
    view.prompt = Some(CopyPrompt {
        direction: CopyDirection::In,
        shown: crate::text::sanitize(&view.path),
        container_path: view.path.clone(),
        input,
        size: None,
        is_dir: true,
        error: None,
    });
}

fn on_prompt_key(state: &mut AppState, view: &mut FilesView, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Some(prompt) = view.prompt.as_mut() else { return };
    match key.code {
        KeyCode::Esc => view.prompt = None,
        KeyCode::Enter => {
            let input = prompt.input.trim().to_string();
            if input.is_empty() {
                prompt.error = Some("type a host path".into());
                return;
            }
            let host = view.host_dir.join(&input);
            let pending = match prompt.direction {
                CopyDirection::Out => {
                    PendingCopy::Out { path: prompt.container_path.clone(), target: host, total: prompt.size }
                }
                CopyDirection::In => {
                    let Some(name) = host.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                        prompt.error = Some("name a file or directory to copy".into());
                        return;
                    };
                    // Replacing something in the container asks first; the listing on
                    // screen says what is there.
                    let dir = prompt.container_path.clone();
                    let pending = PendingCopy::In { dir, host, name: name.clone() };
                    view.prompt = None;
                    if view.listing.entries.iter().any(|e| e.raw_name == name) {
                        let text = format!("{} exists in the container: copy over it?", crate::text::sanitize(&name));
                        view.question = Some(CopyQuestion { text, pending });
                        return;
                    }
                    return start_copy(state, view, pending, false, effects);
                }
            };
            view.prompt = None;
            start_copy(state, view, pending, false, effects);
        }
        _ => {
            edit_line(&mut prompt.input, &key);
            prompt.error = None;
        }
    }
}

fn start_copy(
    state: &mut AppState,
    view: &mut FilesView,
    pending: PendingCopy,
    confirmed: bool,
    effects: &mut Vec<Effect>,
) {
    let copy = state.ids.next_stream();
    let container_id = view.container_id.clone();
    let (effect, total) = match pending.clone() {
        PendingCopy::Out { path, target, total } => {
            (Effect::Stream(Stream::CopyOut { copy, container_id, path, target, total, confirmed }), total)
        }
        PendingCopy::In { dir, host, name } => {
            (Effect::Change(Change::CopyIn { copy, container_id, dir, host, name, confirmed }), None)
        }
    };
    view.copy = Some(CopyRun { copy, pending, bytes: 0, total });
    effects.push(effect);
}

fn on_question_key(state: &mut AppState, view: &mut FilesView, key: KeyEvent, effects: &mut Vec<Effect>) {
    match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') => {
            if let Some(question) = view.question.take() {
                start_copy(state, view, question.pending, true, effects);
            }
        }
        KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
            view.question = None;
            flash(state, "nothing copied", false);
        }
        _ => {}
    }
}

fn on_viewer_key(state: &mut AppState, view: &mut FilesView, key: KeyEvent) {
    let page = page(state);
    let Some(viewer) = view.viewer.as_mut() else { return };
    if let Some(typing) = viewer.typing.as_mut() {
        match key.code {
            KeyCode::Enter => {
                viewer.needle = viewer.typing.take().filter(|t| !t.is_empty());
                jump(state, viewer, false);
            }
            KeyCode::Esc => viewer.typing = None,
            _ => edit_line(typing, &key),
        }
        return;
    }
    let last = viewer.lines().len().saturating_sub(1);
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Backspace | KeyCode::Char('h') | KeyCode::Left => {
            view.viewer = None
        }
        KeyCode::Down | KeyCode::Char('j') => viewer.scroll = (viewer.scroll + 1).min(last),
        KeyCode::Up | KeyCode::Char('k') => viewer.scroll = viewer.scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => viewer.scroll = (viewer.scroll + page).min(last),
        KeyCode::PageUp => viewer.scroll = viewer.scroll.saturating_sub(page),
        KeyCode::Home | KeyCode::Char('g') => viewer.scroll = 0,
        KeyCode::End | KeyCode::Char('G') => viewer.scroll = last,
        KeyCode::Char('/') => viewer.typing = Some(String::new()),
        KeyCode::Char('n') => jump(state, viewer, false),
        KeyCode::Char('N') => jump(state, viewer, true),
        KeyCode::Char('o') => {
            let path = viewer.path.clone();
            let size = match viewer.text {
                FileText::Text { size, .. } | FileText::Binary { size } => Some(size),
                FileText::Directory => None,
            };
            open_copy_out(state, view, path, size, false);
        }
        _ => {}
    }
}

fn jump(state: &mut AppState, viewer: &mut FileViewer, back: bool) {
    let Some(needle) = viewer.needle.clone() else { return };
    match viewer.next_match(back) {
        Some(line) => viewer.scroll = line,
        None => flash(state, format!("no line holds {}", crate::text::sanitize(&needle)), true),
    }
}

/// An open came back: a directory replaces the listing, a file opens the viewer. Only
/// the newest open's answer counts.
pub fn on_opened(state: &mut AppState, request: RequestId, result: Result<(String, Opened), DaemonError>) {
    let Some(Modal::Files(view)) = &mut state.screen.modal else { return };
    let Some(loading) = view.loading.take_if(|l| l.request == request) else { return };
    match result {
        Ok((path, Opened::Dir(listing))) => {
            view.selected =
                loading.select.and_then(|name| listing.entries.iter().position(|e| e.raw_name == name)).unwrap_or(0);
            view.listing = listing;
            view.path = path;
            view.error = None;
        }
        Ok((path, Opened::File(text))) => {
            view.error = None;
            view.viewer = Some(Box::new(FileViewer { path, text, scroll: 0, typing: None, needle: None }));
        }
        Err(e) => {
            view.error = Some(format!("cannot open {}: {}", crate::text::sanitize(&loading.path), e.message));
        }
    }
}

fn copy_view(state: &mut AppState, copy: StreamId) -> Option<&mut FilesView> {
    match &mut state.screen.modal {
        Some(Modal::Files(view)) if view.copy.as_ref().is_some_and(|c| c.copy == copy) => Some(view),
        _ => None,
    }
}

pub fn on_progress(state: &mut AppState, copy: StreamId, bytes: u64, total: Option<u64>) {
    if let Some(run) = copy_view(state, copy).and_then(|v| v.copy.as_mut()) {
        run.bytes = bytes;
        run.total = total.or(run.total);
    }
}

pub fn on_ask(state: &mut AppState, copy: StreamId, text: String) {
    if let Some(view) = copy_view(state, copy)
        && let Some(run) = view.copy.take()
    {
        view.question = Some(CopyQuestion { text, pending: run.pending });
    }
}

/// A copy ended. A copy in leaves the directory on screen changed: it is read again.
pub fn on_ended(state: &mut AppState, copy: StreamId, result: Result<String, String>, effects: &mut Vec<Effect>) {
    let Some(view) = copy_view(state, copy) else { return };
    let run = view.copy.take();
    let mut view_path = None;
    if let Some(CopyRun { pending: PendingCopy::In { dir, name, .. }, .. }) = &run
        && *dir == view.path
        && result.is_ok()
    {
        view_path = Some((dir.clone(), name.clone()));
    }
    if let Some((dir, name)) = view_path
        && let Some(Modal::Files(mut view)) = state.screen.modal.take()
    {
        go_to(state, &mut view, dir, Some(name), effects);
        state.screen.modal = Some(Modal::Files(view));
    }
    match result {
        Ok(words) => flash(state, words, false),
        Err(words) => flash(state, format!("copy failed: {words}"), true),
    }
}
