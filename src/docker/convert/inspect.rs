//! `GET /containers/{id}/json`: a container's ports, env, TTY flag and healthcheck.
//!
//! Every field here is read leniently, at every depth: the details pane shows the env
//! and the log pane needs the TTY flag to decode the logs, so one field in a shape
//! wharf does not expect (Podman sends `Config.Entrypoint` as a string and states
//! such as `stopped`) must never cost the whole answer.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::lenient::{self, Words};
use crate::model::{ContainerDetails, EnvVar, HealthCheck, PortMapping, Protocol};
use crate::text::sanitize;

/// A container's inspect answer, the parts wharf reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ContainerInspect {
    #[serde(deserialize_with = "lenient::value")]
    pub id: String,
    #[serde(deserialize_with = "lenient::value")]
    pub config: ContainerConfig,
    #[serde(deserialize_with = "lenient::value")]
    pub state: ContainerStateInfo,
    #[serde(deserialize_with = "lenient::value")]
    pub network_settings: NetworkSettings,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ContainerConfig {
    /// `KEY=value` or a bare `KEY`.
    #[serde(deserialize_with = "lenient::list")]
    pub env: Vec<String>,
    #[serde(deserialize_with = "lenient::value")]
    pub tty: bool,
    /// `6379/tcp` -> `{}`.
    #[serde(deserialize_with = "lenient::value")]
    pub exposed_ports: HashMap<String, IgnoredAny>,
    #[serde(deserialize_with = "lenient::value")]
    pub entrypoint: Words,
    #[serde(deserialize_with = "lenient::value")]
    pub cmd: Words,
    #[serde(deserialize_with = "lenient::value")]
    pub image: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ContainerStateInfo {
    /// `running`, `exited`, ...; kept as text (Podman says `stopped`).
    #[serde(deserialize_with = "lenient::value")]
    pub status: String,
    #[serde(deserialize_with = "lenient::value")]
    pub health: Option<HealthInfo>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct HealthInfo {
    /// `starting`, `healthy`, `unhealthy`; kept as text.
    #[serde(deserialize_with = "lenient::value")]
    pub status: String,
    #[serde(deserialize_with = "lenient::value")]
    pub failing_streak: i64,
    #[serde(deserialize_with = "lenient::list")]
    pub log: Vec<HealthLog>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct HealthLog {
    #[serde(deserialize_with = "lenient::value")]
    pub exit_code: Option<i64>,
    #[serde(deserialize_with = "lenient::value")]
    pub output: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct NetworkSettings {
    /// `6379/tcp` -> the host addresses it is bound to (null when only exposed).
    #[serde(deserialize_with = "lenient::value")]
    pub ports: HashMap<String, Option<Vec<PortBinding>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct PortBinding {
    #[serde(deserialize_with = "lenient::value")]
    pub host_ip: String,
    #[serde(deserialize_with = "lenient::value")]
    pub host_port: String,
}

/// Reads an inspect answer. Only an answer that is not a JSON object is an error.
pub fn container_details(json: &[u8]) -> Result<ContainerDetails, serde_json::Error> {
    Ok(details(&lenient::object(json)?))
}

/// Ports and env of a container. Published ports come from `NetworkSettings.Ports`
/// (what the daemon actually bound); ports the image or the container only exposes
/// are listed without a host side.
pub fn details(inspect: &ContainerInspect) -> ContainerDetails {
    let config = &inspect.config;
    let mut ports: Vec<PortMapping> = Vec::new();
    for (spec, bindings) in &inspect.network_settings.ports {
        let Some((container_port, protocol)) = parse_port_key(spec) else { continue };
        match bindings.as_deref() {
            Some(list) if !list.is_empty() => {
                for b in list {
                    ports.push(PortMapping {
                        container_port,
                        protocol,
                        host_ip: sanitize(&b.host_ip),
                        host_port: b.host_port.parse().ok().filter(|p| *p != 0),
                    });
                }
            }
            _ => ports.push(PortMapping { container_port, protocol, host_ip: String::new(), host_port: None }),
        }
    }
    // A stopped container has no bound ports; fall back to what its config exposes.
    for spec in config.exposed_ports.keys() {
        if let Some((container_port, protocol)) = parse_port_key(spec)
            && !ports.iter().any(|p| p.container_port == container_port && p.protocol == protocol)
        {
            ports.push(PortMapping { container_port, protocol, host_ip: String::new(), host_port: None });
        }
    }
    ports.sort();
    ports.dedup();
    let env = config
        .env
        .iter()
        .map(|raw| {
            let var = EnvVar::parse(raw);
            EnvVar { key: sanitize(&var.key), value: var.value.as_deref().map(sanitize) }
        })
        .collect();
    ContainerDetails {
        id: sanitize(&inspect.id),
        ports,
        env,
        tty: config.tty,
        // Podman sends a `Health` with an empty status for a container without a check.
        health: inspect.state.health.as_ref().filter(|h| !h.status.is_empty()).map(|h| {
            let last = h.log.last();
            HealthCheck {
                status: sanitize(&h.status),
                failing_streak: h.failing_streak,
                last_exit_code: last.and_then(|l| l.exit_code),
                last_output: sanitize(last.map(|l| l.output.as_str()).unwrap_or_default().trim()),
            }
        }),
    }
}

/// `6379/tcp` -> (6379, tcp). A key without a protocol means tcp.
pub fn parse_port_key(spec: &str) -> Option<(u16, Protocol)> {
    let (port, proto) = spec.split_once('/').unwrap_or((spec, "tcp"));
    Some((port.parse().ok()?, Protocol::parse(proto)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::convert::test_fixtures::fixture_bytes as fixture;

    #[test]
    fn inspect_gives_bound_and_exposed_ports_and_env() {
        let json = br#"{
            "Id": "abc",
            "Config": {"Tty": false, "Env": ["A=1", "EMPTY=", "BARE", "PASSWORD=hunter2"],
                       "ExposedPorts": {"6379/tcp": {}, "9000/tcp": {}, "53/udp": {}}},
            "NetworkSettings": {"Ports": {
                "6379/tcp": [{"HostIp": "127.0.0.1", "HostPort": "40001"}],
                "53/udp": [{"HostIp": "0.0.0.0", "HostPort": "5353"}],
                "9000/tcp": null
            }}
        }"#;
        let details = container_details(json).unwrap();
        let short: Vec<String> = details.ports.iter().map(PortMapping::short).collect();
        assert_eq!(short, vec!["5353->53/udp", "127.0.0.1:40001->6379/tcp", "9000/tcp"]);
        assert_eq!(details.env[1], EnvVar { key: "EMPTY".into(), value: Some(String::new()) });
        assert_eq!(details.env[2], EnvVar { key: "BARE".into(), value: None });
        assert!(details.env[3].looks_secret());
        assert!(container_details(b"[]").is_err(), "a list is no inspect answer");
    }

    /// Issue 15 item 4: Podman answers with a string `Config.Entrypoint` and a state
    /// Docker does not know; the env, the TTY flag (the log pane needs it) and the
    /// ports must still come through.
    #[test]
    fn a_podman_inspect_still_gives_env_tty_and_ports() {
        let json = fixture("inspect-podman.json");
        let inspect: ContainerInspect = serde_json::from_slice(&json).unwrap();
        assert_eq!(inspect.state.status, "stopped");
        assert_eq!(inspect.config.entrypoint, Words(vec!["/bin/sh".into()]));
        assert_eq!(inspect.config.cmd.0, ["sleep", "5"]);
        let details = details(&inspect);
        assert!(details.id.starts_with("ffa0384c"), "{details:?}");
        assert!(details.tty);
        let keys: Vec<&str> = details.env.iter().map(|e| e.key.as_str()).collect();
        assert!(keys.contains(&"GREETING") && keys.contains(&"DB_PASSWORD"), "{keys:?}");
        let short: Vec<String> = details.ports.iter().map(PortMapping::short).collect();
        assert_eq!(short, ["127.0.0.1:18080->80/tcp"]);
        assert_eq!(details.health, None, "Podman's empty Health is no healthcheck");
    }

    #[test]
    fn odd_fields_cost_only_themselves() {
        let json = br#"{
            "Id": 42,
            "Config": {"Env": ["A=1", 7, null, "B=2"], "Tty": "yes", "ExposedPorts": ["80/tcp"],
                       "Entrypoint": {"odd": true}, "Cmd": null},
            "State": {"Status": 3, "Health": {"Status": "healthy", "FailingStreak": "x",
                      "Log": [{"ExitCode": 0, "Output": " ok \n"}]}},
            "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "", "HostPort": 8080}], "bogus": null}}
        }"#;
        let details = container_details(json).unwrap();
        assert_eq!(details.id, "");
        let keys: Vec<&str> = details.env.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["A", "B"]);
        assert!(!details.tty);
        let health = details.health.unwrap();
        assert_eq!((health.status.as_str(), health.failing_streak), ("healthy", 0));
        assert_eq!((health.last_exit_code, health.last_output.as_str()), (Some(0), "ok"));
        // A host port sent as a number is no port text: the binding stays, its host side unknown.
        let short: Vec<String> = details.ports.iter().map(PortMapping::short).collect();
        assert_eq!(short, ["80/tcp"]);
    }

    #[test]
    fn captured_inspects_convert() {
        for name in ["finished", "hostile", "mysql", "redis", "web"] {
            let json = fixture(&format!("inspect-{name}.json"));
            let details = container_details(&json).unwrap();
            assert!(!details.id.is_empty(), "{name}");
            assert!(!details.env.is_empty(), "{name}");
            let all = format!("{details:?}");
            assert!(!all.contains('\u{1b}') && !all.contains('\u{7}'), "{name} is sanitised");
        }
        let web = container_details(&fixture("inspect-web.json")).unwrap();
        assert!(!web.ports.is_empty());
    }
}
