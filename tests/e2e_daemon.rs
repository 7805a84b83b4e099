//! The release-like binary in tmux against the real daemon: hostile containers cannot
//! touch the terminal (title, clipboard, modes, layout, no keys typed by replies), and a
//! resize storm while logs stream leaves a correct frame.
//! Run by `scripts/test.sh` (needs tmux and a Docker daemon; `#[ignore]`d otherwise).

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;
mod pty;
mod tmux;

use std::time::Duration;

use live::{BUSYBOX, Labelled, docker};
use pty::ClosablePty;
use tmux::Tmux;

/// The dashboard, connected: the first names show before the connection is made, and
/// an action in between is refused as "not connected" (the status bar names the API
/// once connected).
fn connected(t: &Tmux) -> bool {
    let screen = t.screen();
    screen.contains("[1] Containers") && screen.contains("│ API ")
}

/// Selects the container named `name` with the list filter (its first match).
fn select(t: &Tmux, name: &str) {
    t.tmux(&["send-keys", "/"]);
    t.tmux(&["send-keys", "-l", name]);
    t.tmux(&["send-keys", "Enter"]);
}

/// Esc clears the filter. The next key waits until it has: an Esc and a key read in one
/// go are Alt+key to the terminal, which a busy machine makes likely.
fn clear_filter(t: &Tmux) {
    t.wait_for("the filter applied", |t| t.screen().contains(" filter: "));
    t.tmux(&["send-keys", "Escape"]);
    t.wait_for("the filter cleared", |t| !t.screen().contains(" filter: "));
}

#[test]
#[ignore = "needs tmux and a Docker daemon: run scripts/test.sh"]
fn hostile_output_cannot_touch_the_terminal() {
    let t_label = Labelled::new("e2e-hostile");
    let name = t_label.name("evil");
    // Everything a container can put in front of wharf: env, label, logs, console.
    let evil = "\x1b]2;pwned-title\x07\x1b]52;c;cHduZWQ=\x07\x1b[6n\x1b[c\x1b[?1000l\x1b[?1049l\x1b[?25h";
    let script = r#"while :; do printf '\033]0;pwned-title\007\033]52;c;cHduZWQ=\007\033[6n\033[c\033[?1000l\033[?1049l\033[2J\033[Hlog-marker\n'; sleep 0.3; done"#;
    docker(&[
        "run",
        "-d",
        "--label",
        &t_label.label,
        "--label",
        &format!("evil={evil}"),
        "--name",
        &name,
        "-e",
        &format!("EVIL={evil}visible-env"),
        BUSYBOX,
        "sh",
        "-c",
        script,
    ]);
    let t = Tmux::start_with("hostile", 140, 40, &[], None);
    t.tmux(&["set", "-s", "set-clipboard", "on"]);
    let title_before = t.tmux(&["display", "-p", "#{pane_title}"]);
    t.wait_for("the dashboard, connected", connected);
    select(&t, &name);
    t.wait_for("the hostile logs", |t| t.screen().contains("log-marker"));
    t.wait_for("the hostile env", |t| t.screen().contains("visible-env"));
    // A console in the container, printing the same things.
    t.tmux(&["send-keys", "e"]);
    t.wait_for("the console", |t| t.screen().contains("Console"));
    std::thread::sleep(Duration::from_millis(800));
    t.tmux(&[
        "send-keys",
        "-l",
        r"printf '\033]2;pwned-title\007\033]52;c;cHduZWQ=\007\033[6n\033[?1049l\033[?1000lconsole-%s\n' marker",
    ]);
    t.tmux(&["send-keys", "Enter"]);
    t.wait_for("the console output", |t| t.screen().contains("console-marker"));
    std::thread::sleep(Duration::from_millis(700));

    let screen = t.screen();
    assert_eq!(t.tmux(&["display", "-p", "#{pane_title}"]), title_before, "the title changed");
    assert!(t.tmux(&["list-buffers"]).trim().is_empty(), "a clipboard write got through");
    assert_eq!(t.flags().split(' ').take(2).collect::<Vec<_>>(), ["1", "1"], "alternate screen and mouse stay wharf's");
    // (The command typed into the console is echoed as text: that line says pwned.)
    let shown: String = screen.lines().filter(|l| !l.contains("printf")).collect::<Vec<_>>().join("\n");
    for leak in ["pwned", "]52;", "[6n", "]2;", "]0;"] {
        assert!(!shown.contains(leak), "{leak:?} reached the screen:\n{screen}");
    }
    // No reply was typed into wharf: a `2` from a cursor report would show the images.
    // The first line is the header; the containers pane starts below it.
    let pane_top = screen.lines().nth(1).unwrap_or_default();
    assert!(pane_top.contains("[1] Containers") && !pane_top.contains("Images ("), "the layout changed:\n{screen}");
    assert!(t.file("exit").is_none(), "wharf is still running");

    t.tmux(&["send-keys", "C-]", "x"]);
    t.wait_for("the console closed", |t| !t.screen().contains("Console"));
    t.tmux(&["send-keys", "q"]);
    let (exit, _) = t.assert_restored();
    assert_eq!(exit, "0");
}

