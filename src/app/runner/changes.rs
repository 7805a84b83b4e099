//! Changes to the daemon. `EffectRunner::run` refuses them all under `--read-only`
//! before they get here. Registry transfers (pulls, pushes, launches, recreates) are
//! in `transfers`, consoles in `consoles`; the rest are single requests, and builds and
//! compose operations, which run as long as their steps take.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{EffectRunner, ask, not_connected};
use crate::app::compose_task::{ComposeOp, ComposeRun};
use crate::app::effect::{Change, ObjectChange};
use crate::app::msg::{Done, Msg, Streamed};
use crate::compose::Project;
use crate::docker::DockerApi;
use crate::model::{BuildSpec, ContainerAction, DaemonError, DaemonErrorKind, RegistryAuth};
use crate::state::RequestId;

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
                self.copy_in(crate::app::files_task::CopyInJob { copy, container_id, dir, host, name, confirmed })
            }
            Change::RemoveImage { id, name } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.remove_image(&id).await).await;
                Msg::Done(Done::ImageRemoved { id, name, result })
            }),
            Change::Launch { request, spec, attach: Some(attach) } => self.launch_attached(request, spec, attach),
            Change::Launch { request, spec, attach: None } => self.launch(request, spec),
            Change::Recreate { request, plan } => self.recreate(request, plan),
            Change::Pull { request, reference } => self.pull(request, reference),
            Change::Push { request, reference } => self.push(request, reference),
            Change::Build { request, spec } => self.build(request, *spec),
            Change::Tag { source, target } => self.spawn(async move {
                let result = ask(client, timeout, async |d| d.tag_image(&source, &target).await).await;
                let (done, failed) = (format!("tagged {target}"), format!("cannot tag {source} as {target}"));
                Msg::Done(Done::Object { done, failed, result })
            }),
            Change::Login { request, auth, keep } => self.login(request, auth, keep),
            Change::Object { change, done, failed } => self.spawn(async move {
                let result = ask(client, timeout, async |d| object_change(d.as_ref(), &change).await).await;
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
            Change::Compose { request, project, op } => self.compose(request, project, op),
            Change::OpenConsole { session, container_id, target, cols, rows } => {
                self.open_console(session, container_id, target, (cols, rows))
            }
        }
    }

    /// A build runs as long as its steps take; the user can cancel it.
    fn build(&mut self, request: RequestId, spec: BuildSpec) {
        let client = self.client.borrow().clone();
        let cancel = self.track(request);
        let (tx, credentials) = (self.tx.clone(), self.credentials.clone());
        self.spawn(async move {
            let result = match client {
                None => Err(not_connected()),
                Some(d) => super::build::run(d, spec, credentials, request, tx, cancel.clone()).await,
            };
            cancel.cancel();
            Msg::Done(Done::Built { request, result })
        })
    }

    /// Has the daemon check the login, then keeps it as the user chose.
    fn login(&mut self, request: RequestId, auth: RegistryAuth, keep: bool) {
        let (client, timeout) = (self.client.borrow().clone(), self.request_timeout);
        let credentials = self.credentials.clone();
        self.spawn(async move {
            let server = auth.server.clone();
            let checked = ask(client, timeout * 3, async |d| d.login(&auth).await).await;
            let result = match checked {
                Ok(()) => credentials.keep(auth, keep).await.map_err(|m| DaemonError::new(DaemonErrorKind::Other, m)),
                Err(e) => Err(e),
            };
            Msg::Done(Done::Login { request, server, result })
        })
    }

    /// A compose operation runs as long as its steps take (pulls, builds, waiting for
    /// dependencies, each bounded on its own); the user can cancel it.
    fn compose(&mut self, request: RequestId, project: Box<Project>, op: ComposeOp) {
        let client = self.client.borrow().clone();
        let cancel = self.track(request);
        let (tx, credentials) = (self.tx.clone(), self.credentials.clone());
        self.spawn(async move {
            let verb = op.verb().to_string();
            let (result, login_for) = match client {
                None => (Err(not_connected()), None),
                Some(d) => {
                    let run = ComposeRun::new(d.as_ref(), &project, &cancel).credentials(&credentials);
                    let mut on_progress = |progress| {
                        let _ = tx.try_send(Msg::Done(Done::ComposeProgress { request, progress }));
                    };
                    let result = run.run(&op, &mut on_progress).await;
                    (result, run.refused_image())
                }
            };
            cancel.cancel();
            Msg::Done(Done::Compose { request, verb, result, login_for })
        })
    }
}

async fn object_change<D: DockerApi>(d: &D, change: &ObjectChange) -> Result<(), DaemonError> {
    match change {
        ObjectChange::CreateVolume { name } => d.create_volume(name).await,
        ObjectChange::RemoveVolume { name } => d.remove_volume(name).await,
        ObjectChange::CreateNetwork { name } => d.create_network(name).await,
        ObjectChange::RemoveNetwork { id } => d.remove_network(id).await,
        ObjectChange::Membership { network, container, connect } => {
            d.network_membership(network, container, *connect).await
        }
    }
}

impl<D: DockerApi> EffectRunner<D> {
    /// A copy into a container: a stream the user can cancel (Esc), answered by
    /// `CopyEnded`.
    fn copy_in(&mut self, job: crate::app::files_task::CopyInJob) {
        let client = self.client.borrow().clone();
        let copy = job.copy;
        let cancel = CancellationToken::new();
        self.streams.insert(copy, cancel.clone());
        let tx = self.tx.clone();
        tokio::spawn(async move {
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
}
