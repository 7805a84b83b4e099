//! The runner's long tasks against the scripted daemon: the log task's batching, the
//! console's shell fallback, the launcher's clean-up after a failed start. Time is
//! tokio's paused clock: no test waits for real time.

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fake;

use std::sync::Arc;
use std::time::Duration;

use fake::{FakeDocker, Reply, api, error, next_msg};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use wharf::app::console_task::{self, ConsoleJob};
use wharf::app::effect::Change;
use wharf::app::effect::Effect;
use wharf::app::launcher;
use wharf::app::log_task::{self, LogJob};
use wharf::app::msg::Msg;
use wharf::app::msg::{Done, Streamed};
use wharf::app::runner::EffectRunner;
use wharf::docker::LogRequest;
use wharf::model::{DaemonErrorKind, LaunchSpec, PullProgress};
use wharf::state::{ConsoleTarget, RequestId, SessionId, StreamId};

/// Long enough for anything the tasks do; in paused time a missing message fails at once.
const PATIENCE: Duration = Duration::from_secs(600);

/// `elapsed` is `want` (paused time; the timer wheel may round up to the next ms).
fn assert_at(elapsed: Duration, want: Duration) {
    assert!(elapsed >= want && elapsed <= want + Duration::from_millis(1), "after {elapsed:?}, want {want:?}");
}

// ---------------------------------------------------------------- log task

fn log_job(tty: bool) -> LogJob {
    LogJob {
        stream: StreamId(9),
        container_id: "c1".into(),
        source: 0,
        tty,
        request: LogRequest { tail: Some(100), since: None, timestamps: false, follow: true, service: false },
        keep: 10_000,
    }
}

/// Starts following the fake's logs; the messages come out of the receiver.
fn follow(fake: &FakeDocker, job: LogJob) -> (mpsc::Receiver<Msg>, CancellationToken) {
    let (tx, rx) = mpsc::channel(4096);
    let cancel = CancellationToken::new();
    let fake = fake.clone();
    let task_cancel = cancel.clone();
    tokio::spawn(async move { log_task::follow(&fake, job, tx, task_cancel).await });
    (rx, cancel)
}

/// The next message, which must be a batch of lines of stream 9: their texts.
async fn batch(rx: &mut mpsc::Receiver<Msg>) -> Vec<String> {
    match next_msg(rx, PATIENCE).await {
        Msg::Stream(Streamed::LogLines { stream: StreamId(9), lines }) => lines.into_iter().map(|l| l.text).collect(),
        other => panic!("expected lines, got {other:?}"),
    }
}

/// A flood: 1,000 lines arrive at once, in chunks that cut lines anywhere (7 bytes of
/// 10-byte lines, so no chunk ends more than one line). They come out joined, in order,
/// all of them: the first full batch of 256 at once, then (a flood sends one batch per
/// 50 ms window at most) the rest in one batch when the window closes.
#[tokio::test(start_paused = true)]
async fn a_flood_of_lines_arrives_in_few_full_batches_with_nothing_lost() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let feed = fake.feed::<api::Logs>();
    let expected: Vec<String> = (0..1000).map(|i| format!("line {i:04}")).collect();
    let text: String = expected.iter().map(|l| format!("{l}\n")).collect();
    for chunk in text.as_bytes().chunks(7) {
        feed.send(bytes::Bytes::copy_from_slice(chunk));
    }
    let started = Instant::now();
    let (mut rx, _cancel) = follow(&fake, log_job(true));

    let mut batches = Vec::new();
    while batches.iter().map(Vec::len).sum::<usize>() < expected.len() {
        batches.push(batch(&mut rx).await);
    }
    let last_at = started.elapsed();

    // The first batch holds what was read at once (at least a full batch); the rest
    // waited for the window.
    assert_eq!(batches.len(), 2, "batch sizes: {:?}", batches.iter().map(Vec::len).collect::<Vec<_>>());
    assert!(batches[0].len() >= 256, "first batch: {}", batches[0].len());
    assert_eq!(batches.concat(), expected, "lines lost, split or out of order");
    // The rest waited for the window, no longer.
    assert_at(last_at, Duration::from_millis(50));
    // The stream is still open: nothing more, and no end.
    assert!(rx.try_recv().is_err());
    assert_eq!(
        fake.calls_to::<api::Logs>(),
        vec![vec![
            "c1".to_string(),
            "LogRequest { tail: Some(100), since: None, timestamps: false, follow: true, service: false }".to_string()
        ]]
    );
}

