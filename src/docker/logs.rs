//! The raw bytes of a container's log stream.
//!
//! bollard's own `logs()` decodes the stream itself and guesses whether it is
//! multiplexed from the first byte; on a TTY container whose line starts with 0x00-0x02
//! that guess reads a bogus frame header and waits forever (HOSTILE.md). wharf decodes
//! the bytes itself (`crate::logs::decode`), told by the container's `Config.Tty`. To get
//! the undecoded bytes over bollard's transport (unix, TCP, TLS, SSH alike), this asks
//! for `/containers/{id}/export`, the one container endpoint bollard hands back as a
//! raw byte stream, and rewrites the request's path to `/containers/{id}/logs` on its way
//! out. The rewrite is checked by the live tests.

use bollard::Docker;
use futures::StreamExt;
use futures::stream::BoxStream;

use super::error::describe;
use crate::model::DaemonError;

/// What to ask the daemon for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    /// Start with at most this many of the latest lines (never the whole history).
    pub tail: u32,
    /// Only lines since this time (Unix seconds).
    pub since: Option<i64>,
    pub timestamps: bool,
    pub follow: bool,
}

impl LogRequest {
    fn query(&self) -> String {
        let mut query = format!(
            "stdout=1&stderr=1&follow={}&tail={}&timestamps={}",
            u8::from(self.follow),
            self.tail,
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
    let query = request.query();
    let rewriting = client.clone().with_request_modifier(move |mut req| {
        let uri = req.uri().clone();
        if let Some(prefix) = uri.path().strip_suffix("/export").map(str::to_string) {
            let mut parts = uri.into_parts();
            if let Ok(path) = format!("{prefix}/logs?{query}").parse() {
                parts.path_and_query = Some(path);
                if let Ok(rewritten) = http::Uri::from_parts(parts) {
                    *req.uri_mut() = rewritten;
                }
            }
        }
        req
    });
    let host = host.to_string();
    rewriting.export_container(id).map(move |chunk| chunk.map_err(|e| describe(&e, &host))).boxed()
}
