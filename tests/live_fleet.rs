//! The hosts overview on the three-engine test bed (`scripts/testbed.sh`): three real
//! engines reached over tcp, TLS with client certificates and ssh, each watched on its
//! own. A host cut off from the network is marked within seconds while the other two go
//! on updating, and is back by itself once healed; a hung engine (SIGSTOP) is marked as
//! not answering, and is back once it runs again. The timings go to
//! /tmp/wharf-testbed/timings.log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod testbed;

use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use wharf::app::msg::Msg;
use wharf::docker::connect;
use wharf::model::DaemonErrorKind;
use wharf::state::{FleetRow, FleetState, FleetStatus};

/// wharf's default request timeout.
const TIMEOUT: Duration = Duration::from_secs(5);
/// What "within a few seconds" means here: the heartbeat (every 2 s, 4 s to answer)
/// says 6 s; a loaded machine gets some slack.
const MARKED_WITHIN: Duration = Duration::from_secs(12);
/// Back after a heal: the next attempt comes within the backoff (at most 10 s), plus
/// a connect.
const BACK_WITHIN: Duration = Duration::from_secs(25);

struct Watched {
    fleet: FleetState,
    rx: mpsc::Receiver<Msg>,
    cancel: CancellationToken,
    _stats: watch::Sender<bool>,
    started: Instant,
}

impl Watched {
    /// The three hosts watched as `main` watches the config's hosts, stats on.
    fn start() -> Self {
        let (tx, rx) = mpsc::channel(256);
        let cancel = CancellationToken::new();
        let (stats, stats_wanted) = watch::channel(true);
        let hosts: Vec<(String, wharf::model::DaemonAddress)> =
            (1..=3).map(|n| (format!("tb{n}"), testbed::address(n))).collect();
        for (i, (_, address)) in hosts.iter().enumerate() {
            let address = address.clone();
            let connect_once = move || {
                let address = address.clone();
                async move { connect(&address, TIMEOUT).await }
            };
            tokio::spawn(wharf::app::fleet::watch(
                i,
                connect_once,
                TIMEOUT,
                stats_wanted.clone(),
                tx.clone(),
                cancel.clone(),
            ));
        }
        Self { fleet: FleetState::new(hosts), rx, cancel, _stats: stats, started: Instant::now() }
    }

    /// Applies reports until `done` holds; how long it took, or `None` after `within`.
    async fn until(&mut self, within: Duration, done: impl Fn(&FleetState) -> bool) -> Option<Duration> {
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + within;
        while !done(&self.fleet) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(Msg::Fleet { host, report })) => {
                    let now = self.started.elapsed().as_secs() as i64 + 1;
                    self.fleet.apply(host, report, now);
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return None,
            }
        }
        Some(started.elapsed())
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

fn has(fleet: &FleetState, host: usize, name: &str) -> bool {
    fleet
        .rows
        .items()
        .iter()
        .any(|r| matches!(r, FleetRow::Container { host: h, row, .. } if *h == host && row.name == name))
}

fn label(fleet: &FleetState, host: usize) -> &'static str {
    fleet.hosts[host].status.label()
}

/// Runs the docker CLI off the test's runtime, so the watchers keep running meanwhile.
async fn on_host(n: usize, restore_label: &str, name: &str) {
    let (label, name) = (restore_label.to_string(), name.to_string());
    tokio::task::spawn_blocking(move || {
        testbed::docker(
            n,
            &[
                "run",
                "-d",
                "--network",
                "none",
                "--label",
                &label,
                "--name",
                &name,
                "wharf-test/busybox",
                "sleep",
                "600",
            ],
        )
    })
    .await
    .unwrap();
}

