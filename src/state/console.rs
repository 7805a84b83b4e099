//! The embedded console: one session at a time, its terminal emulator (vt100) owned by
//! the state, and whether it is on screen and has the keys.

use std::fmt;
use std::num::NonZeroU16;

/// Identifies one console session; output of a session that was closed is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

/// Rows of scrollback the emulator keeps.
pub const SCROLLBACK_ROWS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleStatus {
    /// Creating and starting the exec (or attaching).
    Starting,
    /// Running; the label says what (`bash`, `sh`, `attach`).
    Running,
    /// The process ended with this code.
    Exited(i64),
    /// The session ended without an exit code (the stream broke); the reason.
    Ended(String),
    /// It could not start; the reason.
    Failed(String),
}

impl ConsoleStatus {
    pub fn is_live(&self) -> bool {
        matches!(self, ConsoleStatus::Starting | ConsoleStatus::Running)
    }
}

/// What a console runs: a command in a new exec (the first one that exists, in order),
/// or an attach to the container's own TTY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleTarget {
    Exec { commands: Vec<Vec<String>> },
    Attach,
}

pub struct Console {
    pub id: SessionId,
    pub container_id: String,
    pub container_name: String,
    /// What runs: the shell that was found, the custom command, or `attach`.
    pub label: String,
    pub parser: vt100::Parser,
    pub status: ConsoleStatus,
    /// Columns and rows of the emulator (and, once started, of the TTY in the container).
    pub size: (u16, u16),
    /// Rows scrolled back into the scrollback (0 = live).
    pub scrollback: usize,
    /// The container goes when it exits (`--rm`): its end is said on the status line
    /// and the pane closes, as the container is no more.
    pub auto_remove: bool,
    /// What the session is for, in its border (a throw-away client: where its service is).
    pub hint: Option<String>,
}

impl fmt::Debug for Console {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Console")
            .field("id", &self.id)
            .field("container_name", &self.container_name)
            .field("label", &self.label)
            .field("status", &self.status)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl Console {
    pub fn new(id: SessionId, container_id: String, container_name: String, label: String, size: (u16, u16)) -> Self {
        let (cols, rows) = clamp(size);
        Self {
            id,
            container_id,
            container_name,
            label,
            parser: vt100::Parser::new(rows, cols, SCROLLBACK_ROWS),
            status: ConsoleStatus::Starting,
            size: (cols.get(), rows.get()),
            scrollback: 0,
            auto_remove: false,
            hint: None,
        }
    }

    /// Feeds output into the emulator. New output returns the view to the live screen.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
        if self.scrollback > 0 {
            self.scrollback = 0;
            self.parser.screen_mut().set_scrollback(0);
        }
    }

    /// Resizes the emulator; returns the new (cols, rows) when it changed. Sizes are
    /// clamped to at least 1x1 (the daemon does not check them).
    pub fn resize(&mut self, size: (u16, u16)) -> Option<(u16, u16)> {
        let (cols, rows) = clamp(size);
        if (cols.get(), rows.get()) == self.size {
            return None;
        }
        self.parser.screen_mut().set_size(rows, cols);
        self.size = (cols.get(), rows.get());
        Some(self.size)
    }

    /// Scrolls the view `delta` rows back (positive) or forward, within the scrollback.
    pub fn scroll(&mut self, delta: isize) {
        let target = self.scrollback.saturating_add_signed(delta).min(SCROLLBACK_ROWS);
        self.parser.screen_mut().set_scrollback(target);
        // vt100 clamps to what the scrollback really holds.
        self.scrollback = self.parser.screen().scrollback();
    }

    pub fn input_modes(&self) -> crate::console::InputModes {
        let screen = self.parser.screen();
        crate::console::InputModes {
            application_cursor: screen.application_cursor(),
            bracketed_paste: screen.bracketed_paste(),
        }
    }
}

fn clamp((cols, rows): (u16, u16)) -> (NonZeroU16, NonZeroU16) {
    (NonZeroU16::new(cols).unwrap_or(NonZeroU16::MIN), NonZeroU16::new(rows).unwrap_or(NonZeroU16::MIN))
}

/// How consoles open: the shells tried (globally and per container) and the prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleConfig {
    pub shells: Vec<Vec<String>>,
    /// By container name.
    pub shells_by_container: std::collections::HashMap<String, Vec<Vec<String>>>,
    /// The detach prefix is Ctrl and this character.
    pub prefix: char,
    /// The throw-away client's image and command (`T`).
    pub client_image: String,
    pub client_command: Vec<String>,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        Self {
            shells: vec![vec!["bash".into()], vec!["sh".into()]],
            shells_by_container: Default::default(),
            prefix: ']',
            client_image: "busybox:latest".into(),
            client_command: vec!["sh".into()],
        }
    }
}

impl ConsoleConfig {
    pub fn prefix_label(&self) -> String {
        format!("Ctrl-{}", self.prefix)
    }

    /// The shells `e` tries in a container.
    pub fn shells_for(&self, container_name: &str) -> Vec<Vec<String>> {
        self.shells_by_container.get(container_name).cloned().unwrap_or_else(|| self.shells.clone())
    }
}

#[derive(Debug, Default)]
pub struct ConsoleState {
    pub config: ConsoleConfig,
    pub session: Option<Console>,
    /// The console is on screen, in place of the log pane.
    pub shown: bool,
    pub zoomed: bool,
    /// The detach prefix was pressed; the next key says what to do.
    pub prefix_pending: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_clamped_and_resizes_reported_once() {
        let mut c = Console::new(SessionId(1), "id".into(), "name".into(), "sh".into(), (0, 0));
        assert_eq!(c.size, (1, 1));
        assert_eq!(c.resize((80, 24)), Some((80, 24)));
        assert_eq!(c.resize((80, 24)), None);
        c.feed("日本語 wide glyphs in a 1-column pane".as_bytes());
        assert_eq!(c.resize((1, 1)), Some((1, 1)));
        c.feed(b"\x1b[2J\x1b[10;10Hstill fine");
        c.scroll(5);
    }

    #[test]
    fn scrollback_is_bounded_and_new_output_returns_to_live() {
        let mut c = Console::new(SessionId(1), "id".into(), "name".into(), "sh".into(), (20, 5));
        for i in 0..(SCROLLBACK_ROWS + 500) {
            c.feed(format!("line {i}\r\n").as_bytes());
        }
        c.scroll(10_000);
        assert_eq!(c.scrollback, SCROLLBACK_ROWS);
        c.feed(b"x");
        assert_eq!(c.scrollback, 0);
    }
}
