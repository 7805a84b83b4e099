//! `GET /networks`: a list, read leniently: a network in an odd shape, or without an
//! id, is skipped, not the list. (The list's `Containers` is empty on Docker; the
//! names of attached containers come from the container list, see `state`.)

use std::collections::BTreeMap;

use serde::Deserialize;

use super::lenient;
use crate::model::NetworkRow;
use crate::text::sanitize;

/// One network, as wharf reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Network {
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::value")]
    pub name: String,
    #[serde(deserialize_with = "lenient::value")]
    pub driver: String,
    /// `local`, `swarm`, `global`; kept as text.
    #[serde(deserialize_with = "lenient::value")]
    pub scope: String,
    #[serde(rename = "IPAM", deserialize_with = "lenient::value")]
    pub ipam: Ipam,
    /// By container id, in that order: the same answer always lists the same way.
    #[serde(deserialize_with = "lenient::value")]
    pub containers: BTreeMap<String, Attached>,
    #[serde(deserialize_with = "lenient::value")]
    pub internal: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Ipam {
    #[serde(deserialize_with = "lenient::list")]
    pub config: Vec<IpamConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct IpamConfig {
    pub subnet: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Attached {
    pub name: Option<String>,
}

pub fn network_rows(json: &serde_json::Value) -> Vec<NetworkRow> {
    let networks: Vec<Network> = lenient::each_in(json, "a network");
    let mut rows: Vec<NetworkRow> = networks.iter().filter_map(network_row).collect();
    // By name: the daemon's order changes from one answer to the next (it walks a map).
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

fn network_row(network: &Network) -> Option<NetworkRow> {
    Some(NetworkRow {
        id: sanitize(network.id.as_deref()?),
        name: sanitize(&network.name),
        driver: sanitize(&network.driver),
        scope: sanitize(&network.scope),
        subnets: network.ipam.config.iter().filter_map(|c| c.subnet.as_deref().map(sanitize)).collect(),
        containers: network.containers.values().filter_map(|c| c.name.as_deref().map(sanitize)).collect(),
        internal: network.internal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::convert::test_fixtures::fixture_json as fixture;

    #[test]
    fn networks_read_leniently() {
        let networks = serde_json::json!([
            {"Id": "n1", "Name": "bridge", "Driver": "bridge", "Scope": "local",
             "IPAM": {"Config": [{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]}, "Containers": {}},
            {"Id": "n2", "Name": "app", "Driver": "bridge", "Scope": "local", "Internal": true, "IPAM": {"Config": null},
             "Containers": {"abc": {"Name": "web"}}},
            {"Name": "no id"},
            {"Id": "n3", "Name": "odd", "Internal": "yes", "IPAM": {"Config": [{"Subnet": 7}, {"Subnet": "10.0.0.0/8"}]},
             "Containers": ["x"]},
            42
        ]);
        let rows = network_rows(&networks);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["app", "bridge", "odd"], "by name, whatever the daemon's order");
        assert_eq!(rows[1].subnets, ["172.17.0.0/16"]);
        assert!(rows[1].is_builtin() && !rows[0].is_builtin());
        assert_eq!(rows[0].containers, ["web"]);
        assert!(rows[0].internal);
        assert_eq!(rows[2].subnets, ["10.0.0.0/8"]);
        assert!(!rows[2].internal && rows[2].containers.is_empty());
    }

    #[test]
    fn captured_networks_from_docker_and_podman() {
        let docker = network_rows(&fixture("networks.json"));
        let names: Vec<&str> = docker.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["bridge", "host", "none"]);
        assert!(docker.iter().all(NetworkRow::is_builtin));
        assert!(!docker[0].subnets.is_empty());
        let podman = network_rows(&fixture("networks-podman.json"));
        assert_eq!(podman[0].name, "bridge");
        assert_eq!(podman[0].subnets, ["10.88.0.0/16"]);
    }
}
