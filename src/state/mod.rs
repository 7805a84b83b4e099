//! All of wharf's state, owned by the main task and changed only by `app::update`.

mod build;
mod console;
mod files;
mod fleet;
mod images_view;
mod inflight;
mod inspect;
mod launch_form;
mod list;
mod logs;
mod objects;
mod project;
mod pull;
mod registry;
mod stats;
mod swarm;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

pub use build::{BuildDraft, BuildField, BuildPhase, BuildView, MAX_BUILD_LINES};
pub use console::{Console, ConsoleConfig, ConsoleState, ConsoleStatus, ConsoleTarget, SCROLLBACK_ROWS, SessionId};
pub use files::{CopyDirection, CopyPrompt, CopyQuestion, CopyRun, FileViewer, FilesView, Loading, PendingCopy};
pub use fleet::{FleetHost, FleetLayout, FleetRow, FleetState, FleetStatus, HostCounts, HostStats};
pub use images_view::{ImageShow, ImageSort, ImagesView};
pub use inflight::{Inflight, RequestId, Verdict};
pub use inspect::{InspectView, PROCESSES_EVERY_SECS, ShownRow, masked_env_entry};
pub use launch_form::{FormOrigin, LaunchForm, Submitting};
pub use list::{ListRow, SelectableList};
pub use logs::{
    DEFAULT_SAVE_LIMIT, FullSave, LineFilter, LogBuffer, LogSource, LogView, Since, SourceStatus, StreamId,
    WRAP_INDENT, WholeLogSave, contains_ignore_case, cut_note, mib,
};
pub use objects::{ObjectsState, TIMELINE_CAPACITY, TimelineRow};
pub use project::{PROGRESS_LINES, ProjectState};
pub use pull::PullStatus;
pub use registry::{LoginField, LoginPrompt, PushView, Retry, TagPrompt};
pub use stats::{ContainerStats, HISTORY, INTERVALS, StatsState};
pub use swarm::{SwarmState, host_names_ip, not_a_manager, other_managers};

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
    /// The compose project of the directory (or of `-f`): its services from the file.
    Project,
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
            Pane::Project => "Project",
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
                | Pane::Project
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
            Pane::Project => 0,
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
        first: Pane,
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
    /// Build an image: the form, then the build's output.
    Build(Box<BuildView>),
    /// Tag an image.
    Tag(TagPrompt),
    /// Push an image, with its progress.
    Push(Box<PushView>),
    /// A registry asked for credentials.
    Login(Box<LoginPrompt>),
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
    /// Disk usage (`D`, what `docker system df` says), read again each time it opens;
    /// any key closes it. A place of its own: the figures fit at 80x24.
    DiskUsage,
    /// Pick another daemon; `choices` is `None` until they are found.
    Endpoints {
        choices: Option<Vec<crate::model::EndpointChoice>>,
        selected: usize,
    },
    /// The `docker run` command that makes a container or what the launch form holds
    /// (`w`, Ctrl-g in the form); `y` copies it.
    RunCommand(Box<RunCommandView>),
    /// The file browser of a container (`F`).
    Files(Box<FilesView>),
    /// Typing the path of another compose file or project directory (`o` in the
    /// project view).
    ComposeFile {
        input: String,
    },
}

