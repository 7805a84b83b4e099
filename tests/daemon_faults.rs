//! What the screen says when the daemon misbehaves: refuses wharf's API version, stops
//! answering, or goes away while logs are followed.

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::Harness;
use wharf::app::msg::Msg;
use wharf::model::{DaemonError, DaemonErrorKind};

/// The status bar's last line.
fn status_line(h: &Harness) -> String {
    h.render().lines().last().unwrap_or_default().to_string()
}

/// A daemon that refuses wharf's API version is not "unreachable": the status bar says
/// the API is incompatible, and the pane gives the daemon's words and what to do.
#[test]
fn an_incompatible_daemon_is_not_called_unreachable() {
    let mut h = Harness::new(120, 30);
    h.send(Msg::ConnectionDown {
        error: DaemonError::new(
            DaemonErrorKind::Incompatible,
            "client version 1.41 is too old. Minimum supported API version is 1.44",
        )
        .with_hint("this daemon does not speak the API versions wharf does: upgrade wharf or the daemon"),
        retry_in: Duration::from_secs(10),
    });
    let screen = h.render();
    let status = status_line(&h);
    assert!(status.contains("incompatible API, retry in 10s"), "{status}");
    assert!(!status.contains("unreachable"), "{status}");
    assert!(screen.contains("Minimum supported API version is 1.44"), "{screen}");
    assert!(screen.contains("upgrade wharf or the daemon"), "{screen}");
}
