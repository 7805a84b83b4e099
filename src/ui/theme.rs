//! Colours: a dark theme (the default), a light one, and none at all when `NO_COLOR`
//! is set (then attributes alone mark selection and focus).

pub use crate::config::ThemeName;
use ratatui::style::{Color, Modifier, Style};

use crate::config::ColorSettings;
use crate::model::ContainerState;
use crate::state::Pane;

const STATE_COLORS: [Color; 6] =
    [Color::Green, Color::Yellow, Color::Cyan, Color::DarkGray, Color::Red, Color::Magenta];

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
    /// Container state colours: running, paused/restarting, created, exited,
    /// dead/removing, anything else.
    pub states: [Style; 6],
    /// A pane's own border colour when it has focus (else `border_focused`).
    pub pane_focus: Vec<(Pane, Style)>,
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
            states: STATE_COLORS.map(|c| Style::new().fg(c)),
            pane_focus: Vec::new(),
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
            states: [plain; 6],
            pane_focus: Vec::new(),
        }
    }

    pub fn state(&self, state: &ContainerState) -> Style {
        self.states[match state {
            ContainerState::Running => 0,
            ContainerState::Paused | ContainerState::Restarting => 1,
            ContainerState::Created => 2,
            ContainerState::Exited => 3,
            ContainerState::Dead | ContainerState::Removing => 4,
            ContainerState::Other(_) => 5,
        }]
    }

    /// A pane's border: its own colour when focused, if the user set one.
    pub fn border_of(&self, pane: Pane, focused: bool) -> Style {
        if !focused {
            return self.border;
        }
        self.pane_focus.iter().find(|(p, _)| *p == pane).map_or(self.border_focused, |(_, s)| *s)
    }

    /// The user's `[ui.colors]` over the theme. Nothing changes without colours
    /// (`NO_COLOR` wins), and a colour that does not parse (checked when the config
    /// loaded) is skipped.
    pub fn with_colors(mut self, colors: &ColorSettings) -> Self {
        if self.monochrome {
            return self;
        }
        for (name, text) in colors.entries() {
            let Ok(color) = ColorSettings::parse_color(text) else { continue };
            let fg = |style: &mut Style| *style = style.fg(color);
            match name {
                "border" => fg(&mut self.border),
                "border_focused" => fg(&mut self.border_focused),
                "title" => fg(&mut self.title),
                "header" => fg(&mut self.header),
                "selected_fg" => fg(&mut self.selected),
                "selected_bg" => self.selected = self.selected.bg(color),
                "dim" => fg(&mut self.dim),
                "error" => fg(&mut self.error),
                "ok" => fg(&mut self.ok),
                "warn" => fg(&mut self.warn),
                "key" => fg(&mut self.key),
                "running" => fg(&mut self.states[0]),
                "paused" => fg(&mut self.states[1]),
                "created" => fg(&mut self.states[2]),
                "exited" => fg(&mut self.states[3]),
                "dead" => fg(&mut self.states[4]),
                "other_state" => fg(&mut self.states[5]),
                pane => {
                    let pane = match pane {
                        "containers" => Pane::Containers,
                        "images" => Pane::Images,
                        "ports" => Pane::Ports,
                        "env" => Pane::Env,
                        "logs" => Pane::Logs,
                        "console" => Pane::Console,
                        _ => Pane::Hosts,
                    };
                    self.pane_focus.push((pane, self.border_focused.fg(color)));
                }
            }
        }
        self
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
