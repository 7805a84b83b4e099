//! The log pane: the lines of the followed container(s), coloured as the container
//! printed them (SGR only; everything else was removed on the way in), stderr marked,
//! search matches highlighted, wrapped or scrolled sideways.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

use super::theme::Theme;
use super::widgets::{message, pane_block, pane_title};
use crate::logs::{LogLine, StreamKind};
use crate::state::{AppState, LogInputKind, LogView, Modal, Pane, SourceStatus, WRAP_INDENT, cut_note};

/// Colours for container names in merged logs.
const SOURCE_COLORS: [Color; 6] = [Color::Cyan, Color::Magenta, Color::Green, Color::Yellow, Color::Blue, Color::Red];

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let view = &state.logs;
    let mut spans = title(view, theme);
    // Its details could not be read: the output is read with its TTY setting guessed.
    let guessed = view
        .sources
        .first()
        .filter(|s| s.service.is_none())
        .and_then(|s| state.containers.details.unreadable.get(&s.container_id));
    if let Some(why) = guessed {
        spans.push(Span::styled(format!("TTY guessed: {why} "), theme.warn));
    }
    let block = pane_block(state, theme, Pane::Logs, Line::from(spans), "").title_bottom(bottom_line(state, theme));
    let inner = block.inner(area);
    let Some(source) = view.sources.first() else {
        frame.render_widget(message(vec![Line::styled("No container selected.", theme.dim)], block), area);
        return;
    };
    if view.buffer.is_empty() {
        let text = match &source.status {
            SourceStatus::Waiting => Line::styled("Loading…", theme.dim),
            SourceStatus::Streaming => Line::styled("No output yet.", theme.dim),
            SourceStatus::Ended { .. } => {
                Line::styled("Not running: its output appears here when it starts.", theme.dim)
            }
            SourceStatus::Interrupted { .. } => Line::styled(
                "The log stream is interrupted: the daemon is not answering. It resumes when the daemon is back.",
                theme.warn,
            ),
            SourceStatus::Retrying { reason, .. } => Line::styled(format!("{reason}; trying again…"), theme.warn),
            SourceStatus::Failed(why) => Line::styled(why.clone(), theme.error),
        };
        let mut lines = vec![text];
        if let Some(why) = guessed {
            lines.push(Line::styled(
                format!("Its details could not be read ({why}): the output is read as if it had no TTY."),
                theme.warn,
            ));
        }
        frame.render_widget(message(lines, block), area);
        return;
    }
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let height = usize::from(inner.height);
    let mut rows: Vec<Line> = Vec::with_capacity(height + 4);
    for seq in view.visible(width, height) {
        let Some(line) = view.buffer.get(seq) else { continue };
        rows.extend(line_rows(view, line, view.search.current == Some(seq), width, theme));
    }
    // Following: the newest line sits on the last row, so cut from the top.
    if view.follow && rows.len() > height {
        rows.drain(..rows.len() - height);
    }
    rows.truncate(height);
    frame.render_widget(Paragraph::new(rows), inner);
}

fn title<'a>(view: &LogView, theme: &Theme) -> Vec<Span<'a>> {
    let mut spans = pane_title(theme, Pane::Logs, None);
    let names: Vec<&str> = view.sources.iter().map(|s| s.name.as_str()).collect();
    if !names.is_empty() {
        spans.push(Span::styled(format!("{} ", names.join(", ")), theme.title));
    }
    let status = view.sources.first().map(|s| &s.status);
    let (text, style) = match status {
        Some(SourceStatus::Ended { .. }) => ("■ stopped ", theme.warn),
        // The daemon is away, not the container: nothing is known about it now.
        Some(SourceStatus::Interrupted { .. }) => ("⋯ interrupted (daemon away) ", theme.warn),
        Some(SourceStatus::Retrying { .. }) => ("↻ reconnecting ", theme.warn),
        Some(SourceStatus::Failed(_)) => ("✗ unreadable ", theme.error),
        _ if !view.follow => ("⏸ paused (G follows) ", theme.warn),
        Some(SourceStatus::Streaming) => ("● following ", theme.ok),
        _ => ("", theme.dim),
    };
    spans.push(Span::styled(text, style));
    if view.since != crate::state::Since::Tail {
        spans.push(Span::styled(format!("since {} ", view.since.label()), theme.dim));
    }
    if !view.wrap && view.hscroll > 0 {
        spans.push(Span::styled(format!("→ from column {} ", view.hscroll + 1), theme.dim));
    }
    if view.skipped_while_paused > 0 {
        spans.push(Span::styled(format!("{} new lines not kept while paused ", view.skipped_while_paused), theme.warn));
    }
    if let Some(SourceStatus::Retrying { reason, .. }) = status {
        spans.push(Span::styled(format!("{reason} "), theme.error));
    }
    if view.buffer.dropped > 0 {
        spans.push(Span::styled(format!("{} older lines dropped ", view.buffer.dropped), theme.warn));
    }
    if view.buffer.skipped_ahead > 0 {
        let times = view.buffer.skipped_ahead;
        let text = format!("skipped ahead {times}× (printing faster than it can be read) ");
        spans.push(Span::styled(text, theme.warn));
    }
    spans
}

