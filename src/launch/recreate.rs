//! Edit and recreate, as a plan: what to make, what it replaces, and how to tell that
//! the new container settled. The steps themselves run in `app::recreate`.

use serde_json::Value;

use crate::model::LaunchSpec;

/// How long a new container without a healthcheck must stay up before it replaces
/// the old one.
pub const SETTLE_SECS: u64 = 3;
/// How long a healthcheck gets to say `healthy`.
pub const HEALTHY_WITHIN_SECS: u64 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecreatePlan {
    pub old_id: String,
    pub old_name: String,
    /// The new container; its `name` is the one it ends with (the old one's, unless
    /// the user typed another).
    pub spec: LaunchSpec,
    /// The form asks for another image than the old container's: pull it first.
    pub pull: bool,
    /// The old container was running: the new one is started (and watched) in its place.
    pub was_running: bool,
    pub has_healthcheck: bool,
}

impl RecreatePlan {
    /// The name the new container is created under until it has proved itself.
    pub fn temporary_name(&self) -> String {
        format!("{}-wharf-new-{}", self.old_name, short(&self.old_id))
    }

    /// The name the old container steps aside to, just before it is removed.
    pub fn retired_name(&self) -> String {
        format!("{}-wharf-old-{}", self.old_name, short(&self.old_id))
    }

    /// The name the new container ends with.
    pub fn final_name(&self) -> String {
        self.spec.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| self.old_name.clone())
    }
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// What a new container's inspect says about it while it settles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settling {
    /// Still up (and, with a healthcheck, not yet healthy).
    Waiting,
    /// Up and healthy: no need to wait longer.
    Healthy,
    /// It stopped, restarted or turned unhealthy: why, in words.
    Failed(String),
}

/// Reads a container's inspect during the settle time.
pub fn settling(inspect: &Value) -> Settling {
    let state = inspect.get("State").unwrap_or(&Value::Null);
    let status = state.get("Status").and_then(Value::as_str).unwrap_or_default();
    let restarts = inspect.get("RestartCount").and_then(Value::as_i64).unwrap_or(0);
    if status != "running" || state.get("Restarting").and_then(Value::as_bool) == Some(true) || restarts > 0 {
        let code = state.get("ExitCode").and_then(Value::as_i64).unwrap_or(0);
        let error = state.get("Error").and_then(Value::as_str).filter(|e| !e.is_empty());
        let why = match error {
            Some(e) => format!("it stopped: {}", crate::text::sanitize(e)),
            None if restarts > 0 => format!("it restarted (exit code {code})"),
            None => format!("it did not stay up ({status}, exit code {code})"),
        };
        return Settling::Failed(why);
    }
    match state.pointer("/Health/Status").and_then(Value::as_str) {
        Some("healthy") => Settling::Healthy,
        Some("unhealthy") => {
            let output = state
                .pointer("/Health/Log")
                .and_then(Value::as_array)
                .and_then(|log| log.last())
                .and_then(|last| last.get("Output"))
                .and_then(Value::as_str)
                .map(|o| crate::text::sanitize(o.trim()))
                .unwrap_or_default();
            Settling::Failed(format!("its healthcheck failed: {output}"))
        }
        _ => Settling::Waiting,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_during_the_swap() {
        let plan = RecreatePlan {
            old_id: "0123456789abcdef".into(),
            old_name: "cache".into(),
            spec: LaunchSpec::default(),
            pull: false,
            was_running: true,
            has_healthcheck: false,
        };
        assert_eq!(plan.temporary_name(), "cache-wharf-new-01234567");
        assert_eq!(plan.retired_name(), "cache-wharf-old-01234567");
        assert_eq!(plan.final_name(), "cache");
        let renamed = RecreatePlan { spec: LaunchSpec { name: Some("cache2".into()), ..Default::default() }, ..plan };
        assert_eq!(renamed.final_name(), "cache2");
    }

    #[test]
    fn what_settling_looks_like() {
        let up = json!({"State": {"Status": "running"}, "RestartCount": 0});
        assert_eq!(settling(&up), Settling::Waiting);
        let exited = json!({"State": {"Status": "exited", "ExitCode": 1}, "RestartCount": 0});
        assert_eq!(settling(&exited), Settling::Failed("it did not stay up (exited, exit code 1)".into()));
        let restarted = json!({"State": {"Status": "running", "ExitCode": 3}, "RestartCount": 1});
        assert_eq!(settling(&restarted), Settling::Failed("it restarted (exit code 3)".into()));
        let healthy = json!({"State": {"Status": "running", "Health": {"Status": "healthy"}}});
        assert_eq!(settling(&healthy), Settling::Healthy);
        let starting = json!({"State": {"Status": "running", "Health": {"Status": "starting"}}});
        assert_eq!(settling(&starting), Settling::Waiting);
        let sick = json!({"State": {"Status": "running", "Health": {"Status": "unhealthy", "Log": [{"Output": "down\u{1b}[2J\n"}]}}});
        assert_eq!(settling(&sick), Settling::Failed("its healthcheck failed: down".into()));
    }
}
