//! The small modals: presets picker, confirmation, pull prompt.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::pull_progress;
use super::theme::Theme;
use super::widgets::{centered, key_hints, modal_block, wrapped_rows};
use crate::launch::presets::Preset;
use crate::state::{Confirm, PullPrompt};

pub fn draw_presets(frame: &mut Frame, area: Rect, presets: &[Preset], selected: usize, theme: &Theme) {
    let height = presets.len() as u16 * 2 + 4;
    let popup = centered(area, 90, height);
    let block = modal_block("Quick launch", theme)
        .title_bottom(key_hints(&[("1-9/Enter", "launch"), ("e", "edit first"), ("Esc", "close")], theme));
    let mut lines = Vec::new();
    if presets.is_empty() {
        lines.push(Line::styled("No presets. Add [[presets]] to your config file.", theme.dim));
    }
    for (i, preset) in presets.iter().enumerate() {
        let style = if i == selected { theme.selected } else { theme.title };
        let number = if i < 9 { format!("{} ", i + 1) } else { "  ".to_string() };
        lines.push(Line::from(vec![
            Span::styled(if i == selected { "▶" } else { " " }, theme.key),
            Span::styled(number, theme.key),
            Span::styled(format!("{:<10}", preset.name), style),
            Span::styled(format!(" {}", preset.image), theme.dim),
        ]));
        lines.push(Line::styled(format!("     {}", preset.description), theme.dim));
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

pub fn draw_confirm(frame: &mut Frame, area: Rect, confirm: &Confirm, theme: &Theme) {
    let popup = centered(area, 70, confirm.lines.len() as u16 + 5);
    let mut keys = vec![Span::styled(" y", theme.key), Span::raw(" yes  ")];
    if let Some((key, what, _)) = &confirm.alternative {
        keys.push(Span::styled(key.to_string(), theme.key));
        keys.push(Span::raw(format!(" {what}  ")));
    }
    keys.push(Span::styled("n/Esc", theme.key));
    keys.push(Span::raw(" no "));
    let mut lines: Vec<Line> = confirm.lines.iter().map(|l| Line::raw(l.clone())).collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(keys));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(modal_block(&confirm.title, theme)),
        popup,
    );
}

/// The images pane's pull: the reference, what went wrong (all of it), and while it
/// runs the total and a row per layer, as the launch form shows them.
pub fn draw_pull(frame: &mut Frame, area: Rect, prompt: &PullPrompt, theme: &Theme) {
    const WIDTH: u16 = 70;
    const LAYER_ROWS: usize = 8;
    let inner_width = WIDTH.min(area.width).saturating_sub(2).max(1);
    let error = prompt.error.as_ref().map(|e| format!("✗ {e}"));
    let message_rows = error.as_ref().map_or(1, |e| wrapped_rows(e, inner_width).min(6));
    let progress_rows = prompt.running.as_ref().map_or(1, |(_, s)| pull_progress::wanted_height(s, LAYER_ROWS));
    let popup = centered(area, WIDTH, 1 + message_rows + progress_rows + 2);
    let esc = if prompt.running.is_some() { "cancel" } else { "close" };
    let block = modal_block("Pull an image", theme).title_bottom(key_hints(&[("Enter", "pull"), ("Esc", esc)], theme));
    frame.render_widget(Clear, popup);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [input, message, progress] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(message_rows), Constraint::Length(progress_rows)])
            .areas(inner);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("Image: ", theme.title),
            Span::raw(prompt.input.clone()),
            Span::styled("█", theme.key),
        ])),
        input,
    );
    if let Some(error) = error {
        frame.render_widget(Paragraph::new(Line::styled(error, theme.error)).wrap(Wrap { trim: true }), message);
    }
    if let Some((_, status)) = &prompt.running {
        pull_progress::draw(frame, progress, status, theme);
    }
}

pub fn draw_command(frame: &mut Frame, area: Rect, input: &str, error: Option<&str>, theme: &Theme) {
    let popup = centered(area, 70, 6);
    let block = modal_block("Run a command in the container", theme)
        .title_bottom(key_hints(&[("Enter", "run in a console"), ("Esc", "close")], theme));
    let mut lines = vec![Line::from(vec![
        Span::styled("Command: ", theme.title),
        Span::raw(input.to_string()),
        Span::styled("█", theme.key),
    ])];
    lines.push(Line::styled("e.g. top, vi /etc/hosts, sh -c 'ls -la /'", theme.dim));
    if let Some(error) = error {
        lines.push(Line::styled(format!("✗ {error}"), theme.error));
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), popup);
}

