//! The swarm panes' state: services and their tasks, nodes.

use std::borrow::Cow;

use super::list::{ListRow, SelectableList};
use crate::model::{NodeRow, ServiceRow, SwarmRole, TaskRow};

impl ListRow for ServiceRow {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn matches(&self, needle: &str) -> bool {
        self.name.to_lowercase().contains(needle)
            || self.image.to_lowercase().contains(needle)
            || self.stack.as_deref().is_some_and(|s| s.to_lowercase().contains(needle))
    }
}

impl ListRow for TaskRow {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn matches(&self, needle: &str) -> bool {
        self.state.contains(needle) || self.error.to_lowercase().contains(needle)
    }
}

impl ListRow for NodeRow {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn matches(&self, needle: &str) -> bool {
        self.hostname.to_lowercase().contains(needle) || self.labels.iter().any(|l| l.to_lowercase().contains(needle))
    }
}

#[derive(Debug, Default)]
pub struct SwarmState {
    pub services: SelectableList<ServiceRow>,
    /// The tasks of `tasks_of`, newest first.
    pub tasks: SelectableList<TaskRow>,
    pub tasks_of: Option<String>,
    pub nodes: SelectableList<NodeRow>,
    pub services_loaded: bool,
    pub nodes_loaded: bool,
    /// A service being created from the launch form: reopened with the daemon's
    /// error if the create fails, so nothing typed is lost.
    pub creating: Option<Box<super::LaunchForm>>,
    /// When the services view last asked for fresh tasks (Unix seconds).
    pub last_poll: i64,
    /// Stacks folded to one row that acts for all their services.
    pub collapsed: std::collections::BTreeSet<String>,
}

impl SwarmState {
    /// Hides every service of a folded stack but its first.
    pub fn fold(&mut self) {
        let mut hidden = std::collections::BTreeSet::new();
        let mut seen = std::collections::BTreeSet::new();
        for s in self.services.items().iter().filter(|s| self.services.passes(s)) {
            if let Some(stack) = &s.stack
                && self.collapsed.contains(stack)
                && !seen.insert(stack.clone())
            {
                hidden.insert(s.id.clone());
            }
        }
        self.services.set_hidden(hidden);
    }

    /// The services the selected row stands for: all of its stack when the stack is
    /// folded, else itself.
    pub fn selected_services(&self) -> Vec<&ServiceRow> {
        let Some(selected) = self.services.selected_item() else { return Vec::new() };
        match &selected.stack {
            Some(stack) if self.collapsed.contains(stack) => {
                self.services.items().iter().filter(|s| s.stack.as_ref() == Some(stack)).collect()
            }
            _ => vec![selected],
        }
    }

    /// A node's hostname by id (tasks name their node by id).
    pub fn hostname(&self, node_id: &str) -> Option<&str> {
        self.nodes.items().iter().find(|n| n.id == node_id).map(|n| n.hostname.as_str())
    }
}

fn role(state: &super::AppState) -> SwarmRole {
    match &state.connection {
        super::Connection::Connected(info) => info.swarm,
        _ => SwarmRole::Standalone,
    }
}

/// Why the swarm panes have nothing to show, in a sentence; `None` on a manager.
pub fn not_a_manager(state: &super::AppState) -> Option<&'static str> {
    match role(state) {
        SwarmRole::Manager => None,
        SwarmRole::Worker => Some(
            "This daemon is a swarm worker: only managers list and change services and nodes. Connect to a manager (C).",
        ),
        SwarmRole::Standalone => Some(
            "This daemon is not part of a swarm. `docker swarm init` makes it a one-node swarm; services and nodes show here then.",
        ),
    }
}

/// Whether `host` (a daemon address) names the machine at `ip`: `tcp://IP:port`,
/// `ssh://user@IP`, ... (an address by name cannot be told from here).
pub fn host_names_ip(host: &str, ip: &str) -> bool {
    let rest = host.split_once("://").map_or(host, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, rest)| rest);
    let machine = rest.split(['/', ':']).next().unwrap_or(rest);
    !ip.is_empty() && machine == ip
}

/// The swarm's managers other than the daemon in use, from the last node list (wharf
/// read it while connected to a manager): where to go when that one is lost.
pub fn other_managers(state: &super::AppState) -> Vec<&NodeRow> {
    if !state.swarm.nodes_loaded {
        return Vec::new();
    }
    let host = state.connection.host();
    state.swarm.nodes.items().iter().filter(|n| n.role == "manager" && !host_names_ip(host, &n.addr)).collect()
}
