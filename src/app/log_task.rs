//! One task per followed log stream: read the daemon's bytes, decode and style them off
//! the UI task, and send lines in batches (at most 256 lines, or what arrived within
//! 50 ms), so a flooding container costs one message per batch, not one per line.
//! Sending waits when the UI is behind: the daemon keeps the log, nothing piles up here.

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::msg::Msg;
use crate::app::msg::{SavedLog, Streamed};
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

/// What a whole-log save is to do (`Stream::SaveFullLog`).
pub struct SaveJob {
    pub save: StreamId,
    pub container_id: String,
    pub name: String,
    pub tty: bool,
    /// Bytes written at most; the file ends with a line that says it was cut there.
    pub limit: u64,
    /// Where the file goes (`paths::saved_logs_dir`), and its name's stamp.
    pub dir: std::path::PathBuf,
    pub stamp: String,
}

/// How often a save says how far it got.
const SAVE_PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Writes a container's whole log to a new file (mode 0600) as it streams in, never
/// holding it all in memory: the same decoding and sanitising as the pane, in plain
/// text. Says how far it got every `SAVE_PROGRESS_EVERY`; stops at `limit` bytes (and
/// says so in the file). Cancelled, or failed, it removes what it wrote: no file that
/// looks whole but is not is left behind.
pub async fn save_full<D: DockerApi>(
    docker: &D,
    job: SaveJob,
    tx: &mpsc::Sender<Msg>,
    cancel: &CancellationToken,
) -> Result<SavedLog, String> {
    let (path, file) = crate::paths::create_saved_log(&job.dir, &job.name, &job.stamp)?;
    let written = tokio::select! {
        _ = cancel.cancelled() => Err("cancelled".to_string()),
        written = write_full(docker, &job, file, tx) => written,
    };
    match written {
        Ok((bytes, cut)) => Ok(SavedLog { path: path.display().to_string(), bytes, cut }),
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            Err(e)
        }
    }
}

async fn write_full<D: DockerApi>(
    docker: &D,
    job: &SaveJob,
    file: std::fs::File,
    tx: &mpsc::Sender<Msg>,
) -> Result<(u64, bool), String> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::io::BufWriter::new(tokio::fs::File::from_std(file));
    let request = LogRequest { tail: None, since: None, timestamps: true, follow: false, service: false };
    let mut bytes = docker.logs(&job.container_id, &request);
    let mut decoder = LogDecoder::new(job.tty);
    let mut raw = Vec::new();
    let mut written: u64 = 0;
    let mut told_at = tokio::time::Instant::now();
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
            let size = text.len() as u64;
            if written + size > job.limit {
                let note = format!(
                    "[wharf: the log goes on; saving stopped at the limit of {} MiB (logs.save_limit_mib in config.toml)]\n",
                    job.limit / (1024 * 1024)
                );
                file.write_all(note.as_bytes()).await.map_err(|e| e.to_string())?;
                file.flush().await.map_err(|e| e.to_string())?;
                return Ok((written, true));
            }
            file.write_all(text.as_bytes()).await.map_err(|e| e.to_string())?;
            written += size;
        }
        if told_at.elapsed() >= SAVE_PROGRESS_EVERY {
            told_at = tokio::time::Instant::now();
            let _ = tx.send(Msg::Stream(Streamed::SaveProgress { save: job.save, bytes: written })).await;
        }
    }
    file.flush().await.map_err(|e| e.to_string())?;
    Ok((written, false))
}

/// Saves lines to a new file in `dir` (see `paths::create_saved_log`), readable by the
/// user only (logs can hold secrets). Returns the path.
pub fn save_lines(dir: &std::path::Path, stamp: &str, name: &str, lines: &[String]) -> Result<String, String> {
    use std::io::Write;
    let (path, file) = crate::paths::create_saved_log(dir, name, stamp)?;
    let mut file = std::io::BufWriter::new(file);
    for line in lines {
        writeln!(file, "{line}").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    file.flush().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path.display().to_string())
}