/// A one-line prompt: what it asks, what is typed, and a hint below.
pub fn draw_text_prompt(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    label: &str,
    input: &str,
    hint: &str,
    theme: &Theme,
) {
    let popup = centered(area, 80, 6);
    let block = modal_block(title, theme).title_bottom(key_hints(&[("Enter", "open"), ("Esc", "close")], theme));
    let lines = vec![
        Line::from(vec![
            Span::styled(label.to_string(), theme.title),
            Span::raw(crate::text::sanitize(input)),
            Span::styled("█", theme.key),
        ]),
        Line::styled(hint.to_string(), theme.dim),
    ];
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), popup);
}

/// The endpoint picker: each daemon with where it comes from; the one in use marked.
pub fn draw_endpoints(
    frame: &mut Frame,
    area: Rect,
    choices: Option<&[crate::model::EndpointChoice]>,
    selected: usize,
    current: &str,
    theme: &Theme,
) {
    let rows = choices.map_or(1, |c| c.len().max(1));
    let popup = centered(area, 90, (rows as u16).saturating_mul(2).saturating_add(3));
    let block = modal_block("Connect to", theme)
        .title_bottom(key_hints(&[("↑↓", "choose"), ("Enter", "connect"), ("Esc", "close")], theme));
    let mut lines = Vec::new();
    match choices {
        None => lines.push(Line::styled("Looking for daemons…", theme.dim)),
        Some([]) => lines.push(Line::styled("No daemon found: no docker context, socket or config host.", theme.dim)),
        Some(choices) => {
            for (i, choice) in choices.iter().enumerate() {
                let style = if i == selected { theme.selected } else { theme.title };
                let tls = if choice.address.tls.is_some() { " (TLS)" } else { "" };
                // Addresses and context names come from files: shown sanitised.
                let host = crate::text::sanitize(&choice.address.host);
                let in_use = if host == current { "  ● in use" } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(if i == selected { "▶ " } else { "  " }, theme.key),
                    Span::styled(format!("{host}{tls}"), style),
                    Span::styled(in_use, theme.ok),
                ]));
                lines.push(Line::styled(format!("    {}", crate::text::sanitize(&choice.origin)), theme.dim));
            }
        }
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// Naming a new volume or network.
pub fn draw_name_prompt(
    frame: &mut Frame,
    area: Rect,
    what: crate::state::NewObject,
    input: &str,
    error: Option<&str>,
    theme: &Theme,
) {
    let popup = centered(area, 60, 6);
    let noun = match what {
        crate::state::NewObject::Volume => "volume",
        crate::state::NewObject::Network => "network",
    };
    let block = modal_block(&format!("New {noun}"), theme)
        .title_bottom(key_hints(&[("Enter", "create"), ("Esc", "cancel")], theme));
    let mut lines = vec![Line::from(vec![
        Span::styled("Name: ", theme.title),
        Span::raw(input.to_string()),
        Span::styled("█", theme.key),
    ])];
    lines.push(match error {
        Some(e) => Line::styled(e.to_string(), theme.error),
        None => Line::styled("letters, digits, _ . and -", theme.dim),
    });
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// What to prune.
pub fn draw_prune_menu(frame: &mut Frame, area: Rect, selected: usize, theme: &Theme) {
    let kinds = crate::model::PruneKind::MENU;
    let popup = centered(area, 60, kinds.len() as u16 + 4);
    let block = modal_block("Prune", theme)
        .title_bottom(key_hints(&[("1-5/Enter", "choose (asks first)"), ("Esc", "close")], theme));
    let lines: Vec<Line> = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let style = if i == selected { theme.selected } else { theme.title };
            Line::from(vec![
                Span::styled(if i == selected { "▶" } else { " " }, theme.key),
                Span::styled(format!("{} ", i + 1), theme.key),
                Span::styled(kind.what(), style),
            ])
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