/// More lines at once than the pane keeps: only the newest `keep` are styled and sent,
/// after a count of those passed over; none is sent twice, and the order holds.
#[tokio::test(start_paused = true)]
async fn of_a_flood_longer_than_the_pane_keeps_only_the_newest_lines_are_sent() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let feed = fake.feed::<api::Logs>();
    let all: Vec<String> = (0..1000).map(|i| format!("line {i:04}")).collect();
    let text: String = all.iter().map(|l| format!("{l}\n")).collect();
    for chunk in text.as_bytes().chunks(7) {
        feed.send(bytes::Bytes::copy_from_slice(chunk));
    }
    let (mut rx, _cancel) = follow(&fake, LogJob { keep: 100, ..log_job(true) });

    // What was read at once goes at once (a full batch or more), the rest when the
    // window closes: each time a count of the lines passed over, then the newest 100.
    let mut at = 0;
    let mut batches = 0;
    while at < all.len() {
        let count = passed_over(next_msg(&mut rx, PATIENCE).await).expect("a count of lines passed over") as usize;
        let lines = batch(&mut rx).await;
        assert_eq!(lines.len(), 100, "the newest 100 of each batch");
        assert_eq!(lines, all[at + count..at + count + 100].to_vec(), "out of order or sent twice");
        at += count + 100;
        batches += 1;
    }
    assert_eq!((at, batches), (1000, 2));
    assert!(rx.try_recv().is_err());
}

/// How many lines a `LogPassedOver` of stream 9 counts (`None` for any other message).
fn passed_over(msg: Msg) -> Option<u64> {
    match msg {
        Msg::Stream(Streamed::LogPassedOver { stream: StreamId(9), count }) => Some(count),
        _ => None,
    }
}

/// Lines that trickle in go out together within 50 ms of the first one, not one by one.
#[tokio::test(start_paused = true)]
async fn a_trickle_is_sent_within_fifty_milliseconds_of_its_first_line() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let ms = Duration::from_millis;
    fake.items::<api::Logs>(
        vec![
            (ms(0), Ok("one\n".into())),
            (ms(10), Ok("tw".into())),
            (ms(10), Ok("o\nthree\n".into())),
            (ms(200), Ok("four\n".into())),
        ],
        false,
    );
    let started = Instant::now();
    let (mut rx, _cancel) = follow(&fake, log_job(true));

    assert_eq!(batch(&mut rx).await, vec!["one", "two", "three"]);
    assert_at(started.elapsed(), ms(50));
    assert_eq!(batch(&mut rx).await, vec!["four"]);
    assert_at(started.elapsed(), ms(220 + 50));
}

// ---------------------------------------------------------------- whole-log save

fn save_job(dir: &std::path::Path, limit: u64) -> log_task::SaveJob {
    log_task::SaveJob {
        save: StreamId(5),
        container_id: "c1".into(),
        name: "redis".into(),
        tty: true,
        limit,
        dir: dir.to_path_buf(),
        stamp: "2026-12-02T09-41-07".into(),
    }
}

