//! The three-engine test bed of `scripts/testbed.sh` for the fleet and swarm live tests:
//! its addresses, the docker CLI against each engine (through its unix socket, which
//! works while the engine's network is cut), the script's helpers (cut, heal, pause,
//! resume), and a guard that undoes them whatever happens to the test.
#![allow(dead_code)]

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use wharf::model::{DaemonAddress, TlsFiles};

#[path = "../process_lock/mod.rs"]
mod process_lock;

/// The test bed is one: the tests that cut, pause or swarm it take turns, within one
/// test process (this mutex) and across processes (this file, which
/// `scripts/soak-fleet.sh` takes too, with flock(1)).
static BED: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
pub const LOCK_FILE: &str = "/tmp/wharf-testbed/lock";

/// The test bed, taken: dropping it lets the next test (in any process) have it.
/// Declare it before the test's `Restore`, so the bed is healed before it is let go.
pub struct Taken {
    _across_processes: process_lock::ProcessLock,
    _in_process: tokio::sync::MutexGuard<'static, ()>,
}

/// Takes the test bed for one test (a test that panicked released it; its `Restore`
/// guard has healed the bed). The mutex first, so a process's own tests queue on it
/// rather than each holding a blocking thread on the file.
pub async fn take() -> Taken {
    let in_process = BED.lock().await;
    let across_processes = process_lock::take(LOCK_FILE).await;
    Taken { _across_processes: across_processes, _in_process: in_process }
}

/// `/tmp/wharf-testbed/env`, written by `scripts/testbed.sh start` (test.sh runs it).
pub fn env() -> HashMap<String, String> {
    let text = std::fs::read_to_string("/tmp/wharf-testbed/env")
        .expect("no /tmp/wharf-testbed/env: run scripts/testbed.sh start (scripts/test.sh does)");
    text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn var(key: &str) -> String {
    env().get(key).cloned().unwrap_or_else(|| panic!("{key} missing from /tmp/wharf-testbed/env"))
}

/// How wharf reaches host `n` (1..=3): tcp, TLS with client certificates, ssh.
pub fn address(n: usize) -> DaemonAddress {
    let host = var(&format!("WHARF_TB{n}_HOST"));
    let tls = (n == 2).then(|| TlsFiles::in_dir(std::path::Path::new(&var("WHARF_TB2_CERT_PATH"))));
    DaemonAddress { host, tls }
}

/// Host `n`'s address on the test bed's network (what its swarm node advertises).
pub fn ip(n: usize) -> String {
    var(&format!("WHARF_TB{n}_ADDR"))
}

/// The docker CLI against host `n`; panics with its error when it fails.
pub fn docker(n: usize, args: &[&str]) -> String {
    let out = try_docker(n, args);
    out.unwrap_or_else(|e| panic!("docker -H tb{n} {args:?} failed: {e}"))
}

pub fn try_docker(n: usize, args: &[&str]) -> Result<String, String> {
    let sock = var(&format!("WHARF_TB{n}_SOCK"));
    let out = Command::new("timeout")
        .arg("20")
        .arg("docker")
        .args(["-H", &sock])
        .args(args)
        .output()
        .expect("run the docker CLI");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Runs `scripts/testbed.sh ARGS`.
pub fn bed(args: &[&str]) {
    let script = var("WHARF_TESTBED");
    let out = Command::new(&script).args(args).output().expect("run testbed.sh");
    assert!(out.status.success(), "testbed.sh {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Undoes cuts, pauses and stopped engines on every host when dropped, and removes the containers this
/// test labelled on each, so the next test finds the bed whole.
pub struct Restore {
    pub label: String,
}

impl Restore {
    pub fn new(test: &str) -> Self {
        Self { label: format!("wharf.test=tb-{test}-{}", std::process::id()) }
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        for n in 1..=3 {
            let n = n.to_string();
            // At once when the engine answers; starts one a failed test left stopped.
            let _ = Command::new(var("WHARF_TESTBED")).args(["start-engine", &n]).output();
            let _ = Command::new(var("WHARF_TESTBED")).args(["heal", &n]).output();
            let _ = Command::new(var("WHARF_TESTBED")).args(["resume", &n]).output();
        }
        for n in 1..=3 {
            if let Ok(ids) = try_docker(n, &["ps", "-aq", "--filter", &format!("label={}", self.label)]) {
                let ids: Vec<&str> = ids.split_whitespace().collect();
                if !ids.is_empty() {
                    let _ = try_docker(n, &[&["rm", "-f"][..], &ids].concat());
                }
            }
        }
    }
}

/// Starts a labelled sleeper named `name` on host `n`; its id.
pub fn sleeper(n: usize, restore: &Restore, name: &str) -> String {
    docker(
        n,
        &[
            "run",
            "-d",
            "--network",
            "none",
            "--label",
            &restore.label,
            "--name",
            name,
            "wharf-test/busybox",
            "sleep",
            "600",
        ],
    )
}

/// Seconds since `start`, to one decimal, for the timings the tests print.
pub fn secs(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 10.0).round() / 10.0
}

/// Appends a measured timing to /tmp/wharf-testbed/timings.log (and prints it).
pub fn record(what: &str, took: Duration) {
    use std::io::Write;
    let line = format!("{what}: {:.1}s", took.as_secs_f64());
    eprintln!("timing: {line}");
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open("/tmp/wharf-testbed/timings.log") {
        let _ = writeln!(f, "{line}");
    }
}

/// Polls `check` (blocking) every 100 ms until it holds or `within` passes.
pub fn wait_for(within: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if check() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
