//! The swarm panes: services with the selected one's tasks below, and nodes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Wrap};

use super::format::age;
use super::theme::Theme;
use super::widgets::{
    ColumnWant, ListTable, centered, content_width, fit_columns, key_hints, message, modal_block, pane_block,
    pane_title, window,
};
use crate::config::keymap::{Action, Keymap};
use crate::state::not_a_manager;
use crate::state::{AppState, Connection, Pane};

/// While the daemon in use is lost: the swarm's other managers wharf knows of, and the
/// key that switches to one.
pub fn other_managers_lines<'a>(state: &AppState, keymap: &Keymap, theme: &Theme) -> Vec<Line<'a>> {
    if !matches!(state.connection, Connection::Down { .. }) {
        return Vec::new();
    }
    let managers = crate::state::other_managers(state);
    if managers.is_empty() {
        return Vec::new();
    }
    let names: Vec<String> = managers
        .iter()
        .map(|n| {
            let mut what = vec![n.addr.clone()];
            what.extend([n.manager_status.clone()].into_iter().filter(|s| !s.is_empty()));
            format!("{} ({})", n.hostname, what.join(", "))
        })
        .collect();
    let key = keymap.label_of(Action::PickEndpoint).unwrap_or_else(|| "the endpoint picker".into());
    vec![
        Line::raw(""),
        Line::styled("This daemon was a manager of a swarm; its other managers (as last seen):", theme.warn),
        Line::raw(names.join(", ")),
        Line::styled(format!("{key} lists them to switch to."), theme.dim),
    ]
}

/// A swarm pane while the daemon in use is lost: why, and where else to go.
fn draw_lost(
    frame: &mut Frame,
    area: Rect,
    block: ratatui::widgets::Block,
    state: &AppState,
    keymap: &Keymap,
    theme: &Theme,
) {
    let mut lines = super::containers::connection_lines(state, theme);
    lines.extend(other_managers_lines(state, keymap, theme));
    frame.render_widget(message(lines, block), area);
}

