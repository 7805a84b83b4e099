//! Building a client for an endpoint and agreeing on an API version.

use std::time::Duration;

use bollard::{API_DEFAULT_VERSION, ClientVersion, Docker};

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
    let probe = build(host, secs, API_DEFAULT_VERSION)?;

    // One round trip: the daemon's version says which API it speaks; the client is
    // then built for the lower of that and its own (what `negotiate_version` does with
    // a second request). Bounded as a whole: a daemon that accepts and never answers
    // must not hold the attempt for longer than one request would.
    let version = match tokio::time::timeout(timeout, probe.version()).await {
        Ok(result) => result.map_err(|e| describe(&e, host))?,
        Err(_) => return Err(describe(&bollard::errors::Error::RequestTimeoutError, host)),
    };
    let server = version.api_version.as_deref().and_then(parse_api_version);
    let api = match server {
        Some(server) if server < (API_DEFAULT_VERSION.major_version, API_DEFAULT_VERSION.minor_version) => {
            ClientVersion { major_version: server.0, minor_version: server.1 }
        }
        _ => ClientVersion {
            major_version: API_DEFAULT_VERSION.major_version,
            minor_version: API_DEFAULT_VERSION.minor_version,
        },
    };
    let client = build(host, secs, &api)?;
    let info = convert::daemon_info(host, &version, format!("{}.{}", api.major_version, api.minor_version));
    Ok(BollardDocker::new(client, info))
}

/// `1.41` -> (1, 41).
fn parse_api_version(text: &str) -> Option<(usize, usize)> {
    let (major, minor) = text.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn build(host: &str, secs: u64, version: &ClientVersion) -> Result<Docker, DaemonError> {
    let client = if let Some(path) = host.strip_prefix("unix://") {
        Docker::connect_with_unix(path, secs, version)
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        Docker::connect_with_http(host, secs, version)
    } else if host.starts_with('/') {
        Docker::connect_with_unix(host, secs, version)
    } else {
        return Err(DaemonError::new(
            DaemonErrorKind::Unreachable,
            format!("wharf cannot talk to {host}: use unix://PATH or tcp://HOST:PORT"),
        ));
    };
    client.map_err(|e| describe(&e, host))
}
