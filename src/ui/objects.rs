//! The volumes, networks and events panes, and the inspect view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Clear, Paragraph, Row};

use super::format::{age, size};
use super::theme::Theme;
use super::widgets::{
    ColumnWant, ListTable, content_width, ellipsize_middle, fit_columns, message, pane_block, pane_title, window,
};
use crate::state::{AppState, InspectView, Pane};

pub fn draw_volumes(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let list = &state.objects.volumes;
    let title = Line::from(pane_title(theme, Pane::Volumes, Some(list.len())));
    let block = pane_block(state, theme, Pane::Volumes, title, list.filter());
    if !state.objects.volumes_loaded {
        frame.render_widget(message(vec![Line::styled("Reading the volumes…", theme.dim)], block), area);
        return;
    }
    if list.is_empty() {
        frame.render_widget(message(vec![Line::styled("No volumes.", theme.dim)], block), area);
        return;
    }
    let (start, count, selected) = window(list.len(), list.offset(), list.selected_index(), area);
    let used: Vec<String> = list.visible().skip(start).take(count).map(|v| used_by(&v.used_by)).collect();
    let rows = list
        .visible()
        .skip(start)
        .take(count)
        .zip(used.iter())
        .map(|(v, used)| {
            let used = if v.used_by.is_empty() {
                Cell::from(Span::styled("unused", theme.dim))
            } else {
                Cell::from(used.as_str())
            };
            Row::new(vec![
                Cell::from(v.name.as_str()),
                Cell::from(v.driver.as_str()),
                Cell::from(volume_size(v, state).map_or_else(|| "-".to_string(), size)),
                used,
                Cell::from(v.created.map_or_else(|| "-".to_string(), |c| age(c, state.screen.now))),
                Cell::from(Span::styled(v.mountpoint.as_str(), theme.dim)),
            ])
        })
        .collect();
    let wants = vec![
        ColumnWant::Primary(content_width("NAME", list.visible().map(|v| v.name.as_str()), 40)),
        ColumnWant::Fixed(content_width("DRIVER", list.visible().map(|v| v.driver.as_str()), 10)),
        ColumnWant::Fixed(8),
        ColumnWant::Content(content_width("USED BY", used.iter().map(String::as_str), 32)),
        ColumnWant::Fixed(4),
        ColumnWant::Content(60),
    ];
    let widths = fit_columns(area.width.saturating_sub(2), &wants);
    ListTable {
        header: vec!["NAME", "DRIVER", "SIZE", "USED BY", "AGE", "MOUNTPOINT"],
        widths,
        rows,
        selected,
        offset: 0,
    }
    .render(frame, area, block, theme, state.screen.focus == Pane::Volumes);
}

/// The list's size, else the one the last disk usage reading (`D`) gave.
fn volume_size(v: &crate::model::VolumeRow, state: &AppState) -> Option<i64> {
    v.size.or_else(|| {
        let disk = state.stats.disk.as_ref()?;
        disk.volume_sizes.iter().find(|(name, _)| *name == v.name).map(|(_, s)| *s)
    })
}

fn used_by(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} +{}", rest.len()),
    }
}

