//! Waiting for a container to exit (`POST /containers/{id}/wait`), registered before
//! it starts, as `docker run` does: a container that exits at once, or that `--rm`
//! removes at once, still reports its exit code.
//!
//! The daemon answers the head (200) as soon as the wait is registered and the body
//! (`{"StatusCode": N}`) when the condition is met; bollard hands out neither moment
//! apart, so the request is sent here, over the same dialer, and returns after the head.

use futures::future::BoxFuture;
use tokio::io::AsyncReadExt;

use super::exec::post_for_head;
use super::path::segment;
use super::transport::Dialer;
use crate::model::{DaemonError, DaemonErrorKind};
use crate::text::sanitize;

/// A registered wait: resolves to the exit code when the container exits (or, for
/// `removed`, once the daemon has removed it too).
pub struct ExitWait(pub BoxFuture<'static, Result<i64, DaemonError>>);

impl ExitWait {
    pub async fn exit_code(self) -> Result<i64, DaemonError> {
        self.0.await
    }
}

impl std::fmt::Debug for ExitWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExitWait")
    }
}

/// Longest answer body read.
const MAX_BODY: usize = 16 * 1024;

/// `POST /v{api}/containers/{id}/wait?condition=...`, the id percent-encoded.
pub fn wait_path(api_version: &str, container_id: &str, removed: bool) -> String {
    let condition = if removed { "removed" } else { "next-exit" };
    format!("/v{api_version}/containers/{}/wait?condition={condition}", segment(container_id))
}

pub async fn register(dialer: &Dialer, path: &str) -> Result<ExitWait, DaemonError> {
    let (mut read, write) = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        post_for_head(dialer, path, "", "Connection: close\r\n"),
    )
    .await
    .unwrap_or_else(|_| Err(DaemonError::new(DaemonErrorKind::Timeout, "the daemon did not register the wait")))?;
    Ok(ExitWait(Box::pin(async move {
        // Kept open until the answer: dropping the writing half would end the request.
        let _open = write;
        let mut body = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            if let Some(code) = status_in(&body)? {
                return Ok(code);
            }
            let n = read.read(&mut buf).await.map_err(|e| DaemonError::new(DaemonErrorKind::Other, e.to_string()))?;
            if n == 0 || body.len() + n > MAX_BODY {
                return Err(DaemonError::new(DaemonErrorKind::Other, "the daemon ended the wait without an exit code"));
            }
            body.extend_from_slice(&buf[..n]);
        }
    })))
}

/// The exit code in a (possibly chunked) wait answer, once it is all there.
pub fn status_in(body: &[u8]) -> Result<Option<i64>, DaemonError> {
    let text = String::from_utf8_lossy(body);
    let (Some(start), Some(end)) = (text.find('{'), text.rfind('}')) else { return Ok(None) };
    if end < start {
        return Ok(None);
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text[start..=end]) else { return Ok(None) };
    if let Some(message) = value.pointer("/Error/Message").and_then(|m| m.as_str()).filter(|m| !m.is_empty()) {
        return Err(DaemonError::new(DaemonErrorKind::Api, sanitize(message)));
    }
    Ok(value.get("StatusCode").and_then(|c| c.as_i64()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exit_code_is_read_from_a_chunked_answer() {
        assert_eq!(status_in(b"").unwrap(), None);
        assert_eq!(status_in(b"1e\r\n{\"Error\":null,\"Stat").unwrap(), None);
        assert_eq!(status_in(b"1e\r\n{\"Error\":null,\"StatusCode\":3}\n\r\n0\r\n\r\n").unwrap(), Some(3));
        let failed = status_in(br#"{"Error":{"Message":"boom\u001b[2J"},"StatusCode":255}"#).unwrap_err();
        assert_eq!(failed.message, "boom");
        assert_eq!(wait_path("1.41", "a/b", true), "/v1.41/containers/a%2Fb/wait?condition=removed");
        assert!(wait_path("1.41", "x", false).ends_with("condition=next-exit"));
    }
}
