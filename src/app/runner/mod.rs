//! Turns `Effect`s into tasks that talk to the daemon and report back with `Msg`s.
//!
//! Every request is bounded by a timeout the UI chooses, so a stuck daemon produces a
//! timely error instead of a hung task; `update` keeps at most one request of a kind in
//! flight, so a stuck daemon cannot make requests pile up either.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

mod build;
mod changes;
mod consoles;
pub mod credentials;
mod reads;
mod streams;
mod transfers;

use super::connection::EndpointControl;
use super::console_task::ConsoleHandle;
use super::effect::{Effect, Local};
use super::log_task;
use super::msg::Msg;
use crate::app::msg::Streamed;
use crate::docker::DockerApi;
use crate::model::{DaemonError, DaemonErrorKind};
use crate::state::{RequestId, SessionId, StreamId};

/// The client the connection supervisor currently holds, if it holds one.
pub type ClientSlot<D> = watch::Receiver<Option<Arc<D>>>;

pub struct EffectRunner<D: DockerApi> {
    tx: mpsc::Sender<Msg>,
    client: ClientSlot<D>,
    request_timeout: Duration,
    /// Cancellation of launches and pulls still running, by request. A task cancels its
    /// own token when it ends, so finished ones are pruned.
    running: HashMap<RequestId, CancellationToken>,
    /// Log streams being followed, to stop them when the selection moves on.
    streams: HashMap<StreamId, CancellationToken>,
    consoles: HashMap<SessionId, ConsoleHandle>,
    /// Tasks of consoles closed and still hanging up (see `close_consoles`).
    closing: Vec<tokio::task::JoinHandle<()>>,
    /// `--read-only`: every `Effect::Change` is refused here, where it would be sent.
    read_only: bool,
    /// The one stats stream (the selected container's).
    stats_stream: Option<CancellationToken>,
    /// Who can switch the daemon in use (absent in tests that drive one daemon).
    endpoints: Option<Arc<dyn EndpointControl>>,
    /// Registry credentials for pulls, pushes and builds.
    credentials: credentials::Credentials,
    /// Tells the hosts' watchers whether to read stats (absent without hosts).
    fleet_stats: Option<watch::Sender<bool>>,
}

impl<D: DockerApi> EffectRunner<D> {
    pub fn new(tx: mpsc::Sender<Msg>, client: ClientSlot<D>, request_timeout: Duration) -> Self {
        Self {
            tx,
            client,
            request_timeout,
            running: HashMap::new(),
            streams: HashMap::new(),
            consoles: HashMap::new(),
            closing: Vec::new(),
            read_only: false,
            stats_stream: None,
            endpoints: None,
            credentials: credentials::Credentials::default(),
            fleet_stats: None,
        }
    }

    /// Where registry credentials are found and kept (the docker CLI's config).
    pub fn docker_config(mut self, config: Option<crate::credentials::DockerConfig>) -> Self {
        self.set_docker_config(config);
        self
    }

    /// The same, in place (forgets the logins kept for this session).
    pub fn set_docker_config(&mut self, config: Option<crate::credentials::DockerConfig>) {
        self.credentials = credentials::Credentials::new(config);
    }

    /// The switch the hosts' watchers read: whether the overview is on screen.
    pub fn fleet_stats(mut self, switch: watch::Sender<bool>) -> Self {
        self.fleet_stats = Some(switch);
        self
    }

    pub fn endpoints(mut self, control: Arc<dyn EndpointControl>) -> Self {
        self.endpoints = Some(control);
        self
    }

    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    pub fn run(&mut self, effect: Effect) {
        self.running.retain(|_, token| !token.is_cancelled());
        self.streams.retain(|_, token| !token.is_cancelled());
        match effect {
            Effect::Read(read) => {
                let (client, timeout) = (self.client.borrow().clone(), self.request_timeout);
                self.spawn(async move { Msg::Answer(reads::answer(client, timeout, read).await) });
            }
            // Refused where it would be sent, by its kind: nothing that changes the
            // daemon gets past this, whatever asked for it.
            Effect::Change(change) if self.read_only => self.spawn(async move { change.refused(read_only_error()) }),
            Effect::Change(change) => self.change(change),
            Effect::Stream(op) => self.stream(op),
            Effect::Local(op) => self.local(op),
        }
    }

