//! The file browser against a real daemon: listing a directory of a running and of a
//! stopped container (links, spaces, unicode), copying a directory out of a stopped
//! one, a file into a running one, and a 200 MB file out with progress while memory
//! stays flat. The extractor's safety against hostile archives is unit-tested beside
//! it (`src/files/extract.rs`) and through the runner with a crafted archive
//! (`tests/files_flows.rs`): the daemon itself never sends `../` entries.
//! Run by `scripts/test.sh` (see tests/live/mod.rs for why these are `#[ignore]`d).

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::time::Duration;

use live::{Labelled, address, docker, sleeper};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use wharf::app::files_task::{self, CopyInJob, CopyOutJob};
use wharf::app::msg::{Msg, Streamed};
use wharf::docker::connect;
use wharf::model::{FileText, Listing, Opened};
use wharf::state::StreamId;

const TIMEOUT: Duration = Duration::from_secs(10);

/// A sleeper with `/data` holding a directory with a space, a unicode name and a link.
fn with_files(t: &Labelled, suffix: &str) -> String {
    let id = sleeper(t, suffix);
    let script = r#"mkdir -p "/data/sp ace/inner" && printf 'hello\nworld\n' > "/data/sp ace/f.txt" \
        && printf deep > "/data/sp ace/inner/deep.txt" && printf 'ünï\n' > "/data/ünï côde.txt" \
        && ln -s "/data/sp ace" /data/link"#;
    docker(&["exec", &id, "sh", "-c", script]);
    id
}

fn names(listing: &Listing) -> Vec<String> {
    listing.entries.iter().map(|e| e.shown_name()).collect()
}

