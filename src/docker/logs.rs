//! Raw answers from the daemon, for the two places where bollard's typed API gets in
//! the way:
//!
//! - Logs: bollard's own `logs()` decodes the stream itself and guesses whether it is
//!   multiplexed from the first byte; on a TTY container whose line starts with
//!   0x00-0x02 that guess reads a bogus frame header and waits forever (HOSTILE.md).
//!   wharf decodes the bytes itself (`crate::logs::decode`), told by `Config.Tty`.
//! - The container list: bollard's model has a closed enum for `State`, so one
//!   container in a state Docker does not know (Podman's `stopped`) fails the whole
//!   list. wharf reads the JSON and converts each row on its own.
//!
//! To get undecoded bytes over bollard's transport (unix, TCP, TLS, SSH alike), `get`
//! asks for `/containers/{id}/export`, the one endpoint bollard hands back as a raw byte
//! stream, and rewrites the request's path on its way out (keeping the API version
//! prefix). The live tests exercise both uses.

use bollard::Docker;
use futures::StreamExt;
use futures::stream::BoxStream;

use super::error::describe;
use crate::model::DaemonError;

/// What to ask the daemon for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    /// Start with at most this many of the latest lines; `None` asks for the whole
    /// history, which only saving a full log to a file does.
    pub tail: Option<u32>,
    /// Only lines since this time (Unix seconds).
    pub since: Option<i64>,
    pub timestamps: bool,
    pub follow: bool,
    /// A swarm service's logs (`/services/{id}/logs`, all its tasks) instead of a
    /// container's.
    pub service: bool,
}

impl LogRequest {
    fn query(&self) -> String {
        let tail = self.tail.map_or_else(|| "all".to_string(), |n| n.to_string());
        let mut query = format!(
            "stdout=1&stderr=1&follow={}&tail={tail}&timestamps={}",
            u8::from(self.follow),
            u8::from(self.timestamps)
        );
        if let Some(since) = self.since {
            query.push_str(&format!("&since={since}"));
        }
        query
    }
}

pub fn log_bytes(
    client: &Docker,
    host: &str,
    id: &str,
    request: &LogRequest,
) -> BoxStream<'static, Result<bytes::Bytes, DaemonError>> {
    let kind = if request.service { "services" } else { "containers" };
    get(client, host, &format!("/{kind}/{id}/logs?{}", request.query()))
}

/// GETs `path_and_query` (e.g. `/containers/json?all=1`) and streams the body as it
/// comes. Errors (status >= 400) come out as `DaemonError`s like any other request's.
pub fn get(client: &Docker, host: &str, path_and_query: &str) -> BoxStream<'static, Result<bytes::Bytes, DaemonError>> {
    const MARKER: &str = "wharf-raw-get";
    let target = path_and_query.to_string();
    let rewriting = client.clone().with_request_modifier(move |mut req| {
        let uri = req.uri().clone();
        let path = uri.path();
        // `/v1.41/containers/wharf-raw-get/export` -> `/v1.41` + target.
        if let Some(version) = path.strip_suffix(&format!("/containers/{MARKER}/export")).map(str::to_string) {
            let mut parts = uri.into_parts();
            if let Ok(rewritten) = format!("{version}{target}").parse() {
                parts.path_and_query = Some(rewritten);
                if let Ok(rewritten) = http::Uri::from_parts(parts) {
                    *req.uri_mut() = rewritten;
                }
            }
        }
        req
    });
    let host = host.to_string();
    rewriting.export_container(MARKER).map(move |chunk| chunk.map_err(|e| describe(&e, &host))).boxed()
}