/// Item 22: a whole-log save of a log larger than the limit stops there (the daemon's
/// stream still open), says so in the file's last line, and tells how far it got on
/// the way.
#[tokio::test(start_paused = true)]
async fn a_whole_log_save_stops_at_its_size_limit_and_tells_its_progress() {
    let fake = FakeDocker::new("unix:///fake.sock");
    // 1,000 lines of 10 bytes, 100 at a time every 300 ms, and then more never ending.
    let chunks: Vec<(Duration, Result<bytes::Bytes, _>)> = (0..10)
        .map(|c| {
            let text: String = (0..100).map(|i| format!("line {:04}\n", c * 100 + i)).collect();
            (Duration::from_millis(300), Ok(bytes::Bytes::from(text)))
        })
        .collect();
    fake.items::<api::Logs>(chunks, false);
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let save = log_task::save_full(&fake, save_job(dir.path(), 5_000), &tx, &cancel);
    let saved = tokio::time::timeout(PATIENCE, save).await.expect("ends at the limit").expect("saved");
    assert!(saved.cut, "stopped at the limit: {saved:?}");
    assert_eq!(saved.bytes, 5_000, "500 whole lines of 10 bytes");
    assert!(saved.path.ends_with("redis-2026-12-02T09-41-07.log"), "{}", saved.path);
    let text = std::fs::read_to_string(&saved.path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 501, "the lines within the limit and one that says where it stopped");
    assert_eq!(lines[499], "line 0499");
    assert!(lines[500].contains("save_limit_mib"), "{}", lines[500]);
    let mut progress = Vec::new();
    while let Ok(msg) = rx.try_recv() {
        match msg {
            Msg::Stream(Streamed::SaveProgress { save: StreamId(5), bytes }) => progress.push(bytes),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(!progress.is_empty(), "progress on the way");
    assert!(progress.windows(2).all(|w| w[0] < w[1]) && progress.iter().all(|b| *b <= 5_000), "{progress:?}");
}

/// Item 22: a cancelled save ends at once and leaves no partial file behind.
#[tokio::test(start_paused = true)]
async fn a_cancelled_whole_log_save_ends_and_removes_its_file() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let feed = fake.feed::<api::Logs>();
    feed.send(bytes::Bytes::from("first\n"));
    let dir = tempfile::tempdir().unwrap();
    let (tx, _rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let task = {
        let (fake, dir, cancel) = (fake.clone(), dir.path().to_path_buf(), cancel.clone());
        tokio::spawn(async move { log_task::save_full(&fake, save_job(&dir, 1 << 20), &tx, &cancel).await })
    };
    fake.wait_for::<api::Logs>(1).await;
    cancel.cancel();
    let result = tokio::time::timeout(PATIENCE, task).await.expect("ends when cancelled").unwrap();
    assert!(result.is_err(), "{result:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no partial file left");
    drop(feed);
}

/// Multiplexed frames (no TTY): a line split across frames comes out whole, stdout and
/// stderr lines cut by each other's frames stay apart, chunks cut inside a frame header
/// do no harm, and the unterminated last line comes out when the stream ends, then the end.
#[tokio::test(start_paused = true)]
async fn frames_split_anywhere_are_joined_and_the_end_flushes_the_rest() {
    fn frame(stream: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![stream, 0, 0, 0];
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(payload);
        out
    }
    let fake = FakeDocker::new("unix:///fake.sock");
    let feed = fake.feed::<api::Logs>();
    let bytes: Vec<u8> = [
        frame(1, b"hello wo"),
        frame(1, b"rld\n"),
        frame(2, b"warn"),
        frame(1, b"next\n"),
        frame(2, b"ing\n"),
        frame(1, b"no newline at the end"),
    ]
    .concat();
    // Cut inside the second frame's header and inside the last payload.
    for chunk in [&bytes[..11], &bytes[11..60], &bytes[60..]] {
        feed.send(bytes::Bytes::copy_from_slice(chunk));
    }
    drop(feed);
    let (mut rx, cancel) = follow(&fake, log_job(false));

    let mut lines = Vec::new();
    loop {
        match next_msg(&mut rx, PATIENCE).await {
            Msg::Stream(Streamed::LogLines { lines: batch, .. }) => {
                lines.extend(batch.into_iter().map(|l| (l.stream, l.text)))
            }
            Msg::Stream(Streamed::LogEnded { stream: StreamId(9), error: None }) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    use wharf::logs::StreamKind::{Stderr, Stdout};
    assert_eq!(
        lines,
        vec![
            (Stdout, "hello world".to_string()),
            (Stdout, "next".to_string()),
            (Stderr, "warning".to_string()),
            (Stdout, "no newline at the end".to_string())
        ]
    );
    // Ended by itself: marked finished for the runner.
    assert!(cancel.is_cancelled());
}

/// The daemon fails mid-stream: what arrived is still shown, then the error.
#[tokio::test(start_paused = true)]
async fn an_error_mid_stream_comes_after_the_lines_before_it() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let feed = fake.feed::<api::Logs>();
    feed.send("a\nb\n".into());
    feed.fail(error(DaemonErrorKind::Unsupported, "configured logging driver does not support reading"));
    let (mut rx, _cancel) = follow(&fake, log_job(true));

    assert_eq!(batch(&mut rx).await, vec!["a", "b"]);
    match next_msg(&mut rx, PATIENCE).await {
        Msg::Stream(Streamed::LogEnded { error: Some(e), .. }) => assert_eq!(e.kind, DaemonErrorKind::Unsupported),
        other => panic!("unexpected {other:?}"),
    }
}

/// Stopping the logs (the selection moved on) drops the daemon's stream.
#[tokio::test(start_paused = true)]
async fn cancelling_drops_the_daemon_stream() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let feed = fake.feed::<api::Logs>();
    feed.send("a\n".into());
    let (mut rx, cancel) = follow(&fake, log_job(true));
    assert_eq!(batch(&mut rx).await, vec!["a"]);

    cancel.cancel();
    tokio::time::timeout(PATIENCE, feed.closed()).await.expect("the stream was not dropped");
    assert!(rx.recv().await.is_none(), "nothing after the cancel");
}

// ---------------------------------------------------------------- console

const BASH_THEN_SH: &[&str] = &["bash", "sh"];

struct Console {
    rx: mpsc::Receiver<Msg>,
    input: mpsc::Sender<Vec<u8>>,
    resize: watch::Sender<(u16, u16)>,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

fn open_console(fake: &FakeDocker, commands: &[&str]) -> Console {
    let (tx, rx) = mpsc::channel(64);
    let (input, input_rx) = mpsc::channel(16);
    let (resize, resize_rx) = watch::channel((80, 24));
    let cancel = CancellationToken::new();
    let job = ConsoleJob {
        session: SessionId(1),
        container_id: "c1".into(),
        target: ConsoleTarget::Exec { commands: commands.iter().map(|c| vec![c.to_string()]).collect() },
    };
    let task = tokio::spawn(console_task::run(Arc::new(fake.clone()), job, input_rx, resize_rx, tx, cancel.clone()));
    Console { rx, input, resize, cancel, task }
}

/// An exec of a command that is not there: the daemon starts it, it prints why and
/// ends at once with `code`.
async fn missing(fake: &FakeDocker, exec_id: &str, command: &str, code: i64) {
    fake.ok::<api::CreateExec>(exec_id.into());
    let mut end = fake.raw::<api::StartExec>();
    end.write_all(format!("exec: \"{command}\": executable file not found in $PATH\r\n").as_bytes()).await.unwrap();
    drop(end);
    fake.ok::<api::ExecExitCode>(Some(code));
}

fn commands_tried(fake: &FakeDocker) -> Vec<String> {
    fake.calls_to::<api::CreateExec>().into_iter().map(|args| args[1].clone()).collect()
}

/// bash is missing (127): sh is tried and runs; bash's complaint is not shown. Then the
/// session is live: output, input and the size reach their ends, and closing hangs up
/// the shell.
#[tokio::test(start_paused = true)]
async fn bash_missing_falls_back_to_sh() {
    let fake = FakeDocker::new("unix:///fake.sock");
    missing(&fake, "exec-bash", "bash", 127).await;
    fake.ok::<api::CreateExec>("exec-sh".into());
    let mut sh = fake.raw::<api::StartExec>();
    let mut console = open_console(&fake, BASH_THEN_SH);

    match next_msg(&mut console.rx, PATIENCE).await {
        Msg::Stream(Streamed::ConsoleStarted { session: SessionId(1), label }) => assert_eq!(label, "sh"),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(commands_tried(&fake), vec!["bash", "sh"]);
    assert_eq!(fake.calls_to::<api::StartExec>(), vec![vec!["exec-bash".to_string()], vec!["exec-sh".to_string()]]);
    assert_eq!(fake.calls_to::<api::ExecExitCode>(), vec![vec!["exec-bash".to_string()]]);
    // Both execs carry the session's marker, so closing can find what they started.
    let markers: Vec<String> = fake.calls_to::<api::CreateExec>().into_iter().map(|a| a[2].clone()).collect();
    assert!(markers[0] == markers[1] && markers[0].ends_with("s1e"), "{markers:?}");

    // Live: the shell's output, typed input, the size (only now that it runs).
    sh.write_all(b"$ ").await.unwrap();
    match next_msg(&mut console.rx, PATIENCE).await {
        Msg::Stream(Streamed::ConsoleOutput { bytes, .. }) => assert_eq!(bytes, b"$ "),
        other => panic!("unexpected {other:?}"),
    }
    console.input.send(b"ls\n".to_vec()).await.unwrap();
    let mut typed = [0u8; 3];
    sh.read_exact(&mut typed).await.unwrap();
    assert_eq!(&typed, b"ls\n");
    fake.wait_for::<api::Resize>(1).await;
    console.resize.send_replace((100, 30));
    let resizes = fake.wait_for::<api::Resize>(2).await;
    assert_eq!(resizes[0], ["exec-sh", "true", "80", "24"].map(String::from));
    assert_eq!(resizes[1], ["exec-sh", "true", "100", "30"].map(String::from));

    // Closed by the user: the shell is hung up.
    console.cancel.cancel();
    console.task.await.unwrap();
    assert_eq!(fake.calls_to::<api::HangUp>(), vec![vec!["c1".to_string(), markers[0].clone()]]);
}

/// Neither bash (127) nor sh (126: found but cannot run) works: one clear message
/// naming both, and no session shown.
#[tokio::test(start_paused = true)]
async fn no_shell_at_all_says_which_were_tried() {
    let fake = FakeDocker::new("unix:///fake.sock");
    missing(&fake, "exec-bash", "bash", 127).await;
    missing(&fake, "exec-sh", "sh", 126).await;
    let mut console = open_console(&fake, BASH_THEN_SH);

    match next_msg(&mut console.rx, PATIENCE).await {
        Msg::Stream(Streamed::ConsoleEnded { session: SessionId(1), exit_code: None, error: Some(e) }) => {
            assert_eq!(e.kind, DaemonErrorKind::NotFound);
            assert_eq!(e.message, "no shell found in the container (tried bash, sh)");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(commands_tried(&fake), vec!["bash", "sh"]);
    console.task.await.unwrap();
    assert!(console.rx.recv().await.is_none());
}

/// bash runs and ends at once with another code (1): that is bash's answer, not a
/// missing shell. No fallback; its output and code are shown.
#[tokio::test(start_paused = true)]
async fn a_shell_that_runs_and_fails_is_not_replaced() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::CreateExec>("exec-bash".into());
    let mut end = fake.raw::<api::StartExec>();
    end.write_all(b"bash: cannot set terminal process group\r\n").await.unwrap();
    drop(end);
    fake.ok::<api::ExecExitCode>(Some(1));
    let mut console = open_console(&fake, BASH_THEN_SH);

    let mut seen = Vec::new();
    loop {
        match next_msg(&mut console.rx, PATIENCE).await {
            Msg::Stream(Streamed::ConsoleEnded { exit_code, error, .. }) => {
                assert_eq!((exit_code, error), (Some(1), None));
                break;
            }
            msg => seen.push(msg),
        }
    }
    assert!(matches!(&seen[0], Msg::Stream(Streamed::ConsoleStarted { label, .. }) if label == "bash"), "{seen:?}");
    assert!(
        matches!(&seen[1], Msg::Stream(Streamed::ConsoleOutput { bytes, .. }) if bytes == b"bash: cannot set terminal process group\r\n"),
        "{seen:?}"
    );
    assert_eq!(commands_tried(&fake), vec!["bash"]);
}

/// One command of the user's own (no fallback) that is missing: its own complaint and
/// exit code are shown, as a terminal would.
#[tokio::test(start_paused = true)]
async fn a_single_missing_command_shows_its_own_complaint() {
    let fake = FakeDocker::new("unix:///fake.sock");
    missing(&fake, "exec-zsh", "zsh", 127).await;
    let mut console = open_console(&fake, &["zsh"]);

    assert!(
        matches!(next_msg(&mut console.rx, PATIENCE).await, Msg::Stream(Streamed::ConsoleStarted { label, .. }) if label == "zsh")
    );
    assert!(matches!(
        next_msg(&mut console.rx, PATIENCE).await,
        Msg::Stream(Streamed::ConsoleOutput { bytes, .. }) if String::from_utf8_lossy(&bytes).contains("\"zsh\": executable file not found")
    ));
    assert!(matches!(
        next_msg(&mut console.rx, PATIENCE).await,
        Msg::Stream(Streamed::ConsoleEnded { exit_code: Some(127), error: None, .. })
    ));
}

// ---------------------------------------------------------------- launcher

fn spec() -> LaunchSpec {
    LaunchSpec { image: "redis:7".into(), name: Some("cache".into()), ..Default::default() }
}

fn port_taken() -> wharf::model::DaemonError {
    error(DaemonErrorKind::Api, "Bind for 0.0.0.0:6379 failed: port is already allocated")
}

/// Created, but the start fails: the container is removed (by the id the create gave)
/// and the error says both what failed and that nothing is left behind.
#[tokio::test(start_paused = true)]
async fn a_failed_start_removes_the_created_container() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::ImageExists>(true);
    fake.ok::<api::CreateContainer>("c-new".into());
    fake.err::<api::ContainerAction>(port_taken());
    fake.ok::<api::ContainerAction>(());

    let error = launcher::launch(&fake, &spec(), None, &CancellationToken::new(), |_| {}).await.unwrap_err();

    assert_eq!(
        error.message, "host port 0.0.0.0:6379 is already in use, so the container could not start; wharf removed it",
        "what happened, not \"created but could not start\" about a container that is gone"
    );
    assert_eq!(error.hint.as_deref(), Some("choose another host port, or stop what holds this one"));
    assert_eq!(error.kind, DaemonErrorKind::Api);
    assert_eq!(
        fake.calls_to::<api::ContainerAction>(),
        vec![
            vec!["c-new".to_string(), "Start".to_string()],
            vec!["c-new".to_string(), "Remove { force: true, volumes: true }".to_string()]
        ]
    );
    assert_eq!(fake.calls_to::<api::CreateContainer>()[0][0], "redis:7");
    assert!(fake.calls_to::<api::PullImage>().is_empty(), "the image was there: no pull");
}

/// The clean-up fails too: the error says the container is left behind.
#[tokio::test(start_paused = true)]
async fn a_failed_clean_up_says_what_is_left() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::ImageExists>(true);
    fake.ok::<api::CreateContainer>("c-new".into());
    fake.err::<api::ContainerAction>(port_taken());
    fake.err::<api::ContainerAction>(error(DaemonErrorKind::Conflict, "removal already in progress"));

    let error = launcher::launch(&fake, &spec(), None, &CancellationToken::new(), |_| {}).await.unwrap_err();

    assert_eq!(
        error.message,
        "host port 0.0.0.0:6379 is already in use, so the container could not start; \
         wharf could not remove it: it is left in state Created"
    );
    assert_eq!(fake.calls_to::<api::ContainerAction>().len(), 2);
}

/// A start that fails for another reason says so with the daemon's words, and that
/// the container is gone.
#[tokio::test(start_paused = true)]
async fn a_start_failing_for_another_reason_says_the_container_is_gone() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::ImageExists>(true);
    fake.ok::<api::CreateContainer>("c-new".into());
    fake.err::<api::ContainerAction>(error(DaemonErrorKind::Api, "exec: \"nope\": executable file not found"));
    fake.ok::<api::ContainerAction>(());

    let error = launcher::launch(&fake, &spec(), None, &CancellationToken::new(), |_| {}).await.unwrap_err();

    assert_eq!(
        error.message,
        "the container could not start (wharf removed it): exec: \"nope\": executable file not found"
    );
}

/// An offline daemon: the pull fails to reach any registry, and the error says so
/// instead of only repeating the daemon's dial error (which goes to the hint).
#[tokio::test(start_paused = true)]
async fn a_pull_with_no_registry_reachable_says_so() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::ImageExists>(false);
    let pull = fake.feed::<api::PullImage>();
    let offline = "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host";
    pull.fail(error(DaemonErrorKind::Api, offline));
    drop(pull);

    let error = launcher::launch(&fake, &spec(), None, &CancellationToken::new(), |_| {}).await.unwrap_err();

    assert_eq!(
        error.message,
        "cannot pull redis:7: no registry is reachable (registry-1.docker.io); \
         the daemon is offline or cannot resolve or connect to it"
    );
    assert_eq!(error.hint, Some(format!("the daemon said: {offline}")));
    assert!(fake.calls_to::<api::CreateContainer>().is_empty());
}

/// A private image the registry will not give without credentials: the registry's
/// words, and where to log in (the launch form has no login prompt of its own).
#[tokio::test(start_paused = true)]
async fn a_pull_refused_for_credentials_says_how_to_log_in() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::ImageExists>(false);
    let pull = fake.feed::<api::PullImage>();
    pull.fail(error(
        DaemonErrorKind::Api,
        "Head \"http://127.0.0.1:25001/v2/app/manifests/1\": no basic auth credentials",
    ));
    drop(pull);
    let mut spec = spec();
    spec.image = "127.0.0.1:25001/app:1".into();

    let error = launcher::launch(&fake, &spec, None, &CancellationToken::new(), |_| {}).await.unwrap_err();

    assert!(error.message.starts_with("cannot pull 127.0.0.1:25001/app:1: Head"), "{}", error.message);
    assert!(error.message.ends_with("no basic auth credentials"), "{}", error.message);
    let hint = error.hint.unwrap_or_default();
    assert!(hint.starts_with("127.0.0.1:25001 wants credentials: pull it with p on the images pane"), "{hint}");
}

