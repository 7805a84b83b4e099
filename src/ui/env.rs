//! Env vars of the selected container, with secret-looking values masked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::theme::Theme;
use super::widgets::{ListTable, message, pane_block, pane_title};
use crate::config::keymap::{Action, Keymap};
use crate::state::{AppState, Pane};

const MASK: &str = "••••••••";

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let list = &state.containers.env;
    let mut title = pane_title(theme, Pane::Env, None);
    if !state.screen.reveal_secrets && list.visible().any(|v| v.looks_secret()) {
        let key = keymap.label_of(Action::RevealSecrets).map(|k| format!(" ({k})")).unwrap_or_default();
        title.push(Span::styled(format!("secrets masked{key} "), theme.dim));
    }
    let block = pane_block(state, theme, Pane::Env, Line::from(title), list.filter());
    if state.selected_container().is_none() {
        frame.render_widget(message(vec![Line::styled("No container selected.", theme.dim)], block), area);
        return;
    }
    if state.selected_details().is_none() {
        let text = match &state.containers.details.error {
            Some(error) => Line::styled(format!("Cannot read env: {error}"), theme.error),
            None => Line::styled("Loading…", theme.dim),
        };
        frame.render_widget(message(vec![text], block), area);
        return;
    }
    if list.is_empty() {
        frame.render_widget(message(vec![Line::styled("No env vars.", theme.dim)], block), area);
        return;
    }
    let rows = list
        .visible()
        .map(|var| {
            let value = match &var.value {
                None => Cell::from(Span::styled("(no value)", theme.dim)),
                Some(_) if var.looks_secret() && !state.screen.reveal_secrets => {
                    Cell::from(Span::styled(MASK, theme.dim))
                }
                Some(v) => Cell::from(v.as_str()),
            };
            Row::new(vec![Cell::from(var.key.as_str()), value])
        })
        .collect();
    ListTable {
        header: vec!["KEY", "VALUE"],
        widths: vec![Constraint::Fill(2), Constraint::Fill(3)],
        rows,
        selected: list.selected_index(),
        offset: list.offset(),
    }
    .render(frame, area, block, theme, state.screen.focus == Pane::Env);
}