pub fn draw_networks(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let list = &state.objects.networks;
    let title = Line::from(pane_title(theme, Pane::Networks, Some(list.len())));
    let block = pane_block(state, theme, Pane::Networks, title, list.filter());
    if !state.objects.networks_loaded {
        frame.render_widget(message(vec![Line::styled("Reading the networks…", theme.dim)], block), area);
        return;
    }
    let (start, count, selected) = window(list.len(), list.offset(), list.selected_index(), area);
    let selected_container = state.selected_container();
    let rows = list
        .visible()
        .skip(start)
        .take(count)
        .map(|n| {
            // The container selected in the containers pane: is it on this network?
            let mark = match selected_container {
                Some(c) if c.networks.contains(&n.name) => Span::styled("● ", theme.ok),
                _ => Span::raw("  "),
            };
            let attached = if n.containers.is_empty() { "-".to_string() } else { n.containers.join(", ") };
            Row::new(vec![
                Cell::from(Line::from(vec![mark, Span::raw(n.name.as_str())])),
                Cell::from(n.driver.as_str()),
                Cell::from(n.scope.as_str()),
                Cell::from(if n.subnets.is_empty() { "-".to_string() } else { n.subnets.join(", ") }),
                Cell::from(attached),
            ])
        })
        .collect();
    let wants = vec![
        ColumnWant::Primary(content_width("NAME", list.visible().map(|n| n.name.as_str()), 32) + 2),
        ColumnWant::Fixed(content_width("DRIVER", list.visible().map(|n| n.driver.as_str()), 10)),
        ColumnWant::Fixed(6),
        ColumnWant::Content(20),
        ColumnWant::Content(80),
    ];
    let widths = fit_columns(area.width.saturating_sub(2), &wants);
    let mut block = block;
    if let Some(c) = selected_container {
        block = block.title_bottom(Line::from(vec![
            Span::styled(" ● ", theme.ok),
            Span::styled(format!("networks of {} ", c.name), theme.dim),
        ]));
    }
    ListTable { header: vec!["NAME", "DRIVER", "SCOPE", "SUBNET", "CONTAINERS"], widths, rows, selected, offset: 0 }
        .render(frame, area, block, theme, state.screen.focus == Pane::Networks);
}

pub fn draw_events(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let list = &state.objects.timeline;
    let title = Line::from(pane_title(theme, Pane::Events, Some(list.len())));
    let block = pane_block(state, theme, Pane::Events, title, list.filter());
    if list.is_empty() {
        let text = if list.filter().is_empty() {
            "No events yet: they appear here as the daemon reports them (/ narrows to a container)."
        } else {
            "No event matches the filter."
        };
        frame.render_widget(message(vec![Line::styled(text, theme.dim)], block), area);
        return;
    }
    let (start, count, selected) = window(list.len(), list.offset(), list.selected_index(), area);
    let widths = [8, 9, 28];
    // Inner width less the marker, the fixed columns and the gaps between the four.
    let fixed: u16 = widths.iter().sum::<u16>() + 1 + 3;
    let object_width = usize::from(area.width.saturating_sub(2).saturating_sub(fixed));
    let rows = list
        .visible()
        .skip(start)
        .take(count)
        .map(|row| {
            let e = &row.event;
            let style = match e.action.as_str() {
                "die" if e.exit_code.is_some_and(|c| c != 0) => theme.error,
                "oom" | "kill" => theme.error,
                a if a.contains("unhealthy") => theme.error,
                a if a.contains("healthy") => theme.ok,
                "start" | "create" => theme.ok,
                "destroy" | "stop" => theme.warn,
                _ => Style::new(),
            };
            let action = match e.exit_code {
                Some(code) => format!("{} (exit {code})", e.action),
                None => e.action.clone(),
            };
            // A volume's event names it by its ID alone: shown whole, as are names.
            let mut name = if e.name.is_empty() { short_id(&e.id).to_string() } else { e.name.clone() };
            if let Some(container) = &e.container {
                name = format!("{name} ↔ {}", short_id(container));
            }
            // Cut visibly: `app-vol2` must never show as `app-vol`, another volume.
            let name = ellipsize_middle(&name, object_width).into_owned();
            Row::new(vec![
                // Local time, as `docker events` prints it.
                Cell::from(state.screen.zone.clock(e.time)),
                Cell::from(Span::styled(e.kind.clone(), theme.dim)),
                Cell::from(Span::styled(action, style)),
                Cell::from(name),
            ])
        })
        .collect();
    let mut widths: Vec<Constraint> = widths.into_iter().map(Constraint::Length).collect();
    widths.push(Constraint::Fill(1));
    ListTable { header: vec!["TIME", "TYPE", "ACTION", "OBJECT"], widths, rows, selected, offset: 0 }.render(
        frame,
        area,
        block,
        theme,
        state.screen.focus == Pane::Events,
    );
}

