/// How to reach a daemon: its address and, for TCP with TLS, the files that prove both
/// sides' identities (the docker CLI's `ca.pem`, `cert.pem`, `key.pem`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DaemonAddress {
    /// `unix:///path`, `tcp://host:port` or `ssh://[user@]host[:port]`.
    pub host: String,
    pub tls: Option<TlsFiles>,
}

impl DaemonAddress {
    pub fn plain(host: impl Into<String>) -> Self {
        Self { host: host.into(), tls: None }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub ca: std::path::PathBuf,
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

impl TlsFiles {
    /// The three files as the docker CLI names them inside a directory
    /// (`DOCKER_CERT_PATH`, a context's TLS directory).
    pub fn in_dir(dir: &std::path::Path) -> Self {
        Self { ca: dir.join("ca.pem"), cert: dir.join("cert.pem"), key: dir.join("key.pem") }
    }
}

/// A daemon the user can switch to: where it is and where wharf learned of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointChoice {
    pub address: DaemonAddress,
    /// Why it is offered: "docker context \"prod\"", "host \"lab\" of the config file".
    pub origin: String,
}

/// What the watcher of one of several daemons reports (the hosts overview).
#[derive(Debug, Clone, PartialEq)]
pub enum FleetReport {
    Up {
        info: DaemonInfo,
        containers: Vec<super::ContainerRow>,
    },
    Down {
        error: DaemonError,
    },
    /// One reading of each running container (by id), for the host's totals; only
    /// while the hosts overview is on screen (stats cost the daemon).
    Stats {
        samples: Vec<(String, super::StatsSample)>,
    },
}

/// What the status bar shows about the daemon wharf is connected to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DaemonInfo {
    /// The address wharf talks to, e.g. `unix:///var/run/docker.sock`.
    pub host: String,
    /// Engine name: "Docker Engine" or "Podman Engine".
    pub engine: String,
    pub version: String,
    /// The API version wharf negotiated (the lower of the client's and the daemon's).
    pub api_version: String,
    /// What it is to a swarm.
    pub swarm: super::SwarmRole,
}

/// Which part of wharf's view an event from the daemon touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventKind {
    Container,
    Image,
    Volume,
    Network,
    Service,
    Node,
    #[default]
    Other,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Container => "container",
            EventKind::Image => "image",
            EventKind::Volume => "volume",
            EventKind::Network => "network",
            EventKind::Service => "service",
            EventKind::Node => "node",
            EventKind::Other => "other",
        }
    }
}

/// An event from the daemon's event stream, reduced to what the dashboard needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DaemonEvent {
    pub kind: EventKind,
    pub action: String,
    /// The id the event is about (a container's, an image's, a volume's name, ...).
    pub id: String,
    /// The object's name when the event carries one (`name` attribute).
    pub name: String,
    /// Unix seconds.
    pub time: i64,
    /// `die`: the exit code.
    pub exit_code: Option<i64>,
    /// The container a network or volume event is about (`connect`, `mount`): its id.
    pub container: Option<String>,
}

/// What went wrong talking to the daemon, in words a user understands. Built from the
/// client library's error by the docker layer, which digs the real cause (refused,
/// not found, permission denied) out of the error's source chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonError {
    pub kind: DaemonErrorKind,
    /// One sentence: the cause, sanitised.
    pub message: String,
    /// What the user can do about it, if wharf has an idea.
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaemonErrorKind {
    /// The daemon cannot be reached at all (socket missing, refused, permission denied).
    Unreachable,
    /// The daemon did not answer within the time wharf allows.
    Timeout,
    /// The daemon answers but accepts no API version wharf speaks ("client version …
    /// is too old/new"): retrying soon will not help, upgrading wharf or the daemon will.
    Incompatible,
    /// 404: the object is gone (removed by another client, or never existed).
    NotFound,
    /// 409: the request conflicts with the object's state or name.
    Conflict,
    /// 304: nothing to do (e.g. stopping a stopped container).
    NotModified,
    /// 501: the daemon cannot do this (e.g. read logs of the `none` logging driver).
    Unsupported,
    /// A registry refused access although credentials were sent (403, insufficient
    /// scope): other credentials would not help, so no login is offered.
    Denied,
    /// Any other answer from the daemon.
    Api,
    /// Anything else (bad answer, protocol error).
    Other,
}

impl DaemonError {
    pub fn new(kind: DaemonErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), hint: None }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl std::fmt::Display for DaemonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DaemonError {}
