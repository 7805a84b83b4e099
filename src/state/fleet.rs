//! The hosts overview: every daemon the config names, each watched on its own, with
//! their containers merged into one list that has a host column, or side by side, one
//! section per host.

use std::borrow::Cow;
use std::collections::HashMap;

use super::list::{ListRow, SelectableList};
use crate::model::{
    ContainerRow, ContainerState, DaemonAddress, DaemonError, DaemonErrorKind, DaemonInfo, FleetReport, StatsSample,
    figures,
};
use crate::text::sanitize;

/// One daemon of the config's `[[hosts]]`.
#[derive(Debug, Clone)]
pub struct FleetHost {
    pub name: String,
    pub address: DaemonAddress,
    pub status: FleetStatus,
    /// When the status last changed kind (up, down, not answering...; Unix seconds of
    /// wharf's clock), so the screen can say "down for 12s".
    pub since: i64,
    pub stats: HostStats,
}

/// How the overview lays the hosts out (`H` cycles through them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FleetLayout {
    /// One list with a host column.
    #[default]
    Merged,
    /// One section per host, each with its state, counts and stats in its header.
    SideBySide,
}

/// A host's totals from its latest stats readings (running containers only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostStats {
    /// The latest reading of each container sampled, for the next round's CPU deltas.
    previous: HashMap<String, StatsSample>,
    /// Percent of one CPU summed over the containers (`None` until two rounds).
    pub cpu_percent: Option<f64>,
    pub mem_used: u64,
    /// How many containers the figures sum.
    pub sampled: usize,
}

impl HostStats {
    fn take(&mut self, samples: Vec<(String, StatsSample)>) {
        let mut cpu: Option<f64> = None;
        let mut mem = 0u64;
        let mut latest = HashMap::with_capacity(samples.len());
        for (id, sample) in samples {
            let figures = figures(self.previous.get(&id), &sample);
            if let Some(c) = figures.cpu_percent {
                cpu = Some(cpu.unwrap_or(0.0) + c);
            }
            mem = mem.saturating_add(figures.mem_used);
            latest.insert(id, sample);
        }
        self.sampled = latest.len();
        // Only the containers of this round: stopped ones are forgotten.
        self.previous = latest;
        self.cpu_percent = cpu;
        self.mem_used = mem;
    }
}

/// How many containers of a host are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostCounts {
    pub running: usize,
    pub paused: usize,
    pub stopped: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetStatus {
    Connecting,
    Up { info: DaemonInfo, containers: Vec<ContainerRow> },
    Down { error: DaemonError },
}

impl FleetStatus {
    /// In a word, for a section's header.
    pub fn label(&self) -> &'static str {
        match self {
            FleetStatus::Connecting => "connecting",
            FleetStatus::Up { .. } => "up",
            FleetStatus::Down { error } if error.kind == DaemonErrorKind::Timeout => "not answering",
            FleetStatus::Down { .. } => "down",
        }
    }

    pub fn counts(&self) -> HostCounts {
        let mut counts = HostCounts::default();
        if let FleetStatus::Up { containers, .. } = self {
            for c in containers {
                match c.state {
                    ContainerState::Running => counts.running += 1,
                    ContainerState::Paused => counts.paused += 1,
                    _ => counts.stopped += 1,
                }
            }
        }
        counts
    }
}

/// A line of the merged list: a container of a host, or a host that has none to show
/// (down, still connecting, or empty), so every host is on screen.
#[derive(Debug, Clone)]
pub enum FleetRow {
    Container { host: usize, host_name: String, row: Box<ContainerRow> },
    Host { host: usize, host_name: String, note: String, down: bool },
}

impl FleetRow {
    pub fn host(&self) -> usize {
        match self {
            FleetRow::Container { host, .. } | FleetRow::Host { host, .. } => *host,
        }
    }
}

