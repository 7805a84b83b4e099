//! Keys to actions. One table holds the default bindings; the help overlay is drawn from
//! the same table, so it always shows the bindings in force.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::state::Pane;

/// Everything a key can ask the dashboard to do. The config names them in snake_case
/// (`[keys.global] quit = ["q"]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    NextPane,
    PrevPane,
    FocusContainers,
    FocusImages,
    FocusPorts,
    FocusEnv,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Filter,
    Help,
    ToggleAll,
    RevealSecrets,
    Refresh,
    NewContainer,
    Presets,
    Start,
    Stop,
    Restart,
    TogglePause,
    Kill,
    Remove,
    Mark,
    PullImage,
    RemoveImage,
    RunImage,
    FocusLogs,
    ZoomLogs,
    LogFilter,
    LogRegexFilter,
    NextMatch,
    PrevMatch,
    ToggleWrap,
    ScrollLeft,
    ScrollRight,
    ToggleTimestamps,
    CycleSince,
    CopyLine,
    SaveLogs,
    MergeLogs,
    SaveFullLog,
    OpenShell,
    OpenCommand,
    Attach,
    SortNext,
    SortReverse,
    StatsInterval,
    DiskUsage,
    PickEndpoint,
    Hosts,
    FocusVolumes,
    FocusNetworks,
    FocusEvents,
    Inspect,
    Processes,
    Prune,
    CreateVolume,
    RemoveVolume,
    CreateNetwork,
    RemoveNetwork,
    ConnectNetwork,
    DisconnectNetwork,
    ImageDetails,
    GroupProjects,
    FoldProject,
    UnfoldProject,
    MarkProject,
    FocusServices,
    FocusNodes,
    ServiceLogs,
    ScaleService,
    UpdateService,
    RollbackService,
    RemoveService,
    CreateService,
    DrainNode,
    ActivateNode,
    FoldStack,
    UnfoldStack,
    BuildImage,
    TagImage,
    PushImage,
    ImageFilter,
    SortImages,
    SortImagesReverse,
    EditContainer,
    DuplicateContainer,
    RunCommand,
    Files,
    ThrowAwayClient,
    FocusProject,
    ComposeUp,
    ComposeUpService,
    ComposeDown,
    ComposeDownVolumes,
    ComposeStart,
    ComposeStop,
    ComposeRestart,
    ComposeRecreate,
    ComposePull,
    ComposeBuild,
    ComposeScaleUp,
    ComposeScaleDown,
    OpenComposeFile,
    ProjectLogs,
}

