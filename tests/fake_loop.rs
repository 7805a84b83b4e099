//! The real event loop (`wharf::app::run`) on a `TestBackend`, with the scripted daemon
//! behind its runner: a burst of messages is drawn once (or a few times), not once per
//! message; a steady flood is drawn at most once per frame; a key quits it; keys that
//! come faster than a console's shell reads them all reach it, in order.

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fake;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use fake::{FakeDocker, api, container, next_msg};
use futures::channel::mpsc::{UnboundedSender, unbounded};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::sync::{mpsc, watch};
use wharf::app::effect::Effect;
use wharf::app::effect::Stream;
use wharf::app::msg::Msg;
use wharf::app::msg::Streamed;
use wharf::app::runner::EffectRunner;
use wharf::app::update::update;
use wharf::app::{App, ExitReason};
use wharf::config::keymap::Keymap;
use wharf::docker::DockerApi;
use wharf::logs::{LogLine, RawLine, StreamKind, style_line};
use wharf::model::ContainerDetails;
use wharf::state::{AppState, StreamId};
use wharf::ui::theme::Theme;

/// Real time (the loop paces frames by the real clock); only a failure waits this long.
const PATIENCE: Duration = Duration::from_secs(20);

/// A `TestBackend` that counts frames (`flush`, once per `Terminal::draw`) and shows
/// the screen after each one to whoever watches.
struct CountingBackend {
    inner: TestBackend,
    frames: Arc<AtomicUsize>,
    screen: watch::Sender<String>,
}

impl CountingBackend {
    fn screen_text(&self) -> String {
        let buffer = self.inner.buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                out.push_str(buffer[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }
}

fn infallible<T>(result: Result<T, std::convert::Infallible>) -> io::Result<T> {
    Ok(result.unwrap_or_else(|never| match never {}))
}

impl Backend for CountingBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        infallible(self.inner.draw(content))
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        infallible(self.inner.hide_cursor())
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        infallible(self.inner.show_cursor())
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        infallible(self.inner.get_cursor_position())
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        infallible(self.inner.set_cursor_position(position))
    }
    fn clear(&mut self) -> io::Result<()> {
        infallible(self.inner.clear())
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        infallible(self.inner.clear_region(clear_type))
    }
    fn size(&self) -> io::Result<Size> {
        infallible(self.inner.size())
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        infallible(self.inner.window_size())
    }
    fn flush(&mut self) -> io::Result<()> {
        infallible(self.inner.flush())?;
        self.frames.fetch_add(1, Ordering::SeqCst);
        let text = self.screen_text();
        self.screen.send_replace(text);
        Ok(())
    }
}

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

/// wharf on a scripted daemon with one container whose logs are on screen, driven to
/// that point through `update` and the runner as the loop would. The loop's channel
/// and the log stream's id come with it.
struct Setup {
    app: App<FakeDocker>,
    tx: mpsc::Sender<Msg>,
    rx: mpsc::Receiver<Msg>,
    stream: StreamId,
    _fake: FakeDocker,
}

async fn setup() -> Setup {
    let now = wharf::app::event_loop_now();
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.always_ok::<api::ListContainers>(vec![container("c1", "web", now)]);
    fake.always_ok::<api::InspectContainer>(ContainerDetails { id: "c1".into(), tty: true, ..Default::default() });
    let (tx, mut rx) = mpsc::channel(4096);
    let (_slot_tx, slot_rx) = watch::channel(Some(Arc::new(fake.clone())));
    let mut state = AppState::new("unix:///fake.sock", wharf::state::Startup::default(), now);
    state.screen.width = WIDTH;
    state.screen.height = HEIGHT;
    let mut app = App {
        state,
        keymap: Keymap::default(),
        theme: Theme::default(),
        runner: EffectRunner::new(tx.clone(), slot_rx, Duration::from_secs(5)),
    };
    let mut stream = None;
    let mut msg = Msg::Connected(fake.info());
    loop {
        for effect in update(&mut app.state, &app.keymap, msg) {
            if let Effect::Stream(Stream::FollowLogs { stream: id, .. }) = &effect {
                stream = Some(*id);
            }
            app.runner.run(effect);
        }
        if let Some(stream) = stream {
            // The log task has asked the daemon for the logs: the pane is live.
            fake.wait_for::<api::Logs>(1).await;
            // Answers still coming (images, swarm role, ...) are handled by the loop.
            return Setup { app, tx, rx, stream, _fake: fake };
        }
        msg = next_msg(&mut rx, PATIENCE).await;
    }
}

