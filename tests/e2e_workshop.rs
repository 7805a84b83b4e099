//! The workshop's interactive steps, as a user types them into the release binary in
//! tmux against the real daemon: a redis preset, then `T` for a throw-away `--rm -it`
//! client beside it, attached at once, that talks to redis; `exit`; the client is gone
//! and the status line says why. Once with redis on 127.0.0.1 only (the client shares
//! its network), once published on every interface (the client goes through
//! `host.docker.internal`, as the workshop's `docker.for.mac.localhost` does).
//!
//! The presets are the built-in redis one with the local image and a free host port:
//! the built-in preset's own 127.0.0.1:1234 is covered by live_launch.rs
//! (`the_redis_preset_answers_on_loopback_1234`), and a fixed port here would collide
//! with it when the suites run together.
//! Run by `scripts/test.sh` (needs tmux and a Docker daemon; `#[ignore]`d otherwise).

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;
mod tmux;

use std::process::Command;

use live::{BUSYBOX, REDIS, docker};
use tmux::Tmux;

/// Removes containers by name, whatever happens (presets carry no test label).
struct RemoveByName(Vec<String>);

impl Drop for RemoveByName {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = Command::new("docker").args(["rm", "-f", name]).output();
        }
    }
}

/// Whether a container of that exact name exists, running or not.
fn exists(name: &str) -> bool {
    !docker(&["ps", "-aq", "--filter", &format!("name=^/{name}$")]).is_empty()
}

/// Selects the container named `name` with the list filter, then clears the filter.
fn select(t: &Tmux, name: &str) {
    t.tmux(&["send-keys", "/"]);
    t.tmux(&["send-keys", "-l", name]);
    t.tmux(&["send-keys", "Enter"]);
    wait(t, "the filter applied", |t| t.screen().contains(" filter: "));
    t.tmux(&["send-keys", "Escape"]);
    wait(t, "the filter cleared", |t| !t.screen().contains(" filter: "));
}

