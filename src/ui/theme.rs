//! Colours: a dark theme (the default), a light one, and none at all when `NO_COLOR`
//! is set (then attributes alone mark selection and focus).

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
    /// No colours at all (`NO_COLOR`): container states are told apart by their words.
    pub monochrome: bool,
}

/// The built-in themes, as named in the config (`[ui] theme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
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
            monochrome: false,
        }
    }
}

impl Theme {
    /// The theme to use: none when `no_color` (the `NO_COLOR` convention), else the
    /// named one.
    pub fn pick(name: ThemeName, no_color: bool) -> Self {
        if no_color {
            return Self::monochrome();
        }
        match name {
            ThemeName::Dark => Self::default(),
            ThemeName::Light => Self::light(),
        }
    }

    /// For light terminal backgrounds: darker text colours, light fields.
    pub fn light() -> Self {
        Self {
            border: Style::new().fg(Color::Gray),
            border_focused: Style::new().fg(Color::Blue),
            header: Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            selected: Style::new().bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD),
            selected_unfocused: Style::new().bg(Color::Gray),
            dim: Style::new().fg(Color::Gray),
            warn: Style::new().fg(Color::Rgb(160, 100, 0)),
            key: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            input: Style::new().bg(Color::Rgb(235, 235, 235)),
            input_focused: Style::new().bg(Color::Rgb(215, 225, 250)),
            ..Self::default()
        }
    }

    /// No colour anywhere: reverse video marks the selection, bold the focus and keys.
    pub fn monochrome() -> Self {
        let plain = Style::new();
        Self {
            border: plain,
            border_focused: plain.add_modifier(Modifier::BOLD),
            title: plain.add_modifier(Modifier::BOLD),
            header: plain.add_modifier(Modifier::BOLD),
            selected: plain.add_modifier(Modifier::REVERSED),
            selected_unfocused: plain.add_modifier(Modifier::UNDERLINED),
            dim: plain,
            error: plain.add_modifier(Modifier::BOLD),
            ok: plain,
            warn: plain.add_modifier(Modifier::BOLD),
            key: plain.add_modifier(Modifier::BOLD),
            input: plain,
            input_focused: plain.add_modifier(Modifier::UNDERLINED),
            monochrome: true,
        }
    }

    pub fn state(&self, state: &ContainerState) -> Style {
        if self.monochrome {
            return Style::new();
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_means_no_colour_anywhere() {
        let t = Theme::pick(ThemeName::Light, true);
        for style in
            [t.border, t.border_focused, t.selected, t.error, t.ok, t.warn, t.key, t.state(&ContainerState::Running)]
        {
            assert_eq!((style.fg, style.bg), (None, None), "{style:?}");
        }
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
        assert_ne!(Theme::pick(ThemeName::Light, false).key, Theme::pick(ThemeName::Dark, false).key);
    }
}
