//! All of wharf's state, owned by the main task and changed only by `app::update`.

mod console;
mod fleet;
mod inflight;
mod inspect;
mod launch_form;
mod list;
mod logs;
mod objects;
mod pull;
mod stats;
mod swarm;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

pub use console::{Console, ConsoleConfig, ConsoleState, ConsoleStatus, ConsoleTarget, SCROLLBACK_ROWS, SessionId};
pub use fleet::{FleetHost, FleetRow, FleetState, FleetStatus};
pub use inflight::{Answer, Inflight, RequestId};
pub use inspect::{InspectView, ShownRow, masked_env_entry};
pub use launch_form::{LaunchForm, Submitting};
pub use list::{ListRow, SelectableList};
pub use logs::{
    LogBuffer, LogSource, LogView, Since, SourceStatus, StreamId, WRAP_INDENT, contains_ignore_case, cut_note,
};
pub use objects::{ObjectsState, TIMELINE_CAPACITY, TimelineRow};
pub use pull::PullStatus;
pub use stats::{ContainerStats, HISTORY, INTERVALS, StatsState};
pub use swarm::SwarmState;

use crate::config::UiSettings;
use crate::launch::presets::Preset;
use crate::model::{
    ContainerAction, ContainerDetails, ContainerRow, DaemonError, DaemonInfo, EnvVar, ImageRow, PortMapping,
};

/// The panes the user can focus, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Containers,
    Images,
    Ports,
    Env,
    Logs,
    /// The embedded console; takes the log pane's place while it is shown.
    Console,
    /// The hosts overview (the config's `[[hosts]]`); takes the main place like the
    /// containers and images do.
    Hosts,
    Volumes,
    Networks,
    /// The daemon's events, newest first.
    Events,
    /// A swarm's services, with the selected one's tasks below them.
    Services,
    Tasks,
    Nodes,
}

impl Pane {
    pub const ALL: [Pane; 5] = [Pane::Containers, Pane::Images, Pane::Ports, Pane::Env, Pane::Logs];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Containers => "Containers",
            Pane::Images => "Images",
            Pane::Ports => "Ports",
            Pane::Env => "Env",
            Pane::Logs => "Logs",
            Pane::Console => "Console",
            Pane::Hosts => "Hosts",
            Pane::Volumes => "Volumes",
            Pane::Networks => "Networks",
            Pane::Events => "Events",
            Pane::Services => "Services",
            Pane::Tasks => "Tasks",
            Pane::Nodes => "Nodes",
        }
    }

    /// Drawn in the big place (one at a time); the others sit beside or below it. The
    /// tasks share it with their services.
    pub fn in_main_place(self) -> bool {
        matches!(
            self,
            Pane::Containers
                | Pane::Images
                | Pane::Hosts
                | Pane::Volumes
                | Pane::Networks
                | Pane::Events
                | Pane::Services
                | Pane::Tasks
                | Pane::Nodes
        )
    }

    /// What the big place shows while this pane has focus.
    pub fn main_place_owner(self) -> Pane {
        if self == Pane::Tasks { Pane::Services } else { self }
    }

    pub fn number(self) -> usize {
        match self {
            // The console sits where the logs are, under the same number.
            Pane::Console => 5,
            Pane::Hosts => 0,
            Pane::Volumes => 6,
            Pane::Networks => 7,
            Pane::Events => 8,
            Pane::Services | Pane::Tasks => 9,
            Pane::Nodes => 0,
            _ => Self::ALL.iter().position(|p| *p == self).unwrap_or(0) + 1,
        }
    }
}

/// Where wharf stands with the daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// Trying to reach `host` (first attempt or a retry).
    Connecting {
        host: String,
    },
    Connected(DaemonInfo),
    /// The last attempt failed; the next one comes at `retry_at` (Unix seconds).
    Down {
        host: String,
        error: DaemonError,
        retry_at: i64,
    },
}

impl Connection {
    /// The address being talked to (or tried).
    pub fn host(&self) -> &str {
        match self {
            Connection::Connecting { host } | Connection::Down { host, .. } => host,
            Connection::Connected(info) => &info.host,
        }
    }
}

