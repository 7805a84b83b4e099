//! The log pane through `update()`: which streams start and stop, what the pane shows
//! of hostile, coloured, flooding and ending output, and the reading keys.

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Harness;
use crossterm::event::KeyCode;
use wharf::app::effect::Effect;
use wharf::app::effect::{Local, Stream};
use wharf::app::msg::Msg;
use wharf::app::msg::Streamed;
use wharf::logs::{LogDecoder, LogLine, style_line};
use wharf::model::{DaemonError, DaemonErrorKind, DaemonEvent, EventKind};
use wharf::state::{Pane, StreamId};

/// A harness with redis selected and its log stream started; returns the stream.
fn on_redis(width: u16, height: u16) -> (Harness, StreamId) {
    let mut h = Harness::new(width, height);
    h.connect_with_fixtures();
    h.select_container("redis");
    let stream = match h.log_effects.iter().rev().find(|e| matches!(e, Effect::Stream(Stream::FollowLogs { .. }))) {
        Some(Effect::Stream(Stream::FollowLogs { stream, tty, tail, since, .. })) => {
            assert!(!tty, "redis runs without a TTY in the fixture");
            assert_eq!((*tail, *since), (1000, None), "the last 1000 lines, never the whole history");
            *stream
        }
        other => panic!("no log stream started: {other:?}"),
    };
    (h, stream)
}

/// Lines as the log task makes them: decoded from a raw (TTY) byte stream, styled.
fn lines(bytes: &[u8]) -> Vec<LogLine> {
    let mut decoder = LogDecoder::new(true);
    let mut raw = Vec::new();
    decoder.feed(bytes, &mut raw);
    decoder.finish(&mut raw);
    raw.into_iter().map(|r| style_line(r, 0, false)).collect()
}

#[test]
fn the_pane_follows_the_selection_and_stops_the_old_stream() {
    let (mut h, first) = on_redis(100, 30);
    h.log_effects.clear();
    let effects = h.char('k');
    assert!(effects.contains(&Effect::Stream(Stream::StopLogs { stream: first })), "{effects:?}");
    h.answer(effects);
    assert!(
        h.log_effects
            .iter()
            .any(|e| matches!(e, Effect::Stream(Stream::FollowLogs { stream, .. }) if *stream != first))
    );
    // Lines still arriving on the old stream are dropped.
    h.send(Msg::Stream(Streamed::LogLines { stream: first, lines: lines(b"late line\n") }));
    assert!(h.state.logs.buffer.is_empty());
}

#[test]
fn coloured_hostile_and_stderr_lines_are_shown_safely() {
    let (mut h, stream) = on_redis(100, 30);
    let mut batch = lines(
        b"plain line\n\x1b[32mgreen ok\x1b[0m then plain\n\x1b]2;pwned\x07title attempt\n\x1b]52;c;aGk=\x07clipboard attempt\n\x1b[6n\x1b[2Jquery attempt\n",
    );
    let mut err = lines(b"something failed on stderr\n");
    err[0].stream = wharf::logs::StreamKind::Stderr;
    batch.extend(err);
    h.send(Msg::Stream(Streamed::LogLines { stream, lines: batch }));
    let screen = h.render();
    for bad in ["]2;", "]52;", "[6n", "[2J", "pwned"] {
        assert!(!screen.contains(bad), "{bad:?} reached the screen:\n{screen}");
    }
    assert!(screen.contains("▌ something failed on stderr"), "stderr is marked:\n{screen}");
    let green = &h.state.logs.buffer.get(1).unwrap().runs;
    assert_eq!(green.len(), 1, "one coloured run: {green:?}");
    insta::assert_snapshot!("logs_coloured_and_hostile", screen);
}

