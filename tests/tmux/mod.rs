//! Drives the real wharf binary in tmux, as a user's terminal would show it: keys in,
//! screen and terminal state (title, modes, clipboard buffers) out.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    dir: tempfile::TempDir,
}

impl Tmux {
    /// Starts `wharf` in a `width`x`height` tmux window, under a plain `sh` that runs
    /// `stty -a` once wharf has exited, as a user's shell would see the terminal.
    /// Points wharf at a socket that does not exist: a start without a daemon.
    pub fn start(name: &str, width: u16, height: u16, env: &[(&str, &str)]) -> Self {
        Self::start_with(name, width, height, env, Some("unix://{dir}/no-daemon.sock"))
    }

    /// Starts wharf with `--host` (`{dir}` is replaced by the test's directory), or
    /// against the daemon the environment names when `host` is `None`.
    pub fn start_with(name: &str, width: u16, height: u16, env: &[(&str, &str)], host: Option<&str>) -> Self {
        Self::start_configured(name, width, height, env, host, None)
    }

    /// `start_with`, and `config` as wharf's config file when given.
    pub fn start_configured(
        name: &str,
        width: u16,
        height: u16,
        env: &[(&str, &str)],
        host: Option<&str>,
        config: Option<&str>,
    ) -> Self {
        Self::launch(name, width, height, env, host, config, None)
    }

    /// Starts wharf (against the daemon the environment names) in the directory `cwd`,
    /// as a user who opens it there: the compose project view finds its files there.
    pub fn start_in(name: &str, width: u16, height: u16, cwd: &std::path::Path) -> Self {
        Self::launch(name, width, height, &[], None, None, Some(cwd))
    }

    fn launch(
        name: &str,
        width: u16,
        height: u16,
        env: &[(&str, &str)],
        host: Option<&str>,
        config: Option<&str>,
        cwd: Option<&std::path::Path>,
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        if let Some(text) = config {
            std::fs::create_dir_all(dir.path().join("config/wharf")).unwrap();
            std::fs::write(dir.path().join("config/wharf/config.toml"), text).unwrap();
        }
        let socket = format!("wharf-e2e-{name}-{}", std::process::id());
        let dir_text = dir.path().display().to_string();
        // wharf's config, state and data live in the test's directory: a user's own
        // settings (or a remembered sort) never change what a test sees.
        let isolated =
            format!("XDG_CONFIG_HOME={dir_text}/config XDG_STATE_HOME={dir_text}/state XDG_DATA_HOME={dir_text}/data ");
        let exports: String = isolated + &env.iter().map(|(k, v)| format!("{k}={v} ")).collect::<String>();
        let host_arg = host.map(|h| format!("--host {}", h.replace("{dir}", &dir_text))).unwrap_or_default();
        let script = format!(
            "{exports}{bin} {host_arg} 2>{dir}/stderr; echo $? >{dir}/exit; stty -a >{dir}/stty; sleep 60",
            bin = binary(env),
            dir = dir_text,
        );
        let start_dir = cwd.map(|c| c.display().to_string()).unwrap_or_else(|| ".".into());
        let status = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-c", &start_dir, "-x", &width.to_string()])
            .arg("-y")
            .arg(height.to_string())
            .args(["sh", "-c", &script])
            .status()
            .expect("tmux is installed (scripts/test.sh installs it)");
        assert!(status.success());
        Self { socket, dir }
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket]).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    pub fn flags(&self) -> String {
        self.tmux(&["display", "-p", "#{alternate_on} #{mouse_any_flag} #{cursor_flag}"]).trim().to_string()
    }

    pub fn file(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.dir.path().join(name)).ok()
    }

    pub fn wait_for(&self, what: &str, check: impl Fn(&Self) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !check(self) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}; screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The pid of wharf: the child of the pane's shell.
    pub fn wharf_pid(&self) -> String {
        let shell = self.tmux(&["list-panes", "-F", "#{pane_pid}"]).trim().to_string();
        let out = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).lines().next().expect("wharf runs").trim().to_string()
    }

    /// Waits for wharf to exit and checks the terminal is as it was.
    pub fn assert_restored(&self) -> (String, String) {
        self.wait_for("wharf to exit", |t| t.file("stty").is_some_and(|s| !s.is_empty()));
        let stty = self.file("stty").unwrap();
        for mode in ["icanon", "echo", "isig"] {
            assert!(stty.split_whitespace().any(|w| w == mode), "{mode} is off after exit: {stty}");
        }
        assert_eq!(self.flags(), "0 0 1", "alternate screen off, mouse off, cursor shown");
        (self.file("exit").unwrap_or_default().trim().to_string(), self.file("stderr").unwrap_or_default())
    }
}

/// The binary a user runs: the release build when the test command built one
/// (`WHARF_E2E_BIN`, set by scripts/test.sh), else this test build. The forced-panic
/// trigger exists in debug builds only, so a test that uses it gets the debug binary.
fn binary(env: &[(&str, &str)]) -> String {
    let debug = env!("CARGO_BIN_EXE_wharf").to_string();
    if env.iter().any(|(k, _)| *k == "WHARF_DEBUG_PANIC_MS") {
        return debug;
    }
    std::env::var("WHARF_E2E_BIN").ok().filter(|p| std::path::Path::new(p).exists()).unwrap_or(debug)
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
    }
}
