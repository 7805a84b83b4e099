//! The file browser's work with the daemon: opening a path (a directory's children or
//! the start of a file), copying out to the host and copying in from it. The archive
//! crosses as a stream; the tar work (`crate::files`) runs on a blocking thread fed by
//! a bounded channel, so memory stays flat whatever is copied, and a reader that
//! stops early (a listing's cap, a viewer's cap) ends the request.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::app::msg::{Msg, Streamed};
use crate::docker::DockerApi;
use crate::files::{self, ChannelReader};
use crate::model::{DaemonError, DaemonErrorKind, Opened};
use crate::state::StreamId;

/// Chunks of an archive between the daemon and the tar reader: 8 at most in memory.
const CHUNKS: usize = 8;
/// How often a copy says how far it got.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// A copy into a container this big asks first.
pub const LARGE_COPY: u64 = 100 * 1024 * 1024;

/// Opens `path` in a container: a symlink is followed (the daemon resolves it), a
/// directory is listed, a file's start is read. Comes back with the path it opened.
pub async fn open<D: DockerApi>(d: &D, id: &str, path: &str) -> Result<(String, Opened), DaemonError> {
    let mut path = path.to_string();
    let mut stat = d.path_stat(id, &path).await?;
    if let Some(target) = stat.link_target.clone().filter(|t| *t != path) {
        stat = d.path_stat(id, &target).await?;
        path = target;
    }
    let archive = d.archive(id, &path);
    let opened = if stat.is_dir {
        let listing = read_archive(archive, None, |reader| {
            files::list_children(reader, files::LIST_ENTRIES_CAP, files::LIST_BYTES_CAP)
        });
        Opened::Dir(listing.await?)
    } else {
        Opened::File(read_archive(archive, None, |reader| files::read_text(reader, files::TEXT_CAP)).await?)
    };
    Ok((path, opened))
}

/// Feeds `archive` to `work` on a blocking thread. `work` may stop reading early: the
/// request then ends. The daemon's own error wins over what the tar reader made of it.
pub async fn read_archive<T: Send + 'static>(
    mut archive: BoxStream<'static, Result<Bytes, DaemonError>>,
    cancel: Option<&CancellationToken>,
    work: impl FnOnce(ChannelReader) -> io::Result<T> + Send + 'static,
) -> Result<T, DaemonError> {
    let (tx, rx) = mpsc::channel(CHUNKS);
    let worker = tokio::task::spawn_blocking(move || work(ChannelReader::new(rx)));
    let never = CancellationToken::new();
    let cancel = cancel.unwrap_or(&never);
    let mut daemon_error = None;
    loop {
        let item = tokio::select! {
            _ = cancel.cancelled() => break,
            item = archive.next() => item,
        };
        let chunk = match item {
            Some(Ok(chunk)) => Ok(chunk),
            Some(Err(e)) => {
                let words = io::Error::other(e.message.clone());
                daemon_error = Some(e);
                Err(words)
            }
            None => break,
        };
        let failed = chunk.is_err();
        let sent = tokio::select! {
            _ = cancel.cancelled() => break,
            sent = tx.send(chunk) => sent,
        };
        if sent.is_err() || failed {
            break;
        }
    }
    drop(tx);
    drop(archive);
    match worker.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) if daemon_error.is_some() => Err(daemon_error.unwrap_or_else(|| other(String::new()))),
        Ok(Err(e)) => Err(other(format!("cannot read the archive: {}", io_words(&e)))),
        Err(e) => Err(other(e.to_string())),
    }
}

/// A copy out of a container onto the host.
#[derive(Debug, Clone)]
pub struct CopyOutJob {
    pub copy: StreamId,
    pub container_id: String,
    pub path: String,
    pub target: PathBuf,
    /// Size when known (a file's), for the progress.
    pub total: Option<u64>,
    /// The user said yes to replacing what is there.
    pub confirmed: bool,
}

/// Copies out; says how it went in one message (or asks first, when `target` exists).
pub async fn copy_out<D: DockerApi>(d: &D, job: CopyOutJob, tx: &mpsc::Sender<Msg>, cancel: &CancellationToken) {
    let copy = job.copy;
    // As `docker cp` does: a host directory that is there (a real one, not a link)
    // receives the copy under its own name.
    let mut job = job;
    if job.target.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        job.target = job.target.join(files::base_name(&job.path));
    }
    let target = job.target.clone();
    let exists = target.symlink_metadata().is_ok();
    if exists && !job.confirmed {
        let question =
            format!("{} exists on the host: copy over it?", crate::text::sanitize(&target.display().to_string()));
        let _ = tx.send(Msg::Stream(Streamed::CopyAsk { copy, question })).await;
        return;
    }
    let result = match target.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) if !parent.is_dir() => Err(format!("no such directory on the host: {}", parent.display())),
        _ => run_copy_out(d, &job, tx, cancel).await,
    };
    // Half a copy helps nobody: what this copy made is taken away again.
    if result.is_err() && !exists {
        remove_whatever(&target);
    }
    let _ = tx.send(Msg::Stream(Streamed::CopyEnded { copy, result })).await;
}