impl Action {
    /// Whether this action changes something on the daemon (or runs something in a
    /// container), directly or through the dialog it opens. `--read-only` refuses these
    /// at the key, before any dialog opens. No catch-all arm: a new action must be
    /// put on one side or the other.
    pub fn changes_daemon(self) -> bool {
        match self {
            Action::NewContainer
            | Action::Presets
            | Action::Start
            | Action::Stop
            | Action::Restart
            | Action::TogglePause
            | Action::Kill
            | Action::Remove
            | Action::PullImage
            | Action::RemoveImage
            | Action::RunImage
            | Action::OpenShell
            | Action::OpenCommand
            | Action::Attach
            | Action::Prune
            | Action::CreateVolume
            | Action::RemoveVolume
            | Action::CreateNetwork
            | Action::RemoveNetwork
            | Action::ConnectNetwork
            | Action::DisconnectNetwork
            | Action::ScaleService
            | Action::UpdateService
            | Action::RollbackService
            | Action::RemoveService
            | Action::CreateService
            | Action::DrainNode
            | Action::ActivateNode
            | Action::BuildImage
            | Action::TagImage
            | Action::PushImage
            | Action::EditContainer
            | Action::DuplicateContainer
            | Action::ThrowAwayClient
            | Action::ComposeUp
            | Action::ComposeUpService
            | Action::ComposeDown
            | Action::ComposeDownVolumes
            | Action::ComposeStart
            | Action::ComposeStop
            | Action::ComposeRestart
            | Action::ComposeRecreate
            | Action::ComposePull
            | Action::ComposeBuild
            | Action::ComposeScaleUp
            | Action::ComposeScaleDown => true,
            Action::Quit
            | Action::NextPane
            | Action::PrevPane
            | Action::FocusContainers
            | Action::FocusImages
            | Action::FocusPorts
            | Action::FocusEnv
            | Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown
            | Action::Filter
            | Action::Help
            | Action::ToggleAll
            | Action::RevealSecrets
            | Action::Refresh
            | Action::Mark
            | Action::FocusLogs
            | Action::ZoomLogs
            | Action::LogFilter
            | Action::LogRegexFilter
            | Action::NextMatch
            | Action::PrevMatch
            | Action::ToggleWrap
            | Action::ScrollLeft
            | Action::ScrollRight
            | Action::ToggleTimestamps
            | Action::CycleSince
            | Action::CopyLine
            | Action::SaveLogs
            | Action::MergeLogs
            | Action::SaveFullLog
            | Action::SortNext
            | Action::SortReverse
            | Action::ImageFilter
            | Action::SortImages
            | Action::SortImagesReverse
            | Action::StatsInterval
            | Action::DiskUsage
            | Action::PickEndpoint
            | Action::Hosts
            | Action::FocusVolumes
            | Action::FocusNetworks
            | Action::FocusEvents
            | Action::Inspect
            | Action::Processes
            | Action::ImageDetails
            | Action::GroupProjects
            | Action::FoldProject
            | Action::UnfoldProject
            | Action::MarkProject
            | Action::FocusServices
            | Action::FocusNodes
            | Action::ServiceLogs
            | Action::FoldStack
            | Action::UnfoldStack
            | Action::RunCommand
            // The browser reads; its copy in is a change, refused where it is sent.
            | Action::Files
            | Action::FocusProject
            | Action::OpenComposeFile
            | Action::ProjectLogs => false,
        }
    }

