//! `DockerApi` on top of bollard.

use std::collections::HashMap;

use bollard::Docker;
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, EventsOptionsBuilder, KillContainerOptionsBuilder,
    RemoveContainerOptionsBuilder, RemoveImageOptionsBuilder, RestartContainerOptions, StartContainerOptions,
    StopContainerOptions, TagImageOptionsBuilder,
};
use futures::StreamExt;
use futures::stream::BoxStream;

use super::DockerApi;
use super::convert;
use super::error::describe;
use super::path::segment;
use crate::model::{
    BuildEvent, BuildSpec, ContainerAction, ContainerDetails, ContainerRow, DaemonError, DaemonErrorKind, DaemonEvent,
    DaemonInfo, ImageRow, LaunchSpec, NetworkRow, ObjectKind, PruneKind, PruneReport, PullProgress, RegistryAuth,
    VolumeRow,
};
use crate::model::{ComposeContainerSpec, ComposeNetworkSpec, ComposeVolumeSpec, ContainerStatus, ProjectContainer};

#[derive(Clone)]
pub struct BollardDocker {
    client: Docker,
    /// The HTTP client bollard rides on, for the requests wharf sends itself (raw
    /// GETs, and the exec/attach upgrades over its dialer).
    http: super::daemon_http::DaemonHttp,
    info: DaemonInfo,
    /// The daemon's clock when wharf connected (Unix seconds). The events stream asks
    /// for everything since then: the daemon only starts sending once the stream is
    /// first polled, after the first lists are requested, and a container that died
    /// in between would otherwise stay "running" on screen.
    connected_at: Option<i64>,
}

impl BollardDocker {
    /// A GET's whole body, raw (see `daemon_http::DaemonHttp::get`).
    async fn get_bytes(&self, path: &str) -> Result<Vec<u8>, DaemonError> {
        self.http.get_bytes(&self.info.api_version, path).await
    }

    async fn get_json(&self, path: &str) -> Result<serde_json::Value, DaemonError> {
        let body = self.get_bytes(path).await?;
        serde_json::from_slice(&body)
            .map_err(|e| DaemonError::new(DaemonErrorKind::Other, format!("unreadable answer to {path}: {e}")))
    }

    pub(super) fn new(client: Docker, http: super::daemon_http::DaemonHttp, info: DaemonInfo) -> Self {
        Self { client, http, info, connected_at: None }
    }

    async fn read_swarm_role(&self) -> crate::model::SwarmRole {
        self.get_json("/info").await.map(|info| convert::swarm_role(&info)).unwrap_or_default()
    }

    /// Reads `/info` once connected: the swarm role and the daemon's clock. A daemon
    /// without them (Podman has no swarm) is a standalone engine streaming events from now.
    /// It is also the first request in the negotiated API version: its error says
    /// whether the daemon accepts that version.
    pub(super) async fn read_info(&mut self) -> Result<(), DaemonError> {
        let info = self.get_json("/info").await?;
        self.info.swarm = convert::swarm_role(&info);
        self.connected_at = convert::daemon_clock(&info);
        Ok(())
    }

    fn err(&self, e: bollard::errors::Error) -> DaemonError {
        describe(&e, &self.info.host)
    }
}

impl DockerApi for BollardDocker {
    fn info(&self) -> DaemonInfo {
        self.info.clone()
    }

    async fn ping(&self) -> Result<(), DaemonError> {
        self.get_bytes("/_ping").await.map(drop)
    }

    async fn list_containers(&self) -> Result<Vec<ContainerRow>, DaemonError> {
        container_list(&self.get_bytes(CONTAINER_LIST).await?)
    }

    async fn list_images(&self) -> Result<Vec<ImageRow>, DaemonError> {
        // Read raw and convert image by image: one odd image must not empty the list.
        let body = self.get_bytes("/images/json").await?;
        convert::image_rows(&body).map_err(|e| unreadable("image list", &e))
    }

