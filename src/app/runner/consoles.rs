//! Console sessions: a shell in a container, or `docker run -it` (the launch, then the
//! console on the new container, on one task). The runner keeps each session's handle
//! so keys and resizes reach it, even those typed while the image still pulls.

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::transfers::progress_to;
use super::{EffectRunner, not_connected};
use crate::app::console_task::{self, ConsoleHandle, ConsoleJob};
use crate::app::effect::AttachAtOnce;
use crate::app::launcher;
use crate::app::msg::{Done, Msg, Streamed};
use crate::docker::DockerApi;
use crate::model::LaunchSpec;
use crate::state::{ConsoleTarget, RequestId, SessionId};

/// The ends a console task reads its keys and sizes from.
struct ConsoleInputs {
    input: mpsc::Receiver<Vec<u8>>,
    resize: watch::Receiver<(u16, u16)>,
    cancel: CancellationToken,
}

impl<D: DockerApi> EffectRunner<D> {
    pub(super) fn open_console(
        &mut self,
        session: SessionId,
        container_id: String,
        target: ConsoleTarget,
        size: (u16, u16),
    ) {
        let client = self.client.borrow().clone();
        let tx = self.tx.clone();
        let job = ConsoleJob { session, container_id, target };
        self.keep_console(session, size, move |inputs| async move {
            match client {
                Some(d) => console_task::run(d, job, inputs.input, inputs.resize, tx, inputs.cancel).await,
                None => {
                    let error = Some(not_connected());
                    let _ = tx.send(Msg::Stream(Streamed::ConsoleEnded { session, exit_code: None, error })).await;
                }
            }
        });
    }

    /// `docker run -it`: the launch, then, on the same task, the console on the new
    /// container (attached before it started).
    pub(super) fn launch_attached(&mut self, request: RequestId, spec: LaunchSpec, attach: AttachAtOnce) {
        let client = self.client.borrow().clone();
        let launch_cancel = self.track(request);
        let tx = self.tx.clone();
        let session = attach.session;
        let credentials = self.credentials.clone();
        self.keep_console(session, (attach.cols, attach.rows), move |inputs| async move {
            let Some(d) = client else {
                let _ = tx.send(Msg::Done(Done::Launch { request, result: Err(not_connected()) })).await;
                return;
            };
            let on_progress = progress_to(tx.clone(), request);
            // Credentials only for a pull: a credential helper may be slow to answer.
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
                    let ConsoleInputs { input, resize, cancel } = inputs;
                    console_task::run_attached(d, job, attached, input, resize, tx, cancel).await;
                }
            }
        });
    }

    /// Starts a console's task with the ends of its input channels, and keeps the
    /// other ends for the session.
    fn keep_console<Task>(&mut self, session: SessionId, size: (u16, u16), task: impl FnOnce(ConsoleInputs) -> Task)
    where
        Task: Future<Output = ()> + Send + 'static,
    {
        let (input_tx, input) = mpsc::channel(console_task::INPUT_CHUNKS);
        let (resize_tx, resize) = watch::channel(size);
        let cancel = CancellationToken::new();
        let task = tokio::spawn(task(ConsoleInputs { input, resize, cancel: cancel.clone() }));
        self.consoles.retain(|_, h| !h.cancel.is_cancelled() && !h.input.is_closed());
        self.consoles.insert(
            session,
            ConsoleHandle { input: input_tx, resize: resize_tx, cancel, task, waiting: Default::default() },
        );
    }
}
