//! The hosts' watchers against scripted daemons: a host that hangs is marked within a
//! few seconds while another goes on updating, and comes back by itself; stats are read
//! only while the overview is on screen.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fake;

use std::time::Duration;

use fake::{FakeDocker, Reply, api, container};
use futures::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use wharf::app::fleet::{STATS_EVERY, watch as watch_host};
use wharf::app::msg::Msg;
use wharf::model::{DaemonErrorKind, DaemonEvent, EventKind, FleetReport, StatsSample};

const PATIENCE: Duration = Duration::from_secs(600);
const TIMEOUT: Duration = Duration::from_secs(5);

fn spawn_watcher(host: usize, fake: &FakeDocker, stats: watch::Receiver<bool>, tx: mpsc::Sender<Msg>) {
    let fake = fake.clone();
    let connect = move || {
        let fake = fake.clone();
        async move { Ok(fake) }
    };
    tokio::spawn(watch_host(host, connect, TIMEOUT, stats, tx, CancellationToken::new()));
}

/// The next report about `host` (others are skipped).
async fn next_report(rx: &mut mpsc::Receiver<Msg>, host: usize) -> FleetReport {
    loop {
        match tokio::time::timeout(PATIENCE, rx.recv()).await.expect("a report in time").expect("open") {
            Msg::Fleet { host: h, report } if h == host => return report,
            _ => {}
        }
    }
}

fn started(id: &str) -> DaemonEvent {
    DaemonEvent { kind: EventKind::Container, action: "start".into(), id: id.into(), ..Default::default() }
}

#[tokio::test(start_paused = true)]
async fn a_hung_host_is_marked_within_seconds_while_another_goes_on_updating() {
    let (tx, mut rx) = mpsc::channel(64);
    let (_stats, stats_rx) = watch::channel(false);
    let hung = FakeDocker::new("tcp://10.0.0.1:2375");
    hung.always_stream::<api::Events>(|| futures::stream::pending().boxed());
    hung.always_ok::<api::ListContainers>(vec![container("a", "a", 0)]);
    let busy = FakeDocker::new("tcp://10.0.0.2:2375");
    let events = busy.feed::<api::Events>();
    busy.always_ok::<api::ListContainers>(vec![container("b", "b", 0)]);
    spawn_watcher(0, &hung, stats_rx.clone(), tx.clone());
    spawn_watcher(1, &busy, stats_rx, tx);
    assert!(matches!(next_report(&mut rx, 0).await, FleetReport::Up { .. }));
    assert!(matches!(next_report(&mut rx, 1).await, FleetReport::Up { .. }));

    hung.always::<api::Ping>(|| Reply::Never);
    let hung_at = Instant::now();
    // Meanwhile the other host's events still bring fresh lists.
    events.send(started("b"));
    let mut other_updated = false;
    let error = loop {
        match tokio::time::timeout(PATIENCE, rx.recv()).await.unwrap().unwrap() {
            Msg::Fleet { host: 1, report: FleetReport::Up { .. } } => other_updated = true,
            Msg::Fleet { host: 0, report: FleetReport::Down { error } } => break error,
            _ => {}
        }
    };
    let noticed = Instant::now() - hung_at;
    assert_eq!(error.kind, DaemonErrorKind::Timeout, "{error}");
    assert!(error.message.contains("stopped answering"), "{error}");
    assert!(noticed <= Duration::from_secs(6), "marked after {noticed:?}");
    assert!(other_updated, "the other host's list was not refreshed meanwhile");

    // It answers again: up by itself.
    hung.always::<api::Ping>(|| Reply::ok(()));
    loop {
        if let FleetReport::Up { containers, .. } = next_report(&mut rx, 0).await {
            assert_eq!(containers[0].id, "a");
            break;
        }
    }
}

#[tokio::test(start_paused = true)]
async fn stats_are_read_only_while_the_overview_is_on_screen() {
    let (tx, mut rx) = mpsc::channel(64);
    let (stats, stats_rx) = watch::channel(false);
    let fake = FakeDocker::new("tcp://10.0.0.1:2375");
    fake.always_stream::<api::Events>(|| futures::stream::pending().boxed());
    fake.always_ok::<api::ListContainers>(vec![container("a", "a", 0), container("b", "b", 0)]);
    fake.always_ok::<api::StatsOnce>(StatsSample { mem_used: 1000, ..Default::default() });
    spawn_watcher(0, &fake, stats_rx, tx);
    assert!(matches!(next_report(&mut rx, 0).await, FleetReport::Up { .. }));

    // Off screen: not one reading in half a minute.
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert!(fake.calls_to::<api::StatsOnce>().is_empty());

    // On screen: one reading of each running container at once, then every few seconds.
    stats.send_replace(true);
    let shown_at = Instant::now();
    match next_report(&mut rx, 0).await {
        FleetReport::Stats { samples } => {
            let ids: Vec<&str> = samples.iter().map(|(id, _)| id.as_str()).collect();
            assert_eq!(ids, ["a", "b"]);
        }
        other => panic!("expected stats, got {other:?}"),
    }
    assert!(Instant::now() - shown_at < Duration::from_secs(1));
    assert!(matches!(next_report(&mut rx, 0).await, FleetReport::Stats { .. }));
    let second = Instant::now() - shown_at;
    assert!(second >= STATS_EVERY && second < STATS_EVERY + Duration::from_secs(1), "{second:?}");

    // Off again: no more readings.
    stats.send_replace(false);
    let calls = fake.calls_to::<api::StatsOnce>().len();
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(fake.calls_to::<api::StatsOnce>().len(), calls);
}
