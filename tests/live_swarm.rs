//! Swarm against the real daemon: a one-node swarm on loopback (made here if the
//! daemon is in none, and left afterwards only then; a swarm this test did not make is
//! never left). A labelled service goes through wharf's launch path (the form's
//! validation and its service spec), shows 1/1, is scaled to 3 from the dashboard and
//! seen at 3/3 with three tasks, its logs are read, and it is removed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;
mod process_lock;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use live::headless::App;
use live::{BUSYBOX, Labelled, address, docker, host};
use wharf::app::msg::Msg;
use wharf::docker::{DockerApi, connect};
use wharf::launch::LaunchDraft;
use wharf::model::{ServiceLaunch, SwarmChange, SwarmRole};
use wharf::state::{Modal, Pane};

const TIMEOUT: Duration = Duration::from_secs(30);

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Runs the app until `done`, with the clock ticking as the event loop's does (task
/// states have no events: the services view polls them on ticks).
async fn ticking_until(app: &mut App, done: impl Fn(&wharf::state::AppState) -> bool) -> bool {
    let deadline = std::time::Instant::now() + TIMEOUT;
    while std::time::Instant::now() < deadline {
        if app.run_until(Duration::from_millis(500), &done).await.is_some() {
            return true;
        }
        app.send(Msg::Tick { now: wharf::app::event_loop_now() });
    }
    false
}

/// Taken around the swarm's whole life by every process that may make or leave the
/// main daemon's swarm: without it, a second test process (another binary, another
/// session) finds the swarm this one made, uses it, and has it left under its feet, or
/// both see none and both `swarm init`.
const SWARM_LOCK: &str = "/tmp/wharf-live-swarm.lock";

/// Leaves the swarm when dropped, if this test made it; holds the swarm lock until then.
struct SwarmGuard {
    made_here: bool,
    // Dropped after `drop` has left the swarm.
    _lock: process_lock::ProcessLock,
}

impl SwarmGuard {
    async fn join() -> Self {
        let lock = process_lock::take(SWARM_LOCK).await;
        let state = docker(&["info", "--format", "{{.Swarm.LocalNodeState}}"]);
        if state == "active" {
            return Self { made_here: false, _lock: lock };
        }
        docker(&["swarm", "init", "--advertise-addr", "127.0.0.1"]);
        Self { made_here: true, _lock: lock }
    }
}

impl Drop for SwarmGuard {
    fn drop(&mut self) {
        if self.made_here {
            let _ = std::process::Command::new("docker").args(["swarm", "leave", "--force"]).output();
        }
    }
}

/// Removes the service by name when dropped, whatever happened.
struct RemoveService(String);

impl Drop for RemoveService {
    fn drop(&mut self) {
        let _ = std::process::Command::new("docker").args(["service", "rm", &self.0]).output();
    }
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn a_service_is_created_scaled_read_and_removed_on_a_one_node_swarm() {
    let _swarm = SwarmGuard::join().await;
    let t = Labelled::new("swarm");
    let name = format!("wharf-swarm-{}", std::process::id());
    let _cleanup = RemoveService(name.clone());

    // The launch path: the form's draft, validated, as a service with a label.
    let draft = LaunchDraft {
        image: BUSYBOX.into(),
        name: name.clone(),
        command: "sh -c 'i=0; while true; do i=$((i+1)); echo swarm-tick $i; sleep 0.5; done'".into(),
        ..Default::default()
    };
    let mut spec = draft.validate(|_| None).expect("the form's validation");
    let (label_key, label_value) = t.label.split_once('=').unwrap();
    spec.labels.insert(label_key.into(), label_value.into());
    let api = connect(&address(), TIMEOUT).await.unwrap();
    assert_eq!(api.info().swarm, SwarmRole::Manager);
    api.swarm_change(&SwarmChange::Create(Box::new(ServiceLaunch { spec, replicas: 1 }))).await.expect("created");
    let labelled = docker(&["service", "ls", "-q", "--filter", &format!("label={}", t.label)]);
    assert!(!labelled.is_empty(), "the service carries the test's label");

    // The dashboard: 1/1, then scaled to 3 from the keys.
    let mut app = App::start(&host());
    app.run_until(TIMEOUT, |s| s.refresh.loaded).await.unwrap();
    let wharf::state::Connection::Connected(info) = &app.state.connection else { panic!("connected") };
    assert_eq!(info.swarm, SwarmRole::Manager, "the status bar's role");
    app.send(key('9'));
    let listed = ticking_until(&mut app, |s| {
        s.swarm.services.items().iter().any(|v| v.name == name && v.running == 1 && v.desired == 1)
    })
    .await;
    assert!(listed, "listed with 1/1: {:?}", app.state.swarm.services.items());
    let pos = app.state.swarm.services.visible().position(|v| v.name == name).unwrap();
    app.state.swarm.services.select_visible(pos);
    app.send(key('='));
    assert!(matches!(app.state.screen.modal, Some(Modal::Scale { .. })));
    app.send(code(KeyCode::Backspace));
    app.send(key('3'));
    app.send(code(KeyCode::Enter));
    let scaled = ticking_until(&mut app, |s| {
        s.swarm.services.items().iter().any(|v| v.name == name && v.running == 3 && v.desired == 3)
            && s.swarm.tasks.items().iter().filter(|t| t.state == "running").count() == 3
    })
    .await;
    assert!(scaled, "3/3 with three running tasks: {:?}", app.state.swarm.tasks.items());

    // Its logs, through the service (Enter on the service row).
    app.send(code(KeyCode::Enter));
    assert_eq!(app.state.screen.focus, Pane::Tasks);
    app.run_until(TIMEOUT, |s| s.logs.buffer.iter().any(|(_, l)| l.text.contains("swarm-tick")))
        .await
        .expect("the service's logs");
    // A task's own logs: its container runs on this node.
    app.send(key('9'));
    app.send(code(KeyCode::Enter));
    app.send(code(KeyCode::Enter));
    let source = app.state.logs.sources.first().cloned().expect("a source");
    assert!(source.service.is_none(), "a task on this node: its container's logs");
    app.run_until(TIMEOUT, |s| s.logs.buffer.iter().any(|(_, l)| l.text.contains("swarm-tick")))
        .await
        .expect("the task's logs");

    // Removed, after a confirmation.
    app.send(key('9'));
    app.send(key('d'));
    app.send(key('y'));
    app.run_until(TIMEOUT, |s| !s.swarm.services.items().iter().any(|v| v.name == name))
        .await
        .expect("gone from the list (its event refreshed it)");
    assert!(docker(&["service", "ls", "-q", "--filter", &format!("name={name}")]).is_empty());
}
