//! The bottom line: what just happened (messages, a launch in progress) on the left,
//! which daemon and its versions on the right. When the line is too short the messages
//! win: they are what the user is waiting for.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::app::keymap::{Action, Keymap};
use crate::state::{AppState, Connection};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let mut messages: Vec<Span> = Vec::new();
    let mut push = |span: Span<'static>| {
        if !messages.is_empty() {
            messages.push(Span::styled(" │ ", theme.dim));
        }
        messages.push(span);
    };
    if let Some(flash) = &state.flash {
        push(Span::styled(flash.text.clone(), if flash.is_error { theme.error } else { theme.warn }));
    }
    if let Some(submitting) = state.background_launch.as_ref().and_then(|f| f.submitting.as_ref()) {
        let (done, known) = submitting.pull.layers_done();
        let what = if known > 0 { format!("launching: pulling {done}/{known} layers") } else { "launching…".into() };
        push(Span::styled(what, theme.warn));
    }
    if let Some(error) = &state.list_error
        && state.is_connected()
    {
        push(Span::styled(error.message.clone(), theme.error));
    }

    let mut daemon = match &state.connection {
        Connection::Connected(info) => {
            let mut spans = vec![
                Span::styled("● ", theme.ok),
                Span::raw(info.host.clone()),
                Span::styled(" │ ", theme.dim),
                Span::raw(format!("{} {}", info.engine, info.version)),
                Span::styled(" │ ", theme.dim),
                Span::raw(format!("API {}", info.api_version)),
            ];
            if info.swarm != crate::model::SwarmRole::Standalone {
                spans.push(Span::styled(" │ ", theme.dim));
                spans.push(Span::styled(info.swarm.label(), theme.key));
            }
            spans
        }
        Connection::Connecting { host } => {
            vec![Span::styled("○ ", theme.warn), Span::raw(format!("connecting to {host}"))]
        }
        Connection::Down { host, retry_at, .. } => vec![
            Span::styled("✗ ", theme.error),
            Span::raw(host.clone()),
            Span::styled(format!(" │ unreachable, retry in {}s", (retry_at - state.now).max(0)), theme.error),
        ],
    };
    if state.read_only {
        daemon.push(Span::styled(" │ ", theme.dim));
        daemon.push(Span::styled("read-only", theme.warn));
    }
    if let Some(key) = keymap.label_of(Action::Help) {
        daemon.push(Span::styled(" │ ", theme.dim));
        daemon.push(Span::styled(key, theme.key));
        daemon.push(Span::styled(" help", theme.dim));
    }

    let daemon_width: usize = daemon.iter().map(|s| s.content.width()).sum();
    let messages_width: usize = messages.iter().map(|s| s.content.width()).sum();
    let room = usize::from(area.width);
    // The daemon part gets what the messages leave, and all of it when there are none.
    let right = if messages.is_empty() { room } else { daemon_width.min(room.saturating_sub(messages_width + 3)) };
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right as u16)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(messages)), left_area);
    frame.render_widget(Paragraph::new(Line::from(daemon)).right_aligned(), right_area);
}
