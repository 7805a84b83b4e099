//! The bottom line: what just happened (messages, a launch in progress) on the left,
//! which daemon and its versions on the right. When the line is too short the messages
//! win: they are what the user is waiting for.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::config::keymap::{Action, Keymap};
use crate::state::{AppState, Connection};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let mut messages: Vec<Span> = Vec::new();
    let mut push = |span: Span<'static>| {
        if !messages.is_empty() {
            messages.push(Span::styled(" │ ", theme.dim));
        }
        messages.push(span);
    };
    if let Some(flash) = &state.screen.flash {
        push(Span::styled(flash.text.clone(), if flash.is_error { theme.error } else { theme.warn }));
    }
    if let Some(submitting) = state.containers.background_launch.as_ref().and_then(|f| f.submitting.as_ref()) {
        let (done, known) = submitting.pull.layers_done();
        let what = if known > 0 { format!("launching: pulling {done}/{known} layers") } else { "launching…".into() };
        push(Span::styled(what, theme.warn));
    }
    if let Some(saving) = &state.logs.save.running {
        push(Span::styled(saving.progress(), theme.warn));
    }
    if let Some(error) = &state.refresh.list_error
        && state.is_connected()
    {
        push(Span::styled(error.message.clone(), theme.error));
    }

    // The daemon's part, as pieces; when the line is short the least useful go first
    // (a piece cut in the middle would read like a wrong version): the API version,
    // the address, the swarm role, the help hint, the engine.
    let sep = || Span::styled(" │ ", theme.dim);
    let mut pieces: Vec<(u8, Vec<Span>)> = match &state.connection {
        Connection::Connected(info) => {
            let mut pieces = vec![
                (9, vec![Span::styled("● ", theme.ok)]),
                (3, vec![Span::raw(info.host.clone())]),
                (7, vec![Span::raw(format!("{} {}", info.engine, info.version))]),
                (2, vec![Span::raw(format!("API {}", info.api_version))]),
            ];
            if info.swarm != crate::model::SwarmRole::Standalone {
                pieces.push((5, vec![Span::styled(info.swarm.label(), theme.key)]));
            }
            pieces
        }
        Connection::Connecting { host } => {
            vec![(9, vec![Span::styled("○ ", theme.warn)]), (8, vec![Span::raw(format!("connecting to {host}"))])]
        }
        Connection::Down { host, retry_at, error } => vec![
            (9, vec![Span::styled("✗ ", theme.error)]),
            (6, vec![Span::raw(host.clone())]),
            (
                8,
                vec![Span::styled(
                    format!("{}, retry in {}s", down_word(error.kind), (retry_at - state.screen.now).max(0)),
                    theme.error,
                )],
            ),
        ],
    };
    if state.screen.read_only {
        pieces.push((8, vec![Span::styled("read-only", theme.warn)]));
    }
    if let Some(key) = keymap.label_of(Action::Help) {
        // The one hint a newcomer needs outlasts the socket's path.
        pieces.push((6, vec![Span::styled(key, theme.key), Span::styled(" help", theme.dim)]));
    }
    let messages_width: usize = messages.iter().map(|s| s.content.width()).sum();
    let room = usize::from(area.width);
    // The daemon part gets what the messages leave, and all of it when there are none.
    let available = if messages.is_empty() { room } else { room.saturating_sub(messages_width + 3) };
    let join = |pieces: &[(u8, Vec<Span<'static>>)]| -> Vec<Span<'static>> {
        let mut spans = Vec::new();
        for (i, (_, piece)) in pieces.iter().enumerate() {
            // The state mark sits right before the next piece, no separator.
            if i > 0 && !spans.is_empty() && !matches!(pieces[i - 1].1.first(), Some(s) if s.content.ends_with(' ')) {
                spans.push(sep());
            }
            spans.extend(piece.iter().cloned());
        }
        spans
    };
    let width = |spans: &[Span]| spans.iter().map(|s| s.content.width()).sum::<usize>();
    let mut daemon = join(&pieces);
    while width(&daemon) > available && pieces.len() > 1 {
        let Some(weakest) = pieces.iter().enumerate().min_by_key(|(_, (p, _))| *p).map(|(i, _)| i) else { break };
        pieces.remove(weakest);
        daemon = join(&pieces);
    }

    let right = if messages.is_empty() { room } else { width(&daemon).min(available) };
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right as u16)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(messages)), left_area);
    frame.render_widget(Paragraph::new(Line::from(daemon)).right_aligned(), right_area);
}

/// Why the daemon is down, in a word or two: a daemon that answers "not my API
/// version", or that accepted the request and went quiet, is not "unreachable".
fn down_word(kind: crate::model::DaemonErrorKind) -> &'static str {
    use crate::model::DaemonErrorKind;
    match kind {
        DaemonErrorKind::Incompatible => "incompatible API",
        DaemonErrorKind::Timeout => "not answering",
        _ => "unreachable",
    }
}
