//! The equivalent `docker run` command (`w`, Ctrl-g in the launch form).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::theme::Theme;
use super::widgets::{centered, key_hints, modal_block, wrapped_rows};
use crate::model::EnvVar;
use crate::state::RunCommandView;
use crate::text::sanitize;

pub fn draw(frame: &mut Frame, area: Rect, view: &RunCommandView, reveal: bool, theme: &Theme) {
    let width = area.width.min(100);
    let inner = width.saturating_sub(2).max(1);
    // Every word passes the sanitiser: values came from the daemon.
    let text = view.command.text_with(|w| sanitize(&shown_word(w, reveal)));
    let mut lines: Vec<Line> = text.lines().map(|l| Line::raw(l.to_string())).collect();
    if !view.command.notes.is_empty() {
        lines.push(Line::raw(""));
        for note in &view.command.notes {
            lines.push(Line::styled(format!("note: {}", sanitize(note)), theme.dim));
        }
    }
    if !reveal && text.contains("=••••") {
        lines.push(Line::styled("secret-looking values are masked here (v shows them); the copy has them", theme.dim));
    }
    let wanted: u16 = lines.iter().map(|l| wrapped_rows(&l.to_string(), inner)).sum::<u16>() + 2;
    let popup = centered(area, width, wanted);
    let hints =
        [("y", "copy"), ("↑↓", "scroll"), ("Esc", if view.back.is_some() { "back to the form" } else { "close" })];
    let block = modal_block(&view.title, theme).title_bottom(key_hints(&hints, theme));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((view.scroll, 0)).block(block), popup);
}

/// A word as the screen shows it: an env value that looks secret is masked unless
/// the user revealed secrets (`v`); the copy has it whole.
fn shown_word(word: &str, reveal: bool) -> String {
    let var = EnvVar::parse(word);
    match var.value {
        Some(_) if !reveal && !word.starts_with('-') && var.looks_secret() => format!("{}=••••", var.key),
        _ => word.to_string(),
    }
}