#[test]
fn a_flood_stays_bounded_and_says_how_much_it_dropped() {
    let (mut h, stream) = on_redis(100, 30);
    h.state.logs.buffer = wharf::state::LogBuffer::new(100);
    for batch in 0..40 {
        let text: String = (0..256).map(|i| format!("flood {batch}-{i}\n")).collect();
        h.send(Msg::Stream(Streamed::LogLines { stream, lines: lines(text.as_bytes()) }));
    }
    assert_eq!(h.state.logs.buffer.len(), 100);
    assert_eq!(h.state.logs.buffer.dropped, 40 * 256 - 100);
    let screen = h.render();
    assert!(screen.contains("10140 older lines dropped"), "{screen}");
    assert!(screen.contains("flood 39-255"), "following shows the newest line:\n{screen}");
}

#[test]
fn a_stream_that_skipped_ahead_marks_the_place_and_says_so() {
    let (mut h, stream) = on_redis(140, 30);
    h.send(Msg::Stream(Streamed::LogLines { stream, lines: lines(b"read before\n") }));
    h.send(Msg::Stream(Streamed::LogSkippedAhead { stream }));
    h.send(Msg::Stream(Streamed::LogLines { stream, lines: lines(b"the newest\n") }));
    // Another stream's news is not this pane's.
    h.send(Msg::Stream(Streamed::LogSkippedAhead { stream: StreamId(stream.0 + 1000) }));
    let texts: Vec<&str> = h.state.logs.buffer.iter().map(|(_, line)| line.text.as_str()).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert_eq!((texts[0], texts[2]), ("read before", "the newest"));
    assert!(texts[1].contains("wharf skipped ahead"), "the place is marked: {texts:?}");
    let screen = h.render();
    assert!(screen.contains("skipped ahead 1×"), "{screen}");
    assert!(screen.contains("wharf skipped ahead: lines came faster"), "{screen}");
}

#[test]
fn scrolling_pauses_search_highlights_and_g_follows_again() {
    let (mut h, stream) = on_redis(100, 30);
    let text: String =
        (0..200).map(|i| format!("request {i} {}\n", if i % 50 == 7 { "ERROR" } else { "ok" })).collect();
    h.send(Msg::Stream(Streamed::LogLines { stream, lines: lines(text.as_bytes()) }));
    h.char('5');
    assert_eq!(h.state.screen.focus, Pane::Logs);
    h.key(KeyCode::PageUp);
    assert!(!h.state.logs.follow);
    h.send(Msg::Stream(Streamed::LogLines { stream, lines: lines(b"newer line\n") }));
    assert!(!h.render().contains("newer line"), "a paused view does not move");
    h.char('/');
    h.type_text("error");
    h.key(KeyCode::Enter);
    let matched = h.state.logs.search.current.unwrap();
    assert!(h.state.logs.buffer.get(matched).unwrap().text.contains("ERROR"));
    h.char('n');
    assert_ne!(h.state.logs.search.current, Some(matched));
    insta::assert_snapshot!("logs_search_paused", h.render());
    h.char('G');
    assert!(h.state.logs.follow);
    assert!(h.render().contains("newer line"));
}

#[test]
fn filter_shows_only_matching_lines_and_esc_restores() {
    let (mut h, stream) = on_redis(100, 30);
    h.send(Msg::Stream(Streamed::LogLines {
        stream,
        lines: lines(b"GET /a 200\nPOST /b 500\nGET /c 200\nPOST /d 201\n"),
    }));
    h.char('5');
    h.char('f');
    h.type_text("post");
    let screen = h.render();
    assert!(screen.contains("POST /b 500") && screen.contains("POST /d 201"));
    assert!(!screen.contains("GET /a"), "{screen}");
    insta::assert_snapshot!("logs_filter_typing", screen);
    h.key(KeyCode::Esc);
    assert!(h.render().contains("GET /a"));
}

