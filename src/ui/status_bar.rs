//! The bottom line: which daemon, its versions, and the latest flash message.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::state::{AppState, Connection};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let mut spans = match &state.connection {
        Connection::Connected(info) => vec![
            Span::styled("● ", theme.ok),
            Span::raw(info.host.clone()),
            Span::styled(" │ ", theme.dim),
            Span::raw(format!("{} {}", info.engine, info.version)),
            Span::styled(" │ ", theme.dim),
            Span::raw(format!("API {}", info.api_version)),
        ],
        Connection::Connecting { host } => {
            vec![Span::styled("○ ", theme.warn), Span::raw(format!("connecting to {host}"))]
        }
        Connection::Down { host, retry_at, .. } => vec![
            Span::styled("✗ ", theme.error),
            Span::raw(host.clone()),
            Span::styled(format!(" │ unreachable, retry in {}s", (retry_at - state.now).max(0)), theme.error),
        ],
    };
    if let Some(error) = &state.list_error
        && state.is_connected()
    {
        spans.push(Span::styled(" │ ", theme.dim));
        spans.push(Span::styled(error.message.clone(), theme.error));
    }
    if let Some(flash) = &state.flash {
        spans.push(Span::styled(" │ ", theme.dim));
        spans.push(Span::styled(flash.text.clone(), if flash.is_error { theme.error } else { theme.warn }));
    }
    spans.push(Span::styled(" │ ", theme.dim));
    spans.push(Span::styled("?", theme.key));
    spans.push(Span::styled(" help", theme.dim));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
