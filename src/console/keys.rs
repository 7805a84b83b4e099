//! Keys to the bytes a terminal sends for them: what the container's shell receives
//! while the console has focus. One function, tested per key class.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Terminal modes that change what some keys send (read from the emulator's screen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputModes {
    /// DECCKM: arrows send `ESC O A` instead of `ESC [ A` (vi, less and top set it).
    pub application_cursor: bool,
    /// Pastes are wrapped in `ESC [200~` ... `ESC [201~`.
    pub bracketed_paste: bool,
}

/// The bytes for a key, or nothing for keys a terminal does not send.
pub fn key_to_bytes(key: &KeyEvent, modes: InputModes) -> Vec<u8> {
    let m = key.modifiers;
    let ctrl = m.contains(KeyModifiers::CONTROL);
    let alt = m.contains(KeyModifiers::ALT);
    let shift = m.contains(KeyModifiers::SHIFT);
    // xterm's modifier parameter: 1 + shift + 2*alt + 4*ctrl.
    let modifier = 1 + u8::from(shift) + 2 * u8::from(alt) + 4 * u8::from(ctrl);
    let mut out = Vec::new();
    match key.code {
        KeyCode::Char(c) => {
            if alt {
                out.push(0x1b);
            }
            if ctrl {
                match ctrl_byte(c) {
                    Some(b) => out.push(b),
                    None => push_char(&mut out, c),
                }
            } else {
                push_char(&mut out, c);
            }
        }
        KeyCode::Enter => {
            if alt {
                out.push(0x1b);
            }
            out.push(b'\r');
        }
        KeyCode::Tab => out.push(b'\t'),
        KeyCode::BackTab => out.extend_from_slice(b"\x1b[Z"),
        KeyCode::Backspace => {
            if alt {
                out.push(0x1b);
            }
            // DEL, as xterm and the Linux console send; Ctrl-Backspace sends BS.
            out.push(if ctrl { 0x08 } else { 0x7f });
        }
        KeyCode::Esc => out.push(0x1b),
        KeyCode::Up => cursor(&mut out, b'A', modifier, modes),
        KeyCode::Down => cursor(&mut out, b'B', modifier, modes),
        KeyCode::Right => cursor(&mut out, b'C', modifier, modes),
        KeyCode::Left => cursor(&mut out, b'D', modifier, modes),
        KeyCode::Home => cursor(&mut out, b'H', modifier, modes),
        KeyCode::End => cursor(&mut out, b'F', modifier, modes),
        KeyCode::Insert => tilde(&mut out, 2, modifier),
        KeyCode::Delete => tilde(&mut out, 3, modifier),
        KeyCode::PageUp => tilde(&mut out, 5, modifier),
        KeyCode::PageDown => tilde(&mut out, 6, modifier),
        KeyCode::F(n @ 1..=4) => {
            let letter = b"PQRS"[usize::from(n - 1)];
            if modifier > 1 {
                out.extend_from_slice(format!("\x1b[1;{modifier}").as_bytes());
                out.push(letter);
            } else {
                out.extend_from_slice(&[0x1b, b'O', letter]);
            }
        }
        KeyCode::F(n @ 5..=12) => {
            let code = [15, 17, 18, 19, 20, 21, 23, 24][usize::from(n - 5)];
            tilde(&mut out, code, modifier);
        }
        _ => {}
    }
    out
}