#[test]
fn long_lines_wrap_or_scroll_sideways_and_cut_lines_say_so() {
    let (mut h, stream) = on_redis(80, 24);
    let mut long = lines(format!("start {} end\n", "0123456789".repeat(12)).as_bytes());
    long[0].cut = 70_000;
    h.send(Msg::Stream(Streamed::LogLines { stream, lines: long }));
    h.char('z');
    insta::assert_snapshot!("logs_zoomed_wrapped", h.render());
    h.char('w');
    h.char('l');
    insta::assert_snapshot!("logs_unwrapped_scrolled", h.render());
    assert!(h.render().contains("no wrap (h/l)"));
    // Sideways no further than the longest line (130 characters here).
    for _ in 0..100 {
        h.char('l');
    }
    assert!(h.state.logs.hscroll < 130, "scrolled to {}", h.state.logs.hscroll);
    assert!(h.render().contains("end"), "the end of the longest line stays in view: {}", h.render());
}

#[test]
fn a_stopped_container_resumes_when_it_starts_and_an_unreadable_driver_is_not_retried() {
    let (mut h, stream) = on_redis(100, 30);
    h.send(Msg::Stream(Streamed::LogLines { stream, lines: lines(b"before the stop\n") }));
    h.send(Msg::Stream(Streamed::LogEnded { stream, error: None }));
    assert!(h.render().contains("■ stopped"));
    let redis = h.state.selected_container().unwrap().id.clone();
    let start = Msg::DaemonEvent(DaemonEvent {
        kind: EventKind::Container,
        action: "start".into(),
        id: redis.clone(),
        ..Default::default()
    });
    let effects = h.send(start.clone());
    let resumed = effects.iter().find_map(|e| match e {
        Effect::Stream(Stream::FollowLogs { since, stream, .. }) => Some((*since, *stream)),
        _ => None,
    });
    let (since, new_stream) = resumed.expect("the stream resumes on start");
    assert_eq!(since, Some(h.state.screen.now), "from where it ended");
    assert!(h.state.logs.buffer.get(0).is_some(), "the lines from before are kept");

    let unsupported =
        DaemonError::new(DaemonErrorKind::Unsupported, "configured logging driver does not support reading");
    h.send(Msg::Stream(Streamed::LogEnded { stream: new_stream, error: Some(unsupported) }));
    let effects = h.send(start);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Stream(Stream::FollowLogs { .. }))),
        "not retried: {effects:?}"
    );
    h.state.logs.buffer.clear();
    assert!(h.render().contains("logging driver cannot be read"), "{}", h.render());
}

#[test]
fn timestamps_and_since_ask_the_daemon_again() {
    let (mut h, stream) = on_redis(100, 30);
    h.char('5');
    let effects = h.char('t');
    assert!(effects.contains(&Effect::Stream(Stream::StopLogs { stream })));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Stream(Stream::FollowLogs { timestamps: true, .. }))),
        "{effects:?}"
    );
    let effects = h.char('s');
    let since = effects.iter().find_map(|e| match e {
        Effect::Stream(Stream::FollowLogs { since, .. }) => *since,
        _ => None,
    });
    assert_eq!(since, Some(h.state.screen.now - 300), "5 minutes back");
}

#[test]
fn copy_and_save_are_effects_for_the_runner() {
    let (mut h, stream) = on_redis(100, 30);
    h.send(Msg::Stream(Streamed::LogLines { stream, lines: lines(b"first\nsecond\n") }));
    h.char('5');
    let effects = h.char('y');
    assert_eq!(effects, vec![Effect::Local(Local::CopyToClipboard { text: "second".into() })]);
    let effects = h.char('S');
    assert_eq!(
        effects,
        vec![Effect::Local(Local::SaveLogs { name: "redis".into(), lines: vec!["first".into(), "second".into()] })]
    );
    h.send(Msg::Stream(Streamed::Saved { result: Ok("/home/u/.local/share/wharf/saved/redis-1.log".into()) }));
    assert!(h.render().contains("saved to /home/u/.local/share/wharf/saved/redis-1.log"));
}

