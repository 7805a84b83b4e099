//! Pure conversion from the daemon's answers to wharf's types, one file per kind of
//! object. Every string is sanitised here, once, so nothing downstream sees raw daemon
//! text.
//!
//! The objects wharf lists and inspects (containers, images, volumes, networks, swarm
//! objects) are read from the answer's bytes into small lenient structs of wharf's own
//! (see `lenient`), not into bollard's models: those are strict, so one container in a
//! state they do not know, or one image in an odd shape, failed the whole answer.
//! Streams bollard already decodes (events, stats, pulls) and the requests wharf
//! sends (a container's create body) still use bollard's models.

pub mod compose;
pub mod containers;
pub mod daemon;
pub mod disk;
pub mod events;
pub mod files;
pub mod images;
pub mod inspect;
pub mod launch;
pub mod lenient;
pub mod networks;
pub mod pretty;
pub mod processes;
pub mod progress;
pub mod stats;
pub mod swarm;
pub mod volumes;

pub use compose::{compose_create_body, container_status, project_containers};
pub use containers::{container_row, container_rows};
pub use daemon::{daemon_clock, daemon_info};
pub use disk::{disk_usage, prune_report};
pub use events::daemon_event;
pub use files::path_stat;
pub use images::{exposed_ports, history as image_history, image_row, image_rows};
pub use inspect::{container_details, parse_port_key};
pub use launch::{pull_parts, pull_progress};
pub use networks::network_rows;
pub use pretty::pretty_json;
pub use processes::process_table;
pub use stats::stats_sample;
pub use swarm::{node_rows, service_rows, swarm_role, task_rows};
pub use volumes::volume_rows;

/// Captured daemon answers in `tests/fixtures/`, for the tests of each kind.
#[cfg(test)]
mod test_fixtures {
    fn path(name: &str) -> String {
        format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    pub fn fixture_bytes(name: &str) -> Vec<u8> {
        std::fs::read(path(name)).unwrap()
    }

    pub fn fixture_json(name: &str) -> serde_json::Value {
        serde_json::from_slice(&fixture_bytes(name)).unwrap()
    }
}
