//! The hosts side by side: one section per host of the config, its header saying how
//! the host is (up, down, not answering, for how long), its containers by state, its
//! CPU and memory, then its containers. The merged list is `hosts.rs`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Paragraph, Row, Wrap};

use super::format::{age, size};
use super::theme::Theme;
use super::widgets::{ListTable, content_width, pane_block};
use crate::config::keymap::{Action, Keymap};
use crate::layout::{host_section_header_lines, host_section_rows, host_section_start, host_sections};
use crate::state::{AppState, FleetHost, FleetRow, FleetStatus, Pane};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let fleet = &state.fleet;
    let back = keymap.label_of(Action::Hosts).map(|k| format!("│ {k} back ")).unwrap_or_default();
    let title = Line::from(vec![
        Span::styled(" Hosts side by side ", theme.title),
        Span::styled(format!("({} of {} up) ", fleet.up_count(), fleet.hosts.len()), theme.dim),
        Span::styled("│ Enter opens on its daemon ", theme.dim),
        Span::styled(back, theme.dim),
    ]);
    let block = pane_block(state, theme, Pane::Hosts, title, fleet.rows.filter());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let current = state.connection.host();
    for (i, section) in host_sections(inner, &fleet.lines_per_host()).into_iter().enumerate() {
        let Some(host) = fleet.hosts.get(i) else { break };
        let in_use = crate::text::sanitize(&host.address.host) == current;
        draw_section(frame, section, state, theme, i, host, in_use);
    }
}

fn draw_section(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    theme: &Theme,
    index: usize,
    host: &FleetHost,
    in_use: bool,
) {
    let now = state.screen.now;
    let (mark, mark_style) = match &host.status {
        FleetStatus::Up { .. } => ("●", theme.ok),
        FleetStatus::Connecting => ("…", theme.dim),
        FleetStatus::Down { .. } if host.status.label() == "down" => ("✖", theme.error),
        FleetStatus::Down { .. } => ("◌", theme.warn),
    };
    let mut title = vec![
        Span::styled(format!(" {} ", host.name), if in_use { theme.ok } else { theme.title }),
        Span::styled(format!("{mark} {}", host.status.label()), mark_style),
    ];
    if host.since > 0 && !matches!(host.status, FleetStatus::Connecting) {
        title.push(Span::styled(format!(" for {}", age(host.since, now)), theme.dim));
    }
    title.push(Span::raw(" "));
    if in_use {
        title.push(Span::styled("in use ", theme.dim));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Plain)
        .border_style(if matches!(host.status, FleetStatus::Down { .. }) { theme.error } else { theme.border })
        .title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }

    let header_height = host_section_header_lines(area);
    let header = Rect::new(inner.x, inner.y, inner.width, header_height);
    let mut lines = header_lines(host, theme);
    if header_height == 1 {
        // One line: the counts and the figures after them.
        let [first, second, _] = lines;
        let mut spans = first.spans;
        if !second.spans.is_empty() {
            spans.push(Span::styled(" │ ", theme.dim));
            spans.extend(second.spans);
        }
        lines = [Line::from(spans), Line::default(), Line::default()];
    }
    frame.render_widget(Paragraph::new(lines.to_vec()), header);

    let rows_area = host_section_rows(area);
    let rows: Vec<(usize, &FleetRow)> = state.fleet.visible_of(index).collect();
    // A host with nothing to list says why, across its section, wrapped.
    if let [(_, FleetRow::Host { note, down, .. })] = rows.as_slice() {
        let style = if *down { theme.error } else { theme.dim };
        let below = Rect::new(inner.x, header.bottom(), inner.width, inner.bottom().saturating_sub(header.bottom()));
        frame.render_widget(Paragraph::new(Line::styled(note.clone(), style)).wrap(Wrap { trim: true }), below);
        return;
    }
    if rows.is_empty() {
        let below = Rect::new(inner.x, header.bottom(), inner.width, inner.bottom().saturating_sub(header.bottom()));
        frame.render_widget(Paragraph::new(Line::styled("Nothing matches the filter.", theme.dim)), below);
        return;
    }
    if rows_area.height == 0 {
        return;
    }
    let selected_global = state.fleet.rows.selected_index();
    let selected = rows.iter().position(|(global, _)| Some(*global) == selected_global);
    let height = usize::from(rows_area.height);
    let start = host_section_start(selected, height);
    let table_rows: Vec<Row> = rows
        .iter()
        .skip(start)
        .take(height)
        .filter_map(|(_, row)| match row {
            FleetRow::Container { row: c, .. } => Some(Row::new(vec![
                Cell::from(c.name.as_str()),
                Cell::from(Span::styled(c.state.as_str(), theme.state(&c.state))),
                Cell::from(c.status_at(now)),
            ])),
            FleetRow::Host { .. } => None,
        })
        .collect();
    let names = rows.iter().filter_map(|(_, r)| match r {
        FleetRow::Container { row, .. } => Some(row.name.as_str()),
        FleetRow::Host { .. } => None,
    });
    // STATE takes 9 columns; STATUS keeps at least 14 ("Up 3 minutes").
    let name_width = content_width("NAME", names, 28).min(inner.width.saturating_sub(9 + 14 + 3));
    let widths = vec![Constraint::Length(name_width), Constraint::Length(9), Constraint::Fill(1)];
    // Borderless (the section is its frame), from the line of its header row.
    let table_area = Rect::new(inner.x, rows_area.y.saturating_sub(1), inner.width, rows_area.height + 1);
    let focused = state.screen.focus == Pane::Hosts;
    ListTable {
        header: vec!["NAME", "STATE", "STATUS"],
        widths,
        rows: table_rows,
        selected: selected.map(|s| s - start),
        offset: 0,
    }
    .render(frame, table_area, Block::default(), theme, focused);
}

/// Counts, figures, then where the host is and what it runs.
fn header_lines<'a>(host: &FleetHost, theme: &Theme) -> [Line<'a>; 3] {
    let counts = host.status.counts();
    let (mut first, mut second) = (Vec::new(), Vec::new());
    match &host.status {
        FleetStatus::Up { .. } => {
            first.push(Span::styled(format!("● {} running", counts.running), theme.ok));
            if counts.paused > 0 {
                first.push(Span::styled(format!(" ‖ {} paused", counts.paused), theme.warn));
            }
            first.push(Span::styled(format!(" ■ {} stopped", counts.stopped), theme.dim));
            let stats = &host.stats;
            if stats.sampled > 0 {
                let cpu = stats.cpu_percent.map_or_else(|| "…".to_string(), |c| format!("{c:.1}%"));
                second.push(Span::styled("cpu ", theme.dim));
                second.push(Span::raw(cpu));
                second.push(Span::styled(" mem ", theme.dim));
                second.push(Span::raw(size(i64::try_from(stats.mem_used).unwrap_or(i64::MAX))));
                if stats.sampled < counts.running {
                    second.push(Span::styled(format!(" (first {})", stats.sampled), theme.dim));
                }
            } else if counts.running > 0 {
                second.push(Span::styled("cpu, mem: reading…", theme.dim));
            }
        }
        FleetStatus::Connecting => first.push(Span::styled("connecting…", theme.dim)),
        FleetStatus::Down { .. } => first.push(Span::styled("wharf tries again by itself", theme.dim)),
    }
    let mut third = crate::text::sanitize(&host.address.host);
    if let FleetStatus::Up { info, .. } = &host.status
        && !info.version.is_empty()
    {
        third.push_str(&format!(" · {}", info.version));
    }
    [Line::from(first), Line::from(second), Line::styled(third, theme.dim)]
}
