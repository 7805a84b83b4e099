//! A swarm's objects: the daemon's role (from `/info`), `GET /nodes`, `GET /services`
//! and `GET /tasks`. Read leniently: an object in an odd shape, or without an id, is
//! skipped, not the list; states and modes are kept as text.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::lenient;
use crate::model::parse_rfc3339;
use crate::model::{NodeRow, ServiceRow, SwarmRole, TaskRow};
use crate::text::sanitize;

/// `/info`'s part about the swarm.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct InfoSwarm {
    #[serde(deserialize_with = "lenient::value")]
    pub swarm: SwarmInfo,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct SwarmInfo {
    /// `inactive`, `pending`, `active`, `error`, `locked`.
    #[serde(deserialize_with = "lenient::value")]
    pub local_node_state: String,
    #[serde(deserialize_with = "lenient::value")]
    pub control_available: bool,
}

/// `/info`'s `Swarm`: `LocalNodeState` "active" with `ControlAvailable` is a manager.
/// A daemon without a swarm part (Podman) is standalone.
pub fn swarm_role(info: &serde_json::Value) -> SwarmRole {
    let swarm = InfoSwarm::deserialize(info).unwrap_or_default().swarm;
    match (swarm.local_node_state.as_str(), swarm.control_available) {
        ("active", true) => SwarmRole::Manager,
        ("active", false) => SwarmRole::Worker,
        _ => SwarmRole::Standalone,
    }
}

/// The `Version` every swarm object carries: an update must name it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ObjectVersion {
    #[serde(deserialize_with = "lenient::value")]
    pub index: Option<u64>,
}

/// `{"State": ...}`, the shape of several status parts.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct StatePart {
    #[serde(deserialize_with = "lenient::value")]
    pub state: String,
}