    async fn inspect_container(&self, id: &str) -> Result<ContainerDetails, DaemonError> {
        // Read leniently: one odd field (Podman's) must not hide the env or the logs.
        let body = self.get_bytes(&format!("/containers/{}/json", segment(id))).await?;
        convert::container_details(&body).map_err(|e| unreadable("container inspect", &e))
    }

    fn events(&self) -> BoxStream<'static, Result<DaemonEvent, DaemonError>> {
        let filters: HashMap<&str, Vec<&str>> =
            HashMap::from([("type", vec!["container", "image", "volume", "network", "service", "node"])]);
        let mut options = EventsOptionsBuilder::new().filters(&filters);
        if let Some(since) = self.connected_at {
            options = options.since(&since.to_string());
        }
        let options = options.build();
        let host = self.info.host.clone();
        self.client
            .events(Some(options))
            .map(move |item| item.map(|e| convert::daemon_event(&e)).map_err(|e| describe(&e, &host)))
            .boxed()
    }

    async fn image_exists(&self, reference: &str) -> Result<bool, DaemonError> {
        // Only whether the daemon knows it: the answer is not read, so no odd field in
        // it (bollard's model is strict) can turn "it is there" into an error.
        match self.get_bytes(&format!("/images/{}/json", segment(reference))).await {
            Ok(_) => Ok(true),
            Err(e) if e.kind == DaemonErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn pull_image(
        &self,
        reference: &str,
        auth: Option<&RegistryAuth>,
    ) -> BoxStream<'static, Result<PullProgress, DaemonError>> {
        let (repo, tag) = convert::pull_parts(reference);
        let options = CreateImageOptionsBuilder::new().from_image(&repo).tag(&tag).build();
        let host = self.info.host.clone();
        self.client
            .create_image(Some(options), None, auth.map(super::images::bollard_credentials))
            .map(move |item| match item {
                Ok(info) => convert::pull_progress(&info).map_err(|m| DaemonError::new(DaemonErrorKind::Api, m)),
                Err(e) => Err(describe(&e, &host)),
            })
            .boxed()
    }

    fn push_image(
        &self,
        reference: &str,
        auth: Option<&RegistryAuth>,
    ) -> BoxStream<'static, Result<PullProgress, DaemonError>> {
        super::images::push(&self.http, &self.info.api_version, reference, auth)
    }

    async fn tag_image(&self, source: &str, target: &str) -> Result<(), DaemonError> {
        let (repo, tag) = convert::pull_parts(target);
        let options = TagImageOptionsBuilder::new().repo(&repo).tag(&tag).build();
        self.client.tag_image(source, Some(options)).await.map_err(|e| self.err(e))
    }

    fn build_image(
        &self,
        spec: &BuildSpec,
        dockerfile: &str,
        auths: &[RegistryAuth],
        context: BoxStream<'static, std::io::Result<bytes::Bytes>>,
    ) -> BoxStream<'static, Result<BuildEvent, DaemonError>> {
        super::images::build(&self.http, &self.info.api_version, spec, dockerfile, auths, context)
    }

    async fn login(&self, auth: &RegistryAuth) -> Result<(), DaemonError> {
        super::images::login(&self.http, &self.info.api_version, auth).await
    }

    async fn create_container(&self, spec: &LaunchSpec) -> Result<String, DaemonError> {
        // The request is wharf's own JSON (`launch::create_request`): what a container
        // carried over is sent as the daemon gave it, not trimmed to bollard's models.
        let mut body = crate::launch::create_request(spec);
        let later = crate::launch::split_networks(&mut body);
        let path = match &spec.name {
            Some(name) => format!("/containers/create?name={}", segment(name)),
            None => "/containers/create".to_string(),
        };
        let answer = self.http.post_json(&self.info.api_version, &path, &body).await?;
        let id = serde_json::from_slice::<serde_json::Value>(&answer)
            .ok()
            .and_then(|v| v.get("Id").and_then(|id| id.as_str()).map(str::to_string))
            .ok_or_else(|| {
                DaemonError::new(DaemonErrorKind::Other, "the daemon's answer to a create names no container")
            })?;
        for (network, endpoint) in later {
            let request = serde_json::json!({ "Container": id, "EndpointConfig": endpoint });
            let joined = self
                .http
                .post_json(&self.info.api_version, &format!("/networks/{}/connect", segment(&network)), &request)
                .await;
            if let Err(e) = joined {
                // Half a container is not what was asked for: take it away again.
                let _ = self.container_action(&id, ContainerAction::Remove { force: true, volumes: false }).await;
                return Err(DaemonError { message: format!("cannot join network {network}: {}", e.message), ..e });
            }
        }
        Ok(id)
    }

    async fn container_json(&self, id: &str) -> Result<serde_json::Value, DaemonError> {
        self.get_json(&format!("/containers/{}/json", segment(id))).await
    }

    async fn image_json(&self, reference: &str) -> Result<Option<serde_json::Value>, DaemonError> {
        match self.get_json(&format!("/images/{}/json", segment(reference))).await {
            Ok(json) => Ok(Some(json)),
            Err(e) if e.kind == DaemonErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn rename_container(&self, id: &str, name: &str) -> Result<(), DaemonError> {
        let options = bollard::query_parameters::RenameContainerOptionsBuilder::new().name(name).build();
        self.client.rename_container(id, options).await.map_err(|e| self.err(e))
    }

    async fn container_action(&self, id: &str, action: ContainerAction) -> Result<(), DaemonError> {
        let c = &self.client;
        let result = match action {
            ContainerAction::Start => c.start_container(id, None::<StartContainerOptions>).await,
            ContainerAction::Stop => c.stop_container(id, None::<StopContainerOptions>).await,
            ContainerAction::Restart => c.restart_container(id, None::<RestartContainerOptions>).await,
            ContainerAction::Pause => c.pause_container(id).await,
            ContainerAction::Unpause => c.unpause_container(id).await,
            ContainerAction::Kill => {
                c.kill_container(id, Some(KillContainerOptionsBuilder::new().signal("KILL").build())).await
            }
            ContainerAction::Remove { force, volumes } => {
                let options = RemoveContainerOptionsBuilder::new().force(force).v(volumes).build();
                c.remove_container(id, Some(options)).await
            }
        };
        match result.map_err(|e| self.err(e)) {
            // 304: already in the state asked for (e.g. stopping a stopped container).
            Err(e) if e.kind == DaemonErrorKind::NotModified => Ok(()),
            other => other,
        }
    }

    async fn remove_image(&self, id: &str) -> Result<(), DaemonError> {
        let options = RemoveImageOptionsBuilder::new().force(false).build();
        self.client.remove_image(id, Some(options), None).await.map(|_| ()).map_err(|e| self.err(e))
    }

    fn logs(&self, id: &str, request: &super::LogRequest) -> BoxStream<'static, Result<bytes::Bytes, DaemonError>> {
        super::logs::log_bytes(&self.http, &self.info.api_version, id, request)
    }

    async fn create_exec(&self, container_id: &str, cmd: &[String], marker: &str) -> Result<String, DaemonError> {
        let config = bollard::models::ExecConfig {
            attach_stdin: Some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(true),
            env: Some(vec!["TERM=xterm-256color".into(), format!("{}={marker}", super::exec::CONSOLE_MARKER)]),
            cmd: Some(cmd.to_vec()),
            // The daemon's own detach keys (Ctrl-P Ctrl-Q) would hold Ctrl-P back and end
            // the stream on Ctrl-P Ctrl-Q; wharf has its own prefix, so use a sequence
            // nobody types.
            detach_keys: Some(super::exec::UNTYPED_DETACH_KEYS.into()),
            ..Default::default()
        };
        let created = self.client.create_exec(container_id, config).await.map_err(|e| self.err(e))?;
        Ok(created.id)
    }

    async fn hang_up(&self, container_id: &str, marker: &str) -> Result<(), DaemonError> {
        let config =
            bollard::models::ExecConfig { cmd: Some(super::exec::hang_up_command(marker)), ..Default::default() };
        let created = self.client.create_exec(container_id, config).await.map_err(|e| self.err(e))?;
        let options = bollard::exec::StartExecOptions { detach: true, ..Default::default() };
        self.client.start_exec(&created.id, Some(options)).await.map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn start_exec(&self, exec_id: &str) -> Result<(super::RawRead, super::RawWrite), DaemonError> {
        let path = super::exec::exec_start_path(&self.info.api_version, exec_id);
        super::exec::upgrade_within(self.http.dialer(), &path, r#"{"Detach":false,"Tty":true}"#).await
    }

    async fn attach(&self, container_id: &str) -> Result<(super::RawRead, super::RawWrite), DaemonError> {
        let path = super::exec::attach_path(&self.info.api_version, container_id);
        super::exec::upgrade_within(self.http.dialer(), &path, "").await
    }

    async fn wait_exit(&self, container_id: &str, removed: bool) -> Result<super::ExitWait, DaemonError> {
        let path = super::wait::wait_path(&self.info.api_version, container_id, removed);
        super::wait::register(self.http.dialer(), &path).await
    }

    async fn resize(&self, id: &str, exec: bool, cols: u16, rows: u16) -> Result<(), DaemonError> {
        let (w, h) = (i32::from(cols.max(1)), i32::from(rows.max(1)));
        let result = if exec {
            self.client.resize_exec(id, bollard::query_parameters::ResizeExecOptions { h, w }).await
        } else {
            self.client.resize_container_tty(id, bollard::query_parameters::ResizeContainerTTYOptions { h, w }).await
        };
        result.map_err(|e| self.err(e))
    }

    async fn exec_exit_code(&self, exec_id: &str) -> Result<Option<i64>, DaemonError> {
        let inspect = self.client.inspect_exec(exec_id).await.map_err(|e| self.err(e))?;
        Ok(if inspect.running == Some(true) { None } else { inspect.exit_code })
    }

    fn stats_stream(&self, id: &str) -> BoxStream<'static, Result<crate::model::StatsSample, DaemonError>> {
        let options = bollard::query_parameters::StatsOptions { stream: true, one_shot: false };
        let host = self.info.host.clone();
        self.client
            .stats(id, Some(options))
            .map(move |item| item.map(|s| convert::stats_sample(&s, now_ms())).map_err(|e| describe(&e, &host)))
            .boxed()
    }

    async fn stats_once(&self, id: &str) -> Result<crate::model::StatsSample, DaemonError> {
        // A daemon on this machine: read the container's cgroup, which costs the
        // daemon nothing (see cgroup.rs). Else, or when it is not there, ask.
        if self.info.host.starts_with("unix://") {
            let id = id.to_string();
            let local = tokio::task::spawn_blocking(move || {
                super::cgroup::read(&super::cgroup::Roots::default(), &id, now_ms())
            });
            if let Ok(Some(sample)) = local.await {
                return Ok(sample);
            }
        }
        let options = bollard::query_parameters::StatsOptions { stream: false, one_shot: true };
        let mut stream = self.client.stats(id, Some(options));
        match stream.next().await {
            Some(Ok(stats)) => Ok(convert::stats_sample(&stats, now_ms())),
            Some(Err(e)) => Err(self.err(e)),
            None => Err(DaemonError::new(DaemonErrorKind::Other, "the daemon sent no stats")),
        }
    }

    async fn disk_usage(&self) -> Result<crate::model::DiskUsage, DaemonError> {
        let json = self.get_json("/system/df").await?;
        Ok(convert::disk_usage(&json))
    }

    async fn list_volumes(&self) -> Result<Vec<VolumeRow>, DaemonError> {
        Ok(convert::volume_rows(&self.get_json("/volumes").await?))
    }

    async fn list_networks(&self) -> Result<Vec<NetworkRow>, DaemonError> {
        Ok(convert::network_rows(&self.get_json("/networks").await?))
    }

    async fn path_stat(&self, container_id: &str, path: &str) -> Result<crate::model::PathStat, DaemonError> {
        let options = bollard::query_parameters::ContainerArchiveInfoOptions { path: path.to_string() };
        let stat =
            self.client.get_container_archive_info(container_id, Some(options)).await.map_err(|e| self.err(e))?;
        Ok(convert::path_stat(stat.file_mode, stat.size, &stat.link_target))
    }

    fn archive(&self, container_id: &str, path: &str) -> BoxStream<'static, Result<bytes::Bytes, DaemonError>> {
        let options = bollard::query_parameters::DownloadFromContainerOptions { path: path.to_string() };
        let host = self.info.host.clone();
        self.client
            .download_from_container(container_id, Some(options))
            .map(move |item| item.map_err(|e| describe(&e, &host)))
            .boxed()
    }

    async fn upload(
        &self,
        container_id: &str,
        dir: &str,
        body: BoxStream<'static, std::io::Result<bytes::Bytes>>,
    ) -> Result<(), DaemonError> {
        let options = bollard::query_parameters::UploadToContainerOptions {
            path: dir.to_string(),
            // A directory is never replaced by a file, nor a file by a directory.
            no_overwrite_dir_non_dir: Some("true".into()),
            copy_uidgid: None,
        };
        self.client
            .upload_to_container(container_id, Some(options), bollard::body_try_stream(body))
            .await
            .map_err(|e| self.err(e))
    }

    async fn processes(&self, id: &str) -> Result<crate::model::ProcessTable, DaemonError> {
        let json = self.get_json(&format!("/containers/{}/top", segment(id))).await?;
        Ok(convert::process_table(&json))
    }

    async fn inspect_raw(&self, kind: ObjectKind, id: &str) -> Result<Vec<String>, DaemonError> {
        let id = segment(id);
        let path = match kind {
            ObjectKind::Container => format!("/containers/{id}/json"),
            ObjectKind::Image => format!("/images/{id}/json"),
            ObjectKind::Volume => format!("/volumes/{id}"),
            ObjectKind::Network => format!("/networks/{id}"),
            ObjectKind::Service => format!("/services/{id}"),
            ObjectKind::Task => format!("/tasks/{id}"),
            ObjectKind::Node => format!("/nodes/{id}"),
        };
        let body = self.get_bytes(&path).await?;
        convert::pretty_json(&body).map_err(|e| DaemonError::new(DaemonErrorKind::Other, e))
    }

    async fn swarm_role(&self) -> crate::model::SwarmRole {
        self.read_swarm_role().await
    }

    async fn list_nodes(&self) -> Result<Vec<crate::model::NodeRow>, DaemonError> {
        Ok(convert::node_rows(&self.get_json("/nodes").await?))
    }

    async fn list_services(&self) -> Result<Vec<crate::model::ServiceRow>, DaemonError> {
        Ok(convert::service_rows(&self.get_json("/services?status=true").await?))
    }

    async fn list_tasks(&self, service: &str) -> Result<Vec<crate::model::TaskRow>, DaemonError> {
        let filters = serde_json::json!({ "service": [service] }).to_string();
        let path = format!("/tasks?filters={}", segment(&filters));
        Ok(convert::task_rows(&self.get_json(&path).await?))
    }

    async fn swarm_change(&self, change: &crate::model::SwarmChange) -> Result<(), DaemonError> {
        super::swarm::apply(&self.client, change).await.map_err(|e| self.err(e))
    }

    async fn image_exposed_ports(&self, id: &str) -> Result<Vec<(u16, crate::model::Protocol)>, DaemonError> {
        let body = self.get_bytes(&format!("/images/{}/json", segment(id))).await?;
        convert::exposed_ports(&body).map_err(|e| unreadable("image inspect", &e))
    }

    async fn image_history(&self, id: &str) -> Result<Vec<(String, i64)>, DaemonError> {
        let body = self.get_bytes(&format!("/images/{}/history", segment(id))).await?;
        convert::image_history(&body).map_err(|e| unreadable("image history", &e))
    }

    async fn create_volume(&self, name: &str) -> Result<(), DaemonError> {
        let request = bollard::models::VolumeCreateRequest { name: Some(name.to_string()), ..Default::default() };
        self.client.create_volume(request).await.map(|_| ()).map_err(|e| self.err(e))
    }

    async fn remove_volume(&self, name: &str) -> Result<(), DaemonError> {
        self.client
            .remove_volume(name, None::<bollard::query_parameters::RemoveVolumeOptions>)
            .await
            .map_err(|e| self.err(e))
    }

    async fn create_network(&self, name: &str) -> Result<(), DaemonError> {
        let request = bollard::models::NetworkCreateRequest { name: name.to_string(), ..Default::default() };
        self.client.create_network(request).await.map(|_| ()).map_err(|e| self.err(e))
    }

    async fn remove_network(&self, id: &str) -> Result<(), DaemonError> {
        self.client.remove_network(id).await.map_err(|e| self.err(e))
    }

    async fn network_membership(&self, network: &str, container: &str, connect: bool) -> Result<(), DaemonError> {
        let result = if connect {
            let request =
                bollard::models::NetworkConnectRequest { container: container.to_string(), ..Default::default() };
            self.client.connect_network(network, request).await
        } else {
            let request =
                bollard::models::NetworkDisconnectRequest { container: container.to_string(), force: Some(false) };
            self.client.disconnect_network(network, request).await
        };
        result.map_err(|e| self.err(e))
    }

    async fn prune(&self, kind: PruneKind, label: Option<&str>) -> Result<PruneReport, DaemonError> {
        let mut filters: HashMap<String, Vec<String>> = HashMap::new();
        if let Some(label) = label {
            filters.insert("label".into(), vec![label.to_string()]);
        }
        use bollard::query_parameters as q;
        let json = match kind {
            PruneKind::Containers => serde_json::to_value(
                self.client
                    .prune_containers(Some(q::PruneContainersOptions { filters: Some(filters) }))
                    .await
                    .map_err(|e| self.err(e))?,
            ),
            PruneKind::Images { all } => {
                let mut filters = filters;
                // Without `dangling=false` only untagged images go.
                filters.insert("dangling".into(), vec![(!all).to_string()]);
                serde_json::to_value(
                    self.client
                        .prune_images(Some(q::PruneImagesOptions { filters: Some(filters) }))
                        .await
                        .map_err(|e| self.err(e))?,
                )
            }
            PruneKind::Volumes => serde_json::to_value({
                // From API 1.42 a prune leaves named volumes alone unless asked:
                // "unused volumes" means all of them, as before.
                let mut filters = filters;
                let minor = self.info.api_version.split_once('.').and_then(|(_, m)| m.parse::<u32>().ok());
                if minor.is_some_and(|m| m >= 42) {
                    filters.insert("all".into(), vec!["true".into()]);
                }
                self.client
                    .prune_volumes(Some(q::PruneVolumesOptions { filters: Some(filters) }))
                    .await
                    .map_err(|e| self.err(e))?
            }),
            PruneKind::Networks => serde_json::to_value(
                self.client
                    .prune_networks(Some(q::PruneNetworksOptions { filters: Some(filters) }))
                    .await
                    .map_err(|e| self.err(e))?,
            ),
        };
        json.map(|v| convert::prune_report(&v))
            .map_err(|e| DaemonError::new(DaemonErrorKind::Other, format!("unreadable prune answer: {e}")))
    }

    async fn list_project_containers(&self, project: &str) -> Result<Vec<ProjectContainer>, DaemonError> {
        let filters = serde_json::json!({ "label": [format!("com.docker.compose.project={project}")] }).to_string();
        let json = self.get_json(&format!("/containers/json?all=1&filters={}", segment(&filters))).await?;
        Ok(convert::project_containers(&json))
    }

    async fn create_compose_container(&self, spec: &ComposeContainerSpec) -> Result<String, DaemonError> {
        let options = CreateContainerOptionsBuilder::new().name(&spec.name).build();
        let created = self
            .client
            .create_container(Some(options), convert::compose_create_body(spec))
            .await
            .map_err(|e| self.err(e))?;
        // API 1.41 joins one network at create: the others (with their aliases) now.
        for (network, aliases) in spec.networks.iter().skip(1) {
            let request = bollard::models::NetworkConnectRequest {
                container: created.id.clone(),
                endpoint_config: Some(bollard::models::EndpointSettings {
                    aliases: Some(aliases.clone()),
                    ..Default::default()
                }),
            };
            if let Err(e) = self.client.connect_network(network, request).await {
                let error = self.err(e);
                let options = RemoveContainerOptionsBuilder::new().force(true).build();
                let _ = self.client.remove_container(&created.id, Some(options)).await;
                return Err(error);
            }
        }
        Ok(created.id)
    }

    async fn create_compose_network(&self, spec: &ComposeNetworkSpec) -> Result<(), DaemonError> {
        let request = bollard::models::NetworkCreateRequest {
            name: spec.name.clone(),
            driver: spec.driver.clone(),
            internal: Some(spec.internal),
            attachable: Some(spec.attachable),
            labels: Some(spec.labels.clone().into_iter().collect()),
            ..Default::default()
        };
        self.client.create_network(request).await.map(|_| ()).map_err(|e| self.err(e))
    }

    async fn create_compose_volume(&self, spec: &ComposeVolumeSpec) -> Result<(), DaemonError> {
        let request = bollard::models::VolumeCreateRequest {
            name: Some(spec.name.clone()),
            driver: spec.driver.clone(),
            labels: Some(spec.labels.clone().into_iter().collect()),
            ..Default::default()
        };
        self.client.create_volume(request).await.map(|_| ()).map_err(|e| self.err(e))
    }

    async fn container_status(&self, id: &str) -> Result<ContainerStatus, DaemonError> {
        let body = self.get_bytes(&format!("/containers/{}/json", segment(id))).await?;
        convert::container_status(&body).map_err(|e| unreadable("container", &e))
    }
}

/// An answer wharf could not read at all. Said by what was wrong with it, never by
/// what it held: serde's messages quote values, which may be env values or secrets.
fn unreadable(what: &str, e: &serde_json::Error) -> DaemonError {
    let why = match e.classify() {
        serde_json::error::Category::Data => "it is not in the shape asked for",
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "it is not JSON",
        serde_json::error::Category::Io => "it was cut short",
    };
    DaemonError::new(DaemonErrorKind::Other, format!("the daemon's {what} could not be read: {why}"))
}

/// Wall-clock milliseconds: the time base of stats rates and of status texts.
fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// What the container list is read from.
pub(super) const CONTAINER_LIST: &str = "/containers/json?all=1";

/// The container list's answer as rows, converted row by row: one odd container must
/// not empty the list.
pub(super) fn container_list(body: &[u8]) -> Result<Vec<ContainerRow>, DaemonError> {
    let mut rows = convert::container_rows(body).map_err(|e| unreadable("container list", &e))?;
    // The status texts' durations are as of now: the screen ages them from here.
    let now = now_ms() / 1000;
    for row in &mut rows {
        if let Some(age) = row.status_age.as_mut() {
            age.stamp(&row.status, row.created, now);
        }
    }
    Ok(rows)
}
