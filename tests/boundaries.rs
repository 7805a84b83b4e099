//! Guards the architecture: only `src/docker/` knows bollard, and the pure parts of the
//! program (state, screens, model) never reach into the docker layer. A boundary nobody
//! checks erodes.

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn only_the_docker_layer_names_bollard() {
    let docker_dir = src().join("docker");
    let offenders: Vec<_> = rust_files(&src())
        .into_iter()
        .filter(|p| !p.starts_with(&docker_dir))
        .filter(|p| std::fs::read_to_string(p).unwrap().contains("bollard"))
        .collect();
    assert!(offenders.is_empty(), "bollard named outside src/docker/: {offenders:?}");
}

#[test]
fn state_ui_and_model_do_not_use_the_docker_layer() {
    for dir in ["ui", "state", "model", "text"] {
        for path in rust_files(&src().join(dir)) {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(!text.contains("crate::docker"), "{} uses crate::docker", path.display());
            assert!(!text.contains("tokio"), "{} uses tokio: state and screens do no I/O", path.display());
        }
    }
}

#[test]
fn update_does_no_io() {
    for path in rust_files(&src().join("app").join("update")) {
        let text = std::fs::read_to_string(&path).unwrap();
        for banned in ["tokio", "crate::docker", "std::fs", "SystemTime", "Instant::now"] {
            assert!(!text.contains(banned), "{} uses {banned}: update must stay pure", path.display());
        }
    }
}

#[test]
fn only_the_effect_runner_and_its_tasks_use_the_docker_layer() {
    // The runner, the long-lived tasks it spawns, the connection supervisor and the
    // event loop's wiring talk to the daemon; everything else sees wharf's own types.
    let allowed = [
        "docker",
        "app/runner.rs",
        "app/launcher.rs",
        "app/log_task.rs",
        "app/console_task.rs",
        "app/connection.rs",
        "app/fleet.rs",
        "app/event_loop.rs",
        "main.rs",
    ];
    for path in rust_files(&src()) {
        let relative = path.strip_prefix(src()).unwrap().to_string_lossy().to_string();
        if allowed.iter().any(|a| relative.starts_with(a)) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("crate::docker") && !text.contains("wharf::docker"), "{relative} uses the docker layer");
    }
}