impl ListRow for FleetRow {
    fn key(&self) -> Cow<'_, str> {
        match self {
            FleetRow::Container { host, row, .. } => Cow::Owned(format!("{host}/{}", row.id)),
            FleetRow::Host { host, .. } => Cow::Owned(format!("{host}/")),
        }
    }

    fn matches(&self, needle_lower: &str) -> bool {
        match self {
            FleetRow::Container { host_name, row, .. } => {
                host_name.to_lowercase().contains(needle_lower) || row.matches(needle_lower)
            }
            FleetRow::Host { host_name, note, .. } => {
                host_name.to_lowercase().contains(needle_lower) || note.to_lowercase().contains(needle_lower)
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct FleetState {
    pub hosts: Vec<FleetHost>,
    pub rows: SelectableList<FleetRow>,
    pub layout: FleetLayout,
    /// Whether the watchers were last told to read stats (the overview on screen).
    pub stats_on: bool,
}

impl FleetState {
    pub fn new(hosts: Vec<(String, DaemonAddress)>) -> Self {
        let hosts = hosts
            .into_iter()
            .map(|(name, address)| FleetHost {
                name: sanitize(&name),
                address,
                status: FleetStatus::Connecting,
                since: 0,
                stats: HostStats::default(),
            })
            .collect();
        let mut fleet = Self { hosts, ..Self::default() };
        fleet.rebuild();
        fleet
    }

    /// A watcher's report about host `host`, at `now` (wharf's clock).
    pub fn apply(&mut self, host: usize, report: FleetReport, now: i64) {
        let Some(entry) = self.hosts.get_mut(host) else { return };
        let status = match report {
            FleetReport::Up { info, containers } => FleetStatus::Up { info, containers },
            FleetReport::Down { error } => {
                // Figures of a host that does not answer would pass for current ones.
                entry.stats = HostStats::default();
                FleetStatus::Down { error }
            }
            FleetReport::Stats { samples } => {
                if matches!(entry.status, FleetStatus::Up { .. }) {
                    entry.stats.take(samples);
                }
                return;
            }
        };
        if status.label() != entry.status.label() {
            entry.since = now;
        }
        entry.status = status;
        self.rebuild();
    }

    /// Hosts in config order, each host's containers by name.
    fn rebuild(&mut self) {
        let mut rows = Vec::new();
        for (i, host) in self.hosts.iter().enumerate() {
            let host_name = host.name.clone();
            let note = |note: String, down: bool| FleetRow::Host { host: i, host_name: host_name.clone(), note, down };
            match &host.status {
                FleetStatus::Connecting => {
                    rows.push(note(format!("connecting to {}…", sanitize(&host.address.host)), false))
                }
                FleetStatus::Down { error } => rows.push(note(error.to_string(), true)),
                FleetStatus::Up { containers, .. } if containers.is_empty() => {
                    rows.push(note("no containers".to_string(), false))
                }
                FleetStatus::Up { containers, .. } => {
                    let mut sorted: Vec<&ContainerRow> = containers.iter().collect();
                    sorted.sort_by(|a, b| a.name.cmp(&b.name));
                    rows.extend(sorted.into_iter().map(|row| FleetRow::Container {
                        host: i,
                        host_name: host_name.clone(),
                        row: Box::new(row.clone()),
                    }));
                }
            }
        }
        self.rows.set_items(rows);
    }

    /// The rows of host `host` that pass the filter, with their places in the list.
    pub fn visible_of(&self, host: usize) -> impl Iterator<Item = (usize, &FleetRow)> {
        self.rows.visible().enumerate().filter(move |(_, r)| r.host() == host)
    }

    /// How many lines each host's section would fill (after the filter), borders
    /// included, for sizing the sections when they are stacked: a note (down, empty)
    /// takes a line; containers take the header lines, the table's header and a line
    /// each.
    pub fn lines_per_host(&self) -> Vec<usize> {
        let mut lines = vec![3; self.hosts.len()];
        for row in self.rows.visible() {
            if let (FleetRow::Container { .. }, Some(n)) = (row, lines.get_mut(row.host())) {
                *n = if *n == 3 { 2 + 3 + 1 + 1 } else { *n + 1 };
            }
        }
        lines
    }

    pub fn up_count(&self) -> usize {
        self.hosts.iter().filter(|h| matches!(h.status, FleetStatus::Up { .. })).count()
    }
}
