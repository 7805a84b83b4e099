//! Volumes, networks, the events timeline, prunes: the objects besides containers and
//! images a dashboard manages.

/// What an inspect view shows, and what the daemon's `.../json` path is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Container,
    Image,
    Volume,
    Network,
    Service,
    Task,
    Node,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Container => "container",
            ObjectKind::Image => "image",
            ObjectKind::Volume => "volume",
            ObjectKind::Network => "network",
            ObjectKind::Service => "service",
            ObjectKind::Task => "task",
            ObjectKind::Node => "node",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeRow {
    pub name: String,
    pub driver: String,
    pub mountpoint: String,
    /// Bytes, when the daemon says (`system df` reports it; the list does not).
    pub size: Option<i64>,
    /// Names of the containers that mount it, from the container list.
    pub used_by: Vec<String>,
    /// Seconds since the Unix epoch, when known.
    pub created: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkRow {
    pub id: String,
    pub name: String,
    pub driver: String,
    /// `local` or `swarm`.
    pub scope: String,
    /// IPAM subnets, e.g. `172.18.0.0/16`.
    pub subnets: Vec<String>,
    /// Names of the attached containers.
    pub containers: Vec<String>,
    pub internal: bool,
}

impl NetworkRow {
    /// The daemon's own networks cannot be removed.
    pub fn is_builtin(&self) -> bool {
        matches!(self.name.as_str(), "bridge" | "host" | "none")
    }
}

/// One line of the events timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEvent {
    /// Unix seconds.
    pub time: i64,
    /// `container`, `image`, `volume`, `network`, ...
    pub kind: String,
    /// `create`, `start`, `die`, `oom`, `health_status: healthy`, `destroy`, `pull`, ...
    pub action: String,
    /// The object's id.
    pub id: String,
    /// Its name (a container's or volume's name, an image reference), when the event says.
    pub name: String,
    /// `die`: the exit code.
    pub exit_code: Option<i64>,
}

/// What a prune removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PruneKind {
    /// Stopped containers.
    Containers,
    /// Dangling images (`all`: every image no container uses).
    Images { all: bool },
    /// Volumes no container uses.
    Volumes,
    /// Networks no container uses.
    Networks,
}

impl PruneKind {
    pub fn what(self) -> &'static str {
        match self {
            PruneKind::Containers => "stopped containers",
            PruneKind::Images { all: false } => "dangling images",
            PruneKind::Images { all: true } => "unused images",
            PruneKind::Volumes => "unused volumes",
            PruneKind::Networks => "unused networks",
        }
    }
}

/// What a prune did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PruneReport {
    /// Names or ids of what went.
    pub deleted: Vec<String>,
    pub reclaimed_bytes: i64,
}
