use std::fmt;

/// A container's lifecycle state as the daemon reports it. Unknown states (Podman's
/// `stopped`, anything a future engine adds) are kept verbatim instead of failing the row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContainerState {
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
    Other(String),
}

impl ContainerState {
    pub fn parse(raw: &str) -> Self {
        match raw {
            "created" => Self::Created,
            "running" => Self::Running,
            "paused" => Self::Paused,
            "restarting" => Self::Restarting,
            "removing" => Self::Removing,
            "exited" => Self::Exited,
            "dead" => Self::Dead,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self, Self::Running | Self::Restarting)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Created => "created",
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Restarting => "restarting",
            Self::Removing => "removing",
            Self::Exited => "exited",
            Self::Dead => "dead",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for ContainerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// Docker writes the protocol in lower case after a slash (`6379/tcp`); a missing or
    /// empty protocol means tcp.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.to_ascii_lowercase().as_str() {
            "" | "tcp" => Some(Self::Tcp),
            "udp" => Some(Self::Udp),
            "sctp" => Some(Self::Sctp),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Sctp => "sctp",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One port of a container: published (`host_port` is set) or only exposed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortMapping {
    pub container_port: u16,
    pub protocol: Protocol,
    /// Host address the port is bound to; empty when the daemon binds every interface.
    pub host_ip: String,
    pub host_port: Option<u16>,
}

impl PortMapping {
    pub fn is_published(&self) -> bool {
        self.host_port.is_some()
    }

    /// The short form used in the containers list: `127.0.0.1:1234->6379/tcp`,
    /// `1234->6379/tcp` for all interfaces, `6379/tcp` when only exposed.
    pub fn short(&self) -> String {
        match self.host_port {
            Some(host_port) => {
                let ip = match self.host_ip.as_str() {
                    "" | "0.0.0.0" | "::" => String::new(),
                    ip if ip.contains(':') => format!("[{ip}]:"),
                    ip => format!("{ip}:"),
                };
                format!("{ip}{host_port}->{}/{}", self.container_port, self.protocol)
            }
            None => format!("{}/{}", self.container_port, self.protocol),
        }
    }
}

/// A row of the containers list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerRow {
    pub id: String,
    pub name: String,
    pub image: String,
    /// The image's id (`sha256:...`), to count an image's containers.
    pub image_id: String,
    pub state: ContainerState,
    /// The daemon's own words: `Up 3 minutes`, `Exited (0) 2 hours ago`, as listed
    /// (`status_at` reads them as of now).
    pub status: String,
    /// The duration in `status`, to age it on screen.
    pub status_age: Option<super::StatusAge>,
    /// Creation time, seconds since the Unix epoch.
    pub created: i64,
    pub ports: Vec<PortMapping>,
    /// The compose project and service it belongs to (`com.docker.compose.*` labels).
    pub project: Option<String>,
    pub service: Option<String>,
    /// Names of the named volumes it mounts.
    pub volumes: Vec<String>,
    /// Names of the networks it is attached to.
    pub networks: Vec<String>,
    /// Its healthcheck's verdict, when it has one (from the status text).
    pub health: Option<Health>,
}

/// The newest containers of a daemon's list, read before wharf is connected: a
/// screenful is all the first screen needs, and the daemon lists a screenful of a
/// few thousand containers in a fraction of the time it takes to list them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListHead {
    /// Newest first, as the daemon lists them.
    pub rows: Vec<ContainerRow>,
    /// The daemon may hold more than these: the read asked for no more.
    pub more: bool,
}

/// A healthcheck's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Health {
    Starting,
    Healthy,
    Unhealthy,
}

impl Health {
    /// From the daemon's status text: `Up 2 minutes (healthy)`, `(health: starting)`.
    pub fn from_status(status: &str) -> Option<Self> {
        if status.contains("(health: starting)") {
            Some(Self::Starting)
        } else if status.contains("(unhealthy)") {
            Some(Self::Unhealthy)
        } else if status.contains("(healthy)") {
            Some(Self::Healthy)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Healthy => "healthy",
            Self::Unhealthy => "unhealthy",
        }
    }
}

