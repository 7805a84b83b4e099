//! A lock shared by every test process on the machine: an exclusive `flock` on a file,
//! held until the guard drops (or the process dies: the kernel releases it then, so a
//! killed test never leaves it taken). Test binaries run side by side, and several
//! sessions test on one machine, so a tokio mutex alone (one process) is not enough
//! for what is shared machine-wide: the test bed, the main daemon's swarm.
#![allow(dead_code)]

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Holds the lock while alive; dropping it closes the file, which releases the lock.
#[derive(Debug)]
pub struct ProcessLock {
    _file: File,
    path: PathBuf,
}

impl ProcessLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Takes the lock on `path` (made, with its directory, if missing), waiting for any
/// other process that holds it. The wait blocks a thread, so it runs on tokio's
/// blocking pool: the runtime's workers (and a test's other tasks) keep running.
pub async fn take(path: &str) -> ProcessLock {
    let path = PathBuf::from(path);
    tokio::task::spawn_blocking(move || take_blocking(&path)).await.expect("the lock's blocking task")
}

/// The same, from a thread that may block.
pub fn take_blocking(path: &Path) -> ProcessLock {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("make {}: {e}", dir.display()));
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .unwrap_or_else(|e| panic!("open the lock file {}: {e}", path.display()));
    file.lock().unwrap_or_else(|e| panic!("lock {}: {e}", path.display()));
    ProcessLock { _file: file, path: path.to_path_buf() }
}

/// The lock is one flock(2) lock: flock(1) in another process (as the soak script
/// uses) cannot take it while a guard lives, and can once it is dropped.
#[tokio::test]
async fn another_process_waits_while_the_lock_is_held() {
    let path = std::env::temp_dir().join(format!("wharf-lock-test-{}", std::process::id()));
    let try_in_other_process = || {
        std::process::Command::new("flock")
            .args(["--nonblock", path.to_str().unwrap(), "true"])
            .status()
            .expect("run flock(1)")
            .success()
    };
    let held = take(path.to_str().unwrap()).await;
    assert!(!try_in_other_process(), "taken by another process while held");
    drop(held);
    assert!(try_in_other_process(), "free once dropped");
    let _ = std::fs::remove_file(&path);
}
