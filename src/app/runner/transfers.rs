//! Registry transfers: pulls, pushes, and the launches and recreates that may pull.
//! Each is a tracked job the user can cancel, with no overall timeout (a pull takes as
//! long as it takes; each request inside is still bounded by the client's own
//! timeout), and reports the registry's progress as `Done::PullProgress`.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::credentials::Credentials;
use super::{EffectRunner, not_connected};
use crate::app::msg::{Done, Msg};
use crate::app::{launcher, recreate};
use crate::docker::DockerApi;
use crate::launch::recreate::RecreatePlan;
use crate::model::{DaemonError, LaunchSpec, PullProgress, RegistryAuth};
use crate::state::RequestId;

/// What a transfer's job works with.
pub(super) struct Transfer<D> {
    docker: Arc<D>,
    credentials: Credentials,
    cancel: CancellationToken,
    tx: mpsc::Sender<Msg>,
    request: RequestId,
}

impl<D: DockerApi> Transfer<D> {
    /// The credentials for `reference`'s registry. Looked up only when a pull or push
    /// is sure to happen: a credential helper may be slow to answer.
    async fn auth_for(&self, reference: &str) -> Option<RegistryAuth> {
        self.credentials.for_reference(reference).await
    }

    fn on_progress(&self) -> impl FnMut(PullProgress) + Send + 'static {
        progress_to(self.tx.clone(), self.request)
    }
}

/// Progress is a report, not data: when the UI is busy one is dropped, and the next
/// says the same thing more recently.
pub(super) fn progress_to(tx: mpsc::Sender<Msg>, request: RequestId) -> impl FnMut(PullProgress) + Send + 'static {
    move |progress| {
        let _ = tx.try_send(Msg::Done(Done::PullProgress { request, progress }));
    }
}

impl<D: DockerApi> EffectRunner<D> {
    /// Runs one registry transfer as a tracked, cancellable job; `answer` turns what
    /// the job returned into the message that ends it.
    fn transfer<T, Job>(
        &mut self,
        request: RequestId,
        job: impl FnOnce(Transfer<D>) -> Job + Send + 'static,
        answer: impl FnOnce(Result<T, DaemonError>) -> Msg + Send + 'static,
    ) where
        T: Send + 'static,
        Job: Future<Output = Result<T, DaemonError>> + Send + 'static,
    {
        let client = self.client.borrow().clone();
        let cancel = self.track(request);
        let (tx, credentials) = (self.tx.clone(), self.credentials.clone());
        self.spawn(async move {
            let result = match client {
                None => Err(not_connected()),
                Some(docker) => job(Transfer { docker, credentials, cancel: cancel.clone(), tx, request }).await,
            };
            cancel.cancel();
            answer(result)
        });
    }

    pub(super) fn pull(&mut self, request: RequestId, reference: String) {
        let asked = reference.clone();
        self.transfer(
            request,
            move |t| async move {
                let auth = t.auth_for(&asked).await;
                launcher::pull(t.docker.as_ref(), &asked, auth.as_ref(), &t.cancel, &mut t.on_progress()).await
            },
            move |result| Msg::Done(Done::Pull { request, reference, result }),
        );
    }

    pub(super) fn push(&mut self, request: RequestId, reference: String) {
        let asked = reference.clone();
        self.transfer(
            request,
            move |t| async move {
                let auth = t.auth_for(&asked).await;
                launcher::push(t.docker.as_ref(), &asked, auth.as_ref(), &t.cancel, &mut t.on_progress()).await
            },
            move |result| Msg::Done(Done::Push { request, reference, result }),
        );
    }

    /// A launch without a console: the credentials are looked up only if it pulls.
    pub(super) fn launch(&mut self, request: RequestId, spec: LaunchSpec) {
        self.transfer(
            request,
            move |t| async move {
                let lookup = t.auth_for(&spec.image);
                launcher::launch_looking_up(t.docker.as_ref(), &spec, lookup, &t.cancel, t.on_progress()).await
            },
            move |result| Msg::Done(Done::Launch { request, result }),
        );
    }

    pub(super) fn recreate(&mut self, request: RequestId, plan: Box<RecreatePlan>) {
        self.transfer(
            request,
            move |t| async move {
                let step_tx = t.tx.clone();
                let on_step = move |step| {
                    let _ = step_tx.try_send(Msg::Done(Done::RecreateStep { request, step }));
                };
                let auth = match plan.pull {
                    true => t.auth_for(&plan.spec.image).await,
                    false => None,
                };
                recreate::recreate(t.docker.as_ref(), &plan, auth.as_ref(), &t.cancel, on_step, t.on_progress()).await
            },
            move |result| Msg::Done(Done::Recreate { request, result }),
        );
    }
}
