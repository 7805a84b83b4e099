//! Building a client for an endpoint and agreeing on an API version.

use std::time::Duration;

use bollard::{API_DEFAULT_VERSION, ClientVersion, Docker};

use super::client::BollardDocker;
use super::convert;
use super::error::describe;
use crate::model::{DaemonAddress, DaemonError, DaemonErrorKind};

/// Seconds the daemon gives a container to stop before it kills it (its default).
pub const STOP_GRACE_SECS: u64 = 10;

/// Connects to the daemon at `address` (`unix://...`, `tcp://...` with or without TLS,
/// `ssh://...`), negotiates the API version and reads the daemon's version. `timeout` bounds each request; streams are
/// not cut by it (bollard applies it to the response headers only).
///
/// bollard checks that a unix socket exists when the client is built, so a missing
/// daemon fails here, not on the first request: callers retry this whole function.
pub async fn connect(address: &DaemonAddress, timeout: Duration) -> Result<BollardDocker, DaemonError> {
    let host = address.host.as_str();
    // The client's own timeout is only a backstop: wharf bounds each request itself
    // (a stop may take the container's whole grace period before the daemon answers).
    let secs = timeout.as_secs().max(1) + STOP_GRACE_SECS + 5;
    let probe = build(address, secs, API_DEFAULT_VERSION)?;

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
    let client = build(address, secs, &api)?;
    let info = convert::daemon_info(host, &version, format!("{}.{}", api.major_version, api.minor_version));
    let mut docker = BollardDocker::new(client, info, address.clone());
    // Whether it manages a swarm decides which panes are offered; its clock is where
    // the events stream starts. An answer that does not come leaves a standalone
    // engine whose events start when the stream does.
    let _ = tokio::time::timeout(timeout, docker.read_info()).await;
    Ok(docker)
}

/// `1.41` -> (1, 41).
fn parse_api_version(text: &str) -> Option<(usize, usize)> {
    let (major, minor) = text.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn build(address: &DaemonAddress, secs: u64, version: &ClientVersion) -> Result<Docker, DaemonError> {
    let host = address.host.as_str();
    let refuse = |message: String| DaemonError::new(DaemonErrorKind::Unreachable, message);
    let client = if let Some(path) = host.strip_prefix("unix://") {
        Docker::connect_with_unix(path, secs, version)
    } else if host.starts_with('/') {
        Docker::connect_with_unix(host, secs, version)
    } else if host.starts_with("ssh://") {
        // bollard runs the system's ssh (the user's config and agent apply) and
        // `docker system dial-stdio` on the far side, as the docker CLI does.
        Docker::connect_with_ssh(host, secs, version, None)
    } else if host.starts_with("tcp://") || host.starts_with("http://") || host.starts_with("https://") {
        match &address.tls {
            Some(tls) => {
                super::transport::check_tls_files(tls).map_err(refuse)?;
                Docker::connect_with_ssl(host, &tls.key, &tls.cert, &tls.ca, secs, version)
            }
            None if host.starts_with("https://") => {
                return Err(refuse(format!(
                    "{} needs TLS files: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or use a docker context",
                    crate::text::sanitize(host)
                )));
            }
            None => Docker::connect_with_http(host, secs, version),
        }
    } else {
        return Err(refuse(format!(
            "wharf cannot talk to {}: use unix://PATH, tcp://HOST:PORT or ssh://USER@HOST",
            crate::text::sanitize(host)
        )));
    };
    client.map_err(|e| describe(&e, host))
}