async fn bed(args: &'static [&'static str]) {
    tokio::task::spawn_blocking(move || testbed::bed(args)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the test bed (scripts/testbed.sh start)"]
async fn a_host_cut_off_or_hung_is_marked_within_seconds_while_the_others_update() {
    let _bed = testbed::take().await;
    let restore = testbed::Restore::new("fleet");
    let pid = std::process::id();
    let mut w = Watched::start();
    let all_up = |f: &FleetState| f.hosts.iter().all(|h| matches!(h.status, FleetStatus::Up { .. }));
    let took = w.until(Duration::from_secs(30), all_up).await;
    assert!(took.is_some(), "not all three up: {:?}", w.fleet.hosts.iter().map(|h| &h.status).collect::<Vec<_>>());
    testbed::record("three hosts up (tcp, TLS, ssh)", took.unwrap());
    for n in 1..=3 {
        on_host(n, &restore.label, &format!("wharf-tb-{pid}-a{n}")).await;
    }
    let seen =
        w.until(Duration::from_secs(20), |f| (0..3).all(|i| has(f, i, &format!("wharf-tb-{pid}-a{}", i + 1)))).await;
    assert!(seen.is_some(), "a container on each host, seen by its watcher");
    // Stats of each host's running containers come in (the overview is "on screen").
    let stats = w
        .until(Duration::from_secs(20), |f| f.hosts.iter().all(|h| h.stats.sampled >= 1 && h.stats.mem_used > 0))
        .await;
    assert!(stats.is_some(), "stats per host: {:?}", w.fleet.hosts.iter().map(|h| &h.stats).collect::<Vec<_>>());

    // tb1 cut off: marked within seconds; tb2 and tb3 go on updating meanwhile.
    bed(&["cut", "1"]).await;
    let cut_at = Instant::now();
    on_host(2, &restore.label, &format!("wharf-tb-{pid}-b2")).await;
    on_host(3, &restore.label, &format!("wharf-tb-{pid}-b3")).await;
    let marked = w.until(MARKED_WITHIN, |f| label(f, 0) != "up").await;
    assert!(marked.is_some(), "tb1 cut off for {:?}, still {}", cut_at.elapsed(), label(&w.fleet, 0));
    testbed::record("cut off (tcp) -> marked", cut_at.elapsed());
    let others = w
        .until(Duration::from_secs(15), |f| {
            has(f, 1, &format!("wharf-tb-{pid}-b2")) && has(f, 2, &format!("wharf-tb-{pid}-b3"))
        })
        .await;
    assert!(others.is_some(), "tb2 and tb3 kept updating while tb1 was cut off");
    assert!(
        matches!(w.fleet.hosts[1].status, FleetStatus::Up { .. })
            && matches!(w.fleet.hosts[2].status, FleetStatus::Up { .. })
    );
    let FleetStatus::Down { error } = &w.fleet.hosts[0].status else { panic!("tb1 is down") };
    assert!(matches!(error.kind, DaemonErrorKind::Timeout | DaemonErrorKind::Unreachable), "{error}");
    assert!(w.fleet.hosts[0].stats.sampled == 0, "no stale figures for a host that is down");

    // Healed: back by itself, with what it had.
    bed(&["heal", "1"]).await;
    let healed_at = Instant::now();
    let back = w.until(BACK_WITHIN, |f| label(f, 0) == "up" && has(f, 0, &format!("wharf-tb-{pid}-a1"))).await;
    assert!(back.is_some(), "tb1 healed {:?} ago, still {}", healed_at.elapsed(), label(&w.fleet, 0));
    testbed::record("healed (tcp) -> up", healed_at.elapsed());

    // tb3 (ssh) cut off: marked as well.
    bed(&["cut", "3"]).await;
    let cut_at = Instant::now();
    let marked = w.until(MARKED_WITHIN, |f| label(f, 2) != "up").await;
    assert!(marked.is_some(), "tb3 (ssh) cut off for {:?}, still {}", cut_at.elapsed(), label(&w.fleet, 2));
    testbed::record("cut off (ssh) -> marked", cut_at.elapsed());
    bed(&["heal", "3"]).await;
    let healed_at = Instant::now();
    assert!(w.until(BACK_WITHIN, |f| label(f, 2) == "up").await.is_some(), "tb3 back after the heal");
    testbed::record("healed (ssh) -> up", healed_at.elapsed());

    // tb2's engine hangs (SIGSTOP): "not answering", the others up.
    bed(&["pause", "2"]).await;
    let paused_at = Instant::now();
    let marked = w.until(MARKED_WITHIN, |f| label(f, 1) == "not answering").await;
    assert!(marked.is_some(), "tb2 paused for {:?}, still {}", paused_at.elapsed(), label(&w.fleet, 1));
    testbed::record("engine paused (TLS) -> not answering", paused_at.elapsed());
    assert_eq!((label(&w.fleet, 0), label(&w.fleet, 2)), ("up", "up"));
    bed(&["resume", "2"]).await;
    let resumed_at = Instant::now();
    assert!(w.until(BACK_WITHIN, |f| label(f, 1) == "up").await.is_some(), "tb2 back after resume");
    testbed::record("engine resumed (TLS) -> up", resumed_at.elapsed());
}
