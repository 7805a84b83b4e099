//! What wharf asks the daemon to run: the validated result of the launch form or a
//! preset. Every field is already checked (see `crate::launch`); the docker layer only
//! translates it.

use std::collections::BTreeMap;
use std::fmt;

use super::Protocol;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LaunchSpec {
    /// Image reference as the user wrote it (`redis`, `mysql:5.7`, `ghcr.io/x/y@sha256:...`).
    pub image: String,
    /// Container name; `None` lets the daemon pick one.
    pub name: Option<String>,
    pub ports: Vec<PortBinding>,
    /// `KEY=VALUE` entries, already resolved (a bare `KEY` took wharf's own value).
    pub env: Vec<String>,
    /// Overrides the image's command when set.
    pub command: Option<Vec<String>>,
    pub volumes: Vec<VolumeMount>,
    pub restart: RestartPolicy,
    /// `--rm`: the daemon removes the container when it exits.
    pub auto_remove: bool,
    /// `-it`: keep stdin open and allocate a TTY.
    pub interactive_tty: bool,
    pub labels: BTreeMap<String, String>,
    /// Everything the launch form does not show, carried over unchanged from the
    /// container a form was filled from (edit, duplicate): the create request's JSON
    /// as the daemon takes it (`Config` keys at the top, `HostConfig`,
    /// `NetworkingConfig`), without the keys the form owns. Raw, unsanitised daemon
    /// text: it goes back to the daemon as it came, and is never drawn as it is.
    pub carried: Option<serde_json::Value>,
    /// `--add-host`: `NAME:ADDRESS` entries for the container's `/etc/hosts`
    /// (`host-gateway` is the host).
    pub extra_hosts: Vec<String>,
    /// `--network`: the daemon's network mode (`bridge`, `host`, `none`, a user
    /// network's name, `container:NAME`); `None` is the daemon's default.
    pub network: Option<String>,
}

/// Which host port a container port is published on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostPort {
    /// The daemon picks a free port (`-p 6379`, `-p :6379`, `-p 0:6379`).
    Random,
    Port(u16),
    /// The daemon picks one free port out of the range (`-p 1234-1236:6379`).
    Range(u16, u16),
}

impl fmt::Display for HostPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostPort::Random => f.write_str("random"),
            HostPort::Port(p) => write!(f, "{p}"),
            HostPort::Range(a, b) => write!(f, "{a}-{b}"),
        }
    }
}

/// One published port of a launch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PortBinding {
    pub container_port: u16,
    pub protocol: Protocol,
    /// Host address to bind; empty means every interface.
    pub host_ip: String,
    pub host_port: HostPort,
}

impl PortBinding {
    /// `127.0.0.1:1234->6379/tcp`, `random->6379/tcp`.
    pub fn describe(&self) -> String {
        let ip = match self.host_ip.as_str() {
            "" => String::new(),
            ip if ip.contains(':') => format!("[{ip}]:"),
            ip => format!("{ip}:"),
        };
        format!("{ip}{}->{}/{}", self.host_port, self.container_port, self.protocol)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeMount {
    /// A host path (absolute) or a named volume; `None` for an anonymous volume.
    pub source: Option<String>,
    /// Absolute path inside the container.
    pub target: String,
    pub read_only: bool,
}

impl VolumeMount {
    /// The `Binds` entry the daemon takes: `source:target[:ro]`.
    pub fn bind_string(&self) -> Option<String> {
        let source = self.source.as_ref()?;
        let mode = if self.read_only { ":ro" } else { "" };
        Some(format!("{source}:{}{mode}", self.target))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RestartPolicy {
    #[default]
    No,
    /// Restart on a non-zero exit, at most this many times when set.
    OnFailure(Option<u32>),
    Always,
    UnlessStopped,
}

impl RestartPolicy {
    pub const CHOICES: [RestartPolicy; 4] =
        [RestartPolicy::No, RestartPolicy::OnFailure(None), RestartPolicy::Always, RestartPolicy::UnlessStopped];

    /// The daemon's name for the policy.
    pub fn name(self) -> &'static str {
        match self {
            RestartPolicy::No => "no",
            RestartPolicy::OnFailure(_) => "on-failure",
            RestartPolicy::Always => "always",
            RestartPolicy::UnlessStopped => "unless-stopped",
        }
    }
}

impl fmt::Display for RestartPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RestartPolicy::OnFailure(Some(n)) => write!(f, "on-failure:{n}"),
            other => f.write_str(other.name()),
        }
    }
}
