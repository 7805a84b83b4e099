//! One sanitiser for every daemon string (see `../shared/HOSTILE.md`).
//!
//! The terminal must never see a byte a container chose: OSC (title, clipboard), DCS,
//! APC/PM/SOS, CSI other than colours, BEL and C1 controls are all removed here. SGR
//! (colour) sequences are reported to the caller as tokens so the log pane can turn them
//! into ratatui styles; plain-text callers drop them. Relying on the renderer is not
//! enough: ratatui drops the ESC byte of a sequence but draws the rest of it.

/// What `walk` finds in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    /// A printable character (never a control character).
    Char(char),
    /// A line break or tab the caller may want to keep: `\n`, `\r` or `\t`.
    Layout(char),
    /// The parameters of an SGR sequence (`ESC [ <params> m`), e.g. `"1;31"`.
    Sgr(&'a str),
}

/// Longest single-line string wharf keeps from the daemon (names, labels, env values).
/// Longer values are cut with a marker; nobody reads a megabyte-long label on screen.
const MAX_FIELD_CHARS: usize = 4096;

/// Walks `input`, calling `visit` for every printable character, layout character and
/// SGR sequence. Everything else (escape sequences, C0/C1 controls, bidi overrides) is
/// swallowed whole, including its parameters and string payload.
pub fn walk<'a>(input: &'a str, mut visit: impl FnMut(Token<'a>)) {
    let mut chars = input.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some((_, '[')) => {
                    let params_start = start + 2;
                    if let Some((end, final_byte)) = skip_csi(&mut chars)
                        && final_byte == 'm'
                    {
                        visit(Token::Sgr(&input[params_start..end]));
                    }
                }
                Some((_, ']' | 'P' | 'X' | '^' | '_')) => skip_string(&mut chars),
                // ESC followed by intermediates (0x20-0x2F) and one final byte: nF/Fp/Fe/Fs
                // escapes such as `ESC ( B` or `ESC 7`. Swallow the whole sequence.
                Some((_, ' '..='/')) => {
                    for (_, c) in chars.by_ref() {
                        if !(' '..='/').contains(&c) {
                            break;
                        }
                    }
                }
                _ => {}
            },
            // C1 introducers that carry a payload, in their 8-bit (UTF-8 encoded) form.
            '\u{9b}' => {
                let params_start = start + c.len_utf8();
                if let Some((end, 'm')) = skip_csi(&mut chars) {
                    visit(Token::Sgr(&input[params_start..end]));
                }
            }
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' | '\r' | '\t' => visit(Token::Layout(c)),
            c if c.is_control() => {}
            // Bidi embeddings, overrides and isolates reorder what follows them on screen;
            // a container name must read the way it is stored.
            // Zero-width characters and bidi marks make two different names look alike.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' => {}
            c => visit(Token::Char(c)),
        }
    }
}

/// Skips a CSI sequence's parameter and intermediate bytes and its final byte. Returns
/// the byte offset where the final byte starts and the final byte, or `None` when the
/// string ends (or an unexpected character breaks the sequence) first.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Option<(usize, char)> {
    while let Some(&(at, c)) = chars.peek() {
        match c {
            '\u{30}'..='\u{3f}' | '\u{20}'..='\u{2f}' => {
                chars.next();
            }
            '\u{40}'..='\u{7e}' => {
                chars.next();
                return Some((at, c));
            }
            // Not a valid CSI byte: the sequence is broken. Stop here and let the caller
            // treat this character normally (it may be the start of the next sequence).
            _ => return None,
        }
    }
    None
}

/// Skips a string payload (OSC, DCS, SOS, PM, APC) up to and including its terminator:
/// BEL, `ESC \` or the 8-bit ST. An unterminated payload swallows the rest of the input,
/// which is what a terminal would do too.
fn skip_string(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) {
    while let Some((_, c)) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if let Some(&(_, '\\')) = chars.peek() {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

/// A daemon string made safe for a single line of the dashboard: escape sequences and
/// controls removed, line breaks and tabs turned into spaces, length capped.
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len().min(MAX_FIELD_CHARS));
    let mut count = 0usize;
    let mut cut = false;
    walk(input, |token| {
        if count >= MAX_FIELD_CHARS {
            cut = true;
            return;
        }
        match token {
            Token::Char(c) => out.push(c),
            Token::Layout(_) => out.push(' '),
            Token::Sgr(_) => return,
        }
        count += 1;
    });
    if cut {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_sequences_are_removed() {
        let cases: &[(&str, &str)] = &[
            ("plain", "plain"),
            ("a\x1b]2;pwned\x07b", "ab"),
            ("a\x1b]0;pwned\x1b\\b", "ab"),
            ("a\x1b]52;c;aGVsbG8=\x07b", "ab"),
            ("a\x1bP1$r0m\x1b\\b", "ab"),
            ("a\x1b_apc\x1b\\b\x1b^pm\x07c\x1bXsos\x07d", "abcd"),
            ("a\x1b[6nb\x1b[cc", "abc"),
            ("a\x1b[2J\x1b[H\x1b[10;20Hb", "ab"),
            ("a\x1b[?1049h\x1b[?1000hb", "ab"),
            ("bell\x07", "bell"),
            ("a\u{9b}6nb\u{9d}2;t\u{9c}c\u{85}d", "abcd"),
            ("a\x1b(Bb\x1b7c", "abc"),
            ("tab\there", "tab here"),
            ("line\r\nbreak", "line  break"),
            ("\u{202e}evil", "evil"),
            ("zero\u{200b}width\u{feff}", "zerowidth"),
            ("\x1b[31mred\x1b[0m", "red"),
            ("unterminated\x1b]2;title", "unterminated"),
            ("trailing\x1b", "trailing"),
            ("日本語 🐳", "日本語 🐳"),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize(input), *expected, "input {input:?}");
        }
    }

    #[test]
    fn sgr_is_reported_as_a_token() {
        let mut tokens = Vec::new();
        walk("\x1b[1;31mX\x1b[m", |t| tokens.push(t));
        assert_eq!(tokens, vec![Token::Sgr("1;31"), Token::Char('X'), Token::Sgr("")]);
    }

    #[test]
    fn long_fields_are_capped_with_a_marker() {
        let long = "x".repeat(MAX_FIELD_CHARS * 3);
        let out = sanitize(&long);
        assert_eq!(out.chars().count(), MAX_FIELD_CHARS + 1);
        assert!(out.ends_with('…'));
    }
}
