//! The whole app (supervisor, runner, update) against a real daemon, without a terminal.
//! Run by `scripts/test.sh` (see tests/live/mod.rs for why these are `#[ignore]`d).

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::time::Duration;

use crossterm::event::KeyCode;
use live::headless::App;
use live::{BUSYBOX, Forwarder, Labelled, daemon_socket, docker, host};
use wharf::app::msg::Msg;
use wharf::state::Connection;

/// These tests count requests and time answers, and each creates containers whose
/// events every other app on the daemon hears: they run one at a time, or one test's
/// containers would be counted in another's figures.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn key(c: char) -> Msg {
    Msg::Key(crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::NONE))
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn the_dashboard_follows_another_client_within_a_second() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let t = Labelled::new("follow");
    let mut app = App::start(&host());
    app.run_until(Duration::from_secs(10), |s| s.refresh.loaded).await.expect("the first lists arrive");
    assert!(matches!(app.state.connection, Connection::Connected(_)));

    let name = t.name("outside");
    let id = docker(&["run", "-d", "--label", &t.label, "--name", &name, BUSYBOX, "sleep", "60"]);
    let took = app
        .run_until(Duration::from_secs(5), |s| {
            s.containers.list.items().iter().any(|c| c.id == id && c.state.is_running())
        })
        .await
        .expect("the container shows up");
    assert!(took < Duration::from_secs(1), "shown {took:?} after `docker run` returned");

    docker(&["stop", "-t", "0", &id]);
    app.run_until(Duration::from_secs(5), |s| {
        s.containers.list.items().iter().any(|c| c.id == id && !c.state.is_running())
    })
    .await
    .expect("the stop shows up");
    docker(&["rm", &id]);
    app.run_until(Duration::from_secs(5), |s| !s.containers.list.items().iter().any(|c| c.id == id))
        .await
        .expect("the removal shows up");
    // Events, not polling: far fewer list requests than events would be with a poll.
    let lists = app.seen.iter().filter(|m| m.starts_with("Answer(Containers")).count();
    assert!((1..=12).contains(&lists), "{lists} container list answers for a handful of events");
}

