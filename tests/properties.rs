//! Property tests: whatever the input, the parsers, the log decoder, the sanitiser and
//! the key mapping never panic, the sanitiser never lets an escape or C1 control
//! through, and decoding does not depend on how the input was split into frames.

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use wharf::console::{InputModes, key_to_bytes, paste_to_bytes};
use wharf::launch::{parse_container_name, parse_env_line, parse_image_ref, parse_port_spec, parse_volume_spec};
use wharf::logs::{LogDecoder, style_line};
use wharf::text::sanitize;

/// Strings rich in the characters that matter: escapes, controls, C1, digits, colons.
fn nasty() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just('\u{1b}'),
            Just('\u{7}'),
            Just('\u{9b}'),
            Just('\u{9d}'),
            Just('\u{85}'),
            Just('['),
            Just(']'),
            Just(';'),
            Just(':'),
            Just('-'),
            Just('/'),
            Just('='),
            Just('\\'),
            Just('\n'),
            Just('\r'),
            any::<char>(),
            proptest::char::range('0', '9'),
            proptest::char::range('a', 'z'),
        ],
        0..64,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn frames(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, chunk) in payload.chunks(7).enumerate() {
        out.extend_from_slice(&[if i % 3 == 0 { 2 } else { 1 }, 0, 0, 0]);
        out.extend_from_slice(&(chunk.len() as u32).to_be_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

fn decode(tty: bool, pieces: &[&[u8]]) -> Vec<(String, usize)> {
    let mut d = LogDecoder::with_max_line(tty, 40);
    let mut out = Vec::new();
    for p in pieces {
        d.feed(p, &mut out);
    }
    d.finish(&mut out);
    out.into_iter().map(|l| (l.text, l.cut)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn parsers_never_panic(text in nasty()) {
        let _ = parse_port_spec(&text, "127.0.0.1");
        let _ = parse_env_line(&text, |_| None);
        let _ = parse_container_name(&text);
        let _ = parse_image_ref(&text);
        let _ = parse_volume_spec(&text);
    }

    #[test]
    fn valid_ports_stay_in_range(host in 0u32..70_000, container in 0u32..70_000) {
        if let Ok(bindings) = parse_port_spec(&format!("{host}:{container}"), "") {
            prop_assert!((1..=65_535).contains(&container));
            prop_assert!(host <= 65_535);
            prop_assert_eq!(bindings.len(), 1);
        }
    }

    #[test]
    fn sanitised_text_has_no_escape_or_control(text in nasty()) {
        let clean = sanitize(&text);
        prop_assert!(!clean.chars().any(|c| c.is_control()), "{:?} -> {:?}", text, clean);
        let styled = style_line(wharf::logs::RawLine { stream: wharf::logs::StreamKind::Stdout, text, cut: 0 }, 0, false);
        prop_assert!(!styled.text.chars().any(|c| c.is_control()));
        for run in &styled.runs {
            prop_assert!(run.start <= run.end && (run.end as usize) <= styled.text.len());
            prop_assert!(styled.text.is_char_boundary(run.start as usize) && styled.text.is_char_boundary(run.end as usize));
        }
    }

    #[test]
    fn decoding_does_not_depend_on_the_split(payload in proptest::collection::vec(any::<u8>(), 0..200), cuts in proptest::collection::vec(0usize..400, 0..6), tty in any::<bool>()) {
        let bytes = if tty { payload.clone() } else { frames(&payload) };
        let whole = decode(tty, &[&bytes]);
        let mut points: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
        points.sort_unstable();
        let mut pieces = Vec::new();
        let mut last = 0;
        for p in points {
            pieces.push(&bytes[last..p]);
            last = p;
        }
        pieces.push(&bytes[last..]);
        prop_assert_eq!(decode(tty, &pieces), whole);
    }

    #[test]
    fn keys_and_pastes_never_panic_and_pastes_stay_inside(c in any::<char>(), m in 0u8..16, f in 0u8..30, text in nasty(), app in any::<bool>(), bracketed in any::<bool>()) {
        let modifiers = KeyModifiers::from_bits_truncate(m);
        let modes = InputModes { application_cursor: app, bracketed_paste: bracketed };
        for code in [KeyCode::Char(c), KeyCode::F(f), KeyCode::Up, KeyCode::Home, KeyCode::PageDown, KeyCode::Enter, KeyCode::Backspace] {
            let _ = key_to_bytes(&KeyEvent::new(code, modifiers), modes);
        }
        let pasted = paste_to_bytes(&text, modes);
        if bracketed {
            let inner = &pasted[6..pasted.len() - 6];
            prop_assert!(!inner.contains(&0x1b), "an escape inside a bracketed paste");
        }
    }
}
