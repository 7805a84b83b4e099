//! The help overlay: every binding in force, from the keymap itself.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::widgets::{centered, modal_block};
use crate::config::keymap::{Keymap, Scope};
use crate::state::Pane;

/// A column is never narrower than this (a key and a description of ~30 columns), so
/// 80 columns hold two; more fit as the window widens.
const MIN_COLUMN: usize = 38;

/// Every binding, by place: the place it was opened from first, then everywhere, then
/// the rest, and the console's own keys (its detach chord and what follows it), which
/// no keymap entry describes. Columns as many as fit the width at no less than
/// `MIN_COLUMN`; a description longer than its column wraps under itself, never cut;
/// a page shows only columns that hold something.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    keymap: &Keymap,
    console_prefix: &str,
    opened_from: Pane,
    page: i64,
    theme: &Theme,
) {
    let first = Scope::of(opened_from);
    let mut scopes: Vec<(String, Vec<(String, String)>)> = {
        let mut scopes = keymap.help_rows();
        // The keys of the place the user is in come first, then those that work everywhere.
        scopes.sort_by_key(|(scope, _)| (*scope != first, *scope != Scope::Global));
        scopes
            .into_iter()
            .map(|(scope, rows)| {
                (scope.title().to_string(), rows.into_iter().map(|(k, w)| (k, w.to_string())).collect())
            })
            .collect()
    };
    let console = ("Console".to_string(), crate::config::keymap::console_help_rows(console_prefix));
    if opened_from == Pane::Console {
        scopes.insert(0, console);
    } else {
        scopes.push(console);
    }
    let room = usize::from(area.width.saturating_sub(2)).max(1);
    let per_page = ((room + 1) / (MIN_COLUMN + 1)).max(1);
    let column_width = ((room + 1) / per_page).saturating_sub(1).max(1);
    // Sections (a place's title, its keys, a blank line) as lines of the column width.
    // Each entry (a title, a key with its description's lines, a blank) stays whole
    // in one column.
    let sections: Vec<Vec<Vec<HelpLine>>> =
        scopes.iter().map(|(title, rows)| section_lines(title, rows, column_width)).collect();
    let max_rows = usize::from(area.height.saturating_sub(2)).max(1);
    let continued = |entry: &Vec<HelpLine>| match entry.first() {
        Some(HelpLine::Title(title)) => vec![HelpLine::Title(format!("{title} (continued)"))],
        _ => entry.clone(),
    };
    let columns = flow(&sections, max_rows, Vec::len, continued);
    let mut columns: Vec<Vec<HelpLine>> = columns.into_iter().map(|c| c.into_iter().flatten().collect()).collect();
    // A blank line closing a column says nothing.
    for column in &mut columns {
        while column.len() > 1 && matches!(column.last(), Some(HelpLine::Blank)) {
            column.pop();
        }
    }
    let pages = columns.len().div_ceil(per_page).max(1);
    let shown = usize::try_from(page.rem_euclid(i64::try_from(pages).unwrap_or(1))).unwrap_or(0);
    let columns: Vec<Vec<HelpLine>> = columns.into_iter().skip(shown * per_page).take(per_page).collect();
    let footer = if pages > 1 {
        format!(" Page {}/{pages} → ← · other keys close ", shown + 1)
    } else {
        " Esc, q or Enter closes ".to_string()
    };
    let height = (columns.iter().map(Vec::len).max().unwrap_or(0) as u16 + 2).min(area.height);
    // As wide as the columns this page shows: no empty column on a last page.
    let width = ((column_width + 1) * columns.len().max(1) + 1) as u16;
    let popup = centered(area, width, height);
    let footer_style = if pages > 1 { theme.warn } else { theme.dim };
    let block = modal_block("Keys", theme).title_bottom(Line::styled(footer, footer_style));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let constraints: Vec<Constraint> = columns.iter().map(|_| Constraint::Length(column_width as u16 + 1)).collect();
    let areas = Layout::horizontal(constraints).split(inner);
    for (lines, area) in columns.into_iter().zip(areas.iter()) {
        let lines: Vec<Line> = lines.into_iter().map(|l| l.into_line(theme)).collect();
        frame.render_widget(Paragraph::new(lines), *area);
    }
}

/// One line of help: a place's title, a key's first line (keys, the key column's
/// width, text), a description's next line (its indent, text), or a blank.
#[derive(Debug, Clone, PartialEq)]
enum HelpLine {
    Title(String),
    Key(String, usize, String),
    More(usize, String),
    Blank,
}

