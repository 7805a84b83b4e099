//! Everything wharf asks of the world, as data. The effect runner turns each into a task.
//!
//! Effects come in four kinds, and the kind decides the rules that apply:
//! - a `Read` asks the daemon one question and comes back as one `Msg::Answer`;
//! - a `Change` changes something on the daemon: `--read-only` refuses every one of
//!   them by their type (see `Change::refused`), whatever asked for it;
//! - a `Stream` starts, feeds or stops something long-lived (logs, consoles, stats);
//! - a `Local` effect works on wharf's own side (files, clipboard, timers, the choice
//!   of daemon).

use crate::model::{
    BuildSpec, ContainerAction, DaemonError, LaunchSpec, ObjectKind, PruneKind, RegistryAuth, SwarmChange,
};
use crate::state::{ConsoleTarget, RequestId, SessionId, StreamId};

use super::msg::Msg;
use crate::app::msg::{Done, Streamed};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Read(Read),
    Change(Change),
    Stream(Stream),
    Local(Local),
}

/// One question to the daemon, bounded by the runner's timeout; the answer comes back
/// as `Msg::Answer`, under the same name (the three views of an object's text, its
/// processes, JSON and image details, all come back as `Answer::Inspected`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    Containers {
        request: RequestId,
    },
    Images {
        request: RequestId,
    },
    /// A container's details (env, ports, TTY).
    Container {
        request: RequestId,
        id: String,
    },
    Volumes {
        request: RequestId,
    },
    Networks {
        request: RequestId,
    },
    Services {
        request: RequestId,
    },
    Nodes {
        request: RequestId,
    },
    Tasks {
        request: RequestId,
        service: String,
    },
    /// What the daemon is to a swarm now.
    SwarmRole,
    /// `docker system df`.
    DiskUsage,
    /// The processes running in a container, for the view titled `title`.
    Processes {
        id: String,
        title: String,
    },
    /// An object's full JSON for the inspect view.
    Object {
        kind: ObjectKind,
        id: String,
        title: String,
    },
    /// An image's layers and config, for its details view.
    ImageDetails {
        id: String,
        title: String,
    },
    /// The ports an image exposes, to open the launch form for it.
    ExposedPorts {
        id: String,
        image: String,
    },
    /// A container's inspect and its image's, raw: to fill the launch form from it
    /// (edit, duplicate) or to write the `docker run` command that makes it.
    ContainerConfig {
        id: String,
        name: String,
        purpose: ConfigUse,
    },
    /// The containers of a compose project (by its label).
    ProjectContainers {
        project: String,
    },
    /// A path in a container for the file browser: a directory's entries or the
    /// start of a file (a symlink followed).
    OpenPath {
        request: RequestId,
        id: String,
        path: String,
    },
}

/// What a container's settings are read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigUse {
    /// The form, to recreate it changed (`R`).
    Edit,
    /// The form, to make another like it (`Y`).
    Duplicate,
    /// The equivalent `docker run` command (`w`).
    Command,
}

impl Read {
    /// How many request timeouts the daemon gets for this one: some walk every layer
    /// or volume it has.
    pub fn patience(&self) -> u32 {
        match self {
            Read::DiskUsage => 3,
            // A directory's archive carries everything under it.
            Read::OpenPath { .. } => 3,
            _ => 1,
        }
    }
}

/// A change to a volume or network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectChange {
    CreateVolume {
        name: String,
    },
    RemoveVolume {
        name: String,
    },
    CreateNetwork {
        name: String,
    },
    RemoveNetwork {
        id: String,
    },
    /// Connect (`connect`) or disconnect a container and a network.
    Membership {
        network: String,
        container: String,
        connect: bool,
    },
}

/// The console a `-it` launch opens on its container: the session and its TTY size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachAtOnce {
    pub session: SessionId,
    pub cols: u16,
    pub rows: u16,
}

