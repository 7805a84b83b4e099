//! The only module that knows bollard. Everything it hands out is wharf's own types
//! (`crate::model`), already sanitised.
//!
//! `DockerApi` is the seam: the effect runner is generic over it, the bollard
//! implementation is tested against a real daemon, and fixtures can stand in for it.

mod cgroup;
mod client;
mod connect;
pub mod convert;
mod daemon_http;
mod error;
mod exec;
mod images;
mod logs;
mod path;
mod ssh;
mod swarm;
mod transport;
mod wait;

use std::future::Future;

use futures::stream::BoxStream;

use crate::model::{
    BuildEvent, BuildSpec, ContainerAction, ContainerDetails, ContainerRow, DaemonError, DaemonEvent, DaemonInfo,
    ImageRow, LaunchSpec, NetworkRow, ObjectKind, PruneKind, PruneReport, PullProgress, RegistryAuth, VolumeRow,
};
use crate::model::{ComposeContainerSpec, ComposeNetworkSpec, ComposeVolumeSpec, ContainerStatus, ProjectContainer};

pub use client::BollardDocker;
pub use connect::{STOP_GRACE_SECS, connect, first_containers};
pub use error::describe;
pub use exec::{RawRead, RawWrite};
pub use logs::LogRequest;
pub use wait::ExitWait;

