//! The help overlay: every binding in force, from the keymap itself.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::theme::Theme;
use super::widgets::{centered, modal_block};
use crate::app::keymap::{Keymap, Scope};

pub fn draw(frame: &mut Frame, area: Rect, keymap: &Keymap, theme: &Theme) {
    let scopes = keymap.help_rows();
    let key_width = scopes.iter().flat_map(|(_, rows)| rows.iter().map(|(k, _)| k.chars().count())).max().unwrap_or(0);
    let section = |scope: &Scope, rows: &[(String, &'static str)]| {
        let mut lines = vec![Line::styled(format!(" {}", scope.title()), theme.header)];
        lines.extend(rows.iter().map(|(keys, what)| {
            Line::from(vec![Span::styled(format!(" {keys:<key_width$}  "), theme.key), Span::raw(*what)])
        }));
        lines.push(Line::raw(""));
        lines
    };
    // Sections flow into as many columns as the window needs and allows: a keymap
    // with every pane's keys is taller than most terminals.
    let mut sections: Vec<Vec<Line>> = scopes.iter().map(|(scope, rows)| section(scope, rows)).collect();
    sections.push(vec![
        Line::styled(" Mouse: click selects, wheel scrolls.", theme.dim),
        Line::styled(" Any key closes this help.", theme.dim),
    ]);
    let describe_width =
        scopes.iter().flat_map(|(_, rows)| rows.iter().map(|(_, what)| what.chars().count())).max().unwrap_or(0);
    let column_width = (key_width + describe_width + 3) as u16;
    let max_rows = usize::from(area.height.saturating_sub(2)).max(1);
    let max_columns = usize::from((area.width.saturating_sub(2) / (column_width + 1)).max(1));
    let mut columns: Vec<Vec<Line>> = vec![Vec::new()];
    for lines in sections {
        let current = columns.len() - 1;
        if !columns[current].is_empty() && columns[current].len() + lines.len() > max_rows {
            columns.push(Vec::new());
        }
        let current = columns.len() - 1;
        columns[current].extend(lines);
    }
    let cut = columns.len() > max_columns;
    columns.truncate(max_columns);
    if cut && let Some(last) = columns.last_mut() {
        last.truncate(max_rows.saturating_sub(1));
        last.push(Line::styled(" … more keys: a larger window shows them all.", theme.warn));
    }
    let height = (columns.iter().map(Vec::len).max().unwrap_or(0) as u16 + 2).min(area.height);
    let width = (column_width + 1) * columns.len() as u16 + 2;
    let popup = centered(area, width, height);
    let block = modal_block("Keys", theme);
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let areas = Layout::horizontal(vec![Constraint::Fill(1); columns.len()]).split(inner);
    for (lines, area) in columns.into_iter().zip(areas.iter()) {
        frame.render_widget(Paragraph::new(lines), *area);
    }
}
