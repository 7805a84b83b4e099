//! wharf's own domain types: plain data, converted from the daemon's answers by
//! the docker layer. Nothing here knows the Docker client library, the UI or the event loop,
//! and every string in these types has already been sanitised (see `crate::text`).

mod action;
mod build;
mod compose;
mod container;
mod credentials;
mod daemon;
mod files;
mod image;
mod launch;
mod objects;
mod stats;
mod status_age;
mod swarm;
mod time;

pub use action::{ContainerAction, PullProgress};
pub use build::{BuildEvent, BuildSpec, BuildSummary, step_of};
pub use compose::{
    ComposeContainerSpec, ComposeNetworkSpec, ComposeProgress, ComposeVolumeSpec, ContainerStatus, HealthSpec,
    ProjectContainer,
};
pub use container::{
    ContainerDetails, ContainerRow, ContainerState, EnvVar, Health, HealthCheck, ListHead, PortMapping, Protocol,
};
pub use credentials::{
    CANNOT_KEEP, DOCKER_HUB_SERVER, RegistryAuth, Secret, is_auth_refusal, is_unauthorized, mark_denied, registry_host,
    registry_of, wants_login,
};
pub use daemon::{
    DaemonAddress, DaemonError, DaemonErrorKind, DaemonEvent, DaemonInfo, EndpointChoice, EventKind, FleetReport,
    TlsFiles,
};
pub use files::{CopyReport, FileEntry, FileKind, FileText, Listing, Opened, PathStat};
pub use image::{ImageRow, count_image_users};
pub use launch::{HostPort, LaunchSpec, PortBinding, RestartPolicy, VolumeMount};
pub use objects::{NetworkRow, ObjectKind, ProcessTable, PruneKind, PruneReport, TimelineEvent, VolumeRow};
pub use stats::{DiskUsage, StatsFigures, StatsSample, figures};
pub use status_age::{StatusAge, human_duration};
pub use swarm::{NodeRow, ServiceLaunch, ServiceRow, SwarmChange, SwarmRole, TaskRow};
pub use time::parse_rfc3339;
