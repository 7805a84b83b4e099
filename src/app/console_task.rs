//! One task per console session: it creates and starts the exec (falling back from
//! bash to sh when a shell is missing), then selects over the container's output, the
//! user's input, resizes and cancellation. Resizes are sent only once the exec has
//! started (earlier, the daemon blocks 10 s and fails) and never on the UI task.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::msg::Msg;
use crate::app::msg::Streamed;
use crate::docker::{DockerApi, ExitWait, RawRead, RawWrite};
use crate::model::{DaemonError, DaemonErrorKind};
use crate::state::{ConsoleTarget, SessionId};

/// How long a new exec is watched for "that command does not exist" before its output
/// is shown (the error arrives in the output stream, with exit code 126 or 127).
const PROBE: Duration = Duration::from_millis(400);

/// Chunks of input in flight to a session's writer (the channel between the runner and
/// the session's task).
pub const INPUT_CHUNKS: usize = 256;
/// Bytes typed that wait beyond the channel, at most, before wharf stops reading the
/// terminal until the container takes some: far more than anyone types or a
/// non-bracketed paste brings, so the detach chord after them is still read at once.
pub const INPUT_WAITING_MAX: usize = 256 * 1024;
/// Keys that wait are joined into chunks of up to this many bytes.
const WAITING_CHUNK: usize = 4096;

/// What the runner keeps of a running session.
pub struct ConsoleHandle {
    pub input: mpsc::Sender<Vec<u8>>,
    pub resize: watch::Sender<(u16, u16)>,
    pub cancel: CancellationToken,
    /// The session's task: on quit, wharf waits (briefly) for it to hang up.
    pub task: tokio::task::JoinHandle<()>,
    /// Input the channel had no room for, oldest first: nothing typed is dropped.
    pub waiting: InputQueue,
}

/// Input that waits for room in a session's channel, in the order it was typed.
#[derive(Debug, Default)]
pub struct InputQueue {
    chunks: std::collections::VecDeque<Vec<u8>>,
    bytes: usize,
}

impl InputQueue {
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// Over the bound: the terminal is not read until the container takes some.
    pub fn is_full(&self) -> bool {
        self.bytes >= INPUT_WAITING_MAX
    }

    fn push(&mut self, bytes: Vec<u8>) {
        self.bytes += bytes.len();
        match self.chunks.back_mut() {
            Some(last) if last.len() + bytes.len() <= WAITING_CHUNK => last.extend_from_slice(&bytes),
            _ => self.chunks.push_back(bytes),
        }
    }

    fn pop(&mut self) -> Option<Vec<u8>> {
        let chunk = self.chunks.pop_front()?;
        self.bytes -= chunk.len();
        Some(chunk)
    }

    fn unpop(&mut self, chunk: Vec<u8>) {
        self.bytes += chunk.len();
        self.chunks.push_front(chunk);
    }

    fn clear(&mut self) {
        self.chunks.clear();
        self.bytes = 0;
    }
}

impl ConsoleHandle {
    /// Sends input to the session, or queues it behind what already waits.
    pub fn type_in(&mut self, bytes: Vec<u8>) {
        if self.waiting.is_empty() {
            match self.input.try_send(bytes) {
                Err(mpsc::error::TrySendError::Full(bytes)) => self.waiting.push(bytes),
                // Sent; or the session ended and there is no one to type to.
                Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        } else {
            self.waiting.push(bytes);
        }
    }

    /// Moves waiting input into the channel while it has room; the permit is room
    /// already reserved for the first chunk.
    pub fn send_waiting(&mut self, permit: Option<mpsc::OwnedPermit<Vec<u8>>>) {
        let Some(permit) = permit else {
            // The session ended.
            self.waiting.clear();
            return;
        };
        let Some(first) = self.waiting.pop() else { return };
        permit.send(first);
        while let Some(chunk) = self.waiting.pop() {
            match self.input.try_send(chunk) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(chunk)) => return self.waiting.unpop(chunk),
                Err(mpsc::error::TrySendError::Closed(_)) => return self.waiting.clear(),
            }
        }
    }
}

pub struct ConsoleJob {
    pub session: SessionId,
    pub container_id: String,
    pub target: ConsoleTarget,
}

impl ConsoleJob {
    /// What the session's exec carries in its environment so that closing the console
    /// can hang it up: this wharf's pid, its start time (two wharfs in containers are
    /// both pid 1) and the session; the `e` ends it, so no marker is the start of another.
    pub fn marker(&self) -> String {
        static RUN: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
        let run = RUN.get_or_init(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
        });
        format!("w{}r{run:x}s{}e", std::process::id(), self.session.0)
    }
}

/// How long closing a console waits for its hang-up to be sent.
pub const HANG_UP_WITHIN: Duration = Duration::from_secs(2);

