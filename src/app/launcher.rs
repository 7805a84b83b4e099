//! Launching a container: pull the image if it is missing (reporting progress, and
//! cancellable), create, start. When the start fails the daemon leaves the container in
//! `Created` (e.g. "port is already allocated"): remove it, so a failed launch leaves
//! nothing behind and the user can simply try again.
//!
//! Progress goes to a plain callback: progress is a report, not data; when the UI is
//! busy a message may be dropped, and the next one says the same thing more recently.

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::docker::DockerApi;
use crate::model::{ContainerAction, DaemonError, DaemonErrorKind, LaunchSpec, PullProgress};

pub async fn launch<D: DockerApi>(
    docker: &D,
    spec: &LaunchSpec,
    cancel: &CancellationToken,
    mut on_progress: impl FnMut(PullProgress) + Send,
) -> Result<String, DaemonError> {
    if !docker.image_exists(&spec.image).await? {
        pull(docker, &spec.image, cancel, &mut on_progress).await?;
    }
    let id = docker.create_container(spec).await.map_err(|e| explain_create(e, spec))?;
    if let Err(start_error) = docker.container_action(&id, ContainerAction::Start).await {
        let cleanup = docker.container_action(&id, ContainerAction::Remove { force: true, volumes: true }).await;
        let what = match cleanup {
            Ok(()) => "wharf removed the container it had created",
            Err(_) => "the container it created is left in state Created",
        };
        return Err(DaemonError {
            message: format!("the container was created but could not start: {}", start_error.message),
            hint: Some(what.to_string()),
            ..start_error
        });
    }
    Ok(id)
}

/// Pulls `reference`, reporting each progress message; the registry's own errors can
/// arrive inside a successful (200) stream and count as failures.
pub async fn pull<D: DockerApi>(
    docker: &D,
    reference: &str,
    cancel: &CancellationToken,
    on_progress: &mut (impl FnMut(PullProgress) + Send),
) -> Result<(), DaemonError> {
    let mut stream = docker.pull_image(reference);
    loop {
        let item = tokio::select! {
            _ = cancel.cancelled() => {
                return Err(DaemonError::new(DaemonErrorKind::Other, format!("the pull of {reference} was cancelled")));
            }
            item = stream.next() => item,
        };
        match item {
            Some(Ok(progress)) => on_progress(progress),
            Some(Err(e)) => {
                return Err(DaemonError { message: format!("cannot pull {reference}: {}", e.message), ..e });
            }
            None => break,
        }
    }
    // A stream that ends without an error but leaves no image is still a failure.
    if docker.image_exists(reference).await? {
        Ok(())
    } else {
        Err(DaemonError::new(DaemonErrorKind::Api, format!("the pull of {reference} ended without the image")))
    }
}

fn explain_create(error: DaemonError, spec: &LaunchSpec) -> DaemonError {
    let hint = match error.kind {
        DaemonErrorKind::Conflict => {
            Some(format!("pick another name or remove the container named {}", spec.name.as_deref().unwrap_or("?")))
        }
        DaemonErrorKind::NotFound => Some(format!("the image {} is not here and could not be pulled", spec.image)),
        _ => None,
    };
    DaemonError { hint: hint.or(error.hint.clone()), ..error }
}
