//! The containers pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::format::age;
use super::theme::Theme;
use super::widgets::{ListTable, message, pane_block, pane_title};
use crate::state::{AppState, Connection, Pane};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let list = &state.containers;
    let mut title = pane_title(theme, Pane::Containers, Some(list.len()));
    title.push(Span::styled(if state.show_all { "all " } else { "running " }, theme.dim));
    title.push(Span::styled("│ [2] Images ", theme.dim));
    let block = pane_block(state, theme, Pane::Containers, Line::from(title), list.filter());

    if !state.loaded {
        frame.render_widget(message(connection_lines(state, theme), block), area);
        return;
    }
    if list.is_empty() {
        let text = if list.filter().is_empty() {
            if state.show_all { "No containers." } else { "No running containers (press a to show all)." }
        } else {
            "No container matches the filter (Esc clears it)."
        };
        frame.render_widget(message(vec![Line::styled(text, theme.dim)], block), area);
        return;
    }
    let rows = list
        .visible()
        .map(|c| {
            Row::new(vec![
                Cell::from(c.name.as_str()),
                Cell::from(c.image.as_str()),
                Cell::from(Span::styled(c.state.as_str(), theme.state(&c.state))),
                Cell::from(c.status.as_str()),
                Cell::from(c.ports_short()),
                Cell::from(age(c.created, state.now)),
            ])
        })
        .collect();
    ListTable {
        header: vec!["NAME", "IMAGE", "STATE", "STATUS", "PORTS", "AGE"],
        widths: vec![
            Constraint::Fill(3),
            Constraint::Fill(3),
            Constraint::Length(10),
            Constraint::Fill(3),
            Constraint::Fill(3),
            Constraint::Length(4),
        ],
        rows,
        selected: list.selected_index(),
        offset: list.offset(),
    }
    .render(frame, area, block, theme, state.focus == Pane::Containers);
}

/// What the pane says before the first list arrives: connecting, or why it cannot.
pub fn connection_lines<'a>(state: &AppState, theme: &Theme) -> Vec<Line<'a>> {
    match &state.connection {
        Connection::Connecting { host } => vec![Line::styled(format!("Connecting to {host}…"), theme.dim)],
        Connection::Connected(_) => match &state.list_error {
            Some(error) => vec![Line::styled(format!("Cannot list containers: {error}"), theme.error)],
            None => vec![Line::styled("Loading…", theme.dim)],
        },
        Connection::Down { error, retry_at, .. } => {
            let mut lines = vec![Line::styled(error.message.clone(), theme.error)];
            if let Some(hint) = &error.hint {
                lines.push(Line::from(vec![Span::styled("Hint: ", theme.warn), Span::raw(hint.clone())]));
            }
            lines.push(Line::raw(""));
            let wait = (retry_at - state.now).max(0);
            lines.push(Line::styled(
                format!("Retrying in {wait}s. wharf keeps trying and fills in when the daemon answers."),
                theme.dim,
            ));
            lines
        }
    }
}