async fn list(api: &wharf::docker::BollardDocker, id: &str, path: &str) -> (String, Listing) {
    match files_task::open(api, id, path).await.unwrap() {
        (path, Opened::Dir(listing)) => (path, listing),
        other => panic!("{path} did not open as a directory: {other:?}"),
    }
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_directory_lists_in_a_running_and_a_stopped_container() {
    let t = Labelled::new("files-list");
    let id = with_files(&t, "list");
    let api = connect(&address(), TIMEOUT).await.unwrap();
    for state in ["running", "stopped"] {
        let (_, listing) = list(&api, &id, "/data").await;
        assert_eq!(names(&listing), ["sp ace", "link -> /data/sp ace", "ünï côde.txt"], "{state}");
        let link = &listing.entries[1];
        assert_eq!(link.mode_string(), "lrwxrwxrwx");
        // Opening the link opens what it points at.
        let (path, inner) = list(&api, &id, "/data/link").await;
        assert_eq!(path, "/data/sp ace");
        assert_eq!(names(&inner), ["inner", "f.txt"]);
        assert_eq!(inner.entries[1].size, 12);
        match files_task::open(&api, &id, "/data/sp ace/f.txt").await.unwrap().1 {
            Opened::File(FileText::Text { lines, .. }) => assert_eq!(lines, ["hello", "world", ""]),
            other => panic!("{other:?}"),
        }
        // The root lists too (its archive holds the whole file system).
        let (_, root) = list(&api, &id, "/").await;
        assert!(names(&root).contains(&"data".to_string()), "{:?}", names(&root));
        docker(&["stop", "-t", "0", &id]);
    }
    let error = files_task::open(&api, &id, "/no such").await.unwrap_err();
    assert!(error.message.to_lowercase().contains("no such") || error.message.contains("404"), "{error:?}");
}

/// Runs a copy to its end, collecting its progress; returns (result, progress bytes).
async fn run_copy(
    go: impl AsyncFnOnce(mpsc::Sender<Msg>, CancellationToken),
    watch: impl FnMut(),
) -> (Result<String, String>, Vec<u64>) {
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let mut watch = watch;
    let mut progress = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let receive = async {
        loop {
            let msg = tokio::time::timeout_at(deadline, rx.recv()).await.expect("the copy never ended");
            watch();
            match msg.expect("a message") {
                Msg::Stream(Streamed::CopyProgress { bytes, .. }) => progress.push(bytes),
                Msg::Stream(Streamed::CopyEnded { result, .. }) => break result,
                Msg::Stream(Streamed::CopyAsk { question, .. }) => panic!("asked: {question}"),
                _ => {}
            }
        }
    };
    let ((), result) = tokio::join!(go(tx, cancel), receive);
    (result, progress)
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_directory_copies_out_of_a_stopped_container() {
    let t = Labelled::new("files-out");
    let id = with_files(&t, "out");
    docker(&["stop", "-t", "0", &id]);
    let api = connect(&address(), TIMEOUT).await.unwrap();
    let host = tempfile::tempdir().unwrap();
    let target = host.path().join("copied ü");
    let job = CopyOutJob {
        copy: StreamId(1),
        container_id: id.clone(),
        path: "/data".into(),
        target: target.clone(),
        total: None,
        confirmed: false,
    };
    let (result, _) = run_copy(async |tx, cancel| files_task::copy_out(&api, job, &tx, &cancel).await, || {}).await;
    assert!(result.as_ref().unwrap().contains("3 files"), "{result:?}");
    assert_eq!(std::fs::read_to_string(target.join("sp ace/f.txt")).unwrap(), "hello\nworld\n");
    assert_eq!(std::fs::read_to_string(target.join("sp ace/inner/deep.txt")).unwrap(), "deep");
    assert_eq!(std::fs::read_to_string(target.join("ünï côde.txt")).unwrap(), "ünï\n");
    assert_eq!(std::fs::read_link(target.join("link")).unwrap(), std::path::Path::new("/data/sp ace"));
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_file_copies_into_a_running_container() {
    let t = Labelled::new("files-in");
    let id = sleeper(&t, "in");
    let api = connect(&address(), TIMEOUT).await.unwrap();
    let host = tempfile::tempdir().unwrap();
    let file = host.path().join("hé llo.txt");
    std::fs::write(&file, "from the host\n").unwrap();
    let job = CopyInJob {
        copy: StreamId(2),
        container_id: id.clone(),
        dir: "/tmp".into(),
        host: file,
        name: "hé llo.txt".into(),
        confirmed: false,
    };
    let (result, _) = run_copy(async |tx, cancel| files_task::copy_in(&api, job, &tx, &cancel).await, || {}).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(docker(&["exec", &id, "cat", "/tmp/hé llo.txt"]), "from the host");
}

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_200_mb_file_copies_out_with_progress_and_flat_memory() {
    const SIZE: u64 = 200 * 1024 * 1024;
    let t = Labelled::new("files-big");
    let id = sleeper(&t, "big");
    docker(&["exec", &id, "dd", "if=/dev/urandom", "of=/big file", "bs=1048576", "count=200"]);
    let api = connect(&address(), TIMEOUT).await.unwrap();
    let host = tempfile::tempdir().unwrap();
    let target = host.path().join("big");
    let job = CopyOutJob {
        copy: StreamId(3),
        container_id: id.clone(),
        path: "/big file".into(),
        target: target.clone(),
        total: Some(SIZE),
        confirmed: false,
    };
    let before = resident_kib();
    let mut peak = before;
    let (result, progress) = run_copy(
        async |tx, cancel| files_task::copy_out(&api, job, &tx, &cancel).await,
        || peak = peak.max(resident_kib()),
    )
    .await;
    peak = peak.max(resident_kib());
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(std::fs::metadata(&target).unwrap().len(), SIZE);
    assert!(progress.len() >= 2, "progress was reported: {progress:?}");
    assert!(progress.windows(2).all(|w| w[0] <= w[1]) && progress.last() <= Some(&SIZE), "{progress:?}");
    let growth_mib = (peak - before) / 1024;
    assert!(growth_mib < 64, "resident memory grew by {growth_mib} MiB copying {} MiB", SIZE >> 20);
    eprintln!("copied 200 MiB; resident memory grew by {growth_mib} MiB; {} progress reports", progress.len());
}