/// What wharf asks of a daemon. Futures are `Send` so the runner can spawn them.
pub trait DockerApi: Send + Sync + 'static {
    fn info(&self) -> DaemonInfo;
    /// Whether the daemon answers at all (`/_ping`): the cheapest request there is.
    fn ping(&self) -> impl Future<Output = Result<(), DaemonError>> + Send;
    /// Every container, running or not.
    fn list_containers(&self) -> impl Future<Output = Result<Vec<ContainerRow>, DaemonError>> + Send;
    fn list_images(&self) -> impl Future<Output = Result<Vec<ImageRow>, DaemonError>> + Send;
    fn inspect_container(&self, id: &str) -> impl Future<Output = Result<ContainerDetails, DaemonError>> + Send;
    /// The daemon's container and image events, from now on. Ends when the daemon goes.
    fn events(&self) -> BoxStream<'static, Result<DaemonEvent, DaemonError>>;
    /// Whether an image is present locally.
    fn image_exists(&self, reference: &str) -> impl Future<Output = Result<bool, DaemonError>> + Send;
    /// Pulls an image; errors the registry reports inside the progress stream come out
    /// as errors too.
    fn pull_image(
        &self,
        reference: &str,
        auth: Option<&RegistryAuth>,
    ) -> BoxStream<'static, Result<PullProgress, DaemonError>>;
    /// Pushes `repo[:tag]` to its registry, layer by layer; the registry's refusals come
    /// out as errors in its words.
    fn push_image(
        &self,
        reference: &str,
        auth: Option<&RegistryAuth>,
    ) -> BoxStream<'static, Result<PullProgress, DaemonError>>;
    /// Gives image `source` (an id or a reference) the name `target` (`repo[:tag]`).
    fn tag_image(&self, source: &str, target: &str) -> impl Future<Output = Result<(), DaemonError>> + Send;
    /// Builds with the classic builder: `context` is the tar, streamed as the daemon
    /// reads it, with the Dockerfile at `dockerfile` inside; `auths` are passed on for
    /// private base images. Output comes as it is made; the build's own failure last.
    fn build_image(
        &self,
        spec: &BuildSpec,
        dockerfile: &str,
        auths: &[RegistryAuth],
        context: BoxStream<'static, std::io::Result<bytes::Bytes>>,
    ) -> BoxStream<'static, Result<BuildEvent, DaemonError>>;
    /// Has the daemon log in to a registry (`docker login`'s check): a refusal is an
    /// error in the registry's words.
    fn login(&self, auth: &RegistryAuth) -> impl Future<Output = Result<(), DaemonError>> + Send;
    /// Creates a container; returns its id.
    fn create_container(&self, spec: &LaunchSpec) -> impl Future<Output = Result<String, DaemonError>> + Send;
    /// A container's inspect as the daemon gave it: raw and unsanitised, for carrying
    /// its settings over to a new container (edit, duplicate, the equivalent command).
    /// Whatever of it is drawn must pass the sanitiser first.
    fn container_json(&self, id: &str) -> impl Future<Output = Result<serde_json::Value, DaemonError>> + Send;
    /// An image's inspect, raw (see `container_json`); `None` when it is not here.
    fn image_json(
        &self,
        reference: &str,
    ) -> impl Future<Output = Result<Option<serde_json::Value>, DaemonError>> + Send;
    fn rename_container(&self, id: &str, name: &str) -> impl Future<Output = Result<(), DaemonError>> + Send;
    fn container_action(
        &self,
        id: &str,
        action: ContainerAction,
    ) -> impl Future<Output = Result<(), DaemonError>> + Send;
    fn remove_image(&self, id: &str) -> impl Future<Output = Result<(), DaemonError>> + Send;
    /// Creates an exec of `cmd` with a TTY (`TERM=xterm-256color`); returns its id.
    /// `marker` goes into its environment (`WHARF_CONSOLE`) so that `hang_up` can find
    /// it and what it started.
    fn create_exec(
        &self,
        container_id: &str,
        cmd: &[String],
        marker: &str,
    ) -> impl Future<Output = Result<String, DaemonError>> + Send;
    /// Hangs up a console: sends SIGHUP to every process in the container whose
    /// environment carries `marker`, as a terminal that closes does. The daemon has no
    /// way to end an exec, and closing its stream leaves the shell running; this runs a
    /// small `sh` script in the container (a container without `sh` keeps the orphan).
    fn hang_up(&self, container_id: &str, marker: &str) -> impl Future<Output = Result<(), DaemonError>> + Send;
    /// Starts an exec and hands back its raw TTY stream (see `exec.rs` for why raw).
    fn start_exec(&self, exec_id: &str) -> impl Future<Output = Result<(RawRead, RawWrite), DaemonError>> + Send;
    /// Attaches to a container started with a TTY; its raw stream.
    fn attach(&self, container_id: &str) -> impl Future<Output = Result<(RawRead, RawWrite), DaemonError>> + Send;
    /// Waits for a container to exit: returns once the daemon has registered the wait
    /// (so call it before starting the container), with the exit code to come. With
    /// `removed` the code comes once `--rm` has removed the container too.
    fn wait_exit(
        &self,
        container_id: &str,
        removed: bool,
    ) -> impl Future<Output = Result<ExitWait, DaemonError>> + Send;
    /// Sets the TTY size of an exec (`exec: true`) or of a container.
    fn resize(
        &self,
        id: &str,
        exec: bool,
        cols: u16,
        rows: u16,
    ) -> impl Future<Output = Result<(), DaemonError>> + Send;
    /// The exit code of an exec that has ended (`None` while it runs).
    fn exec_exit_code(&self, exec_id: &str) -> impl Future<Output = Result<Option<i64>, DaemonError>> + Send;
    /// A running container's stats, one reading a second, until dropped.
    fn stats_stream(&self, id: &str) -> BoxStream<'static, Result<crate::model::StatsSample, DaemonError>>;
    /// One reading, without waiting for a second one (`one-shot`, API >= 1.41): the
    /// cheap way to sample many containers.
    fn stats_once(&self, id: &str) -> impl Future<Output = Result<crate::model::StatsSample, DaemonError>> + Send;
    /// `docker system df`: costly for the daemon, asked for on a key only.
    fn disk_usage(&self) -> impl Future<Output = Result<crate::model::DiskUsage, DaemonError>> + Send;
    /// A container's log output, undecoded (see `logs.rs` for why).
    fn logs(&self, id: &str, request: &LogRequest) -> BoxStream<'static, Result<bytes::Bytes, DaemonError>>;
    fn list_volumes(&self) -> impl Future<Output = Result<Vec<VolumeRow>, DaemonError>> + Send;
    fn list_networks(&self) -> impl Future<Output = Result<Vec<NetworkRow>, DaemonError>> + Send;
    /// The daemon's full JSON about an object, pretty-printed and sanitised, by line.
    fn inspect_raw(&self, kind: ObjectKind, id: &str) -> impl Future<Output = Result<Vec<String>, DaemonError>> + Send;
    /// What the daemon is to a swarm now (it may have joined or left since connecting).
    fn swarm_role(&self) -> impl Future<Output = crate::model::SwarmRole> + Send;
    /// A swarm manager's nodes, services, and a service's tasks.
    fn list_nodes(&self) -> impl Future<Output = Result<Vec<crate::model::NodeRow>, DaemonError>> + Send;
    fn list_services(&self) -> impl Future<Output = Result<Vec<crate::model::ServiceRow>, DaemonError>> + Send;
    fn list_tasks(&self, service: &str)
    -> impl Future<Output = Result<Vec<crate::model::TaskRow>, DaemonError>> + Send;
    /// Scales, updates, rolls back, removes or creates a service; drains a node.
    fn swarm_change(&self, change: &crate::model::SwarmChange) -> impl Future<Output = Result<(), DaemonError>> + Send;
    /// The ports an image exposes (`EXPOSE`), e.g. (80, tcp).
    fn image_exposed_ports(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Vec<(u16, crate::model::Protocol)>, DaemonError>> + Send;
    /// The processes running in a container (`docker top`): column titles, then rows.
    fn processes(&self, id: &str) -> impl Future<Output = Result<crate::model::ProcessTable, DaemonError>> + Send;
    /// An image's layers, newest first: (created by, size in bytes).
    fn image_history(&self, id: &str) -> impl Future<Output = Result<Vec<(String, i64)>, DaemonError>> + Send;
    fn create_volume(&self, name: &str) -> impl Future<Output = Result<(), DaemonError>> + Send;
    fn remove_volume(&self, name: &str) -> impl Future<Output = Result<(), DaemonError>> + Send;
    fn create_network(&self, name: &str) -> impl Future<Output = Result<(), DaemonError>> + Send;
    fn remove_network(&self, id: &str) -> impl Future<Output = Result<(), DaemonError>> + Send;
    /// Connects (`connect`) or disconnects a container and a network.
    fn network_membership(
        &self,
        network: &str,
        container: &str,
        connect: bool,
    ) -> impl Future<Output = Result<(), DaemonError>> + Send;
    /// Prunes; `label` (`key=value`) limits it to objects carrying that label.
    fn prune(
        &self,
        kind: PruneKind,
        label: Option<&str>,
    ) -> impl Future<Output = Result<PruneReport, DaemonError>> + Send;

    /// What `path` in a container is (`HEAD /containers/{id}/archive`): running or
    /// stopped, the daemon reads its file system.
    fn path_stat(
        &self,
        container_id: &str,
        path: &str,
    ) -> impl Future<Output = Result<crate::model::PathStat, DaemonError>> + Send;
    /// `path` in a container as a tar, as the daemon streams it (`GET .../archive`):
    /// a directory comes with everything under it. Dropping the stream ends the request.
    fn archive(&self, container_id: &str, path: &str) -> BoxStream<'static, Result<bytes::Bytes, DaemonError>>;
    /// Unpacks the tar `body` into directory `dir` of a container (`PUT .../archive`),
    /// sent as it is read.
    fn upload(
        &self,
        container_id: &str,
        dir: &str,
        body: BoxStream<'static, std::io::Result<bytes::Bytes>>,
    ) -> impl Future<Output = Result<(), DaemonError>> + Send;

    // Compose projects. The default bodies answer "not supported", so a daemon stand-in
    // that has no use for them (the scripted fake) need not write them out.
    /// The containers labelled `com.docker.compose.project=project`, stopped ones too.
    fn list_project_containers(
        &self,
        project: &str,
    ) -> impl Future<Output = Result<Vec<ProjectContainer>, DaemonError>> + Send {
        let _ = project;
        std::future::ready(Err(compose_unsupported()))
    }
    /// Creates (does not start) one container of a compose service, joined to all its
    /// networks; returns its id. A failure leaves nothing behind.
    fn create_compose_container(
        &self,
        spec: &ComposeContainerSpec,
    ) -> impl Future<Output = Result<String, DaemonError>> + Send {
        let _ = spec;
        std::future::ready(Err(compose_unsupported()))
    }
    fn create_compose_network(
        &self,
        spec: &ComposeNetworkSpec,
    ) -> impl Future<Output = Result<(), DaemonError>> + Send {
        let _ = spec;
        std::future::ready(Err(compose_unsupported()))
    }
    fn create_compose_volume(&self, spec: &ComposeVolumeSpec) -> impl Future<Output = Result<(), DaemonError>> + Send {
        let _ = spec;
        std::future::ready(Err(compose_unsupported()))
    }
    /// State, exit code and health of a container (for `depends_on` conditions).
    fn container_status(&self, id: &str) -> impl Future<Output = Result<ContainerStatus, DaemonError>> + Send {
        let _ = id;
        std::future::ready(Err(compose_unsupported()))
    }
}

fn compose_unsupported() -> DaemonError {
    DaemonError::new(crate::model::DaemonErrorKind::Unsupported, "this daemon connection cannot run compose projects")
}
