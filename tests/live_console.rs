//! The console against a real daemon, through the whole app (update, runner, the
//! session task): a shell in a busybox container, typed into and read back.
//! Run by `scripts/test.sh` (see tests/live/mod.rs for why these are `#[ignore]`d).

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use live::headless::App;
use live::{BUSYBOX, Labelled, docker, host};
use wharf::app::msg::Msg;
use wharf::state::{AppState, ConsoleStatus};

const WAIT: Duration = Duration::from_secs(10);

fn screen(state: &AppState) -> String {
    state.console.session.as_ref().map(|s| s.parser.screen().contents()).unwrap_or_default()
}

fn type_line(app: &mut App, text: &str) {
    for c in text.chars() {
        app.send(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    }
    app.send(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
}

/// The whole app in a 120x36 window with the running container `id` selected.
async fn app_on(id: &str) -> App {
    let mut app = App::start(&host());
    app.state.screen.width = 120;
    app.state.screen.height = 36;
    app.run_until(WAIT, |s| s.containers.list.items().iter().any(|c| c.id == id && c.state.is_running()))
        .await
        .expect("the container is listed");
    let position = app.state.containers.list.visible().position(|c| c.id == id).unwrap();
    app.state.containers.list.select_visible(position);
    app
}

/// Starts a busybox container and opens a console on it in a 120x36 window.
async fn console(t: &Labelled) -> (App, String) {
    let id = docker(&["run", "-d", "--label", &t.label, "--name", &t.name("shell"), BUSYBOX, "sleep", "300"]);
    let mut app = app_on(&id).await;
    app.send(Msg::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE)));
    app.run_until(WAIT, |s| s.console.session.as_ref().is_some_and(|c| c.status == ConsoleStatus::Running))
        .await
        .expect("the shell starts");
    let label = app.state.console.session.as_ref().unwrap().label.clone();
    assert_eq!(label, "sh", "busybox has no bash: the console falls back to sh");
    (app, id)
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn echo_hello_shows_hello() {
    let t = Labelled::new("console-echo");
    let (mut app, _) = console(&t).await;
    type_line(&mut app, "echo hello");
    app.run_until(WAIT, |s| screen(s).lines().any(|l| l.trim() == "hello"))
        .await
        .unwrap_or_else(|| panic!("no hello on screen:\n{}", screen(&app.state)));
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn stty_size_agrees_with_the_pane_and_follows_a_resize() {
    let t = Labelled::new("console-size");
    let (mut app, _) = console(&t).await;
    let (cols, rows) = app.state.console.session.as_ref().unwrap().size;
    let expected = format!("{rows} {cols}");
    // The size is sent once the exec runs: ask until the shell sees it.
    let mut seen = false;
    for _ in 0..20 {
        type_line(&mut app, "stty size");
        if app
            .run_until(Duration::from_millis(500), |s| screen(s).lines().any(|l| l.trim() == expected))
            .await
            .is_some()
        {
            seen = true;
            break;
        }
    }
    assert!(seen, "stty size never said {expected}:\n{}", screen(&app.state));

    app.send(Msg::Resize { width: 150, height: 45 });
    let (cols, rows) = app.state.console.session.as_ref().unwrap().size;
    assert_ne!(format!("{rows} {cols}"), expected);
    let resized = format!("{rows} {cols}");
    // The resize reaches the daemon on its own task: a command typed at once may run
    // before it. Ask until the shell sees the new size (under load this takes a moment).
    let mut seen = false;
    for _ in 0..20 {
        type_line(&mut app, "clear; stty size");
        if app.run_until(Duration::from_millis(500), |s| screen(s).lines().any(|l| l.trim() == resized)).await.is_some()
        {
            seen = true;
            break;
        }
    }
    assert!(seen, "stty size never said {resized}:\n{}", screen(&app.state));
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn ctrl_c_interrupts_the_command_and_the_shell_survives() {
    let t = Labelled::new("console-ctrlc");
    let (mut app, _) = console(&t).await;
    type_line(&mut app, "sleep 100");
    app.run_until(Duration::from_millis(500), |_| false).await;
    app.send(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(!app.state.screen.quit, "Ctrl-C goes to the container");
    type_line(&mut app, "echo alive");
    app.run_until(WAIT, |s| screen(s).lines().any(|l| l.trim() == "alive"))
        .await
        .unwrap_or_else(|| panic!("the shell did not survive:\n{}", screen(&app.state)));
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn exit_7_shows_exit_code_7() {
    let t = Labelled::new("console-exit");
    let (mut app, _) = console(&t).await;
    type_line(&mut app, "exit 7");
    app.run_until(WAIT, |s| s.console.session.as_ref().is_some_and(|c| !c.status.is_live()))
        .await
        .expect("the session ends");
    assert_eq!(app.state.console.session.as_ref().unwrap().status, ConsoleStatus::Exited(7));
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn stopping_the_container_ends_the_session_with_a_message() {
    let t = Labelled::new("console-stop");
    let (mut app, id) = console(&t).await;
    docker(&["kill", &id]);
    app.run_until(WAIT, |s| {
        s.console.session.as_ref().is_some_and(|c| !c.status.is_live())
            && s.containers.list.items().iter().any(|c| c.id == id && !c.state.is_running())
    })
    .await
    .expect("the session ends when the container stops");
    let backend = ratatui::backend::TestBackend::new(120, 36);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    let keymap = wharf::config::keymap::Keymap::default();
    let theme = wharf::ui::theme::Theme::default();
    terminal.draw(|f| wharf::ui::draw(f, &app.state, &keymap, &theme)).unwrap();
    let text: String = terminal.backend().buffer().content().iter().map(|c| c.symbol()).collect();
    assert!(text.contains("the container stopped"), "{text}");
    assert!(!app.state.screen.quit, "the dashboard stays");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_container_without_any_shell_says_so() {
    let t = Labelled::new("console-noshell");
    let id = docker(&["run", "-d", "--label", &t.label, "wharf-test/redis:latest"]);
    let mut app = app_on(&id).await;
    app.send(Msg::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE)));
    app.run_until(WAIT, |s| s.console.session.as_ref().is_some_and(|c| !c.status.is_live())).await.unwrap();
    let status = app.state.console.session.as_ref().unwrap().status.clone();
    let ConsoleStatus::Failed(why) = status else { panic!("{status:?}") };
    assert_eq!(why, "no shell found in the container (tried bash, sh)");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn attach_reaches_a_container_started_with_a_tty() {
    let t = Labelled::new("console-attach");
    let id = docker(&["run", "-dit", "--label", &t.label, BUSYBOX, "sh"]);
    let mut app = app_on(&id).await;
    // The first A asks for the container's settings (attaching needs its TTY); once
    // they are in, A attaches.
    app.send(Msg::Key(KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT)));
    app.run_until(WAIT, |s| s.containers.details.by_id.get(&id).is_some_and(|d| d.tty))
        .await
        .expect("the settings arrive");
    app.send(Msg::Key(KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT)));
    app.run_until(WAIT, |s| s.console.session.as_ref().is_some_and(|c| c.status == ConsoleStatus::Running))
        .await
        .expect("attached");
    type_line(&mut app, "echo attached-$((6*7))");
    app.run_until(WAIT, |s| screen(s).lines().any(|l| l.trim() == "attached-42"))
        .await
        .unwrap_or_else(|| panic!("no answer through the attach:\n{}", screen(&app.state)));
}

/// The shells (and what they run) of the container `id`: `docker top`'s commands
/// other than the container's own `sleep`.
fn shells(id: &str) -> Vec<String> {
    docker(&["top", id, "-o", "pid,args"])
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        .filter(|args| !args.starts_with("sleep 300"))
        .collect()
}

/// Waits (up to 10 s) until no shell is left in the container.
fn until_no_shell(id: &str, what: &str) {
    let deadline = std::time::Instant::now() + WAIT;
    while !shells(id).is_empty() {
        assert!(std::time::Instant::now() < deadline, "{what}: still running {:?}", shells(id));
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Closing a console (`Ctrl-] x`) hangs it up: its shell, and what the shell runs,
/// end as they would when a terminal closes, instead of running on in the container.
#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn closing_a_console_ends_its_shell_and_what_it_runs() {
    let t = Labelled::new("console-close");
    let (mut app, id) = console(&t).await;
    type_line(&mut app, "sleep 777");
    let deadline = std::time::Instant::now() + WAIT;
    while !shells(&id).iter().any(|s| s == "sleep 777") {
        assert!(std::time::Instant::now() < deadline, "the command never ran: {:?}", shells(&id));
        app.run_until(Duration::from_millis(100), |_| false).await;
    }
    app.send(Msg::Key(KeyEvent::new(KeyCode::Char(']'), KeyModifiers::CONTROL)));
    app.send(Msg::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE)));
    assert!(app.state.console.session.is_none());
    app.run_until(Duration::from_millis(500), |_| false).await;
    until_no_shell(&id, "after closing");
}

/// Quitting wharf with a console open hangs it up too.
#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn quitting_with_a_console_open_ends_its_shell() {
    let t = Labelled::new("console-quit");
    let (mut app, id) = console(&t).await;
    assert!(!shells(&id).is_empty(), "the console's shell runs");
    app.runner.close_consoles(Duration::from_secs(2)).await;
    until_no_shell(&id, "after quitting");
}
