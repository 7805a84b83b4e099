//! Everything that happens to wharf, as data.

use std::time::Duration;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::logs::LogLine;
use crate::model::{
    ContainerAction, ContainerDetails, ContainerRow, DaemonError, DaemonEvent, DaemonInfo, ImageRow, ListHead,
    PullProgress,
};
use crate::state::{RequestId, SessionId, StreamId};

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// A clock tick carrying the wall-clock time (Unix seconds): `update` never reads
    /// the clock itself.
    Tick {
        now: i64,
    },
    /// The connection supervisor reached the daemon.
    Connected(DaemonInfo),
    /// The daemon could not be reached (or went away); the supervisor retries by itself.
    ConnectionDown {
        error: DaemonError,
        retry_in: Duration,
    },
    /// The answer to an `Effect::Read`.
    Answer(Answer),
    /// How an `Effect::Change` went.
    Done(Done),
    /// What a long-lived stream (logs, consoles, stats) brought.
    Stream(Streamed),
    DaemonEvent(DaemonEvent),
    /// Time for the list that settles the last container events (see `Local::Settle`).
    Settle,
    /// The container list may be asked for again (see `Local::ListRest`).
    ListRested,
    /// The daemons the endpoint picker offers.
    EndpointsListed(Vec<crate::model::EndpointChoice>),
    /// News from the watcher of one of the config's hosts (the hosts overview).
    Fleet {
        host: usize,
        report: crate::model::FleetReport,
    },
    /// A compose project's files, read (`Local::ReadProject`), or what is wrong with them.
    ProjectRead(Result<Box<crate::compose::Project>, String>),
    /// The local time zone, read beside the first screen at start: jiff reads the zone
    /// database's directories to name it (~28 ms under strace here), which the first
    /// screen does not wait for. Times show in UTC until then.
    LocalZone(crate::local_time::Zone),
}

/// What the daemon answered to a read (`Effect::Read`), under the read's name.
#[derive(Debug, Clone)]
pub enum Answer {
    Containers {
        request: RequestId,
        result: Result<Vec<ContainerRow>, DaemonError>,
    },
    /// The head of the list, asked for alongside the connection's first round trip
    /// (the daemon at `host`), before wharf is connected: shown until the connection's
    /// own list comes.
    FirstContainers {
        host: String,
        head: ListHead,
    },
    Images {
        request: RequestId,
        result: Result<Vec<ImageRow>, DaemonError>,
    },
    Container {
        request: RequestId,
        id: String,
        result: Result<ContainerDetails, DaemonError>,
    },
    Volumes {
        request: RequestId,
        result: Result<Vec<crate::model::VolumeRow>, DaemonError>,
    },
    Networks {
        request: RequestId,
        result: Result<Vec<crate::model::NetworkRow>, DaemonError>,
    },
    Services {
        request: RequestId,
        result: Result<Vec<crate::model::ServiceRow>, DaemonError>,
    },
    Nodes {
        request: RequestId,
        result: Result<Vec<crate::model::NodeRow>, DaemonError>,
    },
    Tasks {
        request: RequestId,
        service: String,
        result: Result<Vec<crate::model::TaskRow>, DaemonError>,
    },
    /// A daemon that does not say is taken for a standalone engine.
    SwarmRole(crate::model::SwarmRole),
    DiskUsage(Result<crate::model::DiskUsage, DaemonError>),
    /// The lines of an inspect, processes or image details view, or why not.
    Inspected {
        title: String,
        result: Result<Vec<String>, DaemonError>,
    },
    /// The image a launch form is to open for, with its exposed ports (or why not).
    ExposedPorts {
        image: String,
        ports: Result<Vec<(u16, crate::model::Protocol)>, DaemonError>,
    },
    /// A container's inspect and its image's (`None` when the image is gone), raw.
    ContainerConfig {
        id: String,
        name: String,
        purpose: crate::app::effect::ConfigUse,
        result: Result<Box<(serde_json::Value, Option<serde_json::Value>)>, DaemonError>,
    },
    ProjectContainers {
        project: String,
        result: Result<Vec<crate::model::ProjectContainer>, DaemonError>,
    },
    /// What a path opened to (`Read::OpenPath`), under the path it resolved to.
    OpenedPath {
        request: RequestId,
        result: Result<(String, crate::model::Opened), DaemonError>,
    },
}