/// The daemon announces a pause (and a death) a moment before its list shows it: the
/// list those events ask for can come back stale. Each change still shows within a few
/// seconds, not at the next safety-net poll (30 s).
#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn pauses_and_deaths_by_another_client_show_within_seconds() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let t = Labelled::new("settle");
    let id = live::sleeper(&t, "p");
    let mut app = App::start(&host());
    let shown = |state: &'static str| {
        let id = id.clone();
        move |s: &wharf::state::AppState| {
            s.containers.list.items().iter().any(|c| c.id == id && c.state.as_str() == state)
        }
    };
    app.run_until(Duration::from_secs(10), shown("running")).await.expect("listed running");
    for round in 0..4 {
        for (command, state) in [("pause", "paused"), ("unpause", "running")] {
            docker(&[command, &id]);
            app.run_until(Duration::from_secs(3), shown(state))
                .await
                .unwrap_or_else(|| panic!("round {round}: {command} not shown within 3 s"));
        }
    }
    docker(&["kill", &id]);
    app.run_until(Duration::from_secs(3), shown("exited")).await.expect("the kill shown within 3 s");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn starts_without_a_daemon_and_fills_in_when_it_appears() {
    let _alone = ONE_AT_A_TIME.lock().await;
    // A socket path where the daemon "appears" later: a forwarder to the real daemon.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("later.sock");
    let mut app = App::start(&format!("unix://{}", path.display()));
    app.run_until(Duration::from_secs(5), |s| matches!(s.connection, Connection::Down { .. }))
        .await
        .expect("says the daemon is down");
    let Connection::Down { error, .. } = &app.state.connection else { unreachable!() };
    assert!(error.message.contains("no socket at that path"), "{error}");

    let t = Labelled::new("resubscribe");
    let chatty = docker(&[
        "run",
        "-d",
        "--label",
        &t.label,
        "--name",
        &t.name("chatty"),
        BUSYBOX,
        "sh",
        "-c",
        "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done",
    ]);
    let forwarder = Forwarder::start(&path, &daemon_socket());
    app.run_until(Duration::from_secs(15), |s| s.refresh.loaded && matches!(s.connection, Connection::Connected(_)))
        .await
        .expect("connects by itself once the daemon answers");
    // Follow the chatty container's logs.
    let position = app.state.containers.list.visible().position(|c| c.id == chatty).expect("listed");
    app.send(key('g'));
    for _ in 0..position {
        app.send(key('j'));
    }
    let last_tick = |s: &wharf::state::AppState| {
        s.logs.buffer.iter().filter_map(|(_, l)| l.text.strip_prefix("tick ")?.parse::<u32>().ok()).max()
    };
    app.run_until(Duration::from_secs(10), |s| last_tick(s).is_some()).await.expect("its logs flow");

    // The daemon goes away (the forwarder closes every connection, as a restart does):
    // wharf notices at once and says so ...
    let before = last_tick(&app.state).unwrap_or(0);
    drop(forwarder);
    let took = app
        .run_until(Duration::from_secs(5), |s| matches!(s.connection, Connection::Down { .. }))
        .await
        .expect("notices the daemon is gone");
    assert!(took < Duration::from_secs(3), "noticed after {took:?}");
    // ... and when it is back, reconnects and resubscribes to events by itself.
    let _forwarder = Forwarder::start(&path, &daemon_socket());
    app.run_until(Duration::from_secs(15), |s| matches!(s.connection, Connection::Connected(_)))
        .await
        .expect("reconnects");
    let id = docker(&["run", "-d", "--label", &t.label, "--name", &t.name("after"), BUSYBOX, "sleep", "60"]);
    app.run_until(Duration::from_secs(5), |s| s.containers.list.items().iter().any(|c| c.id == id))
        .await
        .expect("events flow again after the reconnect");
    // And the logs being read keep flowing: lines newer than any seen before the outage.
    let newest = docker(&["logs", "--tail", "1", &chatty]);
    let newest: u32 = newest.trim().strip_prefix("tick ").unwrap().parse().unwrap();
    assert!(newest > before);
    app.run_until(Duration::from_secs(10), |s| last_tick(s).is_some_and(|t| t > newest))
        .await
        .expect("the log stream resumed after the reconnect");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn what_happens_between_connecting_and_subscribing_to_events_is_not_lost() {
    let _alone = ONE_AT_A_TIME.lock().await;
    use std::sync::atomic::Ordering;
    let t = Labelled::new("subscribe-gap");
    let id = live::sleeper(&t, "dies");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gap.sock");
    let forwarder = Forwarder::start(&path, &daemon_socket());
    // The events request is held back: wharf has connected and listed, but the
    // daemon has not yet been asked for events when the container dies.
    forwarder.hold_events.store(true, Ordering::SeqCst);
    let mut app = App::start(&format!("unix://{}", path.display()));
    app.run_until(Duration::from_secs(10), |s| {
        s.containers.list.items().iter().any(|c| c.id == id && c.state.is_running())
    })
    .await
    .expect("listed as running");
    docker(&["kill", &id]);
    docker(&["wait", &id]);
    forwarder.hold_events.store(false, Ordering::SeqCst);
    // The stream starts from the daemon's clock at connect: the death is in it.
    app.run_until(Duration::from_secs(10), |s| {
        s.containers.list.items().iter().any(|c| c.id == id && !c.state.is_running())
    })
    .await
    .unwrap_or_else(|| {
        panic!("still shown running: {:?}", app.state.containers.list.items().iter().find(|c| c.id == id))
    });
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_daemon_that_stops_answering_gets_no_pile_of_requests_and_a_clear_message() {
    let _alone = ONE_AT_A_TIME.lock().await;
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hangs.sock");
    let forwarder = Forwarder::start(&path, &daemon_socket());
    let mut app = App::start(&format!("unix://{}", path.display()));
    app.run_until(Duration::from_secs(10), |s| s.refresh.loaded).await.expect("the first lists arrive");

    // The daemon hangs: it accepts connections and never answers.
    forwarder.frozen.store(true, Ordering::SeqCst);
    let refresh = || {
        wharf::app::msg::Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('r'),
            crossterm::event::KeyModifiers::CONTROL,
        ))
    };
    for _ in 0..20 {
        app.send(refresh());
    }
    // Keys keep working meanwhile (update never waits on the daemon).
    app.send(wharf::app::msg::Msg::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('2'),
        crossterm::event::KeyModifiers::NONE,
    )));
    assert_eq!(app.state.screen.focus, wharf::state::Pane::Images);
    // The one request of each kind in flight times out (5 s in this app) and says so,
    // or the heartbeat (4 s) notices first that the daemon stopped answering.
    let down = |s: &wharf::state::AppState| matches!(s.connection, Connection::Down { .. });
    app.run_until(Duration::from_secs(12), |s| s.refresh.list_error.is_some() || down(s))
        .await
        .expect("a timeout, not a hang");
    let error = match &app.state.connection {
        Connection::Down { error, .. } => error.clone(),
        _ => app.state.refresh.list_error.clone().unwrap(),
    };
    assert!(error.message.contains("did not answer within") || error.message.contains("stopped answering"), "{error}");
    // The one of each kind, a heartbeat, maybe an attempt to reconnect: not twenty.
    let held = forwarder.held.load(Ordering::SeqCst);
    assert!(held <= 6, "20 refreshes became {held} requests to the hung daemon");
}

