//! The real binary in a real terminal (tmux): the terminal always comes back whole, and
//! tiny windows never crash it. Run by `scripts/test.sh`; needs tmux, not a daemon (the
//! binary is pointed at a socket that does not exist, so this also checks the no-daemon
//! start).

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pty;
mod tmux;

use std::process::Command;
use std::time::Duration;

use pty::ClosablePty;
use tmux::Tmux;

fn running(t: &Tmux) -> bool {
    t.screen().contains("Containers") && t.flags() == "1 1 0"
}

#[test]
#[ignore = "needs tmux: run scripts/test.sh"]
fn quit_restores_the_terminal_and_the_no_daemon_screen_says_why() {
    let t = Tmux::start("quit", 100, 30, &[]);
    t.wait_for("the dashboard", running);
    t.wait_for("the cause", |t| t.screen().contains("no socket at that path"));
    assert!(t.screen().contains("Hint: is the Docker daemon running?"));
    t.tmux(&["send-keys", "q"]);
    let (exit, _) = t.assert_restored();
    assert_eq!(exit, "0");
}

#[test]
#[ignore = "needs tmux: run scripts/test.sh"]
fn signals_restore_the_terminal() {
    for (signal, code) in [("TERM", "143"), ("HUP", "129"), ("INT", "130")] {
        let t = Tmux::start(&format!("sig{signal}"), 100, 30, &[]);
        t.wait_for("the dashboard", running);
        let status = Command::new("kill").args([&format!("-{signal}"), &t.wharf_pid()]).status().unwrap();
        assert!(status.success());
        let (exit, _) = t.assert_restored();
        assert_eq!(exit, code, "SIG{signal}");
    }
}

/// A forced panic gives the terminal back for good: the dashboard was on screen, the
/// panic report is written, and while the panicked process still lingers (debug builds
/// stay 1.5 s after giving the terminal back) the window is resized, which makes a
/// loop that still runs draw a whole frame. Nothing may land on the user's screen and
/// the cursor must stay visible.
fn panic_gives_the_terminal_back_for_good(name: &str, env: &[(&str, &str)], report: &str) {
    let t = Tmux::start(name, 100, 30, env);
    t.wait_for("the dashboard", running);
    t.wait_for("the panic report", |t| t.file("stderr").is_some_and(|s| s.contains(report)));
    assert!(t.file("exit").is_none(), "wharf lingers after its panic (a debug build)");
    t.tmux(&["resize-window", "-x", "90", "-y", "25"]);
    let (exit, stderr) = t.assert_restored();
    assert_eq!(exit, "101", "{stderr}");
    let screen = t.screen();
    for cell in ["Containers", "wharf │", "? help", "━"] {
        assert!(!screen.contains(cell), "{cell:?} drawn after the terminal was given back:\n{screen}");
    }
}

#[test]
#[ignore = "needs tmux: run scripts/test.sh"]
fn after_a_panic_in_a_task_nothing_is_drawn_on_the_restored_terminal() {
    panic_gives_the_terminal_back_for_good(
        "panic",
        &[("WHARF_DEBUG_PANIC_MS", "1500")],
        "forced panic in a background task",
    );
}

#[test]
#[ignore = "needs tmux: run scripts/test.sh"]
fn after_a_panic_on_the_main_thread_nothing_is_drawn_on_the_restored_terminal() {
    panic_gives_the_terminal_back_for_good(
        "panicmain",
        &[("WHARF_DEBUG_PANIC_MS", "1500"), ("WHARF_DEBUG_PANIC_ON", "main")],
        "forced panic on the main thread",
    );
}

#[test]
#[ignore = "needs tmux: run scripts/test.sh"]
fn tiny_windows_and_resizes_never_crash() {
    let t = Tmux::start("tiny", 20, 5, &[]);
    t.wait_for("the too-small notice", |t| t.screen().contains("wharf needs"));
    for (w, h) in [(1, 1), (100, 30), (20, 5), (1, 1), (120, 40)] {
        t.tmux(&["resize-window", "-x", &w.to_string(), "-y", &h.to_string()]);
        std::thread::sleep(Duration::from_millis(100));
    }
    t.wait_for("the dashboard after the resizes", |t| t.screen().contains("[1] Containers"));
    assert!(t.file("exit").is_none(), "wharf is still running");
    t.tmux(&["send-keys", "q"]);
    t.assert_restored();
}

#[test]
#[ignore = "needs python3 and a pty: run scripts/test.sh"]
fn a_pty_without_a_size_starts_and_quits() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/pty_without_size.py");
    let out = Command::new("python3").args([script, env!("CARGO_BIN_EXE_wharf")]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.trim(), "exit status 0", "{stdout}{}", String::from_utf8_lossy(&out.stderr));
}

/// The window is closed under a running wharf: it ends by itself as a hang-up does
/// (exit status 129), not by a panic over the terminal that is gone (SIGABRT after
/// "failed printing to stderr").
#[test]
#[ignore = "needs python3 and a pty: run scripts/test.sh"]
fn closing_the_terminal_ends_wharf_cleanly() {
    for round in 0..5 {
        let pty = ClosablePty::start(&["--host", "unix:///nonexistent/wharf-e2e.sock"]);
        pty.wait_for_drawn("Containers");
        assert_eq!(pty.close(), "exit status 129", "round {round}");
    }
}
