//! Everything wharf asks of the world, as data. The effect runner turns each into a task.

use crate::state::RequestId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    ListContainers { request: RequestId },
    ListImages { request: RequestId },
    InspectContainer { request: RequestId, id: String },
}
