//! The hosts overview on the three-engine test bed (`scripts/testbed.sh`): three real
//! engines reached over tcp, TLS with client certificates and ssh, each watched on its
//! own. A host cut off from the network is marked within seconds while the other two go
//! on updating, and is back by itself once healed; a hung engine (SIGSTOP) is marked as
//! not answering, and is back once it runs again; a stopped engine is marked down, and
//! is back by itself once started. The timings go to
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

    engine_stopped_and_started(&mut w, &restore).await;
}

/// tb1's engine stopped (its socket gone, its port closed): "down" within seconds while
/// tb2 and tb3 go on updating; started again, tb1 is back by itself, and what changes
/// on it after the restart shows (its list and events are live again, not a last copy).
async fn engine_stopped_and_started(w: &mut Watched, restore: &testbed::Restore) {
    let pid = std::process::id();
    let stopped_at = Instant::now();
    // Stopped off the runtime: the mark may come before the script returns.
    let stopping = tokio::task::spawn_blocking(|| testbed::bed(&["stop-engine", "1"]));
    let marked = w.until(MARKED_WITHIN, |f| label(f, 0) == "down").await;
    assert!(marked.is_some(), "tb1's engine stopped {:?} ago, still {}", stopped_at.elapsed(), label(&w.fleet, 0));
    testbed::record("engine stopped (tcp) -> down", stopped_at.elapsed());
    stopping.await.unwrap();
    let FleetStatus::Down { error } = &w.fleet.hosts[0].status else { unreachable!() };
    assert_eq!(error.kind, DaemonErrorKind::Unreachable, "a stopped engine is unreachable, not slow: {error}");
    on_host(2, &restore.label, &format!("wharf-tb-{pid}-c2")).await;
    on_host(3, &restore.label, &format!("wharf-tb-{pid}-c3")).await;
    let others = w
        .until(Duration::from_secs(15), |f| {
            has(f, 1, &format!("wharf-tb-{pid}-c2")) && has(f, 2, &format!("wharf-tb-{pid}-c3"))
        })
        .await;
    assert!(others.is_some(), "tb2 and tb3 kept updating while tb1's engine was stopped");
    assert_eq!((label(&w.fleet, 1), label(&w.fleet, 2)), ("up", "up"));

    bed(&["start-engine", "1"]).await;
    let started_at = Instant::now();
    let back = w.until(BACK_WITHIN, |f| label(f, 0) == "up").await;
    assert!(back.is_some(), "tb1's engine started {:?} ago, still {}", started_at.elapsed(), label(&w.fleet, 0));
    testbed::record("engine started (tcp) -> up", started_at.elapsed());
    on_host(1, &restore.label, &format!("wharf-tb-{pid}-c1")).await;
    let live = w.until(Duration::from_secs(15), |f| has(f, 0, &format!("wharf-tb-{pid}-c1"))).await;
    assert!(live.is_some(), "a container made on tb1 after the restart shows: its watcher resubscribed");
}

// ------------------------------------------------------------------ the swarm

mod live;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use live::headless::App;
use wharf::state::{AppState, Connection, Modal, Pane};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(c_code(c), KeyModifiers::NONE))
}

fn c_code(c: char) -> KeyCode {
    KeyCode::Char(c)
}

/// Runs the app until `done`, ticking as the event loop does (the swarm panes poll on
/// ticks); how long it took.
async fn ticking(app: &mut App, within: Duration, done: impl Fn(&AppState) -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < within {
        if app.run_until(Duration::from_millis(500), &done).await.is_some() {
            return Some(started.elapsed());
        }
        app.send(Msg::Tick { now: wharf::app::event_loop_now() });
    }
    None
}

/// The node a task runs on, by hostname, as the tasks pane shows it.
fn task_nodes(state: &AppState) -> Vec<String> {
    let mut nodes: Vec<String> = state
        .swarm
        .tasks
        .items()
        .iter()
        .filter(|t| t.state == "running" && t.desired_state == "running")
        .map(|t| state.swarm.hostname(&t.node_id).unwrap_or("?").to_string())
        .collect();
    nodes.sort();
    nodes
}