/// The dialog on top of the panes, if any. One at a time.
#[derive(Debug, Clone)]
pub enum Modal {
    /// The keys: the place it was opened from first, then everywhere, then the rest,
    /// by pages of columns when the window cannot hold them all (`page` counts from the
    /// first and wraps around either way).
    Help {
        first: crate::app::keymap::Scope,
        page: i64,
    },
    /// Typing a filter for `pane`; the list filters as the user types. `before` is the
    /// filter to go back to on Esc.
    Filter {
        pane: Pane,
        input: String,
        before: String,
    },
    /// The quick-launch presets; `selected` is the highlighted one.
    Presets {
        selected: usize,
    },
    Launch(Box<LaunchForm>),
    Confirm(Confirm),
    /// Pull an image by name (from the images pane).
    Pull(PullPrompt),
    /// Typing a search (`/`) or a filter (`f`) in the log pane; applied as typed.
    LogInput {
        kind: LogInputKind,
        input: String,
        before: String,
    },
    /// Typing the command for a console (`E`).
    ConsoleCommand {
        input: String,
        error: Option<String>,
    },
    /// The full JSON of an object (`I`), or an image's details.
    Inspect(Box<InspectView>),
    /// Naming a new volume or network.
    NamePrompt {
        what: NewObject,
        input: String,
        error: Option<String>,
    },
    /// Scaling a service: how many replicas.
    Scale {
        service: String,
        name: String,
        input: String,
        error: Option<String>,
    },
    /// The last step of creating a service from the launch form: how many replicas.
    Replicas {
        form: Box<LaunchForm>,
        spec: Box<crate::model::LaunchSpec>,
        input: String,
        error: Option<String>,
    },
    /// Choosing what to prune; `selected` is the highlighted kind.
    PruneMenu {
        selected: usize,
    },
    /// Pick another daemon; `choices` is `None` until they are found.
    Endpoints {
        choices: Option<Vec<crate::model::EndpointChoice>>,
        selected: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogInputKind {
    Search,
    Filter,
    /// A filter written as a regular expression.
    RegexFilter,
}

/// A yes/no question before something that cannot be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    /// What `y` does.
    pub yes: Pending,
    /// A second way to say yes (`v`: also remove the containers' volumes).
    pub alternative: Option<(char, String, Pending)>,
}

/// An action waiting for confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// (id, name) of each container.
    Containers {
        targets: Vec<(String, String)>,
        action: ContainerAction,
    },
    RemoveImage {
        id: String,
        name: String,
    },
    RemoveVolume {
        name: String,
    },
    RemoveNetwork {
        id: String,
        name: String,
    },
    Prune {
        kind: crate::model::PruneKind,
    },
    /// Changes to a swarm (remove a service or a whole stack, drain a node), each with
    /// what to say when it is done.
    Swarm {
        /// Each change, with what to say when it worked and when it did not.
        changes: Vec<(crate::model::SwarmChange, String, String)>,
    },
}

/// What a name prompt creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewObject {
    Volume,
    Network,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullPrompt {
    pub input: String,
    pub error: Option<String>,
    /// The pull in flight, once submitted.
    pub running: Option<(RequestId, PullStatus)>,
}

/// A short message in the status line that goes away by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub is_error: bool,
    pub until: i64,
}

/// Lists of any row type, emptied alike.
trait Clearable {
    fn clear_items(&mut self);
}

impl<T: ListRow> Clearable for SelectableList<T> {
    fn clear_items(&mut self) {
        self.set_items(Vec::new());
    }
}

impl ListRow for ContainerRow {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn matches(&self, needle: &str) -> bool {
        self.name.to_lowercase().contains(needle) || self.image.to_lowercase().contains(needle)
    }
}

impl ListRow for ImageRow {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn matches(&self, needle: &str) -> bool {
        self.tags.iter().any(|t| t.to_lowercase().contains(needle)) || self.id.contains(needle)
    }
}

impl ListRow for PortMapping {
    fn key(&self) -> Cow<'_, str> {
        Cow::Owned(self.short())
    }
    fn matches(&self, needle: &str) -> bool {
        self.short().contains(needle)
    }
}

impl ListRow for EnvVar {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.key)
    }
    fn matches(&self, needle: &str) -> bool {
        self.key.to_lowercase().contains(needle)
    }
}