/// The equivalent command, and the form to go back to when it was opened from one.
#[derive(Debug, Clone)]
pub struct RunCommandView {
    pub title: String,
    pub command: crate::launch::command::RunCommand,
    /// Lines scrolled off the top.
    pub scroll: u16,
    pub back: Option<Box<LaunchForm>>,
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
    /// Take the compose project down; its volumes too when `volumes`.
    ComposeDown {
        volumes: bool,
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

/// The counters behind request, log stream and console session ids. They never go
/// back, not even when wharf switches daemons: a late answer from the old daemon must
/// not pass for the new one's.
#[derive(Debug, Clone, Default)]
pub struct Ids {
    request: u64,
    stream: u64,
    session: u64,
}

impl Ids {
    pub fn next_request(&mut self) -> RequestId {
        self.request += 1;
        RequestId(self.request)
    }
    pub fn next_stream(&mut self) -> StreamId {
        self.stream += 1;
        StreamId(self.stream)
    }
    pub fn next_session(&mut self) -> SessionId {
        self.session += 1;
        SessionId(self.session)
    }
}

/// What the user sees and where: the part of the state that is about the terminal,
/// not about any daemon.
#[derive(Debug)]
pub struct Screen {
    pub focus: Pane,
    /// What the big pane shows: containers or images (the last of the two focused).
    pub main_pane: Pane,
    pub modal: Option<Modal>,
    /// Terminal size in cells.
    pub width: u16,
    pub height: u16,
    /// Wall-clock time (Unix seconds) of the last tick, for ages and timeouts.
    pub now: i64,
    /// The user's time zone, for times shown (given at start; UTC until then).
    pub zone: crate::local_time::Zone,
    pub flash: Option<Flash>,
    pub reveal_secrets: bool,
    /// `--read-only`: shown in the status bar; keys that would change the daemon are
    /// refused (and the runner refuses every change again where it would be sent).
    pub read_only: bool,
    pub quit: bool,
}

impl Screen {
    /// A daemon switch keeps the screen, but the console was the old daemon's.
    fn forget_daemon(&mut self) {
        if matches!(self.focus, Pane::Console) {
            self.focus = Pane::Containers;
        }
    }
}

/// Inspect results by container id, and what is known about their freshness.
#[derive(Debug, Clone, Default)]
pub struct DetailsCache {
    /// A container's env and exposed ports never change after it is created, so these
    /// stay valid until the container goes away.
    pub by_id: HashMap<String, ContainerDetails>,
    /// Containers whose cached details may be out of date (an event came for them):
    /// still shown, and fetched again when selected.
    pub stale: BTreeSet<String>,
    /// Why the selected container's details could not be read, if they could not.
    pub error: Option<String>,
    /// Containers whose last inspect failed, and why (in words): their logs are read
    /// with the TTY setting guessed (see `LogDecoder`) rather than waited for for ever.
    /// Forgotten once an inspect of them works.
    pub unreadable: HashMap<String, String>,
}

/// The containers list and how it behaves: marks, folds, sort, what is being removed,
/// what to select next, and the selected container's ports, env and details.
#[derive(Debug)]
pub struct Containers {
    pub list: SelectableList<ContainerRow>,
    pub ports: SelectableList<PortMapping>,
    pub env: SelectableList<EnvVar>,
    pub details: DetailsCache,
    pub show_all: bool,
    /// How the list is sorted.
    pub sort: Sort,
    /// Containers marked with Space (by id): actions apply to all of them.
    pub marked: BTreeSet<String>,
    /// Containers wharf is removing (their leaving the list is no news).
    pub removing: BTreeSet<String>,
    /// Containers grouped by compose project (`c`), and the projects folded away.
    pub group_projects: bool,
    pub collapsed: BTreeSet<String>,
    /// Select this container as soon as it appears in the list (one just launched).
    pub select_when_listed: Option<String>,
    /// Results of the last container action, one per container: (failed, text).
    pub action_results: Vec<(bool, String)>,
    /// A preset launched straight from the picker, running without its form on screen;
    /// if it fails, the form opens with the preset and the error, so nothing is lost.
    pub background_launch: Option<Box<LaunchForm>>,
    /// Containers wharf launched with `--rm`, newest last (bounded): their leaving the
    /// list is `--rm` at work, not another client; `true` once the status line said so.
    pub auto_removing: std::collections::VecDeque<(String, bool)>,
}

/// Containers launched with `--rm` remembered at most (see `Containers::auto_removing`).
pub const AUTO_REMOVING_MAX: usize = 64;

impl Containers {
    fn new(show_all: bool) -> Self {
        let mut list = SelectableList::default();
        if !show_all {
            list.set_retain(Some(running_only));
        }
        Self {
            list,
            ports: SelectableList::default(),
            env: SelectableList::default(),
            details: DetailsCache::default(),
            show_all,
            sort: Sort::default(),
            marked: BTreeSet::new(),
            removing: BTreeSet::new(),
            group_projects: false,
            collapsed: BTreeSet::new(),
            select_when_listed: None,
            action_results: Vec::new(),
            background_launch: None,
            auto_removing: Default::default(),
        }
    }

    /// What the user set stays (filters, what is shown, sort, grouping, folds);
    /// everything learned from the daemon goes.
    fn forget_daemon(&mut self) {
        let mut fresh = Self::new(self.show_all);
        // The lists keep their filters; their rows were the old daemon's.
        fresh.list = std::mem::take(&mut self.list).without_rows();
        fresh.ports = std::mem::take(&mut self.ports).without_rows();
        fresh.env = std::mem::take(&mut self.env).without_rows();
        fresh.sort = self.sort;
        fresh.group_projects = self.group_projects;
        fresh.collapsed = std::mem::take(&mut self.collapsed);
        *self = fresh;
    }
}

/// When the lists were read and whether they are due again.
#[derive(Debug, Clone, Default)]
pub struct Refresh {
    pub requests: Requests,
    /// When the lists were last asked for as a whole (Unix seconds), and how often the
    /// safety-net poll repeats that.
    pub last: i64,
    pub poll_interval_secs: i64,
    /// A list of the containers is due shortly after an event: the daemon announces
    /// some changes just before its list shows them.
    pub settle_pending: bool,
    /// Container events came in after that list was scheduled: one more follows it.
    pub settle_again: bool,
    /// Whether the lists have been filled at least once since connecting.
    pub loaded: bool,
    /// A container list went out less than `LIST_REST` ago: another waits for
    /// `Msg::ListRested` (churn makes many events a second; the lists they ask for are
    /// coalesced).
    pub list_resting: bool,
    /// A container list was wanted while resting: it goes out when the rest ends.
    pub list_owed: bool,
    /// Containers were made or removed: the image list (its usage counts) is read
    /// again when a burst of events settles, and every few settling lists while it
    /// lasts (`IMAGES_EVERY_SETTLES`), not with each.
    pub images_owed: bool,
    /// Settling lists to go, while a burst lasts, before the image list is read
    /// again for its events.
    pub image_settles_to_wait: u32,
    /// Whether the container list on screen is the one read before the connection was
    /// made (`Answer::FirstContainers`): names to read while the connection is made.
    pub preview: Preview,
    /// The last answer to a containers or images list, if it failed.
    pub list_error: Option<DaemonError>,
}

/// The container list read before the connection was made, while it is on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Preview {
    /// The list on screen, if any, is the connection's own.
    #[default]
    Off,
    /// The daemon's whole list.
    Whole,
    /// Its newest containers: the daemon holds more, listed once connected.
    Head,
}

impl Refresh {
    fn forget_daemon(&mut self) {
        *self = Self { last: self.last, poll_interval_secs: self.poll_interval_secs, ..Self::default() };
    }
}

/// What launching starts from: the presets and wharf's own environment.
#[derive(Debug, Clone, Default)]
pub struct LaunchDefaults {
    /// Built-in presets followed by the user's.
    pub presets: Vec<Preset>,
    /// wharf's own environment, read once at start: a bare `KEY` in the env field takes
    /// its value from here, as `docker run -e KEY` does.
    pub host_env: HashMap<String, String>,
}

/// What the state starts with, from the config file and the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Startup {
    pub show_all: bool,
    pub mask_secrets: bool,
    /// Seconds between two safety-net lists (events keep the lists fresh otherwise).
    pub poll_interval_secs: u64,
}

