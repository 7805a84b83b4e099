//! Launching a container: pull the image if it is missing (reporting progress, and
//! cancellable), create, start. When the start fails the daemon leaves the container in
//! `Created` (e.g. "port is already allocated"): remove it, so a failed launch leaves
//! nothing behind and the user can simply try again; the error says which happened.
//!
//! Progress goes to a plain callback: progress is a report, not data; when the UI is
//! busy a message may be dropped, and the next one says the same thing more recently.

use futures::StreamExt;
use futures::stream::BoxStream;
use tokio_util::sync::CancellationToken;

use crate::docker::{DockerApi, ExitWait, RawRead, RawWrite};
use crate::launch::explain;
use crate::model::{ContainerAction, DaemonError, DaemonErrorKind, LaunchSpec, PullProgress, RegistryAuth};

pub async fn launch<D: DockerApi>(
    docker: &D,
    spec: &LaunchSpec,
    auth: Option<&RegistryAuth>,
    cancel: &CancellationToken,
    on_progress: impl FnMut(PullProgress) + Send,
) -> Result<String, DaemonError> {
    launch_looking_up(docker, spec, async { auth.cloned() }, cancel, on_progress).await
}

/// A launch whose credentials are looked up (perhaps by running a credential helper)
/// only when the image is missing and must be pulled.
pub async fn launch_looking_up<D: DockerApi>(
    docker: &D,
    spec: &LaunchSpec,
    lookup: impl Future<Output = Option<RegistryAuth>> + Send,
    cancel: &CancellationToken,
    on_progress: impl FnMut(PullProgress) + Send,
) -> Result<String, DaemonError> {
    let id = pull_if_missing_and_create(docker, spec, lookup, cancel, on_progress).await?;
    start(docker, &id).await?;
    Ok(id)
}

/// Pushes `reference`, reporting each layer's progress; the registry's refusal is an
/// error in its words.
pub async fn push<D: DockerApi>(
    docker: &D,
    reference: &str,
    auth: Option<&RegistryAuth>,
    cancel: &CancellationToken,
    on_progress: &mut (impl FnMut(PullProgress) + Send),
) -> Result<(), DaemonError> {
    match follow_progress(docker.push_image(reference, auth), cancel, on_progress).await {
        Ok(()) => Ok(()),
        Err(Stopped::Cancelled) => Err(cancelled("push", reference)),
        Err(Stopped::Failed(e)) => {
            let e = crate::model::mark_denied(e, auth.is_some());
            Err(DaemonError { message: format!("cannot push {reference}: {}", e.message), ..e })
        }
    }
}

/// Why a registry transfer's progress stream stopped before its end.
enum Stopped {
    Cancelled,
    /// The daemon's or the registry's error, as it came.
    Failed(DaemonError),
}

/// Follows a pull's or a push's progress stream to its end, handing each message to
/// `on_progress`; a cancel is heard while waiting for the next one.
async fn follow_progress(
    mut stream: BoxStream<'static, Result<PullProgress, DaemonError>>,
    cancel: &CancellationToken,
    on_progress: &mut (impl FnMut(PullProgress) + Send),
) -> Result<(), Stopped> {
    loop {
        let item = tokio::select! {
            _ = cancel.cancelled() => return Err(Stopped::Cancelled),
            item = stream.next() => item,
        };
        match item {
            Some(Ok(progress)) => on_progress(progress),
            Some(Err(e)) => return Err(Stopped::Failed(e)),
            None => return Ok(()),
        }
    }
}

fn cancelled(verb: &str, reference: &str) -> DaemonError {
    DaemonError::new(DaemonErrorKind::Other, format!("the {verb} of {reference} was cancelled"))
}

/// Starts a created container; when it will not start, removes it.
async fn start<D: DockerApi>(docker: &D, id: &str) -> Result<(), DaemonError> {
    if let Err(start_error) = docker.container_action(id, ContainerAction::Start).await {
        return Err(explain_start(start_error, remove_created(docker, id).await));
    }
    Ok(())
}

/// Removes a container that never ran; whether it is gone (`--rm` may have removed it
/// already).
async fn remove_created<D: DockerApi>(docker: &D, id: &str) -> bool {
    match docker.container_action(id, ContainerAction::Remove { force: true, volumes: true }).await {
        Ok(()) => true,
        Err(e) => e.kind == DaemonErrorKind::NotFound,
    }
}

/// A container launched with `-it`, its TTY attached to before it started.
pub struct Attached {
    pub id: String,
    pub read: RawRead,
    pub write: RawWrite,
    /// Its exit code, to come (after the removal, with `--rm`).
    pub exit: Option<ExitWait>,
}