/// Through the runner: a missing image is pulled (progress reported), created, the
/// start fails, the container is removed, and the launch's answer says so.
#[tokio::test(start_paused = true)]
async fn a_launch_through_the_runner_pulls_then_cleans_up() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::ImageExists>(false);
    let pull = fake.feed::<api::PullImage>();
    fake.ok::<api::ImageExists>(true);
    fake.ok::<api::CreateContainer>("c-new".into());
    fake.err::<api::ContainerAction>(port_taken());
    let (tx, mut rx) = mpsc::channel(64);
    let (_slot, slot_rx) = watch::channel(Some(Arc::new(fake.clone())));
    let mut runner = EffectRunner::new(tx, slot_rx, Duration::from_secs(5));

    runner.run(Effect::Change(Change::Launch { request: RequestId(4), spec: spec(), attach: None }));
    let progress = PullProgress { layer: "a1".into(), status: "Downloading".into(), current: 5, total: 10 };
    pull.send(progress.clone());
    match next_msg(&mut rx, PATIENCE).await {
        Msg::Done(Done::PullProgress { request: RequestId(4), progress: got }) => assert_eq!(got, progress),
        other => panic!("unexpected {other:?}"),
    }
    drop(pull);

    match next_msg(&mut rx, PATIENCE).await {
        Msg::Done(Done::Launch { request: RequestId(4), result: Err(e) }) => {
            assert!(e.message.starts_with("host port 0.0.0.0:6379 is already in use"), "{e:?}");
            assert!(e.message.ends_with("wharf removed it"), "{e:?}");
        }
        other => panic!("unexpected {other:?}"),
    }
    let actions: Vec<String> = fake.calls_to::<api::ContainerAction>().into_iter().map(|a| a.join(" ")).collect();
    assert_eq!(actions, vec!["c-new Start", "c-new Remove { force: true, volumes: true }"]);
    assert_eq!(fake.calls_to::<api::PullImage>(), vec![vec!["redis:7".to_string(), String::new()]], "no credentials");
}