    /// The name the config file uses (`toggle_pause`).
    pub fn config_name(self) -> String {
        let mut out = String::new();
        for (i, c) in format!("{self:?}").chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::FocusContainers => "containers",
            Action::FocusImages => "images",
            Action::FocusPorts => "ports of the selected container",
            Action::FocusEnv => "env of the selected container",
            Action::Up => "up",
            Action::Down => "down",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Filter => "filter the list (search in logs)",
            Action::Help => "this help",
            Action::ToggleAll => "all / running containers",
            Action::RevealSecrets => "show / mask secret env values",
            Action::Refresh => "refresh now",
            Action::NewContainer => "launch a new container (form)",
            Action::Presets => "quick-launch presets",
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Restart => "restart",
            Action::TogglePause => "pause / unpause",
            Action::Kill => "kill",
            Action::Remove => "remove (asks first)",
            Action::Mark => "mark / unmark (act on several)",
            Action::PullImage => "pull an image by name",
            Action::RemoveImage => "remove the image (asks first)",
            Action::RunImage => "launch a container of this image",
            Action::FocusLogs => "logs of the selected container",
            Action::ZoomLogs => "logs full-screen / back",
            Action::LogFilter => "show only lines containing a text",
            Action::LogRegexFilter => "show only lines matching a regex",
            Action::NextMatch => "next search match",
            Action::PrevMatch => "previous search match",
            Action::ToggleWrap => "wrap long lines / scroll sideways",
            Action::ScrollLeft => "scroll left (no wrap)",
            Action::ScrollRight => "scroll right (no wrap)",
            Action::ToggleTimestamps => "show / hide timestamps",
            Action::CycleSince => "start from: latest, 5m, 1h, all",
            Action::CopyLine => "copy the match (or last line)",
            Action::SaveLogs => "save the buffer to a file",
            Action::MergeLogs => "merge the marked containers' logs / back",
            Action::SaveFullLog => "save the container's whole log to a file",
            Action::OpenShell => "console: a shell (bash, else sh)",
            Action::OpenCommand => "console: run a command of your choice",
            Action::Attach => "console: attach to its own TTY",
            Action::SortNext => "sort by the next column",
            Action::SortReverse => "reverse the sort",
            Action::StatsInterval => "stats every 2s / 5s / 10s / 30s / off",
            Action::DiskUsage => "disk usage (docker system df)",
            Action::PickEndpoint => "connect to another daemon",
            Action::Hosts => "all hosts: list / side by side",
            Action::FocusVolumes => "volumes",
            Action::FocusNetworks => "networks",
            Action::FocusEvents => "events timeline",
            Action::Inspect => "inspect: the object's full JSON",
            Action::Processes => "processes running in it (docker top)",
            Action::Prune => "prune: containers, images, volumes…",
            Action::CreateVolume => "create a volume",
            Action::RemoveVolume => "remove the volume (asks first)",
            Action::CreateNetwork => "create a network",
            Action::RemoveNetwork => "remove the network (asks first)",
            Action::ConnectNetwork => "connect the selected container",
            Action::DisconnectNetwork => "disconnect the selected container",
            Action::ImageDetails => "layers and config of the image",
            Action::GroupProjects => "group by compose project / not",
            Action::FoldProject => "fold the project (acts on all of it)",
            Action::UnfoldProject => "unfold the project",
            Action::MarkProject => "mark the whole project",
            Action::FocusServices => "swarm services and their tasks",
            Action::FocusNodes => "swarm nodes",
            Action::ServiceLogs => "logs: the service's, or the task's",
            Action::ScaleService => "scale the service",
            Action::UpdateService => "force a rolling update",
            Action::RollbackService => "roll the service back",
            Action::RemoveService => "remove the service (asks first)",
            Action::CreateService => "create a service (the launch form)",
            Action::DrainNode => "drain the node (asks first)",
            Action::ActivateNode => "make the node active (asks first)",
            Action::FoldStack => "fold the stack (acts on all of it)",
            Action::UnfoldStack => "unfold the stack",
            Action::BuildImage => "build an image from a Dockerfile",
            Action::TagImage => "tag the image (another name)",
            Action::PushImage => "push the image to its registry",
            Action::ImageFilter => "show all / dangling / unused images",
            Action::SortImages => "sort by age / name / size",
            Action::SortImagesReverse => "reverse the sort",
            Action::EditContainer => "edit and recreate (the form, filled in)",
            Action::DuplicateContainer => "duplicate (the form, a new name)",
            Action::RunCommand => "the equivalent docker run command",
            Action::Files => "files: browse, view, copy out and in",
            Action::ThrowAwayClient => "throw-away --rm -it client beside it",
            Action::FocusProject => "the compose project (view)",
            Action::ComposeUp => "up: all services",
            Action::ComposeUpService => "up: this service (and deps)",
            Action::ComposeDown => "down (asks first)",
            Action::ComposeDownVolumes => "down with volumes (asks)",
            Action::ComposeStart => "start the service",
            Action::ComposeStop => "stop the service",
            Action::ComposeRestart => "restart the service",
            Action::ComposeRecreate => "recreate the service",
            Action::ComposePull => "pull all images",
            Action::ComposeBuild => "build the selected service's image (its build:)",
            Action::ComposeScaleUp => "one more container",
            Action::ComposeScaleDown => "one container fewer",
            Action::OpenComposeFile => "open another compose file",
            Action::ProjectLogs => "merged logs of the project",
        }
    }
}

/// The console's own keys, which the keymap does not bind (everything else typed in a
/// console goes to the container): the detach chord `prefix` (`Ctrl-]` unless the
/// config names another) and what may follow it, and the scrollback keys.
pub fn console_help_rows(prefix: &str) -> Vec<(String, String)> {
    vec![
        (format!("{prefix} d"), "back to the dashboard (the shell keeps running)".to_string()),
        (format!("{prefix} Esc"), "back to the dashboard, as d".to_string()),
        (format!("{prefix} z"), "console full-screen / back".to_string()),
        (format!("{prefix} x"), "close the console (ends its shell)".to_string()),
        (format!("{prefix} {prefix}"), format!("send {prefix} itself to the container")),
        ("Shift-PgUp".to_string(), "scroll back through the output".to_string()),
        ("Shift-PgDn".to_string(), "scroll forward again".to_string()),
    ]
}