impl ContainerRow {
    /// The status text as it reads at `now` ("Up 3 minutes" listed ten minutes ago
    /// reads "Up 13 minutes").
    pub fn status_at(&self, now: i64) -> std::borrow::Cow<'_, str> {
        match &self.status_age {
            Some(age) => age.text(&self.status, now),
            None => std::borrow::Cow::Borrowed(&self.status),
        }
    }

    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    /// Published ports in short form, deduplicated (the daemon lists an IPv4 and an IPv6
    /// binding of the same port separately).
    pub fn ports_short(&self) -> String {
        let mut seen: Vec<String> = Vec::new();
        for port in self.ports.iter().filter(|p| p.is_published()) {
            let mut p = port.clone();
            if p.host_ip == "::" {
                p.host_ip = "0.0.0.0".into();
            }
            let s = p.short();
            if !seen.contains(&s) {
                seen.push(s);
            }
        }
        seen.join(", ")
    }
}

/// One environment entry. `value` is `None` for an entry stored without `=`, which the
/// daemon accepts verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub key: String,
    pub value: Option<String>,
}

impl EnvVar {
    pub fn parse(raw: &str) -> Self {
        match raw.split_once('=') {
            Some((key, value)) => Self { key: key.to_string(), value: Some(value.to_string()) },
            None => Self { key: raw.to_string(), value: None },
        }
    }

    /// Values that are usually credentials. Masked on screen until the user asks.
    ///
    /// The key is read word by word (`DB_PASSWORD`, `api-key`): long markers count
    /// inside a word (`DBPASSWORD`, `AUTHTOKEN`), short ones only as a whole word or a
    /// known compound, so `MONKEY` and `KEYBOARD` stay visible. A value that is a URL
    /// with a password in it (`postgres://user:pw@db/x`) counts whatever its key.
    pub fn looks_secret(&self) -> bool {
        const INSIDE: [&str; 6] = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATE"];
        const WHOLE: [&str; 10] = ["KEY", "PWD", "AUTH", "PAT", "APIKEY", "ACCESSKEY", "PASS", "PW", "PSK", "DSN"];
        // camelCase words too: `jwtKey` is JWT and KEY.
        let mut spaced = String::with_capacity(self.key.len() + 4);
        let mut previous_lower = false;
        for c in self.key.chars() {
            if previous_lower && c.is_ascii_uppercase() {
                spaced.push('_');
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            spaced.push(c.to_ascii_uppercase());
        }
        let by_key = spaced
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| INSIDE.iter().any(|m| word.contains(m)) || WHOLE.contains(&word));
        by_key || self.value.as_deref().is_some_and(url_with_password)
    }
}

/// `scheme://user:password@host…`: a connection string carrying its password.
fn url_with_password(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.split_once(':').is_some_and(|(_, pw)| !pw.is_empty()))
}

/// What the detail panes show for the selected container (from inspect).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContainerDetails {
    pub id: String,
    /// Published and exposed-only ports, sorted.
    pub ports: Vec<PortMapping>,
    pub env: Vec<EnvVar>,
    pub tty: bool,
    /// The healthcheck's state and its last check, when it has one.
    pub health: Option<HealthCheck>,
}

/// A healthcheck as inspect reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HealthCheck {
    /// `starting`, `healthy`, `unhealthy`.
    pub status: String,
    pub failing_streak: i64,
    /// The last check's exit code and output (sanitised, trimmed).
    pub last_exit_code: Option<i64>,
    pub last_output: String,
}

#[cfg(test)]
mod tests {
    use super::EnvVar;

    #[test]
    fn secrets_are_told_by_whole_words_and_by_passwords_in_urls() {
        let secret = |raw: &str| EnvVar::parse(raw).looks_secret();
        for raw in [
            "DB_PASSWORD=x",
            "MYSQL_ROOT_PASSWD=x",
            "AUTHTOKEN=x",
            "api-key=x",
            "AWS_SECRET_ACCESS_KEY=x",
            "GH_PAT=x",
            "APIKEY=x",
            "DATABASE_URL=postgres://app:hunter2@db:5432/app",
            "jwtKey=x",
            "signingKey=x",
        ] {
            assert!(secret(raw), "{raw} looks secret");
        }
        for raw in [
            "MONKEY=banana",
            "KEYBOARD=qwerty",
            "PATH=/usr/bin",
            "HOME=/root",
            "DATABASE_URL=postgres://app@db/app",
            "WEBSITE=https://example.com/a:b@c",
            "KEYLESS",
        ] {
            assert!(!secret(raw), "{raw} is no secret");
        }
    }
}
