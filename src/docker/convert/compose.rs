//! Compose projects on the daemon: the create requests for a service's container, its
//! networks and volumes, and the project's containers read back from their labels.

use std::collections::HashMap;

use bollard::models::{
    ContainerCreateBody, EndpointSettings, HealthConfig, HostConfig, NetworkingConfig, PortBinding as ApiPortBinding,
    RestartPolicy as ApiRestartPolicy, RestartPolicyNameEnum,
};
use serde::Deserialize;

use super::lenient;
use crate::model::{
    ComposeContainerSpec, ContainerState, ContainerStatus, Health, HostPort, ProjectContainer, RestartPolicy,
};
use crate::text::sanitize;

/// The create request for one container of a service. Only its first network is
/// joined here (with aliases); the others are joined right after create.
pub fn compose_create_body(spec: &ComposeContainerSpec) -> ContainerCreateBody {
    let mut port_bindings: HashMap<String, Option<Vec<ApiPortBinding>>> = HashMap::new();
    for p in &spec.ports {
        let host_port = match p.host_port {
            HostPort::Random => String::new(),
            HostPort::Port(n) => n.to_string(),
            HostPort::Range(a, b) => format!("{a}-{b}"),
        };
        port_bindings
            .entry(format!("{}/{}", p.container_port, p.protocol))
            .or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(ApiPortBinding { host_ip: Some(p.host_ip.clone()), host_port: Some(host_port) });
    }
    let mut exposed: Vec<String> = port_bindings.keys().cloned().collect();
    exposed.extend(spec.exposed.iter().cloned());
    exposed.sort();
    exposed.dedup();
    let restart = match spec.restart {
        RestartPolicy::No => None,
        RestartPolicy::Always => Some((RestartPolicyNameEnum::ALWAYS, None)),
        RestartPolicy::UnlessStopped => Some((RestartPolicyNameEnum::UNLESS_STOPPED, None)),
        RestartPolicy::OnFailure(n) => Some((RestartPolicyNameEnum::ON_FAILURE, n.map(i64::from))),
    };
    let networking = spec.networks.first().map(|(name, aliases)| NetworkingConfig {
        endpoints_config: Some(HashMap::from([(
            name.clone(),
            EndpointSettings { aliases: Some(aliases.clone()), ..Default::default() },
        )])),
    });
    ContainerCreateBody {
        image: Some(spec.image.clone()),
        env: Some(spec.env.clone()),
        cmd: spec.command.clone(),
        entrypoint: spec.entrypoint.clone(),
        exposed_ports: (!exposed.is_empty()).then_some(exposed),
        volumes: (!spec.anonymous_volumes.is_empty()).then(|| spec.anonymous_volumes.clone()),
        working_dir: spec.working_dir.clone(),
        user: spec.user.clone(),
        hostname: spec.hostname.clone(),
        tty: Some(spec.tty),
        open_stdin: Some(spec.stdin_open),
        attach_stdin: Some(false),
        labels: Some(spec.labels.clone().into_iter().collect()),
        healthcheck: spec.healthcheck.as_ref().map(|h| HealthConfig {
            test: Some(h.test.clone()),
            interval: Some(h.interval_ns),
            timeout: Some(h.timeout_ns),
            retries: Some(h.retries),
            start_period: Some(h.start_period_ns),
            ..Default::default()
        }),
        host_config: Some(HostConfig {
            port_bindings: (!port_bindings.is_empty()).then_some(port_bindings),
            binds: (!spec.binds.is_empty()).then(|| spec.binds.clone()),
            restart_policy: restart.map(|(name, max)| ApiRestartPolicy { name: Some(name), maximum_retry_count: max }),
            network_mode: spec.networks.first().map(|(name, _)| name.clone()),
            ..Default::default()
        }),
        networking_config: networking,
        ..Default::default()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListedContainer {
    #[serde(rename = "Id")]
    id: String,
    #[serde(rename = "Names")]
    names: Vec<String>,
    #[serde(rename = "Image")]
    image: String,
    #[serde(rename = "State")]
    state: String,
    #[serde(rename = "Status")]
    status: String,
    #[serde(rename = "Labels", deserialize_with = "lenient::value")]
    labels: HashMap<String, String>,
}

/// The containers of a project from `/containers/json?all=1&filters=label=...`, one
/// odd entry skipped rather than failing the list.
pub fn project_containers(json: &serde_json::Value) -> Vec<ProjectContainer> {
    lenient::each_in::<ListedContainer>(json, "container")
        .into_iter()
        .map(|c| {
            let label = |k: &str| sanitize(c.labels.get(k).map(String::as_str).unwrap_or_default());
            ProjectContainer {
                id: sanitize(&c.id),
                name: sanitize(c.names.first().map(|n| n.trim_start_matches('/')).unwrap_or_default()),
                service: label("com.docker.compose.service"),
                number: label("com.docker.compose.container-number").parse().unwrap_or(0),
                config_hash: label("com.docker.compose.config-hash"),
                oneoff: label("com.docker.compose.oneoff").eq_ignore_ascii_case("true"),
                state: ContainerState::parse(&c.state),
                health: Health::from_status(&c.status),
                image: sanitize(&c.image),
                status: sanitize(&c.status),
            }
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Inspected {
    #[serde(rename = "State")]
    state: InspectedState,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InspectedState {
    #[serde(rename = "Status")]
    status: String,
    #[serde(rename = "ExitCode")]
    exit_code: i64,
    #[serde(rename = "Health")]
    health: Option<InspectedHealth>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InspectedHealth {
    #[serde(rename = "Status")]
    status: String,
    #[serde(rename = "Log")]
    log: Vec<HealthLog>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HealthLog {
    #[serde(rename = "Output")]
    output: String,
}

/// How a container is doing, from its inspect JSON.
pub fn container_status(json: &[u8]) -> Result<ContainerStatus, serde_json::Error> {
    let inspected: Inspected = lenient::object(json)?;
    let health = inspected.state.health;
    Ok(ContainerStatus {
        state: ContainerState::parse(&inspected.state.status),
        exit_code: inspected.state.exit_code,
        health_output: health
            .as_ref()
            .and_then(|h| h.log.last())
            .map(|l| sanitize(l.output.trim()))
            .unwrap_or_default(),
        health: health.map(|h| sanitize(&h.status)).filter(|s| !s.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_project_containers_keep_their_labels() {
        let json = serde_json::json!([
            {"Id": "abc", "Names": ["/shop-app-1"], "Image": "busybox", "State": "running",
             "Status": "Up 2 seconds (healthy)",
             "Labels": {"com.docker.compose.service": "app", "com.docker.compose.container-number": "1",
                        "com.docker.compose.config-hash": "h", "com.docker.compose.oneoff": "False"}},
            {"Id": 7}
        ]);
        let rows = project_containers(&json);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].name.as_str(), rows[0].service.as_str(), rows[0].number), ("shop-app-1", "app", 1));
        assert_eq!(rows[0].health, Some(Health::Healthy));
        assert!(!rows[0].oneoff);
    }

    #[test]
    fn status_from_inspect() {
        let json = br#"{"State": {"Status": "exited", "ExitCode": 3, "Health": {"Status": "unhealthy", "Log": [{"Output": "no\n"}]}}}"#;
        let status = container_status(json).unwrap();
        assert_eq!(status.state, ContainerState::Exited);
        assert_eq!(status.exit_code, 3);
        assert_eq!(status.health.as_deref(), Some("unhealthy"));
        assert_eq!(status.health_output, "no");
    }
}