/// A key with its modifiers, as the user writes it: `q`, `ctrl-c`, `shift-tab`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyBinding {
    /// Reads a key as the config writes it: `q`, `G`, `ctrl-e`, `alt-x`, `shift-tab`,
    /// `F5`, `enter`, `esc`, `space`, `pgup`, `up`, ...
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            modifiers |= m;
            rest = &rest[len..];
        }
        let bad = || format!("{text:?} is not a key: write e.g. \"q\", \"ctrl-e\", \"F5\", \"shift-tab\", \"pgdn\"");
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                KeyCode::Char(if modifiers.contains(KeyModifiers::CONTROL) { c.to_ascii_lowercase() } else { c })
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "tab" if modifiers.contains(KeyModifiers::SHIFT) => {
                    modifiers.remove(KeyModifiers::SHIFT);
                    KeyCode::BackTab
                }
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdn" | "pagedown" => KeyCode::PageDown,
                "insert" => KeyCode::Insert,
                "delete" | "del" => KeyCode::Delete,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(bad()),
                },
                _ => return Err(bad()),
            },
        };
        // Shifted characters are stored as the character itself (see `from_event`).
        if let KeyCode::Char(_) = code {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        Ok(Self { code, modifiers })
    }

    const fn plain(code: KeyCode) -> Self {
        Self { code, modifiers: KeyModifiers::NONE }
    }

    const fn ctrl(c: char) -> Self {
        Self { code: KeyCode::Char(c), modifiers: KeyModifiers::CONTROL }
    }

    /// Normalises a key event so it can be looked up: terminals report Shift-Tab as
    /// BackTab (with or without SHIFT), and shifted letters as the upper-case letter
    /// with SHIFT set.
    pub fn from_event(event: &KeyEvent) -> Self {
        let mut modifiers = event.modifiers;
        let code = match event.code {
            KeyCode::BackTab => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Char(c) => {
                if c.is_ascii_alphabetic() || !c.is_ascii() || c.is_ascii_punctuation() || c.is_ascii_digit() {
                    modifiers.remove(KeyModifiers::SHIFT);
                }
                KeyCode::Char(c)
            }
            other => other,
        };
        Self { code, modifiers }
    }

    pub fn label(&self) -> String {
        let mut out = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            out.push_str("Shift-");
        }
        match self.code {
            KeyCode::Char(' ') => out.push_str("Space"),
            KeyCode::Char(c) => out.push(c),
            KeyCode::BackTab => out.push_str("Shift-Tab"),
            KeyCode::Tab => out.push_str("Tab"),
            KeyCode::Up => out.push('↑'),
            KeyCode::Down => out.push('↓'),
            KeyCode::PageUp => out.push_str("PgUp"),
            KeyCode::PageDown => out.push_str("PgDn"),
            KeyCode::Home => out.push_str("Home"),
            KeyCode::End => out.push_str("End"),
            KeyCode::Enter => out.push_str("Enter"),
            KeyCode::Esc => out.push_str("Esc"),
            KeyCode::F(n) => out.push_str(&format!("F{n}")),
            other => out.push_str(&format!("{other:?}")),
        }
        out
    }
}

/// Where a binding applies: everywhere, or only when a pane has focus. A pane's own
/// bindings win over global ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Global,
    /// The containers pane, and the ports and env panes of the selected container.
    Containers,
    Images,
    Volumes,
    Networks,
    /// The services pane and the tasks below it.
    Services,
    Nodes,
    Logs,
    Project,
}

