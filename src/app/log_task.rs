//! One task per followed log stream: read the daemon's bytes, decode and style them off
//! the UI task, and send lines in batches (at most 256 lines, or what arrived within
//! 50 ms), so a flooding container costs one message per batch, not one per line.
//! Sending waits when the UI is behind: the daemon keeps the log, nothing piles up here.

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::msg::Msg;
use crate::app::msg::Streamed;
use crate::docker::{DockerApi, LogRequest};
use crate::logs::{LogDecoder, LogLine, style_line};
use crate::state::StreamId;

const BATCH_LINES: usize = 256;
const BATCH_WAIT: Duration = Duration::from_millis(50);

pub struct LogJob {
    pub stream: StreamId,
    pub container_id: String,
    pub source: u8,
    pub tty: bool,
    pub request: LogRequest,
}

pub async fn follow<D: DockerApi>(docker: &D, job: LogJob, tx: mpsc::Sender<Msg>, cancel: CancellationToken) {
    follow_until_done(docker, job, tx, &cancel).await;
    // Marks the stream finished for the runner, which forgets finished streams.
    cancel.cancel();
}

async fn follow_until_done<D: DockerApi>(docker: &D, job: LogJob, tx: mpsc::Sender<Msg>, cancel: &CancellationToken) {
    let LogJob { stream, container_id, source, tty, request } = job;
    let timestamps = request.timestamps;
    let mut bytes = docker.logs(&container_id, &request);
    let mut decoder = LogDecoder::new(tty);
    let mut raw = Vec::new();
    let mut pending: Vec<LogLine> = Vec::new();
    let mut flush_at: Option<tokio::time::Instant> = None;
    let flush = async |pending: &mut Vec<LogLine>| {
        if pending.is_empty() {
            return true;
        }
        let lines = std::mem::take(pending);
        tx.send(Msg::Stream(Streamed::LogLines { stream, lines })).await.is_ok()
    };
    loop {
        let deadline = flush_at;
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = async { if let Some(d) = deadline { tokio::time::sleep_until(d).await } }, if deadline.is_some() => {
                flush_at = None;
                if !flush(&mut pending).await {
                    return;
                }
            }
            chunk = bytes.next() => match chunk {
                Some(Ok(chunk)) => {
                    decoder.feed(&chunk, &mut raw);
                    pending.extend(raw.drain(..).map(|r| style_line(r, source, timestamps)));
                    if pending.len() >= BATCH_LINES {
                        flush_at = None;
                        if !flush(&mut pending).await {
                            return;
                        }
                    } else if flush_at.is_none() && !pending.is_empty() {
                        flush_at = Some(tokio::time::Instant::now() + BATCH_WAIT);
                    }
                }
                Some(Err(error)) => {
                    let _ = flush(&mut pending).await;
                    let _ = tx.send(Msg::Stream(Streamed::LogEnded { stream, error: Some(error) })).await;
                    return;
                }
                None => {
                    decoder.finish(&mut raw);
                    pending.extend(raw.drain(..).map(|r| style_line(r, source, timestamps)));
                    let _ = flush(&mut pending).await;
                    let _ = tx.send(Msg::Stream(Streamed::LogEnded { stream, error: None })).await;
                    return;
                }
            },
        }
    }
}

/// Writes a container's whole log to a new file (mode 0600) as it streams in, never
/// holding it all in memory: the same decoding and sanitising as the pane, in plain text.
pub async fn save_full<D: DockerApi>(docker: &D, id: &str, name: &str, tty: bool) -> Result<String, String> {
    use std::os::unix::fs::OpenOptionsExt as _;
    use tokio::io::AsyncWriteExt;
    let path = crate::paths::saved_log_path(name)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true).mode(0o600);
    let file = options.open(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let mut file = tokio::io::BufWriter::new(tokio::fs::File::from_std(file));
    let request = LogRequest { tail: None, since: None, timestamps: true, follow: false, service: false };
    let mut bytes = docker.logs(id, &request);
    let mut decoder = LogDecoder::new(tty);
    let mut raw = Vec::new();
    let mut done = false;
    while !done {
        match bytes.next().await {
            Some(chunk) => decoder.feed(&chunk.map_err(|e| e.message)?, &mut raw),
            None => {
                decoder.finish(&mut raw);
                done = true;
            }
        }
        for line in raw.drain(..) {
            let line = style_line(line, 0, true);
            let text = match &line.timestamp {
                Some(ts) => format!("{ts} {}\n", line.text),
                None => format!("{}\n", line.text),
            };
            file.write_all(text.as_bytes()).await.map_err(|e| e.to_string())?;
        }
    }
    file.flush().await.map_err(|e| e.to_string())?;
    Ok(path.display().to_string())
}

/// Saves lines to a new file (see `saved_log_path`), readable by the user only (logs
/// can hold secrets). Returns the path.
pub fn save_lines(name: &str, lines: &[String]) -> Result<String, String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = crate::paths::saved_log_path(name)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    for line in lines {
        writeln!(file, "{line}").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(path.display().to_string())
}
