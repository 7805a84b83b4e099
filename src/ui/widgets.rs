//! Building blocks shared by the panes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, HighlightSpacing, Row, Table, TableState};

use super::theme::Theme;
use crate::state::{AppState, Modal, Pane};

/// A pane's frame: `[n] Title` on top, the filter (if any) at the bottom, the border
/// highlighted when the pane has focus.
pub fn pane_block<'a>(state: &AppState, theme: &Theme, pane: Pane, title: Line<'a>, filter: &str) -> Block<'a> {
    let focused = state.screen.focus == pane;
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(theme.border_of(pane, focused))
        .title(title);
    let typing = match &state.screen.modal {
        Some(Modal::Filter { pane: p, input, .. }) if *p == pane => Some(input.as_str()),
        _ => None,
    };
    if let Some(input) = typing {
        block = block.title_bottom(Line::from(vec![
            Span::styled(" /", theme.key),
            Span::raw(input.to_string()),
            Span::styled("█ ", theme.key),
        ]));
    } else if !filter.is_empty() {
        block = block.title_bottom(Line::from(vec![
            Span::styled(" filter: ", theme.dim),
            Span::raw(filter.to_string()),
            Span::styled(" (Esc clears) ", theme.dim),
        ]));
    }
    block
}

/// `[n] Title (count)`.
pub fn pane_title(theme: &Theme, pane: Pane, count: Option<usize>) -> Vec<Span<'static>> {
    let mut spans =
        vec![Span::styled(format!(" [{}] ", pane.number()), theme.key), Span::styled(pane.title(), theme.title)];
    if let Some(n) = count {
        spans.push(Span::styled(format!(" ({n})"), theme.dim));
    }
    spans.push(Span::raw(" "));
    spans
}

/// The rows of a list that fit a bordered table with a header in `area`, from the
/// list's scroll offset: only these are turned into cells, so a frame costs the same
/// with 50 rows or 5,000. Returns (first row, how many) and the selection within them.
pub fn window(len: usize, offset: usize, selected: Option<usize>, area: Rect) -> (usize, usize, Option<usize>) {
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    let start = offset.min(len);
    let count = height.min(len - start);
    let selected = selected.filter(|s| (start..start + count).contains(s)).map(|s| s - start);
    (start, count, selected)
}

/// A table with a header row and the list's selection and scroll position.
pub struct ListTable<'a> {
    pub header: Vec<&'a str>,
    pub widths: Vec<Constraint>,
    pub rows: Vec<Row<'a>>,
    pub selected: Option<usize>,
    pub offset: usize,
}

impl ListTable<'_> {
    pub fn render(self, frame: &mut Frame, area: Rect, block: Block, theme: &Theme, focused: bool) {
        let header = Row::new(self.header).style(theme.header);
        let table = Table::new(self.rows, self.widths)
            .header(header)
            .block(block)
            .column_spacing(1)
            // A marker as well as a colour, so the selection shows without colours too.
            .highlight_symbol("▶")
            .highlight_spacing(HighlightSpacing::Always)
            .row_highlight_style(if focused { theme.selected } else { theme.selected_unfocused });
        // A fresh TableState each frame: drawing reads the app state, it never writes it.
        let mut table_state = TableState::default().with_offset(self.offset).with_selected(self.selected);
        frame.render_stateful_widget(table, area, &mut table_state);
    }
}

/// A centred message inside a block, for empty and error states.
pub fn message<'a>(lines: Vec<Line<'a>>, block: Block<'a>) -> ratatui::widgets::Paragraph<'a> {
    ratatui::widgets::Paragraph::new(lines)
        .block(block)
        .wrap(ratatui::widgets::Wrap { trim: true })
        .style(Style::default())
}

/// Column widths that fit the content: each column asks for its widest value (capped
/// by the caller); when the asks do not fit, the content columns shrink in proportion
/// and the last one gets what rounding left over. `available` is the inner width.
pub fn fit_columns(available: u16, wants: &[ColumnWant]) -> Vec<Constraint> {
    let spacing = wants.len().saturating_sub(1) as u16 + 2; // column gaps + highlight marker
    let budget = available.saturating_sub(spacing);
    let fixed: u16 = wants.iter().map(|w| if let ColumnWant::Fixed(n) = w { *n } else { 0 }).sum();
    let asked = |primary: bool| -> u16 {
        wants
            .iter()
            .map(|w| match *w {
                ColumnWant::Content(n) if !primary => n,
                ColumnWant::Primary(n) if primary => n,
                _ => 0,
            })
            .sum()
    };
    let (asked_primary, asked_other) = (asked(true), asked(false));
    let room = budget.saturating_sub(fixed);
    // Short of room, the primary column (what a row is called) keeps up to half of it,
    // more when the others need less; the others share the rest in proportion.
    let primary_room = asked_primary.min((room / 2).max(room.saturating_sub(asked_other)));
    let other_room = room.saturating_sub(primary_room);
    let share = |n: u16, of: u16, room: u16| {
        if of > room { (u32::from(n) * u32::from(room) / u32::from(of)) as u16 } else { n }
    };
    let mut widths: Vec<u16> = wants
        .iter()
        .map(|w| match *w {
            ColumnWant::Fixed(n) => n,
            ColumnWant::Primary(n) => share(n, asked_primary, primary_room),
            ColumnWant::Content(n) => share(n, asked_other, other_room),
        })
        .collect();
    if asked_primary + asked_other > room {
        let used: u16 = widths.iter().sum::<u16>() - fixed;
        if let Some(last) = wants.iter().rposition(|w| matches!(w, ColumnWant::Content(_) | ColumnWant::Primary(_))) {
            widths[last] += room.saturating_sub(used);
        }
    }
    widths.into_iter().map(Constraint::Length).collect()
}