impl Scope {
    pub fn of(pane: Pane) -> Self {
        match pane {
            Pane::Images => Scope::Images,
            Pane::Containers | Pane::Ports | Pane::Env => Scope::Containers,
            Pane::Hosts | Pane::Events => Scope::Global,
            Pane::Volumes => Scope::Volumes,
            Pane::Networks => Scope::Networks,
            Pane::Services | Pane::Tasks => Scope::Services,
            Pane::Nodes => Scope::Nodes,
            Pane::Logs | Pane::Console => Scope::Logs,
            Pane::Project => Scope::Project,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Containers => "Containers",
            Scope::Images => "Images",
            Scope::Volumes => "Volumes",
            Scope::Networks => "Networks",
            Scope::Services => "Services",
            Scope::Nodes => "Nodes",
            Scope::Logs => "Logs",
            Scope::Project => "Project",
        }
    }
}

/// The dashboard's bindings. Vim-style and arrow keys both work out of the box.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Scope, KeyBinding, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCode::*;
        let p = KeyBinding::plain;
        let c = |ch| p(Char(ch));
        let global = vec![
            (c('q'), Action::Quit),
            (KeyBinding::ctrl('c'), Action::Quit),
            (p(Tab), Action::NextPane),
            (p(BackTab), Action::PrevPane),
            (c('1'), Action::FocusContainers),
            (c('2'), Action::FocusImages),
            (c('3'), Action::FocusPorts),
            (c('4'), Action::FocusEnv),
            (c('5'), Action::FocusLogs),
            (c('z'), Action::ZoomLogs),
            (c('k'), Action::Up),
            (p(Up), Action::Up),
            (c('j'), Action::Down),
            (p(Down), Action::Down),
            (c('g'), Action::Top),
            (p(Home), Action::Top),
            (c('G'), Action::Bottom),
            (p(End), Action::Bottom),
            (p(PageUp), Action::PageUp),
            (KeyBinding::ctrl('u'), Action::PageUp),
            (p(PageDown), Action::PageDown),
            (KeyBinding::ctrl('d'), Action::PageDown),
            (c('/'), Action::Filter),
            (c('?'), Action::Help),
            (c('a'), Action::ToggleAll),
            (c('v'), Action::RevealSecrets),
            (KeyBinding::ctrl('r'), Action::Refresh),
            (c('n'), Action::NewContainer),
            (c('p'), Action::Presets),
            (c('D'), Action::DiskUsage),
            (c('C'), Action::PickEndpoint),
            (c('H'), Action::Hosts),
            (c('6'), Action::FocusVolumes),
            (c('7'), Action::FocusNetworks),
            (c('8'), Action::FocusEvents),
            (c('I'), Action::Inspect),
            (c('X'), Action::Prune),
            (c('9'), Action::FocusServices),
            (c('0'), Action::FocusNodes),
            (c('y'), Action::FocusProject),
        ];
        let containers = vec![
            (c('u'), Action::Start),
            (c('s'), Action::Stop),
            (c('r'), Action::Restart),
            (c('P'), Action::TogglePause),
            (c('K'), Action::Kill),
            (c('d'), Action::Remove),
            (c(' '), Action::Mark),
            (c('M'), Action::MergeLogs),
            (c('e'), Action::OpenShell),
            (c('E'), Action::OpenCommand),
            (c('A'), Action::Attach),
            (c('o'), Action::SortNext),
            (c('O'), Action::SortReverse),
            (c('i'), Action::StatsInterval),
            (c('c'), Action::GroupProjects),
            (c('h'), Action::FoldProject),
            (p(Left), Action::FoldProject),
            (c('l'), Action::UnfoldProject),
            (p(Right), Action::UnfoldProject),
            (c('='), Action::MarkProject),
            (c('t'), Action::Processes),
            (c('R'), Action::EditContainer),
            (c('Y'), Action::DuplicateContainer),
            (c('w'), Action::RunCommand),
            (c('F'), Action::Files),
            (c('T'), Action::ThrowAwayClient),
        ];
        let images = vec![
            (c('p'), Action::PullImage),
            (c('d'), Action::RemoveImage),
            (c('n'), Action::RunImage),
            (p(Enter), Action::ImageDetails),
            (c('b'), Action::BuildImage),
            (c('t'), Action::TagImage),
            (c('P'), Action::PushImage),
            (c('o'), Action::SortImages),
            (c('O'), Action::SortImagesReverse),
            (c('f'), Action::ImageFilter),
        ];
        let volumes = vec![(c('n'), Action::CreateVolume), (c('d'), Action::RemoveVolume)];
        let networks = vec![
            (c('n'), Action::CreateNetwork),
            (c('d'), Action::RemoveNetwork),
            (c('c'), Action::ConnectNetwork),
            (c('x'), Action::DisconnectNetwork),
        ];
        let services = vec![
            (p(Enter), Action::ServiceLogs),
            (c('='), Action::ScaleService),
            (c('U'), Action::UpdateService),
            (c('R'), Action::RollbackService),
            (c('d'), Action::RemoveService),
            (c('n'), Action::CreateService),
            (c('h'), Action::FoldStack),
            (p(Left), Action::FoldStack),
            (c('l'), Action::UnfoldStack),
            (p(Right), Action::UnfoldStack),
        ];
        let nodes = vec![(c('d'), Action::DrainNode), (c('a'), Action::ActivateNode)];
        let logs = vec![
            (c('f'), Action::LogFilter),
            (c('F'), Action::LogRegexFilter),
            (c('n'), Action::NextMatch),
            (c('N'), Action::PrevMatch),
            (c('w'), Action::ToggleWrap),
            (c('h'), Action::ScrollLeft),
            (p(Left), Action::ScrollLeft),
            (c('l'), Action::ScrollRight),
            (p(Right), Action::ScrollRight),
            (c('t'), Action::ToggleTimestamps),
            (c('s'), Action::CycleSince),
            (c('y'), Action::CopyLine),
            (c('S'), Action::SaveLogs),
            (c('W'), Action::SaveFullLog),
        ];
        let project = vec![
            (c('u'), Action::ComposeUp),
            (c('U'), Action::ComposeUpService),
            (c('d'), Action::ComposeDown),
            (c('V'), Action::ComposeDownVolumes),
            (c('S'), Action::ComposeStart),
            (c('s'), Action::ComposeStop),
            (c('r'), Action::ComposeRestart),
            (c('c'), Action::ComposeRecreate),
            (c('p'), Action::ComposePull),
            (c('B'), Action::ComposeBuild),
            (c('+'), Action::ComposeScaleUp),
            (c('-'), Action::ComposeScaleDown),
            (c('o'), Action::OpenComposeFile),
            (c('M'), Action::ProjectLogs),
        ];
        let bindings = [
            (Scope::Global, global),
            (Scope::Containers, containers),
            (Scope::Images, images),
            (Scope::Volumes, volumes),
            (Scope::Networks, networks),
            (Scope::Services, services),
            (Scope::Nodes, nodes),
            (Scope::Logs, logs),
            (Scope::Project, project),
        ]
        .into_iter()
        .flat_map(|(scope, list)| list.into_iter().map(move |(k, a)| (scope, k, a)))
        .collect();
        Self { bindings }
    }
}