/// How a change (`Effect::Change`) went: every change ends in one of these, and
/// `Change::refused` gives the one that says it was not made.
#[derive(Debug, Clone)]
pub enum Done {
    /// Progress of the pull behind a launch or an explicit pull.
    PullProgress {
        request: RequestId,
        progress: PullProgress,
    },
    /// A launch ended: the new container's id, or why not.
    Launch {
        request: RequestId,
        result: Result<String, DaemonError>,
    },
    Pull {
        request: RequestId,
        reference: String,
        result: Result<(), DaemonError>,
    },
    /// A recreate began a step (said in words).
    RecreateStep {
        request: RequestId,
        step: String,
    },
    /// A recreate ended: the new container's id, or which step failed and what was
    /// put back.
    Recreate {
        request: RequestId,
        result: Result<String, DaemonError>,
    },
    Action {
        id: String,
        name: String,
        action: ContainerAction,
        result: Result<(), DaemonError>,
    },
    ImageRemoved {
        id: String,
        name: String,
        result: Result<(), DaemonError>,
    },
    /// A volume, network or swarm change ended: `done` says what it did when it
    /// worked, `failed` what could not be done when it did not.
    Object {
        done: String,
        failed: String,
        result: Result<(), DaemonError>,
    },
    Prune {
        kind: crate::model::PruneKind,
        result: Result<crate::model::PruneReport, DaemonError>,
    },
    /// Something the build under `request` said.
    BuildOutput {
        request: RequestId,
        event: crate::model::BuildEvent,
    },
    /// A build ended: what it made, or why not (the daemon's words).
    Built {
        request: RequestId,
        result: Result<crate::model::BuildSummary, DaemonError>,
    },
    Push {
        request: RequestId,
        reference: String,
        result: Result<(), DaemonError>,
    },
    /// A login ended: where it was kept (`session` for this session only), or why not.
    Login {
        request: RequestId,
        server: String,
        result: Result<String, DaemonError>,
    },
    /// A step of a compose operation.
    ComposeProgress {
        request: RequestId,
        progress: crate::model::ComposeProgress,
    },
    /// A compose operation ended.
    Compose {
        request: RequestId,
        verb: String,
        result: Result<(), DaemonError>,
        /// The image whose registry refused a pull for lack of credentials: the login
        /// prompt opens for it.
        login_for: Option<String>,
    },
}

/// What a stream brought: log lines, console output, stats, and their ends.
#[derive(Debug, Clone)]
pub enum Streamed {
    /// A batch of lines from a log stream.
    LogLines {
        stream: StreamId,
        lines: Vec<LogLine>,
    },
    /// Lines of a log stream passed over unread: more came at once than the pane
    /// keeps, and these older ones would have been dropped on arrival.
    LogPassedOver {
        stream: StreamId,
        count: u64,
    },
    /// A log stream fell behind a flood and started again from the newest lines:
    /// those printed in between were never read.
    LogSkippedAhead {
        stream: StreamId,
    },
    /// A log stream ended: the container stopped (`None`) or the logs cannot be read.
    LogEnded {
        stream: StreamId,
        error: Option<DaemonError>,
    },
    /// Logs were saved to this file, or why not.
    Saved {
        result: Result<String, String>,
    },
    /// A whole-log save (`Stream::SaveFullLog`) has written this many bytes so far.
    SaveProgress {
        save: StreamId,
        bytes: u64,
    },
    /// A whole-log save ended: the file, or why there is none.
    FullLogSaved {
        save: StreamId,
        result: Result<SavedLog, String>,
    },
    /// The console's command runs (`label`: which shell, or `attach`).
    ConsoleStarted {
        session: SessionId,
        label: String,
    },
    ConsoleOutput {
        session: SessionId,
        bytes: Vec<u8>,
    },
    /// The session ended: the process's exit code when known, or why it could not run.
    ConsoleEnded {
        session: SessionId,
        exit_code: Option<i64>,
        error: Option<DaemonError>,
    },
    /// A stats reading of a container (from its stream or a sampling round).
    Stats {
        id: String,
        sample: crate::model::StatsSample,
    },
    /// A sampling round is over (all its readings were sent).
    StatsRoundDone,
    /// A file browser copy got this far (`total` when known).
    CopyProgress {
        copy: StreamId,
        bytes: u64,
        total: Option<u64>,
    },
    /// A copy needs a yes first (something would be replaced, or it is large); it is
    /// sent again with `confirmed` on a yes.
    CopyAsk {
        copy: StreamId,
        question: String,
    },
    /// A copy ended: what it did, or why not.
    CopyEnded {
        copy: StreamId,
        result: Result<String, String>,
    },
}

/// A whole log saved to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedLog {
    pub path: String,
    pub bytes: u64,
    /// Stopped at the size limit: the log goes on past what the file holds.
    pub cut: bool,
}