/// Text pasted into the console, bracketed when the program asked for it. Any bracket
/// end marker inside the text is removed, so a paste cannot end itself early.
pub fn paste_to_bytes(text: &str, modes: InputModes) -> Vec<u8> {
    let text = text.replace("\r\n", "\r").replace('\n', "\r");
    if modes.bracketed_paste {
        // No escape character at all inside: nested or split end markers cannot
        // rebuild one, so a paste can never end itself early.
        let clean: String = text.chars().filter(|c| *c != '\x1b').collect();
        let mut out = b"\x1b[200~".to_vec();
        out.extend_from_slice(clean.as_bytes());
        out.extend_from_slice(b"\x1b[201~");
        out
    } else {
        text.into_bytes()
    }
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Ctrl-letter and the other control characters a keyboard can type.
pub fn ctrl_byte(c: char) -> Option<u8> {
    match c {
        'a'..='z' => Some(c as u8 - b'a' + 1),
        'A'..='Z' => Some(c as u8 - b'A' + 1),
        ' ' | '@' | '2' => Some(0),
        '[' | '3' => Some(0x1b),
        '\\' | '4' => Some(0x1c),
        ']' | '5' => Some(0x1d),
        '^' | '6' => Some(0x1e),
        '_' | '7' | '/' => Some(0x1f),
        '8' | '?' => Some(0x7f),
        _ => None,
    }
}

fn cursor(out: &mut Vec<u8>, letter: u8, modifier: u8, modes: InputModes) {
    if modifier > 1 {
        out.extend_from_slice(format!("\x1b[1;{modifier}").as_bytes());
        out.push(letter);
    } else if modes.application_cursor {
        out.extend_from_slice(&[0x1b, b'O', letter]);
    } else {
        out.extend_from_slice(&[0x1b, b'[', letter]);
    }
}

fn tilde(out: &mut Vec<u8>, code: u8, modifier: u8) {
    if modifier > 1 {
        out.extend_from_slice(format!("\x1b[{code};{modifier}~").as_bytes());
    } else {
        out.extend_from_slice(format!("\x1b[{code}~").as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(code: KeyCode, modifiers: KeyModifiers) -> Vec<u8> {
        key_to_bytes(&KeyEvent::new(code, modifiers), InputModes::default())
    }

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;
    const ALT: KeyModifiers = KeyModifiers::ALT;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

    #[test]
    fn printable_text_is_utf8() {
        assert_eq!(bytes(KeyCode::Char('a'), NONE), b"a");
        assert_eq!(bytes(KeyCode::Char('A'), SHIFT), b"A");
        assert_eq!(bytes(KeyCode::Char('é'), NONE), "é".as_bytes());
        assert_eq!(bytes(KeyCode::Char('日'), NONE), "日".as_bytes());
    }

    #[test]
    fn editing_keys() {
        assert_eq!(bytes(KeyCode::Enter, NONE), b"\r");
        assert_eq!(bytes(KeyCode::Backspace, NONE), b"\x7f");
        assert_eq!(bytes(KeyCode::Backspace, CTRL), b"\x08");
        assert_eq!(bytes(KeyCode::Tab, NONE), b"\t");
        assert_eq!(bytes(KeyCode::BackTab, SHIFT), b"\x1b[Z");
        assert_eq!(bytes(KeyCode::Esc, NONE), b"\x1b");
        assert_eq!(bytes(KeyCode::Delete, NONE), b"\x1b[3~");
        assert_eq!(bytes(KeyCode::Insert, NONE), b"\x1b[2~");
    }

    #[test]
    fn control_letters_and_symbols() {
        assert_eq!(bytes(KeyCode::Char('c'), CTRL), b"\x03", "Ctrl-C interrupts in the container");
        assert_eq!(bytes(KeyCode::Char('d'), CTRL), b"\x04");
        assert_eq!(bytes(KeyCode::Char('z'), CTRL), b"\x1a");
        assert_eq!(bytes(KeyCode::Char('a'), CTRL), b"\x01");
        assert_eq!(bytes(KeyCode::Char(' '), CTRL), b"\x00");
        assert_eq!(bytes(KeyCode::Char('\\'), CTRL), b"\x1c");
        assert_eq!(bytes(KeyCode::Char(']'), CTRL), b"\x1d");
        assert_eq!(bytes(KeyCode::Char('_'), CTRL), b"\x1f");
    }

    #[test]
    fn alt_prefixes_escape() {
        assert_eq!(bytes(KeyCode::Char('b'), ALT), b"\x1bb");
        assert_eq!(bytes(KeyCode::Char('x'), ALT | CTRL), b"\x1b\x18");
        assert_eq!(bytes(KeyCode::Enter, ALT), b"\x1b\r");
        assert_eq!(bytes(KeyCode::Backspace, ALT), b"\x1b\x7f");
    }

    #[test]
    fn arrows_home_end_in_both_cursor_modes() {
        assert_eq!(bytes(KeyCode::Up, NONE), b"\x1b[A");
        assert_eq!(bytes(KeyCode::Down, NONE), b"\x1b[B");
        assert_eq!(bytes(KeyCode::Right, NONE), b"\x1b[C");
        assert_eq!(bytes(KeyCode::Left, NONE), b"\x1b[D");
        assert_eq!(bytes(KeyCode::Home, NONE), b"\x1b[H");
        assert_eq!(bytes(KeyCode::End, NONE), b"\x1b[F");
        let app = InputModes { application_cursor: true, ..Default::default() };
        assert_eq!(key_to_bytes(&KeyEvent::new(KeyCode::Up, NONE), app), b"\x1bOA");
        assert_eq!(key_to_bytes(&KeyEvent::new(KeyCode::End, NONE), app), b"\x1bOF");
        assert_eq!(bytes(KeyCode::Right, CTRL), b"\x1b[1;5C", "modifiers win over the mode");
        assert_eq!(bytes(KeyCode::Up, SHIFT | ALT), b"\x1b[1;4A");
    }

    #[test]
    fn paging_and_function_keys() {
        assert_eq!(bytes(KeyCode::PageUp, NONE), b"\x1b[5~");
        assert_eq!(bytes(KeyCode::PageDown, NONE), b"\x1b[6~");
        assert_eq!(bytes(KeyCode::PageDown, CTRL), b"\x1b[6;5~");
        let f: Vec<Vec<u8>> = (1..=12).map(|n| bytes(KeyCode::F(n), NONE)).collect();
        let expected: [&[u8]; 12] = [
            b"\x1bOP",
            b"\x1bOQ",
            b"\x1bOR",
            b"\x1bOS",
            b"\x1b[15~",
            b"\x1b[17~",
            b"\x1b[18~",
            b"\x1b[19~",
            b"\x1b[20~",
            b"\x1b[21~",
            b"\x1b[23~",
            b"\x1b[24~",
        ];
        for (n, (got, want)) in f.iter().zip(expected).enumerate() {
            assert_eq!(got.as_slice(), want, "F{}", n + 1);
        }
        assert_eq!(bytes(KeyCode::F(1), SHIFT), b"\x1b[1;2P");
        assert_eq!(bytes(KeyCode::F(5), CTRL), b"\x1b[15;5~");
    }

    #[test]
    fn pastes_are_bracketed_when_asked_and_cannot_break_out() {
        let plain = InputModes::default();
        assert_eq!(paste_to_bytes("a\nb", plain), b"a\rb");
        let bracketed = InputModes { bracketed_paste: true, ..Default::default() };
        assert_eq!(paste_to_bytes("x\x1b[201~rm -rf /\n", bracketed), b"\x1b[200~x[201~rm -rf /\r\x1b[201~");
        let nested = paste_to_bytes("a\x1b[20\x1b[201~1~b", bracketed);
        assert_eq!(nested.iter().filter(|b| **b == 0x1b).count(), 2, "only wharf's own markers: {nested:?}");
    }
}
