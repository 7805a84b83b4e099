//! What the screen says when the daemon misbehaves: refuses wharf's API version, stops
//! answering, or goes away while logs are followed.

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::Harness;
use wharf::app::msg::Msg;
use wharf::model::{DaemonError, DaemonErrorKind};

/// The status bar's last line.
fn status_line(h: &Harness) -> String {
    h.render().lines().last().unwrap_or_default().to_string()
}

/// A daemon that refuses wharf's API version is not "unreachable": the status bar says
/// the API is incompatible, and the pane gives the daemon's words and what to do.
#[test]
fn an_incompatible_daemon_is_not_called_unreachable() {
    let mut h = Harness::new(120, 30);
    h.send(Msg::ConnectionDown {
        error: DaemonError::new(
            DaemonErrorKind::Incompatible,
            "client version 1.41 is too old. Minimum supported API version is 1.44",
        )
        .with_hint("this daemon does not speak the API versions wharf does: upgrade wharf or the daemon"),
        retry_in: Duration::from_secs(10),
    });
    let screen = h.render();
    let status = status_line(&h);
    assert!(status.contains("incompatible API, retry in 10s"), "{status}");
    assert!(!status.contains("unreachable"), "{status}");
    assert!(screen.contains("Minimum supported API version is 1.44"), "{screen}");
    assert!(screen.contains("upgrade wharf or the daemon"), "{screen}");
}

// ---------------------------------------------------------------- logs while the daemon is away

use wharf::app::effect::{Effect, Stream};
use wharf::app::msg::Streamed;
use wharf::logs::{LogDecoder, LogLine, style_line};
use wharf::state::StreamId;

/// Lines as the log task makes them from a stream asked with timestamps.
fn stamped(text: &str) -> Vec<LogLine> {
    let mut decoder = LogDecoder::new(true);
    let mut raw = Vec::new();
    decoder.feed(text.as_bytes(), &mut raw);
    decoder.finish(&mut raw);
    raw.into_iter().map(|r| style_line(r, 0, true)).collect()
}

/// The newest log stream started: its id, `since` and whether it asks for timestamps.
fn last_follow(h: &Harness) -> (StreamId, Option<i64>, bool) {
    match h.log_effects.iter().rev().find(|e| matches!(e, Effect::Stream(Stream::FollowLogs { .. }))) {
        Some(Effect::Stream(Stream::FollowLogs { stream, since, timestamps, .. })) => (*stream, *since, *timestamps),
        other => panic!("no log stream started: {other:?}"),
    }
}

fn log_texts(h: &Harness) -> Vec<String> {
    h.state.logs.buffer.iter().map(|(_, l)| l.text.clone()).collect()
}

fn lost() -> Msg {
    Msg::ConnectionDown {
        error: DaemonError::new(DaemonErrorKind::Unreachable, "lost the connection to unix:///var/run/docker.sock"),
        retry_in: Duration::from_secs(1),
    }
}

/// redis (running) selected, its log stream started, two lines shown.
fn following_redis() -> (Harness, StreamId) {
    let mut h = Harness::new(120, 30);
    h.connect_with_fixtures();
    h.select_container("redis");
    let (stream, _, _) = last_follow(&h);
    h.send(Msg::Stream(Streamed::LogLines {
        stream,
        lines: stamped("2026-11-28T10:00:01.100000000Z one\n2026-11-28T10:00:01.200000000Z two\n"),
    }));
    assert_eq!(log_texts(&h), vec!["one", "two"]);
    (h, stream)
}

/// The daemon goes away while redis runs (its log stream ends cleanly with the
/// connection, before or after the supervisor says so): the pane says the stream is
/// interrupted, never that redis stopped.
#[test]
fn logs_of_a_running_container_are_interrupted_not_stopped_while_the_daemon_is_away() {
    for stream_ends_first in [true, false] {
        let (mut h, stream) = following_redis();
        if stream_ends_first {
            h.send(Msg::Stream(Streamed::LogEnded { stream, error: None }));
            h.send(lost());
        } else {
            h.send(lost());
            h.send(Msg::Stream(Streamed::LogEnded { stream, error: None }));
        }
        let screen = h.render();
        assert!(screen.contains("interrupted"), "stream ended first: {stream_ends_first}\n{screen}");
        // (The header's count of stopped containers is another matter.)
        assert!(!screen.contains("■ stopped"), "stream ended first: {stream_ends_first}\n{screen}");
        assert!(!screen.contains("Not running"), "stream ended first: {stream_ends_first}\n{screen}");
    }
}

/// Back again: the stream resumes from the second of the last line seen, and what the
/// daemon sends again of that second is not shown twice, while what came after is.
#[test]
fn logs_resume_after_the_daemon_returns_without_duplicates_or_gaps() {
    let (mut h, stream) = following_redis();
    assert!(last_follow(&h).2, "the stream carries timestamps, shown or not");
    h.send(lost());
    h.send(Msg::Stream(Streamed::LogEnded { stream, error: None }));
    h.log_effects.clear();
    let effects = h.send(Msg::Connected(common::daemon_info()));
    h.answer(effects);
    let (resumed, since, _) = last_follow(&h);
    assert_ne!(resumed, stream);
    // 2026-11-28T10:00:01Z
    assert_eq!(since, Some(1_795_860_001), "resumes at the last line's second");
    h.send(Msg::Stream(Streamed::LogLines {
        stream: resumed,
        lines: stamped(
            "2026-11-28T10:00:01.100000000Z one\n2026-11-28T10:00:01.200000000Z two\n\
             2026-11-28T10:00:01.300000000Z three\n2026-11-28T10:00:02.000000000Z four\n",
        ),
    }));
    assert_eq!(log_texts(&h), vec!["one", "two", "three", "four"]);
    let screen = h.render();
    assert!(screen.contains("following"), "{screen}");
}