pub async fn run<D: DockerApi + 'static>(
    docker: std::sync::Arc<D>,
    job: ConsoleJob,
    input: mpsc::Receiver<Vec<u8>>,
    resize: watch::Receiver<(u16, u16)>,
    tx: mpsc::Sender<Msg>,
    cancel: CancellationToken,
) {
    let session = job.session;
    let ended = |exit_code, error| Msg::Stream(Streamed::ConsoleEnded { session, exit_code, error });
    let started = tokio::select! {
        _ = cancel.cancelled() => {
            // Closed while starting: the exec may already run (its start is watched
            // for a moment before it is shown).
            if matches!(job.target, ConsoleTarget::Exec { .. }) {
                hang_up(docker.as_ref(), &job).await;
            }
            return;
        }
        started = start(docker.as_ref(), &job, &tx) => started,
    };
    let live = match started {
        Ok(Started::Live(live)) => live,
        Ok(Started::Finished { exit_code }) => {
            let _ = tx.send(ended(exit_code, None)).await;
            return;
        }
        Err(error) => {
            let _ = tx.send(ended(None, Some(error))).await;
            return;
        }
    };
    pump(docker, &job, live, input, resize, tx, cancel).await;
}

/// A container launched with `-it`, attached to before it started (`launcher::
/// launch_attached`): its session runs from here like any other.
pub async fn run_attached<D: DockerApi + 'static>(
    docker: std::sync::Arc<D>,
    job: ConsoleJob,
    attached: crate::app::launcher::Attached,
    input: mpsc::Receiver<Vec<u8>>,
    resize: watch::Receiver<(u16, u16)>,
    tx: mpsc::Sender<Msg>,
    cancel: CancellationToken,
) {
    let session = job.session;
    let _ = tx.send(Msg::Stream(Streamed::ConsoleStarted { session, label: "attach".into() })).await;
    let live =
        Live { read: attached.read, write: attached.write, exec_id: None, early: Vec::new(), exit: attached.exit };
    pump(docker, &job, live, input, resize, tx, cancel).await;
}

/// How long the exit code of an attached container is waited for once its stream
/// ended (`--rm` reports it after the removal).
const EXIT_CODE_WITHIN: Duration = Duration::from_secs(10);

/// The running session: output to the UI, input and sizes to the container, until the
/// stream ends or the session is closed.
async fn pump<D: DockerApi + 'static>(
    docker: std::sync::Arc<D>,
    job: &ConsoleJob,
    live: Live,
    mut input: mpsc::Receiver<Vec<u8>>,
    mut resize: watch::Receiver<(u16, u16)>,
    tx: mpsc::Sender<Msg>,
    cancel: CancellationToken,
) {
    let session = job.session;
    let ended = |exit_code, error| Msg::Stream(Streamed::ConsoleEnded { session, exit_code, error });
    let Live { mut read, mut write, exec_id, early, exit } = live;
    if !early.is_empty() {
        let _ = tx.send(Msg::Stream(Streamed::ConsoleOutput { session, bytes: early })).await;
    }
    // The TTY takes the pane's size now that the exec runs, then every later size, one
    // request at a time and always the newest (a burst of resizes ends at the last one).
    let size_target = exec_id.clone().unwrap_or_else(|| job.container_id.clone());
    let is_exec = exec_id.is_some();
    let resizer = {
        let docker = docker.clone();
        tokio::spawn(async move {
            let mut last = None;
            loop {
                let (cols, rows) = *resize.borrow_and_update();
                if last != Some((cols, rows)) {
                    if let Err(e) = docker.resize(&size_target, is_exec, cols.max(1), rows.max(1)).await {
                        tracing::debug!(error = %e, "console resize failed");
                    }
                    last = Some((cols, rows));
                }
                if resize.changed().await.is_err() {
                    return;
                }
            }
        })
    };
    // Input on its own task: a container that stops reading (a huge paste into a busy
    // shell) blocks only the writer, never the output, the resizes or closing.
    let writer = tokio::spawn(async move {
        while let Some(bytes) = input.recv().await {
            if write.write_all(&bytes).await.is_err() || write.flush().await.is_err() {
                return;
            }
        }
    });
    let mut buf = vec![0u8; 16 * 1024];
    let cancelled = loop {
        tokio::select! {
            _ = cancel.cancelled() => break true,
            n = read.read(&mut buf) => match n {
                Ok(0) | Err(_) => break false,
                Ok(n) => {
                    if tx.send(Msg::Stream(Streamed::ConsoleOutput { session, bytes: buf[..n].to_vec() })).await.is_err() {
                        break true;
                    }
                }
            },
        }
    };
    writer.abort();
    resizer.abort();
    if cancelled {
        // Closed by the user (or wharf quits): the shell would outlive its stream.
        if exec_id.is_some() {
            hang_up(docker.as_ref(), job).await;
        }
        return;
    }
    let exit_code = match (&exec_id, exit) {
        (Some(id), _) => exit_code_soon(docker.as_ref(), id).await,
        (None, Some(exit)) => tokio::time::timeout(EXIT_CODE_WITHIN, exit.exit_code()).await.ok().and_then(Result::ok),
        (None, None) => None,
    };
    let _ = tx.send(ended(exit_code, None)).await;
}