/// The first half of every launch: pull the image if it is missing (the credentials
/// looked up only then: a credential helper may be slow to answer), then create the
/// container. Returns its id.
async fn pull_if_missing_and_create<D: DockerApi>(
    docker: &D,
    spec: &LaunchSpec,
    lookup: impl Future<Output = Option<RegistryAuth>> + Send,
    cancel: &CancellationToken,
    mut on_progress: impl FnMut(PullProgress) + Send,
) -> Result<String, DaemonError> {
    if !docker.image_exists(&spec.image).await? {
        let auth = lookup.await;
        pull(docker, &spec.image, auth.as_ref(), cancel, &mut on_progress).await?;
    }
    docker.create_container(spec).await.map_err(|e| explain_create(e, spec))
}

/// `docker run -it`: pull if missing, create, attach and register the wait for its
/// exit, then start, so nothing it prints is lost and a container that exits (and is
/// removed) at once still reports how it ended. A failure after the create removes
/// the container, as `launch` does.
pub async fn launch_attached<D: DockerApi>(
    docker: &D,
    spec: &LaunchSpec,
    lookup: impl Future<Output = Option<RegistryAuth>> + Send,
    cancel: &CancellationToken,
    on_progress: impl FnMut(PullProgress) + Send,
) -> Result<Attached, DaemonError> {
    let id = pull_if_missing_and_create(docker, spec, lookup, cancel, on_progress).await?;
    // Without the wait the session still works; it only cannot say the exit code.
    let exit = match docker.wait_exit(&id, spec.auto_remove).await {
        Ok(exit) => Some(exit),
        Err(e) => {
            tracing::debug!(error = %e, "cannot wait for the launched container");
            None
        }
    };
    let (read, write) = match docker.attach(&id).await {
        Ok(stream) => stream,
        Err(e) => {
            let removed = remove_created(docker, &id).await;
            let left = if removed { "wharf removed it" } else { "it is left in state Created" };
            return Err(DaemonError {
                message: format!("cannot attach to the new container ({left}): {}", e.message),
                ..e
            });
        }
    };
    start(docker, &id).await?;
    Ok(Attached { id, read, write, exit })
}

/// Pulls `reference`, reporting each progress message; the registry's own errors can
/// arrive inside a successful (200) stream and count as failures.
pub async fn pull<D: DockerApi>(
    docker: &D,
    reference: &str,
    auth: Option<&RegistryAuth>,
    cancel: &CancellationToken,
    on_progress: &mut (impl FnMut(PullProgress) + Send),
) -> Result<(), DaemonError> {
    match follow_progress(docker.pull_image(reference, auth), cancel, on_progress).await {
        Ok(()) => {}
        Err(Stopped::Cancelled) => return Err(cancelled("pull", reference)),
        Err(Stopped::Failed(e)) => return Err(explain_pull(reference, crate::model::mark_denied(e, auth.is_some()))),
    }
    // A stream that ends without an error but leaves no image is still a failure.
    if docker.image_exists(reference).await? {
        Ok(())
    } else {
        Err(DaemonError::new(DaemonErrorKind::Api, format!("the pull of {reference} ended without the image")))
    }
}

/// What happened when a created container would not start: that it did not start, and
/// whether wharf removed it (so the user knows whether anything is left to clean up).
/// A host port in use is said as such, naming the address; which container holds it is
/// for the caller to add, from the list it has.
fn explain_start(error: DaemonError, removed: bool) -> DaemonError {
    let left = if removed { "wharf removed it" } else { "wharf could not remove it: it is left in state Created" };
    match explain::port_in_use(&error.message) {
        Some(address) => DaemonError {
            message: format!("host port {address} is already in use, so the container could not start; {left}"),
            hint: Some("choose another host port, or stop what holds this one".into()),
            ..error
        },
        None => DaemonError { message: format!("the container could not start ({left}): {}", error.message), ..error },
    }
}

/// A pull that reached no registry says so (the daemon's own words, about dial and
/// lookup failures, go to the hint); a registry's refusal is said in its own words.
fn explain_pull(reference: &str, error: DaemonError) -> DaemonError {
    if crate::model::wants_login(&error) {
        let registry = crate::model::registry_of(reference);
        return DaemonError {
            message: format!("cannot pull {reference}: {}", error.message),
            hint: Some(format!(
                "{registry} wants credentials: pull it with p on the images pane, which asks for them, or docker login"
            )),
            ..error
        };
    }
    if !explain::registry_unreachable(&error.message) {
        return DaemonError { message: format!("cannot pull {reference}: {}", error.message), ..error };
    }
    let registry = explain::registry_host(&error.message).map(|h| format!(" ({h})")).unwrap_or_default();
    DaemonError {
        message: format!(
            "cannot pull {reference}: no registry is reachable{registry}; the daemon is offline or cannot resolve or connect to it"
        ),
        hint: Some(format!("the daemon said: {}", error.message)),
        ..error
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