/// A start that works (slowly): the launch answers the new id and removes nothing.
#[tokio::test(start_paused = true)]
async fn a_start_that_works_leaves_the_container() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::ImageExists>(true);
    fake.ok::<api::CreateContainer>("c-new".into());
    fake.reply::<api::ContainerAction>(Reply::After(Duration::from_secs(1), Ok(())));

    let id = launcher::launch(&fake, &spec(), None, &CancellationToken::new(), |_| {}).await.unwrap();

    assert_eq!(id, "c-new");
    assert_eq!(fake.calls_to::<api::ContainerAction>(), vec![vec!["c-new".to_string(), "Start".to_string()]]);
}

/// A flood is read in large reads: after a wake-up that decoded many lines, the task
/// waits at least 10 ms for the next ones to gather, and as long as those lines take
/// at 20,000 a second (more than anyone reads), at most 250 ms.
#[test]
fn a_flood_is_read_in_large_reads_at_a_bounded_rate() {
    let ms = Duration::from_millis;
    assert_eq!(log_task::flood_pause(100), ms(10));
    assert_eq!(log_task::flood_pause(256), Duration::from_micros(12_800));
    assert_eq!(log_task::flood_pause(4096), Duration::from_micros(204_800));
    assert_eq!(log_task::flood_pause(1_000_000), ms(250));
}