/// Requests wharf keeps to one at a time (see `Inflight`).
#[derive(Debug, Clone, Default)]
pub struct Requests {
    pub next_id: u64,
    pub containers: Inflight,
    pub volumes: Inflight,
    pub networks: Inflight,
    pub services: Inflight,
    pub nodes: Inflight,
    pub tasks: Inflight,
    pub images: Inflight,
    pub inspect: Inflight,
    /// The container the inspect in flight is for.
    pub inspect_in_flight_for: Option<String>,
    /// An event about that container arrived while its inspect was in flight: the
    /// answer may predate it.
    pub inspect_outdated: bool,
    /// Other containers whose details are wanted (merged logs need each one's TTY
    /// setting), asked for one after another.
    pub inspect_queue: std::collections::VecDeque<String>,
}

#[derive(Debug)]
pub struct AppState {
    pub connection: Connection,
    pub containers: SelectableList<ContainerRow>,
    pub images: SelectableList<ImageRow>,
    pub ports: SelectableList<PortMapping>,
    pub env: SelectableList<EnvVar>,
    /// Inspect results by container id. A container's env and exposed ports never change
    /// after it is created, so these stay valid until the container goes away.
    pub details: HashMap<String, ContainerDetails>,
    /// Containers whose cached details may be out of date (an event came for them):
    /// still shown, and fetched again when selected.
    pub stale_details: BTreeSet<String>,
    /// Why the selected container's details could not be read, if they could not.
    pub details_error: Option<String>,
    /// The last answer to a containers or images list, if it failed.
    pub list_error: Option<DaemonError>,
    /// Whether the lists have been filled at least once since connecting.
    pub loaded: bool,
    pub focus: Pane,
    /// What the big pane shows: containers or images (the last of the two focused).
    pub main_pane: Pane,
    pub modal: Option<Modal>,
    pub show_all: bool,
    pub reveal_secrets: bool,
    /// Terminal size in cells.
    pub width: u16,
    pub height: u16,
    /// Wall-clock time (Unix seconds) of the last tick, for ages and timeouts.
    pub now: i64,
    pub flash: Option<Flash>,
    pub requests: Requests,
    /// When the lists were last asked for as a whole (Unix seconds), and how often the
    /// safety-net poll repeats that.
    pub last_refresh: i64,
    pub poll_interval_secs: i64,
    /// A list of the containers is due shortly after an event: the daemon announces
    /// some changes just before its list shows them.
    pub settle_pending: bool,
    /// Container events came in after that list was scheduled: one more follows it.
    pub settle_again: bool,
    /// Built-in presets followed by the user's.
    pub presets: Vec<Preset>,
    /// wharf's own environment, read once at start: a bare `KEY` in the env field takes
    /// its value from here, as `docker run -e KEY` does.
    pub host_env: HashMap<String, String>,
    /// Containers marked with Space (by id): actions apply to all of them.
    pub marked: BTreeSet<String>,
    /// A preset launched straight from the picker, running without its form on screen;
    /// if it fails, the form opens with the preset and the error, so nothing is lost.
    pub background_launch: Option<Box<LaunchForm>>,
    /// Select this container as soon as it appears in the list (one just launched).
    pub select_when_listed: Option<String>,
    /// The hosts overview (empty when the config names no hosts).
    pub fleet: FleetState,
    /// Volumes, networks and the events timeline.
    pub objects: ObjectsState,
    /// Services, tasks and nodes of a swarm manager.
    pub swarm: SwarmState,
    /// Containers wharf is removing (their leaving the list is no news).
    pub removing: BTreeSet<String>,
    /// Containers grouped by compose project (`c`), and the projects folded away.
    pub group_projects: bool,
    pub collapsed: BTreeSet<String>,
    pub logs: LogView,
    pub next_stream_id: u64,
    /// Results of the last container action, one per container: (failed, text).
    pub action_results: Vec<(bool, String)>,
    pub console: ConsoleState,
    pub next_session_id: u64,
    /// `--read-only`: shown in the status bar (the runner enforces it).
    pub read_only: bool,
    pub stats: StatsState,
    /// How the containers list is sorted.
    pub sort: Sort,
    pub quit: bool,
}

