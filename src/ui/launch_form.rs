//! The launch form modal.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::pull_progress;
use super::theme::Theme;
use super::widgets::{centered, key_hints, wrapped_rows};
use crate::launch::Field;
use crate::launch::from_inspect::Purpose;
use crate::model::RestartPolicy;
use crate::state::LaunchForm;

const LABEL_WIDTH: u16 = 18;

pub fn draw(frame: &mut Frame, area: Rect, form: &LaunchForm, theme: &Theme) {
    // Three rows per list field when the window has room for them, else two.
    let multiline_rows = if area.height >= 36 { 3 } else { 2 };
    // The text column: the popup (96 wide at most) less its borders and the labels.
    let inner_width = area.width.min(96).saturating_sub(2).max(1);
    let text_width = inner_width.saturating_sub(LABEL_WIDTH).max(1);
    let rows = rows(form, multiline_rows, text_width, inner_width);
    let wanted: u16 = rows.iter().map(|(h, _)| *h).sum::<u16>() + 2;
    let popup = centered(area, 96, wanted);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(Span::styled(format!(" {} ", form.title), theme.title))
        .title_bottom(key_hints(&hints(form), theme));
    frame.render_widget(Clear, popup);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);

    let areas = Layout::vertical(rows.iter().map(|(h, _)| Constraint::Length(*h))).split(inner);
    for ((_, row), rect) in rows.iter().zip(areas.iter()) {
        match row {
            Row::Field(field) => draw_field(frame, *rect, form, *field, theme),
            Row::Error(field) => {
                let Some(error) = form.error_for(*field) else { continue };
                let line_note = error.line.map(|l| format!("line {}: ", l + 1)).unwrap_or_default();
                let [_, text] = label_split(*rect);
                let line = Line::styled(format!("✗ {line_note}{}", error.message), theme.error);
                frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), text);
            }
            Row::Note(field) => {
                let [_, text] = label_split(*rect);
                let preview = field_note(form, *field).unwrap_or_default();
                frame.render_widget(Paragraph::new(Line::styled(preview, theme.dim)), text);
            }
            Row::Warning => {
                let text = "⚠ Published on every interface: anyone who can reach this machine can connect, and \
                            published ports bypass the host firewall.";
                frame.render_widget(Paragraph::new(Line::styled(text, theme.warn)).wrap(Wrap { trim: true }), *rect);
            }
            Row::DaemonError => {
                let Some(error) = &form.daemon_error else { continue };
                let mut lines = vec![Line::styled(format!("✗ {}", error.message), theme.error)];
                if let Some(hint) = &error.hint {
                    lines.push(Line::styled(hint.clone(), theme.dim));
                }
                frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), *rect);
            }
            Row::Progress => {
                if let Some(submitting) = &form.submitting {
                    pull_progress::draw(frame, *rect, &submitting.pull, theme);
                }
            }
            Row::Kept => {
                let Some(origin) = &form.origin else { continue };
                let line = Line::from(vec![
                    Span::styled("Kept as is: ", theme.title),
                    Span::styled(origin.kept.join(" · "), theme.dim),
                ]);
                frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), *rect);
            }
            Row::Changes => {
                let changed: Vec<&str> = form.changes().iter().map(|f| f.label()).collect();
                let mut spans = vec![Span::styled("Changes: ", theme.title)];
                if changed.is_empty() {
                    spans.push(Span::styled("none yet (recreating gives the same container again)", theme.dim));
                } else {
                    spans.push(Span::styled(changed.join(", "), theme.warn));
                }
                let mut lines = vec![Line::from(spans)];
                let removed: Vec<String> = form
                    .fields()
                    .iter()
                    .filter(|f| f.is_multiline())
                    .flat_map(|f| form.removed_lines(*f).into_iter().map(move |l| format!("{}: {l}", f.label())))
                    .collect();
                if !removed.is_empty() {
                    lines.push(Line::styled(format!("removed: {}", removed.join(" · ")), theme.warn));
                }
                frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), *rect);
            }
            Row::Steps => {
                let last = form.steps.len().saturating_sub(1);
                let lines: Vec<Line> = form
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, step)| {
                        let (mark, style) = if i == last { ("… ", theme.key) } else { ("✓ ", theme.dim) };
                        Line::styled(format!("{mark}{step}"), style)
                    })
                    .collect();
                frame.render_widget(Paragraph::new(lines), *rect);
            }
            Row::ConfirmDiscard => {
                let line = Line::styled("Throw away what you typed? y: yes, n/Esc: keep editing", theme.warn);
                frame.render_widget(Paragraph::new(line), *rect);
            }
        }
    }
}