#[test]
#[ignore = "needs tmux and a Docker daemon: run scripts/test.sh"]
fn a_resize_storm_while_logs_stream_ends_in_a_correct_frame() {
    let t_label = Labelled::new("e2e-storm");
    let name = t_label.name("chatty");
    docker(&[
        "run",
        "-d",
        "--label",
        &t_label.label,
        "--name",
        &name,
        BUSYBOX,
        "sh",
        "-c",
        "while :; do seq 1 200; sleep 0.05; done",
    ]);
    let t = Tmux::start_with("storm", 100, 30, &[], None);
    t.wait_for("the dashboard, connected", connected);
    select(&t, &name);
    t.wait_for("the logs", |t| t.screen().contains("● following"));
    for (w, h) in
        [(20, 5), (1, 1), (200, 60), (39, 9), (40, 10), (3, 80), (150, 3), (1, 1), (80, 24)].iter().cycle().take(40)
    {
        t.tmux(&["resize-window", "-x", &w.to_string(), "-y", &h.to_string()]);
        std::thread::sleep(Duration::from_millis(20));
    }
    t.tmux(&["resize-window", "-x", "120", "-y", "40"]);
    t.wait_for("a full frame at 120x40", |t| {
        let screen = t.screen();
        let lines: Vec<&str> = screen.lines().collect();
        lines.len() == 40
            && lines[0].contains("wharf │ containers")
            && lines[1].contains("[1] Containers")
            && screen.contains("[5] Logs")
            && lines[39].contains("? help")
    });
    assert!(t.file("exit").is_none(), "wharf survived the storm");
    t.tmux(&["send-keys", "q"]);
    t.assert_restored();
}

