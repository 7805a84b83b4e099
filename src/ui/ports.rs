//! Ports of the selected container: published mappings and exposed-only ports.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::theme::Theme;
use super::widgets::{ListTable, message, pane_block, pane_title};
use crate::state::{AppState, Pane};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let list = &state.containers.ports;
    let mut block =
        pane_block(state, theme, Pane::Ports, Line::from(pane_title(theme, Pane::Ports, None)), list.filter());
    // The healthcheck's last word sits under the ports: the detail a user looks for
    // when the list says "unhealthy".
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
        if !health.last_output.is_empty() {
            let last = health.last_output.lines().last().unwrap_or_default().to_string();
            spans.push(Span::styled(format!("last: {last} "), theme.dim));
        }
        block = block.title_bottom(Line::from(spans));
    }
    if state.selected_container().is_none() {
        frame.render_widget(message(vec![Line::styled("No container selected.", theme.dim)], block), area);
        return;
    }
    if list.is_empty() {
        frame.render_widget(message(vec![Line::styled("No ports.", theme.dim)], block), area);
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
    ListTable {
        header: vec!["HOST IP", "HOST", "", "CONTAINER"],
        widths: vec![Constraint::Fill(1), Constraint::Length(7), Constraint::Length(2), Constraint::Length(11)],
        rows,
        selected: list.selected_index(),
        offset: list.offset(),
    }
    .render(frame, area, block, theme, state.screen.focus == Pane::Ports);
}
