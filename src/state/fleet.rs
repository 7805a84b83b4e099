//! The hosts overview: every daemon the config names, each watched on its own, with
//! their containers merged into one list that has a host column.

use std::borrow::Cow;

use super::list::{ListRow, SelectableList};
use crate::model::{ContainerRow, DaemonAddress, DaemonError, DaemonInfo, FleetReport};
use crate::text::sanitize;

/// One daemon of the config's `[[hosts]]`.
#[derive(Debug, Clone)]
pub struct FleetHost {
    pub name: String,
    pub address: DaemonAddress,
    pub status: FleetStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetStatus {
    Connecting,
    Up { info: DaemonInfo, containers: Vec<ContainerRow> },
    Down { error: DaemonError },
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
}

impl FleetState {
    pub fn new(hosts: Vec<(String, DaemonAddress)>) -> Self {
        let hosts = hosts
            .into_iter()
            .map(|(name, address)| FleetHost { name: sanitize(&name), address, status: FleetStatus::Connecting })
            .collect();
        let mut fleet = Self { hosts, rows: SelectableList::default() };
        fleet.rebuild();
        fleet
    }

    pub fn apply(&mut self, host: usize, report: FleetReport) {
        let Some(entry) = self.hosts.get_mut(host) else { return };
        entry.status = match report {
            FleetReport::Up { info, containers } => FleetStatus::Up { info, containers },
            FleetReport::Down { error } => FleetStatus::Down { error },
        };
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

    pub fn up_count(&self) -> usize {
        self.hosts.iter().filter(|h| matches!(h.status, FleetStatus::Up { .. })).count()
    }
}
