//! Building a client for an endpoint and agreeing on an API version.

use std::time::Duration;

use bollard::{API_DEFAULT_VERSION, ClientVersion};

use super::client::BollardDocker;
use super::convert;
use super::daemon_http::DaemonHttp;
use super::error::describe;
use crate::model::{DaemonAddress, DaemonError, DaemonErrorKind, ListHead};

/// Seconds the daemon gives a container to stop before it kills it (its default).
pub const STOP_GRACE_SECS: u64 = 10;

/// Connects to the daemon at `address` (`unix://...`, `tcp://...` with or without TLS,
/// `ssh://...`), negotiates the API version and reads the daemon's version. `timeout` bounds each request; streams are
/// not cut by it (bollard applies it to the response headers only).
///
/// A missing unix socket or a bad TLS file fails here, not on the first request:
/// callers retry this whole function.
pub async fn connect(address: &DaemonAddress, timeout: Duration) -> Result<BollardDocker, DaemonError> {
    let host = address.host.as_str();
    // The client's own timeout is only a backstop: wharf bounds each request itself
    // (a stop may take the container's whole grace period before the daemon answers).
    let secs = timeout.as_secs().max(1) + STOP_GRACE_SECS + 5;
    let http = client_for(address, secs)?;
    let probe = http.bollard(API_DEFAULT_VERSION)?;

    // One round trip: the daemon's version says which API it speaks; the client is
    // then built for the lower of that and its own (what `negotiate_version` does with
    // a second request). Bounded as a whole: a daemon that accepts and never answers
    // must not hold the attempt for longer than one request would.
    let version = match tokio::time::timeout(timeout, probe.version()).await {
        Ok(Ok(version)) => version,
        Ok(Err(e)) => return Err(plain_http_to_tls(address, describe(&e, host), timeout).await),
        Err(_) => return Err(describe(&bollard::errors::Error::RequestTimeoutError, host)),
    };
    let server = version.api_version.as_deref().and_then(parse_api_version);
    let oldest = version.min_api_version.as_deref().and_then(parse_api_version);
    let api = match server {
        Some(server) if server < (API_DEFAULT_VERSION.major_version, API_DEFAULT_VERSION.minor_version) => {
            ClientVersion { major_version: server.0, minor_version: server.1 }
        }
        _ => ClientVersion {
            major_version: API_DEFAULT_VERSION.major_version,
            minor_version: API_DEFAULT_VERSION.minor_version,
        },
    };
    // A daemon whose oldest API is newer than wharf's newest answers `/version` (it is
    // not versioned) and refuses everything else: say so now, naming both.
    if let Some(oldest) = oldest
        && (api.major_version, api.minor_version) < oldest
    {
        return Err(incompatible(host, (api.major_version, api.minor_version), oldest, server));
    }
    let client = http.bollard(&api)?;
    let info = convert::daemon_info(host, &version, format!("{}.{}", api.major_version, api.minor_version));
    let mut docker = BollardDocker::new(client, http, info);
    // Whether it manages a swarm decides which panes are offered; its clock is where
    // the events stream starts. An answer that does not come leaves a standalone
    // engine whose events start when the stream does.
    // It is also the first request in the negotiated version: a daemon that refuses
    // it fails here, as incompatible, and not as a lost connection a moment later.
    match tokio::time::timeout(timeout, docker.read_info()).await {
        Ok(Err(error)) if error.kind == DaemonErrorKind::Incompatible => Err(error),
        _ => Ok(docker),
    }
}

/// The daemon at `host` accepts API `oldest` and newer (up to `newest`), wharf spoke `api`.
fn incompatible(
    host: &str,
    api: (usize, usize),
    oldest: (usize, usize),
    newest: Option<(usize, usize)>,
) -> DaemonError {
    let range = match newest {
        Some(newest) => format!("{}.{} to {}.{}", oldest.0, oldest.1, newest.0, newest.1),
        None => format!("{}.{} or newer", oldest.0, oldest.1),
    };
    DaemonError::new(
        DaemonErrorKind::Incompatible,
        format!(
            "the daemon at {} speaks API {range}; wharf speaks API {}.{} at most",
            crate::text::sanitize(host),
            api.0,
            api.1
        ),
    )
    .with_hint("upgrade wharf, or use a daemon that still accepts its API version")
}

