//! The containers pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::format::{age, size};
use super::theme::Theme;
use super::widgets::{
    ColumnWant, ListTable, content_width, ellipsize_middle, fit_columns, message, pane_block, pane_title, window,
};
use crate::config::keymap::{Action, Keymap};
use crate::state::{AppState, Connection, Pane, Preview};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let list = &state.containers.list;
    // A head of the list read before connecting holds the newest rows only: the
    // count says there are more to come.
    let head = state.refresh.preview == Preview::Head;
    let mut title = pane_title(theme, Pane::Containers, (!head).then(|| list.len()));
    if head {
        title.push(Span::styled(format!("({}+) ", list.len()), theme.dim));
    }
    title.push(Span::styled(if state.containers.show_all { "all " } else { "running " }, theme.dim));
    title.push(Span::styled("│ [2] Images ", theme.dim));
    let block = pane_block(state, theme, Pane::Containers, Line::from(title), list.filter());

    if !state.refresh.loaded && state.refresh.preview == Preview::Off {
        let mut lines = connection_lines(state, theme);
        lines.extend(super::swarm::other_managers_lines(state, keymap, theme));
        frame.render_widget(message(lines, block), area);
        return;
    }
    if list.is_empty() {
        let text = if list.filter().is_empty() {
            match keymap.label_of(Action::ToggleAll) {
                _ if state.containers.show_all => "No containers.".to_string(),
                Some(key) => format!("No running containers (press {key} to show all)."),
                None => "No running containers.".to_string(),
            }
        } else {
            "No container matches the filter (Esc clears it).".to_string()
        };
        frame.render_widget(message(vec![Line::styled(text, theme.dim)], block), area);
        return;
    }
    let (start, count, selected) = window(list.len(), list.offset(), list.selected_index(), area);
    let stats_on = state.stats.enabled();
    let ports: Vec<String> = list.visible().skip(start).take(count).map(|c| c.ports_short()).collect();
    let groups = if state.containers.group_projects { project_labels(state) } else { Vec::new() };
    // Room for the mark in front of marked names.
    let marks = if state.containers.marked.is_empty() { 0 } else { 2 };
    let mut wants = Vec::new();
    let mut header = Vec::new();
    if state.containers.group_projects {
        // The project is what the rows are grouped by: it keeps its width (up to a
        // cap) rather than shrinking with the content columns to `▾ s`.
        wants.push(ColumnWant::Fixed(content_width("PROJECT", groups.iter().map(|(t, _)| t.as_str()), 24)));
        header.push("PROJECT");
    }
    wants.extend([
        ColumnWant::Primary(content_width("NAME", list.visible().map(|c| c.name.as_str()), 40) + marks),
        ColumnWant::Content(content_width("IMAGE", list.visible().map(|c| c.image.as_str()), 32)),
        ColumnWant::Fixed(content_width("STATE", list.visible().map(state_text), 10)),
    ]);
    header.extend(["NAME", "IMAGE", "STATE"]);
    if stats_on {
        // As wide as the figures on screen are: "-" while there are none.
        let widest = |f: &dyn Fn(&crate::model::StatsFigures) -> usize| {
            list.visible()
                .skip(start)
                .take(count)
                .filter_map(|c| state.stats.figures_of(&c.id))
                .map(f)
                .max()
                .unwrap_or(0)
        };
        let cpu = widest(&|f| f.cpu_percent.map_or(1, |p| format!("{p:.1}%").len())).max(3) as u16;
        let mem = widest(&|f| size(f.mem_used as i64).len()).max(3) as u16;
        wants.extend([ColumnWant::Fixed(cpu), ColumnWant::Fixed(mem)]);
        header.extend(["CPU", "MEM"]);
    }
    // Under 100 columns the ports pane sits right below the list and says the selected
    // container's ports in full: the column gives its room to IMAGE and STATUS, which
    // would otherwise shrink to a few useless characters.
    let ports_column = area.width >= 100;
    wants.push(ColumnWant::Content(content_width("STATUS", list.visible().map(|c| c.status_at(state.screen.now)), 36)));
    header.push("STATUS");
    if ports_column {
        wants.push(ColumnWant::Content(content_width("PORTS", ports.iter().map(String::as_str), 48)));
        header.push("PORTS");
    }
    wants.push(ColumnWant::Fixed(3));
    header.push("AGE");
    let widths = fit_columns(area.width.saturating_sub(2), &wants);
    // A name longer than its column loses its middle, not its end: two long names
    // that differ at the end stay apart.
    let name_column = usize::from(state.containers.group_projects);
    let name_width = match widths.get(name_column) {
        Some(Constraint::Length(n)) => usize::from(*n).saturating_sub(usize::from(marks)),
        _ => usize::MAX,
    };
    let rows = list
        .visible()
        .enumerate()
        .skip(start)
        .take(count)
        .zip(ports.iter())
        .map(|((i, c), ports)| {
            let group = groups.get(i).map(|(text, head)| {
                Cell::from(Span::styled(text.clone(), if *head { theme.title } else { theme.dim }))
            });
            // While anything is marked, every name leaves room for the mark: they line up.
            let shown_name = ellipsize_middle(&c.name, name_width);
            let name = if state.containers.marked.contains(&c.id) {
                Cell::from(Line::from(vec![Span::styled("● ", theme.warn), Span::raw(shown_name)]))
            } else if !state.containers.marked.is_empty() {
                Cell::from(Line::from(vec![Span::raw("  "), Span::raw(shown_name)]))
            } else {
                Cell::from(shown_name)
            };
            let mut cells: Vec<Cell> = group.into_iter().collect();
            cells.extend([name, Cell::from(c.image.as_str()), state_cell(c, theme)]);
            if stats_on {
                let figures = state.stats.figures_of(&c.id).filter(|_| c.state.is_running());
                let cpu = figures.and_then(|f| f.cpu_percent).map_or_else(|| "-".into(), |p| format!("{p:.1}%"));
                let mem = figures.map_or_else(|| "-".into(), |f| size(f.mem_used as i64));
                cells.push(Cell::from(cpu));
                cells.push(Cell::from(mem));
            }
            cells.push(Cell::from(c.status_at(state.screen.now)));
            if ports_column {
                cells.push(Cell::from(ports.as_str()));
            }
            cells.push(Cell::from(age(c.created, state.screen.now)));
            Row::new(cells)
        })
        .collect();
    ListTable { header, widths, rows, selected, offset: 0 }.render(
        frame,
        area,
        block,
        theme,
        state.screen.focus == Pane::Containers,
    );
}

