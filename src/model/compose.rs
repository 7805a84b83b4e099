//! What wharf asks the daemon for when it brings a compose project up, and what it
//! reads back about a project's containers.

use std::collections::BTreeMap;

use super::{ContainerState, Health, PortBinding, RestartPolicy};

/// One container of a compose service, as the daemon is asked to create it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComposeContainerSpec {
    pub name: String,
    pub image: String,
    pub command: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub env: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub ports: Vec<PortBinding>,
    /// Ports exposed without publishing: `80/tcp`.
    pub exposed: Vec<String>,
    /// `source:target[:ro]` for binds and named volumes alike.
    pub binds: Vec<String>,
    /// Targets of anonymous volumes.
    pub anonymous_volumes: Vec<String>,
    pub restart: RestartPolicy,
    pub working_dir: Option<String>,
    pub user: Option<String>,
    pub hostname: Option<String>,
    pub tty: bool,
    pub stdin_open: bool,
    pub healthcheck: Option<HealthSpec>,
    /// Networks by daemon name with their aliases; the first is joined at create, the
    /// others right after (API 1.41 takes one network at create).
    pub networks: Vec<(String, Vec<String>)>,
}

/// A healthcheck as the daemon takes it: durations in nanoseconds, 0 = the default.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HealthSpec {
    pub test: Vec<String>,
    pub interval_ns: i64,
    pub timeout_ns: i64,
    pub retries: i64,
    pub start_period_ns: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComposeNetworkSpec {
    pub name: String,
    pub driver: Option<String>,
    pub internal: bool,
    pub attachable: bool,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComposeVolumeSpec {
    pub name: String,
    pub driver: Option<String>,
    pub labels: BTreeMap<String, String>,
}

/// A container carrying a project's `com.docker.compose.project` label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectContainer {
    pub id: String,
    pub name: String,
    pub service: String,
    pub number: u32,
    pub config_hash: String,
    pub oneoff: bool,
    pub state: ContainerState,
    pub health: Option<Health>,
    pub image: String,
    /// `Up 3 minutes`, `Exited (0) ...`, as the daemon lists it.
    pub status: String,
}

/// How a container is doing now (from inspect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerStatus {
    pub state: ContainerState,
    pub exit_code: i64,
    /// `starting`, `healthy`, `unhealthy`; `None` without a healthcheck.
    pub health: Option<String>,
    /// The last health check's output, to say why a container is unhealthy.
    pub health_output: String,
}

/// One step of a compose operation, for its per-service progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeProgress {
    /// The service it is about; empty for the project's networks and volumes.
    pub service: String,
    pub text: String,
}