async fn run_copy_out<D: DockerApi>(
    d: &D,
    job: &CopyOutJob,
    tx: &mpsc::Sender<Msg>,
    cancel: &CancellationToken,
) -> Result<String, String> {
    let (copy, total, target) = (job.copy, job.total, job.target.clone());
    let progress_tx = tx.clone();
    let stop = cancel.clone();
    let archive = d.archive(&job.container_id, &job.path);
    let extracted = read_archive(archive, Some(cancel), move |reader| {
        let mut last = Instant::now();
        let mut tell = |bytes: u64| {
            if last.elapsed() >= PROGRESS_EVERY {
                last = Instant::now();
                let _ = progress_tx.try_send(Msg::Stream(Streamed::CopyProgress { copy, bytes, total }));
            }
            !stop.is_cancelled()
        };
        files::extract(reader, &target, &mut tell)
    })
    .await;
    if cancel.is_cancelled() {
        return Err("cancelled; the partial copy was removed".into());
    }
    let report = extracted.map_err(|e| e.message)?.report;
    let mut words = format!(
        "copied {} ({} file{}) to {}",
        files::listing::mib(report.bytes),
        report.files,
        if report.files == 1 { "" } else { "s" },
        crate::text::sanitize(&job.target.display().to_string())
    );
    if !report.skipped.is_empty() {
        words.push_str(&format!("; left out for safety: {}", report.skipped.join(", ")));
    }
    Ok(words)
}

fn remove_whatever(path: &Path) {
    match path.symlink_metadata() {
        Ok(meta) if meta.is_dir() => {
            let _ = std::fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// A copy from the host into a container directory.
#[derive(Debug, Clone)]
pub struct CopyInJob {
    pub copy: StreamId,
    pub container_id: String,
    /// The container directory it goes into.
    pub dir: String,
    pub host: PathBuf,
    /// The name it gets there.
    pub name: String,
    pub confirmed: bool,
}

/// Copies in; says how it went in one message (or asks first, when it is large).
pub async fn copy_in<D: DockerApi>(d: &D, job: CopyInJob, tx: &mpsc::Sender<Msg>, cancel: &CancellationToken) {
    let copy = job.copy;
    let host = job.host.clone();
    let total = match tokio::task::spawn_blocking(move || files::host_size(&host)).await {
        Ok(Ok(total)) => total,
        Ok(Err(e)) => {
            let result = Err(format!("{}: {}", job.host.display(), io_words(&e)));
            let _ = tx.send(Msg::Stream(Streamed::CopyEnded { copy, result })).await;
            return;
        }
        Err(e) => {
            let _ = tx.send(Msg::Stream(Streamed::CopyEnded { copy, result: Err(e.to_string()) })).await;
            return;
        }
    };
    if total >= LARGE_COPY && !job.confirmed {
        let question = format!("copy {} into the container?", files::listing::mib(total));
        let _ = tx.send(Msg::Stream(Streamed::CopyAsk { copy, question })).await;
        return;
    }
    let result = run_copy_in(d, &job, total, tx, cancel).await;
    let _ = tx.send(Msg::Stream(Streamed::CopyEnded { copy, result })).await;
}

async fn run_copy_in<D: DockerApi>(
    d: &D,
    job: &CopyInJob,
    total: u64,
    tx: &mpsc::Sender<Msg>,
    cancel: &CancellationToken,
) -> Result<String, String> {
    let (chunks_tx, mut chunks_rx) = mpsc::channel::<io::Result<Bytes>>(CHUNKS);
    let writer = {
        let (host, name) = (job.host.clone(), job.name.clone());
        tokio::task::spawn_blocking(move || files::write_upload(&host, &name, chunks_tx))
    };
    let (copy, progress_tx) = (job.copy, tx.clone());
    let mut sent = 0u64;
    let mut last = Instant::now();
    let body = futures::stream::poll_fn(move |cx| {
        let item = chunks_rx.poll_recv(cx);
        if let std::task::Poll::Ready(Some(Ok(chunk))) = &item {
            sent += chunk.len() as u64;
            if last.elapsed() >= PROGRESS_EVERY {
                last = Instant::now();
                let _ =
                    progress_tx.try_send(Msg::Stream(Streamed::CopyProgress { copy, bytes: sent, total: Some(total) }));
            }
        }
        item
    })
    .boxed();
    let uploaded = tokio::select! {
        _ = cancel.cancelled() => {
            return Err("cancelled; what was sent before may be in the container".into());
        }
        uploaded = d.upload(&job.container_id, &job.dir, body) => uploaded,
    };
    let written = writer.await.map_err(|e| e.to_string())?;
    match (uploaded, written) {
        (Ok(()), Ok(_)) => Ok(format!(
            "copied {} into {}",
            files::listing::mib(total),
            crate::text::sanitize(&files::join(&job.dir, &job.name))
        )),
        // The file that could not be read is the real reason.
        (_, Err(e)) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot read {}: {}", job.host.display(), io_words(&e)))
        }
        (Err(e), _) => Err(e.message),
        (Ok(()), Err(e)) => Err(io_words(&e)),
    }
}

fn other(message: String) -> DaemonError {
    DaemonError::new(DaemonErrorKind::Other, message)
}

fn io_words(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