pub fn draw_services(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let [top, bottom] = crate::layout::services_split(area);
    let list = &state.swarm.services;
    let title = Line::from(pane_title(theme, Pane::Services, Some(list.len())));
    let block = pane_block(state, theme, Pane::Services, title, list.filter());
    if matches!(state.connection, Connection::Down { .. }) {
        draw_lost(frame, area, block, state, keymap, theme);
        return;
    }
    if let Some(why) = not_a_manager(state) {
        frame.render_widget(Paragraph::new(Line::styled(why, theme.dim)).wrap(Wrap { trim: true }).block(block), area);
        return;
    }
    if !state.swarm.services_loaded {
        frame.render_widget(message(vec![Line::styled("Reading the services…", theme.dim)], block), top);
    } else if list.is_empty() {
        let text = "No services. n creates one from the launch form.";
        frame.render_widget(message(vec![Line::styled(text, theme.dim)], block), top);
    } else {
        let (start, count, selected) = window(list.len(), list.offset(), list.selected_index(), top);
        let stacks = stack_labels(state);
        let rows = list
            .visible()
            .enumerate()
            .skip(start)
            .take(count)
            .map(|(i, s)| {
                let replicas = format!("{}/{}", s.running, s.desired);
                let style = if s.running < s.desired { theme.warn } else { theme.ok };
                Row::new(vec![
                    Cell::from(stacks.get(i).cloned().unwrap_or_default()),
                    Cell::from(s.name.as_str()),
                    Cell::from(s.mode.as_str()),
                    Cell::from(Span::styled(replicas, style)),
                    Cell::from(s.image.as_str()),
                    Cell::from(s.ports.join(", ")),
                    Cell::from(Span::styled(s.update_status.clone(), theme.dim)),
                ])
            })
            .collect();
        let wants = vec![
            ColumnWant::Content(content_width("STACK", stacks.iter().map(String::as_str), 24)),
            ColumnWant::Primary(content_width("NAME", list.visible().map(|s| s.name.as_str()), 32)),
            ColumnWant::Fixed(10),
            ColumnWant::Fixed(8),
            ColumnWant::Content(content_width("IMAGE", list.visible().map(|s| s.image.as_str()), 36)),
            ColumnWant::Content(24),
            ColumnWant::Content(18),
        ];
        let widths = fit_columns(top.width.saturating_sub(2), &wants);
        ListTable {
            header: vec!["STACK", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS", "UPDATE"],
            widths,
            rows,
            selected,
            offset: 0,
        }
        .render(frame, top, block, theme, state.screen.focus == Pane::Services);
    }
    draw_tasks(frame, bottom, state, theme);
}

/// The STACK cell of each visible service: the stack's name on its first row (folded:
/// with how many services it holds), blank below it; `-` outside stacks.
fn stack_labels(state: &AppState) -> Vec<String> {
    let services = &state.swarm.services;
    let mut previous: Option<&str> = None;
    services
        .visible()
        .map(|s| {
            let label = match &s.stack {
                Some(stack) if previous != Some(stack.as_str()) => {
                    if state.swarm.collapsed.contains(stack) {
                        let count = services.items().iter().filter(|o| o.stack.as_ref() == Some(stack)).count();
                        format!("▸ {stack} ({count})")
                    } else {
                        format!("▾ {stack}")
                    }
                }
                Some(_) => String::new(),
                None => "-".to_string(),
            };
            previous = s.stack.as_deref();
            label
        })
        .collect()
}

fn draw_tasks(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let list = &state.swarm.tasks;
    let of = state.swarm.services.selected_item().map(|s| format!("of {} ", s.name)).unwrap_or_default();
    let mut title = pane_title(theme, Pane::Tasks, Some(list.len()));
    title.push(Span::styled(of, theme.dim));
    let block = pane_block(state, theme, Pane::Tasks, Line::from(title), list.filter());
    if list.is_empty() {
        frame.render_widget(message(vec![Line::styled("No tasks.", theme.dim)], block), area);
        return;
    }
    let (start, count, selected) = window(list.len(), list.offset(), list.selected_index(), area);
    let rows = list
        .visible()
        .skip(start)
        .take(count)
        .map(|t| {
            let node = state.swarm.hostname(&t.node_id).unwrap_or(t.node_id.get(..12).unwrap_or(&t.node_id));
            let style = match t.state.as_str() {
                "running" => theme.ok,
                "failed" | "rejected" | "orphaned" => theme.error,
                "shutdown" | "complete" => theme.dim,
                _ => theme.warn,
            };
            Row::new(vec![
                Cell::from(t.slot.map_or_else(|| "-".to_string(), |s| s.to_string())),
                Cell::from(node.to_string()),
                Cell::from(t.desired_state.as_str()),
                Cell::from(Span::styled(t.state.as_str(), style)),
                Cell::from(age(t.created, state.screen.now)),
                Cell::from(Span::styled(t.error.as_str(), theme.error)),
            ])
        })
        .collect();
    let widths = vec![
        Constraint::Length(4),
        Constraint::Length(16),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Length(4),
        Constraint::Fill(1),
    ];
    ListTable { header: vec!["SLOT", "NODE", "DESIRED", "CURRENT", "AGE", "ERROR"], widths, rows, selected, offset: 0 }
        .render(frame, area, block, theme, state.screen.focus == Pane::Tasks);
}

pub fn draw_nodes(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let list = &state.swarm.nodes;
    let title = Line::from(pane_title(theme, Pane::Nodes, Some(list.len())));
    let block = pane_block(state, theme, Pane::Nodes, title, list.filter());
    if matches!(state.connection, Connection::Down { .. }) {
        draw_lost(frame, area, block, state, keymap, theme);
        return;
    }
    if let Some(why) = not_a_manager(state) {
        frame.render_widget(Paragraph::new(Line::styled(why, theme.dim)).wrap(Wrap { trim: true }).block(block), area);
        return;
    }
    if !state.swarm.nodes_loaded {
        frame.render_widget(message(vec![Line::styled("Reading the nodes…", theme.dim)], block), area);
        return;
    }
    let (start, count, selected) = window(list.len(), list.offset(), list.selected_index(), area);
    let rows = list
        .visible()
        .skip(start)
        .take(count)
        .map(|n| {
            let status = if n.status == "ready" { theme.ok } else { theme.error };
            let availability = if n.availability == "active" { theme.ok } else { theme.warn };
            Row::new(vec![
                Cell::from(n.hostname.as_str()),
                Cell::from(n.role.as_str()),
                Cell::from(Span::styled(n.availability.as_str(), availability)),
                Cell::from(Span::styled(n.status.as_str(), status)),
                Cell::from(n.manager_status.as_str()),
                Cell::from(n.engine_version.as_str()),
                Cell::from(Span::styled(n.labels.join(", "), theme.dim)),
            ])
        })
        .collect();
    let wants = vec![
        ColumnWant::Content(content_width("HOSTNAME", list.visible().map(|n| n.hostname.as_str()), 32)),
        ColumnWant::Fixed(7),
        ColumnWant::Fixed(12),
        ColumnWant::Fixed(7),
        ColumnWant::Fixed(11),
        ColumnWant::Content(content_width("ENGINE", list.visible().map(|n| n.engine_version.as_str()), 16)),
        ColumnWant::Content(60),
    ];
    let widths = fit_columns(area.width.saturating_sub(2), &wants);
    ListTable {
        header: vec!["HOSTNAME", "ROLE", "AVAILABILITY", "STATUS", "MANAGER", "ENGINE", "LABELS"],
        widths,
        rows,
        selected,
        offset: 0,
    }
    .render(frame, area, block, theme, state.screen.focus == Pane::Nodes);
}

/// The number prompts: scaling a service, the replicas of a new one.
pub fn draw_number_prompt(frame: &mut Frame, area: Rect, title: &str, input: &str, error: Option<&str>, theme: &Theme) {
    let popup = centered(area, 60, 6);
    let block = modal_block(title, theme).title_bottom(key_hints(&[("Enter", "go"), ("Esc", "back")], theme));
    let lines = vec![
        Line::from(vec![
            Span::styled("Replicas: ", theme.title),
            Span::raw(input.to_string()),
            Span::styled("█", theme.key),
        ]),
        match error {
            Some(e) => Line::styled(e.to_string(), theme.error),
            None => Line::styled("0 to 1000", theme.dim),
        },
    ];
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
