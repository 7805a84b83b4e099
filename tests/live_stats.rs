//! Stats against a real daemon: a container burning CPU shows it, the cheap one-shot
//! readings make a figure from two samples, and disk usage reads.
//! Run by `scripts/test.sh` (see tests/live/mod.rs for why these are `#[ignore]`d).

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::time::Duration;

use futures::StreamExt;
use live::{BUSYBOX, Labelled, address, docker};
use wharf::docker::{DockerApi, connect};
use wharf::model::figures;

const TIMEOUT: Duration = Duration::from_secs(10);

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_container_burning_cpu_shows_it() {
    let t = Labelled::new("stats-burn");
    let id = docker(&["run", "-d", "--label", &t.label, BUSYBOX, "sh", "-c", "while :; do :; done"]);
    let api = connect(&address(), TIMEOUT).await.unwrap();

    // Two one-shot readings a second apart make the figure.
    let first = api.stats_once(&id).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let second = api.stats_once(&id).await.unwrap();
    let f = figures(Some(&first), &second);
    let cpu = f.cpu_percent.expect("a CPU figure from two readings");
    // Well above an idle container's ~0%, and below what a loaded 2-core machine can
    // still give it.
    assert!(cpu > 5.0, "a busy loop uses a CPU: {cpu}%");
    assert!(f.mem_used > 0 && f.mem_limit > f.mem_used, "{f:?}");

    // A streamed reading carries its own previous pair.
    let mut stream = api.stats_stream(&id);
    let streamed = tokio::time::timeout(TIMEOUT, async {
        loop {
            let sample = stream.next().await.expect("readings").expect("a reading");
            if let Some(cpu) = figures(None, &sample).cpu_percent {
                return cpu;
            }
        }
    })
    .await
    .unwrap();
    assert!(streamed > 5.0, "{streamed}%");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn disk_usage_reads_from_the_daemon() {
    let api = connect(&address(), TIMEOUT).await.unwrap();
    let usage = api.disk_usage().await.unwrap();
    assert!(usage.images > 0, "the test images take space: {usage:?}");
}
