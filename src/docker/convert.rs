//! Pure conversion from the daemon's answers (bollard's models) to wharf's types.
//! Every string is sanitised here, once, so nothing downstream sees raw daemon text.

use bollard::models::{
    ContainerInspectResponse, ContainerSummary, EventMessage, EventMessageTypeEnum, ImageSummary, PortSummary,
    PortSummaryTypeEnum, SystemVersion,
};

use crate::model::{
    ContainerDetails, ContainerRow, ContainerState, DaemonEvent, DaemonInfo, EnvVar, EventKind, ImageRow, PortMapping,
    Protocol,
};
use crate::text::sanitize;

pub fn container_row(summary: &ContainerSummary) -> ContainerRow {
    // The daemon reports names with a leading slash (`/redis`); a container has one name
    // unless it is linked, and the first is its own.
    let name =
        summary.names.as_deref().and_then(|names| names.first()).map(|n| n.trim_start_matches('/')).unwrap_or_default();
    let mut ports: Vec<PortMapping> = summary.ports.iter().flatten().filter_map(port_from_summary).collect();
    ports.sort();
    ports.dedup();
    ContainerRow {
        id: sanitize(summary.id.as_deref().unwrap_or_default()),
        name: sanitize(name),
        image: sanitize(summary.image.as_deref().unwrap_or_default()),
        image_id: sanitize(summary.image_id.as_deref().unwrap_or_default()),
        state: summary
            .state
            .map(|s| ContainerState::parse(s.as_ref()))
            .unwrap_or(ContainerState::Other("unknown".into())),
        status: sanitize(summary.status.as_deref().unwrap_or_default()),
        created: summary.created.unwrap_or_default(),
        ports,
    }
}

fn port_from_summary(port: &PortSummary) -> Option<PortMapping> {
    let protocol = match port.typ {
        Some(PortSummaryTypeEnum::UDP) => Protocol::Udp,
        Some(PortSummaryTypeEnum::SCTP) => Protocol::Sctp,
        _ => Protocol::Tcp,
    };
    Some(PortMapping {
        container_port: port.private_port,
        protocol,
        host_ip: sanitize(port.ip.as_deref().unwrap_or_default()),
        host_port: port.public_port.filter(|p| *p != 0),
    })
}

pub fn image_row(summary: &ImageSummary) -> ImageRow {
    // Dangling images carry `<none>:<none>` (older engines) or no tags at all.
    let tags = summary.repo_tags.iter().filter(|t| t.as_str() != "<none>:<none>").map(|t| sanitize(t)).collect();
    ImageRow { id: sanitize(&summary.id), tags, size: summary.size, created: summary.created, containers: 0 }
}

/// Ports and env of a container, from inspect. Published ports come from
/// `NetworkSettings.Ports` (what the daemon actually bound); ports the image or the
/// container only exposes are listed without a host side.
pub fn container_details(inspect: &ContainerInspectResponse) -> ContainerDetails {
    let config = inspect.config.as_ref();
    let mut ports: Vec<PortMapping> = Vec::new();
    let bound = inspect.network_settings.as_ref().and_then(|n| n.ports.as_ref());
    if let Some(bound) = bound {
        for (spec, bindings) in bound {
            let Some((container_port, protocol)) = parse_port_key(spec) else { continue };
            match bindings.as_deref() {
                Some(list) if !list.is_empty() => {
                    for b in list {
                        ports.push(PortMapping {
                            container_port,
                            protocol,
                            host_ip: sanitize(b.host_ip.as_deref().unwrap_or_default()),
                            host_port: b.host_port.as_deref().and_then(|p| p.parse().ok()).filter(|p| *p != 0),
                        });
                    }
                }
                _ => ports.push(PortMapping { container_port, protocol, host_ip: String::new(), host_port: None }),
            }
        }
    }
    // A stopped container has no bound ports; fall back to what its config exposes.
    for spec in config.and_then(|c| c.exposed_ports.as_deref()).unwrap_or_default() {
        if let Some((container_port, protocol)) = parse_port_key(spec)
            && !ports.iter().any(|p| p.container_port == container_port && p.protocol == protocol)
        {
            ports.push(PortMapping { container_port, protocol, host_ip: String::new(), host_port: None });
        }
    }
    ports.sort();
    ports.dedup();
    let env = config
        .and_then(|c| c.env.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|raw| {
            let var = EnvVar::parse(raw);
            EnvVar { key: sanitize(&var.key), value: var.value.as_deref().map(sanitize) }
        })
        .collect();
    ContainerDetails {
        id: sanitize(inspect.id.as_deref().unwrap_or_default()),
        ports,
        env,
        tty: config.and_then(|c| c.tty).unwrap_or(false),
    }
}

