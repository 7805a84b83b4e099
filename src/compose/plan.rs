//! What bringing a project up or down takes, given what the daemon has: plain data
//! and pure functions, carried out step by step by the runner.
//!
//! Names and labels are those Docker Compose v2 writes: containers `project-service-N`
//! (v2's dashes, not v1's `project_service_N`: v2 is what `docker compose` is today,
//! and its names are valid host names, which underscores are not), networks
//! `project_key`, volumes `project_key`, and the `com.docker.compose.*` labels by
//! which both compose versions find a project's containers.

use std::collections::BTreeMap;

use super::Project;
use super::hash::config_hash;
use super::types::{Condition, MountKind, Service};
use crate::model::{
    ComposeContainerSpec, ComposeNetworkSpec, ComposeVolumeSpec, HealthSpec, HostPort, PortBinding, ProjectContainer,
    Protocol, RestartPolicy,
};

pub const LABEL_PROJECT: &str = "com.docker.compose.project";
pub const LABEL_SERVICE: &str = "com.docker.compose.service";
pub const LABEL_NUMBER: &str = "com.docker.compose.container-number";
pub const LABEL_ONEOFF: &str = "com.docker.compose.oneoff";
pub const LABEL_HASH: &str = "com.docker.compose.config-hash";
pub const LABEL_WORKING_DIR: &str = "com.docker.compose.project.working_dir";
pub const LABEL_CONFIG_FILES: &str = "com.docker.compose.project.config_files";
pub const LABEL_VERSION: &str = "com.docker.compose.version";
pub const LABEL_DEPENDS_ON: &str = "com.docker.compose.depends_on";
pub const LABEL_NETWORK: &str = "com.docker.compose.network";
pub const LABEL_VOLUME: &str = "com.docker.compose.volume";
/// The compose version whose labels wharf writes, marked as wharf's (semver build
/// metadata, so tools that read it as a version still can).
pub const COMPOSE_VERSION: &str = "2.29.0+wharf";

/// The services to start, dependencies first (alphabetical among equals), limited to
/// `selected` and what they depend on (all active services when `selected` is empty).
/// A cycle is an error that names it.
pub fn start_order(project: &Project, selected: &[String]) -> Result<Vec<String>, String> {
    let mut wanted: Vec<String> = if selected.is_empty() {
        project.active_services().map(|s| s.name.clone()).collect()
    } else {
        selected.to_vec()
    };
    // Pull in dependencies of what was selected.
    let mut i = 0;
    while i < wanted.len() {
        if let Some(s) = project.service(&wanted[i]) {
            for dep in s.depends_on.keys() {
                if !wanted.contains(dep) {
                    wanted.push(dep.clone());
                }
            }
        }
        i += 1;
    }
    wanted.sort();
    let mut order: Vec<String> = Vec::new();
    let mut visiting: Vec<String> = Vec::new();
    fn visit(name: &str, project: &Project, order: &mut Vec<String>, visiting: &mut Vec<String>) -> Result<(), String> {
        if order.iter().any(|o| o == name) {
            return Ok(());
        }
        if let Some(at) = visiting.iter().position(|v| v == name) {
            let mut cycle: Vec<String> = visiting[at..].to_vec();
            cycle.push(name.to_string());
            return Err(format!("services depend on each other in a circle: {}", cycle.join(" -> ")));
        }
        visiting.push(name.to_string());
        if let Some(s) = project.service(name) {
            for dep in s.depends_on.keys() {
                visit(dep, project, order, visiting)?;
            }
        }
        visiting.pop();
        order.push(name.to_string());
        Ok(())
    }
    for name in &wanted {
        visit(name, project, &mut order, &mut visiting)?;
    }
    Ok(order)
}

/// The services to stop first when taking a project down: dependents before what they
/// depend on.
pub fn stop_order(project: &Project) -> Vec<String> {
    let mut order = start_order(project, &project.services.iter().map(|s| s.name.clone()).collect::<Vec<_>>())
        .unwrap_or_else(|_| project.services.iter().map(|s| s.name.clone()).collect());
    order.reverse();
    order
}

