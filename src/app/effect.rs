//! Everything wharf asks of the world, as data. The effect runner turns each into a task.

use crate::model::{ContainerAction, LaunchSpec};
use crate::state::{ConsoleTarget, RequestId, SessionId, StreamId};

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    ListContainers {
        request: RequestId,
    },
    ListImages {
        request: RequestId,
    },
    InspectContainer {
        request: RequestId,
        id: String,
    },
    /// Pull the image if missing, create, start.
    Launch {
        request: RequestId,
        spec: LaunchSpec,
    },
    Pull {
        request: RequestId,
        reference: String,
    },
    /// Stop the launch or pull sent under `request` (its pull, if one runs).
    Cancel {
        request: RequestId,
    },
    ContainerAction {
        id: String,
        name: String,
        action: ContainerAction,
    },
    RemoveImage {
        id: String,
        name: String,
    },
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
    },
    StopLogs {
        stream: StreamId,
    },
    /// Put text on the terminal's clipboard (OSC 52): wharf's own, deliberate write.
    CopyToClipboard {
        text: String,
    },
    /// Write lines to a new file readable by the user only.
    SaveLogs {
        name: String,
        lines: Vec<String>,
    },
    /// Write a container's whole log (not only what the pane holds) to such a file.
    SaveFullLog {
        container_id: String,
        name: String,
        tty: bool,
    },
    /// Open a console session (exec or attach) with a TTY of this size.
    OpenConsole {
        session: SessionId,
        container_id: String,
        target: ConsoleTarget,
        cols: u16,
        rows: u16,
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
    StatsStream {
        id: String,
    },
    StopStatsStream,
    /// One cheap reading of each of these containers.
    StatsRound {
        ids: Vec<String>,
    },
    DiskUsage,
    /// Remember the list's sort for the next start.
    SaveSort {
        sort: crate::state::Sort,
    },
    ListVolumes {
        request: RequestId,
    },
    ListNetworks {
        request: RequestId,
    },
    /// `Msg::Settle` after a while: the container list is read once more then.
    Settle {
        after: std::time::Duration,
    },
    /// The processes running in a container, for the view titled `title`.
    Processes {
        id: String,
        title: String,
    },
    /// Read an object's full JSON for the inspect view.
    InspectObject {
        kind: crate::model::ObjectKind,
        id: String,
        title: String,
    },
    /// Open the launch form for an image, its exposed ports filled in.
    RunImage {
        id: String,
        image: String,
    },
    /// An image's layers and config, for its details view.
    ImageDetails {
        id: String,
        title: String,
    },
    /// Create, remove, connect, disconnect: `change` says which; the result comes back
    /// as `Msg::ObjectChanged` with what to say: `done` ("removed volume data") or
    /// `failed` ("cannot remove volume data") and the daemon's reason.
    ChangeObject {
        change: ObjectChange,
        done: String,
        failed: String,
    },
    Prune {
        kind: crate::model::PruneKind,
    },
    /// Read again what the daemon is to a swarm.
    ReadSwarmRole,
    ListServices {
        request: RequestId,
    },
    ListNodes {
        request: RequestId,
    },
    ListTasks {
        request: RequestId,
        service: String,
    },
    /// A change to a swarm; the result comes back as `Msg::ObjectChanged`.
    Swarm {
        change: crate::model::SwarmChange,
        done: String,
        failed: String,
    },
    /// Find the daemons the user can switch to (docker contexts, sockets, config hosts).
    ListEndpoints,
    /// Leave the daemon in use for this one.
    SwitchEndpoint {
        address: crate::model::DaemonAddress,
    },
}