/// The PROJECT cell of each visible row: the project's name (folded: with how many it
/// holds) on its first row, the compose service on the others; `-` outside projects.
/// The bool says whether it is a project's first row.
fn project_labels(state: &AppState) -> Vec<(String, bool)> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for c in state.containers.list.items() {
        if let Some(project) = &c.project {
            *counts.entry(project.as_str()).or_default() += 1;
        }
    }
    let mut out = Vec::with_capacity(state.containers.list.len());
    let mut previous: Option<&str> = None;
    for c in state.containers.list.visible() {
        let label = match &c.project {
            Some(project) if previous != Some(project.as_str()) => {
                let count = counts.get(project.as_str()).copied().unwrap_or(0);
                if state.containers.collapsed.contains(project) {
                    (format!("▸ {project} ({count})"), true)
                } else {
                    (format!("▾ {project}"), true)
                }
            }
            Some(_) => (format!("  {}", c.service.as_deref().unwrap_or("-")), false),
            None => ("-".to_string(), false),
        };
        previous = c.project.as_deref();
        out.push(label);
    }
    out
}

/// A running container's health says more than "running": healthy, unhealthy, starting.
pub fn state_text(c: &crate::model::ContainerRow) -> &str {
    match c.health {
        Some(health) if c.state.is_running() => health.as_str(),
        _ => c.state.as_str(),
    }
}

pub fn state_cell<'a>(c: &'a crate::model::ContainerRow, theme: &Theme) -> Cell<'a> {
    let style = match c.health {
        Some(crate::model::Health::Healthy) if c.state.is_running() => theme.ok,
        Some(crate::model::Health::Unhealthy) if c.state.is_running() => theme.error,
        Some(crate::model::Health::Starting) if c.state.is_running() => theme.warn,
        _ => theme.state(&c.state),
    };
    Cell::from(Span::styled(state_text(c), style))
}

/// What the pane says before the first list arrives: connecting, or why it cannot.
pub fn connection_lines<'a>(state: &AppState, theme: &Theme) -> Vec<Line<'a>> {
    match &state.connection {
        Connection::Connecting { host } => vec![Line::styled(format!("Connecting to {host}…"), theme.dim)],
        Connection::Connected(_) => match &state.refresh.list_error {
            Some(error) => vec![Line::styled(format!("Cannot list containers: {error}"), theme.error)],
            None => vec![Line::styled("Loading…", theme.dim)],
        },
        Connection::Down { error, retry_at, .. } => {
            let mut lines = vec![Line::styled(error.message.clone(), theme.error)];
            if let Some(hint) = &error.hint {
                lines.push(Line::from(vec![Span::styled("Hint: ", theme.warn), Span::raw(hint.clone())]));
            }
            lines.push(Line::raw(""));
            let wait = (retry_at - state.screen.now).max(0);
            lines.push(Line::styled(
                format!("Retrying in {wait}s. wharf keeps trying and fills in when the daemon answers."),
                theme.dim,
            ));
            lines
        }
    }
}
