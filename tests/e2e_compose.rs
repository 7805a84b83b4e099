//! The release-like binary in tmux against the real daemon, opened in a directory with
//! a compose file: `y` shows the project, `u` brings it up in dependency order, the
//! services show healthy and running, `d` (confirmed) takes it down.
//! Run by `scripts/test.sh` (needs tmux and a Docker daemon; `#[ignore]`d otherwise).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;
mod pty;
mod tmux;

use std::process::Command;
use std::time::{Duration, Instant};

use tmux::Tmux;

/// Removes whatever carries the project's label, and only that.
struct ProjectGuard(String);

impl Drop for ProjectGuard {
    fn drop(&mut self) {
        let run = |args: &[&str]| {
            Command::new("docker")
                .args(args)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
                .unwrap_or_default()
        };
        let label = format!("label=com.docker.compose.project={}", self.0);
        for id in run(&["ps", "-aq", "--filter", &label]).split_whitespace() {
            run(&["rm", "-f", "-v", id]);
        }
        for id in run(&["network", "ls", "-q", "--filter", &label]).split_whitespace() {
            run(&["network", "rm", id]);
        }
        for id in run(&["volume", "ls", "-q", "--filter", &label]).split_whitespace() {
            run(&["volume", "rm", id]);
        }
    }
}

/// Waits up to `secs` for the screen to satisfy `check` (the project comes up at the
/// daemon's pace, slower than a key's effect).
fn wait_long(t: &Tmux, what: &str, secs: u64, check: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let screen = t.screen();
        if check(&screen) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}; screen:\n{screen}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The service's row of the project view (the selected one starts with `▶`).
fn row<'a>(screen: &'a str, service: &str) -> &'a str {
    let start = format!("{service} ");
    screen.lines().find(|l| l.trim_start_matches(['┃', '▶', ' ']).starts_with(&start)).unwrap_or("")
}

const COMPOSE: &str = r#"services:
  web:
    image: wharf-test/busybox
    command: ["sh", "-c", "touch /tmp/ok; exec sleep 3600"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ok"]
      interval: 1s
  cache:
    image: wharf-test/redis
    depends_on:
      web:
        condition: service_healthy
volumes:
  data:
"#;

#[test]
#[ignore = "needs tmux and a Docker daemon: run scripts/test.sh"]
fn a_project_comes_up_healthy_from_the_keys_and_goes_down() {
    let parent = tempfile::tempdir().unwrap();
    let name = format!("wharf16e2e{}", std::process::id());
    let dir = parent.path().join(&name);
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("compose.yaml"), COMPOSE).unwrap();
    let _guard = ProjectGuard(name.clone());

    let t = Tmux::start_in("compose", 120, 32, &dir);
    t.wait_for("the dashboard", |t| t.screen().contains("Containers"));
    // A key sent while the first frames are drawn on a busy machine can come before
    // wharf reads keys: `y` again does no harm (it only shows the view).
    for _ in 0..10 {
        t.tmux(&["send-keys", "y"]);
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline && !t.screen().contains("[y] Project") {
            std::thread::sleep(Duration::from_millis(100));
        }
        if t.screen().contains("[y] Project") {
            break;
        }
    }
    wait_long(&t, "the project read from the directory", 15, |s| {
        s.contains(&format!("Project {name}")) && row(s, "web").contains("not created")
    });
    t.tmux(&["send-keys", "u"]);
    wait_long(&t, "both services up, web healthy", 60, |s| {
        row(s, "web").contains("running")
            && row(s, "web").contains("healthy")
            && row(s, "cache").contains("running")
            && s.contains(&format!("up {name}: done"))
    });
    let screen = t.screen();
    assert!(screen.contains(&format!("{name}_default")), "{screen}");
    assert!(screen.contains("cache: waiting for web to be healthy"), "{screen}");
    // What the daemon says agrees with the screen.
    let state = live::docker(&["inspect", "--format", "{{.State.Health.Status}}", &format!("{name}-web-1")]);
    assert_eq!(state, "healthy");

    t.tmux(&["send-keys", "d"]);
    wait_long(&t, "the confirmation", 10, |s| s.contains(&format!("Take {name} down?")));
    t.tmux(&["send-keys", "y"]);
    wait_long(&t, "the project down", 60, |s| {
        row(s, "web").contains("not created")
            && row(s, "cache").contains("not created")
            && s.contains(&format!("down {name}: done"))
    });
    let left = live::docker(&["ps", "-aq", "--filter", &format!("label=com.docker.compose.project={name}")]);
    assert!(left.is_empty(), "containers left: {left}");
    t.tmux(&["send-keys", "q"]);
    let (exit, _) = t.assert_restored();
    assert_eq!(exit, "0");
}