impl Default for Startup {
    fn default() -> Self {
        Self { show_all: true, mask_secrets: true, poll_interval_secs: 30 }
    }
}

/// All of wharf's state, in parts. Each part owns its reset: a daemon switch
/// (`forget_daemon`) asks every part that holds something learned from the daemon to
/// start over, keeping only what the user set.
#[derive(Debug)]
pub struct AppState {
    pub screen: Screen,
    pub connection: Connection,
    pub containers: Containers,
    pub images: SelectableList<ImageRow>,
    /// The images pane's sort, filter and pending selection.
    pub images_view: ImagesView,
    pub refresh: Refresh,
    pub ids: Ids,
    pub launch: LaunchDefaults,
    /// The hosts overview (empty when the config names no hosts).
    pub fleet: FleetState,
    /// Volumes, networks and the events timeline.
    pub objects: ObjectsState,
    /// Services, tasks and nodes of a swarm manager.
    pub swarm: SwarmState,
    pub logs: LogView,
    pub console: ConsoleState,
    pub stats: StatsState,
    /// The compose project view.
    pub project: ProjectState,
}

impl AppState {
    /// Leaves everything learned from the daemon in use behind before talking to
    /// another one at `host`: lists, details, logs, the console, stats, requests in
    /// flight. What the user set (filters, sort, layout, presets) stays. The ids keep
    /// counting (see `Ids`), and the hosts overview has its own watchers.
    pub fn forget_daemon(&mut self, host: &str) {
        self.connection = Connection::Connecting { host: host.to_string() };
        self.screen.forget_daemon();
        self.containers.forget_daemon();
        self.images = std::mem::take(&mut self.images).without_rows();
        self.images_view.select = None;
        self.refresh.forget_daemon();
        self.logs.forget_daemon();
        self.console = ConsoleState { config: self.console.config.clone(), ..Default::default() };
        self.stats = StatsState::new(self.stats.interval_secs);
        self.objects = ObjectsState::default();
        self.swarm = SwarmState::default();
        self.project.forget_daemon();
    }