    fn local(&mut self, op: Local) {
        match op {
            Local::Settle { after } => self.spawn(async move {
                tokio::time::sleep(after).await;
                Msg::Settle
            }),
            Local::ListRest { after } => self.spawn(async move {
                tokio::time::sleep(after).await;
                Msg::ListRested
            }),
            Local::ListEndpoints => {
                let control = self.endpoints.clone();
                self.spawn(async move {
                    let choices = match control {
                        Some(control) => {
                            tokio::task::spawn_blocking(move || control.choices()).await.unwrap_or_default()
                        }
                        None => Vec::new(),
                    };
                    Msg::EndpointsListed(choices)
                });
            }
            Local::SwitchEndpoint { address } => {
                self.end_everything();
                if let Some(control) = &self.endpoints {
                    control.switch(address);
                }
            }
            Local::SaveSort { sort } => {
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = crate::config::save_sort(&sort) {
                        tracing::warn!(error = %e, "cannot remember the sort");
                    }
                });
            }
            Local::ReadProject { options, cwd } => self.spawn(async move {
                let read = move || crate::compose::open(&options, &cwd).map(Box::new).map_err(|e| e.to_string());
                let result = tokio::task::spawn_blocking(read).await.unwrap_or_else(|e| Err(e.to_string()));
                Msg::ProjectRead(result)
            }),
            Local::CopyToClipboard { text } => copy_to_clipboard(&text),
            Local::SaveLogs { name, lines } => self.spawn(async move {
                let save = move || {
                    let dir = crate::paths::saved_logs_dir()?;
                    log_task::save_lines(&dir, &crate::paths::stamp_now(), &name, &lines)
                };
                let result = tokio::task::spawn_blocking(save).await.unwrap_or_else(|e| Err(e.to_string()));
                Msg::Stream(Streamed::Saved { result })
            }),
        }
    }

    fn track(&mut self, request: RequestId) -> CancellationToken {
        let token = CancellationToken::new();
        self.running.insert(request, token.clone());
        token
    }

    /// Closes every console, waiting at most `within` for them to hang up: wharf is
    /// quitting, and a shell left behind would keep running in its container.
    pub async fn close_consoles(&mut self, within: Duration) {
        let mut tasks: Vec<_> = self
            .consoles
            .drain()
            .map(|(_, handle)| {
                handle.cancel.cancel();
                handle.task
            })
            .collect();
        // Those closed just before are maybe still hanging up.
        tasks.append(&mut self.closing);
        let _ = tokio::time::timeout(within, futures::future::join_all(tasks)).await;
    }

    /// Runs a job on its own task and reports its message back.
    fn spawn(&self, job: impl Future<Output = Msg> + Send + 'static) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let msg = job.await;
            // The receiver is gone only when wharf is shutting down.
            let _ = tx.send(msg).await;
        });
    }
}

/// One request with the current client, bounded by `timeout`; no client or no answer
/// in time become errors that say so.
async fn ask<D, T>(
    client: Option<Arc<D>>,
    timeout: Duration,
    call: impl AsyncFnOnce(Arc<D>) -> Result<T, DaemonError>,
) -> Result<T, DaemonError> {
    let docker = client.ok_or_else(not_connected)?;
    tokio::time::timeout(timeout, call(docker)).await.map_err(|_| {
        DaemonError::new(DaemonErrorKind::Timeout, format!("the daemon did not answer within {}s", timeout.as_secs()))
    })?
}

fn not_connected() -> DaemonError {
    DaemonError::new(DaemonErrorKind::Unreachable, "not connected to the daemon")
}

/// Writes OSC 52 to the terminal: the one escape sequence wharf itself sends on
/// purpose. It runs on the UI task between two frames, so it never interleaves with
/// drawing, and not at all once the terminal is given back.
fn copy_to_clipboard(text: &str) {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let _ = crate::terminal::write_if_ours(format!("\x1b]52;c;{encoded}\x07").as_bytes());
}

/// Why a change was not made in read-only mode.
fn read_only_error() -> DaemonError {
    DaemonError::new(DaemonErrorKind::Unsupported, super::effect::Change::READ_ONLY)
}
