//! The containers pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::format::age;
use super::theme::Theme;
use super::widgets::{ColumnWant, ListTable, content_width, fit_columns, message, pane_block, pane_title, window};
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
    let (start, count, selected) = window(list.len(), list.offset(), list.selected_index(), area);
    let ports: Vec<String> = list.visible().skip(start).take(count).map(|c| c.ports_short()).collect();
    let rows = list
        .visible()
        .skip(start)
        .take(count)
        .zip(ports.iter())
        .map(|(c, ports)| {
            let name = if state.marked.contains(&c.id) {
                Cell::from(Line::from(vec![Span::styled("● ", theme.warn), Span::raw(c.name.as_str())]))
            } else {
                Cell::from(c.name.as_str())
            };
            Row::new(vec![
                name,
                Cell::from(c.image.as_str()),
                Cell::from(Span::styled(c.state.as_str(), theme.state(&c.state))),
                Cell::from(c.status.as_str()),
                Cell::from(ports.as_str()),
                Cell::from(age(c.created, state.now)),
            ])
        })
        .collect();
    // Room for the mark in front of marked names.
    let marks = if state.marked.is_empty() { 0 } else { 2 };
    let widths = fit_columns(
        area.width.saturating_sub(2),
        &[
            ColumnWant::Content(content_width("NAME", list.visible().map(|c| c.name.as_str()), 32) + marks),
            ColumnWant::Content(content_width("IMAGE", list.visible().map(|c| c.image.as_str()), 32)),
            ColumnWant::Fixed(content_width("STATE", list.visible().map(|c| c.state.as_str()), 10)),
            ColumnWant::Content(content_width("STATUS", list.visible().map(|c| c.status.as_str()), 26)),
            ColumnWant::Content(content_width("PORTS", ports.iter().map(String::as_str), 48)),
            ColumnWant::Fixed(3),
        ],
    );
    ListTable { header: vec!["NAME", "IMAGE", "STATE", "STATUS", "PORTS", "AGE"], widths, rows, selected, offset: 0 }
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