/// A flood faster than that would fall behind. After two seconds read at a flood's
/// rate, the stream starts again with the newest 1,000 lines (`tail=1000`), what was
/// read before is sent, the pane is told it skipped ahead, and the new stream's lines
/// follow. The lines in between are never read.
#[tokio::test(start_paused = true)]
async fn a_flood_that_stays_ahead_of_the_reads_is_skipped_ahead() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let flood = fake.feed::<api::Logs>();
    let newest = fake.feed::<api::Logs>();
    for i in 0..80_000 {
        flood.send(bytes::Bytes::from(format!("old {i}\n")));
    }
    newest.send(bytes::Bytes::from_static(b"new 0\n"));
    let started = Instant::now();
    let (mut rx, _cancel) = follow(&fake, log_job(true));

    let mut read_before = 0u64;
    loop {
        match next_msg(&mut rx, PATIENCE).await {
            Msg::Stream(Streamed::LogLines { lines, .. }) => {
                assert!(lines.iter().all(|l| l.text.starts_with("old ")), "a new line before the skip was said");
                read_before += lines.len() as u64;
            }
            Msg::Stream(Streamed::LogPassedOver { count, .. }) => read_before += count,
            Msg::Stream(Streamed::LogSkippedAhead { stream: StreamId(9) }) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    let skipped_at = started.elapsed();
    assert!(skipped_at >= Duration::from_secs(2) && skipped_at < Duration::from_millis(2500), "{skipped_at:?}");
    // About 20,000 lines a second were read (the cap), not the 80,000 waiting.
    assert!((36_000..=50_000).contains(&read_before), "read {read_before} lines before skipping");
    assert_eq!(batch(&mut rx).await, ["new 0"], "the new stream's lines follow");
    let calls = fake.calls_to::<api::Logs>();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls[1][1].contains("tail: Some(1000)"), "the newest lines: {calls:?}");
}

