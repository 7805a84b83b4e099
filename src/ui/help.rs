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

/// Descriptions are cut to no less than this to fit more columns.
const MIN_DESCRIBE: usize = 24;

pub fn draw(frame: &mut Frame, area: Rect, keymap: &Keymap, opened_from: Pane, page: i64, theme: &Theme) {
    let first = Scope::of(opened_from);
    let mut scopes = keymap.help_rows();
    // The keys of the place the user is in come first, then those that work everywhere.
    scopes.sort_by_key(|(scope, _)| (*scope != first, *scope != Scope::Global));
    let key_width = scopes.iter().flat_map(|(_, rows)| rows.iter().map(|(k, _)| k.width())).max().unwrap_or(0);
    let describe_width = scopes.iter().flat_map(|(_, rows)| rows.iter().map(|(_, w)| w.width())).max().unwrap_or(0);
    // Sections (a place's title, its keys, a blank line), in the keymap's order.
    let sections: Vec<Vec<(Option<String>, String)>> = scopes
        .iter()
        .map(|(scope, rows)| {
            let mut lines = vec![(None, scope.title().to_string())];
            lines.extend(rows.iter().map(|(keys, what)| (Some(keys.clone()), what.to_string())));
            lines.push((None, String::new()));
            lines
        })
        .collect();
    let max_rows = usize::from(area.height.saturating_sub(3)).max(1);
    let room = usize::from(area.width.saturating_sub(2));
    // The fewest columns that hold every section at this height, if the width allows
    // them with descriptions cut to no less than MIN_DESCRIBE; else as many as fit.
    let widest = key_width + describe_width + 3;
    let narrowest = key_width + MIN_DESCRIBE.min(describe_width) + 3;
    // Whole descriptions while two columns still fit; cut ones only when that buys a
    // second column.
    let most = match room / (widest + 1) {
        n if n >= 2 => n,
        _ => (room / (narrowest + 1)).max(1),
    };
    let continued = |(_, title): &(Option<String>, String)| (None, format!("{title} (continued)"));
    let mut columns = flow(&sections, max_rows.saturating_sub(1).max(1), continued);
    let count = columns.len().min(most);
    let column_width = (room / count).saturating_sub(1).clamp(narrowest.min(room), widest);
    // Pages of `count` columns; the page asked for wraps around.
    let pages = columns.len().div_ceil(count);
    let shown = usize::try_from(page.rem_euclid(i64::try_from(pages).unwrap_or(1))).unwrap_or(0);
    let columns: Vec<_> = columns.drain(..).skip(shown * count).take(count).collect();
    let describe = column_width.saturating_sub(key_width + 3);
    let mut rendered: Vec<Vec<Line>> = columns
        .into_iter()
        .map(|lines| {
            lines
                .into_iter()
                .map(|(keys, text)| match keys {
                    Some(keys) => Line::from(vec![
                        Span::styled(format!(" {keys:<key_width$}  "), theme.key),
                        Span::raw(cut_to(&text, describe)),
                    ]),
                    None => Line::styled(format!(" {text}"), theme.header),
                })
                .collect()
        })
        .collect();
    if let Some(last) = rendered.last_mut() {
        if pages > 1 {
            let text = format!(" Page {}/{pages}: → ← turn, any other key closes.", shown + 1);
            last.push(Line::styled(text, theme.warn));
        } else {
            last.push(Line::styled(" Esc, q or Enter closes this help.", theme.dim));
        }
    }
    let height = (rendered.iter().map(Vec::len).max().unwrap_or(0) as u16 + 2).min(area.height);
    // As wide on every page (a last page with fewer columns does not shrink the box).
    let width = ((column_width + 1) * count + 2) as u16;
    let popup = centered(area, width, height);
    let block = modal_block("Keys", theme);
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let areas = Layout::horizontal(vec![Constraint::Fill(1); rendered.len()]).split(inner);
    for (lines, area) in rendered.into_iter().zip(areas.iter()) {
        frame.render_widget(Paragraph::new(lines), *area);
    }
}

/// Sections into columns of at most `max_rows` lines, a section kept whole unless it
/// alone is taller than a column. A section that goes on in the next column starts it
/// with `continued` of its title (its first line), so no column starts nameless.
fn flow<T: Clone>(sections: &[Vec<T>], max_rows: usize, continued: impl Fn(&T) -> T) -> Vec<Vec<T>> {
    let mut columns: Vec<Vec<T>> = vec![Vec::new()];
    for section in sections {
        for (i, line) in section.iter().enumerate() {
            let current = columns.len() - 1;
            let starts_section = i == 0;
            let section_fits = columns[current].len() + section.len() <= max_rows;
            if (!columns[current].is_empty() && starts_section && !section_fits) || columns[current].len() >= max_rows {
                columns.push(Vec::new());
                // A title alone at the foot of a column would say nothing.
                if !starts_section
                    && max_rows > 1
                    && let Some(column) = columns.last_mut()
                {
                    column.push(continued(&section[0]));
                }
            }
            let current = columns.len() - 1;
            columns[current].push(line.clone());
        }
    }
    columns
}

fn cut_to(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + 2 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
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
        let columns = flow(&[section("A", 2), section("B", 6)], 4, |t| format!("{t} (cont.)"));
        assert_eq!(
            columns,
            vec![
                vec!["A", "A key 0", "A key 1"],
                vec!["B", "B key 0", "B key 1", "B key 2"],
                vec!["B (cont.)", "B key 3", "B key 4", "B key 5"],
            ]
        );
    }
}
