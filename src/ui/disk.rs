//! Disk usage (`D`): what `docker system df` says, in a dialog of its own that fits
//! an 80x24 window (the header has no room for five figures and their names).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table};

use super::format::size;
use super::theme::Theme;
use super::widgets::{centered, key_hints, modal_block};
use crate::state::AppState;

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let popup = centered(area, 48, 11);
    let block = modal_block("Disk usage", theme).title_bottom(key_hints(&[("any key", "closes")], theme));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let Some(d) = &state.stats.disk else {
        let text = if state.stats.disk_in_flight {
            Line::styled("Reading disk usage (docker system df)…", theme.dim)
        } else {
            Line::styled("Nothing read: not connected, or the daemon did not answer. D asks again.", theme.error)
        };
        frame.render_widget(Paragraph::new(text), inner);
        return;
    };
    let total = d.total();
    let row = |what: &'static str, bytes: i64, unused: Option<i64>| {
        Row::new(vec![
            Cell::from(what),
            Cell::from(size(bytes)),
            Cell::from(unused.map_or_else(|| "-".to_string(), size)),
        ])
    };
    let mut rows = vec![
        row("Images", d.images, Some(d.images_reclaimable)),
        row("Containers", d.containers, None),
        row("Volumes", d.volumes, None),
        row("Build cache", d.build_cache, None),
        row("Total", total, None).style(theme.title),
    ];
    if state.stats.disk_in_flight {
        rows.push(Row::new(vec![Cell::from(Line::styled("reading again…", theme.dim))]));
    }
    let widths = [Constraint::Length(14), Constraint::Length(10), Constraint::Fill(1)];
    let table = Table::new(rows, widths)
        .header(Row::new(vec!["", "SIZE", "RECLAIMABLE"]).style(theme.header))
        .column_spacing(1);
    frame.render_widget(table, inner);
}