fn log_line(i: usize) -> LogLine {
    style_line(RawLine { stream: StreamKind::Stdout, text: format!("burst line {i:04}"), cut: 0 }, 0, false)
}

fn key(c: char) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
}

struct Screen {
    terminal: Terminal<CountingBackend>,
    frames: Arc<AtomicUsize>,
    screen: watch::Receiver<String>,
}

fn screen() -> Screen {
    let frames = Arc::new(AtomicUsize::new(0));
    let (screen_tx, screen) = watch::channel(String::new());
    let backend = CountingBackend { inner: TestBackend::new(WIDTH, HEIGHT), frames: frames.clone(), screen: screen_tx };
    Screen { terminal: Terminal::new(backend).unwrap(), frames, screen }
}

/// Waits until a frame shows `text`, then presses `q`.
async fn quit_once_shown(screen: &mut watch::Receiver<String>, text: &str, keys: &UnboundedSender<io::Result<Event>>) {
    let shown = tokio::time::timeout(PATIENCE, screen.wait_for(|s| s.contains(text))).await.is_ok();
    assert!(shown, "{text:?} never drawn; last frame:\n{}", screen.borrow().clone());
    keys.unbounded_send(key('q')).unwrap();
}

/// 1,000 batches of log lines, all queued before the loop runs: they are handled
/// together and drawn in one frame (a few at most: the first frame, the burst, a clock
/// tick), never one per message. Then `q` quits.
#[tokio::test]
async fn a_burst_of_a_thousand_messages_is_drawn_a_few_times_not_a_thousand() {
    let Setup { mut app, tx, rx, stream, _fake } = setup().await;
    for i in 0..1000 {
        tx.try_send(Msg::Stream(Streamed::LogLines { stream, lines: vec![log_line(i)] })).unwrap();
    }
    let Screen { mut terminal, frames, mut screen } = screen();
    let (keys, key_stream) = unbounded();
    let started = std::time::Instant::now();

    let (exit, ()) = tokio::join!(
        wharf::app::run(&mut terminal, &mut app, rx, key_stream, futures::stream::pending()),
        quit_once_shown(&mut screen, "burst line 0999", &keys),
    );

    assert_eq!(exit.unwrap(), ExitReason::Quit);
    let frames = frames.load(Ordering::SeqCst);
    // Two here (the first frame, then the burst), ~30 ms in all; on a loaded machine the
    // burst may be handled in a few 8 ms slices, still at most one frame per 16 ms.
    let bound = 4.max(2 + started.elapsed().as_millis() as usize / 16);
    assert!((1..=bound).contains(&frames), "{frames} frames for a burst of 1,000 messages (bound {bound})");
    // Every line reached the log view (the pane keeps them all).
    assert!(app.state.logs.buffer.len() >= 1000, "{} lines kept", app.state.logs.buffer.len());
}

