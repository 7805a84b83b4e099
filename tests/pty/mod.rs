//! wharf on a pty whose terminal a test can close under it, as closing a window does
//! (driven by `tests/scripts/close_the_terminal.py`).
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// wharf on a pty that `tests/scripts/close_the_terminal.py` closes when told: the
/// test's directory, and how to wait for what wharf drew.
pub struct ClosablePty {
    pub dir: tempfile::TempDir,
    child: std::process::Child,
}

impl ClosablePty {
    pub fn start(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/close_the_terminal.py");
        let d = dir.path();
        let child = Command::new("python3")
            .arg(script)
            .arg(d)
            .arg(binary())
            .args(args)
            .env("XDG_CONFIG_HOME", d.join("config"))
            .env("XDG_STATE_HOME", d.join("state"))
            .env("XDG_DATA_HOME", d.join("data"))
            .env("TERM", "xterm-256color")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 is installed (scripts/test.sh installs it)");
        Self { dir, child }
    }

    /// Types `keys` (once the ones typed before were read).
    pub fn type_keys(&self, keys: &str) {
        let (keys_path, staged) = (self.dir.path().join("keys"), self.dir.path().join("keys.new"));
        self.wait_until("the keys typed before read", || !keys_path.exists());
        std::fs::write(&staged, keys).unwrap();
        std::fs::rename(&staged, &keys_path).unwrap();
    }

    fn wait_until(&self, what: &str, done: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// How much wharf has written so far (for `wait_for_drawn_after`).
    pub fn drawn(&self) -> usize {
        std::fs::read(self.dir.path().join("screen")).map_or(0, |b| b.len())
    }

    pub fn wait_for_drawn(&self, text: &str) {
        self.wait_for_drawn_after(0, text);
    }

    /// Waits for `text` in what wharf wrote after the first `from` bytes.
    pub fn wait_for_drawn_after(&self, from: usize, text: &str) {
        let path = self.dir.path().join("screen");
        self.wait_until(&format!("{text:?} drawn"), || {
            std::fs::read(&path).is_ok_and(|b| b.len() > from && String::from_utf8_lossy(&b[from..]).contains(text))
        });
    }

    /// Closes the terminal; how wharf ended, as the script saw it.
    pub fn close(self) -> String {
        std::fs::write(self.dir.path().join("close"), b"").unwrap();
        let out = self.child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

/// The binary a user runs: the release build when the test command built one
/// (`WHARF_E2E_BIN`, set by scripts/test.sh), else this test build.
fn binary() -> String {
    std::env::var("WHARF_E2E_BIN")
        .ok()
        .filter(|p| std::path::Path::new(p).exists())
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_wharf").to_string())
}
