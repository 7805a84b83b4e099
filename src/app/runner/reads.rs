//! The one path every read takes: ask the daemon with the current client, bounded by
//! a timeout, and wrap whatever comes back (or why nothing did) in the answer of the
//! same name.

use std::sync::Arc;
use std::time::Duration;

use super::ask;
use crate::app::effect::Read;
use crate::app::msg::Answer;
use crate::docker::DockerApi;
use crate::model::{DaemonError, ObjectKind};

pub async fn answer<D: DockerApi>(client: Option<Arc<D>>, timeout: Duration, read: Read) -> Answer {
    let timeout = timeout * read.patience();
    match read {
        Read::Containers { request } => {
            Answer::Containers { request, result: ask(client, timeout, async |d| d.list_containers().await).await }
        }
        Read::Images { request } => {
            Answer::Images { request, result: ask(client, timeout, async |d| d.list_images().await).await }
        }
        Read::Container { request, id } => {
            let result = ask(client, timeout, async |d| d.inspect_container(&id).await).await;
            Answer::Container { request, id, result }
        }
        Read::Volumes { request } => {
            Answer::Volumes { request, result: ask(client, timeout, async |d| d.list_volumes().await).await }
        }
        Read::Networks { request } => {
            Answer::Networks { request, result: ask(client, timeout, async |d| d.list_networks().await).await }
        }
        Read::Services { request } => {
            Answer::Services { request, result: ask(client, timeout, async |d| d.list_services().await).await }
        }
        Read::Nodes { request } => {
            Answer::Nodes { request, result: ask(client, timeout, async |d| d.list_nodes().await).await }
        }
        Read::Tasks { request, service } => {
            let result = ask(client, timeout, async |d| d.list_tasks(&service).await).await;
            Answer::Tasks { request, service, result }
        }
        // A daemon that cannot say is taken for a standalone engine.
        Read::SwarmRole => Answer::SwarmRole(
            ask(client, timeout, async |d| Ok::<_, DaemonError>(d.swarm_role().await)).await.unwrap_or_default(),
        ),
        Read::DiskUsage => Answer::DiskUsage(ask(client, timeout, async |d| d.disk_usage().await).await),
        Read::Processes { id, title } => {
            let result = ask(client, timeout, async |d| d.processes(&id).await).await;
            Answer::Inspected { title, result: result.map(|table| table.lines()) }
        }
        Read::Object { kind, id, title } => {
            let result = ask(client, timeout, async |d| d.inspect_raw(kind, &id).await).await;
            Answer::Inspected { title, result }
        }
        Read::ImageDetails { id, title } => {
            let result = ask(client, timeout, async |d| {
                let history = d.image_history(&id).await?;
                let json = d.inspect_raw(ObjectKind::Image, &id).await?;
                Ok(image_details_lines(&history, json))
            })
            .await;
            Answer::Inspected { title, result }
        }
        Read::ContainerConfig { id, name, purpose } => {
            let result = ask(client, timeout * 2, async |d| {
                let container = d.container_json(&id).await?;
                // The image it was made from (by id: its tag may have moved since).
                let image_id = container.get("Image").and_then(|i| i.as_str()).unwrap_or_default().to_string();
                let image = if image_id.is_empty() { None } else { d.image_json(&image_id).await? };
                Ok(Box::new((container, image)))
            })
            .await;
            Answer::ContainerConfig { id, name, purpose, result }
        }
        Read::ExposedPorts { id, image } => Answer::ExposedPorts {
            image,
            ports: ask(client, timeout, async |d| d.image_exposed_ports(&id).await).await,
        },
        Read::OpenPath { request, id, path } => {
            let result =
                ask(client, timeout, async |d| crate::app::files_task::open(d.as_ref(), &id, &path).await).await;
            Answer::OpenedPath { request, result }
        }
        Read::ProjectContainers { project } => {
            let result = ask(client, timeout, async |d| d.list_project_containers(&project).await).await;
            Answer::ProjectContainers { project, result }
        }
    }
}

/// An image's details view: its layers (newest first, with the command that made each
/// and its size), then its full JSON.
fn image_details_lines(history: &[(String, i64)], json: Vec<String>) -> Vec<String> {
    let mut lines = vec![format!("Layers ({}), newest first:", history.len())];
    for (created_by, size) in history {
        let command = created_by.trim_start_matches("/bin/sh -c ").trim_start_matches("#(nop) ").trim();
        lines.push(format!("  {:>9}  {command}", crate::ui::format::size(*size)));
    }
    lines.push(String::new());
    lines.push("Inspect:".into());
    lines.extend(json);
    lines
}
