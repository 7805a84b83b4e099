//! The embedded console: opening, keys to the container, the detach prefix, output
//! into the emulator, and keeping the TTY the size of the pane.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::flash;
use crate::app::effect::Effect;
use crate::app::effect::{Change, Stream};
use crate::console::{key_to_bytes, paste_to_bytes};
use crate::layout::ScreenLayout;
use crate::model::DaemonError;
use crate::state::{AppState, Console, ConsoleStatus, ConsoleTarget, Pane, SessionId};

/// The detach prefix: Ctrl and the configured character (default `]`, telnet's escape
/// key, which shells leave alone). Terminals report some Ctrl keys as another character
/// (Ctrl-] as Ctrl-5) or as the raw control byte.
fn is_prefix(key: &KeyEvent, prefix: char) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let byte = crate::console::ctrl_byte(prefix);
    let alias = match prefix {
        ']' => Some('5'),
        '\\' => Some('4'),
        _ => None,
    };
    (ctrl && (key.code == KeyCode::Char(prefix) || alias.is_some_and(|a| key.code == KeyCode::Char(a))))
        || byte.is_some_and(|b| key.code == KeyCode::Char(char::from(b)))
}

/// Opens a console on the selected container, or goes back to its running session.
pub fn open(state: &mut AppState, target: ConsoleTarget, effects: &mut Vec<Effect>) {
    let Some(container) = state.selected_container().cloned() else {
        flash(state, "no container selected", true);
        return;
    };
    if !container.state.is_running() {
        flash(state, format!("cannot open a console: {} is not running", container.name), true);
        return;
    }
    let default_shell = matches!(&target, ConsoleTarget::Exec { commands } if *commands == state.console.config.shells_for(&container.name));
    if matches!(target, ConsoleTarget::Attach) {
        // Attaching needs the container's own TTY: without one the stream is
        // multiplexed, not a terminal. Checked before anything else changes.
        match state.containers.details.by_id.get(&container.id).map(|d| d.tty) {
            Some(true) => {}
            Some(false) => {
                let text = format!("{} has no TTY to attach to (start it with -it); use e for a shell", container.name);
                flash(state, text, true);
                return;
            }
            None => {
                flash(state, "reading the container's settings; try again in a moment", true);
                super::selection::request_inspect(state, container.id.clone(), effects);
                return;
            }
        }
    }
    if let Some(session) = &state.console.session {
        if session.container_id == container.id && session.status.is_live() && default_shell {
            // Back to the same shell.
            show(state);
            return;
        }
        if session.status.is_live() {
            effects.push(Effect::Stream(Stream::CloseConsole { session: session.id }));
        }
    }
    let id = state.ids.next_session();
    let label = match &target {
        ConsoleTarget::Attach => "attach".to_string(),
        ConsoleTarget::Exec { commands } if default_shell => "shell".to_string(),
        ConsoleTarget::Exec { commands } => commands.first().map(|c| c.join(" ")).unwrap_or_default(),
    };
    // The emulator and the TTY start at the pane's size (the console takes the log
    // pane's place, which is the same place whether it is shown yet or not).
    let size = pane_size_shown(state).unwrap_or((80, 24));
    let mut console = Console::new(id, container.id.clone(), container.name.clone(), label, size);
    // Attached to a container wharf launched with `--rm` (`-itd`): its end removes it.
    console.auto_remove = matches!(target, ConsoleTarget::Attach)
        && state.containers.auto_removing.iter().any(|(i, _)| *i == container.id);
    state.console.session = Some(console);
    show(state);
    let (cols, rows) = state.console.session.as_ref().map(|s| s.size).unwrap_or((80, 24));
    effects.push(Effect::Change(Change::OpenConsole { session: id, container_id: container.id, target, cols, rows }));
}

/// A container launched with `-it`, running, its console attached.
pub struct Launched {
    pub session: SessionId,
    pub id: String,
    pub name: String,
    pub size: (u16, u16),
    pub auto_remove: bool,
    /// What the session is for (a client: where its service is).
    pub hint: Option<String>,
}

/// Shows the console of a container just launched with `-it` (its session already
/// runs in the runner, attached before the container started): keys go to it at once.
pub fn open_launched(state: &mut AppState, launched: Launched, effects: &mut Vec<Effect>) {
    if let Some(old) = &state.console.session
        && old.status.is_live()
    {
        effects.push(Effect::Stream(Stream::CloseConsole { session: old.id }));
    }
    let mut console = Console::new(launched.session, launched.id, launched.name, "attach".into(), launched.size);
    console.auto_remove = launched.auto_remove;
    console.hint = launched.hint;
    state.console.session = Some(console);
    show(state);
}

fn show(state: &mut AppState) {
    state.console.shown = true;
    state.console.prefix_pending = false;
    state.screen.focus = Pane::Console;
    // The size is brought in line by `sync_size` at the end of this update, which also
    // tells the container's TTY (the window may have changed while detached).
}

/// Back to the dashboard; the session keeps running.
fn detach(state: &mut AppState) {
    state.console.shown = false;
    state.console.zoomed = false;
    state.screen.focus = Pane::Containers;
}

