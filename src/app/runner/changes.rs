//! Changes to the daemon. `EffectRunner::run` refuses them all under `--read-only`
//! before they get here.

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::{EffectRunner, ask, not_connected};
use crate::app::console_task::{self, ConsoleHandle, ConsoleJob};
use crate::app::effect::{AttachAtOnce, Change, ObjectChange};
use crate::app::msg::Msg;
use crate::app::msg::{Done, Streamed};
use crate::app::{launcher, recreate};
use crate::docker::DockerApi;
use crate::model::{ContainerAction, LaunchSpec};
use crate::state::{ConsoleTarget, RequestId};

/// A prune walks every object of its kind: it gets this many request timeouts.
const PRUNE_PATIENCE: u32 = 6;

impl<D: DockerApi> EffectRunner<D> {
    pub(super) fn change(&mut self, change: Change) {
        let client = self.client.borrow().clone();
        let timeout = self.request_timeout;
        match change {
            Change::Container { id, name, action } => self.spawn(async move {
                // Stopping waits for the container's grace period before the daemon answers.
                let timeout = match action {
                    ContainerAction::Stop | ContainerAction::Restart => {
                        timeout + Duration::from_secs(crate::docker::STOP_GRACE_SECS)
                    }
                    _ => timeout,
                };
                let result = ask(client, timeout, async |d| d.container_action(&id, action).await).await;
                Msg::Done(Done::Action { id, name, action, result })
            }),
            Change::CopyIn { copy, container_id, dir, host, name, confirmed } => {
                let cancel = CancellationToken::new();
                self.streams.insert(copy, cancel.clone());
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let job = crate::app::files_task::CopyInJob { copy, container_id, dir, host, name, confirmed };
                    match client {
                        Some(d) => crate::app::files_task::copy_in(d.as_ref(), job, &tx, &cancel).await,
                        None => {
                            let result = Err(not_connected().message);
                            let _ = tx.send(Msg::Stream(Streamed::CopyEnded { copy, result })).await;
                        }
                    }
                    cancel.cancel();
                });
            }
            Change::RemoveImage { id, name } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.remove_image(&id).await).await;
                Msg::Done(Done::ImageRemoved { id, name, result })
            }),
            // Launches and pulls have no overall timeout (a pull takes as long as it
            // takes, and the user can cancel it); each request inside is still bounded
            // by the client's own timeout.
            Change::Launch { request, spec, attach: Some(attach) } => self.launch_attached(request, spec, attach),
            Change::Launch { request, spec, attach: None } => {
                let cancel = self.track(request);
                let tx = self.tx.clone();
                let credentials = self.credentials.clone();
                self.spawn(async move {
                    let result = match client {
                        None => Err(not_connected()),
                        Some(d) => {
                            let on_progress = |progress| {
                                let _ = tx.try_send(Msg::Done(Done::PullProgress { request, progress }));
                            };
                            let lookup = credentials.for_reference(&spec.image);
                            launcher::launch_looking_up(d.as_ref(), &spec, lookup, &cancel, on_progress).await
                        }
                    };
                    cancel.cancel();
                    Msg::Done(Done::Launch { request, result })
                })
            }
            Change::Recreate { request, plan } => {
                let cancel = self.track(request);
                let tx = self.tx.clone();
                let credentials = self.credentials.clone();
                self.spawn(async move {
                    let result = match client {
                        None => Err(not_connected()),
                        Some(d) => {
                            let on_step = |step| {
                                let _ = tx.try_send(Msg::Done(Done::RecreateStep { request, step }));
                            };
                            let on_progress = |progress| {
                                let _ = tx.try_send(Msg::Done(Done::PullProgress { request, progress }));
                            };
                            // Only a pull needs them (a credential helper may be slow).
                            let auth = match plan.pull {
                                true => credentials.for_reference(&plan.spec.image).await,
                                false => None,
                            };
                            recreate::recreate(d.as_ref(), &plan, auth.as_ref(), &cancel, on_step, on_progress).await
                        }
                    };
                    cancel.cancel();
                    Msg::Done(Done::Recreate { request, result })
                })
            }
            Change::Pull { request, reference } => {
                let cancel = self.track(request);
                let tx = self.tx.clone();
                let credentials = self.credentials.clone();
                self.spawn(async move {
                    let result = match client {
                        None => Err(not_connected()),
                        Some(d) => {
                            let mut on_progress = |progress| {
                                let _ = tx.try_send(Msg::Done(Done::PullProgress { request, progress }));
                            };
                            let auth = credentials.for_reference(&reference).await;
                            launcher::pull(d.as_ref(), &reference, auth.as_ref(), &cancel, &mut on_progress).await
                        }
                    };
                    cancel.cancel();
                    Msg::Done(Done::Pull { request, reference, result })
                })
            }
            Change::Push { request, reference } => {
                let cancel = self.track(request);
                let tx = self.tx.clone();
                let credentials = self.credentials.clone();
                self.spawn(async move {
                    let result = match client {
                        None => Err(not_connected()),
                        Some(d) => {
                            let mut on_progress = |progress| {
                                let _ = tx.try_send(Msg::Done(Done::PullProgress { request, progress }));
                            };
                            let auth = credentials.for_reference(&reference).await;
                            launcher::push(d.as_ref(), &reference, auth.as_ref(), &cancel, &mut on_progress).await
                        }
                    };
                    cancel.cancel();
                    Msg::Done(Done::Push { request, reference, result })
                })
            }
            Change::Build { request, spec } => {
                let cancel = self.track(request);
                let tx = self.tx.clone();
                let credentials = self.credentials.clone();
                self.spawn(async move {
                    let result = match client {
                        None => Err(not_connected()),
                        Some(d) => super::build::run(d, *spec, credentials, request, tx, cancel.clone()).await,
                    };
                    cancel.cancel();
                    Msg::Done(Done::Built { request, result })
                })
            }
            Change::Tag { source, target } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.tag_image(&source, &target).await).await;
                Msg::Done(Done::Object {
                    done: format!("tagged {target}"),
                    failed: format!("cannot tag {source} as {target}"),
                    result,
                })
            }),
            Change::Login { request, auth, keep } => {
                let credentials = self.credentials.clone();
                self.spawn(async move {
                    let server = auth.server.clone();
                    let checked = ask(client, timeout * 3, async |d| d.login(&auth).await).await;
                    let result = match checked {
                        Ok(()) => credentials
                            .keep(auth, keep)
                            .await
                            .map_err(|m| crate::model::DaemonError::new(crate::model::DaemonErrorKind::Other, m)),
                        Err(e) => Err(e),
                    };
                    Msg::Done(Done::Login { request, server, result })
                })
            }
            Change::Object { change, done, failed } => self.spawn(async move {
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
                Msg::Done(Done::Object { done, failed, result })
            }),
            Change::Swarm { change, done, failed } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.swarm_change(&change).await).await;
                Msg::Done(Done::Object { done, failed, result })
            }),
            Change::Prune { kind } => self.spawn(async move {
                let result = ask(client, timeout * PRUNE_PATIENCE, async |d| d.prune(kind, None).await).await;
                Msg::Done(Done::Prune { kind, result })
            }),
            // A compose operation runs as long as its steps take (pulls, waiting for
            // dependencies, each bounded on its own); the user can cancel it.
            Change::Compose { request, project, op } => {
                let cancel = self.track(request);
                let tx = self.tx.clone();
                self.spawn(async move {
                    let verb = op.verb().to_string();
                    let result = match client {
                        None => Err(not_connected()),
                        Some(d) => {
                            let run = crate::app::compose_task::ComposeRun {
                                docker: d.as_ref(),
                                project: &project,
                                cancel: &cancel,
                                dependency_timeout: crate::app::compose_task::DEPENDENCY_TIMEOUT,
                            };
                            let mut on_progress = |progress| {
                                let _ = tx.try_send(Msg::Done(Done::ComposeProgress { request, progress }));
                            };
                            run.run(&op, &mut on_progress).await
                        }
                    };
                    cancel.cancel();
                    Msg::Done(Done::Compose { request, verb, result })
                })
            }
            Change::OpenConsole { session, container_id, target, cols, rows } => {
                let (input_tx, input_rx) = mpsc::channel(console_task::INPUT_CHUNKS);
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
                                .send(Msg::Stream(Streamed::ConsoleEnded {
                                    session,
                                    exit_code: None,
                                    error: Some(not_connected()),
                                }))
                                .await;
                        }
                    }
                });
                self.consoles.retain(|_, h| !h.cancel.is_cancelled() && !h.input.is_closed());
                self.consoles.insert(
                    session,
                    ConsoleHandle { input: input_tx, resize: resize_tx, cancel, task, waiting: Default::default() },
                );
            }
        }
    }
}

