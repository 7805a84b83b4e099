//! Everything wharf asks of the world, as data. The effect runner turns each into a task.

use crate::model::{ContainerAction, LaunchSpec};
use crate::state::RequestId;

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
}
