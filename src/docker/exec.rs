//! Interactive sessions: `exec` into a container or `attach` to its TTY, with the raw
//! byte stream both ways.
//!
//! bollard's `start_exec` decodes the hijacked stream with a decoder that guesses
//! framing from the first byte of each read; with a TTY every byte belongs to the
//! terminal, and a read that starts with 0x00-0x02 (a program can print one) would be
//! taken for a frame header and stall the console. So the upgrade is done here, over a
//! connection of the same dialer bollard's requests use (`transport.rs`): an HTTP/1.1
//! request with `Upgrade: tcp`, the response head read, and what follows handed over
//! untouched. Creating, resizing and inspecting execs go through bollard as usual.

use std::pin::Pin;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

use super::error::describe_dial;
use super::path::segment;
use super::transport::Dialer;
use crate::model::{DaemonError, DaemonErrorKind};
use crate::text::sanitize;

pub type RawRead = Pin<Box<dyn AsyncRead + Send>>;
pub type RawWrite = Pin<Box<dyn AsyncWrite + Send>>;

/// The variable a console's exec carries, naming its session (see `hang_up`).
pub const CONSOLE_MARKER: &str = "WHARF_CONSOLE";

/// The script that hangs up a console: SIGHUP to each process whose environment holds
/// `WHARF_CONSOLE=<marker>` exactly (one variable per line once NULs are newlines).
/// `marker` is wharf's own (`w<pid>s<session>e`), passed as an argument, never spliced
/// into the script.
pub fn hang_up_command(marker: &str) -> Vec<String> {
    let script = r#"want="WHARF_CONSOLE=$1"
for p in /proc/[0-9]*; do
  tr '\0' '\n' < "$p/environ" 2>/dev/null | grep -qxF "$want" && kill -HUP "${p#/proc/}" 2>/dev/null
done
exit 0"#;
    ["sh", "-c", script, "wharf-hang-up", marker].iter().map(|s| s.to_string()).collect()
}

/// Detach keys for the daemon that nobody types (it needs some; see `create_exec`).
pub const UNTYPED_DETACH_KEYS: &str = "ctrl-_,ctrl-^,ctrl-_,ctrl-^,ctrl-_";

/// How long connecting and reading the daemon's answer may take.
const UPGRADE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// `upgrade`, bounded: a daemon that accepts and never answers gives an error, not a
/// console that says "starting" forever.
pub async fn upgrade_within(dialer: &Dialer, path: &str, body: &str) -> Result<(RawRead, RawWrite), DaemonError> {
    tokio::time::timeout(UPGRADE_TIMEOUT, upgrade(dialer, path, body)).await.unwrap_or_else(|_| {
        Err(DaemonError::new(
            DaemonErrorKind::Timeout,
            format!("the daemon at {} did not answer in time", sanitize(dialer.host())),
        ))
    })
}

/// `POST /v{api}/exec/{id}/start`, the id percent-encoded.
pub fn exec_start_path(api_version: &str, exec_id: &str) -> String {
    format!("/v{api_version}/exec/{}/start", segment(exec_id))
}

/// `POST /v{api}/containers/{id}/attach?...`, the id percent-encoded.
pub fn attach_path(api_version: &str, container_id: &str) -> String {
    format!(
        "/v{api_version}/containers/{}/attach?stream=1&stdin=1&stdout=1&stderr=1&detachKeys={}",
        segment(container_id),
        segment(UNTYPED_DETACH_KEYS)
    )
}

/// Longest response head accepted before the raw stream starts.
const MAX_HEAD: usize = 16 * 1024;

/// POSTs `path` (with the API version prefix) to the daemon asking to upgrade the
/// connection, and returns the two halves of the raw stream.
pub async fn upgrade(dialer: &Dialer, path: &str, body: &str) -> Result<(RawRead, RawWrite), DaemonError> {
    post_for_head(dialer, path, body, "Connection: Upgrade\r\nUpgrade: tcp\r\n").await
}

/// POSTs `path` and returns once the daemon's answer head says 101 or 200, with what
/// follows the head unread: the raw stream of an upgrade, or a body still to come.
pub async fn post_for_head(
    dialer: &Dialer,
    path: &str,
    body: &str,
    connection_headers: &str,
) -> Result<(RawRead, RawWrite), DaemonError> {
    let host = dialer.host();
    let path = super::path::checked(path)?;
    let io = dialer.dial().await.map_err(|e| describe_dial(&e, host))?;
    let (read, mut write) = tokio::io::split(io);
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         {connection_headers}\r\n{body}",
        body.len()
    );
    write.write_all(request.as_bytes()).await.map_err(|e| io_error(host, &e))?;
    write.flush().await.map_err(|e| io_error(host, &e))?;

    // Read the head line by line; the BufReader keeps whatever raw bytes came with it.
    let mut reader = BufReader::new(read);
    let mut status_line = String::new();
    let mut head_len = 0usize;
    let mut content_length: Option<usize> = None;
    let mut first = true;
    loop {
        let mut line = String::new();
        let n = (&mut reader)
            .take((MAX_HEAD - head_len) as u64)
            .read_line(&mut line)
            .await
            .map_err(|e| io_error(host, &e))?;
        if n == 0 {
            return Err(DaemonError::new(DaemonErrorKind::Other, "the daemon closed the connection before answering"));
        }
        head_len += n;
        if head_len >= MAX_HEAD {
            return Err(DaemonError::new(DaemonErrorKind::Other, "the daemon's answer head is too long"));
        }
        if first {
            status_line = line.trim_end().to_string();
            first = false;
            continue;
        }
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            content_length = value.trim().parse().ok();
        }
    }
    let status: u16 = status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    match status {
        // 101 Switching Protocols, or 200 for daemons that hijack without saying so.
        101 | 200 => Ok((Box::pin(reader), Box::pin(write))),
        _ => {
            let mut body = vec![0u8; content_length.unwrap_or(0).min(MAX_HEAD)];
            let _ = reader.read_exact(&mut body).await;
            let text = String::from_utf8_lossy(&body);
            let message = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
                .unwrap_or_else(|| format!("the daemon answered {status}"));
            let kind = match status {
                404 => DaemonErrorKind::NotFound,
                409 => DaemonErrorKind::Conflict,
                _ => DaemonErrorKind::Api,
            };
            Err(DaemonError::new(kind, sanitize(&message)))
        }
    }
}

fn io_error(host: &str, e: &std::io::Error) -> DaemonError {
    describe_dial(e, host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrade_paths_keep_ids_in_their_segment() {
        assert_eq!(exec_start_path("1.41", "abc123"), "/v1.41/exec/abc123/start");
        assert_eq!(
            exec_start_path("1.41", "../../containers/x/kill?"),
            "/v1.41/exec/..%2F..%2Fcontainers%2Fx%2Fkill%3F/start"
        );
        let attach = attach_path("1.41", "web#1");
        assert!(attach.starts_with("/v1.41/containers/web%231/attach?stream=1&"), "{attach}");
        assert!(attach.ends_with("&detachKeys=ctrl-_%2Cctrl-%5E%2Cctrl-_%2Cctrl-%5E%2Cctrl-_"), "{attach}");
        assert!(super::super::path::checked(&exec_start_path("1.41", "..")).is_err());
    }
}
