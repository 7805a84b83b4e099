//! The container list on a scripted daemon, through the connection supervisor, the
//! runner and `update` as the event loop runs them: the first list goes out at once and
//! its names are drawn while the connection's version round trip is still unanswered;
//! under churn (hundreds of container events a second) list requests are coalesced to a
//! few a second, and the last change still shows.

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fake;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fake::{FakeDocker, api, container, next_msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use wharf::app::connection::{ConnectFn, Connections, FirstListFn};
use wharf::app::msg::Msg;
use wharf::app::runner::EffectRunner;
use wharf::app::update::update;
use wharf::config::keymap::Keymap;
use wharf::docker::DockerApi;
use wharf::model::{ContainerRow, DaemonAddress, DaemonEvent, EventKind, ListHead};
use wharf::state::{AppState, Preview};
use wharf::ui::theme::Theme;

const HOST: &str = "unix:///fake.sock";
/// Real time: only a failure waits this long.
const PATIENCE: Duration = Duration::from_secs(20);

/// wharf on the fake daemon, its connection held until `version_answered` says true
/// (the version round trip `docker::connect` makes before anything else).
struct World {
    state: AppState,
    keymap: Keymap,
    runner: EffectRunner<FakeDocker>,
    rx: mpsc::Receiver<Msg>,
    _connections: Arc<Connections<FakeDocker>>,
    _cancel: tokio_util::sync::DropGuard,
}

impl World {
    fn new(fake: &FakeDocker, version_answered: watch::Receiver<bool>) -> Self {
        Self::with_first_rows(fake, version_answered, usize::MAX)
    }

    /// The first list asks for `first_rows` rows at most, as a screenful.
    fn with_first_rows(fake: &FakeDocker, version_answered: watch::Receiver<bool>, first_rows: usize) -> Self {
        let (tx, rx) = mpsc::channel(4096);
        let (slot_tx, slot_rx) = watch::channel(None);
        let cancel = CancellationToken::new();
        let daemon = fake.clone();
        let connect: ConnectFn<FakeDocker> = Arc::new(move |_| {
            let (daemon, mut answered) = (daemon.clone(), version_answered.clone());
            Box::pin(async move {
                answered.wait_for(|a| *a).await.unwrap();
                Ok(daemon)
            })
        });
        // What `docker::first_containers` does: the list, without a connection.
        let daemon = fake.clone();
        let first_list: FirstListFn = Arc::new(move |_| {
            let daemon = daemon.clone();
            Box::pin(async move {
                let mut rows = daemon.list_containers().await?;
                let more = rows.len() >= first_rows;
                rows.truncate(first_rows);
                Ok(ListHead { rows, more })
            })
        });
        let connections = Arc::new(Connections::start_with_first_list(
            DaemonAddress::plain(HOST),
            slot_tx,
            tx.clone(),
            connect,
            Some(first_list),
            Box::new(Vec::new),
            cancel.clone(),
        ));
        let mut state = AppState::new(HOST, wharf::state::Startup::default(), wharf::app::event_loop_now());
        (state.screen.width, state.screen.height) = (100, 20);
        Self {
            state,
            keymap: Keymap::default(),
            runner: EffectRunner::new(tx, slot_rx, Duration::from_secs(5)).endpoints(connections.clone()),
            rx,
            _connections: connections,
            _cancel: cancel.drop_guard(),
        }
    }

    /// What the event loop does with a message: update, then run the effects.
    fn handle(&mut self, msg: Msg) {
        for effect in update(&mut self.state, &self.keymap, msg) {
            self.runner.run(effect);
        }
    }

    /// Handles messages as they come until `done` holds.
    async fn until(&mut self, done: impl Fn(&AppState) -> bool) {
        while !done(&self.state) {
            let msg = next_msg(&mut self.rx, PATIENCE).await;
            self.handle(msg);
        }
    }

    /// The screen as the loop would draw it now.
    fn screen(&self) -> String {
        let backend = TestBackend::new(self.state.screen.width, self.state.screen.height);
        let mut terminal = Terminal::new(backend).unwrap();
        terminal.draw(|frame| wharf::ui::draw(frame, &self.state, &self.keymap, &Theme::default())).unwrap();
        let buffer = terminal.backend().buffer();
        buffer
            .content()
            .chunks(buffer.area.width as usize)
            .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
            .collect()
    }
}

/// The version round trip is slow (held here until the names are drawn): the first
/// list was asked for at once, not after it, and its names are on screen before wharf
/// is even connected. Then the connection comes, and the list is read as always.
#[tokio::test]
async fn the_first_names_are_drawn_before_the_version_is_answered() {
    let now = wharf::app::event_loop_now();
    let fake = FakeDocker::new(HOST);
    fake.always_ok::<api::ListContainers>(vec![container("c1", "first-web", now), container("c2", "first-db", now)]);
    let (answer_version, version_answered) = watch::channel(false);
    let mut w = World::new(&fake, version_answered);

    assert!(w.screen().contains("Connecting to"), "{}", w.screen());
    w.until(|s| s.containers.list.len() == 2).await;
    assert!(!w.state.is_connected(), "the list came while the version was unanswered");
    let screen = w.screen();
    assert!(screen.contains("first-web") && screen.contains("first-db"), "names drawn at once:\n{screen}");
    assert_eq!(fake.calls_to::<api::ListContainers>().len(), 1);

    // The version answers: connected, and the list is read on the connection as before.
    answer_version.send(true).unwrap();
    w.until(|s| s.is_connected() && s.refresh.loaded).await;
    assert_eq!(fake.calls_to::<api::ListContainers>().len(), 2);
    assert_eq!(w.state.refresh.preview, Preview::Off);
    assert!(w.screen().contains("first-web"));
}

/// With more containers than the terminal has lines, the first read asks for a
/// screenful: the title says more are coming, and the connection's list brings them.
#[tokio::test]
async fn a_head_of_the_list_says_more_are_coming_until_the_whole_list_comes() {
    let now = wharf::app::event_loop_now();
    let fake = FakeDocker::new(HOST);
    let rows: Vec<ContainerRow> = (0..5).map(|i| container(&format!("c{i}"), &format!("head-{i}"), now)).collect();
    fake.always_ok::<api::ListContainers>(rows);
    let (answer_version, version_answered) = watch::channel(false);
    let mut w = World::with_first_rows(&fake, version_answered, 2);

    w.until(|s| s.refresh.preview != Preview::Off).await;
    assert_eq!(w.state.refresh.preview, Preview::Head);
    let screen = w.screen();
    assert!(screen.contains("Containers (2+)"), "the count says more are coming:\n{screen}");
    assert!(screen.contains("containers 2+ listing…"), "no counts by state from a head:\n{screen}");
    assert!(screen.contains("head-0") && !screen.contains("head-4"), "{screen}");

    answer_version.send(true).unwrap();
    w.until(|s| s.is_connected() && s.refresh.loaded).await;
    let screen = w.screen();
    assert!(screen.contains("Containers (5)") && screen.contains("head-4"), "the whole list:\n{screen}");
}

/// The daemon's containers, as the fake lists them: changed by the test as events go.
type Listed = Arc<Mutex<Vec<ContainerRow>>>;

fn churn_event(i: usize) -> DaemonEvent {
    DaemonEvent { kind: EventKind::Container, action: "create".into(), id: format!("c{i}"), ..Default::default() }
}

/// 200 container events in a fraction of a second (a CI runner's churn), each with a
/// list that changed: the list is asked for a few times a second, not once per event
/// or per answer, and the last container made shows.
#[tokio::test]
async fn container_churn_asks_for_a_few_lists_a_second_and_the_last_change_shows() {
    const EVENTS: usize = 200;
    let now = wharf::app::event_loop_now();
    let fake = FakeDocker::new(HOST);
    let listed: Listed = Arc::new(Mutex::new(Vec::new()));
    let daemon = listed.clone();
    fake.always::<api::ListContainers>(move || fake::Reply::ok(daemon.lock().unwrap().clone()));
    let events = fake.feed::<api::Events>();
    let (_answered, version_answered) = watch::channel(true);
    let mut w = World::new(&fake, version_answered);
    w.until(|s| s.is_connected() && s.refresh.loaded).await;
    // A moment for the connection's own reads to finish (its rest, its settle).
    let before = fake.calls_to::<api::ListContainers>().len();

    let started = Instant::now();
    let feeder = {
        let listed = listed.clone();
        tokio::spawn(async move {
            for i in 0..EVENTS {
                listed.lock().unwrap().push(container(&format!("c{i}"), &format!("churn-{i}"), now));
                events.send(churn_event(i));
                // ~200 events a second, with time for answers in between.
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            events
        })
    };
    let last = format!("churn-{}", EVENTS - 1);
    w.until(|s| s.containers.list.items().iter().any(|c| c.name == last)).await;
    let took = started.elapsed();
    let _events = feeder.await.unwrap();
    let lists = fake.calls_to::<api::ListContainers>().len() - before;
    // One per 250 ms rest that passed, plus the first and the one owed at the end.
    let bound = 2 + (took.as_millis() / 250) as usize;
    eprintln!("{lists} lists for {EVENTS} events in {took:?}");
    assert!(lists <= bound, "{lists} lists for {EVENTS} events in {took:?} (at most {bound})");
    assert_eq!(w.state.containers.list.len(), EVENTS, "every container the churn made is listed");
}
