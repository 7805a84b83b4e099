//! The connection supervisor and daemon switches against scripted daemons: reconnection
//! with growing waits, and a switch while a request to the old daemon is in flight (its
//! late answer must not pass for the new daemon's).

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fake;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use fake::{FakeDocker, api, container, error, next_msg};
use futures::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use wharf::app::connection::{ConnectFn, Connections, supervise};
use wharf::app::msg::Answer;
use wharf::app::msg::Msg;
use wharf::app::runner::EffectRunner;
use wharf::app::update::update;
use wharf::config::keymap::Keymap;
use wharf::model::{DaemonAddress, DaemonError, DaemonErrorKind, DaemonEvent, EndpointChoice, EventKind};
use wharf::state::{AppState, Connection};

const PATIENCE: Duration = Duration::from_secs(600);

// ---------------------------------------------------------------- reconnection

type Slot = watch::Sender<Option<Arc<FakeDocker>>>;

/// A supervisor at work, and what the test watches of it.
struct Supervised {
    rx: mpsc::Receiver<Msg>,
    slot: Arc<Slot>,
    /// When each connect was attempted.
    attempts: Arc<Mutex<Vec<Instant>>>,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

/// Supervises a daemon whose first `failures` connects fail.
fn supervise_flaky(fake: &FakeDocker, failures: usize) -> Supervised {
    let (tx, rx) = mpsc::channel(64);
    let slot = Arc::new(watch::channel(None).0);
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let cancel = CancellationToken::new();
    let connect = {
        let attempts = attempts.clone();
        let fake = fake.clone();
        move || {
            let mut attempts = attempts.lock().unwrap();
            attempts.push(Instant::now());
            let result = if attempts.len() <= failures {
                Err(error(DaemonErrorKind::Unreachable, "cannot reach Docker at unix:///fake.sock: refused"))
            } else {
                Ok(fake.clone())
            };
            async move { result }
        }
    };
    let task = tokio::spawn(supervise(connect, slot.clone(), tx, cancel.clone()));
    Supervised { rx, slot, attempts, cancel, task }
}

/// Waits between attempts, in whole seconds.
fn gaps(attempts: &Mutex<Vec<Instant>>) -> Vec<f64> {
    let attempts = attempts.lock().unwrap();
    attempts.windows(2).map(|w| (w[1] - w[0]).as_secs_f64()).collect()
}

/// A daemon that is not there yet: each failure is reported with the wait before the
/// next attempt; the waits grow (1, 1, 2, 4, 8 s) and stop growing at 10 s; once
/// the daemon answers, its client is in the slot and the app hears it is connected.
#[tokio::test(start_paused = true)]
async fn failed_connects_are_retried_with_growing_waits_until_one_works() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let _events = fake.feed::<api::Events>();
    let Supervised { mut rx, slot, attempts, .. } = supervise_flaky(&fake, 7);

