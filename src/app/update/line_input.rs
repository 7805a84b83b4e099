//! Editing a one-line input (filters, searches, the pull and command prompts): one
//! set of keys for all of them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Applies an editing key: Backspace, Ctrl-U (clear), or a printable character.
/// Other keys (Enter, Esc, ...) are the caller's; they leave the text as it is.
pub fn edit_line(input: &mut String, key: &KeyEvent) {
    match key.code {
        KeyCode::Backspace => {
            input.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => input.clear(),
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => input.push(c),
        _ => {}
    }
}
