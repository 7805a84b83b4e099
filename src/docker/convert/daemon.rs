//! The daemon itself: what `/version` says it is, and its clock from `/info`.

use bollard::models::SystemVersion;
use serde::Deserialize;

use super::lenient;
use crate::model::parse_rfc3339;
use crate::model::{DaemonInfo, SwarmRole};
use crate::text::sanitize;

/// What `/version` says the daemon is. Its swarm role comes later, from `/info`.
pub fn daemon_info(host: &str, version: &SystemVersion, api_version: String) -> DaemonInfo {
    // Podman names itself among the components ("Podman Engine"); its platform name
    // is the OS ("linux/amd64/debian-12"). Docker's platform name is the product.
    let components = version.components.as_deref().unwrap_or_default();
    let podman = components.iter().find(|c| c.name.to_lowercase().contains("podman")).map(|c| c.name.clone());
    let engine = podman
        .or_else(|| version.platform.as_ref().map(|p| p.name.clone()).filter(|n| !n.is_empty() && !n.contains('/')))
        .unwrap_or_else(|| "Docker Engine".to_string());
    DaemonInfo {
        host: sanitize(host),
        engine: sanitize(&engine),
        version: sanitize(version.version.as_deref().unwrap_or("?")),
        api_version,
        swarm: SwarmRole::Standalone,
    }
}

/// `/info`'s clock.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct InfoClock {
    #[serde(deserialize_with = "lenient::value")]
    pub system_time: String,
}

/// The daemon's clock from its `/info` (`SystemTime`), in Unix seconds.
pub fn daemon_clock(info: &serde_json::Value) -> Option<i64> {
    parse_rfc3339(&InfoClock::deserialize(info).unwrap_or_default().system_time)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(name: &str) -> SystemVersion {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn docker_and_podman_name_themselves() {
        let docker = daemon_info("unix:///var/run/docker.sock", &version("version.json"), "1.41".into());
        assert_eq!((docker.engine.as_str(), docker.version.as_str()), ("Docker Engine", "20.10.24+dfsg1"));
        assert_eq!(docker.swarm, SwarmRole::Standalone);
        let podman = daemon_info("unix:///run/podman.sock", &version("version-podman.json"), "1.41".into());
        assert_eq!((podman.engine.as_str(), podman.version.as_str()), ("Podman Engine", "4.3.1"));
    }

    #[test]
    fn the_daemon_clock_comes_from_info() {
        let info = serde_json::json!({ "SystemTime": "2024-05-01T10:00:00.123456789Z" });
        assert_eq!(daemon_clock(&info), Some(1_714_557_600));
        assert_eq!(daemon_clock(&serde_json::json!({})), None);
        assert_eq!(daemon_clock(&serde_json::json!({"SystemTime": 5})), None);
    }
}
