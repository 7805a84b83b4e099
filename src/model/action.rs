//! Lifecycle actions on containers and images, and the progress of an image pull.

use std::fmt;

use super::ContainerState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainerAction {
    Start,
    Stop,
    Restart,
    Pause,
    Unpause,
    Kill,
    /// `force` removes a running container; `volumes` also removes its anonymous volumes.
    Remove {
        force: bool,
        volumes: bool,
    },
}

impl ContainerAction {
    pub fn verb(self) -> &'static str {
        match self {
            ContainerAction::Start => "start",
            ContainerAction::Stop => "stop",
            ContainerAction::Restart => "restart",
            ContainerAction::Pause => "pause",
            ContainerAction::Unpause => "unpause",
            ContainerAction::Kill => "kill",
            ContainerAction::Remove { .. } => "remove",
        }
    }

    pub fn progressive(self) -> &'static str {
        match self {
            ContainerAction::Start => "starting",
            ContainerAction::Stop => "stopping",
            ContainerAction::Restart => "restarting",
            ContainerAction::Pause => "pausing",
            ContainerAction::Unpause => "unpausing",
            ContainerAction::Kill => "killing",
            ContainerAction::Remove { .. } => "removing",
        }
    }

    pub fn past(self) -> &'static str {
        match self {
            ContainerAction::Start => "started",
            ContainerAction::Stop => "stopped",
            ContainerAction::Restart => "restarted",
            ContainerAction::Pause => "paused",
            ContainerAction::Unpause => "unpaused",
            ContainerAction::Kill => "killed",
            ContainerAction::Remove { .. } => "removed",
        }
    }

    /// Why the action cannot apply to a container in `state`, if it cannot: refused with
    /// a reason up front instead of sending a request the daemon would reject.
    pub fn refusal(self, state: &ContainerState) -> Option<&'static str> {
        let running = matches!(state, ContainerState::Running | ContainerState::Restarting);
        match self {
            ContainerAction::Start if running => Some("it is already running"),
            ContainerAction::Start if *state == ContainerState::Paused => Some("it is paused (unpause it)"),
            ContainerAction::Pause if *state == ContainerState::Paused => Some("it is already paused"),
            ContainerAction::Pause | ContainerAction::Kill if !running && *state != ContainerState::Paused => {
                Some("it is not running")
            }
            ContainerAction::Unpause if *state != ContainerState::Paused => Some("it is not paused"),
            ContainerAction::Stop if !running && *state != ContainerState::Paused => Some("it is not running"),
            _ => None,
        }
    }
}

impl fmt::Display for ContainerAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())
    }
}

/// One line of an image pull's progress, per layer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PullProgress {
    /// The layer id (empty for messages about the whole pull).
    pub layer: String,
    /// `Downloading`, `Extracting`, `Pull complete`, ...
    pub status: String,
    pub current: u64,
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inapplicable_actions_are_refused_with_a_reason() {
        use ContainerAction::*;
        let exited = ContainerState::Exited;
        assert_eq!(Kill.refusal(&exited), Some("it is not running"));
        assert_eq!(Pause.refusal(&exited), Some("it is not running"));
        assert_eq!(Unpause.refusal(&ContainerState::Running), Some("it is not paused"));
        assert_eq!(Start.refusal(&ContainerState::Running), Some("it is already running"));
        assert_eq!(Start.refusal(&exited), None);
        assert_eq!(Restart.refusal(&exited), None);
        assert_eq!(Remove { force: false, volumes: false }.refusal(&exited), None);
        assert_eq!(Kill.refusal(&ContainerState::Paused), None);
    }
}
