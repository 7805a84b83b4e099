//! One task per followed log stream: read the daemon's bytes, decode and style them off
//! the UI task, and send lines in batches, so a flooding container costs one message
//! per batch, not one per line. A batch goes when 256 lines are waiting, or 50 ms after
//! the first of them came; while the lines flood in, at most one batch per 50 ms.
//! Sending waits when the UI is behind: the daemon keeps the log, nothing piles up here.
//!
//! Lines that could never be seen are not worked on: the pane keeps the newest `keep`
//! lines (its ring buffer's capacity), so of a batch longer than that only its last
//! `keep` lines are styled and sent; the UI is told how many were passed over, and
//! counts them as dropped. Every line the pane keeps is styled in full, so search,
//! filter and save see each one. (Measured in BENCHMARKS.md: a flood of 660,000 lines
//! a second is mostly lines the buffer would have dropped within the same frame.)
//! A flood is read in a few large reads rather than one wake-up per line, at most
//! `FLOOD_LINES_PER_SECOND` (see `flood_pause`): reading is what costs (the daemon
//! writes each line on its own, and the kernel's work per line is most of wharf's CPU
//! in a flood, BENCHMARKS.md). A flood faster than that would fall behind and show
//! old lines as if they were live, so a stream read at a flood's rate for two seconds
//! skips ahead: it starts again with the newest lines (`SKIP_TAIL`), and the pane
//! marks the place. Lines in between are never read; near the end of a burst a few
//! may come twice.

use std::collections::VecDeque;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::msg::Msg;
use crate::app::msg::{SavedLog, Streamed};
use crate::docker::{DockerApi, LogRequest};
use crate::logs::{LogDecoder, LogLine, RawLine, style_line};
use crate::state::StreamId;

const BATCH_LINES: usize = 256;
const BATCH_WAIT: Duration = Duration::from_millis(50);

pub struct LogJob {
    pub stream: StreamId,
    pub container_id: String,
    pub source: u8,
    pub tty: bool,
    pub request: LogRequest,
    /// Lines the pane keeps (its buffer's capacity): older lines of a batch are passed
    /// over unstyled.
    pub keep: usize,
}

pub async fn follow<D: DockerApi>(docker: &D, job: LogJob, tx: mpsc::Sender<Msg>, cancel: CancellationToken) {
    follow_until_done(docker, job, tx, &cancel).await;
    // Marks the stream finished for the runner, which forgets finished streams.
    cancel.cancel();
}

/// The lines decoded and not yet sent: the newest `keep` of them, and how many older
/// ones were passed over.
struct Pending {
    lines: VecDeque<RawLine>,
    keep: usize,
    passed_over: u64,
}

impl Pending {
    /// Lines that came since the last batch, passed over or not.
    fn arrived(&self) -> usize {
        self.lines.len().saturating_add(usize::try_from(self.passed_over).unwrap_or(usize::MAX))
    }

    fn take(&mut self, raw: &mut Vec<RawLine>) {
        self.lines.extend(raw.drain(..));
        let excess = self.lines.len().saturating_sub(self.keep);
        if excess > 0 {
            self.lines.drain(..excess);
            self.passed_over += excess as u64;
        }
    }
}