/// A user's first session: browse containers, images, ports and env; launch a preset
/// and see it run; read its logs; open a console in another container, run a command,
/// detach; quit with the terminal as it was.
#[test]
#[ignore = "needs tmux and a Docker daemon: run scripts/test.sh"]
fn a_users_session_from_browsing_to_console() {
    let t_label = Labelled::new("e2e-journey");
    // Short names: the NAME column shows them whole.
    let web = format!("web-{}", std::process::id());
    let redis = format!("redis-{}", std::process::id());
    // The preset's container carries no test label: remove it by name, whatever happens.
    struct RemoveByName(String);
    impl Drop for RemoveByName {
        fn drop(&mut self) {
            let _ = std::process::Command::new("docker").args(["rm", "-f", &self.0]).output();
        }
    }
    let _cleanup = RemoveByName(redis.clone());
    let web_port = live::free_port();
    docker(&[
        "run",
        "-d",
        "--label",
        &t_label.label,
        "--name",
        &web,
        "-e",
        "GREETING=hello-from-web",
        "-p",
        &format!("127.0.0.1:{web_port}:80"),
        BUSYBOX,
        "sleep",
        "300",
    ]);
    // The redis preset as the built-in one, with the local image (no registry here).
    let redis_port = live::free_port();
    let config = format!(
        "[[presets]]\nname = \"redis-local\"\ndescription = \"redis on {redis_port}\"\nimage = \"{}\"\n\
         container_name = \"{redis}\"\nports = [\"{redis_port}:6379\"]\n",
        live::REDIS
    );
    let t = Tmux::start_configured("journey", 150, 45, &[], None, Some(&config));
    t.wait_for("the dashboard, connected", connected);

    // Containers, then the selected one's ports and env.
    select(&t, &web);
    t.wait_for("web's port", |t| t.screen().contains(&format!("127.0.0.1:{web_port}->80/tcp")));
    t.wait_for("web's env", |t| t.screen().contains("hello-from-web"));
    clear_filter(&t);
    // Images.
    t.tmux(&["send-keys", "2"]);
    t.wait_for("the images", |t| t.screen().contains("REPOSITORY:TAG") && t.screen().contains("wharf-test/redis"));
    t.tmux(&["send-keys", "1"]);

    // The preset: picker, its number, the container running.
    t.tmux(&["send-keys", "p"]);
    t.wait_for("the presets", |t| t.screen().contains("redis-local"));
    t.tmux(&["send-keys", "5"]);
    t.wait_for("redis running", |t| t.screen().lines().any(|l| l.contains(&redis) && l.contains("running")));
    let format = "{{.State.Running}} {{(index (index .NetworkSettings.Ports \"6379/tcp\") 0).HostPort}}";
    assert_eq!(docker(&["inspect", "-f", format, &redis]), format!("true {redis_port}"));
    // Its logs (the new container is selected).
    t.wait_for("redis's logs", |t| t.screen().contains("Ready to accept connections"));

    // A console in web: a command, its output, detach.
    select(&t, &web);
    clear_filter(&t);
    t.tmux(&["send-keys", "e"]);
    t.wait_for("the console", |t| t.screen().contains("Console"));
    std::thread::sleep(Duration::from_millis(500));
    t.tmux(&["send-keys", "-l", "echo journey-$((6*7))"]);
    t.tmux(&["send-keys", "Enter"]);
    t.wait_for("the command's output", |t| t.screen().contains("journey-42"));
    t.tmux(&["send-keys", "C-]", "d"]);
    t.wait_for("detached: the logs are back", |t| !t.screen().contains("Console"));

    t.tmux(&["send-keys", "q"]);
    let (exit, stderr) = t.assert_restored();
    assert_eq!(exit, "0", "{stderr}");
}

/// Another client pauses, unpauses and kills a container: the row says so within
/// seconds. The daemon announces these a moment before its list shows them, so a
/// dashboard that lists once per event would show the old state until its next poll.
#[test]
#[ignore = "needs tmux and a Docker daemon: run scripts/test.sh"]
fn changes_by_another_client_show_within_seconds() {
    let t_label = Labelled::new("e2e-settle");
    let name = t_label.name("p");
    docker(&["run", "-d", "--network", "none", "--label", &t_label.label, "--name", &name, BUSYBOX, "sleep", "3600"]);
    let t = Tmux::start_with("settle", 140, 30, &[], None);
    let row_says = |t: &Tmux, state: &str| t.screen().lines().any(|l| l.contains(&name) && l.contains(state));
    t.wait_for("the container running", |t| row_says(t, " running "));
    for round in 0..3 {
        for (command, state) in [("pause", " paused "), ("unpause", " running ")] {
            docker(&[command, &name]);
            let started = std::time::Instant::now();
            t.wait_for(&format!("round {round}: {command}"), |t| row_says(t, state));
            assert!(started.elapsed() < Duration::from_secs(3), "{command} shown after {:?}", started.elapsed());
        }
    }
    docker(&["kill", &name]);
    let started = std::time::Instant::now();
    t.wait_for("the kill", |t| row_says(t, " exited "));
    assert!(started.elapsed() < Duration::from_secs(3), "kill shown after {:?}", started.elapsed());
    t.tmux(&["send-keys", "q"]);
    let (exit, stderr) = t.assert_restored();
    assert_eq!(exit, "0", "{stderr}");
}

