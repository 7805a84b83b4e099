//! Helpers for the live tests: they talk to a real Docker daemon, label every object they
//! create with a per-run label, and remove everything with that label when done (also
//! when a test panics).
//!
//! Live tests are `#[ignore]`d so a plain `cargo test` lists them as ignored instead of
//! pretending; `scripts/test.sh` runs them with `--include-ignored`, and there a missing
//! daemon makes them fail, never skip.
#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use wharf::config::endpoint::{EndpointInputs, resolve};

pub const BUSYBOX: &str = "wharf-test/busybox:latest";
pub const REDIS: &str = "wharf-test/redis:latest";

/// The daemon the tests use: DOCKER_HOST, the docker context, or the default socket.
pub fn address() -> wharf::model::DaemonAddress {
    resolve(&EndpointInputs::from_environment(None, None)).expect("resolve the docker endpoint").address
}

/// Its address as text.
pub fn host() -> String {
    address().host
}

/// Runs the docker CLI: the "other client" that changes things behind wharf's back.
pub fn docker(args: &[&str]) -> String {
    let out = Command::new("docker").args(args).output().expect("run the docker CLI");
    assert!(out.status.success(), "docker {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Waits (up to 20 s) until a container's last logged line ends with `last`: what a
/// script prints is then all in the daemon's log, however loaded the machine.
pub fn wait_until_logged(id: &str, last: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let tail = docker(&["logs", "--tail", "1", id]);
        if tail.ends_with(last) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{id} never logged {last:?} (last: {tail:?})");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Starts a busybox container that sleeps for an hour, without a network, labelled for
/// `t`'s guard and named `t.name(suffix)`; returns its id.
pub fn sleeper(t: &Labelled, suffix: &str) -> String {
    docker(&[
        "run",
        "-d",
        "--network",
        "none",
        "--label",
        &t.label,
        "--name",
        &t.name(suffix),
        BUSYBOX,
        "sleep",
        "3600",
    ])
}

/// A label unique to one test, and the guard that removes everything carrying it.
pub struct Labelled {
    pub label: String,
}

impl Labelled {
    pub fn new(test: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let label = format!("wharf.test={}-{}-{}", test, std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        Self { label }
    }

    /// A unique container name for this test.
    pub fn name(&self, suffix: &str) -> String {
        let tail = self.label.trim_start_matches("wharf.test=");
        format!("wharf-test-{tail}-{suffix}")
    }

    fn remove_all(&self) {
        let ids = Command::new("docker")
            .args(["ps", "-aq", "--filter", &format!("label={}", self.label)])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .unwrap_or_default();
        let ids: Vec<&str> = ids.split_whitespace().collect();
        if !ids.is_empty() {
            let _ = Command::new("docker").args(["rm", "-f", "-v"]).args(&ids).output();
        }
    }
}

impl Drop for Labelled {
    fn drop(&mut self) {
        self.remove_all();
    }
}

/// A TCP port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Polls `check` until it returns `Some` or `timeout` passes.
pub async fn eventually<T>(timeout: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check() {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The whole app without a terminal: the connection supervisor, the effect runner and
/// `update`, wired as `main` wires them, so a test can watch the state follow the daemon.
pub mod headless {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use tokio::sync::{mpsc, watch};
    use tokio_util::sync::CancellationToken;
    use wharf::app::msg::Msg;
    use wharf::app::runner::EffectRunner;
    use wharf::app::update::update;
    use wharf::app::{connection, event_loop_now};
    use wharf::config::keymap::Keymap;
    use wharf::docker::{BollardDocker, connect};
    use wharf::state::AppState;
    use wharf::state::Startup;

    pub struct App {
        pub state: AppState,
        keymap: Keymap,
        pub runner: EffectRunner<BollardDocker>,
        rx: mpsc::Receiver<Msg>,
        cancel: CancellationToken,
        /// Every message seen, for assertions on what happened.
        pub seen: Vec<String>,
    }

    impl App {
        pub fn start(host: &str) -> Self {
            let (tx, rx) = mpsc::channel(1024);
            let (slot_tx, slot_rx) = watch::channel::<Option<Arc<BollardDocker>>>(None);
            let cancel = CancellationToken::new();
            let timeout = Duration::from_secs(5);
            let address = wharf::model::DaemonAddress::plain(host);
            let connect_once = move || {
                let address = address.clone();
                async move { connect(&address, timeout).await }
            };
            tokio::spawn(connection::supervise(connect_once, Arc::new(slot_tx), tx.clone(), cancel.clone()));
            let state = AppState::new(host, Startup::default(), event_loop_now());
            Self {
                state,
                keymap: Keymap::default(),
                runner: EffectRunner::new(tx, slot_rx, timeout),
                rx,
                cancel,
                seen: Vec::new(),
            }
        }

        pub fn send(&mut self, msg: Msg) {
            self.seen.push(format!("{msg:?}"));
            for effect in update(&mut self.state, &self.keymap, msg) {
                self.runner.run(effect);
            }
        }

        /// Runs the loop until `done(state)` holds; returns how long it took, or `None`
        /// after `timeout`.
        pub async fn run_until(&mut self, timeout: Duration, done: impl Fn(&AppState) -> bool) -> Option<Duration> {
            let started = Instant::now();
            let deadline = tokio::time::Instant::now() + timeout;
            while !done(&self.state) {
                match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                    Ok(Some(msg)) => self.send(msg),
                    Ok(None) | Err(_) => return None,
                }
            }
            Some(started.elapsed())
        }
    }

    impl Drop for App {
        fn drop(&mut self) {
            self.cancel.cancel();
        }
    }
}

/// A unix-socket forwarder in front of the real daemon, injecting faults: lets a test
/// make the daemon "appear" and "go away", hang, answer slowly or refuse wharf's API
/// version, without touching the real one. Dropping it closes the socket and every
/// connection through it, as a daemon restart would.
pub struct Forwarder {
    task: tokio::task::JoinHandle<()>,
    path: std::path::PathBuf,
    /// While set, new connections are accepted and never answered: a hung daemon.
    pub frozen: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Connections accepted while frozen (each is one request wharf sent).
    pub held: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// Milliseconds each request waits before it reaches the daemon: a slow daemon.
    pub delay_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// While set, every versioned request (`/v1.41/...`) is answered as a daemon that
    /// does not speak the client's API version answers (400, and its message); the
    /// unversioned ones (`/version`, `/_ping`) pass, as dockerd answers them whatever
    /// the client speaks.
    pub refuse_api: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Requests that reached the daemon (chunks sent towards it).
    pub requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// While set, a request for the events stream waits before it reaches the daemon
    /// (the other requests pass): the moment between connecting and subscribing, held open.
    pub hold_events: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// What a daemon that needs a newer API says (moby's words).
pub const API_REFUSAL: &str = "client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version";

impl Forwarder {
    pub fn start(path: &std::path::Path, daemon_socket: &str) -> Self {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::UnixListener::bind(path).expect("bind the forwarder socket");
        let target = daemon_socket.to_string();
        let frozen = Arc::new(AtomicBool::new(false));
        let held = Arc::new(AtomicUsize::new(0));
        let delay_ms = Arc::new(AtomicU64::new(0));
        let refuse_api = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let hold_events = Arc::new(AtomicBool::new(false));
        let (frozen_task, held_task, delay_task, refuse_task, requests_task, hold_task) =
            (frozen.clone(), held.clone(), delay_ms.clone(), refuse_api.clone(), requests.clone(), hold_events.clone());
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                if frozen_task.load(Ordering::SeqCst) {
                    held_task.fetch_add(1, Ordering::SeqCst);
                    // Keep it open, read what comes, answer nothing.
                    connections.spawn(async move {
                        let mut sink = tokio::io::sink();
                        let _ = tokio::io::copy(&mut inbound, &mut sink).await;
                    });
                    continue;
                }
                if refuse_task.load(Ordering::SeqCst) {
                    let target = target.clone();
                    connections.spawn(async move {
                        let mut request = [0u8; 4096];
                        let n = inbound.read(&mut request).await.unwrap_or(0);
                        let path = request[..n].split(|&b| b == b' ').nth(1).unwrap_or_default();
                        if !path.starts_with(b"/v") {
                            let Ok(mut outbound) = tokio::net::UnixStream::connect(&target).await else { return };
                            if outbound.write_all(&request[..n]).await.is_ok() {
                                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                            }
                            return;
                        }
                        let body = format!("{{\"message\":\"{API_REFUSAL}\"}}");
                        let answer = format!(
                            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                             Connection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = inbound.write_all(answer.as_bytes()).await;
                        let _ = inbound.shutdown().await;
                    });
                    continue;
                }
                let target = target.clone();
                let (delay, requests, hold) = (delay_task.clone(), requests_task.clone(), hold_task.clone());
                connections.spawn(async move {
                    let Ok(outbound) = tokio::net::UnixStream::connect(&target).await else { return };
                    let (mut from_client, mut to_client) = inbound.into_split();
                    let (mut from_daemon, mut to_daemon) = outbound.into_split();
                    // Towards the daemon, chunk by chunk (a chunk is a request), each
                    // held back by the delay in force.
                    let upstream = async move {
                        let mut buf = vec![0u8; 64 * 1024];
                        loop {
                            let n = match from_client.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            let wait = delay.load(Ordering::SeqCst);
                            if wait > 0 {
                                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                            }
                            let request_line = buf[..n].split(|&b| b == b'\r').next().unwrap_or_default();
                            if request_line.starts_with(b"GET ") && request_line.windows(8).any(|w| w == b"/events?") {
                                while hold.load(Ordering::SeqCst) {
                                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                                }
                            }
                            requests.fetch_add(1, Ordering::SeqCst);
                            if to_daemon.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                        let _ = to_daemon.shutdown().await;
                    };
                    let downstream = async move {
                        let _ = tokio::io::copy(&mut from_daemon, &mut to_client).await;
                        let _ = to_client.shutdown().await;
                    };
                    tokio::join!(upstream, downstream);
                });
            }
        });
        Self { task, path: path.to_path_buf(), frozen, held, delay_ms, refuse_api, requests, hold_events }
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The real daemon's socket path (live tests use a unix socket).
pub fn daemon_socket() -> String {
    host().strip_prefix("unix://").expect("live tests use a unix socket").to_string()
}
