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

/// The processes running in a container, as `docker top` gives them: the columns of
/// `ps` in the container's namespace, the command last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessTable {
    pub titles: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl ProcessTable {
    /// Aligned text lines, a header first: every column padded to its widest cell but
    /// the last (the command, which may be long).
    pub fn lines(&self) -> Vec<String> {
        use unicode_width::UnicodeWidthStr;
        let columns = self.titles.len().max(self.rows.iter().map(Vec::len).max().unwrap_or(0));
        let mut widths = vec![0usize; columns];
        for row in std::iter::once(&self.titles).chain(&self.rows) {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(cell.width());
            }
        }
        let line = |row: &Vec<String>| {
            let mut text = String::new();
            for (i, cell) in row.iter().enumerate() {
                text.push_str(cell);
                if i + 1 < row.len() {
                    text.push_str(&" ".repeat(widths[i] - cell.width() + 2));
                }
            }
            text
        };
        let mut lines = vec![line(&self.titles)];
        lines.extend(self.rows.iter().map(line));
        lines
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
    /// A network's or volume's event about a container (`connect`, `mount`): the
    /// container's name (or short id when wharf does not know it).
    pub container: Option<String>,
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
    /// The kinds the prune menu offers, in its order.
    pub const MENU: [PruneKind; 5] = [
        PruneKind::Containers,
        PruneKind::Images { all: false },
        PruneKind::Images { all: true },
        PruneKind::Volumes,
        PruneKind::Networks,
    ];

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_table_lines_up_all_but_the_command() {
        let table = ProcessTable {
            titles: vec!["PID".into(), "USER".into(), "CMD".into()],
            rows: vec![
                vec!["1".into(), "root".into(), "sleep 3600".into()],
                vec!["12345".into(), "nobody".into(), "sh -c while :; do :; done".into()],
            ],
        };
        assert_eq!(
            table.lines(),
            vec!["PID    USER    CMD", "1      root    sleep 3600", "12345  nobody  sh -c while :; do :; done",]
        );
        assert_eq!(ProcessTable::default().lines(), vec![String::new()]);
    }
}