/// The shells running in `name` as the daemon lists its processes (`docker top`).
fn shells_in(name: &str) -> usize {
    docker(&["top", name]).lines().filter(|l| l.split_whitespace().last() == Some("sh")).count()
}

/// The window is closed while a console runs (detached: the dashboard is on screen,
/// its cursor hidden): wharf ends as a hang-up does (exit status 129, not SIGABRT after
/// "failed printing to stderr"), and the console's shell in the container is hung up
/// rather than left running.
#[test]
#[ignore = "needs python3, a pty and a Docker daemon: run scripts/test.sh"]
fn closing_the_terminal_hangs_up_the_console_and_ends_cleanly() {
    let t_label = Labelled::new("e2e-close");
    let name = t_label.name("shell");
    docker(&["run", "-d", "--network", "none", "--label", &t_label.label, "--name", &name, BUSYBOX, "sleep", "3600"]);
    let pty = ClosablePty::start(&[]);
    pty.wait_for_drawn(&name);
    pty.type_keys(&format!("/{name}\r"));
    pty.type_keys("e");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while shells_in(&name) == 0 {
        assert!(std::time::Instant::now() < deadline, "no console shell started in {name}");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Detach (Ctrl-] d): the session keeps running, the logs pane comes back.
    let before = pty.drawn();
    pty.type_keys("\x1dd");
    pty.wait_for_drawn_after(before, "Logs");
    assert_eq!(pty.close(), "exit status 129");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while shells_in(&name) > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the console's shell outlived the terminal:\n{}",
            docker(&["top", &name])
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// 600 characters sent to the terminal at once as keys (as a paste arrives when the
/// terminal does not bracket it), into `cat` in a console: every one reaches the shell,
/// in order.
#[test]
#[ignore = "needs tmux and a Docker daemon: run scripts/test.sh"]
fn a_paste_that_arrives_as_keys_reaches_the_console_whole() {
    let t_label = Labelled::new("e2e-paste");
    let name = t_label.name("paste");
    docker(&["run", "-d", "--network", "none", "--label", &t_label.label, "--name", &name, BUSYBOX, "sleep", "3600"]);
    let t = Tmux::start_with("paste", 140, 40, &[], None);
    t.wait_for("the dashboard, connected", connected);
    select(&t, &name);
    clear_filter(&t);
    t.tmux(&["send-keys", "e"]);
    t.wait_for("the console", |t| t.screen().contains("Console"));
    t.tmux(&["send-keys", "-l", "cat > /tmp/pasted; echo pasted-$((6*7))"]);
    t.tmux(&["send-keys", "Enter"]);
    // cat reads the terminal once the shell has started it.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !docker(&["top", &name]).lines().any(|l| l.split_whitespace().last() == Some("cat")) {
        assert!(std::time::Instant::now() < deadline, "cat never started");
        std::thread::sleep(Duration::from_millis(100));
    }
    let pasted: String = (0..600).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    t.tmux(&["send-keys", "-l", &pasted]);
    t.tmux(&["send-keys", "Enter", "C-d"]);
    t.wait_for("cat to end", |t| t.screen().contains("pasted-42"));
    let got = docker(&["exec", &name, "cat", "/tmp/pasted"]);
    assert_eq!(got.trim_end().len(), pasted.len(), "{got}");
    assert_eq!(got.trim_end(), pasted);
    t.tmux(&["send-keys", "C-]", "x"]);
    t.wait_for("the console closed", |t| !t.screen().contains("Console"));
    t.tmux(&["send-keys", "q"]);
    let (exit, stderr) = t.assert_restored();
    assert_eq!(exit, "0", "{stderr}");
}