/// Everything that changes the daemon or runs something in a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Pull the image if missing, create, start; with `attach`, attach to it before
    /// it starts and run its console (`docker run -it`).
    Launch {
        request: RequestId,
        spec: LaunchSpec,
        attach: Option<AttachAtOnce>,
    },
    Pull {
        request: RequestId,
        reference: String,
    },
    Container {
        id: String,
        name: String,
        action: ContainerAction,
    },
    RemoveImage {
        id: String,
        name: String,
    },
    /// Create, remove, connect, disconnect: `change` says which; the result comes back
    /// as `Msg::Done(Done::Object)` with what to say: `done` ("removed volume data") or
    /// `failed` ("cannot remove volume data") and the daemon's reason.
    Object {
        change: ObjectChange,
        done: String,
        failed: String,
    },
    Prune {
        kind: PruneKind,
    },
    /// A change to a swarm; the result comes back as `Msg::Done(Done::Object)`.
    Swarm {
        change: SwarmChange,
        done: String,
        failed: String,
    },
    /// Build an image; output comes as `Done::BuildOutput`, the end as `Done::Built`.
    Build {
        request: RequestId,
        spec: Box<BuildSpec>,
    },
    /// Push `repo[:tag]` with the credentials wharf finds for its registry; progress
    /// as `Done::PullProgress`, the end as `Done::Push`.
    Push {
        request: RequestId,
        reference: String,
    },
    /// Give an image another name; the result comes back as `Done::Object`.
    Tag {
        source: String,
        target: String,
    },
    /// Log in to a registry through the daemon; kept as `docker login` keeps it
    /// (`keep`) or for this session only. The end as `Done::Login`.
    Login {
        request: RequestId,
        auth: RegistryAuth,
        keep: bool,
    },
    /// Recreate a container from the edit form: see `app::recreate`. Steps are told
    /// as `Done::RecreateStep`, the end as `Done::Recreate`.
    Recreate {
        request: RequestId,
        plan: Box<crate::launch::recreate::RecreatePlan>,
    },
    /// Open a console session (exec or attach) with a TTY of this size: an exec runs a
    /// process in the container, and attaching lets keys reach its own.
    OpenConsole {
        session: SessionId,
        container_id: String,
        target: ConsoleTarget,
        cols: u16,
        rows: u16,
    },
    /// Copy a host file or directory into a container directory (the file browser's
    /// `i`); progress as `Streamed::CopyProgress`, the end as `Streamed::CopyEnded`.
    CopyIn {
        copy: StreamId,
        container_id: String,
        dir: String,
        host: std::path::PathBuf,
        name: String,
        /// Asked and answered (a large copy): go ahead.
        confirmed: bool,
    },
    /// Carry out a compose operation on a project (see `app::compose_task`); progress
    /// comes back as `Done::ComposeProgress`, the end as `Done::Compose`.
    Compose {
        request: RequestId,
        project: Box<crate::compose::Project>,
        op: crate::app::compose_task::ComposeOp,
    },
}

impl Change {
    /// What read-only mode says to every change, at the key or where it would be sent.
    pub const READ_ONLY: &str = "wharf runs read-only (--read-only): it changes nothing on the daemon";

    /// The message that says this change failed with `error`, as the daemon's own
    /// failure would. Read-only mode answers every change with it; the match has no
    /// catch-all arm, so a new change cannot be added without saying how it is refused.
    pub fn refused(self, error: DaemonError) -> Msg {
        match self {
            Change::Launch { request, .. } => Msg::Done(Done::Launch { request, result: Err(error) }),
            Change::Recreate { request, .. } => Msg::Done(Done::Recreate { request, result: Err(error) }),
            Change::Pull { request, reference } => Msg::Done(Done::Pull { request, reference, result: Err(error) }),
            Change::Container { id, name, action } => Msg::Done(Done::Action { id, name, action, result: Err(error) }),
            Change::RemoveImage { id, name } => Msg::Done(Done::ImageRemoved { id, name, result: Err(error) }),
            Change::Object { done, failed, .. } | Change::Swarm { done, failed, .. } => {
                Msg::Done(Done::Object { done, failed, result: Err(error) })
            }
            Change::Prune { kind } => Msg::Done(Done::Prune { kind, result: Err(error) }),
            Change::Build { request, .. } => Msg::Done(Done::Built { request, result: Err(error) }),
            Change::Push { request, reference } => Msg::Done(Done::Push { request, reference, result: Err(error) }),
            Change::Tag { source, target } => Msg::Done(Done::Object {
                done: format!("tagged {target}"),
                failed: format!("cannot tag {source} as {target}"),
                result: Err(error),
            }),
            Change::Login { request, auth, .. } => {
                Msg::Done(Done::Login { request, server: auth.server, result: Err(error) })
            }
            Change::Compose { request, op, .. } => {
                Msg::Done(Done::Compose { request, verb: op.verb().to_string(), result: Err(error), login_for: None })
            }
            Change::CopyIn { copy, .. } => Msg::Stream(Streamed::CopyEnded { copy, result: Err(error.message) }),
            Change::OpenConsole { session, .. } => {
                Msg::Stream(Streamed::ConsoleEnded { session, exit_code: None, error: Some(error) })
            }
        }
    }
}

