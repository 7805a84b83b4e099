//! One loop: terminal events, a clock tick and messages from background tasks go
//! through `update`; effects go to the runner; the screen is drawn once after a batch,
//! at most once per frame, and only when something changed.

use std::io;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use super::msg::{Msg, Streamed};
use super::runner::EffectRunner;
use super::update::update;
use crate::config::keymap::Keymap;
use crate::docker::DockerApi;
use crate::state::AppState;
use crate::ui::{self, theme::Theme};

/// Shortest time between two frames (~60 fps): a flood of messages costs one render per
/// frame, not one per message.
const FRAME: Duration = Duration::from_millis(16);
/// Shortest time between two frames drawn only because log lines came (~10 fps): a
/// followed flood scrolls faster than anyone reads, and each frame of it rewrites the
/// whole pane. Anything else (a key, a list, a tick) is drawn at the full rate.
const LINES_FRAME: Duration = Duration::from_millis(100);
/// Messages handled before drawing, at most, and for how long: keeps keys and frames
/// coming under a flood (console output is parsed on this task).
const MAX_BATCH: usize = 4096;
const MAX_BATCH_TIME: Duration = Duration::from_millis(8);

/// Why the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitReason {
    Quit,
    /// A signal asked wharf to stop (its number, for the exit code).
    Signal(i32),
    /// The terminal's input closed.
    InputClosed,
    /// The terminal went away (its window was closed): reading or drawing failed the
    /// way a hung-up terminal fails.
    TerminalGone,
}

/// Whether an error from the terminal means it is gone: a hung-up tty answers EIO (or
/// ENXIO), a closed one EBADF, a pipe EPIPE. Such an error ends wharf as a hang-up does.
fn terminal_gone(error: &io::Error) -> bool {
    const EIO: i32 = 5;
    const ENXIO: i32 = 6;
    const EBADF: i32 = 9;
    matches!(error.raw_os_error(), Some(EIO | ENXIO | EBADF)) || error.kind() == io::ErrorKind::BrokenPipe
}

/// The loop's result for a terminal error: the end of the terminal is a clean end.
fn on_terminal_error(error: io::Error) -> io::Result<ExitReason> {
    if terminal_gone(&error) {
        tracing::info!(%error, "the terminal is gone");
        return Ok(ExitReason::TerminalGone);
    }
    Err(error)
}

pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// What the loop works on: the state it owns and what it needs to act and draw.
pub struct App<D: DockerApi> {
    pub state: AppState,
    pub keymap: Keymap,
    pub theme: Theme,
    pub runner: EffectRunner<D>,
}

pub async fn run<B, D, E, S>(
    terminal: &mut Terminal<B>,
    app: &mut App<D>,
    mut rx: mpsc::Receiver<Msg>,
    mut terminal_events: E,
    mut signals: S,
) -> io::Result<ExitReason>
where
    B: Backend,
    B::Error: Into<io::Error>,
    D: DockerApi,
    E: Stream<Item = io::Result<Event>> + Unpin,
    S: Stream<Item = i32> + Unpin,
{
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    // What waits to be drawn came from log lines only (drawn at `LINES_FRAME`).
    let mut lines_only = false;
    // What the user waits for (a key or any input, the first names on screen) is drawn
    // at once, whatever drew last: under a stream of daemon events a frame is drawn
    // every `FRAME`, and a key that came just after one would wait out the gap.
    let mut show_at_once = false;
    let mut last_draw: Option<Instant> = None;

    let App { state, keymap, theme, runner } = app;
    let handle = |state: &mut AppState, runner: &mut EffectRunner<D>, msg: Msg| {
        for effect in update(state, keymap, msg) {
            runner.run(effect);
        }
    };

    loop {
        if state.screen.quit {
            return Ok(ExitReason::Quit);
        }
        let gap = if lines_only { LINES_FRAME } else { FRAME };
        let frame_due = if show_at_once { Instant::now() } else { last_draw.map_or(Instant::now(), |t| t + gap) };
        if dirty && Instant::now() >= frame_due {
            if let Err(e) = terminal.draw(|frame| ui::draw(frame, state, keymap, theme)) {
                return on_terminal_error(e.into());
            }
            last_draw = Some(Instant::now());
            dirty = false;
            lines_only = false;
            show_at_once = false;
        }
        // Console input the container has not taken yet is sent as it makes room; while
        // too much waits, the terminal is not read (its keys wait in the terminal), but
        // the screen, the daemon's news and signals still are.
        let (input_waiting, input_full) = (runner.input_waiting(), runner.input_full());
        tokio::select! {
            event = terminal_events.next(), if !input_full => match event {
                Some(Ok(event)) => {
                    // A terminal that started without a size has a fixed, empty
                    // viewport: give it the size the terminal now reports.
                    if let Event::Resize(width, height) = event
                        && terminal.get_frame().area().area() == 0
                        && let Err(e) = terminal.resize(ratatui::layout::Rect::new(0, 0, width, height))
                    {
                        return on_terminal_error(e.into());
                    }
                    if let Some(msg) = terminal_msg(event) {
                        handle(state, runner, msg);
                        dirty = true;
                        lines_only = false;
                        show_at_once = true;
                    }
                }
                Some(Err(e)) => return on_terminal_error(e),
                None => return Ok(ExitReason::InputClosed),
            },
            msg = rx.recv() => {
                let Some(msg) = msg else { return Ok(ExitReason::Quit) };
                let mut only_lines = is_log_lines(&msg);
                show_at_once |= is_first_names(&msg);
                handle(state, runner, msg);
                // Drain what else is queued before drawing once.
                let started = Instant::now();
                for _ in 0..MAX_BATCH {
                    if started.elapsed() > MAX_BATCH_TIME {
                        break;
                    }
                    match rx.try_recv() {
                        Ok(msg) => {
                            only_lines &= is_log_lines(&msg);
                            handle(state, runner, msg);
                        }
                        Err(_) => break,
                    }
                }
                lines_only = only_lines && (lines_only || !dirty);
                dirty = true;
            }
            _ = tick.tick() => {
                handle(state, runner, Msg::Tick { now: unix_now() });
                dirty = true;
                lines_only = false;
            }
            () = runner.send_waiting_input(), if input_waiting => {}
            Some(signal) = signals.next() => return Ok(ExitReason::Signal(signal)),
            _ = tokio::time::sleep_until(frame_due.into()), if dirty => {}
        }
    }
}

/// Whether a message brings the first container list (drawn at once).
fn is_first_names(msg: &Msg) -> bool {
    matches!(msg, Msg::Answer(super::msg::Answer::FirstContainers { .. }))
}

/// Whether a message only brings log lines (see `LINES_FRAME`).
fn is_log_lines(msg: &Msg) -> bool {
    matches!(
        msg,
        Msg::Stream(Streamed::LogLines { .. } | Streamed::LogPassedOver { .. } | Streamed::LogSkippedAhead { .. })
    )
}

fn terminal_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::FocusGained | Event::FocusLost => None,
    }
}