/// `Tmux::wait_for` with room for a loaded machine (other suites share the daemon and
/// the two cores): each step here waits on the daemon, which can take a while.
fn wait(t: &Tmux, what: &str, check: impl Fn(&Tmux) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !check(t) {
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}; screen:\n{}", t.screen());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Types a line into the console and presses Enter.
fn type_line(t: &Tmux, line: &str) {
    t.tmux(&["send-keys", "-l", line]);
    t.tmux(&["send-keys", "Enter"]);
}

/// Launches preset number `digit` (its container `name`), then `T` beside it: the
/// client's console opens attached, says where redis is (`address`), talks RESP to it
/// with busybox's nc, and `exit`s; the client is then gone and the status line says so.
fn preset_then_client(t: &Tmux, digit: &str, name: &str, address: (&str, u16), interactive: bool) {
    t.tmux(&["send-keys", "p"]);
    wait(t, "the presets", |t| t.screen().contains(name));
    t.tmux(&["send-keys", digit]);
    wait(t, "redis running", |t| t.screen().lines().any(|l| l.contains(name) && l.contains("running")));
    select(t, name);

    let client = format!("{name}-client");
    t.tmux(&["send-keys", "T"]);
    let (host, port) = address;
    let title = format!("Console {client} (attach) · reach {name} at {host}:{port}");
    wait(t, "the client's console, attached at once", |t| t.screen().contains(&title));
    // No extra key: the client's own shell has the keys (its banner, then a prompt).
    wait(t, "the client's prompt", |t| t.screen().contains(&format!("(e.g. nc {host} {port})")));
    wait(t, "the prompt", |t| t.screen().contains("/ #"));
    assert!(exists(&client), "the client runs as {client}");
    // redis answers only once it listens; the first SET is retried until it does.
    let set = format!("until printf 'SET hello world\\r\\n' | nc -w 1 {host} {port} | grep -q OK; do sleep 0.2; done");
    type_line(t, &set);
    // A console row that is `text` alone (the pane's borders aside).
    let row = |t: &Tmux, text: &str| t.screen().lines().any(|l| l.split(['┃', '│']).any(|cell| cell.trim() == text));
    let code = if interactive {
        // As the workshop types into telnet: nc, then the commands, then Ctrl-C.
        type_line(t, &format!("nc {host} {port}"));
        wait(t, "nc connected", |t| t.screen().contains(&format!("/ # nc {host} {port}")));
        type_line(t, "SET hello world");
        wait(t, "+OK", |t| row(t, "+OK"));
        type_line(t, "GET hello");
        wait(t, "world", |t| row(t, "world"));
        t.tmux(&["send-keys", "C-c"]);
        wait(t, "nc ended", |t| t.screen().lines().filter(|l| l.contains("/ #")).count() >= 3);
        // The shell's `exit` passes on the status of the nc that Ctrl-C ended.
        130
    } else {
        type_line(t, &format!("printf 'SET hello world\\r\\n' | nc -w 1 {host} {port}"));
        wait(t, "+OK", |t| row(t, "+OK"));
        type_line(t, &format!("printf 'GET hello\\r\\n' | nc -w 1 {host} {port}"));
        wait(t, "world", |t| row(t, "world"));
        0
    };
    type_line(t, "exit");
    let said = format!("{client} exited {code} and was removed (--rm)");
    wait(t, "the status line saying why the client is gone", |t| t.screen().contains(&said));
    let screen = t.screen();
    assert!(!screen.contains("Console "), "the pane returned to the list:\n{screen}");
    // Other tests' containers may come and go "by another client" meanwhile; this
    // client's own removal must not be told that way.
    let told_as_news = |screen: &str| screen.lines().any(|l| l.contains("another client") && l.contains(&client));
    assert!(!told_as_news(&screen), "{screen}");
    assert!(!exists(&client), "--rm removed the client");
    // The list catches up with the removal: that is no news from "another client".
    wait(t, "the client gone from the list", |t| !t.screen().lines().any(|l| l.contains(&client)));
    let screen = t.screen();
    assert!(!told_as_news(&screen), "{screen}");
}

#[test]
#[ignore = "needs tmux and a Docker daemon: run scripts/test.sh"]
fn the_workshops_redis_and_throw_away_client_run_as_written() {
    let pid = std::process::id();
    let (local, open) = (format!("redis-{pid}"), format!("ropen-{pid}"));
    let _cleanup = RemoveByName(vec![local.clone(), open.clone(), format!("{local}-client"), format!("{open}-client")]);
    let (local_port, open_port) = (live::free_port(), live::free_port());
    let shell = format!("shell-{pid}");
    let config = format!(
        "[console]\nclient_image = \"{BUSYBOX}\"\n\n\
         [[presets]]\nname = \"{shell}\"\nimage = \"{BUSYBOX}\"\ncontainer_name = \"{shell}\"\n\
         command = \"sh\"\nrm = true\ninteractive = true\n\n\
         [[presets]]\nname = \"{local}\"\nimage = \"{REDIS}\"\ncontainer_name = \"{local}\"\n\
         ports = [\"{local_port}:6379\"]\n\n\
         [[presets]]\nname = \"{open}\"\nimage = \"{REDIS}\"\ncontainer_name = \"{open}\"\n\
         ports = [\"{open_port}:6379\"]\nall_interfaces = true\n"
    );
    let t = Tmux::start_configured("it21-workshop", 150, 45, &[], None, Some(&config));
    // Connected, not only drawn: the first names show before the connection is made,
    // and a launch submitted in between is refused ("not connected", the form kept).
    wait(&t, "the dashboard, connected", |t| t.screen().contains("[1] Containers") && t.screen().contains("│ API "));

    // `docker run --rm -it ... sh`: the preset lands in the shell at once, `ls`, `exit`,
    // and the container is gone, said in those words.
    t.tmux(&["send-keys", "p"]);
    wait(&t, "the presets", |t| t.screen().contains(&shell));
    t.tmux(&["send-keys", "5"]);
    wait(&t, "its shell, attached at once", |t| t.screen().contains(&format!("Console {shell} (attach)")));
    wait(&t, "the prompt", |t| t.screen().contains("/ #"));
    type_line(&t, "ls /");
    wait(&t, "ls's output", |t| t.screen().contains("bin") && t.screen().contains("proc"));
    type_line(&t, "exit");
    wait(&t, "the end, said", |t| t.screen().contains(&format!("{shell} exited 0 and was removed (--rm)")));
    assert!(!t.screen().contains("Console "), "{}", t.screen());
    assert!(!exists(&shell));

    // redis on 127.0.0.1 only: the client shares its network and finds it at 127.0.0.1.
    preset_then_client(&t, "6", &local, ("127.0.0.1", 6379), true);
    let bound = docker(&["port", &local, "6379/tcp"]);
    assert_eq!(bound.trim(), format!("127.0.0.1:{local_port}"), "still published on loopback only");
    // redis on every interface: the client reaches it the workshop's way, via the host.
    preset_then_client(&t, "7", &open, ("host.docker.internal", open_port), false);

    t.tmux(&["send-keys", "q"]);
    let (exit, stderr) = t.assert_restored();
    assert_eq!(exit, "0", "{stderr}");
}