/// Long-lived streams and what steers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stream {
    /// Follow a container's logs; lines come back tagged with `stream` and `source`.
    FollowLogs {
        stream: StreamId,
        container_id: String,
        source: u8,
        /// Decides the framing: raw for a TTY, multiplexed otherwise.
        tty: bool,
        tail: u32,
        since: Option<i64>,
        timestamps: bool,
        /// `container_id` is a swarm service's id: read the service's logs.
        service: bool,
        /// Lines the pane keeps (its buffer's capacity): the log task passes over
        /// older ones of a batch instead of styling lines that would be dropped.
        keep: usize,
    },
    StopLogs {
        stream: StreamId,
    },
    /// Write a container's whole log (not only what the pane holds) to a new file
    /// readable by the user only, `limit` bytes at most; `save` names it for its
    /// progress and its cancel.
    SaveFullLog {
        save: StreamId,
        container_id: String,
        name: String,
        tty: bool,
        limit: u64,
    },
    /// Stop that save (its partial file is removed).
    CancelSave {
        save: StreamId,
    },
    /// Copy a path out of a container to `target` on the host (the file browser's
    /// `o`); progress as `Streamed::CopyProgress`, the end as `Streamed::CopyEnded`, or
    /// `Streamed::CopyAsk` first when `target` exists and `confirmed` is not set.
    CopyOut {
        copy: StreamId,
        container_id: String,
        path: String,
        target: std::path::PathBuf,
        total: Option<u64>,
        confirmed: bool,
    },
    /// Stop a copy in or out (a copy out removes what it made).
    CancelCopy {
        copy: StreamId,
    },
    /// Bytes typed into the console.
    ConsoleInput {
        session: SessionId,
        bytes: Vec<u8>,
    },
    /// The console pane changed size.
    ConsoleResize {
        session: SessionId,
        cols: u16,
        rows: u16,
    },
    CloseConsole {
        session: SessionId,
    },
    /// Stream the stats of this container (replacing any stream before).
    Stats {
        id: String,
    },
    StopStats,
    /// One cheap reading of each of these containers.
    StatsRound {
        ids: Vec<String>,
    },
    /// Stop the launch or pull sent under `request` (its pull, if one runs).
    Cancel {
        request: RequestId,
    },
    /// The hosts' watchers read their containers' stats (`on`: the overview is on
    /// screen) or stop reading them.
    FleetStats {
        on: bool,
    },
}

/// Work on wharf's own side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Local {
    /// Put text on the terminal's clipboard (OSC 52): wharf's own, deliberate write.
    CopyToClipboard { text: String },
    /// Write lines to a new file readable by the user only.
    SaveLogs { name: String, lines: Vec<String> },
    /// Remember the list's sort for the next start.
    SaveSort { sort: crate::state::Sort },
    /// `Msg::Settle` after a while: the container list is read once more then.
    Settle { after: std::time::Duration },
    /// `Msg::ListRested` after a while: until then no new container list is asked for.
    ListRest { after: std::time::Duration },
    /// Find the daemons the user can switch to (docker contexts, sockets, config hosts).
    ListEndpoints,
    /// Leave the daemon in use for this one.
    SwitchEndpoint { address: crate::model::DaemonAddress },
    /// Find and read a compose project's files (`Msg::ProjectRead`).
    ReadProject { options: crate::compose::ProjectOptions, cwd: std::path::PathBuf },
}

impl From<Read> for Effect {
    fn from(read: Read) -> Self {
        Effect::Read(read)
    }
}

impl From<Change> for Effect {
    fn from(change: Change) -> Self {
        Effect::Change(change)
    }
}

impl From<Stream> for Effect {
    fn from(stream: Stream) -> Self {
        Effect::Stream(stream)
    }
}

impl From<Local> for Effect {
    fn from(local: Local) -> Self {
        Effect::Local(local)
    }
}