/// `6379/tcp` -> (6379, tcp). A key without a protocol means tcp.
fn parse_port_key(spec: &str) -> Option<(u16, Protocol)> {
    let (port, proto) = spec.split_once('/').unwrap_or((spec, "tcp"));
    Some((port.parse().ok()?, Protocol::parse(proto)?))
}

pub fn daemon_info(host: &str, version: &SystemVersion, api_version: String) -> DaemonInfo {
    let engine = version
        .platform
        .as_ref()
        .map(|p| p.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Docker Engine".to_string());
    DaemonInfo {
        host: sanitize(host),
        engine: sanitize(&engine),
        version: sanitize(version.version.as_deref().unwrap_or("?")),
        api_version,
    }
}

pub fn daemon_event(event: &EventMessage) -> DaemonEvent {
    let kind = match event.typ {
        Some(EventMessageTypeEnum::CONTAINER) => EventKind::Container,
        Some(EventMessageTypeEnum::IMAGE) => EventKind::Image,
        _ => EventKind::Other,
    };
    DaemonEvent {
        kind,
        action: sanitize(event.action.as_deref().unwrap_or_default()),
        id: sanitize(event.actor.as_ref().and_then(|a| a.id.as_deref()).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_summary_converts_with_its_ports() {
        let json = r#"{
            "Id": "0123456789abcdef0123", "Names": ["/redis\u001b]2;pwn\u0007"], "Image": "redis",
            "ImageID": "sha256:aa", "Command": "redis-server", "Created": 1700000000,
            "Ports": [
                {"IP": "0.0.0.0", "PrivatePort": 6379, "PublicPort": 1234, "Type": "tcp"},
                {"IP": "::", "PrivatePort": 6379, "PublicPort": 1234, "Type": "tcp"},
                {"PrivatePort": 53, "Type": "udp"}
            ],
            "Labels": {}, "State": "running", "Status": "Up 3 minutes"
        }"#;
        let summary: ContainerSummary = serde_json::from_str(json).unwrap();
        let row = container_row(&summary);
        assert_eq!(row.name, "redis");
        assert_eq!(row.state, ContainerState::Running);
        assert_eq!(row.status, "Up 3 minutes");
        assert_eq!(row.ports.len(), 3);
        assert_eq!(row.ports_short(), "1234->6379/tcp");
    }

    #[test]
    fn inspect_gives_bound_and_exposed_ports_and_env() {
        let json = r#"{
            "Id": "abc",
            "Config": {"Tty": false, "Env": ["A=1", "EMPTY=", "BARE", "PASSWORD=hunter2"],
                       "ExposedPorts": {"6379/tcp": {}, "9000/tcp": {}, "53/udp": {}}},
            "NetworkSettings": {"Ports": {
                "6379/tcp": [{"HostIp": "127.0.0.1", "HostPort": "40001"}],
                "53/udp": [{"HostIp": "0.0.0.0", "HostPort": "5353"}],
                "9000/tcp": null
            }}
        }"#;
        let inspect: ContainerInspectResponse = serde_json::from_str(json).unwrap();
        let details = container_details(&inspect);
        let short: Vec<String> = details.ports.iter().map(PortMapping::short).collect();
        assert_eq!(short, vec!["5353->53/udp", "127.0.0.1:40001->6379/tcp", "9000/tcp"]);
        assert_eq!(details.env[1], EnvVar { key: "EMPTY".into(), value: Some(String::new()) });
        assert_eq!(details.env[2], EnvVar { key: "BARE".into(), value: None });
        assert!(details.env[3].looks_secret());
    }
}
