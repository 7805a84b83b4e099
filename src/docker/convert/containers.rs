//! `GET /containers/json?all=1`: the container list, row by row.
//!
//! A container's identity (`Id`, `Names`, `State`) must read as text or the row is
//! skipped; everything else that does not fit (ports, labels, mounts, networks in an
//! odd shape) reads as empty and the row stays. A state wharf does not know (Podman's
//! `stopped`, or anything newer) is kept as text: `ContainerState::Other`.

use std::collections::HashMap;

use serde::Deserialize;

use super::lenient;
use crate::model::{ContainerRow, ContainerState, Health, PortMapping, Protocol, StatusAge};
use crate::text::sanitize;

/// One element of the container list, as wharf reads it: in one pass over the
/// daemon's answer, every field but the identity read by a streaming lenient reader
/// (no tree of the element is built first: lists run to thousands of containers).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ContainerSummary {
    pub id: Option<String>,
    /// With a leading slash (`/redis`); more than one when the container is linked.
    pub names: Option<Vec<String>>,
    pub state: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub image: String,
    #[serde(rename = "ImageID", deserialize_with = "lenient::text")]
    pub image_id: String,
    #[serde(deserialize_with = "lenient::text")]
    pub status: String,
    #[serde(deserialize_with = "lenient::number")]
    pub created: i64,
    #[serde(deserialize_with = "lenient::records")]
    pub ports: Vec<PortSummary>,
    #[serde(deserialize_with = "lenient::text_map")]
    pub labels: HashMap<String, String>,
    #[serde(deserialize_with = "lenient::records")]
    pub mounts: Vec<MountSummary>,
    #[serde(deserialize_with = "lenient::record")]
    pub network_settings: NetworkSummary,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct PortSummary {
    #[serde(rename = "IP", deserialize_with = "lenient::text")]
    pub ip: String,
    #[serde(deserialize_with = "lenient::port")]
    pub private_port: Option<u16>,
    #[serde(deserialize_with = "lenient::port")]
    pub public_port: Option<u16>,
    /// `tcp`, `udp`, `sctp`.
    #[serde(rename = "Type", deserialize_with = "lenient::text")]
    pub protocol: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct MountSummary {
    /// `volume`, `bind`, `tmpfs`, ...
    #[serde(rename = "Type", deserialize_with = "lenient::text")]
    pub kind: String,
    #[serde(deserialize_with = "lenient::text")]
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct NetworkSummary {
    /// By network name; what each holds is not needed here.
    #[serde(deserialize_with = "lenient::keys")]
    pub networks: Vec<String>,
}

/// Converts the daemon's container list. Only an answer that is not a list is an error.
pub fn container_rows(json: &[u8]) -> Result<Vec<ContainerRow>, serde_json::Error> {
    let summaries: Vec<ContainerSummary> = lenient::each_raw(json, "a container")?;
    Ok(summaries.iter().map(container_row).collect())
}

pub fn container_row(summary: &ContainerSummary) -> ContainerRow {
    // A container has one name unless it is linked, and the first is its own.
    let name = summary.names.as_deref().and_then(|names| names.first()).map(|n| n.trim_start_matches('/'));
    let mut ports: Vec<PortMapping> = summary.ports.iter().filter_map(port_mapping).collect();
    ports.sort();
    ports.dedup();
    let mut networks: Vec<String> = summary.network_settings.networks.iter().map(|k| sanitize(k)).collect();
    networks.sort();
    let status = sanitize(&summary.status);
    ContainerRow {
        id: sanitize(summary.id.as_deref().unwrap_or_default()),
        name: sanitize(name.unwrap_or_default()),
        image: sanitize(&summary.image),
        image_id: sanitize(&summary.image_id),
        state: ContainerState::parse(&sanitize(summary.state.as_deref().unwrap_or("unknown"))),
        status_age: StatusAge::parse(&status),
        created: summary.created,
        ports,
        project: label(summary, "com.docker.compose.project"),
        service: label(summary, "com.docker.compose.service"),
        volumes: summary
            .mounts
            .iter()
            .filter(|m| m.kind == "volume" && !m.name.is_empty())
            .map(|m| sanitize(&m.name))
            .collect(),
        networks,
        health: Health::from_status(&summary.status),
        status,
    }
}

fn label(summary: &ContainerSummary, key: &str) -> Option<String> {
    summary.labels.get(key).filter(|v| !v.is_empty()).map(|v| sanitize(v))
}

/// A port without its container side says nothing and is left out; an unknown
/// protocol is read as tcp, as Docker's own model does.
fn port_mapping(port: &PortSummary) -> Option<PortMapping> {
    Some(PortMapping {
        container_port: port.private_port?,
        protocol: Protocol::parse(&port.protocol).unwrap_or(Protocol::Tcp),
        host_ip: sanitize(&port.ip),
        host_port: port.public_port.filter(|p| *p != 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::convert::test_fixtures::fixture_bytes as fixture;

    #[test]
    fn an_unknown_state_does_not_empty_the_list() {
        let json = br#"[
            {"Id": "a", "Names": ["/podman-one"], "State": "stopped", "Status": "Exited", "Ports": []},
            {"Id": "b", "Names": ["/normal"], "State": "running", "Status": "Up", "Ports": []},
            {"Id": "c", "Names": "not a list", "State": 7}
        ]"#;
        let rows = container_rows(json).unwrap();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].state, ContainerState::Other("stopped".into()));
        assert_eq!(rows[1].state, ContainerState::Running);
        assert!(container_rows(b"{}").is_err(), "an answer that is not a list");
    }

    #[test]
    fn a_container_summary_converts_with_its_ports() {
        let json = br#"[{
            "Id": "0123456789abcdef0123", "Names": ["/redis\u001b]2;pwn\u0007"], "Image": "redis",
            "ImageID": "sha256:aa", "Command": "redis-server", "Created": 1700000000,
            "Ports": [
                {"IP": "0.0.0.0", "PrivatePort": 6379, "PublicPort": 1234, "Type": "tcp"},
                {"IP": "::", "PrivatePort": 6379, "PublicPort": 1234, "Type": "tcp"},
                {"PrivatePort": 53, "Type": "udp"}
            ],
            "Labels": {}, "State": "running", "Status": "Up 3 minutes"
        }]"#;
        let row = container_rows(json).unwrap().remove(0);
        assert_eq!(row.name, "redis");
        assert_eq!(row.state, ContainerState::Running);
        assert_eq!(row.status, "Up 3 minutes");
        assert_eq!(row.created, 1_700_000_000);
        assert_eq!(row.ports.len(), 3);
        assert_eq!(row.ports_short(), "1234->6379/tcp");
    }

    #[test]
    fn odd_fields_leave_the_row_in_place() {
        // Podman-like: null lists, a label that is not text, a port without its
        // container side, an unknown protocol, networks as a list.
        let json = br#"[{
            "Id": "p1", "Names": ["/pod-web"], "State": "stopped", "Status": "Exited (0) 2 minutes ago",
            "Image": "docker.io/library/nginx:latest", "ImageID": "abc", "Created": "yesterday",
            "Ports": [{"PrivatePort": 80, "PublicPort": 8080, "Type": "quic"}, {"PublicPort": 9}, "80/tcp"],
            "Labels": {"com.docker.compose.project": 7}, "Mounts": null,
            "NetworkSettings": {"Networks": ["podman"]}
        }]"#;
        let rows = container_rows(json).unwrap();
        assert_eq!(rows.len(), 1, "{rows:?}");
        let row = &rows[0];
        assert_eq!((row.id.as_str(), row.name.as_str()), ("p1", "pod-web"));
        assert_eq!(row.state, ContainerState::Other("stopped".into()));
        assert_eq!(row.created, 0);
        assert_eq!(row.ports_short(), "8080->80/tcp");
        assert_eq!(row.project, None);
        assert!(row.volumes.is_empty() && row.networks.is_empty());
    }

    #[test]
    fn the_captured_list_converts_whole_and_sanitised() {
        let rows = container_rows(&fixture("containers.json")).unwrap();
        let raw: Vec<serde_json::Value> = serde_json::from_slice(&fixture("containers.json")).unwrap();
        assert_eq!(rows.len(), raw.len());
        let hostile = rows.iter().find(|r| r.name == "hostile").unwrap();
        assert_eq!(hostile.state, ContainerState::Running);
        assert_eq!(hostile.networks, ["bridge"]);
        assert!(rows.iter().all(|r| !r.id.is_empty() && !r.status.contains('\u{1b}')));
        assert!(rows.iter().any(|r| !r.ports.is_empty()), "some captured container publishes a port");
    }

    #[test]
    fn a_captured_podman_list_converts() {
        // Captured from Podman 4.3.1's Docker API, its state set to Podman's `stopped`.
        let rows = container_rows(&fixture("containers-podman.json")).unwrap();
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(
            (row.name.as_str(), row.image.as_str()),
            ("wharf-convert-capture", "localhost/wharf-test/busybox:latest")
        );
        assert_eq!(row.state, ContainerState::Other("stopped".into()));
        assert_eq!(row.ports_short(), "127.0.0.1:18080->80/tcp");
        assert_eq!(row.networks, ["podman"]);
    }
}
