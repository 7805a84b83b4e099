//! Taking the terminal over and always giving it back: on quit, on error, on a panic on
//! any thread or task, and on SIGTERM / SIGHUP / SIGINT (see `main`).
//!
//! Everything wharf writes to the terminal goes through one lock, and a frame is
//! written whole under it. Giving the terminal back takes the same lock and marks the
//! terminal as the user's: from then on nothing is drawn, whatever thread still runs
//! (a panic in a task gives the terminal back while the main thread is still drawing).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};

pub type Tui = Terminal<CrosstermBackend<Screen>>;

/// Whose the terminal is: `true` while wharf draws on it, `false` once given back.
static OURS: Mutex<bool> = Mutex::new(false);

/// Set first thing when the terminal is given back, without waiting for the lock: a
/// frame stuck in a write (a terminal that stopped reading) may hold the lock past
/// `LOCK_PATIENCE`, and nothing may be drawn after the restore all the same.
static GIVEN_BACK: AtomicBool = AtomicBool::new(false);

/// How long giving the terminal back waits for a frame being written to end. Longer
/// only if the thread that holds the lock panicked while holding it (then it is
/// taken anyway).
const LOCK_PATIENCE: Duration = Duration::from_millis(500);

/// The lock, even if a panic poisoned it, and even if a thread that will never let go
/// holds it (after `LOCK_PATIENCE`): giving the terminal back must not hang.
fn lock_terminal() -> Option<MutexGuard<'static, bool>> {
    let deadline = Instant::now() + LOCK_PATIENCE;
    loop {
        match OURS.try_lock() {
            Ok(guard) => return Some(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => return Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(std::sync::TryLockError::WouldBlock) => return None,
        }
    }
}

/// Where frames go: collected here, then written whole to stdout on `flush`, and only
/// while the terminal is wharf's. Once it is given back, frames are dropped.
#[derive(Debug, Default)]
pub struct Screen {
    frame: Vec<u8>,
}

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.frame.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let frame = std::mem::take(&mut self.frame);
        write_if_ours(&frame)
    }
}

/// Writes `bytes` to the terminal at once, unless it was given back (then nothing).
/// Also for what wharf sends besides frames (the clipboard's escape sequence).
pub fn write_if_ours(bytes: &[u8]) -> io::Result<()> {
    let guard = match OURS.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    if !*guard || GIVEN_BACK.load(Ordering::SeqCst) || bytes.is_empty() {
        return Ok(());
    }
    let mut stdout = io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()
}

pub fn init() -> io::Result<Tui> {
    enable_raw_mode()?;
    {
        let mut ours = lock_terminal().ok_or_else(|| io::Error::other("the terminal is busy"))?;
        *ours = true;
        GIVEN_BACK.store(false, Ordering::SeqCst);
        let mut stdout = io::stdout();
        execute!(stdout, EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste, cursor::Hide)?;
    }
    let backend = CrosstermBackend::new(Screen::default());
    match Terminal::new(backend) {
        Ok(terminal) => Ok(terminal),
        // A pty with no size at all: start with an empty viewport; the event loop
        // resizes it when the first resize event gives the real size.
        Err(_) => Terminal::with_options(
            CrosstermBackend::new(Screen::default()),
            TerminalOptions { viewport: Viewport::Fixed(Rect::default()) },
        ),
    }
}

/// Puts the terminal back as it was, after any frame being written, and stops all
/// drawing for good. Safe to call more than once (only the first call writes) and from
/// a panic hook; errors are ignored because there is nothing better to do with them at
/// that point (the terminal may be gone).
pub fn restore() {
    let first = !GIVEN_BACK.swap(true, Ordering::SeqCst);
    let mut ours = lock_terminal();
    match ours.as_mut() {
        Some(ours) if !**ours => return,
        Some(ours) => **ours = false,
        // The lock is held by a frame stuck in its write: the flag above already
        // stops drawing; restore once.
        None if !first => return,
        None => {}
    }
    let _ = disable_raw_mode();
    let mut stdout = io::stdout();
    let _ = execute!(stdout, DisableMouseCapture, DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
    let _ = stdout.flush();
    drop(ours);
}

/// Says something on stderr without ever panicking: when the terminal is gone,
/// `eprintln!` panics ("failed printing to stderr"), and a panic while reporting one
/// aborts the process.
pub fn report(text: impl std::fmt::Display) {
    let _ = writeln!(io::stderr(), "{text}");
}

/// Restores the terminal before any panic report is printed, then ends the process: a
/// panic in a background task must not leave the UI drawing over the user's shell.
/// The report is std's own words (where, and the message), with a backtrace when
/// `RUST_BACKTRACE` asks for one: a crate for pretty reports cost more resident code
/// than the rest of the panic machinery (see BENCHMARKS.md).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(move |info| {
        restore();
        tracing::error!("panic: {info}");
        let backtrace = std::backtrace::Backtrace::capture();
        let backtrace = match backtrace.status() {
            std::backtrace::BacktraceStatus::Captured => format!("\n{backtrace}"),
            _ => "\nRun with RUST_BACKTRACE=1 for a backtrace.".to_string(),
        };
        report(format_args!("The application panicked (crashed).\n{info}{backtrace}"));
        debug_linger();
        std::process::exit(101);
    }));
}

/// Debug builds only: after a forced panic (`WHARF_DEBUG_PANIC_MS`), the process stays
/// a moment with the terminal given back, so a test can check that nothing draws on it
/// any more (a frame, a hidden cursor) before the process ends.
fn debug_linger() {
    #[cfg(debug_assertions)]
    if std::env::var_os("WHARF_DEBUG_PANIC_MS").is_some() {
        std::thread::sleep(Duration::from_millis(1500));
    }
}