/// A daemon that hangs (accepts connections, answers nothing) while nobody touches a
/// key: within a few seconds the dashboard says it stopped answering, and once it
/// answers again the dashboard is connected and live again by itself.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn a_hung_daemon_is_noticed_without_a_key_and_recovered_from_by_itself() {
    let _alone = ONE_AT_A_TIME.lock().await;
    use std::sync::atomic::Ordering;
    let t = Labelled::new("hung");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hung.sock");
    let forwarder = Forwarder::start(&path, &daemon_socket());
    let mut app = App::start(&format!("unix://{}", path.display()));
    app.run_until(Duration::from_secs(10), |s| s.refresh.loaded).await.expect("the first lists arrive");

    forwarder.frozen.store(true, Ordering::SeqCst);
    let took = app
        .run_until(Duration::from_secs(15), |s| matches!(s.connection, Connection::Down { .. }))
        .await
        .expect("a hung daemon passed for connected");
    // A ping every 2 s with 4 s to answer: about 6 s; room for a loaded machine.
    assert!(took <= Duration::from_secs(12), "noticed after {took:?}");
    let Connection::Down { error, .. } = &app.state.connection else { unreachable!() };
    assert_eq!(error.kind, wharf::model::DaemonErrorKind::Timeout, "{error:?}");
    assert!(error.message.contains("stopped answering"), "{error}");

    forwarder.frozen.store(false, Ordering::SeqCst);
    app.run_until(Duration::from_secs(30), |s| s.is_connected()).await.expect("not connected again by itself");
    // Live again: a container started now shows up.
    let id = live::sleeper(&t, "after");
    app.run_until(Duration::from_secs(10), |s| s.containers.list.items().iter().any(|c| c.id == id))
        .await
        .expect("the dashboard is live again");
}

/// A daemon that takes 2 s for every request: the lists arrive, keys answer at once,
/// a new container still shows up, and requests do not pile up behind the slow ones.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn a_slow_daemon_is_slow_but_everything_works() {
    let _alone = ONE_AT_A_TIME.lock().await;
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slow.sock");
    let forwarder = Forwarder::start(&path, &daemon_socket());
    forwarder.delay_ms.store(2000, Ordering::SeqCst);
    let t = Labelled::new("slow");
    let mut app = App::start(&format!("unix://{}", path.display()));
    app.run_until(Duration::from_secs(20), |s| s.refresh.loaded).await.expect("the lists arrive, slowly");

    // Keys are handled without waiting for the daemon.
    let key = |c| Msg::Key(crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::NONE));
    app.send(key('2'));
    assert_eq!(app.state.screen.focus, wharf::state::Pane::Images);
    app.send(key('1'));

    // Twenty refreshes while each request takes 2 s: a handful of requests, not twenty.
    let before = forwarder.requests.load(Ordering::SeqCst);
    let refresh =
        Msg::Key(crossterm::event::KeyEvent::new(KeyCode::Char('r'), crossterm::event::KeyModifiers::CONTROL));
    for _ in 0..20 {
        app.send(refresh.clone());
    }
    let name = t.name("late");
    let id = docker(&["run", "-d", "--network", "none", "--label", &t.label, "--name", &name, BUSYBOX, "sleep", "60"]);
    app.run_until(Duration::from_secs(20), |s| s.containers.list.items().iter().any(|c| c.id == id))
        .await
        .expect("a new container shows up despite the slow daemon");
    let sent = forwarder.requests.load(Ordering::SeqCst) - before;
    assert!(sent <= 12, "20 refreshes and one event became {sent} requests");
    // 2 s is slow, not stuck: no timeout was reported.
    assert!(app.state.refresh.list_error.is_none(), "{:?}", app.state.refresh.list_error);
}

/// A daemon that refuses wharf's API version (it answers `/version`, and refuses every
/// versioned request): a sentence that says so and what to do, said as incompatible
/// (not unreachable), and the next attempt comes after seconds, not one.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn an_api_version_refusal_is_said_in_words_and_backed_off() {
    let _alone = ONE_AT_A_TIME.lock().await;
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sock");
    let forwarder = Forwarder::start(&path, &daemon_socket());
    forwarder.refuse_api.store(true, Ordering::SeqCst);
    let mut app = App::start(&format!("unix://{}", path.display()));
    app.run_until(Duration::from_secs(10), |s| matches!(s.connection, Connection::Down { .. }))
        .await
        .expect("the refusal is reported");
    let Connection::Down { error, retry_at, .. } = &app.state.connection else { unreachable!() };
    assert_eq!(error.message, live::API_REFUSAL);
    assert_eq!(error.kind, wharf::model::DaemonErrorKind::Incompatible, "{error:?}");
    assert!(error.hint.as_deref().unwrap_or_default().contains("upgrade wharf or the daemon"), "{error:?}");
    assert!(retry_at - app.state.screen.now >= 5, "retried in {}s", retry_at - app.state.screen.now);
    assert!(!app.seen.iter().any(|m| m.starts_with("Connected")), "it never passed for connected: {:?}", app.seen);
}