impl AppState {
    /// Leaves everything learned from the daemon in use behind before talking to
    /// another one at `host`: lists, details, logs, the console, stats, requests in
    /// flight. What the user set (filters, sort, layout, presets) stays.
    pub fn forget_daemon(&mut self, host: &str) {
        self.connection = Connection::Connecting { host: host.to_string() };
        for list in [&mut self.ports as &mut dyn Clearable, &mut self.env, &mut self.containers, &mut self.images] {
            list.clear_items();
        }
        self.details.clear();
        self.stale_details.clear();
        self.details_error = None;
        self.list_error = None;
        self.loaded = false;
        self.marked.clear();
        self.removing.clear();
        self.background_launch = None;
        self.select_when_listed = None;
        self.action_results.clear();
        // Ids keep counting: a late answer from the old daemon must not pass for a new one.
        self.requests = Requests { next_id: self.requests.next_id, ..Requests::default() };
        self.logs = LogView::new(self.logs.buffer.capacity(), self.logs.tail);
        self.console = ConsoleState { config: self.console.config.clone(), ..Default::default() };
        self.stats = StatsState::new(self.stats.interval_secs);
        self.objects = ObjectsState::default();
        self.swarm = SwarmState::default();
        if matches!(self.focus, Pane::Console) {
            self.focus = Pane::Containers;
        }
    }

    pub fn new(host: &str, settings: &UiSettings, poll_interval_secs: u64, now: i64) -> Self {
        let (show_all, mask_secrets) = (settings.show_all, settings.mask_secrets);
        let mut containers = SelectableList::default();
        if !show_all {
            containers.set_retain(Some(running_only));
        }
        Self {
            connection: Connection::Connecting { host: host.to_string() },
            containers,
            images: SelectableList::default(),
            ports: SelectableList::default(),
            env: SelectableList::default(),
            details: HashMap::new(),
            stale_details: BTreeSet::new(),
            details_error: None,
            list_error: None,
            loaded: false,
            focus: Pane::Containers,
            main_pane: Pane::Containers,
            modal: None,
            show_all,
            reveal_secrets: !mask_secrets,
            width: 80,
            height: 24,
            now,
            flash: None,
            requests: Requests::default(),
            last_refresh: now,
            settle_pending: false,
            settle_again: false,
            poll_interval_secs: i64::try_from(poll_interval_secs.max(1)).unwrap_or(i64::MAX),
            presets: crate::launch::presets::built_in(),
            host_env: HashMap::new(),
            marked: BTreeSet::new(),
            background_launch: None,
            select_when_listed: None,
            fleet: FleetState::default(),
            objects: ObjectsState::default(),
            swarm: SwarmState::default(),
            removing: BTreeSet::new(),
            group_projects: false,
            collapsed: BTreeSet::new(),
            logs: LogView::new(10_000, 1000),
            next_stream_id: 0,
            action_results: Vec::new(),
            console: ConsoleState::default(),
            next_session_id: 0,
            read_only: false,
            stats: StatsState::new(5),
            sort: Sort::default(),
            quit: false,
        }
    }

    pub fn selected_container(&self) -> Option<&ContainerRow> {
        self.containers.selected_item()
    }

    pub fn selected_details(&self) -> Option<&ContainerDetails> {
        self.details.get(&self.selected_container()?.id)
    }

    /// The containers an action applies to: the marked ones, or else the selected one.
    pub fn action_targets(&self) -> Vec<&ContainerRow> {
        if self.marked.is_empty() {
            // A folded project stands for all its containers.
            if let Some(project) = self.selected_container().and_then(|c| c.project.as_ref())
                && self.group_projects
                && self.collapsed.contains(project)
            {
                return self.containers.items().iter().filter(|c| c.project.as_ref() == Some(project)).collect();
            }
            self.selected_container().into_iter().collect()
        } else {
            self.containers.items().iter().filter(|c| self.marked.contains(&c.id)).collect()
        }
    }

    pub fn is_connected(&self) -> bool {
        matches!(self.connection, Connection::Connected(_))
    }
}

pub fn running_only(row: &ContainerRow) -> bool {
    row.state.is_running()
}

/// What the containers list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortKey {
    /// The daemon's order: newest first.
    #[default]
    Created,
    Name,
    Image,
    State,
    Cpu,
    Memory,
}

impl SortKey {
    pub const ALL: [SortKey; 6] =
        [SortKey::Created, SortKey::Name, SortKey::Image, SortKey::State, SortKey::Cpu, SortKey::Memory];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Created => "age",
            SortKey::Name => "name",
            SortKey::Image => "image",
            SortKey::State => "state",
            SortKey::Cpu => "cpu",
            SortKey::Memory => "memory",
        }
    }

    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Sort {
    pub key: SortKey,
    pub reverse: bool,
}
