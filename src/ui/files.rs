//! The file browser (`F`): a container's directory, the file on view, and the copy
//! prompt or question on top. Everything shown came sanitised from the state.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::theme::Theme;
use super::widgets::{centered, key_hints, modal_block};
use crate::files::listing::mib;
use crate::model::{FileKind, FileText};
use crate::state::{CopyDirection, CopyPrompt, CopyQuestion, CopyRun, FileViewer, FilesView};
use crate::text::sanitize;

pub fn draw(frame: &mut Frame, area: Rect, view: &FilesView, theme: &Theme) {
    let popup = centered(area, area.width.saturating_sub(4).max(1), area.height.saturating_sub(2).max(1));
    frame.render_widget(Clear, popup);
    match &view.viewer {
        Some(viewer) => draw_viewer(frame, popup, view, viewer, theme),
        None => draw_listing(frame, popup, view, theme),
    }
    if let Some(prompt) = &view.prompt {
        draw_prompt(frame, area, prompt, theme);
    }
    if let Some(question) = &view.question {
        draw_question(frame, area, question, theme);
    }
}

fn draw_listing(frame: &mut Frame, popup: Rect, view: &FilesView, theme: &Theme) {
    let title = format!("Files · {} · {}", sanitize(&view.container_name), sanitize(&view.path));
    let hints =
        [("Enter", "open"), ("⌫", "up"), ("o", "copy out"), ("i", "copy in"), ("r", "reload"), ("Esc", "close")];
    let block = modal_block(&title, theme).title_bottom(key_hints(&hints, theme));
    let rows = popup.height.saturating_sub(4) as usize;
    let mut lines = vec![Line::styled(format!("{:<10}  {:>9}  {:<8}  NAME", "MODE", "SIZE", "TYPE"), theme.header)];
    let offset = view.selected.saturating_sub(rows.saturating_sub(1));
    for (i, entry) in view.listing.entries.iter().enumerate().skip(offset).take(rows) {
        let size = if entry.kind == FileKind::File { mib(entry.size) } else { String::new() };
        let text = format!("{}  {size:>9}  {:<8}  {}", entry.mode_string(), entry.kind.word(), entry.shown_name());
        let style = if i == view.selected { theme.selected } else { kind_style(entry.kind, theme) };
        lines.push(Line::styled(text, style));
    }
    if view.listing.entries.is_empty() && view.loading.is_none() && view.error.is_none() {
        lines.push(Line::styled("(empty)", theme.dim));
    }
    while lines.len() < rows + 1 {
        lines.push(Line::raw(""));
    }
    lines.push(status_line(view, theme));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

fn kind_style(kind: FileKind, theme: &Theme) -> Style {
    match kind {
        FileKind::Dir => theme.title,
        FileKind::Symlink => theme.key,
        _ => Style::default(),
    }
}

/// The last line: a copy's progress, an error, the load in flight, or the count.
fn status_line<'a>(view: &FilesView, theme: &Theme) -> Line<'a> {
    if let Some(run) = &view.copy {
        return Line::styled(progress(run), theme.warn);
    }
    if let Some(error) = &view.error {
        return Line::styled(error.clone(), theme.error);
    }
    if let Some(loading) = &view.loading {
        return Line::styled(format!("reading {}…", sanitize(&loading.path)), theme.dim);
    }
    let count = view.listing.entries.len();
    let mut text = format!("{count} entr{}", if count == 1 { "y" } else { "ies" });
    if let Some(cut) = &view.listing.cut {
        text.push_str(&format!(" (cut: {cut})"));
    }
    Line::styled(text, theme.dim)
}

fn progress(run: &CopyRun) -> String {
    let done = match run.total {
        Some(total) if total > 0 => format!("{} of {}", mib(run.bytes), mib(total)),
        _ => mib(run.bytes),
    };
    format!("copying {}: {done} (Esc cancels)", run.pending.describe())
}

fn draw_viewer(frame: &mut Frame, popup: Rect, view: &FilesView, viewer: &FileViewer, theme: &Theme) {
    let title = format!("{} · {}", sanitize(&view.container_name), sanitize(&viewer.path));
    let hints = [("/", "search"), ("n N", "next/prev"), ("o", "copy out"), ("Esc", "back")];
    let block = modal_block(&title, theme).title_bottom(key_hints(&hints, theme));
    let rows = popup.height.saturating_sub(3) as usize;
    let mut lines: Vec<Line> = match &viewer.text {
        FileText::Text { .. } => viewer
            .lines()
            .iter()
            .skip(viewer.scroll)
            .take(rows)
            .map(|line| highlighted(line, viewer.needle.as_deref(), theme))
            .collect(),
        FileText::Binary { size } => {
            vec![Line::styled(format!("a binary file ({}): not shown", mib(*size)), theme.dim)]
        }
        FileText::Directory => vec![Line::styled("a directory", theme.dim)],
    };
    while lines.len() < rows {
        lines.push(Line::raw(""));
    }
    lines.push(viewer_status(view, viewer, theme));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

fn viewer_status<'a>(view: &FilesView, viewer: &FileViewer, theme: &Theme) -> Line<'a> {
    if let Some(typing) = &viewer.typing {
        return Line::from(vec![Span::styled("/", theme.key), Span::styled(sanitize(typing), theme.input_focused)]);
    }
    if let Some(run) = &view.copy {
        return Line::styled(progress(run), theme.warn);
    }
    let total = viewer.lines().len();
    let mut text = format!("line {} of {total}", (viewer.scroll + 1).min(total));
    if let FileText::Text { size, cut, .. } = &viewer.text {
        text.push_str(&format!(" · {}", mib(*size)));
        if let Some(cut) = cut {
            text.push_str(&format!(" · {cut}"));
        }
    }
    if let Some(needle) = &viewer.needle {
        text.push_str(&format!(" · /{}", sanitize(needle)));
    }
    Line::styled(text, theme.dim)
}

/// A line with each case-insensitive match of the search marked.
fn highlighted<'a>(line: &str, needle: Option<&str>, theme: &Theme) -> Line<'a> {
    let Some(needle) = needle.filter(|n| !n.is_empty()) else { return Line::raw(line.to_string()) };
    let (lower, wanted) = (line.to_lowercase(), needle.to_lowercase());
    // Lowercasing can change byte lengths (a few scripts): then the line goes plain.
    if lower.len() != line.len() {
        return Line::raw(line.to_string());
    }
    let mut spans = Vec::new();
    let mut at = 0;
    for (start, found) in lower.match_indices(&wanted) {
        spans.push(Span::raw(line[at..start].to_string()));
        spans.push(Span::styled(line[start..start + found.len()].to_string(), theme.selected));
        at = start + found.len();
    }
    spans.push(Span::raw(line[at..].to_string()));
    Line::from(spans)
}

fn draw_prompt(frame: &mut Frame, area: Rect, prompt: &CopyPrompt, theme: &Theme) {
    let width = area.width.saturating_sub(8).clamp(1, 90);
    let popup = centered(area, width, 7);
    let (title, ask) = match prompt.direction {
        CopyDirection::Out => {
            let size = match (prompt.is_dir, prompt.size) {
                (true, _) => "a directory".to_string(),
                (false, Some(size)) => mib(size),
                (false, None) => "size unknown".to_string(),
            };
            (format!("Copy out {} ({size})", prompt.shown), "to the host path:")
        }
        CopyDirection::In => (format!("Copy into {}", prompt.shown), "the host file or directory:"),
    };
    let mut lines = vec![
        Line::raw(ask),
        Line::from(vec![Span::styled(sanitize(&prompt.input), theme.input_focused), Span::styled("▏", theme.key)]),
    ];
    if let Some(error) = &prompt.error {
        lines.push(Line::styled(error.clone(), theme.error));
    } else {
        lines.push(Line::styled("relative paths start at wharf's working directory", theme.dim));
    }
    let block = modal_block(&title, theme).title_bottom(key_hints(&[("Enter", "copy"), ("Esc", "cancel")], theme));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

fn draw_question(frame: &mut Frame, area: Rect, question: &CopyQuestion, theme: &Theme) {
    let width = area.width.saturating_sub(8).clamp(1, 90);
    let popup = centered(area, width, 5);
    let lines = vec![Line::raw(question.text.clone()), Line::styled(question.pending.describe(), theme.dim)];
    let block = modal_block("Copy", theme).title_bottom(key_hints(&[("y", "yes"), ("n", "no")], theme));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