/// Messages that come one at a time, each handled before the next is sent (the worst
/// case for batching): frames still come at most once per 16 ms frame, not once per
/// message.
#[tokio::test]
async fn a_steady_flood_is_drawn_at_most_once_per_frame() {
    const MESSAGES: usize = 300;
    let Setup { mut app, tx, rx, stream, _fake } = setup().await;
    let Screen { mut terminal, frames, mut screen } = screen();
    let (keys, key_stream) = unbounded();
    let started = std::time::Instant::now();

    let feed = async {
        for i in 0..MESSAGES {
            tx.send(Msg::Stream(Streamed::LogLines { stream, lines: vec![log_line(i)] })).await.unwrap();
            // Until the loop took it: no batch forms.
            while tx.capacity() < tx.max_capacity() {
                tokio::task::yield_now().await;
            }
        }
        quit_once_shown(&mut screen, &format!("burst line {:04}", MESSAGES - 1), &keys).await;
    };
    let (exit, ()) =
        tokio::join!(wharf::app::run(&mut terminal, &mut app, rx, key_stream, futures::stream::pending()), feed);

    assert_eq!(exit.unwrap(), ExitReason::Quit);
    let elapsed_frames = (started.elapsed().as_millis() / 16) as usize;
    let frames = frames.load(Ordering::SeqCst);
    // One per 16 ms that passed, plus the first and one that was due at the end.
    assert!(frames <= elapsed_frames + 2, "{frames} frames in {elapsed_frames} frame times for {MESSAGES} messages");
}

/// Log lines that keep coming for half a second (a followed flood): the pane is drawn
/// about ten times a second, not at the full frame rate: nobody reads lines at that
/// speed, and each frame rewrites the whole pane.
#[tokio::test]
async fn a_flood_of_log_lines_alone_is_drawn_about_ten_times_a_second() {
    let Setup { mut app, tx, rx, stream, _fake } = setup().await;
    let Screen { mut terminal, frames, mut screen } = screen();
    let (keys, key_stream) = unbounded();
    let started = std::time::Instant::now();

    let feed = async {
        let mut i = 0;
        while started.elapsed() < Duration::from_millis(500) {
            tx.send(Msg::Stream(Streamed::LogLines { stream, lines: vec![log_line(i)] })).await.unwrap();
            tokio::time::sleep(Duration::from_millis(2)).await;
            i += 1;
        }
        quit_once_shown(&mut screen, &format!("burst line {:04}", i - 1), &keys).await;
    };
    let (exit, ()) =
        tokio::join!(wharf::app::run(&mut terminal, &mut app, rx, key_stream, futures::stream::pending()), feed);

    assert_eq!(exit.unwrap(), ExitReason::Quit);
    let frames = frames.load(Ordering::SeqCst);
    // One per 100 ms, plus the first, the last line's and the clock's ticks.
    let bound = started.elapsed().as_millis() as usize / 100 + 4;
    assert!(frames <= bound, "{frames} frames for lines alone in {:?} (bound {bound})", started.elapsed());
}

/// A signal ends the loop with its number; the input closing ends it too.
#[tokio::test]
async fn a_signal_or_the_end_of_input_ends_the_loop() {
    let Setup { mut app, rx, .. } = setup().await;
    let Screen { mut terminal, .. } = screen();
    let (_keys, key_stream) = unbounded::<io::Result<Event>>();
    let exit = wharf::app::run(&mut terminal, &mut app, rx, key_stream, futures::stream::iter([15])).await;
    assert_eq!(exit.unwrap(), ExitReason::Signal(15));

    let Setup { mut app, rx, .. } = setup().await;
    let Screen { mut terminal, .. } = screen();
    let exit = wharf::app::run(&mut terminal, &mut app, rx, futures::stream::empty(), futures::stream::pending()).await;
    assert_eq!(exit.unwrap(), ExitReason::InputClosed);
}