impl<D: DockerApi> EffectRunner<D> {
    /// `docker run -it`: the launch, then, on the same task, the console on the new
    /// container (attached before it started). The session is known to the runner
    /// from now on, so keys typed while the image pulls wait for it.
    fn launch_attached(&mut self, request: RequestId, spec: LaunchSpec, attach: AttachAtOnce) {
        let client = self.client.borrow().clone();
        let launch_cancel = self.track(request);
        let (input_tx, input_rx) = mpsc::channel(console_task::INPUT_CHUNKS);
        let (resize_tx, resize_rx) = watch::channel((attach.cols, attach.rows));
        let cancel = CancellationToken::new();
        let tx = self.tx.clone();
        let session = attach.session;
        let task_cancel = cancel.clone();
        let credentials = self.credentials.clone();
        let task = tokio::spawn(async move {
            let Some(d) = client else {
                let _ = tx.send(Msg::Done(Done::Launch { request, result: Err(not_connected()) })).await;
                return;
            };
            let progress_tx = tx.clone();
            let on_progress = move |progress| {
                let _ = progress_tx.try_send(Msg::Done(Done::PullProgress { request, progress }));
            };
            let lookup = credentials.for_reference(&spec.image);
            let launched = launcher::launch_attached(d.as_ref(), &spec, lookup, &launch_cancel, on_progress).await;
            launch_cancel.cancel();
            match launched {
                Err(error) => {
                    let _ = tx.send(Msg::Done(Done::Launch { request, result: Err(error) })).await;
                }
                Ok(attached) => {
                    let id = attached.id.clone();
                    let _ = tx.send(Msg::Done(Done::Launch { request, result: Ok(id.clone()) })).await;
                    let job = ConsoleJob { session, container_id: id, target: ConsoleTarget::Attach };
                    console_task::run_attached(d, job, attached, input_rx, resize_rx, tx, task_cancel).await;
                }
            }
        });
        self.consoles.retain(|_, h| !h.cancel.is_cancelled() && !h.input.is_closed());
        self.consoles.insert(
            session,
            ConsoleHandle { input: input_tx, resize: resize_tx, cancel, task, waiting: Default::default() },
        );
    }
}
