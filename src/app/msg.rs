//! Everything that happens to wharf, as data.

use std::time::Duration;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::model::{ContainerDetails, ContainerRow, DaemonError, DaemonEvent, DaemonInfo, ImageRow};
use crate::state::RequestId;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
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
    ContainersListed {
        request: RequestId,
        result: Result<Vec<ContainerRow>, DaemonError>,
    },
    ImagesListed {
        request: RequestId,
        result: Result<Vec<ImageRow>, DaemonError>,
    },
    ContainerInspected {
        request: RequestId,
        id: String,
        result: Result<ContainerDetails, DaemonError>,
    },
    DaemonEvent(DaemonEvent),
}
