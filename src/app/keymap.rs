//! Keys to actions. One table holds the default bindings; the help overlay is drawn from
//! the same table, so it always shows the bindings in force.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Everything a key can ask the dashboard to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    NextPane,
    PrevPane,
    FocusContainers,
    FocusImages,
    FocusPorts,
    FocusEnv,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Filter,
    Help,
    ToggleAll,
    RevealSecrets,
    Refresh,
}

impl Action {
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::FocusContainers => "containers",
            Action::FocusImages => "images",
            Action::FocusPorts => "ports of the selected container",
            Action::FocusEnv => "env of the selected container",
            Action::Up => "up",
            Action::Down => "down",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Filter => "filter by name or image",
            Action::Help => "this help",
            Action::ToggleAll => "all / running containers",
            Action::RevealSecrets => "show / mask secret env values",
            Action::Refresh => "refresh now",
        }
    }
}

/// A key with its modifiers, as the user writes it: `q`, `ctrl-c`, `shift-tab`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyBinding {
    const fn plain(code: KeyCode) -> Self {
        Self { code, modifiers: KeyModifiers::NONE }
    }

    const fn ctrl(c: char) -> Self {
        Self { code: KeyCode::Char(c), modifiers: KeyModifiers::CONTROL }
    }

    /// Normalises a key event so it can be looked up: terminals report Shift-Tab as
    /// BackTab (with or without SHIFT), and shifted letters as the upper-case letter
    /// with SHIFT set.
    pub fn from_event(event: &KeyEvent) -> Self {
        let mut modifiers = event.modifiers;
        let code = match event.code {
            KeyCode::BackTab => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Char(c) => {
                if c.is_ascii_alphabetic() || !c.is_ascii() || c.is_ascii_punctuation() || c.is_ascii_digit() {
                    modifiers.remove(KeyModifiers::SHIFT);
                }
                KeyCode::Char(c)
            }
            other => other,
        };
        Self { code, modifiers }
    }

    pub fn label(&self) -> String {
        let mut out = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            out.push_str("Shift-");
        }
        match self.code {
            KeyCode::Char(' ') => out.push_str("Space"),
            KeyCode::Char(c) => out.push(c),
            KeyCode::BackTab => out.push_str("Shift-Tab"),
            KeyCode::Tab => out.push_str("Tab"),
            KeyCode::Up => out.push('↑'),
            KeyCode::Down => out.push('↓'),
            KeyCode::PageUp => out.push_str("PgUp"),
            KeyCode::PageDown => out.push_str("PgDn"),
            KeyCode::Home => out.push_str("Home"),
            KeyCode::End => out.push_str("End"),
            KeyCode::Enter => out.push_str("Enter"),
            KeyCode::Esc => out.push_str("Esc"),
            KeyCode::F(n) => out.push_str(&format!("F{n}")),
            other => out.push_str(&format!("{other:?}")),
        }
        out
    }
}

/// The dashboard's bindings. Vim-style and arrow keys both work out of the box.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(KeyBinding, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCode::*;
        let p = KeyBinding::plain;
        let c = |ch| p(Char(ch));
        let bindings = vec![
            (c('q'), Action::Quit),
            (KeyBinding::ctrl('c'), Action::Quit),
            (p(Tab), Action::NextPane),
            (p(BackTab), Action::PrevPane),
            (c('1'), Action::FocusContainers),
            (c('2'), Action::FocusImages),
            (c('3'), Action::FocusPorts),
            (c('4'), Action::FocusEnv),
            (c('k'), Action::Up),
            (p(Up), Action::Up),
            (c('j'), Action::Down),
            (p(Down), Action::Down),
            (c('g'), Action::Top),
            (p(Home), Action::Top),
            (c('G'), Action::Bottom),
            (p(End), Action::Bottom),
            (p(PageUp), Action::PageUp),
            (KeyBinding::ctrl('u'), Action::PageUp),
            (p(PageDown), Action::PageDown),
            (KeyBinding::ctrl('d'), Action::PageDown),
            (c('/'), Action::Filter),
            (c('?'), Action::Help),
            (c('a'), Action::ToggleAll),
            (c('s'), Action::RevealSecrets),
            (KeyBinding::ctrl('r'), Action::Refresh),
        ];
        Self { bindings }
    }
}

impl Keymap {
    pub fn action_for(&self, event: &KeyEvent) -> Option<Action> {
        let key = KeyBinding::from_event(event);
        self.bindings.iter().find(|(k, _)| *k == key).map(|(_, a)| *a)
    }

    /// Each action once, with every key bound to it, in table order: the help overlay.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        let mut rows: Vec<(Action, Vec<String>)> = Vec::new();
        for (key, action) in &self.bindings {
            match rows.iter_mut().find(|(a, _)| a == action) {
                Some((_, keys)) => keys.push(key.label()),
                None => rows.push((*action, vec![key.label()])),
            }
        }
        rows.into_iter().map(|(a, keys)| (keys.join(" "), a.describe())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn vim_and_arrow_keys_both_work() {
        let map = Keymap::default();
        assert_eq!(map.action_for(&key(KeyCode::Char('j'), KeyModifiers::NONE)), Some(Action::Down));
        assert_eq!(map.action_for(&key(KeyCode::Down, KeyModifiers::NONE)), Some(Action::Down));
        assert_eq!(map.action_for(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)), Some(Action::Bottom));
        assert_eq!(map.action_for(&key(KeyCode::BackTab, KeyModifiers::SHIFT)), Some(Action::PrevPane));
        assert_eq!(map.action_for(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
        assert_eq!(map.action_for(&key(KeyCode::Char('?'), KeyModifiers::SHIFT)), Some(Action::Help));
        assert_eq!(map.action_for(&key(KeyCode::Char('x'), KeyModifiers::NONE)), None);
    }

    #[test]
    fn help_lists_every_action_once() {
        let rows = Keymap::default().help_rows();
        assert!(rows.contains(&("j ↓".to_string(), "down")));
        assert!(rows.contains(&("q Ctrl-c".to_string(), "quit")));
        let mut descriptions: Vec<_> = rows.iter().map(|r| r.1).collect();
        descriptions.dedup();
        assert_eq!(descriptions.len(), rows.len());
    }
}
