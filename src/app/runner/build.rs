//! One build: the context is planned (checked, `.dockerignore` read), then walked into
//! a tar on a blocking thread that feeds a bounded channel, which is the request's
//! body; the daemon's output is forwarded as it comes. Cancelling drops the request
//! (the daemon stops the build when its client goes) and with it the channel, which
//! stops the walk.

use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::credentials::Credentials;
use crate::app::msg::{Done, Msg};
use crate::build::{plan, write_context};
use crate::docker::DockerApi;
use crate::model::{BuildEvent, BuildSpec, BuildSummary, DaemonError, DaemonErrorKind, RegistryAuth, registry_of};
use crate::state::RequestId;

/// Chunks of the context waiting for the daemon: 8 x 64 KiB at most in memory.
const CONTEXT_CHUNKS: usize = 8;

pub async fn run<D: DockerApi>(
    docker: Arc<D>,
    spec: BuildSpec,
    credentials: Credentials,
    request: RequestId,
    tx: mpsc::Sender<Msg>,
    cancel: CancellationToken,
) -> Result<BuildSummary, DaemonError> {
    let context_error = |m: String| DaemonError::new(DaemonErrorKind::Other, m);
    let planned = {
        let spec = spec.clone();
        tokio::task::spawn_blocking(move || plan(&spec))
            .await
            .map_err(|e| context_error(e.to_string()))?
            .map_err(context_error)?
    };
    let auths = base_image_auths(&planned, &credentials).await;
    let (chunks_tx, chunks_rx) = mpsc::channel(CONTEXT_CHUNKS);
    let writer = {
        let planned = planned.clone();
        tokio::task::spawn_blocking(move || write_context(&planned, chunks_tx))
    };
    let body = tokio_stream_of(chunks_rx);
    let mut output = docker.build_image(&spec, &planned.dockerfile_name, &auths, body);
    let mut image_id = None;
    let mut failure = None;
    loop {
        let item = tokio::select! {
            _ = cancel.cancelled() => {
                return Err(DaemonError::new(DaemonErrorKind::Other, "the build was cancelled"));
            }
            item = output.next() => item,
        };
        match item {
            Some(Ok(event)) => {
                if let BuildEvent::Built(id) = &event {
                    image_id = Some(id.clone());
                }
                // Output is the point of the pane: wait for room rather than drop it,
                // but a cancel is still heard while waiting.
                tokio::select! {
                    _ = cancel.cancelled() => {
                        return Err(DaemonError::new(DaemonErrorKind::Other, "the build was cancelled"));
                    }
                    _ = tx.send(Msg::Done(Done::BuildOutput { request, event })) => {}
                }
            }
            Some(Err(e)) => {
                failure = Some(e);
                break;
            }
            None => break,
        }
    }
    drop(output);
    // The walk ends once its reader is gone; a file it could not read is the
    // real reason a build failed early.
    let summary = writer.await.map_err(|e| context_error(e.to_string()))?;
    if let Some(error) = failure {
        return Err(match summary {
            Err(io) if io.kind() != std::io::ErrorKind::BrokenPipe => {
                context_error(format!("cannot send the build context: {io}"))
            }
            _ => error,
        });
    }
    let summary = summary.map_err(|io| context_error(format!("cannot send the build context: {io}")))?;
    let Some(image_id) = image_id else {
        return Err(DaemonError::new(DaemonErrorKind::Api, "the build ended without naming an image"));
    };
    // The daemon takes one tag with the build; the others are added after.
    for extra in spec.tags.iter().skip(1) {
        docker.tag_image(&image_id, extra).await?;
    }
    Ok(BuildSummary { image_id, context_files: summary.files, context_bytes: summary.bytes })
}

/// Credentials for the registries the Dockerfile's `FROM` lines name, so private base
/// images can be pulled (the classic builder takes them all up front).
async fn base_image_auths(planned: &crate::build::ContextPlan, credentials: &Credentials) -> Vec<RegistryAuth> {
    let path = planned.outside_dockerfile.clone().unwrap_or_else(|| planned.root.join(&planned.dockerfile_name));
    let text = tokio::fs::read_to_string(&path).await.unwrap_or_default();
    let mut servers: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let first = words.next()?;
            if !first.eq_ignore_ascii_case("FROM") {
                return None;
            }
            words.find(|w| !w.starts_with("--")).filter(|image| !image.contains('$')).map(registry_of)
        })
        .collect();
    servers.sort();
    servers.dedup();
    let mut auths = Vec::new();
    for server in servers {
        if let Some(auth) = credentials.for_server(&server).await {
            auths.push(auth);
        }
    }
    auths
}

fn tokio_stream_of(
    mut rx: mpsc::Receiver<std::io::Result<bytes::Bytes>>,
) -> futures::stream::BoxStream<'static, std::io::Result<bytes::Bytes>> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx)).boxed()
}