/// A burst the reads get through (30,000 lines, a second and a half at the cap) is
/// read whole: no skip, every line sent or counted, one stream.
#[tokio::test(start_paused = true)]
async fn a_burst_read_whole_is_not_skipped() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let mut items: Vec<(Duration, Result<bytes::Bytes, wharf::model::DaemonError>)> =
        (0..30_000).map(|i| (Duration::ZERO, Ok(bytes::Bytes::from(format!("burst {i}\n"))))).collect();
    items.push((Duration::from_secs(5), Ok(bytes::Bytes::from_static(b"later\n"))));
    fake.items::<api::Logs>(items, false);
    let (mut rx, _cancel) = follow(&fake, log_job(true));

    let mut seen = 0u64;
    let mut last = String::new();
    while last != "later" {
        match next_msg(&mut rx, PATIENCE).await {
            Msg::Stream(Streamed::LogLines { lines, .. }) => {
                seen += lines.len() as u64;
                last = lines.last().map(|l| l.text.clone()).unwrap_or_default();
            }
            Msg::Stream(Streamed::LogPassedOver { count, .. }) => seen += count,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(seen, 30_001, "every line sent or counted");
    assert_eq!(fake.calls_to::<api::Logs>().len(), 1, "no skip");
}

/// `docker run --rm -it` through the runner: the wait and the attach come before the
/// start (so a container that exits at once loses nothing), keys typed before the
/// container exists reach it, the launch's answer comes before the console's first
/// message, and the exit code the wait gives ends the session.
#[tokio::test(start_paused = true)]
async fn an_it_launch_attaches_before_the_start_and_ends_with_the_waits_code() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::ImageExists>(true);
    fake.ok::<api::CreateContainer>("c-it".into());
    let (code_tx, code_rx) = tokio::sync::oneshot::channel::<i64>();
    fake.ok::<api::WaitExit>(wharf::docker::ExitWait(Box::pin(async move { Ok(code_rx.await.unwrap_or(-1)) })));
    let mut container = fake.raw::<api::Attach>();
    // The start waits a moment: typing meanwhile must not be lost.
    fake.reply::<api::ContainerAction>(Reply::After(Duration::from_secs(1), Ok(())));
    let (tx, mut rx) = mpsc::channel(64);
    let (_slot, slot_rx) = watch::channel(Some(Arc::new(fake.clone())));
    let mut runner = EffectRunner::new(tx, slot_rx, Duration::from_secs(5));
    let session = SessionId(7);
    let spec = LaunchSpec { auto_remove: true, interactive_tty: true, ..spec() };
    let attach = wharf::app::effect::AttachAtOnce { session, cols: 100, rows: 30 };
    runner.run(Effect::Change(Change::Launch { request: RequestId(5), spec, attach: Some(attach) }));
    runner.run(Effect::Stream(wharf::app::effect::Stream::ConsoleInput { session, bytes: b"ls\r".to_vec() }));

    match next_msg(&mut rx, PATIENCE).await {
        Msg::Done(Done::Launch { request: RequestId(5), result: Ok(id) }) => assert_eq!(id, "c-it"),
        other => panic!("unexpected {other:?}"),
    }
    let order: Vec<&str> = fake.calls().iter().map(|c| c.method).filter(|m| *m != "resize").collect();
    assert_eq!(order, ["image_exists", "create_container", "wait_exit", "attach", "container_action"]);
    assert_eq!(fake.calls_to::<api::WaitExit>(), vec![vec!["c-it".to_string(), "true".to_string()]], "--rm: removed");
    assert!(matches!(
        next_msg(&mut rx, PATIENCE).await,
        Msg::Stream(Streamed::ConsoleStarted { session: SessionId(7), .. })
    ));
    let mut typed = [0u8; 3];
    container.read_exact(&mut typed).await.unwrap();
    assert_eq!(&typed, b"ls\r");
    container.write_all(b"bin etc\r\n").await.unwrap();
    match next_msg(&mut rx, PATIENCE).await {
        Msg::Stream(Streamed::ConsoleOutput { session: SessionId(7), bytes }) => assert_eq!(bytes, b"bin etc\r\n"),
        other => panic!("unexpected {other:?}"),
    }
    // The TTY takes the pane's size once the container runs.
    let resize = fake.wait_for::<api::Resize>(1).await;
    assert_eq!(resize[0], ["c-it", "false", "100", "30"]);
    // `exit`: the stream ends, and the wait says how.
    drop(container);
    code_tx.send(0).unwrap();
    match next_msg(&mut rx, PATIENCE).await {
        Msg::Stream(Streamed::ConsoleEnded { session: SessionId(7), exit_code, error: None }) => {
            assert_eq!(exit_code, Some(0))
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// An image that is there needs no credentials: the lookup (perhaps a credential
/// helper) is not run.
#[tokio::test]
async fn a_launch_of_an_image_that_is_there_looks_up_no_credentials() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::ImageExists>(true);
    fake.ok::<api::CreateContainer>("c-new".into());
    fake.ok::<api::ContainerAction>(());
    let looked_up = std::sync::atomic::AtomicBool::new(false);
    let lookup = async {
        looked_up.store(true, std::sync::atomic::Ordering::SeqCst);
        None
    };
    launcher::launch_looking_up(&fake, &spec(), lookup, &CancellationToken::new(), |_| {}).await.unwrap();
    assert!(!looked_up.load(std::sync::atomic::Ordering::SeqCst));
}
