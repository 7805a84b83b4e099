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
        "app/runner",
        "app/launcher.rs",
        "app/recreate.rs",
        "app/log_task.rs",
        "app/files_task.rs",
        "app/console_task.rs",
        "app/compose_task.rs",
        "app/build_task.rs",
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

/// The top-level modules (`src/X.rs` or `src/X/`) each file of `module` names: by
/// `crate::X`, by `crate::{X, Y}`, or by enough `super::` to climb out of it.
fn modules_named_by(module: &str) -> std::collections::BTreeSet<String> {
    let dir = src().join(module);
    let files = if dir.is_dir() { rust_files(&dir) } else { vec![src().join(format!("{module}.rs"))] };
    let mut named = std::collections::BTreeSet::new();
    for path in files {
        // How many `super::` lead from this file to the crate root.
        let relative = path.strip_prefix(src()).unwrap().with_extension("");
        let mut depth = relative.components().count();
        if relative.file_name().is_some_and(|n| n == "mod") {
            depth -= 1;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let code = line.split("//").next().unwrap_or("");
            let mut heads: Vec<&str> =
                code.match_indices("crate::").map(|(i, _)| &code[i + "crate::".len()..]).collect();
            let climb = "super::".repeat(depth);
            heads.extend(code.match_indices(climb.as_str()).map(|(i, _)| &code[i + climb.len()..]));
            for rest in heads {
                let rest = rest.trim_start_matches("super::");
                let names: Vec<&str> = match rest.strip_prefix('{') {
                    // `crate::{app, state::AppState}`: the first name of each item.
                    Some(group) => group.split(',').map(str::trim).collect(),
                    None => vec![rest],
                };
                for item in names {
                    let name: String = item.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if !name.is_empty() && name != module {
                        named.insert(name);
                    }
                }
            }
        }
    }
    named
}

fn top_level_modules() -> Vec<String> {
    let mut modules: Vec<String> = std::fs::read_dir(src())
        .unwrap()
        .flatten()
        .filter_map(|entry| {
            let path = entry.path();
            let name = path.file_stem()?.to_string_lossy().to_string();
            let is_module = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
            (is_module && name != "lib" && name != "main").then_some(name)
        })
        .collect();
    modules.sort();
    modules.dedup();
    modules
}

#[test]
fn lower_layers_never_name_the_app() {
    // The app drives everything; nothing it drives may reach back into it.
    for module in ["state", "ui", "config", "model", "layout", "paths", "docker", "logs", "text", "console", "launch"] {
        let named = modules_named_by(module);
        assert!(!named.contains("app"), "src/{module} names crate::app");
    }
}

#[test]
fn imports_between_top_level_modules_point_one_way() {
    let modules = top_level_modules();
    let graph: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), modules_named_by(m).into_iter().filter(|n| modules.contains(n)).collect()))
        .collect();
    // A depth-first walk: meeting a module that is still on the path is a circle.
    fn walk(
        module: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == module) {
            let mut circle = path[start..].to_vec();
            circle.push(module.to_string());
            return Some(circle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_string());
        for next in graph.get(module).into_iter().flatten() {
            if let Some(circle) = walk(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(module.to_string());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    for module in &modules {
        if let Some(circle) = walk(module, &graph, &mut Vec::new(), &mut done) {
            panic!("an import circle between top-level modules: {}", circle.join(" -> "));
        }
    }
    // The walk must have seen the real graph: the app uses the state, the screens too.
    assert!(graph["app"].contains("state") && graph["ui"].contains("state"), "{graph:?}");
}