/// The console pane's inner size.
pub fn pane_size(state: &AppState) -> Option<(u16, u16)> {
    let layout = ScreenLayout::of(state)?;
    Some((layout.logs.width.saturating_sub(2), layout.logs.height.saturating_sub(2)))
}

/// The console pane's inner size once it is shown (with its own zoom setting).
pub(super) fn pane_size_shown(state: &AppState) -> Option<(u16, u16)> {
    let layout = ScreenLayout::compute(state.screen.width, state.screen.height, state.console.zoomed)?;
    Some((layout.logs.width.saturating_sub(2), layout.logs.height.saturating_sub(2)))
}

/// Keeps the TTY the size of the pane: after any change of window, zoom or layout.
pub fn sync_size(state: &mut AppState, effects: &mut Vec<Effect>) {
    if !state.console.shown {
        return;
    }
    let Some(size) = pane_size(state) else { return };
    let Some(session) = &mut state.console.session else { return };
    if let Some((cols, rows)) = session.resize(size)
        && session.status.is_live()
    {
        effects.push(Effect::Stream(Stream::ConsoleResize { session: session.id, cols, rows }));
    }
}

/// Keys while the console has focus. Everything goes to the container except the
/// prefix and Shift-PgUp/PgDn (scrollback).
pub fn on_key(state: &mut AppState, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Some(session) = &mut state.console.session else {
        detach(state);
        return;
    };
    let prefix = state.console.config.prefix;
    if state.console.prefix_pending {
        state.console.prefix_pending = false;
        match key.code {
            _ if is_prefix(&key, prefix) && session.status.is_live() => {
                let byte = crate::console::ctrl_byte(prefix).unwrap_or(0x1d);
                effects.push(Effect::Stream(Stream::ConsoleInput { session: session.id, bytes: vec![byte] }));
            }
            KeyCode::Char('x') => {
                effects.push(Effect::Stream(Stream::CloseConsole { session: session.id }));
                state.console.session = None;
                detach(state);
            }
            KeyCode::Char('z') => state.console.zoomed = !state.console.zoomed,
            KeyCode::Char('d') | KeyCode::Esc => detach(state),
            _ => {}
        }
        return;
    }
    if is_prefix(&key, prefix) {
        state.console.prefix_pending = true;
        return;
    }
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    match key.code {
        KeyCode::PageUp if shift => return session.scroll(session.size.1 as isize / 2),
        KeyCode::PageDown if shift => return session.scroll(-(session.size.1 as isize / 2)),
        _ => {}
    }
    if !session.status.is_live() {
        // An ended session: Enter, Esc or q closes its pane.
        if matches!(key.code, KeyCode::Enter | KeyCode::Esc | KeyCode::Char('q')) {
            state.console.session = None;
            detach(state);
        }
        return;
    }
    let bytes = key_to_bytes(&key, session.input_modes());
    if !bytes.is_empty() {
        effects.push(Effect::Stream(Stream::ConsoleInput { session: session.id, bytes }));
    }
}

pub fn on_paste(state: &mut AppState, text: &str, effects: &mut Vec<Effect>) {
    if let Some(session) = &state.console.session
        && session.status.is_live()
    {
        effects.push(Effect::Stream(Stream::ConsoleInput {
            session: session.id,
            bytes: paste_to_bytes(text, session.input_modes()),
        }));
    }
}

pub fn scroll(state: &mut AppState, delta: isize) {
    if let Some(session) = &mut state.console.session {
        session.scroll(delta);
    }
}

fn session_mut(state: &mut AppState, id: SessionId) -> Option<&mut Console> {
    state.console.session.as_mut().filter(|s| s.id == id)
}

pub fn on_started(state: &mut AppState, id: SessionId, label: String) {
    if let Some(session) = session_mut(state, id) {
        session.status = ConsoleStatus::Running;
        session.label = label;
    }
}

pub fn on_output(state: &mut AppState, id: SessionId, bytes: &[u8]) {
    if let Some(session) = session_mut(state, id) {
        session.feed(bytes);
    }
}

pub fn on_ended(state: &mut AppState, id: SessionId, exit_code: Option<i64>, error: Option<DaemonError>) {
    let Some(session) = session_mut(state, id) else { return };
    // `--rm` removed the container as it exited: there is nothing left to show or to
    // return to. Say how it ended, and give the pane back to the dashboard.
    if let (true, Some(code), None) = (session.auto_remove, exit_code, &error) {
        let (name, container) = (session.container_name.clone(), session.container_id.clone());
        state.console.session = None;
        if state.console.shown {
            detach(state);
        }
        for entry in state.containers.auto_removing.iter_mut().filter(|(i, _)| *i == container) {
            entry.1 = true;
        }
        flash(state, format!("{name} exited {code} and was removed (--rm)"), false);
        return;
    }
    session.status = match (exit_code, error) {
        (_, Some(error)) => ConsoleStatus::Failed(error.to_string()),
        (Some(code), None) => ConsoleStatus::Exited(code),
        (None, None) => ConsoleStatus::Ended("the connection to the container closed".into()),
    };
}