fn bottom_line<'a>(state: &AppState, theme: &Theme) -> Line<'a> {
    let view = &state.logs;
    if let Some(Modal::LogInput { kind, input, .. }) = &state.screen.modal {
        let label = match kind {
            LogInputKind::Search => " search: ",
            LogInputKind::Filter => " filter: ",
            LogInputKind::RegexFilter => " filter (regex): ",
        };
        return Line::from(vec![
            Span::styled(label, theme.key),
            Span::raw(input.clone()),
            Span::styled("█ ", theme.key),
        ]);
    }
    let mut spans = Vec::new();
    if !view.filter.text.is_empty() {
        spans.push(Span::styled(if view.filter.is_regex { " filter (regex): " } else { " filter: " }, theme.dim));
        spans.push(Span::raw(view.filter.text.clone()));
    }
    if let Some(error) = &view.filter.error {
        spans.push(Span::styled(format!(" ✗ {error} "), theme.error));
    }
    if !view.search.text.is_empty() {
        spans.push(Span::styled(" search: ", theme.dim));
        spans.push(Span::raw(view.search.text.clone()));
        spans.push(Span::styled(" (n/N) ", theme.dim));
    }
    if !view.wrap {
        spans.push(Span::styled(" no wrap (h/l) ", theme.dim));
    }
    Line::from(spans)
}

/// The screen rows of one log line: prefix (stderr mark, container, timestamp), the
/// text in its colours with search matches highlighted, and a note when it was cut.
fn line_rows<'a>(view: &LogView, line: &LogLine, is_match: bool, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let mut cells: Vec<(char, Style)> = Vec::with_capacity(line.text.len() + 32);
    let marker = match line.stream {
        StreamKind::Stderr => ('▌', Style::new().fg(Color::Red)),
        StreamKind::Stdout => (' ', Style::new()),
    };
    cells.push(marker);
    cells.push((' ', Style::new()));
    if view.sources.len() > 1
        && let Some(source) = view.sources.get(usize::from(line.source))
    {
        let style = Style::new().fg(SOURCE_COLORS[usize::from(line.source) % SOURCE_COLORS.len()]);
        cells.extend(source.name.chars().map(|c| (c, style)));
        cells.push((' ', Style::new()));
    }
    if view.timestamps
        && let Some(ts) = &line.timestamp
    {
        cells.extend(ts.chars().map(|c| (c, theme.dim)));
        cells.push((' ', Style::new()));
    }
    let prefix_len = cells.len();
    let highlights = if view.search.text.is_empty() { Vec::new() } else { find_all(&line.text, &view.search.text) };
    let highlight = if is_match {
        Style::new().bg(Color::Yellow).fg(Color::Black).add_modifier(Modifier::BOLD)
    } else {
        Style::new().bg(Color::DarkGray).fg(Color::Yellow)
    };
    // Both the colour runs and the matches are sorted: walk each with one cursor, so a
    // long line costs its length, not length x matches.
    let mut runs = line.runs.iter().peekable();
    let mut matches = highlights.iter().peekable();
    for (at, c) in line.text.char_indices() {
        while runs.peek().is_some_and(|r| (r.end as usize) <= at) {
            runs.next();
        }
        while matches.peek().is_some_and(|(_, end)| *end <= at) {
            matches.next();
        }
        let mut style = runs.peek().filter(|r| (r.start as usize) <= at).map_or(Style::new(), |r| r.style);
        if matches.peek().is_some_and(|(start, _)| *start <= at) {
            style = style.patch(highlight);
        }
        cells.push((c, style));
    }
    let note = cut_note(line);
    cells.extend(note.chars().map(|c| (c, theme.dim)));

    if !view.wrap {
        // Scroll the text sideways; the prefix stays.
        let skip = view.hscroll.min(cells.len() - prefix_len);
        cells.drain(prefix_len..prefix_len + skip);
        return vec![to_line(&cells, width)];
    }
    // Wrap; continuation rows are indented (as `LogView::rows_of` counts them).
    if width <= WRAP_INDENT {
        return vec![to_line(&cells, width)];
    }
    let indent: Vec<(char, Style)> = vec![(' ', Style::new()); WRAP_INDENT];
    let mut rows = Vec::new();
    let mut start = 0;
    let mut used = 0;
    let mut room = width;
    for (i, (c, _)) in cells.iter().enumerate() {
        let w = c.width().unwrap_or(0);
        if used + w > room && i > start {
            rows.push(&cells[start..i]);
            start = i;
            used = 0;
            room = width - WRAP_INDENT;
        }
        used += w;
    }
    rows.push(&cells[start..]);
    rows.iter()
        .enumerate()
        .map(|(n, row)| {
            if n == 0 {
                to_line(row, width)
            } else {
                let mut indented = indent.clone();
                indented.extend_from_slice(row);
                to_line(&indented, width)
            }
        })
        .collect()
}

/// Joins cells into spans, one per run of equal style, at most `width` columns.
fn to_line<'a>(cells: &[(char, Style)], width: usize) -> Line<'a> {
    let mut spans: Vec<Span> = Vec::new();
    let mut text = String::new();
    let mut style = Style::new();
    let mut used = 0;
    for (c, s) in cells {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        if *s != style && !text.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut text), style));
        }
        style = *s;
        text.push(*c);
    }
    if !text.is_empty() {
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

/// Byte ranges of every case-insensitive occurrence of `needle` (ASCII-folded).
fn find_all(haystack: &str, needle: &str) -> Vec<(usize, usize)> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i + n.len() <= h.len() {
        if h[i..i + n.len()].eq_ignore_ascii_case(n) {
            out.push((i, i + n.len()));
            i += n.len();
        } else {
            i += 1;
        }
    }
    out
}