impl HelpLine {
    fn into_line(self, theme: &Theme) -> Line<'static> {
        match self {
            HelpLine::Title(text) => Line::styled(format!(" {text}"), theme.header),
            HelpLine::Key(keys, width, text) => {
                Line::from(vec![Span::styled(format!(" {keys:<width$}  "), theme.key), Span::raw(text)])
            }
            HelpLine::More(indent, text) => Line::raw(format!("{:indent$}{text}", "")),
            HelpLine::Blank => Line::raw(""),
        }
    }
}

/// A section in lines of at most `width` columns: the keys column as wide as this
/// section's keys (at most half the column), descriptions wrapped at word breaks.
fn section_lines(title: &str, rows: &[(String, String)], width: usize) -> Vec<Vec<HelpLine>> {
    let key_width = rows.iter().map(|(k, _)| k.width()).max().unwrap_or(0).min(width / 2);
    let describe = width.saturating_sub(key_width + 3).max(1);
    let mut entries = vec![vec![HelpLine::Title(title.to_string())]];
    for (keys, what) in rows {
        let mut parts = wrap_words(what, describe).into_iter();
        let mut entry = vec![HelpLine::Key(keys.clone(), key_width, parts.next().unwrap_or_default())];
        entry.extend(parts.map(|part| HelpLine::More(key_width + 3, part)));
        entries.push(entry);
    }
    entries.push(vec![HelpLine::Blank]);
    entries
}

/// `text` in lines of at most `width` columns, broken between words (a word longer
/// than a line is broken inside).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let Some(line) = lines.last_mut() else { break };
        let needed = if line.is_empty() { word.width() } else { line.width() + 1 + word.width() };
        if needed <= width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        let mut current = String::new();
        for c in word.chars() {
            if current.width() + c.to_string().width() > width && !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
        lines.push(current);
    }
    lines.retain(|l| !l.is_empty());
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Sections into columns of at most `max_rows` lines, a section kept whole unless it
/// alone is taller than a column. A section that goes on in the next column starts it
/// with `continued` of its title (its first line), so no column starts nameless.
fn flow<T: Clone>(
    sections: &[Vec<T>],
    max_rows: usize,
    rows: impl Fn(&T) -> usize,
    continued: impl Fn(&T) -> T,
) -> Vec<Vec<T>> {
    let mut columns: Vec<Vec<T>> = vec![Vec::new()];
    let mut used = 0;
    for section in sections {
        let section_rows: usize = section.iter().map(&rows).sum();
        for (i, item) in section.iter().enumerate() {
            let starts_section = i == 0;
            let section_fits = used + section_rows <= max_rows;
            let item_fits = used + rows(item) <= max_rows;
            let current = columns.len() - 1;
            if !columns[current].is_empty() && ((starts_section && !section_fits) || !item_fits) {
                columns.push(Vec::new());
                used = 0;
                // A title alone at the foot of a column would say nothing.
                if !starts_section
                    && max_rows > 1
                    && let Some(column) = columns.last_mut()
                {
                    let title = continued(&section[0]);
                    used += rows(&title);
                    column.push(title);
                }
            }
            used += rows(item);
            let current = columns.len() - 1;
            columns[current].push(item.clone());
        }
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_that_goes_on_in_the_next_column_says_whose_keys_these_are() {
        let section = |title: &str, n: usize| {
            let mut lines = vec![title.to_string()];
            lines.extend((0..n).map(|i| format!("{title} key {i}")));
            lines
        };
        let columns = flow(&[section("A", 2), section("B", 6)], 4, |_| 1, |t| format!("{t} (cont.)"));
        assert_eq!(
            columns,
            vec![
                vec!["A", "A key 0", "A key 1"],
                vec!["B", "B key 0", "B key 1", "B key 2"],
                vec!["B (cont.)", "B key 3", "B key 4", "B key 5"],
            ]
        );
    }

    #[test]
    fn descriptions_wrap_between_words_and_are_never_cut() {
        assert_eq!(
            wrap_words("save the container's whole log to a file", 16),
            vec!["save the", "container's", "whole log to a", "file"]
        );
        assert_eq!(wrap_words("short", 16), vec!["short"]);
        assert_eq!(wrap_words("abcdefgh", 3), vec!["abc", "def", "gh"]);
    }
}
