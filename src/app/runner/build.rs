//! The images pane's build: its output goes to the pane (`Done::BuildOutput`), every
//! line of it: the task waits for room rather than drop one (see `app::build_task`).

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::credentials::Credentials;
use crate::app::build_task::{self, BuildOutput};
use crate::app::msg::{Done, Msg};
use crate::docker::DockerApi;
use crate::model::{BuildEvent, BuildSpec, BuildSummary, DaemonError};
use crate::state::RequestId;

struct ToPane {
    tx: mpsc::Sender<Msg>,
    request: RequestId,
}

impl BuildOutput for ToPane {
    async fn send(&mut self, event: BuildEvent) {
        let _ = self.tx.send(Msg::Done(Done::BuildOutput { request: self.request, event })).await;
    }
}

pub async fn run<D: DockerApi>(
    docker: Arc<D>,
    spec: BuildSpec,
    credentials: Credentials,
    request: RequestId,
    tx: mpsc::Sender<Msg>,
    cancel: CancellationToken,
) -> Result<BuildSummary, DaemonError> {
    build_task::build(docker.as_ref(), &spec, Some(&credentials), &cancel, &mut ToPane { tx, request }).await
}