/// One node, as wharf reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Node {
    #[serde(rename = "ID")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::value")]
    pub spec: NodeSpec,
    #[serde(deserialize_with = "lenient::value")]
    pub description: NodeDescription,
    #[serde(deserialize_with = "lenient::value")]
    pub status: NodeStatus,
    #[serde(deserialize_with = "lenient::value")]
    pub manager_status: ManagerStatus,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct NodeStatus {
    #[serde(deserialize_with = "lenient::value")]
    pub state: String,
    /// The address the node's engine is reached at, as the swarm knows it.
    #[serde(deserialize_with = "lenient::value")]
    pub addr: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct NodeSpec {
    /// `manager`, `worker`.
    #[serde(deserialize_with = "lenient::value")]
    pub role: String,
    /// `active`, `pause`, `drain`.
    #[serde(deserialize_with = "lenient::value")]
    pub availability: String,
    #[serde(deserialize_with = "lenient::value")]
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct NodeDescription {
    #[serde(deserialize_with = "lenient::value")]
    pub hostname: String,
    #[serde(deserialize_with = "lenient::value")]
    pub engine: NodeEngine,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct NodeEngine {
    #[serde(deserialize_with = "lenient::value")]
    pub engine_version: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ManagerStatus {
    #[serde(deserialize_with = "lenient::value")]
    pub leader: bool,
    /// `reachable`, `unreachable`, `unknown`.
    #[serde(deserialize_with = "lenient::value")]
    pub reachability: String,
}

/// `GET /nodes`.
pub fn node_rows(json: &serde_json::Value) -> Vec<NodeRow> {
    let nodes: Vec<Node> = lenient::each_in(json, "a swarm node");
    nodes.iter().filter_map(node_row).collect()
}

fn node_row(node: &Node) -> Option<NodeRow> {
    let mut labels: Vec<String> = node.spec.labels.iter().map(|(k, v)| sanitize(&format!("{k}={v}"))).collect();
    labels.sort();
    Some(NodeRow {
        id: sanitize(node.id.as_deref()?),
        hostname: sanitize(&node.description.hostname),
        role: sanitize(&node.spec.role),
        availability: sanitize(&node.spec.availability),
        status: sanitize(&node.status.state),
        manager_status: if node.manager_status.leader {
            "leader".into()
        } else {
            sanitize(&node.manager_status.reachability)
        },
        engine_version: sanitize(&node.description.engine.engine_version),
        labels,
        addr: sanitize(&node.status.addr),
    })
}

/// One service, as wharf reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Service {
    #[serde(rename = "ID")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::value")]
    pub version: ObjectVersion,
    #[serde(deserialize_with = "lenient::value")]
    pub spec: ServiceSpec,
    /// Only with `?status=true`.
    #[serde(deserialize_with = "lenient::value")]
    pub service_status: ServiceStatus,
    #[serde(deserialize_with = "lenient::value")]
    pub endpoint: Endpoint,
    #[serde(deserialize_with = "lenient::value")]
    pub update_status: StatePart,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ServiceSpec {
    #[serde(deserialize_with = "lenient::value")]
    pub name: String,
    #[serde(deserialize_with = "lenient::value")]
    pub labels: BTreeMap<String, String>,
    #[serde(deserialize_with = "lenient::value")]
    pub task_template: TaskTemplate,
    #[serde(deserialize_with = "lenient::value")]
    pub mode: ServiceMode,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct TaskTemplate {
    #[serde(deserialize_with = "lenient::value")]
    pub container_spec: ContainerSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ContainerSpec {
    /// Pinned by digest: `busybox:latest@sha256:…`.
    #[serde(deserialize_with = "lenient::value")]
    pub image: String,
    #[serde(rename = "TTY", deserialize_with = "lenient::value")]
    pub tty: bool,
}

/// `{"Replicated": {"Replicas": n}}` or `{"Global": {}}` (or the job modes, shown as
/// replicated).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ServiceMode {
    #[serde(deserialize_with = "lenient::value")]
    pub global: Option<serde_json::Value>,
    #[serde(deserialize_with = "lenient::value")]
    pub replicated: Replicated,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Replicated {
    #[serde(deserialize_with = "lenient::value")]
    pub replicas: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ServiceStatus {
    #[serde(deserialize_with = "lenient::value")]
    pub running_tasks: Option<u64>,
    #[serde(deserialize_with = "lenient::value")]
    pub desired_tasks: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Endpoint {
    #[serde(deserialize_with = "lenient::list")]
    pub ports: Vec<EndpointPort>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct EndpointPort {
    #[serde(deserialize_with = "lenient::value")]
    pub published_port: u64,
    #[serde(deserialize_with = "lenient::value")]
    pub target_port: u64,
    /// `tcp`, `udp`, `sctp`; tcp when missing.
    pub protocol: Option<String>,
}

/// `GET /services?status=true`.
pub fn service_rows(json: &serde_json::Value) -> Vec<ServiceRow> {
    let services: Vec<Service> = lenient::each_in(json, "a swarm service");
    services.iter().filter_map(service_row).collect()
}

fn service_row(service: &Service) -> Option<ServiceRow> {
    let spec = &service.spec;
    let container = &spec.task_template.container_spec;
    let ports = service
        .endpoint
        .ports
        .iter()
        .map(|p| format!("{}:{}/{}", p.published_port, p.target_port, sanitize(p.protocol.as_deref().unwrap_or("tcp"))))
        .collect();
    // Images come pinned by digest (`busybox:latest@sha256:…`): the tag says enough.
    let image = sanitize(&container.image);
    let image = image.split('@').next().unwrap_or_default().to_string();
    Some(ServiceRow {
        id: sanitize(service.id.as_deref()?),
        name: sanitize(&spec.name),
        mode: if spec.mode.global.is_some() { "global".into() } else { "replicated".into() },
        running: service.service_status.running_tasks.unwrap_or(0),
        desired: service.service_status.desired_tasks.or(spec.mode.replicated.replicas).unwrap_or(0),
        image,
        ports,
        update_status: sanitize(&service.update_status.state),
        stack: spec.labels.get("com.docker.stack.namespace").filter(|v| !v.is_empty()).map(|v| sanitize(v)),
        version: service.version.index.unwrap_or(0),
        tty: container.tty,
    })
}

/// One task, as wharf reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Task {
    #[serde(rename = "ID")]
    pub id: Option<String>,
    #[serde(rename = "ServiceID", deserialize_with = "lenient::value")]
    pub service_id: String,
    #[serde(rename = "NodeID", deserialize_with = "lenient::value")]
    pub node_id: String,
    #[serde(deserialize_with = "lenient::value")]
    pub slot: Option<u64>,
    /// `running`, `shutdown`, ...; kept as text.
    #[serde(deserialize_with = "lenient::value")]
    pub desired_state: String,
    #[serde(deserialize_with = "lenient::value")]
    pub status: TaskStatus,
    #[serde(deserialize_with = "lenient::value")]
    pub created_at: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct TaskStatus {
    #[serde(deserialize_with = "lenient::value")]
    pub state: String,
    #[serde(deserialize_with = "lenient::value")]
    pub err: String,
    #[serde(deserialize_with = "lenient::value")]
    pub container_status: TaskContainer,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct TaskContainer {
    #[serde(rename = "ContainerID", deserialize_with = "lenient::value")]
    pub container_id: String,
}

/// `GET /tasks?filters={"service":[id]}`, newest first.
pub fn task_rows(json: &serde_json::Value) -> Vec<TaskRow> {
    let tasks: Vec<Task> = lenient::each_in(json, "a swarm task");
    let mut rows: Vec<TaskRow> = tasks.iter().filter_map(task_row).collect();
    rows.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.slot.cmp(&b.slot)));
    rows
}

fn task_row(task: &Task) -> Option<TaskRow> {
    let container = &task.status.container_status.container_id;
    Some(TaskRow {
        id: sanitize(task.id.as_deref()?),
        service_id: sanitize(&task.service_id),
        slot: task.slot,
        node_id: sanitize(&task.node_id),
        desired_state: sanitize(&task.desired_state),
        state: sanitize(&task.status.state),
        error: sanitize(&task.status.err),
        created: parse_rfc3339(&task.created_at).unwrap_or(0),
        container_id: (!container.is_empty()).then(|| sanitize(container)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::convert::test_fixtures::fixture_json as fixture;

    #[test]
    fn roles_from_info() {
        let role = |json: serde_json::Value| swarm_role(&json);
        assert_eq!(
            role(serde_json::json!({"Swarm": {"LocalNodeState": "active", "ControlAvailable": true}})),
            SwarmRole::Manager
        );
        assert_eq!(role(serde_json::json!({"Swarm": {"LocalNodeState": "active"}})), SwarmRole::Worker);
        assert_eq!(role(serde_json::json!({"Swarm": {"LocalNodeState": "locked"}})), SwarmRole::Standalone);
        assert_eq!(role(serde_json::json!({"Swarm": null})), SwarmRole::Standalone);
        assert_eq!(role(serde_json::json!({})), SwarmRole::Standalone, "Podman has no swarm");
        assert_eq!(role(serde_json::json!("nonsense")), SwarmRole::Standalone);
    }

    #[test]
    fn captured_nodes_services_and_tasks() {
        let nodes = node_rows(&fixture("swarm-nodes.json"));
        assert_eq!(nodes.len(), 1);
        assert_eq!((nodes[0].role.as_str(), nodes[0].manager_status.as_str()), ("manager", "leader"));
        assert!(!nodes[0].hostname.is_empty() && !nodes[0].engine_version.is_empty());
        let services = service_rows(&fixture("swarm-services.json"));
        let s = &services[0];
        assert_eq!((s.name.as_str(), s.mode.as_str(), s.running, s.desired), ("wh-svc", "replicated", 3, 3));
        assert_eq!(s.version, 18);
        let tasks = task_rows(&fixture("swarm-tasks.json"));
        assert_eq!(tasks.len(), 3);
        assert!(tasks.iter().all(|t| t.service_id == s.id && t.slot.is_some()));
    }

    #[test]
    fn odd_objects_are_skipped_and_odd_fields_cost_only_themselves() {
        let nodes = node_rows(&serde_json::json!([
            {"ID": "n1", "Spec": {"Role": "worker", "Availability": "drain", "Labels": {"zone": "b", "a": "1"}},
             "Status": {"State": "down"}, "ManagerStatus": null, "Description": {"Hostname": 5}},
            {"Spec": {"Role": "manager"}},
            [1, 2]
        ]));
        assert_eq!(nodes.len(), 1);
        assert_eq!((nodes[0].availability.as_str(), nodes[0].status.as_str()), ("drain", "down"));
        assert_eq!((nodes[0].manager_status.as_str(), nodes[0].hostname.as_str()), ("", ""));
        assert_eq!(nodes[0].labels, ["a=1", "zone=b"]);

        let services = service_rows(&serde_json::json!([
            {"ID": "s1", "Spec": {"Name": "web", "Mode": {"Global": {}},
              "Labels": {"com.docker.stack.namespace": "shop"},
              "TaskTemplate": {"ContainerSpec": {"Image": "nginx:1@sha256:00", "TTY": true}}},
             "Endpoint": {"Ports": [{"PublishedPort": 8080, "TargetPort": 80}, {"PublishedPort": 53, "TargetPort": 53, "Protocol": "udp"}]},
             "ServiceStatus": {"RunningTasks": 2, "DesiredTasks": 2}, "UpdateStatus": {"State": "updating"}},
            {"ID": "s2", "Spec": {"Name": "odd", "Mode": {"Replicated": {"Replicas": "three"}}},
             "Version": {"Index": -1}, "Endpoint": {"Ports": "80"}},
            {"Spec": {"Name": "no id"}}
        ]));
        assert_eq!(services.len(), 2);
        let web = &services[0];
        assert_eq!((web.mode.as_str(), web.image.as_str(), web.tty), ("global", "nginx:1", true));
        assert_eq!(web.ports, ["8080:80/tcp", "53:53/udp"]);
        assert_eq!((web.stack.as_deref(), web.update_status.as_str()), (Some("shop"), "updating"));
        let odd = &services[1];
        assert_eq!((odd.mode.as_str(), odd.desired, odd.version), ("replicated", 0, 0));
        assert!(odd.ports.is_empty());

        let tasks = task_rows(&serde_json::json!([
            {"ID": "t1", "Slot": 1, "CreatedAt": "2024-05-01T10:00:00Z", "Status": {"State": "running",
              "ContainerStatus": {"ContainerID": "c1"}}},
            {"ID": "t2", "Slot": 2, "CreatedAt": "2024-05-01T11:00:00Z", "Status": {"State": "orphaned", "Err": "no node",
              "ContainerStatus": {"ContainerID": ""}}},
            {"ID": 3}
        ]));
        let ids: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["t2", "t1"], "newest first; the task without a readable id is skipped");
        assert_eq!(
            (tasks[0].state.as_str(), tasks[0].error.as_str(), tasks[0].container_id.as_deref()),
            ("orphaned", "no node", None)
        );
        assert_eq!(tasks[1].container_id.as_deref(), Some("c1"));
    }
}
