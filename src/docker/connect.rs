//! Building a client for an endpoint and agreeing on an API version.

use std::time::Duration;

use bollard::{API_DEFAULT_VERSION, Docker};

use super::client::BollardDocker;
use super::convert;
use super::error::describe;
use crate::model::{DaemonError, DaemonErrorKind};

/// Seconds the daemon gives a container to stop before it kills it (its default).
pub const STOP_GRACE_SECS: u64 = 10;

/// Connects to `host` (`unix://...`, `tcp://...`, `http://...`), negotiates the API
/// version and reads the daemon's version. `timeout` bounds each request; streams are
/// not cut by it (bollard applies it to the response headers only).
///
/// bollard checks that a unix socket exists when the client is built, so a missing
/// daemon fails here, not on the first request: callers retry this whole function.
pub async fn connect(host: &str, timeout: Duration) -> Result<BollardDocker, DaemonError> {
    // The client's own timeout is only a backstop: wharf bounds each request itself
    // (a stop may take the container's whole grace period before the daemon answers).
    let secs = timeout.as_secs().max(1) + STOP_GRACE_SECS + 5;
    let client = if let Some(path) = host.strip_prefix("unix://") {
        Docker::connect_with_unix(path, secs, API_DEFAULT_VERSION)
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        Docker::connect_with_http(host, secs, API_DEFAULT_VERSION)
    } else if host.starts_with('/') {
        Docker::connect_with_unix(host, secs, API_DEFAULT_VERSION)
    } else {
        return Err(DaemonError::new(
            DaemonErrorKind::Unreachable,
            format!("wharf cannot talk to {host}: use unix://PATH or tcp://HOST:PORT"),
        ));
    }
    .map_err(|e| describe(&e, host))?;

    // Bound the whole handshake too: a daemon that accepts and never answers must not
    // hold the connection attempt for longer than one request would.
    let handshake = async {
        let client = client.negotiate_version().await?;
        let version = client.version().await?;
        Ok::<_, bollard::errors::Error>((client, version))
    };
    let (client, version) = match tokio::time::timeout(timeout, handshake).await {
        Ok(result) => result.map_err(|e| describe(&e, host))?,
        Err(_) => return Err(describe(&bollard::errors::Error::RequestTimeoutError, host)),
    };
    let api = client.client_version();
    let info = convert::daemon_info(host, &version, format!("{}.{}", api.major_version, api.minor_version));
    Ok(BollardDocker::new(client, info))
}