#[test]
fn marked_containers_logs_merge_with_their_names() {
    let (mut h, _) = on_redis(110, 30);
    h.select_container("mysql");
    h.char(' ');
    h.select_container("redis");
    h.char(' ');
    h.log_effects.clear();
    let effects = h.char('M');
    h.answer(effects);
    let streams: Vec<(u8, StreamId)> = h
        .log_effects
        .iter()
        .filter_map(|e| match e {
            Effect::Stream(Stream::FollowLogs { source, stream, .. }) => Some((*source, *stream)),
            _ => None,
        })
        .collect();
    assert_eq!(streams.len(), 2, "one stream per marked container: {:?}", h.log_effects);
    for (source, stream) in &streams {
        let text = format!("hello from source {source}\n");
        let mut batch = lines(text.as_bytes());
        batch[0].source = *source;
        h.send(Msg::Stream(Streamed::LogLines { stream: *stream, lines: batch }));
    }
    // Moving the selection does not leave merged mode.
    h.char('k');
    assert_eq!(h.state.logs.sources.len(), 2);
    let screen = h.render();
    assert!(screen.contains("mysql hello from source 0"), "{screen}");
    assert!(screen.contains("redis hello from source 1"), "{screen}");
    insta::assert_snapshot!("logs_merged", screen);
    // Saved, the lines keep the names they show with, under a name for the merge.
    h.char('5');
    let effects = h.char('S');
    let Some(Effect::Local(Local::SaveLogs { name, lines })) = effects.first().cloned() else { panic!("{effects:?}") };
    assert_eq!(name, "merged-2");
    assert!(lines.contains(&"mysql hello from source 0".to_string()), "{lines:?}");
    // A filter finds the lines of a container by its name.
    h.state.logs.set_filter("redis", false);
    let passing: Vec<&str> = h
        .state
        .logs
        .buffer
        .iter()
        .filter(|(_, l)| h.state.logs.passes_filter(l))
        .map(|(_, l)| l.text.as_str())
        .collect();
    assert_eq!(passing, ["hello from source 1"]);
    h.state.logs.set_filter("", false);
    h.char('1');
    h.char('M');
    assert_eq!(h.state.logs.sources.len(), 1);
}

#[test]
fn a_broken_stream_says_so_and_is_tried_again() {
    let (mut h, stream) = on_redis(100, 30);
    let broken = DaemonError::new(DaemonErrorKind::Api, "error from daemon in stream: unexpected EOF");
    h.send(Msg::Stream(Streamed::LogEnded { stream, error: Some(broken) }));
    assert!(h.render().contains("↻ reconnecting"), "{}", h.render());
    let soon = h.state.screen.now + 1;
    assert!(!h.send(Msg::Tick { now: soon }).iter().any(|e| matches!(e, Effect::Stream(Stream::FollowLogs { .. }))));
    let later = h.state.screen.now + 2;
    let effects = h.send(Msg::Tick { now: later });
    assert!(effects.iter().any(|e| matches!(e, Effect::Stream(Stream::FollowLogs { .. }))), "{effects:?}");
}

/// A stream whose own connection broke while the daemon still answers (an ssh
/// channel, a proxy): tried again after a pause like any broken stream, not on every
/// tick, and not called an interruption of the daemon.
#[test]
fn a_stream_cut_while_the_daemon_answers_is_retried_after_a_pause() {
    let (mut h, stream) = on_redis(100, 30);
    let cut = DaemonError::new(DaemonErrorKind::Unreachable, "cannot reach Docker: broken pipe");
    h.send(Msg::Stream(Streamed::LogEnded { stream, error: Some(cut) }));
    let screen = h.render();
    assert!(screen.contains("↻ reconnecting") && !screen.contains("interrupted"), "{screen}");
    let soon = h.state.screen.now + 1;
    assert!(!h.send(Msg::Tick { now: soon }).iter().any(|e| matches!(e, Effect::Stream(Stream::FollowLogs { .. }))));
    let later = h.state.screen.now + 2;
    let effects = h.send(Msg::Tick { now: later });
    assert!(effects.iter().any(|e| matches!(e, Effect::Stream(Stream::FollowLogs { .. }))), "{effects:?}");
}