/// The `[keys]` section of the config: per scope (`global`, `containers`, `images`,
/// `logs`), action name -> the keys for it. Named actions lose their default keys in
/// that scope; the rest keep theirs.
pub type KeyOverrides = std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<String>>>;

impl Keymap {
    /// The default keymap with the user's bindings applied. Errors name what is wrong:
    /// an unknown scope or action, a key that is not a key, or two actions on one key in
    /// the same scope.
    pub fn with_overrides(overrides: &KeyOverrides) -> Result<Self, String> {
        let mut map = Self::default();
        for (scope_name, actions) in overrides {
            let scope = match scope_name.as_str() {
                "global" => Scope::Global,
                "containers" => Scope::Containers,
                "images" => Scope::Images,
                "volumes" => Scope::Volumes,
                "networks" => Scope::Networks,
                "services" => Scope::Services,
                "nodes" => Scope::Nodes,
                "logs" => Scope::Logs,
                "project" => Scope::Project,
                other => {
                    return Err(format!(
                        "[keys.{other}]: no such place; use global, containers, images, volumes, networks, services, nodes, logs or project"
                    ));
                }
            };
            for (action_name, keys) in actions {
                let action: Action = serde::Deserialize::deserialize(serde::de::value::StrDeserializer::<
                    serde::de::value::Error,
                >::new(action_name))
                .map_err(|_| format!("[keys.{scope_name}] {action_name}: no such action (see config.example.toml)"))?;
                map.bindings.retain(|(s, _, a)| !(*s == scope && *a == action));
                for key in keys {
                    let binding =
                        KeyBinding::parse(key).map_err(|e| format!("[keys.{scope_name}] {action_name}: {e}"))?;
                    map.bindings.push((scope, binding, action));
                }
            }
        }
        // Two actions on one key in one place: name both.
        for (i, (scope, key, action)) in map.bindings.iter().enumerate() {
            if let Some((_, _, other)) =
                map.bindings[i + 1..].iter().find(|(s, k, a)| s == scope && k == key && a != action)
            {
                return Err(format!(
                    "{} is bound to both {} and {} in [keys.{}]",
                    key.label(),
                    action.config_name(),
                    other.config_name(),
                    scope.title().to_lowercase().replace("everywhere", "global")
                ));
            }
        }
        Ok(map)
    }