/// Plain HTTP sent to a daemon that wants TLS is answered "Client sent an HTTP request
/// to an HTTPS server" and the connection closed, which often resets it before the
/// answer is read ("the connection was closed", "the daemon may be restarting").
/// Whatever the words, on a `tcp://` address
/// without TLS files: ask the port whether it speaks TLS, and if so say which files
/// wharf needs instead of "the daemon may be restarting".
async fn plain_http_to_tls(address: &DaemonAddress, error: DaemonError, timeout: Duration) -> DaemonError {
    let host = address.host.as_str();
    let Some(authority) = host.strip_prefix("tcp://").map(|a| a.trim_end_matches('/')) else { return error };
    // (Other TLS servers just close the connection: "connection closed before message
    // completed".) Asking costs one connection, and only after a failure.
    // A refused connection means nothing listens there: no need to ask (the
    // supervisor retries a refused daemon often).
    let suspicious = error.message.contains("HTTP request to an HTTPS server")
        || (matches!(error.kind, DaemonErrorKind::Unreachable | DaemonErrorKind::Other)
            && !error.message.contains("connection refused"));
    if address.tls.is_some() || !suspicious || !speaks_tls(authority, timeout).await {
        return error;
    }
    DaemonError::new(
        DaemonErrorKind::Unreachable,
        format!("{} speaks TLS, and wharf has no certificates for it", crate::text::sanitize(host)),
    )
    .with_hint(
        "set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to a directory with ca.pem, cert.pem and key.pem \
         (tls_cert_path for a [[hosts]] entry), or use a docker context that has them",
    )
}

/// Whether the server at `authority` answers a TLS ClientHello as a TLS server does: with
/// a handshake record (0x16) or an alert (0x15). An HTTP server answers text, or nothing.
async fn speaks_tls(authority: &str, timeout: Duration) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let ask = async {
        let mut stream = tokio::net::TcpStream::connect(authority).await.ok()?;
        stream.write_all(&CLIENT_HELLO).await.ok()?;
        let mut first = [0u8; 1];
        stream.read_exact(&mut first).await.ok()?;
        Some(matches!(first[0], 0x15 | 0x16))
    };
    matches!(tokio::time::timeout(timeout, ask).await, Ok(Some(true)))
}

/// A minimal TLS 1.2 ClientHello (one cipher suite, no extensions): enough for any TLS
/// server to answer with a ServerHello or an alert, which is all `speaks_tls` reads.
const CLIENT_HELLO: [u8; 50] = [
    0x16, 0x03, 0x01, 0x00, 0x2d, // record: handshake, TLS 1.0 framing, 45 bytes
    0x01, 0x00, 0x00, 0x29, // ClientHello, 41 bytes
    0x03, 0x03, // TLS 1.2
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
    0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, // random
    0x00, // no session id
    0x00, 0x02, 0xc0, 0x2f, // one suite: ECDHE-RSA-AES128-GCM-SHA256
    0x01, 0x00, // null compression
];

/// The newest `rows` containers (all of them, or the running ones), read without
/// waiting for `connect`: asked for at once, alongside its version round trip, so the
/// first names are on screen a round trip sooner. A screenful is all it asks for: with
/// thousands of containers the daemon lists a screenful in a fraction of the time it
/// takes to list them all (its own order, newest first, is the list's default order).
/// It goes to the unversioned path, which the daemon answers in its own API version
/// (the list's fields wharf reads are the same in every version it speaks); a daemon
/// that refuses it only loses the head start, `connect` says why.
pub async fn first_containers(
    address: &DaemonAddress,
    timeout: Duration,
    rows: usize,
    all: bool,
) -> Result<ListHead, DaemonError> {
    let host = address.host.as_str();
    let http = client_for(address, timeout.as_secs().max(1) + 5)?;
    let rows = rows.max(1);
    let path = format!("/containers/json?{}limit={rows}", if all { "all=1&" } else { "" });
    match tokio::time::timeout(timeout, http.get_bytes("", &path)).await {
        Ok(body) => {
            let listed = super::client::container_list(&body?)?;
            Ok(ListHead { more: listed.len() >= rows, rows: listed })
        }
        Err(_) => Err(describe(&bollard::errors::Error::RequestTimeoutError, host)),
    }
}

/// `1.41` -> (1, 41).
fn parse_api_version(text: &str) -> Option<(usize, usize)> {
    let (major, minor) = text.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Checks that wharf can talk to `address` at all, then builds the one HTTP client
/// every request to it goes through (`daemon_http.rs`).
fn client_for(address: &DaemonAddress, secs: u64) -> Result<DaemonHttp, DaemonError> {
    let host = address.host.as_str();
    let refuse = |message: String| DaemonError::new(DaemonErrorKind::Unreachable, message);
    if let Some(path) = super::transport::unix_socket(host) {
        // A missing socket is said before the first request, with its path.
        if !std::path::Path::new(path).exists() {
            return Err(describe(&bollard::errors::Error::SocketNotFoundError(path.to_string()), host));
        }
    } else if host.starts_with("ssh://") {
        // The system's ssh (the user's config, agent and host keys apply) runs
        // `docker system dial-stdio` on the far side, as the docker CLI does.
    } else if super::transport::tcp_authority(host).is_some() {
        if address.tls.is_none() && host.starts_with("https://") {
            return Err(refuse(format!(
                "{} needs TLS files: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or use a docker context",
                crate::text::sanitize(host)
            )));
        }
    } else {
        return Err(refuse(format!(
            "wharf cannot talk to {}: use unix://PATH, tcp://HOST:PORT or ssh://USER@HOST",
            crate::text::sanitize(host)
        )));
    }
    DaemonHttp::new(address, Duration::from_secs(secs))
}