/// Item 22: `W` saves with the configured limit, shows how far it got on the status
/// line, and `W` again or Esc stops it; the end of a stopped save says nothing.
#[test]
fn a_whole_log_save_shows_progress_and_w_or_esc_cancels_it() {
    let (mut h, _stream) = on_redis(120, 30);
    h.state.logs.save.limit = 7 * 1024 * 1024;
    h.char('5');
    let effects = h.char('W');
    let save = match &effects[..] {
        [Effect::Stream(Stream::SaveFullLog { save, name, tty: false, limit, .. })] => {
            assert_eq!((name.as_str(), *limit), ("redis", 7 * 1024 * 1024));
            *save
        }
        other => panic!("expected one save: {other:?}"),
    };
    h.send(Msg::Stream(Streamed::SaveProgress { save, bytes: 3 * 1024 * 1024 }));
    assert!(h.render().contains("saving the log of redis: 3.0 MiB"), "{}", h.render());
    // Past the flash's life the progress stays on the status line.
    h.send(Msg::Tick { now: h.state.screen.now + 60 });
    assert!(h.render().contains("saving the log of redis: 3.0 MiB"), "{}", h.render());
    assert_eq!(h.char('W'), vec![Effect::Stream(Stream::CancelSave { save })], "W again stops it");
    assert!(h.state.logs.save.running.is_none());
    let screen = h.render();
    assert!(!screen.contains("saving the log of redis:") && screen.contains("stopped saving"), "{screen}");
    h.send(Msg::Stream(Streamed::FullLogSaved { save, result: Err("cancelled".into()) }));
    assert!(!h.render().contains("cannot save"), "{}", h.render());

    // Esc stops one too, from any pane.
    let effects = h.char('W');
    let [Effect::Stream(Stream::SaveFullLog { save, .. })] = &effects[..] else { panic!("{effects:?}") };
    let save = *save;
    h.char('1');
    assert_eq!(h.key(KeyCode::Esc), vec![Effect::Stream(Stream::CancelSave { save })]);

    // One that ends says where it went, and whether the limit cut it.
    h.char('5');
    let effects = h.char('W');
    let [Effect::Stream(Stream::SaveFullLog { save, .. })] = &effects[..] else { panic!("{effects:?}") };
    let saved = wharf::app::msg::SavedLog { path: "/tmp/redis-2026-12-02T09-41-07.log".into(), bytes: 7, cut: true };
    h.send(Msg::Stream(Streamed::FullLogSaved { save: *save, result: Ok(saved) }));
    let screen = h.render();
    assert!(screen.contains("saved the first 7.0 MiB"), "{screen}");
}

/// Connects; every container inspect fails with `error`; the rest from the fixtures.
/// Returns the log effects seen.
fn connect_with_failing_inspects(h: &mut Harness, error: DaemonError) -> Vec<Effect> {
    use wharf::app::effect::Read;
    use wharf::app::msg::Answer;
    let mut logs = Vec::new();
    let mut queue = h.send(Msg::Connected(common::daemon_info()));
    while let Some(effect) = queue.pop() {
        let msg = match effect {
            Effect::Read(Read::Containers { request }) => {
                Msg::Answer(Answer::Containers { request, result: Ok(common::containers()) })
            }
            Effect::Read(Read::Images { request }) => {
                Msg::Answer(Answer::Images { request, result: Ok(common::images()) })
            }
            Effect::Read(Read::Container { request, id }) => {
                Msg::Answer(Answer::Container { request, id, result: Err(error.clone()) })
            }
            other => {
                logs.push(other);
                continue;
            }
        };
        queue.extend(h.send(msg));
    }
    logs
}

