//! From a decoded line to what the log pane stores: text made safe by the one sanitiser,
//! SGR colours kept as style runs over that text, the daemon's timestamp split off.

use ratatui::style::{Color, Modifier, Style};

use super::decode::{RawLine, StreamKind};
use crate::text::{Token, walk};

/// A stretch of a line's text (byte offsets) drawn in one style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StyleRun {
    pub start: u32,
    pub end: u32,
    pub style: Style,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub stream: StreamKind,
    /// Which container it came from, for merged logs (an index into the view's sources).
    pub source: u8,
    /// The daemon's RFC 3339 timestamp, when asked for.
    pub timestamp: Option<Box<str>>,
    /// Printable text only: no escape sequence or control character survives.
    pub text: String,
    /// Colours from the line's SGR sequences; empty for plain lines.
    pub runs: Vec<StyleRun>,
    /// Bytes cut off a line longer than the cap.
    pub cut: usize,
}

/// Styles and sanitises one decoded line. With `timestamps`, the daemon put an RFC 3339
/// timestamp and a space in front of it: split that off.
pub fn style_line(raw: RawLine, source: u8, timestamps: bool) -> LogLine {
    let (timestamp, body) = if timestamps { split_timestamp(&raw.text) } else { (None, raw.text.as_str()) };
    // Most lines are printable ASCII: nothing to remove, no colour, no tab. They are
    // kept as they are, without walking them a character at a time (`walked` would
    // hand back the same text; a test checks it).
    let (text, runs) = if is_plain(body) {
        let text = match timestamp {
            Some(_) => body.to_string(),
            None => raw.text,
        };
        (text, Vec::new())
    } else {
        walked(body)
    };
    LogLine { stream: raw.stream, source, timestamp: timestamp.map(Into::into), text, runs, cut: raw.cut }
}

