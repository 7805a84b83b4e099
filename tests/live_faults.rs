//! The whole app through the fault proxy (tests/live/mod.rs) where the symptom needs a
//! real daemon's log stream: the daemon goes away while a log is followed.

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::time::Duration;

use crossterm::event::KeyCode;
use live::headless::App;
use live::{BUSYBOX, Forwarder, Labelled, daemon_socket, docker};
use wharf::app::msg::Msg;
use wharf::state::{AppState, Connection, SourceStatus};

fn key(c: char) -> Msg {
    Msg::Key(crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::NONE))
}

/// The `tick N` numbers in the log pane, in the order shown.
fn ticks(s: &AppState) -> Vec<u32> {
    s.logs.buffer.iter().filter_map(|(_, l)| l.text.strip_prefix("tick ")?.parse::<u32>().ok()).collect()
}

/// The newest tick the daemon has logged.
fn logged_tick(id: &str) -> u32 {
    docker(&["logs", "--tail", "1", id]).trim().strip_prefix("tick ").and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// A container logging many lines a second, followed while the daemon goes away and
/// comes back: meanwhile the pane says the stream is interrupted (the container did
/// not stop); afterwards every tick is there exactly once, in order, none missing.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn a_log_followed_through_an_outage_is_interrupted_then_resumes_without_duplicates_or_gaps() {
    let t = Labelled::new("outage-logs");
    let chatty = docker(&[
        "run",
        "-d",
        "--network",
        "none",
        "--label",
        &t.label,
        "--name",
        &t.name("chatty"),
        BUSYBOX,
        "sh",
        "-c",
        "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.03; done",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outage.sock");
    let forwarder = Forwarder::start(&path, &daemon_socket());
    let mut app = App::start(&format!("unix://{}", path.display()));
    app.run_until(Duration::from_secs(15), |s| {
        s.refresh.loaded && s.containers.list.items().iter().any(|c| c.id == chatty)
    })
    .await
    .expect("the container is listed");
    let position = app.state.containers.list.visible().position(|c| c.id == chatty).expect("listed");
    app.send(key('g'));
    for _ in 0..position {
        app.send(key('j'));
    }
    app.run_until(Duration::from_secs(10), |s| ticks(s).len() > 20).await.expect("its logs flow");

    // The daemon goes away; the container runs on.
    drop(forwarder);
    app.run_until(Duration::from_secs(10), |s| {
        matches!(s.connection, Connection::Down { .. })
            && s.logs.sources.first().is_some_and(|src| src.stream.is_none() || src.status != SourceStatus::Streaming)
    })
    .await
    .expect("notices the daemon is gone");
    let status = app.state.logs.sources[0].status.clone();
    // (Named by its words, so that this test also builds, and fails, without the fix.)
    assert!(format!("{status:?}").starts_with("Interrupted"), "the pane says {status:?} of a running container");
    // It logs on while wharf cannot see it.
    let away_at = logged_tick(&chatty);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while logged_tick(&chatty) < away_at + 40 {
        assert!(std::time::Instant::now() < deadline, "the container stopped logging");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Back: the stream resumes where it was.
    let _forwarder = Forwarder::start(&path, &daemon_socket());
    let back_at = logged_tick(&chatty);
    app.run_until(Duration::from_secs(20), |s| ticks(s).last().is_some_and(|&n| n > back_at + 20))
        .await
        .expect("the log stream resumed after the reconnect");
    let shown = ticks(&app.state);
    let first = shown[0];
    let expected: Vec<u32> = (first..first + shown.len() as u32).collect();
    if shown != expected {
        let mut seen = std::collections::HashSet::new();
        let twice: Vec<u32> = shown.iter().copied().filter(|n| !seen.insert(*n)).collect();
        let missing: Vec<u32> = (first..=*shown.last().unwrap()).filter(|n| !shown.contains(n)).collect();
        panic!("shown twice: {twice:?}; missing: {missing:?}");
    }
}