/// A container's or an image's hex ID shortened as docker shortens it (12 digits);
/// any other ID (a volume's is its name) whole.
fn short_id(id: &str) -> &str {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    if hex.len() > 12 && hex.bytes().all(|b| b.is_ascii_hexdigit()) { &hex[..12] } else { id }
}

/// The inspect view: nearly the whole screen, JSON coloured, the search highlighted.
pub fn draw_inspect(frame: &mut Frame, area: Rect, view: &InspectView, mask_secrets: bool, theme: &Theme) {
    // The same view shows a container's processes (`t`), read again while open.
    let processes = view.follow.is_some();
    let popup = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    let hint = if view.typing {
        Line::from(vec![Span::styled(" /", theme.key), Span::raw(view.search.clone()), Span::styled("█ ", theme.key)])
    } else if processes {
        super::widgets::key_hints(&[("j/k PgUp/PgDn", "move"), ("/ n/N", "search"), ("Esc", "close")], theme)
    } else {
        super::widgets::key_hints(
            &[
                ("j/k PgUp/PgDn", "move"),
                ("Enter h/l", "fold/unfold"),
                ("z/Z", "fold all/none"),
                ("/ n/N", "search"),
                ("v", if mask_secrets { "show secrets" } else { "mask secrets" }),
                ("Esc", "close"),
            ],
            theme,
        )
    };
    let size = if processes {
        let every = crate::state::PROCESSES_EVERY_SECS;
        format!("{} processes, read every {every} s ", view.line_count())
    } else {
        format!("{} lines ", view.line_count())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(Line::from(vec![Span::styled(format!(" {} ", view.title), theme.title), Span::styled(size, theme.dim)]))
        .title_bottom(hint);
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let cursor = view.cursor_line();
    let inner = match &view.header {
        Some(header) => {
            let [top, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
            frame.render_widget(Paragraph::new(Line::styled(header.as_str(), theme.title)), top);
            rest
        }
        None => inner,
    };
    let lines: Vec<Line> = view
        .rows(usize::from(inner.height))
        .map(|row| {
            // A process table: its header stands out, its rows are plain text.
            let masked = if mask_secrets { crate::state::masked_env_entry(row.text) } else { None };
            // A process table's rows are plain text; JSON is coloured.
            let mut line = match (processes, &masked) {
                (true, _) => Line::raw(row.text),
                (false, Some(text)) => Line::styled(text.clone(), theme.dim),
                (false, None) => json_line(row.text, theme),
            };
            if let Some((hidden, close)) = row.fold {
                line.spans.push(Span::styled(format!(" … {close}"), theme.key));
                let noun = if hidden == 1 { "line" } else { "lines" };
                line.spans.push(Span::styled(format!("  {hidden} {noun}"), theme.dim));
            }
            if row.line == cursor {
                line = line.style(theme.selected);
            } else if view.matches(row.line) {
                line = line.style(theme.selected_unfocused);
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Colours one pretty-printed JSON line: keys, strings, numbers and literals.
fn json_line<'a>(text: &'a str, theme: &Theme) -> Line<'a> {
    let indent = text.len() - text.trim_start().len();
    let (lead, rest) = text.split_at(indent);
    let mut spans = vec![Span::raw(lead)];
    let (key, value) = match rest.strip_prefix('"').and_then(|r| r.find("\": ").map(|i| i + 1)) {
        Some(end) => (Some(&rest[..end + 2]), &rest[end + 2..]),
        None => (None, rest),
    };
    if let Some(key) = key {
        spans.push(Span::styled(key, theme.key));
    }
    let bare = value.trim_end_matches(',');
    let style = if bare.starts_with('"') {
        theme.ok
    } else if bare == "true" || bare == "false" || bare == "null" {
        theme.dim
    } else if bare.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        theme.warn
    } else {
        Style::new()
    };
    spans.push(Span::styled(value, style));
    Line::from(spans)
}