/// The keys the form takes; a service's form has nothing to toggle.
fn hints(form: &LaunchForm) -> Vec<(&'static str, &'static str)> {
    let recreate = form.origin.as_ref().is_some_and(|o| o.purpose == Purpose::Recreate);
    let submit = if form.service {
        "next: replicas"
    } else if recreate {
        "recreate"
    } else {
        "launch"
    };
    let mut hints = vec![("Ctrl-s", submit), ("Tab", "next field")];
    if !form.service {
        hints.push(("Space", "toggle"));
        hints.push(("Ctrl-g", "docker run"));
    }
    hints.push((
        "Esc",
        match (&form.submitting, recreate) {
            (Some(_), true) => "cancel",
            (Some(_), false) => "cancel the pull",
            (None, _) => "close",
        },
    ));
    hints
}

/// Layer rows a pull may take in the form (the rest are counted on one row).
const PULL_LAYER_ROWS: usize = 6;

/// The form's rows and their heights, top to bottom.
fn rows(form: &LaunchForm, multiline_rows: u16, text_width: u16, inner_width: u16) -> Vec<(u16, Row)> {
    let mut rows = Vec::new();
    for &field in form.fields() {
        let height = match field {
            // Rarely used: one row until it holds more lines (the form must fit 34 rows).
            Field::ExtraHosts => {
                let lines = form.area(field).map_or(1, |a| a.lines().len());
                u16::try_from(lines).unwrap_or(u16::MAX).clamp(1, multiline_rows)
            }
            _ if field.is_multiline() => multiline_rows,
            _ => 1,
        };
        rows.push((height, Row::Field(field)));
        if let Some(error) = form.error_for(field) {
            // As many lines as the message needs, about, up to three (a longer one is cut).
            let width = unicode_width::UnicodeWidthStr::width(error.message.as_str()) + 14;
            let lines = width.div_ceil(usize::from(text_width)).clamp(1, 3) as u16;
            rows.push((lines, Row::Error(field)));
        } else if field_note(form, field).is_some() {
            rows.push((1, Row::Note(field)));
        }
    }
    if !form.service && form.draft().publishes_everywhere() {
        rows.push((2, Row::Warning));
    }
    if let Some(origin) = &form.origin {
        let kept = format!("Kept as is: {}", origin.kept.join(" · "));
        if !origin.kept.is_empty() {
            rows.push((wrapped_rows(&kept, inner_width).clamp(1, 4), Row::Kept));
        }
        if origin.purpose == Purpose::Recreate {
            let removed = form.fields().iter().any(|f| !form.removed_lines(*f).is_empty());
            rows.push((if removed { 2 } else { 1 }, Row::Changes));
        }
    }
    if !form.steps.is_empty() {
        rows.push((form.steps.len().min(8) as u16, Row::Steps));
    }
    if let Some(error) = &form.daemon_error {
        // All of what the daemon said and what wharf adds, up to a limit.
        let message = wrapped_rows(&format!("✗ {}", error.message), inner_width);
        let hint = error.hint.as_ref().map_or(0, |h| wrapped_rows(h, inner_width));
        rows.push(((message + hint).clamp(1, 8), Row::DaemonError));
    }
    // A recreate says its steps; its pull (when a new tag is asked for) shows here too.
    let pulling = form.submitting.as_ref().filter(|s| form.steps.is_empty() || s.pull.layers().next().is_some());
    if let Some(submitting) = pulling {
        // The total, then a row per layer: moving ones first, done ones as room allows.
        rows.push((pull_progress::wanted_height(&submitting.pull, PULL_LAYER_ROWS), Row::Progress));
    }
    if form.confirm_discard {
        rows.push((1, Row::ConfirmDiscard));
    }
    rows
}

/// The line under a field that says what it means: where the ports are published,
/// what sharing a container's network gives, what `host-gateway` is.
fn field_note(form: &LaunchForm, field: Field) -> Option<String> {
    match field {
        Field::Ports => ports_preview(form),
        Field::Network => {
            let draft = form.draft();
            match crate::launch::parse_network(&draft.network).ok()?? {
                crate::launch::NetworkChoice::Container(other) => {
                    Some(format!("→ shares {other}'s network: reach its ports at 127.0.0.1:<container port>"))
                }
                crate::launch::NetworkChoice::Named(_) => None,
            }
        }
        Field::ExtraHosts => {
            let draft = form.draft();
            draft
                .extra_hosts
                .contains(crate::launch::HOST_GATEWAY)
                .then(|| "→ host-gateway is the host: reaches its ports published on every interface".to_string())
        }
        _ => None,
    }
}

