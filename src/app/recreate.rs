//! Edit and recreate, step by step, safely: pull the new image if another one is
//! asked for, create the new container under a temporary name, stop the old one
//! (freeing its host ports and volumes), start the new one and watch it settle, then
//! swap the names and remove the old one. On any failure the new container is
//! removed and the old one gets its name back and runs again as it did; the error
//! names the step that failed and why.
//!
//! The old container is stopped before the new one starts: two containers never
//! write to the same volume at once, and the new one can take the old one's ports.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::launcher;
use crate::docker::DockerApi;
use crate::launch::recreate::{HEALTHY_WITHIN_SECS, RecreatePlan, SETTLE_SECS, Settling, settling};
use crate::model::{ContainerAction, DaemonError, DaemonErrorKind, LaunchSpec, PullProgress, RegistryAuth};

/// How often a settling container is looked at.
const WATCH_EVERY: Duration = Duration::from_millis(500);

/// Runs the plan; the new container's id, or what failed. `on_step` hears each step
/// as it begins (progress, as for a pull: a dropped one is said again by the next).
pub async fn recreate<D: DockerApi>(
    docker: &D,
    plan: &RecreatePlan,
    auth: Option<&RegistryAuth>,
    cancel: &CancellationToken,
    mut on_step: impl FnMut(String) + Send,
    mut on_progress: impl FnMut(PullProgress) + Send,
) -> Result<String, DaemonError> {
    let image = plan.spec.image.clone();
    if plan.pull {
        on_step(format!("pulling {image}"));
        if let Err(e) = launcher::pull(docker, &image, auth, cancel, &mut on_progress).await {
            // Offline, an image already here still does.
            if !docker.image_exists(&image).await.unwrap_or(false) {
                return Err(failed("pull the new image", e, "nothing was changed"));
            }
            on_step(format!("the pull failed, using the {image} already here"));
        }
    }

    on_step(format!("creating the new container as {}", plan.temporary_name()));
    let spec = LaunchSpec { name: Some(plan.temporary_name()), ..plan.spec.clone() };
    let new_id = docker
        .create_container(&spec)
        .await
        .map_err(|e| failed("create the new container", e, "nothing was changed"))?;

    if plan.was_running {
        on_step(format!("stopping {}", plan.old_name));
        if let Err(e) = docker.container_action(&plan.old_id, ContainerAction::Stop).await {
            let undo = roll_back(docker, plan, &new_id, false).await;
            return Err(failed("stop the old container", e, &undo));
        }
        on_step("starting the new container".into());
        if let Err(e) = docker.container_action(&new_id, ContainerAction::Start).await {
            let undo = roll_back(docker, plan, &new_id, false).await;
            return Err(failed("start the new container", e, &undo));
        }
        let what = if plan.has_healthcheck { "healthy" } else { "up" };
        on_step(format!("watching that it stays {what}"));
        if let Err(why) = settle(docker, &new_id, plan.has_healthcheck, cancel).await {
            let undo = roll_back(docker, plan, &new_id, false).await;
            let error = DaemonError::new(DaemonErrorKind::Other, why);
            return Err(failed("watch the new container settle", error, &undo));
        }
    }

    on_step(format!("renaming {} to {}", plan.old_name, plan.retired_name()));
    if let Err(e) = docker.rename_container(&plan.old_id, &plan.retired_name()).await {
        let undo = roll_back(docker, plan, &new_id, false).await;
        return Err(failed("rename the old container", e, &undo));
    }
    let name = plan.final_name();
    on_step(format!("renaming the new container to {name}"));
    if let Err(e) = docker.rename_container(&new_id, &name).await {
        let undo = roll_back(docker, plan, &new_id, true).await;
        return Err(failed("give the new container its name", e, &undo));
    }
    on_step(format!("removing the old container ({})", plan.retired_name()));
    // Its anonymous volumes now belong to the new container: they stay.
    if let Err(e) = docker.container_action(&plan.old_id, ContainerAction::Remove { force: true, volumes: false }).await
    {
        return Err(DaemonError {
            message: format!(
                "{name} was recreated, but the old container could not be removed (it is left as {}): {}",
                plan.retired_name(),
                e.message
            ),
            ..e
        });
    }
    Ok(new_id)
}

/// Watches the new container: up for `SETTLE_SECS`, or healthy within
/// `HEALTHY_WITHIN_SECS` when it has a healthcheck.
async fn settle<D: DockerApi>(
    docker: &D,
    id: &str,
    has_healthcheck: bool,
    cancel: &CancellationToken,
) -> Result<(), String> {
    let patience = Duration::from_secs(if has_healthcheck { HEALTHY_WITHIN_SECS } else { SETTLE_SECS });
    let deadline = tokio::time::Instant::now() + patience;
    loop {
        let inspect = docker.container_json(id).await.map_err(|e| format!("cannot read it: {}", e.message))?;
        match settling(&inspect) {
            Settling::Failed(why) => return Err(why),
            Settling::Healthy => return Ok(()),
            Settling::Waiting => {}
        }
        if tokio::time::Instant::now() >= deadline {
            return if has_healthcheck {
                Err(format!("it was not healthy within {HEALTHY_WITHIN_SECS} s"))
            } else {
                Ok(())
            };
        }
        tokio::select! {
            _ = cancel.cancelled() => return Err("the recreate was cancelled".into()),
            _ = tokio::time::sleep(WATCH_EVERY) => {}
        }
    }
}

/// Puts things back as they were: the new container removed (with the anonymous
/// volumes of its own; those it mounted by name stay), the old one under its name
/// and running again if it was. Says what it did, or what it could not.
async fn roll_back<D: DockerApi>(docker: &D, plan: &RecreatePlan, new_id: &str, old_renamed: bool) -> String {
    let mut left = Vec::new();
    if let Err(e) = docker.container_action(new_id, ContainerAction::Remove { force: true, volumes: true }).await {
        left.push(format!("the new container could not be removed ({})", e.message));
    }
    if old_renamed && let Err(e) = docker.rename_container(&plan.old_id, &plan.old_name).await {
        left.push(format!("the old container keeps the name {} ({})", plan.retired_name(), e.message));
    }
    if plan.was_running
        && let Err(e) = docker.container_action(&plan.old_id, ContainerAction::Start).await
    {
        left.push(format!("the old container could not be started again ({})", e.message));
    }
    if left.is_empty() {
        let state = if plan.was_running { "runs again" } else { "is as it was" };
        format!("the new container was removed; {} {state}", plan.old_name)
    } else {
        left.join("; ")
    }
}

/// "recreating failed at step X: why; what was put back".
fn failed(step: &str, error: DaemonError, undo: &str) -> DaemonError {
    let message = format!("could not {step}: {}; {undo}", error.message);
    DaemonError { message, ..error }
}