/// A container's name: `container_name`, else `project-service-N`.
pub fn container_name(project: &Project, service: &Service, number: u32) -> String {
    service.container_name.clone().unwrap_or_else(|| format!("{}-{}-{number}", project.name, service.name))
}

fn files_label(project: &Project) -> String {
    project.config_files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(",")
}

/// The labels compose writes on a service's container.
pub fn container_labels(project: &Project, service: &Service, number: u32) -> BTreeMap<String, String> {
    let mut labels = service.labels.clone();
    let depends_on: Vec<String> =
        service.depends_on.iter().map(|(name, cond)| format!("{name}:{}:false", cond.name())).collect();
    for (k, v) in [
        (LABEL_PROJECT, project.name.clone()),
        (LABEL_SERVICE, service.name.clone()),
        (LABEL_NUMBER, number.to_string()),
        (LABEL_ONEOFF, "False".to_string()),
        (LABEL_HASH, config_hash(project, service)),
        (LABEL_WORKING_DIR, project.working_dir.display().to_string()),
        (LABEL_CONFIG_FILES, files_label(project)),
        (LABEL_VERSION, COMPOSE_VERSION.to_string()),
        (LABEL_DEPENDS_ON, depends_on.join(",")),
        ("com.docker.compose.image", service.image.clone()),
    ] {
        labels.insert(k.to_string(), v);
    }
    labels
}

fn nanos(d: Option<std::time::Duration>) -> i64 {
    d.map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)).unwrap_or(0)
}

/// The create request for container `number` of `service`.
pub fn container_spec(project: &Project, service: &Service, number: u32) -> ComposeContainerSpec {
    let ports = service
        .ports
        .iter()
        .map(|p| PortBinding {
            container_port: p.container_port,
            protocol: Protocol::parse(&p.protocol).unwrap_or(Protocol::Tcp),
            host_ip: p.host_ip.clone(),
            host_port: parse_host_port(&p.host_port),
        })
        .collect();
    let mut binds = Vec::new();
    let mut anonymous_volumes = Vec::new();
    for m in &service.volumes {
        let mode = if m.read_only { ":ro" } else { "" };
        match (m.kind, &m.source) {
            (MountKind::Anonymous, _) | (_, None) => anonymous_volumes.push(m.target.clone()),
            (MountKind::Bind, Some(src)) => binds.push(format!("{src}:{}{mode}", m.target)),
            (MountKind::Volume, Some(key)) => {
                let name = project.volumes.get(key).map_or(key.as_str(), |v| v.name.as_str());
                binds.push(format!("{name}:{}{mode}", m.target));
            }
        }
    }
    let networks = service
        .networks
        .iter()
        .filter_map(|(key, aliases)| {
            let net = project.networks.get(key)?;
            let mut all = vec![service.name.clone()];
            all.extend(aliases.iter().cloned());
            Some((net.name.clone(), all))
        })
        .collect();
    ComposeContainerSpec {
        name: container_name(project, service, number),
        image: service.image.clone(),
        command: service.command.clone(),
        entrypoint: service.entrypoint.clone(),
        env: service.environment.clone(),
        labels: container_labels(project, service, number),
        ports,
        exposed: service.expose.clone(),
        binds,
        anonymous_volumes,
        restart: crate::launch::parse_restart_policy(&service.restart).unwrap_or(RestartPolicy::No),
        working_dir: service.working_dir.clone(),
        user: service.user.clone(),
        hostname: service.hostname.clone(),
        tty: service.tty,
        stdin_open: service.stdin_open,
        healthcheck: service.healthcheck.as_ref().map(|h| HealthSpec {
            test: h.test.clone(),
            interval_ns: nanos(h.interval),
            timeout_ns: nanos(h.timeout),
            retries: i64::from(h.retries.unwrap_or(0)),
            start_period_ns: nanos(h.start_period),
        }),
        networks,
    }
}

