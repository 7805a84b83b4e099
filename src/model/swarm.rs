//! Swarm: the cluster a manager daemon runs (nodes, services, their tasks).

/// What the connected daemon is to a swarm (`/info`: `Swarm.LocalNodeState`,
/// `ControlAvailable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SwarmRole {
    /// Not in a swarm (or a daemon that has no swarm, such as Podman).
    #[default]
    Standalone,
    /// A worker: it runs tasks but cannot list or change the cluster.
    Worker,
    Manager,
}

impl SwarmRole {
    pub fn label(self) -> &'static str {
        match self {
            SwarmRole::Standalone => "standalone",
            SwarmRole::Worker => "swarm worker",
            SwarmRole::Manager => "swarm manager",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRow {
    pub id: String,
    pub hostname: String,
    /// `manager` or `worker`.
    pub role: String,
    /// `active`, `pause` or `drain`.
    pub availability: String,
    /// `ready`, `down`, ...
    pub status: String,
    /// `leader`, `reachable`, `unreachable`; empty for a worker.
    pub manager_status: String,
    pub engine_version: String,
    /// `key=value`, sorted.
    pub labels: Vec<String>,
    /// Its address as the swarm knows it (an IP), to find its engine among wharf's
    /// endpoints when the manager wharf talks to goes away.
    pub addr: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRow {
    pub id: String,
    pub name: String,
    /// `replicated` or `global`.
    pub mode: String,
    pub running: u64,
    /// Desired tasks (replicas for a replicated service; one per node for a global one).
    pub desired: u64,
    pub image: String,
    /// `8080:80/tcp` (published:target).
    pub ports: Vec<String>,
    /// The rolling update's state (`updating`, `completed`, `rollback_completed`...), if any.
    pub update_status: String,
    /// `com.docker.stack.namespace`: the stack it was deployed with.
    pub stack: Option<String>,
    /// The spec's version, which an update must name.
    pub version: u64,
    /// Whether its containers have a TTY (decides how its logs are framed).
    pub tty: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub id: String,
    pub service_id: String,
    /// Replicated services number their tasks; global ones do not.
    pub slot: Option<u64>,
    pub node_id: String,
    pub desired_state: String,
    pub state: String,
    /// Why it failed, when it did.
    pub error: String,
    /// Unix seconds.
    pub created: i64,
    pub container_id: Option<String>,
}

/// A service to create, from the launch form (validated like a container's launch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLaunch {
    pub spec: super::LaunchSpec,
    pub replicas: u64,
}

/// A change to a service or node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwarmChange {
    Scale {
        service: String,
        replicas: u64,
    },
    /// Replace every task, even with nothing changed (`--force`).
    ForceUpdate {
        service: String,
    },
    Rollback {
        service: String,
    },
    RemoveService {
        service: String,
    },
    Create(Box<ServiceLaunch>),
    /// `active` or `drain` (or `pause`).
    NodeAvailability {
        node: String,
        availability: String,
    },
}
