//! Taking the terminal over and always giving it back: on quit, on error, on a panic on
//! any thread or task, and on SIGTERM / SIGHUP / SIGINT (see `main`).

use std::io::{self, Stdout, Write};

use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

pub fn init() -> io::Result<Tui> {
    enable_raw_mode()?;
    let mut stdout = io::stdout();
    execute!(stdout, EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste, cursor::Hide)?;
    let backend = CrosstermBackend::new(io::stdout());
    match Terminal::new(backend) {
        Ok(terminal) => Ok(terminal),
        // A pty with no size at all: start with an empty viewport; the event loop
        // resizes it when the first resize event gives the real size.
        Err(_) => Terminal::with_options(
            CrosstermBackend::new(io::stdout()),
            TerminalOptions { viewport: Viewport::Fixed(Rect::default()) },
        ),
    }
}

/// Puts the terminal back as it was. Safe to call more than once and from a panic hook;
/// errors are ignored because there is nothing better to do with them at that point.
pub fn restore() {
    let _ = disable_raw_mode();
    let mut stdout = io::stdout();
    let _ = execute!(stdout, DisableMouseCapture, DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
    let _ = stdout.flush();
}

/// Restores the terminal before any panic report is printed, then ends the process: a
/// panic in a background task must not leave the UI drawing over the user's shell.
pub fn install_panic_hook() {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default().into_hooks();
    let _ = eyre_hook.install();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        tracing::error!("panic: {info}");
        eprintln!("{}", panic_hook.panic_report(info));
        std::process::exit(101);
    }));
}