    let mut waits = Vec::new();
    loop {
        match next_msg(&mut rx, PATIENCE).await {
            Msg::ConnectionDown { error, retry_in } => {
                assert_eq!(error.kind, DaemonErrorKind::Unreachable);
                assert!(slot.borrow().is_none(), "no client while down");
                waits.push(retry_in.as_secs());
            }
            Msg::Connected(info) => {
                assert_eq!(info.host, "unix:///fake.sock");
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(waits, vec![1, 1, 2, 4, 8, 10, 10]);
    // The supervisor really waited that long (and not longer) between attempts.
    let gaps = gaps(&attempts);
    let expected = [1.0, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0];
    assert_eq!(gaps.len(), expected.len(), "{gaps:?}");
    for (gap, want) in gaps.iter().zip(expected) {
        assert!((gap - want).abs() < 0.01, "waits {gaps:?}");
    }
    assert!(slot.borrow().is_some(), "the client is in the slot");
}

/// Connected, then the daemon goes away (its event stream ends): the slot empties, the
/// app is told with the first short wait again (a success resets the backoff), and the
/// next attempt reconnects. Events in between reach the app.
#[tokio::test(start_paused = true)]
async fn a_lost_daemon_is_reconnected_with_the_backoff_reset() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let events = fake.feed::<api::Events>();
    let Supervised { mut rx, slot, attempts, .. } = supervise_flaky(&fake, 3);
    for _ in 0..3 {
        assert!(matches!(next_msg(&mut rx, PATIENCE).await, Msg::ConnectionDown { .. }));
    }
    assert!(matches!(next_msg(&mut rx, PATIENCE).await, Msg::Connected(_)));

    let event =
        DaemonEvent { kind: EventKind::Container, action: "start".into(), id: "c1".into(), ..Default::default() };
    events.send(event.clone());
    match next_msg(&mut rx, PATIENCE).await {
        Msg::DaemonEvent(got) => assert_eq!(got, event),
        other => panic!("unexpected {other:?}"),
    }

    drop(events);
    let lost_at = Instant::now();
    match next_msg(&mut rx, PATIENCE).await {
        Msg::ConnectionDown { error, retry_in } => {
            assert_eq!(error.message, "lost the connection to unix:///fake.sock");
            assert_eq!(retry_in, Duration::from_secs(1), "the backoff starts again after a success");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(slot.borrow().is_none(), "requests must not go to a daemon that is gone");
    assert!(matches!(next_msg(&mut rx, PATIENCE).await, Msg::Connected(_)));
    let reconnect_wait = *attempts.lock().unwrap().last().unwrap() - lost_at;
    assert!(reconnect_wait >= Duration::from_secs(1) && reconnect_wait < Duration::from_millis(1010));
    assert_eq!(attempts.lock().unwrap().len(), 5);
    assert!(slot.borrow().is_some());
    assert_eq!(fake.calls_to::<api::Events>().len(), 2, "each connection follows the events");
}

/// A daemon that refuses wharf's API version: each refusal says so (not "unreachable")
/// and the retries back off to a minute instead of coming every second.
#[tokio::test(start_paused = true)]
async fn an_incompatible_daemon_is_retried_slowly_not_every_second() {
    let (tx, mut rx) = mpsc::channel(64);
    let slot: Arc<Slot> = Arc::new(watch::channel(None).0);
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let connect = {
        let attempts = attempts.clone();
        move || {
            attempts.lock().unwrap().push(Instant::now());
            async {
                Err::<FakeDocker, _>(error(
                    DaemonErrorKind::Incompatible,
                    "client version 1.41 is too old. Minimum supported API version is 1.44",
                ))
            }
        }
    };
    let _task = tokio::spawn(supervise(connect, slot, tx, CancellationToken::new()));
    let mut waits = Vec::new();
    for _ in 0..5 {
        match next_msg(&mut rx, PATIENCE).await {
            Msg::ConnectionDown { error, retry_in } => {
                assert_eq!(error.kind, DaemonErrorKind::Incompatible);
                waits.push(retry_in.as_secs());
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(waits, vec![10, 30, 60, 60, 60]);
    assert_eq!(gaps(&attempts), vec![10.0, 30.0, 60.0, 60.0]);
}

/// A daemon that hangs keeps its event stream open: only the heartbeat notices. Within
/// a few seconds the app hears that it stopped answering (not that it is unreachable),
/// requests no longer go to it, and once it answers again wharf is connected again by
/// itself and stays so.
#[tokio::test(start_paused = true)]
async fn a_hung_daemon_is_noticed_within_seconds_and_recovered_from() {
    use fake::Reply;
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.always_stream::<api::Events>(|| futures::stream::pending().boxed());
    let Supervised { mut rx, slot, .. } = supervise_flaky(&fake, 0);
    assert!(matches!(next_msg(&mut rx, PATIENCE).await, Msg::Connected(_)));
    // Answered pings keep it connected.
    tokio::time::timeout(PATIENCE, fake.wait_for::<api::Ping>(3)).await.expect("never pinged");
    assert!(slot.borrow().is_some());

    fake.always::<api::Ping>(|| Reply::Never);
    let hung_at = Instant::now();
    match next_msg(&mut rx, PATIENCE).await {
        Msg::ConnectionDown { error, .. } => {
            assert_eq!(error.kind, DaemonErrorKind::Timeout, "{error}");
            assert!(error.message.contains("stopped answering"), "{error}");
        }
        other => panic!("unexpected {other:?}"),
    }
    let noticed = Instant::now() - hung_at;
    assert!(noticed <= Duration::from_secs(6), "noticed after {noticed:?}");
    assert!(slot.borrow().is_none(), "requests must not go to a daemon that does not answer");

    // It answers again: connected by itself, and it stays connected.
    fake.always::<api::Ping>(|| Reply::ok(()));
    assert!(matches!(next_msg(&mut rx, PATIENCE).await, Msg::Connected(_)));
    let calm = tokio::time::timeout(Duration::from_secs(30), rx.recv()).await;
    assert!(calm.is_err(), "something happened to a daemon that answers: {calm:?}");
    assert!(slot.borrow().is_some());
}

/// A ping answered with a refusal (a socket proxy that does not allow `/_ping`) is
/// an answer: the daemon is there, and wharf stays connected.
#[tokio::test(start_paused = true)]
async fn a_ping_answered_with_a_refusal_keeps_the_connection() {
    use fake::Reply;
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.always_stream::<api::Events>(|| futures::stream::pending().boxed());
    fake.always::<api::Ping>(|| Reply::err(DaemonError::new(DaemonErrorKind::Other, "403 Forbidden")));
    let Supervised { mut rx, slot, .. } = supervise_flaky(&fake, 0);
    assert!(matches!(next_msg(&mut rx, PATIENCE).await, Msg::Connected(_)));
    tokio::time::timeout(PATIENCE, fake.wait_for::<api::Ping>(5)).await.expect("never pinged");
    let calm = tokio::time::timeout(Duration::from_secs(30), rx.recv()).await;
    assert!(calm.is_err(), "a daemon that answers was left: {calm:?}");
    assert!(slot.borrow().is_some());
}

/// The heartbeat runs only while connected: a daemon that cannot be reached is not
/// pinged (connecting is how it is tried).
#[tokio::test(start_paused = true)]
async fn a_daemon_that_is_down_is_not_pinged() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let Supervised { mut rx, .. } = supervise_flaky(&fake, usize::MAX);
    for _ in 0..6 {
        assert!(matches!(next_msg(&mut rx, PATIENCE).await, Msg::ConnectionDown { .. }));
    }
    assert!(fake.calls_to::<api::Ping>().is_empty());
}

/// Quitting while waiting to retry stops the supervisor at once: no more attempts.
#[tokio::test(start_paused = true)]
async fn cancelling_stops_the_retries() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let Supervised { mut rx, attempts, cancel, task, .. } = supervise_flaky(&fake, usize::MAX);
    assert!(matches!(next_msg(&mut rx, PATIENCE).await, Msg::ConnectionDown { .. }));

    cancel.cancel();
    tokio::time::timeout(Duration::from_millis(1), task).await.expect("the supervisor kept going").unwrap();
    assert_eq!(attempts.lock().unwrap().len(), 1);
}

// ---------------------------------------------------------------- switching daemons

const A: &str = "unix:///a.sock";
const B: &str = "tcp://b.example:2375";
/// Real time here (the endpoint list is read on a blocking thread); only a failure
/// waits this long.
const REAL_PATIENCE: Duration = Duration::from_secs(20);

struct World {
    state: AppState,
    keymap: Keymap,
    runner: EffectRunner<FakeDocker>,
    rx: mpsc::Receiver<Msg>,
    _cancel: tokio_util::sync::DropGuard,
}

impl World {
    /// wharf on daemon A, with B among the daemons to switch to; connecting to B waits
    /// until `b_reachable` says true.
    fn new(a: &FakeDocker, b: &FakeDocker, b_reachable: watch::Receiver<bool>) -> Self {
        let (tx, rx) = mpsc::channel(256);
        let (slot_tx, slot_rx) = watch::channel(None);
        let cancel = CancellationToken::new();
        let (a, b) = (a.clone(), b.clone());
        let connect: ConnectFn<FakeDocker> = Arc::new(move |address: DaemonAddress| {
            let (a, b, mut reachable) = (a.clone(), b.clone(), b_reachable.clone());
            Box::pin(async move {
                if address.host == A {
                    return Ok(a);
                }
                reachable.wait_for(|r| *r).await.unwrap();
                Ok(b)
            })
        });
        let choices = Box::new(|| {
            [A, B]
                .into_iter()
                .map(|host| EndpointChoice { address: DaemonAddress::plain(host), origin: "test".into() })
                .collect()
        });
        let connections =
            Connections::start(DaemonAddress::plain(A), slot_tx, tx.clone(), connect, choices, cancel.clone());
        Self {
            state: AppState::new(A, wharf::state::Startup::default(), wharf::app::event_loop_now()),
            keymap: Keymap::default(),
            runner: EffectRunner::new(tx, slot_rx, Duration::from_secs(5)).endpoints(Arc::new(connections)),
            rx,
            _cancel: cancel.drop_guard(),
        }
    }

    /// What the event loop does with a message: update, then run the effects.
    fn handle(&mut self, msg: Msg) {
        for effect in update(&mut self.state, &self.keymap, msg) {
            self.runner.run(effect);
        }
    }

    fn key(&mut self, code: KeyCode) {
        self.handle(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// Handles messages as they come until one that `stop` picks has been handled.
    async fn until(&mut self, stop: impl Fn(&Msg) -> bool) {
        loop {
            let msg = next_msg(&mut self.rx, REAL_PATIENCE).await;
            let last = stop(&msg);
            self.handle(msg);
            if last {
                return;
            }
        }
    }

    /// `C`, down to B, Enter: the endpoint picker's way to switch.
    async fn switch_to_b(&mut self) {
        self.key(KeyCode::Char('C'));
        self.until(|m| matches!(m, Msg::EndpointsListed(_))).await;
        self.key(KeyCode::Char('j'));
        self.key(KeyCode::Enter);
        assert_eq!(self.state.connection, Connection::Connecting { host: B.into() });
    }

    fn container_names(&self) -> Vec<String> {
        self.state.containers.list.items().iter().map(|c| c.name.clone()).collect()
    }
}

fn is_container_list(msg: &Msg) -> bool {
    matches!(msg, Msg::Answer(Answer::Containers { .. }))
}

/// The old daemon's list answers after the switch, before the new daemon is reached.
#[tokio::test]
async fn an_old_answer_before_the_new_daemon_connects_is_dropped() {
    let now = wharf::app::event_loop_now();
    let (a, b) = (FakeDocker::new(A), FakeDocker::new(B));
    let old_list = a.later::<api::ListContainers>();
    let a_events = a.feed::<api::Events>();
    b.ok::<api::ListContainers>(vec![container("b1", "new-db", now)]);
    let (b_reachable_tx, b_reachable) = watch::channel(false);
    let mut world = World::new(&a, &b, b_reachable);

    world.until(|m| matches!(m, Msg::Connected(_))).await;
    a.wait_for::<api::ListContainers>(1).await;
    world.switch_to_b().await;
    // Leaving A drops its event stream: nothing of A's comes in from now on.
    tokio::time::timeout(REAL_PATIENCE, a_events.closed()).await.expect("A's events still followed");

    old_list.answer(Ok(vec![container("a1", "old-web", now)]));
    world.until(is_container_list).await;
    assert!(world.container_names().is_empty(), "A's list shown as B's: {:?}", world.container_names());
    assert_eq!(world.state.connection, Connection::Connecting { host: B.into() });

    b_reachable_tx.send_replace(true);
    world.until(is_container_list).await;
    assert_eq!(world.container_names(), vec!["new-db"]);
    assert!(matches!(&world.state.connection, Connection::Connected(info) if info.host == B));
    assert_eq!(a.calls_to::<api::ListContainers>().len(), 1, "nothing more asked of A");
}

/// The old daemon's list answers after the new daemon's own list request went out: the
/// request ids keep counting across the switch, so the old answer is not taken for the
/// one in flight, and the new answer is.
#[tokio::test]
async fn an_old_answer_while_the_new_list_is_in_flight_is_dropped() {
    let now = wharf::app::event_loop_now();
    let (a, b) = (FakeDocker::new(A), FakeDocker::new(B));
    let old_list = a.later::<api::ListContainers>();
    let new_list = b.later::<api::ListContainers>();
    let (_b_reachable_tx, b_reachable) = watch::channel(true);
    let mut world = World::new(&a, &b, b_reachable);

    world.until(|m| matches!(m, Msg::Connected(_))).await;
    a.wait_for::<api::ListContainers>(1).await;
    world.switch_to_b().await;
    world.until(|m| matches!(m, Msg::Connected(info) if info.host == B)).await;
    b.wait_for::<api::ListContainers>(1).await;

    old_list.answer(Ok(vec![container("a1", "old-web", now)]));
    world.until(is_container_list).await;
    assert!(world.container_names().is_empty(), "A's list shown as B's: {:?}", world.container_names());

    new_list.answer(Ok(vec![container("b1", "new-db", now)]));
    world.until(is_container_list).await;
    assert_eq!(world.container_names(), vec!["new-db"]);
}
