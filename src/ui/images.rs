//! The images pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::containers::connection_lines;
use super::format::{age, size};
use super::theme::Theme;
use super::widgets::{ListTable, message, pane_block, pane_title, window};
use crate::state::{AppState, Pane};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let list = &state.images;
    let mut title = vec![Span::styled(" [1] Containers │", theme.dim)];
    title.extend(pane_title(theme, Pane::Images, Some(list.len())));
    let view = &state.images_view;
    let arrow = if view.reverse { "↑" } else { "↓" };
    let mut shown = format!("by {} {arrow} ", view.sort.label());
    if view.show != crate::state::ImageShow::All {
        shown = format!("{} only · {shown}", view.show.label());
    }
    title.push(Span::styled(shown, theme.dim));
    let block = pane_block(state, theme, Pane::Images, Line::from(title), list.filter());
    if !state.refresh.loaded {
        frame.render_widget(message(connection_lines(state, theme), block), area);
        return;
    }
    if list.is_empty() {
        let text = match (list.filter().is_empty(), state.images_view.show) {
            (true, crate::state::ImageShow::All) => "No images.",
            (true, crate::state::ImageShow::Dangling) => "No dangling images (f shows the others).",
            (true, crate::state::ImageShow::Unused) => "No unused images (f shows the others).",
            (false, _) => "No image matches the filter.",
        };
        frame.render_widget(message(vec![Line::styled(text, theme.dim)], block), area);
        return;
    }
    let (start, count, selected) = window(list.len(), list.offset(), list.selected_index(), area);
    let rows = list
        .visible()
        .skip(start)
        .take(count)
        .map(|image| {
            let used = if image.containers == 0 { String::from("-") } else { image.containers.to_string() };
            let name = if image.tags.is_empty() {
                Cell::from(Span::styled(image.display_name(), theme.dim))
            } else {
                Cell::from(image.display_name())
            };
            Row::new(vec![
                name,
                Cell::from(image.short_id().to_string()),
                Cell::from(size(image.size)),
                Cell::from(age(image.created, state.screen.now)),
                Cell::from(used),
            ])
        })
        .collect();
    ListTable {
        header: vec!["REPOSITORY:TAG", "ID", "SIZE", "AGE", "USED BY"],
        widths: vec![
            Constraint::Fill(1),
            Constraint::Length(12),
            Constraint::Length(8),
            Constraint::Length(4),
            Constraint::Length(7),
        ],
        rows,
        selected,
        offset: 0,
    }
    .render(frame, area, block, theme, state.screen.focus == Pane::Images);
}