/// What a column asks of `fit_columns`.
#[derive(Debug, Clone, Copy)]
pub enum ColumnWant {
    Fixed(u16),
    /// The width of its widest value (already capped by the caller).
    Content(u16),
    /// Like `Content`, for the column that names the row: the last to shrink.
    Primary(u16),
}

/// `text` in at most `width` columns: whole when it fits, else its start and its end
/// around a `…` (names often differ only at the end: `…-frontend`, `…-backend`).
pub fn ellipsize_middle(text: &str, width: usize) -> std::borrow::Cow<'_, str> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return std::borrow::Cow::Borrowed(text);
    }
    if width == 0 {
        return std::borrow::Cow::Borrowed("");
    }
    let room = width - 1;
    let (head_room, tail_room) = (room - room / 2, room / 2);
    let mut head = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > head_room {
            break;
        }
        head.push(c);
        used += w;
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > tail_room {
            break;
        }
        tail.push(c);
        used += w;
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    std::borrow::Cow::Owned(head)
}

/// `text` cut at the end with a visible `…` when it does not fit `width` columns.
pub fn ellipsize_end(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The display width of the widest of `values`, at least `header`'s, at most `cap`.
pub fn content_width<S: AsRef<str>>(header: &str, values: impl Iterator<Item = S>, cap: u16) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let widest = values.map(|v| v.as_ref().width()).max().unwrap_or(0).max(header.width());
    widest.min(usize::from(cap)) as u16
}

/// The rows `text` takes when wrapped at word boundaries to `width` columns, as a
/// wrapping paragraph lays it out (a word longer than the width is split).
pub fn wrapped_rows(text: &str, width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let mut rows = 1usize;
    let mut used = 0usize;
    for word in text.split(' ') {
        let w = unicode_width::UnicodeWidthStr::width(word);
        let needed = if used == 0 { w } else { used + 1 + w };
        if needed <= width {
            used = needed;
        } else if used == 0 {
            rows += (w - 1) / width;
            used = (w - 1) % width + 1;
        } else {
            rows += 1 + w.saturating_sub(1) / width;
            used = if w == 0 { 0 } else { (w - 1) % width + 1 };
        }
    }
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// A rectangle of at most `width` x `height`, centred in `area` (smaller when `area` is).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height }
}

/// A modal's frame.
pub fn modal_block<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(Span::styled(format!(" {title} "), theme.title))
}

/// A line of key hints for a dialog's border: ` Enter pull  Esc close `.
pub fn key_hints<'a>(hints: &[(&str, &str)], theme: &Theme) -> Line<'a> {
    let mut spans = vec![Span::raw(" ")];
    for (i, (key, what)) in hints.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(key.to_string(), theme.key));
        spans.push(Span::raw(format!(" {what}")));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_lose_their_middle_and_keep_their_ends() {
        let front = "rev2-a-rather-long-container-name-web-frontend";
        let back = "rev2-a-rather-long-container-name-web-backend";
        assert_eq!(ellipsize_middle(front, 24), "rev2-a-rathe…eb-frontend");
        assert_ne!(ellipsize_middle(front, 24), ellipsize_middle(back, 24), "still told apart");
        assert_eq!(ellipsize_middle("redis", 24), "redis");
        assert_eq!(ellipsize_middle("日本語のコンテナ", 9), "日本…テナ");
        assert_eq!(ellipsize_middle("abc", 0), "");
        assert_eq!(ellipsize_middle("abcdef", 1), "…");
    }

    #[test]
    fn the_name_column_is_the_last_to_shrink() {
        let wants = [ColumnWant::Primary(30), ColumnWant::Content(30), ColumnWant::Content(30), ColumnWant::Fixed(3)];
        let widths = fit_columns(60, &wants);
        let Constraint::Length(name) = widths[0] else { panic!("{widths:?}") };
        let Constraint::Length(other) = widths[1] else { panic!("{widths:?}") };
        assert!(name >= 25 && name > other, "{widths:?}");
    }
}