/// What the ports field publishes, as the daemon will bind it (`random` for a port the
/// daemon picks), when every line is valid.
fn ports_preview(form: &LaunchForm) -> Option<String> {
    let draft = form.draft();
    let default_ip = if draft.all_interfaces || form.service { "" } else { "127.0.0.1" };
    let mut shown = Vec::new();
    for line in draft.ports.lines().filter(|l| !l.trim().is_empty()) {
        shown.extend(crate::launch::parse_port_spec(line, default_ip).ok()?.iter().map(|b| b.describe()));
    }
    let nodes = if form.service { " on every node (routing mesh)" } else { "" };
    (!shown.is_empty()).then(|| format!("→ {}{nodes}", shown.join(", ")))
}

enum Row {
    /// What a form filled from a container carries without showing.
    Kept,
    /// What an edit changes.
    Changes,
    /// A recreate's steps so far.
    Steps,
    /// What a valid field means, under it (see `field_note`).
    Note(Field),
    Field(Field),
    Error(Field),
    Warning,
    DaemonError,
    Progress,
    ConfirmDiscard,
}

fn label_split(rect: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Length(LABEL_WIDTH), Constraint::Min(1)]).areas(rect)
}

fn draw_field(frame: &mut Frame, rect: Rect, form: &LaunchForm, field: Field, theme: &Theme) {
    let focused = form.focus == field;
    let [label, value] = label_split(rect);
    // An edit marks what differs from the container as it is.
    let changed = form.changed(field);
    let marker = match (focused, changed) {
        (true, _) => "▶ ",
        (false, true) => "● ",
        (false, false) => "  ",
    };
    let label_style = if form.error_for(field).is_some() {
        theme.error
    } else if focused {
        theme.key
    } else if changed {
        theme.warn
    } else {
        theme.title
    };
    frame.render_widget(Paragraph::new(Line::styled(format!("{marker}{}", field.label()), label_style)), label);
    match field {
        Field::Restart => {
            let spans: Vec<Span> = RestartPolicy::CHOICES
                .iter()
                .flat_map(|choice| {
                    let chosen = choice.name() == form.restart.name();
                    let text = if chosen { format!("‹{}›", form.restart) } else { format!(" {} ", choice.name()) };
                    [Span::styled(text, if chosen { theme.selected } else { theme.dim }), Span::raw(" ")]
                })
                .collect();
            frame.render_widget(Paragraph::new(Line::from(spans)), value);
        }
        Field::AutoRemove => toggle(frame, value, form.auto_remove, "remove the container when it exits", theme),
        Field::InteractiveTty => {
            let choices = [
                (false, false, "off"),
                (true, false, "-it: TTY, console attached at once"),
                (true, true, "-itd: TTY, in the background"),
            ];
            let spans: Vec<Span> = choices
                .iter()
                .flat_map(|(it, d, text)| {
                    let chosen = form.interactive_tty == *it && (form.detach == *d || !*it);
                    let text = if chosen { format!("‹{text}›") } else { format!(" {text} ") };
                    [Span::styled(text, if chosen { theme.selected } else { theme.dim }), Span::raw(" ")]
                })
                .collect();
            frame.render_widget(Paragraph::new(Line::from(spans)), value);
        }
        Field::AllInterfaces => {
            toggle(frame, value, form.all_interfaces, "publish ports on every interface (off: 127.0.0.1 only)", theme)
        }
        text_field => {
            let Some(area) = form.area(text_field) else { return };
            let style = if focused { theme.input_focused } else { theme.input };
            if focused {
                // Styling needs a mutable text area and drawing must not change the state:
                // style a copy (a few short lines).
                let mut textarea = area.clone();
                textarea.set_style(style);
                frame.render_widget(&textarea, value);
            } else if area.is_empty() {
                frame.render_widget(
                    Paragraph::new(Line::styled(area.placeholder_text().to_string(), theme.dim)).style(style),
                    value,
                );
            } else {
                let added = if changed { form.added_lines(text_field) } else { Vec::new() };
                let lines: Vec<Line> = area
                    .lines()
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        if added.contains(&i) || (changed && !text_field.is_multiline()) {
                            Line::styled(l.clone(), theme.warn)
                        } else {
                            Line::raw(l.clone())
                        }
                    })
                    .collect();
                frame.render_widget(Paragraph::new(lines).style(style), value);
            }
        }
    }
}

fn toggle(frame: &mut Frame, rect: Rect, on: bool, what: &str, theme: &Theme) {
    let line = Line::from(vec![
        Span::styled(if on { "[x] " } else { "[ ] " }, theme.key),
        Span::styled(what.to_string(), theme.dim),
    ]);
    frame.render_widget(Paragraph::new(line), rect);
}