    /// The action for a key with `focus` on a pane: the pane's own binding, else the
    /// global one.
    pub fn action_for(&self, focus: Pane, event: &KeyEvent) -> Option<Action> {
        let key = KeyBinding::from_event(event);
        let find = |scope| self.bindings.iter().find(|(s, k, _)| *s == scope && *k == key).map(|(_, _, a)| *a);
        find(Scope::of(focus)).or_else(|| find(Scope::Global))
    }

    /// The first key bound to `action` (in any place), as on-screen hints name it:
    /// the user's own key when they rebound it. `None` when nothing is bound to it.
    pub fn label_of(&self, action: Action) -> Option<String> {
        self.bindings.iter().find(|(_, _, a)| *a == action).map(|(_, k, _)| k.label())
    }

    /// Per scope, each action once with every key bound to it, in table order: the
    /// help overlay.
    pub fn help_rows(&self) -> Vec<(Scope, Vec<(String, &'static str)>)> {
        /// An action with the labels of every key bound to it.
        type KeysOf = (Action, Vec<String>);
        let mut out: Vec<(Scope, Vec<KeysOf>)> = Vec::new();
        for (scope, key, action) in &self.bindings {
            if !out.iter().any(|(s, _)| s == scope) {
                out.push((*scope, Vec::new()));
            }
            let Some((_, rows)) = out.iter_mut().find(|(s, _)| s == scope) else { continue };
            match rows.iter_mut().find(|(a, _)| a == action) {
                Some((_, keys)) => keys.push(key.label()),
                None => rows.push((*action, vec![key.label()])),
            }
        }
        out.into_iter()
            .map(|(scope, rows)| (scope, rows.into_iter().map(|(a, keys)| (keys.join(" "), a.describe())).collect()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn vim_and_arrow_keys_both_work() {
        let map = Keymap::default();
        let at = |code, modifiers| map.action_for(Pane::Containers, &key(code, modifiers));
        assert_eq!(at(KeyCode::Char('j'), KeyModifiers::NONE), Some(Action::Down));
        assert_eq!(at(KeyCode::Down, KeyModifiers::NONE), Some(Action::Down));
        assert_eq!(at(KeyCode::Char('G'), KeyModifiers::SHIFT), Some(Action::Bottom));
        assert_eq!(at(KeyCode::BackTab, KeyModifiers::SHIFT), Some(Action::PrevPane));
        assert_eq!(at(KeyCode::Char('c'), KeyModifiers::CONTROL), Some(Action::Quit));
        assert_eq!(at(KeyCode::Char('?'), KeyModifiers::SHIFT), Some(Action::Help));
        assert_eq!(at(KeyCode::Char('x'), KeyModifiers::NONE), None);
    }

    #[test]
    fn keys_parse_as_the_config_writes_them() {
        let p = |t| KeyBinding::parse(t).unwrap();
        assert_eq!(p("ctrl-e"), KeyBinding::ctrl('e'));
        assert_eq!(p("Ctrl-E"), KeyBinding::ctrl('e'));
        assert_eq!(p("F5"), KeyBinding::plain(KeyCode::F(5)));
        assert_eq!(p("shift-tab"), KeyBinding::plain(KeyCode::BackTab));
        assert_eq!(p("G"), KeyBinding::plain(KeyCode::Char('G')));
        assert_eq!(p("pgdn"), KeyBinding::plain(KeyCode::PageDown));
        assert_eq!(p("space"), KeyBinding::plain(KeyCode::Char(' ')));
        assert_eq!(p("alt-x"), KeyBinding { code: KeyCode::Char('x'), modifiers: KeyModifiers::ALT });
        for bad in ["", "ctrl-", "F13", "hyper-x", "foo"] {
            assert!(KeyBinding::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overrides_replace_an_actions_keys_and_conflicts_are_named() {
        let mut o = KeyOverrides::new();
        o.entry("global".into()).or_default().insert("quit".into(), vec!["ctrl-q".into()]);
        let map = Keymap::with_overrides(&o).unwrap();
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(map.action_for(Pane::Containers, &q), None, "the default key is gone");
        assert_eq!(map.action_for(Pane::Containers, &ctrl_q), Some(Action::Quit));
        assert!(map.help_rows()[0].1.contains(&("Ctrl-q".to_string(), "quit")), "help shows what is in force");

        o.entry("global".into()).or_default().insert("refresh".into(), vec!["ctrl-q".into()]);
        let err = Keymap::with_overrides(&o).unwrap_err();
        assert!(err.contains("Ctrl-q is bound to both") && err.contains("quit") && err.contains("refresh"), "{err}");

        let mut bad = KeyOverrides::new();
        bad.entry("global".into()).or_default().insert("fly".into(), vec!["x".into()]);
        assert!(Keymap::with_overrides(&bad).unwrap_err().contains("fly: no such action"));
        let mut bad = KeyOverrides::new();
        bad.entry("everywhere".into()).or_default().insert("quit".into(), vec!["x".into()]);
        assert!(Keymap::with_overrides(&bad).unwrap_err().contains("no such place"));
    }

    #[test]
    fn a_panes_own_bindings_win() {
        let map = Keymap::default();
        let p = key(KeyCode::Char('p'), KeyModifiers::NONE);
        assert_eq!(map.action_for(Pane::Containers, &p), Some(Action::Presets));
        assert_eq!(map.action_for(Pane::Images, &p), Some(Action::PullImage));
        let d = key(KeyCode::Char('d'), KeyModifiers::NONE);
        assert_eq!(map.action_for(Pane::Env, &d), Some(Action::Remove), "detail panes act on the selected container");
        assert_eq!(map.action_for(Pane::Images, &d), Some(Action::RemoveImage));
    }

    #[test]
    fn help_lists_every_action_once() {
        let scopes = Keymap::default().help_rows();
        let (scope, rows) = &scopes[0];
        assert_eq!(*scope, Scope::Global);
        assert!(rows.contains(&("j ↓".to_string(), "down")));
        assert!(rows.contains(&("q Ctrl-c".to_string(), "quit")));
        for (_, rows) in &scopes {
            let mut descriptions: Vec<_> = rows.iter().map(|r| r.1).collect();
            descriptions.sort();
            descriptions.dedup();
            assert_eq!(descriptions.len(), rows.len());
        }
    }
}
