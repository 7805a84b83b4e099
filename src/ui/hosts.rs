//! The hosts overview: the containers of every daemon the config names, in one list
//! with a host column; a host that is down or empty gets a line of its own.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::format::age;
use super::theme::Theme;
use super::widgets::{ColumnWant, ListTable, content_width, ellipsize_end, fit_columns, message, pane_block};
use crate::config::keymap::{Action, Keymap};
use crate::state::{AppState, FleetRow, Pane};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let fleet = &state.fleet;
    let list = &fleet.rows;
    let next = keymap.label_of(Action::Hosts).map(|k| format!("│ {k} side by side ")).unwrap_or_default();
    let title = Line::from(vec![
        Span::styled(" Hosts ", theme.title),
        Span::styled(format!("({} of {} up) ", fleet.up_count(), fleet.hosts.len()), theme.dim),
        Span::styled("│ Enter opens on its daemon ", theme.dim),
        Span::styled(next, theme.dim),
    ]);
    let mut block = pane_block(state, theme, Pane::Hosts, title, list.filter());
    // The selected host's note in full, with its hint, at the bottom.
    if let Some(FleetRow::Host { host_name, note, down, .. }) = list.selected_item() {
        let style = if *down { theme.error } else { theme.dim };
        block = block.title_bottom(Line::from(Span::styled(format!(" {host_name}: {note} "), style)));
    }
    if list.is_empty() {
        frame.render_widget(message(vec![Line::styled("Nothing matches the filter.", theme.dim)], block), area);
        return;
    }
    let (start, count, selected) = super::widgets::window(list.len(), list.offset(), list.selected_index(), area);
    let current = state.connection.host();
    let rows = list
        .visible()
        .skip(start)
        .take(count)
        .map(|row| {
            let host_name = match row {
                FleetRow::Container { host_name, .. } | FleetRow::Host { host_name, .. } => host_name.as_str(),
            };
            let in_use = fleet.hosts.get(row.host()).is_some_and(|h| crate::text::sanitize(&h.address.host) == current);
            let host_cell =
                Cell::from(Span::styled(host_name.to_string(), if in_use { theme.ok } else { theme.title }));
            match row {
                FleetRow::Container { row: c, .. } => Row::new(vec![
                    host_cell,
                    Cell::from(c.name.as_str()),
                    Cell::from(c.image.as_str()),
                    Cell::from(Span::styled(c.state.as_str(), theme.state(&c.state))),
                    Cell::from(c.status_at(state.screen.now)),
                    Cell::from(age(c.created, state.screen.now)),
                ]),
                // The note is drawn across the row below.
                FleetRow::Host { .. } => Row::new(vec![host_cell]),
            }
        })
        .collect();
    let names = list.visible().filter_map(|r| match r {
        FleetRow::Container { row, .. } => Some(row.name.as_str()),
        FleetRow::Host { .. } => None,
    });
    let hosts = fleet.hosts.iter().map(|h| h.name.as_str());
    let images = list.visible().filter_map(|r| match r {
        FleetRow::Container { row, .. } => Some(row.image.as_str()),
        FleetRow::Host { .. } => None,
    });
    // The host is what this list is about: its column never shrinks.
    let wants = vec![
        ColumnWant::Fixed(content_width("HOST", hosts, 24)),
        ColumnWant::Primary(content_width("NAME", names, 32)),
        ColumnWant::Content(content_width("IMAGE", images, 32)),
        ColumnWant::Fixed(10),
        ColumnWant::Content(26),
        ColumnWant::Fixed(3),
    ];
    let widths = fit_columns(area.width.saturating_sub(2), &wants);
    let host_width = match widths.first() {
        Some(Constraint::Length(n)) => *n,
        _ => 0,
    };
    let focused = state.screen.focus == Pane::Hosts;
    ListTable { header: vec!["HOST", "NAME", "IMAGE", "STATE", "STATUS", "AGE"], widths, rows, selected, offset: 0 }
        .render(frame, area, block, theme, focused);
    // A host's note is not a container's name: it runs across the columns after HOST
    // (a table cell cannot span), so a down host's reason is read, not cut at NAME.
    let left = area.x + 1 + 1 + host_width + 1; // border, selection marker, HOST, gap
    let right = area.right().saturating_sub(1);
    let notes = list.visible().skip(start).take(count).enumerate();
    for (i, row) in notes {
        let FleetRow::Host { note, down, .. } = row else { continue };
        let y = area.y + 2 + i as u16;
        if left >= right || y >= area.bottom().saturating_sub(1) {
            break;
        }
        let mut style = if *down { theme.error } else { theme.dim };
        if selected == Some(i) {
            style = (if focused { theme.selected } else { theme.selected_unfocused }).patch(style);
        }
        let rect = Rect::new(left, y, right - left, 1);
        let text = ellipsize_end(note, usize::from(rect.width));
        frame.render_widget(Paragraph::new(Line::styled(text, style)).style(style), rect);
    }
}
