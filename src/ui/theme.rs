//! Colours. One place, so a later config section can swap them.

use ratatui::style::{Color, Modifier, Style};

use crate::model::ContainerState;

#[derive(Debug, Clone)]
pub struct Theme {
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub header: Style,
    pub selected: Style,
    pub selected_unfocused: Style,
    pub dim: Style,
    pub error: Style,
    pub ok: Style,
    pub warn: Style,
    pub key: Style,
    pub input: Style,
    pub input_focused: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            border: Style::new().fg(Color::DarkGray),
            border_focused: Style::new().fg(Color::Cyan),
            title: Style::new().add_modifier(Modifier::BOLD),
            header: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            selected: Style::new().bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD),
            selected_unfocused: Style::new().bg(Color::DarkGray),
            dim: Style::new().fg(Color::DarkGray),
            error: Style::new().fg(Color::Red),
            ok: Style::new().fg(Color::Green),
            warn: Style::new().fg(Color::Yellow),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            input: Style::new().bg(Color::Black),
            input_focused: Style::new().bg(Color::Rgb(30, 30, 60)),
        }
    }
}

impl Theme {
    pub fn state(&self, state: &ContainerState) -> Style {
        match state {
            ContainerState::Running => Style::new().fg(Color::Green),
            ContainerState::Paused | ContainerState::Restarting => Style::new().fg(Color::Yellow),
            ContainerState::Created => Style::new().fg(Color::Cyan),
            ContainerState::Exited => Style::new().fg(Color::DarkGray),
            ContainerState::Dead | ContainerState::Removing => Style::new().fg(Color::Red),
            ContainerState::Other(_) => Style::new().fg(Color::Magenta),
        }
    }
}