fn parse_host_port(text: &str) -> HostPort {
    if let Some((a, b)) = text.split_once('-')
        && let (Ok(a), Ok(b)) = (a.parse(), b.parse())
    {
        return HostPort::Range(a, b);
    }
    text.parse().map(HostPort::Port).unwrap_or(HostPort::Random)
}

/// The networks to create (not external ones), with compose's labels.
pub fn network_specs(project: &Project) -> Vec<ComposeNetworkSpec> {
    project
        .networks
        .iter()
        .filter(|(_, n)| !n.external)
        .map(|(key, n)| {
            let mut labels = n.labels.clone();
            labels.insert(LABEL_PROJECT.into(), project.name.clone());
            labels.insert(LABEL_NETWORK.into(), key.clone());
            labels.insert(LABEL_VERSION.into(), COMPOSE_VERSION.into());
            ComposeNetworkSpec {
                name: n.name.clone(),
                driver: n.driver.clone(),
                internal: n.internal,
                attachable: n.attachable,
                labels,
            }
        })
        .collect()
}

/// The volumes to create (not external ones), with compose's labels.
pub fn volume_specs(project: &Project) -> Vec<ComposeVolumeSpec> {
    project
        .volumes
        .iter()
        .filter(|(_, v)| !v.external)
        .map(|(key, v)| {
            let mut labels = v.labels.clone();
            labels.insert(LABEL_PROJECT.into(), project.name.clone());
            labels.insert(LABEL_VOLUME.into(), key.clone());
            labels.insert(LABEL_VERSION.into(), COMPOSE_VERSION.into());
            ComposeVolumeSpec { name: v.name.clone(), driver: v.driver.clone(), labels }
        })
        .collect()
}

/// What to do about one container slot of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// It matches the file: start it if it is not running.
    Keep {
        id: String,
        running: bool,
    },
    Create {
        number: u32,
    },
    /// It differs from the file (its config hash): replace it.
    Recreate {
        id: String,
        name: String,
        number: u32,
    },
    /// Past the replicas wanted (scaled down): stop and remove it.
    Remove {
        id: String,
        name: String,
    },
}

/// The steps that bring `service` to its file's config given its existing containers.
/// `force` recreates even matching containers.
pub fn service_steps(project: &Project, service: &Service, existing: &[ProjectContainer], force: bool) -> Vec<Step> {
    let hash = config_hash(project, service);
    let mut mine: Vec<&ProjectContainer> = existing.iter().filter(|c| c.service == service.name && !c.oneoff).collect();
    mine.sort_by_key(|c| c.number);
    let mut steps = Vec::new();
    let mut used = Vec::new();
    for number in 1..=service.replicas {
        match mine.iter().find(|c| c.number == number) {
            Some(c) if c.config_hash == hash && !force => {
                steps.push(Step::Keep { id: c.id.clone(), running: c.state.is_running() })
            }
            Some(c) => steps.push(Step::Recreate { id: c.id.clone(), name: c.name.clone(), number }),
            None => steps.push(Step::Create { number }),
        }
        used.push(number);
    }
    for c in mine.iter().filter(|c| !used.contains(&c.number)) {
        steps.push(Step::Remove { id: c.id.clone(), name: c.name.clone() });
    }
    steps
}

/// What the project view says about a service against the daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// No container yet.
    NotCreated,
    /// Every container carries the file's config hash.
    Current,
    /// Some container differs from the file: `up` recreates it.
    Changed,
}

pub fn drift(project: &Project, service: &Service, existing: &[ProjectContainer]) -> Drift {
    let hash = config_hash(project, service);
    let mine: Vec<_> = existing.iter().filter(|c| c.service == service.name && !c.oneoff).collect();
    if mine.is_empty() {
        Drift::NotCreated
    } else if mine.iter().all(|c| c.config_hash == hash) {
        Drift::Current
    } else {
        Drift::Changed
    }
}

/// What waiting for a dependency means, in words for progress and errors.
pub fn condition_words(condition: Condition) -> &'static str {
    match condition {
        Condition::Started => "to start",
        Condition::Healthy => "to be healthy",
        Condition::CompletedSuccessfully => "to complete successfully",
    }
}