/// Printable ASCII only (no control character, no escape, no tab, nothing wide).
fn is_plain(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// The sanitised text of a line and its colours as style runs over it.
fn walked(body: &str) -> (String, Vec<StyleRun>) {
    let mut text = String::with_capacity(body.len());
    let mut runs: Vec<StyleRun> = Vec::new();
    let mut style = Style::default();
    let mut run_start = 0usize;
    walk(body, |token| match token {
        Token::Char(c) => text.push(c),
        // Tabs to spaces (a tab's width depends on the column, and cells need one char);
        // line breaks cannot occur here.
        Token::Layout(_) => text.push_str("    "),
        Token::Sgr(params) => {
            let next = apply_sgr(style, params);
            if next != style {
                push_run(&mut runs, run_start, text.len(), style);
                run_start = text.len();
                style = next;
            }
        }
    });
    push_run(&mut runs, run_start, text.len(), style);
    (text, runs)
}

fn push_run(runs: &mut Vec<StyleRun>, start: usize, end: usize, style: Style) {
    if end > start && style != Style::default() {
        runs.push(StyleRun { start: start as u32, end: end as u32, style });
    }
}

/// `2024-05-01T10:00:00.123456789Z rest` -> (timestamp, rest).
fn split_timestamp(line: &str) -> (Option<String>, &str) {
    match line.split_once(' ') {
        Some((first, rest))
            if first.len() >= 20
                && first.as_bytes()[4] == b'-'
                && first.as_bytes()[10] == b'T'
                && first.bytes().all(|b| b.is_ascii_digit() || b"-:.TZ+".contains(&b)) =>
        {
            (Some(first.to_string()), rest)
        }
        _ => (None, line),
    }
}

/// Applies SGR parameters (`1;31`, `38;5;208`, `38;2;255;0;0`, empty = reset).
pub fn apply_sgr(mut style: Style, params: &str) -> Style {
    if params.is_empty() {
        return Style::default();
    }
    let mut values = params.split([';', ':']).map(|p| p.parse::<u16>().unwrap_or(0));
    while let Some(code) = values.next() {
        style = match code {
            0 => Style::default(),
            1 => style.add_modifier(Modifier::BOLD),
            2 => style.add_modifier(Modifier::DIM),
            3 => style.add_modifier(Modifier::ITALIC),
            4 => style.add_modifier(Modifier::UNDERLINED),
            7 => style.add_modifier(Modifier::REVERSED),
            9 => style.add_modifier(Modifier::CROSSED_OUT),
            22 => style.remove_modifier(Modifier::BOLD | Modifier::DIM),
            23 => style.remove_modifier(Modifier::ITALIC),
            24 => style.remove_modifier(Modifier::UNDERLINED),
            27 => style.remove_modifier(Modifier::REVERSED),
            29 => style.remove_modifier(Modifier::CROSSED_OUT),
            30..=37 => style.fg(Color::Indexed((code - 30) as u8)),
            39 => style.fg(Color::Reset),
            40..=47 => style.bg(Color::Indexed((code - 40) as u8)),
            49 => style.bg(Color::Reset),
            90..=97 => style.fg(Color::Indexed((code - 90 + 8) as u8)),
            100..=107 => style.bg(Color::Indexed((code - 100 + 8) as u8)),
            38 | 48 => {
                let color = match values.next() {
                    Some(5) => values.next().map(|n| Color::Indexed(n.min(255) as u8)),
                    Some(2) => {
                        let mut c = || values.next().unwrap_or(0).min(255) as u8;
                        Some(Color::Rgb(c(), c(), c()))
                    }
                    _ => None,
                };
                match (code, color) {
                    (38, Some(c)) => style.fg(c),
                    (48, Some(c)) => style.bg(c),
                    _ => style,
                }
            }
            _ => style,
        };
    }
    style
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> LogLine {
        style_line(RawLine { stream: StreamKind::Stdout, text: text.into(), cut: 0 }, 0, false)
    }

    /// The shortcut for plain lines gives what walking them gives, with and without a
    /// timestamp; anything else (a tab, an escape, a control, non-ASCII) is walked.
    #[test]
    fn plain_lines_take_the_shortcut_and_come_out_the_same() {
        let plain = ["", "x", "plain text 123 ~!@#$%^&*()_+{}|:<>?", " leading and trailing "];
        for text in plain {
            assert!(is_plain(text), "{text:?}");
            let walked_text = walked(text);
            assert_eq!(line(text).text, walked_text.0);
            assert!(walked_text.1.is_empty());
            let stamped = format!("2024-05-01T10:00:00.123456789Z {text}");
            let l = style_line(RawLine { stream: StreamKind::Stderr, text: stamped, cut: 3 }, 2, true);
            assert_eq!((l.text.as_str(), l.timestamp.as_deref()), (text, Some("2024-05-01T10:00:00.123456789Z")));
            assert_eq!((l.stream, l.source, l.cut, l.runs.len()), (StreamKind::Stderr, 2, 3, 0));
        }
        for text in ["a\tb", "a\x1b[31mb", "a\x7fb", "a\u{85}b", "é", "a\x07b", "\u{202e}x"] {
            assert!(!is_plain(text), "{text:?}");
            assert_eq!(line(text).text, walked(text).0);
        }
        assert_eq!(line("a\tb").text, "a    b");
        assert_eq!(line("a\x7fb").text, "ab");
    }

    #[test]
    fn colours_become_runs_over_clean_text() {
        let l = line("plain \x1b[1;31mred bold\x1b[0m and \x1b[38;5;208morange\x1b[m.");
        assert_eq!(l.text, "plain red bold and orange.");
        assert_eq!(l.runs.len(), 2);
        assert_eq!(&l.text[l.runs[0].start as usize..l.runs[0].end as usize], "red bold");
        assert_eq!(l.runs[0].style, Style::default().fg(Color::Indexed(1)).add_modifier(Modifier::BOLD));
        assert_eq!(l.runs[1].style.fg, Some(Color::Indexed(208)));
        let rgb = line("\x1b[38;2;1;2;3mx");
        assert_eq!(rgb.runs[0].style.fg, Some(Color::Rgb(1, 2, 3)));
    }

    #[test]
    fn hostile_sequences_leave_nothing_behind() {
        for hostile in [
            "\x1b]0;title\x07",
            "\x1b]2;title\x1b\\",
            "\x1b]52;c;aGVsbG8=\x07",
            "\x1bP+q544e\x1b\\",
            "\x1b[6n",
            "\x1b[c",
            "\x1b[2J\x1b[H",
            "\x1b[10;20H",
            "\x1b[?1049h",
            "\x1b[?1000h",
            "\u{9b}6n",
            "\u{9d}0;x\u{9c}",
            "\u{85}",
            "\x07",
        ] {
            let l = line(&format!("a{hostile}b"));
            assert_eq!(l.text, "ab", "{hostile:?}");
            assert!(l.runs.is_empty(), "{hostile:?}");
        }
    }

    #[test]
    fn timestamps_are_split_off_when_asked_for() {
        let raw =
            RawLine { stream: StreamKind::Stderr, text: "2024-05-01T10:00:00.123456789Z hello world".into(), cut: 0 };
        let l = style_line(raw, 3, true);
        assert_eq!(l.timestamp.as_deref(), Some("2024-05-01T10:00:00.123456789Z"));
        assert_eq!((l.text.as_str(), l.source, l.stream), ("hello world", 3, StreamKind::Stderr));
        let l = style_line(RawLine { stream: StreamKind::Stdout, text: "no stamp here".into(), cut: 0 }, 0, true);
        assert_eq!((l.timestamp, l.text.as_str()), (None, "no stamp here"));
    }
}