/// Item 4: a container whose inspect fails (an unreadable answer, a daemon error): the
/// log pane does not wait on "Loading…" for ever but follows the logs with the TTY
/// setting guessed and says why; the env pane says why in words.
#[test]
fn a_failed_inspect_still_follows_the_logs_and_says_why() {
    let mut h = Harness::new(120, 30);
    let unreadable =
        DaemonError::new(DaemonErrorKind::Other, "the daemon's container inspect could not be read: it is not JSON");
    let effects = connect_with_failing_inspects(&mut h, unreadable);
    let selected = h.state.selected_container().unwrap().id.clone();
    let follow = effects.iter().find_map(|e| match e {
        Effect::Stream(Stream::FollowLogs { stream, container_id, tty, .. }) if *container_id == selected => {
            Some((*stream, *tty))
        }
        _ => None,
    });
    let Some((stream, false)) = follow else { panic!("the logs are followed, guessed without a TTY: {effects:?}") };
    let screen = h.render();
    assert!(screen.contains("No output yet."), "{screen}");
    assert!(screen.contains("Its details could not be read (the daemon"), "{screen}");
    h.send(Msg::Stream(Streamed::LogLines { stream, lines: lines(b"ready to accept connections\n") }));
    let screen = h.render();
    assert!(!screen.contains("Loading…"), "{screen}");
    assert!(screen.contains("ready to accept connections"), "{screen}");
    assert!(screen.contains("TTY guessed: the daemon's"), "{screen}");
    assert!(screen.contains("Cannot read env: the daemon's container"), "{screen}");
    assert!(!screen.contains("deserialize"), "{screen}");

    // A daemon that does not answer in time: the same, in its words.
    let mut h = Harness::new(120, 30);
    let effects = connect_with_failing_inspects(&mut h, DaemonError::new(DaemonErrorKind::Timeout, "timed out"));
    assert!(effects.iter().any(|e| matches!(e, Effect::Stream(Stream::FollowLogs { tty: false, .. }))), "{effects:?}");
    let screen = h.render();
    assert!(screen.contains("Cannot read env: the daemon did not"), "{screen}");
    assert!(!screen.contains("Loading…"), "{screen}");
}

/// Item 4: the container's inspect says it is gone: the log pane says so, not "Loading…".
#[test]
fn a_container_gone_before_its_inspect_is_not_loading_for_ever() {
    let mut h = Harness::new(120, 30);
    connect_with_failing_inspects(&mut h, DaemonError::new(DaemonErrorKind::NotFound, "No such container"));
    let screen = h.render();
    assert!(screen.contains("the container is gone"), "{screen}");
}

/// Following, a line taller than the pane (a 1 MiB line, kept as its first 64 KiB)
/// with a short line after it: the pane shows the long line's last rows above the
/// short one, not an empty space until the user scrolls.
#[test]
fn following_a_line_taller_than_the_pane_draws_its_end() {
    let (mut h, stream) = on_redis(80, 24);
    let mut bytes = vec![b'x'; 1 << 20];
    bytes.extend_from_slice(b"\nafter the long line\n");
    h.send(Msg::Stream(Streamed::LogLines { stream, lines: lines(&bytes) }));
    assert!(h.state.logs.follow);
    let screen = h.render();
    let log_rows: Vec<&str> = screen.lines().filter(|l| l.contains("xxxxxxxxxxxxxxxx")).collect();
    assert!(log_rows.len() >= 3, "the long line's end is not drawn:\n{screen}");
    assert!(screen.contains("bytes cut]"), "its end says it was cut:\n{screen}");
    assert!(screen.contains("after the long line"), "{screen}");
    insta::assert_snapshot!("logs_following_a_line_taller_than_the_pane", screen);
}
