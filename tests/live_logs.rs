//! Log streams against a real daemon: framing decided from the container's TTY setting,
//! ordering, and the logging driver that cannot be read.
//! Run by `scripts/test.sh` (see tests/live/mod.rs for why these are `#[ignore]`d).

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::time::Duration;

use futures::StreamExt;
use live::{BUSYBOX, Labelled, address, docker};
use wharf::docker::{DockerApi, LogRequest, connect};
use wharf::logs::{LogDecoder, RawLine, StreamKind};
use wharf::model::DaemonErrorKind;

const TIMEOUT: Duration = Duration::from_secs(10);

fn follow() -> LogRequest {
    LogRequest { tail: Some(1000), since: None, timestamps: false, follow: true, service: false }
}

/// Reads and decodes the stream until `done` holds for the lines so far.
async fn read_until(
    api: &impl DockerApi,
    id: &str,
    tty: bool,
    request: &LogRequest,
    done: impl Fn(&[RawLine]) -> bool,
) -> Vec<RawLine> {
    let mut stream = api.logs(id, request);
    let mut decoder = LogDecoder::new(tty);
    let mut lines = Vec::new();
    let result = tokio::time::timeout(TIMEOUT, async {
        while !done(&lines) {
            match stream.next().await {
                Some(Ok(chunk)) => decoder.feed(&chunk, &mut lines),
                Some(Err(e)) => panic!("log stream error: {e}"),
                None => {
                    decoder.finish(&mut lines);
                    break;
                }
            }
        }
    })
    .await;
    assert!(result.is_ok(), "timed out; lines so far: {lines:?}");
    lines
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn stdout_and_stderr_lines_arrive_in_order_and_apart() {
    let t = Labelled::new("logs-order");
    let script = "for i in 1 2 3; do echo out$i; echo err$i >&2; done; sleep 30";
    let id = docker(&["run", "-d", "--label", &t.label, BUSYBOX, "sh", "-c", script]);
    let api = connect(&address(), TIMEOUT).await.unwrap();
    let lines = read_until(&api, &id, false, &follow(), |l| l.len() >= 6).await;
    let got: Vec<(StreamKind, &str)> = lines.iter().map(|l| (l.stream, l.text.as_str())).collect();
    let outs: Vec<&str> = got.iter().filter(|(s, _)| *s == StreamKind::Stdout).map(|(_, t)| *t).collect();
    let errs: Vec<&str> = got.iter().filter(|(s, _)| *s == StreamKind::Stderr).map(|(_, t)| *t).collect();
    assert_eq!(outs, ["out1", "out2", "out3"]);
    assert_eq!(errs, ["err1", "err2", "err3"]);
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_tty_line_starting_with_0x02_does_not_stall_the_stream() {
    let t = Labelled::new("logs-tty");
    let script = r#"printf '\002\000\000\000\000\000\020\000 looks like a header\n'; sleep 1; echo after; sleep 30"#;
    let id = docker(&["run", "-d", "-t", "--label", &t.label, BUSYBOX, "sh", "-c", script]);
    let api = connect(&address(), TIMEOUT).await.unwrap();
    assert!(api.inspect_container(&id).await.unwrap().tty, "the container has a TTY");
    let lines = read_until(&api, &id, true, &follow(), |l| l.iter().any(|l| l.text == "after")).await;
    assert!(lines[0].text.ends_with("looks like a header"), "{lines:?}");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn the_none_logging_driver_is_reported_not_retried() {
    let t = Labelled::new("logs-none");
    let id = docker(&["run", "-d", "--log-driver", "none", "--label", &t.label, BUSYBOX, "sleep", "30"]);
    let api = connect(&address(), TIMEOUT).await.unwrap();
    let first = tokio::time::timeout(TIMEOUT, api.logs(&id, &follow()).next()).await.unwrap();
    let err = first.expect("one item").expect_err("an error, not bytes");
    assert_eq!(err.kind, DaemonErrorKind::Unsupported, "{err}");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn tail_limits_the_history_and_timestamps_come_when_asked() {
    let t = Labelled::new("logs-tail");
    let id = docker(&["run", "-d", "--label", &t.label, BUSYBOX, "sh", "-c", "seq 1 500; sleep 30"]);
    let api = connect(&address(), TIMEOUT).await.unwrap();
    // Wait for all 500 to be written, then ask for the last 10 without following.
    live::wait_until_logged(&id, "500");
    let request = LogRequest { tail: Some(10), since: None, timestamps: true, follow: false, service: false };
    let lines = read_until(&api, &id, false, &request, |_| false).await;
    assert_eq!(lines.len(), 10, "{lines:?}");
    assert!(lines[9].text.ends_with(" 500"), "{:?}", lines[9]);
    assert!(lines[9].text.starts_with("20"), "an RFC 3339 timestamp first: {:?}", lines[9]);
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn the_whole_log_is_saved_sanitised_and_private() {
    use std::os::unix::fs::PermissionsExt;
    let t = Labelled::new("logs-save");
    let script = r#"seq 1 3000; printf '\033]2;pwned\007secret-ish line\n'; sleep 30"#;
    let id = docker(&["run", "-d", "--label", &t.label, BUSYBOX, "sh", "-c", script]);
    let api = connect(&address(), TIMEOUT).await.unwrap();
    live::wait_until_logged(&id, "secret-ish line");
    let dir = tempfile::tempdir().unwrap();
    let job = wharf::app::log_task::SaveJob {
        save: wharf::state::StreamId(1),
        container_id: id.clone(),
        name: t.name("save"),
        tty: false,
        limit: wharf::state::DEFAULT_SAVE_LIMIT,
        dir: dir.path().to_path_buf(),
        stamp: "2026-12-02T09-41-07".into(),
    };
    let (tx, _rx) = tokio::sync::mpsc::channel(16);
    let cancel = tokio_util::sync::CancellationToken::new();
    let saved = wharf::app::log_task::save_full(&api, job, &tx, &cancel).await.expect("saved");
    let path = saved.path;
    let text = std::fs::read_to_string(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    std::fs::remove_file(&path).unwrap();
    assert_eq!(mode, 0o600, "readable by the user only");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3001, "all of it, not a tail");
    assert!(lines[2999].ends_with(" 3000"), "{}", lines[2999]);
    assert!(lines[3000].ends_with(" secret-ish line"), "{}", lines[3000]);
    assert!(!text.contains('\u{1b}') && !text.contains("pwned"));
}
