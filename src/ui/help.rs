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
    // Global keys in the left column, the panes' own keys in the right one.
    let mut left: Vec<Line> = Vec::new();
    let mut right: Vec<Line> = Vec::new();
    for (scope, rows) in &scopes {
        let lines = section(scope, rows);
        if *scope == Scope::Global { left.extend(lines) } else { right.extend(lines) }
    }
    right.push(Line::styled(" Mouse: click selects, wheel scrolls.", theme.dim));
    right.push(Line::styled(" Any key closes this help.", theme.dim));
    let column_width = key_width as u16 + 40;
    let height = (left.len().max(right.len()) as u16 + 2).min(area.height);
    let popup = centered(area, column_width * 2 + 3, height);
    let block = modal_block("Keys", theme);
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right), r);
}
