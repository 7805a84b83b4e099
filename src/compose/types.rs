//! A compose project as wharf understands it: every key here is honoured when the
//! project goes up. Anything a file says that is not here was refused when reading it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub name: String,
    /// The first file's directory (`com.docker.compose.project.working_dir`).
    pub working_dir: PathBuf,
    /// Absolute paths, in override order (`com.docker.compose.project.config_files`).
    pub config_files: Vec<PathBuf>,
    /// Every service of the files, sorted by name; `active` says whether its profiles
    /// let it run.
    pub services: Vec<Service>,
    /// By the key used in the files; `default` is here when a service uses it.
    pub networks: BTreeMap<String, Network>,
    pub volumes: BTreeMap<String, Volume>,
    pub profiles: Vec<String>,
    /// Variables the files use that are not set (compose warns about them too).
    pub unset_variables: Vec<String>,
}

impl Project {
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }

    pub fn active_services(&self) -> impl Iterator<Item = &Service> {
        self.services.iter().filter(|s| s.active)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    pub name: String,
    #[serde(skip)]
    pub active: bool,
    /// The file's `image:`, else, for a service that is built, `project-service` as
    /// Compose v2 names it.
    pub image: String,
    /// How to build the image when it is missing (`build:`). Not in the config hash,
    /// as in Compose v2: a new build is a new image, not a new service definition.
    #[serde(skip)]
    pub build: Option<ServiceBuild>,
    pub command: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    /// `KEY=VALUE`, sorted by key (env_file entries first overridden by `environment`).
    pub environment: Vec<String>,
    pub ports: Vec<Port>,
    /// Ports only exposed to other containers: `80/tcp`.
    pub expose: Vec<String>,
    pub volumes: Vec<Mount>,
    /// Network key -> aliases.
    pub networks: BTreeMap<String, Vec<String>>,
    #[serde(skip)]
    pub depends_on: BTreeMap<String, Condition>,
    pub healthcheck: Option<Healthcheck>,
    /// `no`, `always`, `unless-stopped`, `on-failure[:N]`.
    pub restart: String,
    pub labels: BTreeMap<String, String>,
    pub container_name: Option<String>,
    pub working_dir: Option<String>,
    pub user: Option<String>,
    pub hostname: Option<String>,
    pub tty: bool,
    pub stdin_open: bool,
    #[serde(skip)]
    pub profiles: Vec<String>,
    /// `deploy.replicas` or `scale`; changing it scales, it does not recreate.
    #[serde(skip)]
    pub replicas: u32,
}

/// A published port: `host_port` empty lets the daemon choose; a range is `a-b`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Port {
    pub host_ip: String,
    pub host_port: String,
    pub container_port: u16,
    pub protocol: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MountKind {
    Bind,
    Volume,
    Anonymous,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mount {
    pub kind: MountKind,
    /// An absolute host path (bind) or a volume key of the file (volume).
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Condition {
    Started,
    Healthy,
    CompletedSuccessfully,
}

impl Condition {
    pub fn name(self) -> &'static str {
        match self {
            Condition::Started => "service_started",
            Condition::Healthy => "service_healthy",
            Condition::CompletedSuccessfully => "service_completed_successfully",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Healthcheck {
    /// `["CMD", ...]`, `["CMD-SHELL", "..."]` or `["NONE"]` (disabled).
    pub test: Vec<String>,
    pub interval: Option<Duration>,
    pub timeout: Option<Duration>,
    pub retries: Option<u32>,
    pub start_period: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    /// The daemon's name: `project_key`, the `name:` given, or the external name.
    pub name: String,
    pub external: bool,
    pub driver: Option<String>,
    pub internal: bool,
    pub attachable: bool,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub name: String,
    pub external: bool,
    pub driver: Option<String>,
    pub labels: BTreeMap<String, String>,
}

/// A service's `build:`, resolved against the project directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceBuild {
    /// Absolute.
    pub context: PathBuf,
    /// Relative to the context, or absolute.
    pub dockerfile: String,
    /// `NAME=VALUE`, by name; a bare `NAME` took the value wharf runs with (or is left out).
    pub args: Vec<(String, String)>,
    /// The stage to build (empty: the last one).
    pub target: String,
    pub no_cache: bool,
    pub pull: bool,
}
