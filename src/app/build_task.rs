//! One build: the context is planned (checked, `.dockerignore` read), then walked into
//! a tar on a blocking thread that feeds a bounded channel, which is the request's
//! body; the daemon's output goes to a `BuildOutput` as it comes. Cancelling drops
//! the request (the daemon stops the build when its client goes) and with it the
//! channel, which stops the walk. The images pane's builds and compose's `build:`
//! both run here.

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::app::runner::credentials::Credentials;
use crate::build::{ContextPlan, plan, write_context};
use crate::docker::DockerApi;
use crate::model::{BuildEvent, BuildSpec, BuildSummary, DaemonError, DaemonErrorKind, RegistryAuth, registry_of};

/// Chunks of the context waiting for the daemon: 8 x 64 KiB at most in memory.
const CONTEXT_CHUNKS: usize = 8;

/// Where a build's output goes. `send` may wait for room (the images pane's build
/// keeps every line); a cancel is still heard while it waits.
pub trait BuildOutput: Send {
    fn send(&mut self, event: BuildEvent) -> impl Future<Output = ()> + Send;
}

pub async fn build<D: DockerApi>(
    docker: &D,
    spec: &BuildSpec,
    credentials: Option<&Credentials>,
    cancel: &CancellationToken,
    output: &mut impl BuildOutput,
) -> Result<BuildSummary, DaemonError> {
    let context_error = |m: String| DaemonError::new(DaemonErrorKind::Other, m);
    let planned = {
        let spec = spec.clone();
        tokio::task::spawn_blocking(move || plan(&spec))
            .await
            .map_err(|e| context_error(e.to_string()))?
            .map_err(context_error)?
    };
    let auths = match credentials {
        Some(credentials) => base_image_auths(&planned, credentials).await,
        None => Vec::new(),
    };
    let (chunks_tx, chunks_rx) = mpsc::channel(CONTEXT_CHUNKS);
    let writer = {
        let planned = planned.clone();
        tokio::task::spawn_blocking(move || write_context(&planned, chunks_tx))
    };
    let body = futures::stream::poll_fn({
        let mut rx = chunks_rx;
        move |cx| rx.poll_recv(cx)
    })
    .boxed();
    let stream = docker.build_image(spec, &planned.dockerfile_name, &auths, body);
    let (image_id, failure) = follow(stream, cancel, output).await?;
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

/// Forwards the daemon's output until it ends: the image it named and the build's own
/// failure, if any. Cancelled, the stream is dropped at once (which stops the build).
async fn follow(
    mut stream: futures::stream::BoxStream<'static, Result<BuildEvent, DaemonError>>,
    cancel: &CancellationToken,
    output: &mut impl BuildOutput,
) -> Result<(Option<String>, Option<DaemonError>), DaemonError> {
    let cancelled = || DaemonError::new(DaemonErrorKind::Other, "the build was cancelled");
    let mut image_id = None;
    loop {
        let item = tokio::select! {
            _ = cancel.cancelled() => return Err(cancelled()),
            item = stream.next() => item,
        };
        match item {
            Some(Ok(event)) => {
                if let BuildEvent::Built(id) = &event {
                    image_id = Some(id.clone());
                }
                tokio::select! {
                    _ = cancel.cancelled() => return Err(cancelled()),
                    _ = output.send(event) => {}
                }
            }
            Some(Err(e)) => return Ok((image_id, Some(e))),
            None => return Ok((image_id, None)),
        }
    }
}

/// Credentials for the registries the Dockerfile's `FROM` lines name, so private base
/// images can be pulled (the classic builder takes them all up front).
async fn base_image_auths(planned: &ContextPlan, credentials: &Credentials) -> Vec<RegistryAuth> {
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