    pub fn new(host: &str, startup: Startup, now: i64) -> Self {
        Self {
            screen: Screen {
                focus: Pane::Containers,
                main_pane: Pane::Containers,
                modal: None,
                width: 80,
                height: 24,
                now,
                zone: crate::local_time::Zone::default(),
                flash: None,
                reveal_secrets: !startup.mask_secrets,
                read_only: false,
                quit: false,
            },
            connection: Connection::Connecting { host: host.to_string() },
            containers: Containers::new(startup.show_all),
            images: SelectableList::default(),
            images_view: ImagesView::default(),
            refresh: Refresh {
                last: now,
                poll_interval_secs: i64::try_from(startup.poll_interval_secs.max(1)).unwrap_or(i64::MAX),
                ..Refresh::default()
            },
            ids: Ids::default(),
            launch: LaunchDefaults { presets: crate::launch::presets::built_in(), host_env: HashMap::new() },
            fleet: FleetState::default(),
            objects: ObjectsState::default(),
            swarm: SwarmState::default(),
            logs: LogView::new(10_000, 1000),
            console: ConsoleState::default(),
            stats: StatsState::new(5),
            project: ProjectState::default(),
        }
    }

    pub fn selected_container(&self) -> Option<&ContainerRow> {
        self.containers.list.selected_item()
    }

    pub fn selected_details(&self) -> Option<&ContainerDetails> {
        self.containers.details.by_id.get(&self.selected_container()?.id)
    }

    /// The containers an action applies to: the marked ones, or else the selected one.
    pub fn action_targets(&self) -> Vec<&ContainerRow> {
        let containers = &self.containers;
        if containers.marked.is_empty() {
            // A folded project stands for all its containers.
            if let Some(project) = self.selected_container().and_then(|c| c.project.as_ref())
                && containers.group_projects
                && containers.collapsed.contains(project)
            {
                return containers.list.items().iter().filter(|c| c.project.as_ref() == Some(project)).collect();
            }
            self.selected_container().into_iter().collect()
        } else {
            containers.list.items().iter().filter(|c| containers.marked.contains(&c.id)).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str) -> ContainerRow {
        ContainerRow {
            id: id.into(),
            name: format!("c-{id}"),
            image: "busybox".into(),
            image_id: String::new(),
            state: crate::model::ContainerState::Running,
            status: "Up 1 second".into(),
            status_age: None,
            created: 0,
            ports: Vec::new(),
            project: None,
            service: None,
            volumes: Vec::new(),
            networks: Vec::new(),
            health: None,
        }
    }

    #[test]
    fn a_daemon_switch_forgets_what_the_daemon_said_and_keeps_what_the_user_set() {
        let mut state = AppState::new("unix:///old.sock", Startup::default(), 100);
        // What the user set.
        state.containers.list.set_filter("web");
        state.containers.sort = Sort { key: SortKey::Name, reverse: true };
        state.containers.group_projects = true;
        state.containers.collapsed.insert("shop".into());
        state.screen.focus = Pane::Console;
        // What the old daemon said, and what wharf was doing with it.
        state.containers.list.set_items(vec![row("a"), row("b")]);
        state.containers.marked.insert("a".into());
        state.containers.removing.insert("b".into());
        state.containers.details.stale.insert("a".into());
        state.containers.details.error = Some("gone".into());
        state.containers.action_results.push((true, "failed".into()));
        state.containers.select_when_listed = Some("a".into());
        state.refresh.loaded = true;
        state.refresh.settle_pending = true;
        state.logs.set_filter("error", false);
        state.logs.wrap = false;
        state.logs.save.limit = 7;
        let old = state.refresh.requests.containers.want(&mut state.ids).expect("free");

        state.forget_daemon("unix:///new.sock");

        assert_eq!(state.connection, Connection::Connecting { host: "unix:///new.sock".into() });
        let c = &state.containers;
        assert!(c.list.items().is_empty() && c.marked.is_empty() && c.removing.is_empty());
        assert!(c.details.stale.is_empty() && c.details.error.is_none() && c.action_results.is_empty());
        assert!(c.select_when_listed.is_none());
        assert!(!state.refresh.loaded && !state.refresh.settle_pending);
        assert_eq!(state.screen.focus, Pane::Containers, "the console was the old daemon's");
        // The user's settings stay.
        assert_eq!(c.list.filter(), "web");
        assert_eq!(c.sort, Sort { key: SortKey::Name, reverse: true });
        assert!(c.group_projects && c.collapsed.contains("shop"));
        assert_eq!(state.logs.filter.text, "error");
        assert!(!state.logs.wrap);
        assert_eq!(state.logs.save.limit, 7);
        // A late answer to the old daemon's request cannot pass for the new one's.
        assert!(!state.refresh.requests.containers.in_flight());
        let new = state.refresh.requests.containers.want(&mut state.ids).expect("free");
        assert!(new > old, "ids keep counting across a switch");
    }
}