fn node<'a>(state: &'a AppState, hostname: &str) -> Option<&'a wharf::model::NodeRow> {
    state.swarm.nodes.items().iter().find(|n| n.hostname == hostname)
}

fn leader(state: &AppState) -> Option<String> {
    state.swarm.nodes.items().iter().find(|n| n.manager_status == "leader").map(|n| n.hostname.clone())
}

/// Selects the service named `name` in the services pane.
fn select_service(app: &mut App, name: &str) {
    let pos = app.state.swarm.services.visible().position(|s| s.name == name).expect("the service is listed");
    app.state.swarm.services.select_visible(pos);
    app.send(Msg::Tick { now: wharf::app::event_loop_now() });
}

/// The logs of a task running on another node than wharf's come through the service's
/// logs: from the service's row, and from the task's row (its container is not on this
/// node, so wharf cannot read it as a container).
async fn logs_of_a_task_on_another_node(a: &mut App, far: &str, marker: &str) {
    let asked = Instant::now();
    a.send(key('9'));
    select_service(a, far);
    let placed = ticking(a, Duration::from_secs(30), |s| task_nodes(s) == ["wharf-tb2"]).await;
    assert!(placed.is_some(), "the pinned task runs on tb2: {:?}", task_nodes(&a.state));
    assert!(
        !a.state.containers.list.items().iter().any(|c| c.name.starts_with(far)),
        "its container is not on the node wharf is connected to"
    );
    let has_marker = |s: &AppState| s.logs.buffer.iter().any(|(_, l)| l.text.contains(marker));
    a.send(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    assert_eq!(a.state.screen.focus, Pane::Tasks);
    assert!(a.state.logs.sources.first().is_some_and(|s| s.service.is_some()), "the service's logs");
    a.run_until(Duration::from_secs(20), has_marker).await.expect("the far task's marker, through the service logs");
    testbed::record("task on another node -> its logs through the service", asked.elapsed());
    // Enter on the task's row: the same, since its container is elsewhere.
    a.send(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    assert!(a.state.logs.sources.first().is_some_and(|s| s.service.is_some()), "the task's logs via its service");
    a.run_until(Duration::from_secs(20), has_marker).await.expect("the far task's marker, from its task row");
}

/// Leaves the swarm on every engine (services and overlay networks go with it), and
/// heals and resumes every host, whatever happened to the test.
struct LeaveSwarm;

impl Drop for LeaveSwarm {
    fn drop(&mut self) {
        for n in 1..=3 {
            let _ = testbed::try_docker(n, &["node", "update", "--availability", "active", &format!("wharf-tb{n}")]);
        }
        let _ = std::process::Command::new(testbed::env()["WHARF_TESTBED"].clone()).arg("swarm-leave").output();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the test bed (scripts/testbed.sh start)"]
async fn a_three_manager_swarm_drains_loses_a_node_and_its_leader() {
    let _bed = testbed::take().await;
    let _restore = testbed::Restore::new("swarm");
    let _leave = LeaveSwarm;
    // A fresh swarm: tb1 makes it (so it leads), tb2 and tb3 join as managers.
    let started = Instant::now();
    bed(&["swarm-leave"]).await;
    bed(&["swarm"]).await;
    testbed::record("three-manager swarm made", started.elapsed());
    let pid = std::process::id();
    let (rep, glob, net) = (format!("wharf-rep-{pid}"), format!("wharf-glob-{pid}"), format!("wharf-ov-{pid}"));
    // Pinned to tb2, a node wharf (on tb3) is not connected to; its first line a marker.
    let (far, marker) = (format!("wharf-far-{pid}"), format!("far-marker-{pid}"));
    {
        let (rep, glob, net, far, marker) = (rep.clone(), glob.clone(), net.clone(), far.clone(), marker.clone());
        tokio::task::spawn_blocking(move || {
            // Beats every second, so a node cut off is found down in seconds.
            testbed::docker(1, &["swarm", "update", "--dispatcher-heartbeat", "1s"]);
            testbed::docker(1, &["network", "create", "-d", "overlay", "--attachable", &net]);
            // No published ports and DNS round robin: this kernel has no IPVS.
            let common = ["--detach", "--stop-grace-period", "1s", "--endpoint-mode", "dnsrr", "--network", &net];
            testbed::docker(
                1,
                &[
                    &["service", "create"][..],
                    &common,
                    &[
                        "--name",
                        &rep,
                        "--replicas",
                        "3",
                        "--replicas-max-per-node",
                        "2",
                        "wharf-test/busybox",
                        "sleep",
                        "3600",
                    ],
                ]
                .concat(),
            );
            testbed::docker(
                1,
                &[
                    &["service", "create"][..],
                    &common,
                    &["--name", &glob, "--mode", "global", "wharf-test/busybox", "sleep", "3600"],
                ]
                .concat(),
            );
            let script = format!("echo {marker}; while sleep 1; do echo far-tick; done");
            testbed::docker(
                1,
                &[
                    &["service", "create"][..],
                    &common,
                    &["--name", &far, "--constraint", "node.hostname==wharf-tb2"],
                    &["wharf-test/busybox", "sh", "-c", &script],
                ]
                .concat(),
            );
        })
        .await
        .unwrap();
    }

    // wharf on tb3 (a manager that stays up), plain TCP.
    let tb3 = testbed::env()["WHARF_TB3_TCP_HOST"].clone();
    let mut a = App::start(&tb3);
    a.run_until(Duration::from_secs(20), |s| s.refresh.loaded).await.expect("connected to tb3");
    a.send(key('9'));
    let spread = ticking(&mut a, Duration::from_secs(40), |s| {
        s.swarm.services.items().iter().any(|v| v.name == rep && v.running == 3)
            && s.swarm.services.items().iter().any(|v| v.name == glob && v.running == 3)
    })
    .await;
    assert!(spread.is_some(), "3/3 and global 3: {:?}", a.state.swarm.services.items());
    testbed::record("services running (3 replicas, global on 3 nodes)", started.elapsed());
    select_service(&mut a, &glob);
    let global =
        ticking(&mut a, Duration::from_secs(20), |s| task_nodes(s) == ["wharf-tb1", "wharf-tb2", "wharf-tb3"]).await;
    assert!(global.is_some(), "the global service's tasks name their three nodes: {:?}", task_nodes(&a.state));
    select_service(&mut a, &rep);
    let spread_nodes = ticking(&mut a, Duration::from_secs(20), |s| task_nodes(s).len() == 3).await;
    assert!(spread_nodes.is_some());
    let nodes = task_nodes(&a.state);
    let mut distinct = nodes.clone();
    distinct.dedup();
    assert!(distinct.len() >= 2, "replicas spread over the nodes: {nodes:?}");
    logs_of_a_task_on_another_node(&mut a, &far, &marker).await;

    // Drain tb2 from the keys: its tasks move to the others, as the daemon reports them.
    a.send(key('0'));
    ticking(&mut a, Duration::from_secs(10), |s| node(s, "wharf-tb2").is_some()).await.expect("nodes listed");
    let pos = a.state.swarm.nodes.visible().position(|n| n.hostname == "wharf-tb2").unwrap();
    a.state.swarm.nodes.select_visible(pos);
    a.send(key('d'));
    assert!(matches!(a.state.screen.modal, Some(Modal::Confirm(_))), "drain asks first");
    a.send(key('y'));
    let drained_at = Instant::now();
    ticking(&mut a, Duration::from_secs(10), |s| node(s, "wharf-tb2").is_some_and(|n| n.availability == "drain"))
        .await
        .expect("tb2 shown drained");
    a.send(key('9'));
    select_service(&mut a, &rep);
    let moved = ticking(&mut a, Duration::from_secs(30), |s| {
        let nodes = task_nodes(s);
        nodes.len() == 3 && !nodes.iter().any(|n| n == "wharf-tb2")
    })
    .await;
    assert!(moved.is_some(), "tasks left the drained node: {:?}", task_nodes(&a.state));
    testbed::record("drain from the keys -> tasks moved", drained_at.elapsed());
    let tb3_api = tokio::task::spawn_blocking(|| {
        testbed::docker(1, &["node", "update", "--availability", "active", "wharf-tb2"])
    });
    tb3_api.await.unwrap();

    // wharf on tb1 too: the leader, which is about to be cut off.
    let tb1 = testbed::env()["WHARF_TB1_HOST"].clone();
    let mut b = App::start(&tb1);
    b.state.fleet = FleetState::new((1..=3).map(|n| (format!("tb{n}"), testbed::address(n))).collect());
    b.run_until(Duration::from_secs(20), |s| s.refresh.loaded).await.expect("connected to tb1");
    b.send(key('0'));
    ticking(&mut b, Duration::from_secs(10), |s| leader(s).as_deref() == Some("wharf-tb1")).await.expect("tb1 leads");

    // The leader cut off: wharf on tb3 shows it down and the leader moved, and keeps
    // working; its tasks are rescheduled.
    a.send(key('0'));
    bed(&["cut", "1"]).await;
    let cut_at = Instant::now();

    // First, wharf on the lost leader says so and offers the other managers.
    let lost = ticking(&mut b, Duration::from_secs(20), |s| matches!(s.connection, Connection::Down { .. })).await;
    assert!(lost.is_some(), "wharf on tb1 noticed it is gone");
    testbed::record("manager cut off -> wharf on it says so", cut_at.elapsed());
    let mut offered: Vec<String> = wharf::state::other_managers(&b.state).iter().map(|n| n.hostname.clone()).collect();
    offered.sort();
    assert_eq!(offered, ["wharf-tb2", "wharf-tb3"]);
    b.send(key('C'));
    ticking(&mut b, Duration::from_secs(10), |s| {
        matches!(&s.screen.modal, Some(Modal::Endpoints { choices: Some(_), .. }))
    })
    .await
    .expect("the picker lists choices");
    let Some(Modal::Endpoints { choices: Some(choices), .. }) = &b.state.screen.modal else { unreachable!() };
    let tb2 = choices.iter().find(|c| c.origin.contains("swarm manager wharf-tb2")).expect("tb2 offered");
    assert_eq!(tb2.address, testbed::address(2), "tb2 as wharf knows it, with its TLS files");
    let tb3_choice = choices.iter().find(|c| c.origin.contains("swarm manager wharf-tb3")).expect("tb3 offered");
    assert!(tb3_choice.address.host.contains(&testbed::ip(3)), "{tb3_choice:?}");
    assert!(!choices.iter().any(|c| c.origin.contains("swarm manager wharf-tb1")));
    b.send(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    assert_eq!(b.state.screen.main_pane, Pane::Nodes);

    let moved = ticking(&mut a, Duration::from_secs(40), |s| leader(s).is_some_and(|l| l != "wharf-tb1")).await;
    assert!(moved.is_some(), "the leader moved: {:?}", a.state.swarm.nodes.items());
    testbed::record("leader cut off -> new leader shown", cut_at.elapsed());
    let down =
        ticking(&mut a, Duration::from_secs(40), |s| node(s, "wharf-tb1").is_some_and(|n| n.status == "down")).await;
    assert!(down.is_some(), "tb1 shown down: {:?}", node(&a.state, "wharf-tb1"));
    testbed::record("node cut off -> shown down", cut_at.elapsed());
    a.send(key('9'));
    select_service(&mut a, &rep);
    let rescheduled = ticking(&mut a, Duration::from_secs(40), |s| {
        let nodes = task_nodes(s);
        nodes.len() == 3 && !nodes.iter().any(|n| n == "wharf-tb1")
    })
    .await;
    assert!(rescheduled.is_some(), "tasks rescheduled off tb1: {:?}", task_nodes(&a.state));
    testbed::record("node cut off -> its tasks rescheduled", cut_at.elapsed());
    assert!(a.state.is_connected(), "wharf on a surviving manager stays connected");

    bed(&["heal", "1"]).await;
    let healed_at = Instant::now();
    let back =
        ticking(&mut a, Duration::from_secs(40), |s| node(s, "wharf-tb1").is_some_and(|n| n.status == "ready")).await;
    assert!(back.is_some(), "tb1 ready again");
    testbed::record("healed -> node shown ready", healed_at.elapsed());
}