/// 600 keys arrive at once (a paste that comes as keys, not as a bracketed paste) into
/// a console whose shell reads slowly: every one reaches the exec, in order, and the
/// detach chord typed after them is read while they still wait for the shell.
#[tokio::test]
async fn many_keys_at_once_all_reach_the_console_in_order() {
    use tokio::io::AsyncReadExt;
    const KEYS: usize = 600;
    let Setup { mut app, rx, _fake: fake, .. } = setup().await;
    fake.ok::<api::CreateExec>("exec-1".into());
    // A shell that takes almost nothing until it reads: its end of the stream has
    // room for 16 bytes.
    let (ours, mut shell) = tokio::io::duplex(16);
    let (read, write) = tokio::io::split(ours);
    fake.ok::<api::StartExec>((Box::pin(read), Box::pin(write)));
    let Screen { mut terminal, mut screen, .. } = screen();
    let (keys, key_stream) = unbounded();
    let typed: String = (0..KEYS).map(|i| char::from(b'a' + (i % 26) as u8)).collect();

    let drive = async {
        keys.unbounded_send(key('e')).unwrap();
        // The exec runs once its TTY gets the pane's size.
        fake.wait_for::<api::Resize>(1).await;
        let shown = tokio::time::timeout(PATIENCE, screen.wait_for(|s| s.contains("Console "))).await.is_ok();
        assert!(shown, "the console never showed; last frame:\n{}", screen.borrow().clone());
        for c in typed.chars() {
            keys.unbounded_send(key(c)).unwrap();
        }
        // Detach while the shell has not read a thing: the dashboard comes back.
        keys.unbounded_send(Ok(Event::Key(KeyEvent::new(KeyCode::Char(']'), KeyModifiers::CONTROL)))).unwrap();
        keys.unbounded_send(key('d')).unwrap();
        let detached = tokio::time::timeout(PATIENCE, screen.wait_for(|s| !s.contains("Console "))).await.is_ok();
        assert!(detached, "the detach chord was not read; last frame:\n{}", screen.borrow().clone());
        let mut got = vec![0u8; KEYS];
        let read = tokio::time::timeout(PATIENCE, shell.read_exact(&mut got)).await;
        let got = String::from_utf8_lossy(&got).trim_end_matches('\0').to_string();
        assert!(read.is_ok(), "only {} of {KEYS} keys reached the shell", got.len());
        assert_eq!(got, typed);
        keys.unbounded_send(key('q')).unwrap();
    };
    let (exit, ()) =
        tokio::join!(wharf::app::run(&mut terminal, &mut app, rx, key_stream, futures::stream::pending()), drive);
    assert_eq!(exit.unwrap(), ExitReason::Quit);
}

/// A key is drawn at once, whatever drew last: here a frame of log lines was just
/// drawn (the next for lines alone would be 100 ms away, any other 16 ms), and the key
/// that opens the help shows without the loop's clock moving at all (the clock is
/// paused: only a wait for a frame could move it).
#[tokio::test(start_paused = true)]
async fn a_key_is_drawn_at_once_whatever_drew_last() {
    let Setup { mut app, tx, rx, stream, _fake } = setup().await;
    let Screen { mut terminal, frames: _, mut screen } = screen();
    let (keys, key_stream) = unbounded();
    let drive = async {
        tx.send(Msg::Stream(Streamed::LogLines { stream, lines: vec![log_line(1)] })).await.unwrap();
        let drawn = tokio::time::timeout(PATIENCE, screen.wait_for(|s| s.contains("burst line 0001"))).await.is_ok();
        assert!(drawn, "the lines never drawn");
        let pressed = tokio::time::Instant::now();
        keys.unbounded_send(key('?')).unwrap();
        let shown = tokio::time::timeout(PATIENCE, screen.wait_for(|s| s.contains("Keys"))).await.is_ok();
        assert!(shown, "the help never drawn: {}", screen.borrow().clone());
        let waited = pressed.elapsed();
        // `q` closes the help, the second quits.
        keys.unbounded_send(key('q')).unwrap();
        let closed = tokio::time::timeout(PATIENCE, screen.wait_for(|s| !s.contains("Keys"))).await.is_ok();
        assert!(closed, "the help never closed");
        keys.unbounded_send(key('q')).unwrap();
        waited
    };
    let (exit, waited) =
        tokio::join!(wharf::app::run(&mut terminal, &mut app, rx, key_stream, futures::stream::pending()), drive);
    assert_eq!(exit.unwrap(), ExitReason::Quit);
    assert_eq!(waited, Duration::ZERO, "the key waited for a frame");
}
