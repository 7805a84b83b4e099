//! A container's (or a service's) log output, undecoded. bollard's own `logs()` decodes
//! the stream itself and guesses whether it is multiplexed from the first byte; on a
//! TTY container whose line starts with 0x00-0x02 that guess reads a bogus frame header
//! and waits forever (HOSTILE.md). wharf asks with a plain GET of its own HTTP client
//! (`daemon_http.rs`, the one bollard's requests go through too) and decodes the bytes
//! itself (`crate::logs::decode`), told by `Config.Tty`.

use futures::stream::BoxStream;

use super::daemon_http::DaemonHttp;
use super::path::segment;
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

/// The log output of container (or service) `id`, undecoded, as it comes.
pub fn log_bytes(
    http: &DaemonHttp,
    api_version: &str,
    id: &str,
    request: &LogRequest,
) -> BoxStream<'static, Result<bytes::Bytes, DaemonError>> {
    let kind = if request.service { "services" } else { "containers" };
    http.get(api_version, &format!("/{kind}/{}/logs?{}", segment(id), request.query()))
}
