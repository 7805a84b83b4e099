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

use super::connection::EndpointControl;
use super::console_task::{self, ConsoleHandle, ConsoleJob};
use super::effect::{Effect, ObjectChange};
use super::launcher;
use super::log_task::{self, LogJob};
use super::msg::Msg;
use crate::docker::DockerApi;
use crate::docker::LogRequest;
use crate::model::{ContainerAction, DaemonError, DaemonErrorKind};
use crate::state::{RequestId, SessionId, StreamId};

/// Stats readings of one sampling round in flight at once.
const STATS_AT_ONCE: usize = 4;

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
    /// `--read-only`: requests that would change the daemon are refused here, where
    /// they would be sent, whatever asked for them.
    read_only: bool,
    /// The one stats stream (the selected container's).
    stats_stream: Option<CancellationToken>,
    /// Who can switch the daemon in use (absent in tests that drive one daemon).
    endpoints: Option<Arc<dyn EndpointControl>>,
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
        }
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
        if self.read_only
            && let Some(refusal) = read_only_refusal(&effect)
        {
            self.spawn(async move { refusal });
            return;
        }
        self.running.retain(|_, token| !token.is_cancelled());
        self.streams.retain(|_, token| !token.is_cancelled());
        let client = self.client.borrow().clone();
        let timeout = self.request_timeout;
        match effect {
            Effect::ListContainers { request } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.list_containers().await).await;
                Msg::ContainersListed { request, result }
            }),
            Effect::ListImages { request } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.list_images().await).await;
                Msg::ImagesListed { request, result }
            }),
            Effect::InspectContainer { request, id } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.inspect_container(&id).await).await;
                Msg::ContainerInspected { request, id, result }
            }),
            Effect::ContainerAction { id, name, action } => self.spawn(async move {
                // Stopping waits for the container's grace period before the daemon answers.
                let timeout = match action {
                    ContainerAction::Stop | ContainerAction::Restart => {
                        timeout + Duration::from_secs(crate::docker::STOP_GRACE_SECS)
                    }
                    _ => timeout,
                };
                let result = ask(client, timeout, async |d| d.container_action(&id, action).await).await;
                Msg::ActionFinished { id, name, action, result }
            }),
            Effect::RemoveImage { id, name } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.remove_image(&id).await).await;
                Msg::ImageRemoved { id, name, result }
            }),
            // Launches and pulls have no overall timeout (a pull takes as long as it
            // takes, and the user can cancel it); each request inside is still bounded
            // by the client's own timeout.
            Effect::Launch { request, spec } => {
                let cancel = self.track(request);
                let tx = self.tx.clone();
                self.spawn(async move {
                    let result = match client {
                        None => Err(not_connected()),
                        Some(d) => {
                            let on_progress = |progress| {
                                let _ = tx.try_send(Msg::PullProgress { request, progress });
                            };
                            launcher::launch(d.as_ref(), &spec, &cancel, on_progress).await
                        }
                    };
                    cancel.cancel();
                    Msg::LaunchFinished { request, result }
                })
            }
            Effect::Pull { request, reference } => {
                let cancel = self.track(request);
                let tx = self.tx.clone();
                self.spawn(async move {
                    let result = match client {
                        None => Err(not_connected()),
                        Some(d) => {
                            let mut on_progress = |progress| {
                                let _ = tx.try_send(Msg::PullProgress { request, progress });
                            };
                            launcher::pull(d.as_ref(), &reference, &cancel, &mut on_progress).await
                        }
                    };
                    cancel.cancel();
                    Msg::PullFinished { request, reference, result }
                })
            }
            Effect::Cancel { request } => {
                if let Some(token) = self.running.remove(&request) {
                    token.cancel();
                }
            }
            Effect::FollowLogs { stream, container_id, source, tty, tail, since, timestamps, service } => {
                let cancel = CancellationToken::new();
                self.streams.insert(stream, cancel.clone());
                let tx = self.tx.clone();
                let request = LogRequest { tail: Some(tail), since, timestamps, follow: true, service };
                let job = LogJob { stream, container_id, source, tty, request };
                tokio::spawn(async move {
                    match client {
                        Some(d) => log_task::follow(d.as_ref(), job, tx, cancel).await,
                        None => {
                            let _ = tx.send(Msg::LogEnded { stream, error: Some(not_connected()) }).await;
                        }
                    }
                });
            }
            Effect::StopLogs { stream } => {
                if let Some(token) = self.streams.remove(&stream) {
                    token.cancel();
                }
            }
            Effect::OpenConsole { session, container_id, target, cols, rows } => {
                let (input_tx, input_rx) = mpsc::channel(256);
                let (resize_tx, resize_rx) = watch::channel((cols, rows));
                let cancel = CancellationToken::new();
                let tx = self.tx.clone();
                let job = ConsoleJob { session, container_id, target };
                let task_cancel = cancel.clone();
                let task = tokio::spawn(async move {
                    match client {
                        Some(d) => console_task::run(d, job, input_rx, resize_rx, tx, task_cancel).await,
                        None => {
                            let _ = tx
                                .send(Msg::ConsoleEnded { session, exit_code: None, error: Some(not_connected()) })
                                .await;
                        }
                    }
                });
                self.consoles.retain(|_, h| !h.cancel.is_cancelled() && !h.input.is_closed());
                self.consoles.insert(session, ConsoleHandle { input: input_tx, resize: resize_tx, cancel, task });
            }
            Effect::ConsoleInput { session, bytes } => {
                if let Some(handle) = self.consoles.get(&session) {
                    // Typing faster than the container reads is dropped, not queued forever.
                    let _ = handle.input.try_send(bytes);
                }
            }
            Effect::ConsoleResize { session, cols, rows } => {
                if let Some(handle) = self.consoles.get(&session) {
                    handle.resize.send_replace((cols, rows));
                }
            }
            Effect::CloseConsole { session } => {
                if let Some(handle) = self.consoles.remove(&session) {
                    handle.cancel.cancel();
                    // Quitting right after still waits for its hang-up.
                    self.closing.retain(|task| !task.is_finished());
                    self.closing.push(handle.task);
                }
            }
            Effect::StatsStream { id } => {
                if let Some(old) = self.stats_stream.take() {
                    old.cancel();
                }
                let Some(d) = client else { return };
                let cancel = CancellationToken::new();
                self.stats_stream = Some(cancel.clone());
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    use futures::StreamExt;
                    let mut stream = d.stats_stream(&id);
                    loop {
                        tokio::select! {
                            _ = cancel.cancelled() => return,
                            item = stream.next() => match item {
                                Some(Ok(sample)) => {
                                    if tx.send(Msg::Stats { id: id.clone(), sample }).await.is_err() {
                                        return;
                                    }
                                }
                                // Stopped, removed, or the daemon went away: the next
                                // selection or start event asks again.
                                Some(Err(_)) | None => return,
                            },
                        }
                    }
                });
            }
            Effect::StopStatsStream => {
                if let Some(old) = self.stats_stream.take() {
                    old.cancel();
                }
            }
            Effect::StatsRound { ids } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    if let Some(d) = client {
                        use futures::StreamExt;
                        // A few at a time, each bounded: one slow container does not hold
                        // the round, and a round asks the daemon for at most
                        // STATS_AT_ONCE readings at once (each is a connection while it
                        // runs; a local daemon's are read from cgroups instead).
                        let readings = ids.into_iter().map(|id| {
                            let d = d.clone();
                            async move { (tokio::time::timeout(timeout, d.stats_once(&id)).await, id) }
                        });
                        let mut readings = futures::stream::iter(readings).buffer_unordered(STATS_AT_ONCE);
                        while let Some((reading, id)) = readings.next().await {
                            if let Ok(Ok(sample)) = reading {
                                let _ = tx.send(Msg::Stats { id, sample }).await;
                            }
                        }
                    }
                    let _ = tx.send(Msg::StatsRoundDone).await;
                });
            }
            Effect::ListVolumes { request } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.list_volumes().await).await;
                Msg::VolumesListed { request, result }
            }),
            Effect::ListNetworks { request } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.list_networks().await).await;
                Msg::NetworksListed { request, result }
            }),
            Effect::InspectObject { kind, id, title } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.inspect_raw(kind, &id).await).await;
                Msg::Inspected { title, result }
            }),
            Effect::Settle { after } => self.spawn(async move {
                tokio::time::sleep(after).await;
                Msg::Settle
            }),
            Effect::Processes { id, title } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.processes(&id).await).await;
                Msg::Inspected { title, result: result.map(|table| table.lines()) }
            }),
            Effect::RunImage { id, image } => self.spawn(async move {
                let ports = ask(client, timeout, async |d| d.image_exposed_ports(&id).await).await;
                Msg::RunImageReady { image, ports }
            }),
            Effect::ImageDetails { id, title } => self.spawn(async move {
                let result = ask(client, timeout, async |d| {
                    let history = d.image_history(&id).await?;
                    let json = d.inspect_raw(crate::model::ObjectKind::Image, &id).await?;
                    Ok(image_details_lines(&history, json))
                })
                .await;
                Msg::Inspected { title, result }
            }),
            Effect::ChangeObject { change, done, failed } => self.spawn(async move {
                let result = ask(client, timeout, async |d| match &change {
                    ObjectChange::CreateVolume { name } => d.create_volume(name).await,
                    ObjectChange::RemoveVolume { name } => d.remove_volume(name).await,
                    ObjectChange::CreateNetwork { name } => d.create_network(name).await,
                    ObjectChange::RemoveNetwork { id } => d.remove_network(id).await,
                    ObjectChange::Membership { network, container, connect } => {
                        d.network_membership(network, container, *connect).await
                    }
                })
                .await;
                Msg::ObjectChanged { done, failed, result }
            }),
            Effect::ReadSwarmRole => self.spawn(async move {
                let role = match client {
                    Some(d) => tokio::time::timeout(timeout, d.swarm_role()).await.unwrap_or_default(),
                    None => Default::default(),
                };
                Msg::SwarmRoleRead(role)
            }),
            Effect::ListServices { request } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.list_services().await).await;
                Msg::ServicesListed { request, result }
            }),
            Effect::ListNodes { request } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.list_nodes().await).await;
                Msg::NodesListed { request, result }
            }),
            Effect::ListTasks { request, service } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.list_tasks(&service).await).await;
                Msg::TasksListed { request, service, result }
            }),
            Effect::Swarm { change, done, failed } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.swarm_change(&change).await).await;
                Msg::ObjectChanged { done, failed, result }
            }),
            // A prune walks every object of its kind: more time, as for disk usage.
            Effect::Prune { kind } => self.spawn(async move {
                Msg::Pruned { kind, result: ask(client, timeout * 6, async |d| d.prune(kind, None).await).await }
            }),
            Effect::DiskUsage => self.spawn(async move {
                // `system df` walks every layer and volume: give it more time.
                Msg::DiskUsageRead(ask(client, timeout * 3, async |d| d.disk_usage().await).await)
            }),
            Effect::ListEndpoints => {
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
            Effect::SwitchEndpoint { address } => {
                // Nothing of the old daemon's may outlive the switch: streams, consoles,
                // launches and the stats stream all end here.
                for token in self.running.drain().map(|(_, t)| t).chain(self.streams.drain().map(|(_, t)| t)) {
                    token.cancel();
                }
                for (_, console) in self.consoles.drain() {
                    console.cancel.cancel();
                    self.closing.push(console.task);
                }
                if let Some(old) = self.stats_stream.take() {
                    old.cancel();
                }
                if let Some(control) = &self.endpoints {
                    control.switch(address);
                }
            }
            Effect::SaveSort { sort } => {
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = crate::config::save_sort(&sort) {
                        tracing::warn!(error = %e, "cannot remember the sort");
                    }
                });
            }
            Effect::CopyToClipboard { text } => copy_to_clipboard(&text),
            Effect::SaveFullLog { container_id, name, tty } => self.spawn(async move {
                let result = match client {
                    Some(d) => log_task::save_full(d.as_ref(), &container_id, &name, tty).await,
                    None => Err(not_connected().message),
                };
                Msg::Saved { result }
            }),
            Effect::SaveLogs { name, lines } => self.spawn(async move {
                let result = tokio::task::spawn_blocking(move || log_task::save_lines(&name, &lines))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                Msg::Saved { result }
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
/// drawing.
fn copy_to_clipboard(text: &str) {
    use base64::Engine;
    use std::io::Write;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let mut stdout = std::io::stdout();
    let _ = write!(stdout, "\x1b]52;c;{encoded}\x07");
    let _ = stdout.flush();
}

/// In read-only mode: the answer to an effect that would change the daemon, if it would.
fn read_only_refusal(effect: &Effect) -> Option<Msg> {
    let refused = || {
        DaemonError::new(
            DaemonErrorKind::Unsupported,
            "wharf runs read-only (--read-only): it changes nothing on the daemon",
        )
    };
    Some(match effect {
        Effect::Launch { request, .. } => Msg::LaunchFinished { request: *request, result: Err(refused()) },
        Effect::Pull { request, reference } => {
            Msg::PullFinished { request: *request, reference: reference.clone(), result: Err(refused()) }
        }
        Effect::ContainerAction { id, name, action } => {
            Msg::ActionFinished { id: id.clone(), name: name.clone(), action: *action, result: Err(refused()) }
        }
        Effect::RemoveImage { id, name } => {
            Msg::ImageRemoved { id: id.clone(), name: name.clone(), result: Err(refused()) }
        }
        Effect::ChangeObject { done, failed, .. } | Effect::Swarm { done, failed, .. } => {
            Msg::ObjectChanged { done: done.clone(), failed: failed.clone(), result: Err(refused()) }
        }
        Effect::Prune { kind } => Msg::Pruned { kind: *kind, result: Err(refused()) },
        // An exec runs a process in the container; attaching lets keys reach its own.
        Effect::OpenConsole { session, .. } => {
            Msg::ConsoleEnded { session: *session, exit_code: None, error: Some(refused()) }
        }
        _ => return None,
    })
}

/// An image's details view: its layers (newest first, with the command that made each
/// and its size), then its full JSON.
fn image_details_lines(history: &[(String, i64)], json: Vec<String>) -> Vec<String> {
    let mut lines = vec![format!("Layers ({}), newest first:", history.len())];
    for (created_by, size) in history {
        let command = created_by.trim_start_matches("/bin/sh -c ").trim_start_matches("#(nop) ").trim();
        lines.push(format!("  {:>9}  {command}", crate::ui::format::size(*size)));
    }
    lines.push(String::new());
    lines.push("Inspect:".into());
    lines.extend(json);
    lines
}
