//! The compose project view: every service of the file (created or not) with its
//! state, replicas, ports and health, whether its containers differ from the file;
//! the project's networks and volumes; what the last operation did.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::theme::Theme;
use super::widgets::{ColumnWant, ListTable, fit_columns, message, pane_block, window};
use crate::compose::plan::{self, Drift};
use crate::state::{AppState, Pane};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let p = &state.project;
    let name = p.project.as_ref().map(|p| p.name.as_str()).unwrap_or("");
    let mut title = vec![Span::styled(" [y] ", theme.key), Span::styled("Project", theme.title)];
    if !name.is_empty() {
        title.push(Span::styled(format!(" {name}"), theme.title));
    }
    if let Some((_, verb)) = &p.running {
        title.push(Span::styled(format!(" — {verb}…"), theme.warn));
    }
    title.push(Span::raw(" "));
    let block = pane_block(state, theme, Pane::Project, Line::from(title), "");
    let Some(project) = &p.project else {
        let lines = match &p.error {
            Some(e) => vec![
                Line::styled("The compose project cannot be read:", theme.error),
                Line::raw(e.clone()),
                Line::styled("o: open another compose file or directory", theme.dim),
            ],
            None if p.reading => vec![Line::styled("Reading the compose files…", theme.dim)],
            None => vec![Line::styled("No project read yet (y reads the directory's).", theme.dim)],
        };
        frame.render_widget(message(lines, block), area);
        return;
    };
    // The services first; what wharf did gets what is left (2 to 8 rows).
    let table_rows = u16::try_from(project.services.len()).unwrap_or(u16::MAX).saturating_add(3);
    let progress_rows = area.height.saturating_sub(table_rows).clamp(2, 8);
    let [top, bottom] = Layout::vertical([Constraint::Min(4), Constraint::Length(progress_rows)]).areas(area);
    let services = &project.services;
    let mut offset = p.offset.min(services.len());
    let visible = usize::from(top.height.saturating_sub(3)).max(1);
    if p.selected < offset {
        offset = p.selected;
    } else if p.selected >= offset + visible {
        offset = p.selected + 1 - visible;
    }
    let (start, count, selected) = window(services.len(), offset, Some(p.selected), top);
    let rows: Vec<Row> = services
        .iter()
        .skip(start)
        .take(count)
        .map(|s| {
            let (state_text, replicas, health) = p.summary(s);
            let ports: Vec<String> = s
                .ports
                .iter()
                .map(|port| {
                    let host = if port.host_port.is_empty() { "*".to_string() } else { port.host_port.clone() };
                    let ip = if port.host_ip.is_empty() { String::new() } else { format!("{}:", port.host_ip) };
                    format!("{ip}{host}->{}/{}", port.container_port, port.protocol)
                })
                .collect();
            let drift = if !p.containers_loaded {
                Span::raw("")
            } else {
                match plan::drift(project, s, &p.containers) {
                    Drift::NotCreated => Span::styled("-", theme.dim),
                    Drift::Current => Span::styled("same", theme.ok),
                    Drift::Changed => Span::styled("changed", theme.warn),
                }
            };
            let state_style = if state_text == "running" {
                theme.ok
            } else if s.active {
                theme.warn
            } else {
                theme.dim
            };
            Row::new(vec![
                Cell::from(s.name.as_str()),
                Cell::from(Span::styled(state_text, state_style)),
                Cell::from(replicas),
                Cell::from(health),
                Cell::from(ports.join(", ")),
                Cell::from(drift),
                Cell::from(Span::styled(s.image.as_str(), theme.dim)),
            ])
        })
        .collect();
    let wants = vec![
        ColumnWant::Primary(services.iter().map(|s| s.name.len()).max().unwrap_or(4).clamp(7, 24) as u16),
        ColumnWant::Content(24),
        ColumnWant::Fixed(8),
        ColumnWant::Fixed(9),
        ColumnWant::Content(26),
        ColumnWant::Fixed(7),
        ColumnWant::Content(30),
    ];
    let widths = fit_columns(top.width.saturating_sub(2), &wants);
    ListTable {
        header: vec!["SERVICE", "STATE", "REPLICAS", "HEALTH", "PORTS", "FILE", "IMAGE"],
        widths,
        rows,
        selected,
        offset: 0,
    }
    .render(frame, top, block, theme, state.screen.focus == Pane::Project);

    // Networks and volumes, then the last steps of what wharf did.
    let mut objects: Vec<Span> = vec![Span::styled(" networks: ", theme.title)];
    for n in project.networks.values() {
        let here = state.objects.networks.items().iter().any(|r| r.name == n.name);
        objects.push(Span::styled(n.name.clone(), if here { theme.ok } else { theme.dim }));
        objects.push(Span::raw(if n.external { " (external)  " } else { "  " }));
    }
    objects.push(Span::styled("volumes: ", theme.title));
    if project.volumes.is_empty() {
        objects.push(Span::styled("none", theme.dim));
    }
    for v in project.volumes.values() {
        let here = state.objects.volumes.items().iter().any(|r| r.name == v.name);
        objects.push(Span::styled(v.name.clone(), if here { theme.ok } else { theme.dim }));
        objects.push(Span::raw(if v.external { " (external)  " } else { "  " }));
    }
    let mut lines = vec![Line::from(objects)];
    let room = usize::from(bottom.height.saturating_sub(1));
    let skip = p.progress.len().saturating_sub(room);
    for (service, text) in p.progress.iter().skip(skip) {
        let style = if text.contains("failed") { theme.error } else { theme.dim };
        let who = if service.is_empty() { String::new() } else { format!("{service}: ") };
        lines.push(Line::from(vec![Span::styled(format!(" {who}"), theme.title), Span::styled(text.clone(), style)]));
    }
    if p.progress.is_empty() && !project.unset_variables.is_empty() {
        lines.push(Line::styled(format!(" not set (empty): {}", project.unset_variables.join(", ")), theme.warn));
    }
    frame.render_widget(Paragraph::new(lines), bottom);
}

/// The chooser of another compose file (`o`).
pub fn draw_chooser(frame: &mut Frame, area: Rect, input: &str, theme: &Theme) {
    super::dialogs::draw_text_prompt(
        frame,
        area,
        "Open a compose project",
        "File or directory: ",
        input,
        "a compose file (.yaml/.yml), or a directory searched as compose searches",
        theme,
    );
}