/// Hangs up the session's processes, within `HANG_UP_WITHIN`; failing is only logged
/// (a container without `sh` keeps its orphan, as with `docker exec`).
async fn hang_up<D: DockerApi>(docker: &D, job: &ConsoleJob) {
    match tokio::time::timeout(HANG_UP_WITHIN, docker.hang_up(&job.container_id, &job.marker())).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::debug!(error = %e, "cannot hang up the console"),
        Err(_) => tracing::debug!("hanging up the console took too long"),
    }
}

/// A session whose stream is open.
struct Live {
    read: RawRead,
    write: RawWrite,
    exec_id: Option<String>,
    /// Output read while watching the exec start.
    early: Vec<u8>,
    /// An attached container's exit code, to come.
    exit: Option<ExitWait>,
}

enum Started {
    Live(Live),
    /// The command ran and ended before it could be shown live (it printed nothing, or
    /// the output was already sent).
    Finished {
        exit_code: Option<i64>,
    },
}

async fn start<D: DockerApi>(docker: &D, job: &ConsoleJob, tx: &mpsc::Sender<Msg>) -> Result<Started, DaemonError> {
    let commands = match &job.target {
        ConsoleTarget::Attach => {
            // Registered first: a container that exits as soon as it is attached to
            // still tells its exit code (without it the console could only say the
            // stream closed).
            let exit = docker.wait_exit(&job.container_id, false).await.ok();
            let (read, write) = docker.attach(&job.container_id).await?;
            let _ =
                tx.send(Msg::Stream(Streamed::ConsoleStarted { session: job.session, label: "attach".into() })).await;
            return Ok(Started::Live(Live { read, write, exec_id: None, early: Vec::new(), exit }));
        }
        ConsoleTarget::Exec { commands } => commands,
    };
    let mut tried = Vec::new();
    for (i, command) in commands.iter().enumerate() {
        let last = i + 1 == commands.len();
        let exec_id = docker.create_exec(&job.container_id, command, &job.marker()).await?;
        let (mut read, write) = docker.start_exec(&exec_id).await?;
        let label = command.join(" ");
        tried.push(label.clone());
        // Watch the start: a missing command ends at once with 126/127.
        let mut early = Vec::new();
        let mut buf = vec![0u8; 4096];
        let deadline = tokio::time::Instant::now() + PROBE;
        let mut eof = false;
        while !eof {
            match tokio::time::timeout_at(deadline, read.read(&mut buf)).await {
                Err(_) => break,
                Ok(Ok(0)) | Ok(Err(_)) => eof = true,
                Ok(Ok(n)) => early.extend_from_slice(&buf[..n]),
            }
        }
        if !eof {
            let _ = tx.send(Msg::Stream(Streamed::ConsoleStarted { session: job.session, label })).await;
            return Ok(Started::Live(Live { read, write, exec_id: Some(exec_id), early, exit: None }));
        }
        let exit_code = exit_code_soon(docker, &exec_id).await;
        let missing = matches!(exit_code, Some(126) | Some(127));
        if missing && !last {
            continue;
        }
        if missing && commands.len() > 1 {
            return Err(DaemonError::new(
                DaemonErrorKind::NotFound,
                format!("no shell found in the container (tried {})", tried.join(", ")),
            ));
        }
        // It ran and ended quickly (or is the only command): show what it printed.
        let _ = tx.send(Msg::Stream(Streamed::ConsoleStarted { session: job.session, label })).await;
        if !early.is_empty() {
            let _ = tx.send(Msg::Stream(Streamed::ConsoleOutput { session: job.session, bytes: early })).await;
        }
        return Ok(Started::Finished { exit_code });
    }
    Err(DaemonError::new(DaemonErrorKind::Other, "no command to run"))
}

/// The exit code of an exec that just ended. The daemon may take a moment to record it.
async fn exit_code_soon<D: DockerApi>(docker: &D, exec_id: &str) -> Option<i64> {
    for _ in 0..20 {
        match docker.exec_exit_code(exec_id).await {
            Ok(Some(code)) => return Some(code),
            Ok(None) => tokio::time::sleep(Duration::from_millis(50)).await,
            Err(_) => return None,
        }
    }
    None
}