async fn follow_until_done<D: DockerApi>(docker: &D, job: LogJob, tx: mpsc::Sender<Msg>, cancel: &CancellationToken) {
    let LogJob { stream, container_id, source, tty, request, keep } = job;
    let timestamps = request.timestamps;
    let mut bytes = docker.logs(&container_id, &request).ready_chunks(CHUNKS_AT_ONCE);
    // Lines read since the last flood pause; the current skip window (its start and
    // the lines read in it) and how many windows in a row were read at a flood's rate.
    let mut since_pause = 0usize;
    let mut window = (Instant::now(), 0usize);
    let mut flooded_windows = 0;
    let mut decoder = LogDecoder::new(tty);
    let mut raw = Vec::new();
    let mut pending = Pending { lines: VecDeque::new(), keep: keep.max(1), passed_over: 0 };
    // When the waiting lines go at the latest, and when the last batch went.
    let mut flush_at: Option<Instant> = None;
    let mut last_flush: Option<Instant> = None;
    let flush = async |pending: &mut Pending, last_flush: &mut Option<Instant>| {
        *last_flush = Some(Instant::now());
        if pending.passed_over > 0 {
            let count = std::mem::take(&mut pending.passed_over);
            if tx.send(Msg::Stream(Streamed::LogPassedOver { stream, count })).await.is_err() {
                return false;
            }
        }
        if pending.lines.is_empty() {
            return true;
        }
        // Styled here, only the lines that will be kept.
        let lines: Vec<LogLine> = pending.lines.drain(..).map(|r| style_line(r, source, timestamps)).collect();
        tx.send(Msg::Stream(Streamed::LogLines { stream, lines })).await.is_ok()
    };
    loop {
        let deadline = flush_at;
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = async { if let Some(d) = deadline { tokio::time::sleep_until(d).await } }, if deadline.is_some() => {
                flush_at = None;
                if !flush(&mut pending, &mut last_flush).await {
                    return;
                }
            }
            // Every chunk that is there already, in one go: the daemon sends each line
            // as a chunk of its own.
            chunks = bytes.next() => {
                let Some(chunks) = chunks else {
                    decoder.finish(&mut raw);
                    pending.take(&mut raw);
                    let _ = flush(&mut pending, &mut last_flush).await;
                    let _ = tx.send(Msg::Stream(Streamed::LogEnded { stream, error: None })).await;
                    return;
                };
                let mut decoded = 0;
                for chunk in chunks {
                    match chunk {
                        Ok(chunk) => decoder.feed(&chunk, &mut raw),
                        Err(error) => {
                            pending.take(&mut raw);
                            let _ = flush(&mut pending, &mut last_flush).await;
                            let _ = tx.send(Msg::Stream(Streamed::LogEnded { stream, error: Some(error) })).await;
                            return;
                        }
                    }
                    decoded += raw.len();
                    pending.take(&mut raw);
                }
                if pending.lines.is_empty() && pending.passed_over == 0 {
                    continue;
                }
                let now = Instant::now();
                // The first waiting line waits at most the window; a full batch goes
                // at once unless one went within the window (a flood).
                let mut due = flush_at.unwrap_or(now + BATCH_WAIT);
                if pending.arrived() >= BATCH_LINES {
                    due = due.min(last_flush.map_or(now, |at| at + BATCH_WAIT));
                }
                if due <= now {
                    flush_at = None;
                    if !flush(&mut pending, &mut last_flush).await {
                        return;
                    }
                } else {
                    flush_at = Some(due);
                }
                // Read at a flood's rate for `SKIP_AFTER_WINDOWS` windows in a row:
                // behind, skip ahead. (A burst read whole within that time is not a
                // reason.) The partial line the decoder holds belongs to what is skipped.
                window.1 += decoded;
                let elapsed = now.duration_since(window.0);
                if elapsed >= SKIP_WINDOW {
                    let rate = window.1 as f64 / elapsed.as_secs_f64();
                    flooded_windows = if rate >= SKIP_LINES_PER_SECOND { flooded_windows + 1 } else { 0 };
                    window = (now, 0);
                }
                if flooded_windows >= SKIP_AFTER_WINDOWS {
                    flooded_windows = 0;
                    since_pause = 0;
                    decoder = LogDecoder::new(tty);
                    let newest = LogRequest { tail: Some(SKIP_TAIL.min(u32::try_from(keep).unwrap_or(u32::MAX))), ..request.clone() };
                    bytes = docker.logs(&container_id, &newest).ready_chunks(CHUNKS_AT_ONCE);
                    flush_at = None;
                    if !flush(&mut pending, &mut last_flush).await
                        || tx.send(Msg::Stream(Streamed::LogSkippedAhead { stream })).await.is_err()
                    {
                        return;
                    }
                    continue;
                }
                // A flood: read it at a bounded rate, in a few large reads. (Counted
                // across reads: a stream may hand over a few chunks per wake-up.)
                since_pause += decoded;
                if since_pause >= FLOOD_LINES {
                    let pause = flood_pause(std::mem::take(&mut since_pause));
                    if !pause_unless_cancelled(pause, cancel).await {
                        return;
                    }
                }
            }
        }
    }
}

/// Lines read since the last pause that make it a flood (see `flood_pause`).
const FLOOD_LINES: usize = 256;
/// Lines a second a flood is read at, at most: more than anyone reads, and far less
/// than a daemon can send (60,000-90,000 a second measured here, BENCHMARKS.md).
const FLOOD_LINES_PER_SECOND: u64 = 20_000;
/// Windows in which a stream's read rate is judged: `SKIP_AFTER_WINDOWS` of them in a
/// row at `SKIP_LINES_PER_SECOND` or more (a flood read at the cap, which the reads
/// reach at 15,000-19,000 a second, BENCHMARKS.md) and the stream is behind: it skips
/// ahead, starting again with the newest `SKIP_TAIL` lines (the end of a burst is
/// often what matters).
const SKIP_WINDOW: Duration = Duration::from_secs(1);
const SKIP_AFTER_WINDOWS: u32 = 2;
const SKIP_LINES_PER_SECOND: f64 = FLOOD_LINES_PER_SECOND as f64 / 2.0;
const SKIP_TAIL: u32 = 1000;
/// Chunks taken in one wake-up, at most.
const CHUNKS_AT_ONCE: usize = 4096;

/// How long a flooded log task waits before reading again, after `decoded` lines in
/// one wake-up: as long as those lines take at `FLOOD_LINES_PER_SECOND`, at least 10
/// ms (meanwhile the next lines gather in the socket, to be read in a few large reads
/// rather than one wake-up per line), at most 250 ms (a full read, `CHUNKS_AT_ONCE`
/// lines, takes about 200 ms at that rate).
pub fn flood_pause(decoded: usize) -> Duration {
    let at_rate = Duration::from_micros((decoded as u64).saturating_mul(1_000_000) / FLOOD_LINES_PER_SECOND);
    at_rate.clamp(Duration::from_millis(10), Duration::from_millis(250))
}

/// Waits `pause`; `false` when the stream was cancelled meanwhile.
async fn pause_unless_cancelled(pause: Duration, cancel: &CancellationToken) -> bool {
    tokio::select! {
        _ = cancel.cancelled() => false,
        _ = tokio::time::sleep(pause) => true,
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
