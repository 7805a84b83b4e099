//! Ports of the selected container: published mappings and exposed-only ports, and
//! the output of its healthcheck.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row};

use super::theme::Theme;
use super::widgets::{ListTable, message, pane_block, pane_title};
use crate::state::{AppState, Pane};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let list = &state.containers.ports;
    let mut block =
        pane_block(state, theme, Pane::Ports, Line::from(pane_title(theme, Pane::Ports, None)), list.filter());
    // The healthcheck's state sits on the border; its output (what a user looks for
    // when the list says "unhealthy") gets rows of its own under the ports, wrapped,
    // its end kept when long: on the border it was cut at about 40 columns.
    let mut output: Vec<String> = Vec::new();
    if let Some(health) = state.selected_details().and_then(|d| d.health.as_ref()) {
        let style = match health.status.as_str() {
            "healthy" => theme.ok,
            "unhealthy" => theme.error,
            _ => theme.warn,
        };
        let mut spans = vec![Span::styled(format!(" health: {} ", health.status), style)];
        if health.failing_streak > 0 {
            spans.push(Span::styled(format!("({} failing) ", health.failing_streak), theme.error));
        }
        block = block.title_bottom(Line::from(spans));
        let text = format!("last check: {}", health.last_output.trim_end());
        if !health.last_output.trim().is_empty() {
            let width = usize::from(area.width.saturating_sub(2));
            output = text.lines().flat_map(|line| wrap(line, width)).collect();
        }
    }
    if state.selected_container().is_none() {
        frame.render_widget(message(vec![Line::styled("No container selected.", theme.dim)], block), area);
        return;
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The ports keep their header and rows up to half the pane; the output the rest.
    let ports_rows = u16::try_from(list.len().max(1) + 1).unwrap_or(u16::MAX);
    let room = inner.height.saturating_sub(ports_rows.min(inner.height / 2).max(1));
    let rows = u16::try_from(output.len()).unwrap_or(u16::MAX).min(room);
    let top = Rect { height: inner.height - rows, ..inner };
    if rows > 0 {
        let below = Rect { y: top.bottom(), height: rows, ..inner };
        let skip = output.len() - usize::from(rows);
        let lines: Vec<Line> = output.into_iter().skip(skip).map(|l| Line::styled(l, theme.dim)).collect();
        frame.render_widget(Paragraph::new(lines), below);
    }
    if list.is_empty() {
        frame.render_widget(Paragraph::new(Line::styled("No ports.", theme.dim)), top);
        return;
    }
    let rows = list
        .visible()
        .map(|p| {
            let (ip, host) = match p.host_port {
                Some(port) => {
                    let ip = if p.host_ip.is_empty() { "0.0.0.0".to_string() } else { p.host_ip.clone() };
                    (Cell::from(ip), Cell::from(port.to_string()))
                }
                None => (Cell::from(Span::styled("-", theme.dim)), Cell::from(Span::styled("exposed", theme.dim))),
            };
            Row::new(vec![ip, host, Cell::from("->"), Cell::from(format!("{}/{}", p.container_port, p.protocol))])
        })
        .collect();
    // The pane's border is drawn above: the table fills its inside (the same rows a
    // click maps to, see `layout::table_row_at`).
    ListTable {
        header: vec!["HOST IP", "HOST", "", "CONTAINER"],
        widths: vec![Constraint::Fill(1), Constraint::Length(7), Constraint::Length(2), Constraint::Length(11)],
        rows,
        selected: list.selected_index(),
        offset: list.offset(),
    }
    .render(frame, top, Block::default(), theme, state.screen.focus == Pane::Ports);
}

/// `line` in rows of at most `width` columns (cut between characters).
fn wrap(line: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let mut rows = vec![String::new()];
    let mut used = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width.max(1) && used > 0 {
            rows.push(String::new());
            used = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push(c);
        }
        used += w;
    }
    rows
}
