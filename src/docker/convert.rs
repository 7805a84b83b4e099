//! Pure conversion between the daemon's models (bollard's) and wharf's types.
//! Every string is sanitised here, once, so nothing downstream sees raw daemon text.

use std::collections::HashMap;

use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, ContainerSummary, CreateImageInfo, EventMessage,
    EventMessageTypeEnum, HostConfig, ImageSummary, PortBinding as ApiPortBinding, PortSummary, PortSummaryTypeEnum,
    RestartPolicy as ApiRestartPolicy, RestartPolicyNameEnum, SystemVersion,
};

use crate::model::{
    ContainerDetails, ContainerRow, ContainerState, DaemonEvent, DaemonInfo, DiskUsage, EnvVar, EventKind, Health,
    HealthCheck, HostPort, ImageRow, LaunchSpec, NetworkRow, NodeRow, PortMapping, Protocol, PruneReport, PullProgress,
    RestartPolicy, ServiceRow, StatsSample, StatusAge, SwarmRole, TaskRow, VolumeRow,
};
use crate::text::sanitize;

/// Converts the daemon's container list, row by row. A row in a state bollard's model
/// does not know (Podman's `stopped`, or anything newer) is read with its state set
/// aside and kept as `ContainerState::Other`; a row that cannot be read at all is
/// skipped. One odd object never empties the list.
pub fn container_rows(json: &[u8]) -> Result<Vec<ContainerRow>, serde_json::Error> {
    // Each row stays raw text until it is read on its own: no tree of the whole list
    // is built (it would be most of wharf's memory peak with hundreds of containers).
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_slice(json)?;
    Ok(items.into_iter().filter_map(container_row_lenient).collect())
}

fn container_row_lenient(raw: &serde_json::value::RawValue) -> Option<ContainerRow> {
    if let Ok(summary) = serde_json::from_str::<ContainerSummary>(raw.get()) {
        return Some(container_row(&summary));
    }
    let mut item: serde_json::Value = serde_json::from_str(raw.get()).ok()?;
    let state = item.get("State").and_then(|s| s.as_str()).map(str::to_string);
    if let Some(obj) = item.as_object_mut() {
        obj.remove("State");
    }
    match serde_json::from_value::<ContainerSummary>(item) {
        Ok(summary) => {
            let mut row = container_row(&summary);
            row.state = ContainerState::parse(&sanitize(state.as_deref().unwrap_or("unknown")));
            Some(row)
        }
        Err(e) => {
            tracing::warn!(error = %e, "skipping a container the daemon listed in an unknown shape");
            None
        }
    }
}

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
        status_age: summary.status.as_deref().map(sanitize).as_deref().and_then(StatusAge::parse),
        created: summary.created.unwrap_or_default(),
        ports,
        project: label(summary, "com.docker.compose.project"),
        service: label(summary, "com.docker.compose.service"),
        volumes: summary
            .mounts
            .iter()
            .flatten()
            .filter(|m| m.typ.as_deref() == Some("volume"))
            .filter_map(|m| m.name.as_deref().map(sanitize))
            .collect(),
        networks: summary
            .network_settings
            .as_ref()
            .and_then(|n| n.networks.as_ref())
            .map(|n| {
                let mut names: Vec<String> = n.keys().map(|k| sanitize(k)).collect();
                names.sort();
                names
            })
            .unwrap_or_default(),
        health: Health::from_status(summary.status.as_deref().unwrap_or_default()),
    }
}

fn label(summary: &ContainerSummary, key: &str) -> Option<String> {
    summary.labels.as_ref()?.get(key).filter(|v| !v.is_empty()).map(|v| sanitize(v))
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
        health: inspect.state.as_ref().and_then(|s| s.health.as_ref()).map(|h| {
            let last = h.log.as_ref().and_then(|log| log.last());
            HealthCheck {
                status: sanitize(&h.status.map(|s| s.to_string()).unwrap_or_default()),
                failing_streak: h.failing_streak.unwrap_or_default(),
                last_exit_code: last.and_then(|l| l.exit_code),
                last_output: sanitize(last.and_then(|l| l.output.as_deref()).unwrap_or_default().trim()),
            }
        }),
    }
}

/// `6379/tcp` -> (6379, tcp). A key without a protocol means tcp.
pub fn parse_port_key(spec: &str) -> Option<(u16, Protocol)> {
    let (port, proto) = spec.split_once('/').unwrap_or((spec, "tcp"));
    Some((port.parse().ok()?, Protocol::parse(proto)?))
}

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

pub fn daemon_event(event: &EventMessage) -> DaemonEvent {
    let kind = match event.typ {
        Some(EventMessageTypeEnum::CONTAINER) => EventKind::Container,
        Some(EventMessageTypeEnum::IMAGE) => EventKind::Image,
        Some(EventMessageTypeEnum::VOLUME) => EventKind::Volume,
        Some(EventMessageTypeEnum::NETWORK) => EventKind::Network,
        Some(EventMessageTypeEnum::SERVICE) => EventKind::Service,
        Some(EventMessageTypeEnum::NODE) => EventKind::Node,
        _ => EventKind::Other,
    };
    let attribute = |key: &str| event.actor.as_ref().and_then(|a| a.attributes.as_ref()).and_then(|a| a.get(key));
    DaemonEvent {
        kind,
        action: sanitize(event.action.as_deref().unwrap_or_default()),
        id: sanitize(event.actor.as_ref().and_then(|a| a.id.as_deref()).unwrap_or_default()),
        name: sanitize(attribute("name").map(String::as_str).unwrap_or_default()),
        time: event.time.unwrap_or_default(),
        exit_code: attribute("exitCode").and_then(|c| c.parse().ok()),
        container: attribute("container").map(|c| sanitize(c)),
    }
}

/// The create request for a launch. Ports are exposed and bound; volumes with a source
/// are binds, those without are anonymous volumes.
pub fn create_body(spec: &LaunchSpec) -> ContainerCreateBody {
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
    exposed.sort();
    let binds: Vec<String> = spec.volumes.iter().filter_map(|v| v.bind_string()).collect();
    let anonymous: Vec<String> = spec.volumes.iter().filter(|v| v.source.is_none()).map(|v| v.target.clone()).collect();
    let restart = match spec.restart {
        RestartPolicy::No => None,
        RestartPolicy::Always => Some((RestartPolicyNameEnum::ALWAYS, None)),
        RestartPolicy::UnlessStopped => Some((RestartPolicyNameEnum::UNLESS_STOPPED, None)),
        RestartPolicy::OnFailure(n) => Some((RestartPolicyNameEnum::ON_FAILURE, n.map(i64::from))),
    };
    ContainerCreateBody {
        image: Some(spec.image.clone()),
        env: (!spec.env.is_empty()).then(|| spec.env.clone()),
        cmd: spec.command.clone(),
        exposed_ports: (!exposed.is_empty()).then_some(exposed),
        volumes: (!anonymous.is_empty()).then_some(anonymous),
        tty: Some(spec.interactive_tty),
        open_stdin: Some(spec.interactive_tty),
        attach_stdin: Some(false),
        labels: (!spec.labels.is_empty()).then(|| spec.labels.clone().into_iter().collect()),
        host_config: Some(HostConfig {
            port_bindings: (!port_bindings.is_empty()).then_some(port_bindings),
            binds: (!binds.is_empty()).then_some(binds),
            restart_policy: restart.map(|(name, max)| ApiRestartPolicy { name: Some(name), maximum_retry_count: max }),
            auto_remove: Some(spec.auto_remove),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Splits an image reference into what `/images/create` wants: the repository and a
/// tag or digest. Without one the daemon would pull every tag, so `latest` is implied.
pub fn pull_parts(reference: &str) -> (String, String) {
    if let Some((repo, digest)) = reference.split_once('@') {
        let repo = repo.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map_or(repo, |(r, _)| r);
        return (repo.to_string(), digest.to_string());
    }
    match reference.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo.to_string(), tag.to_string()),
        _ => (reference.to_string(), "latest".to_string()),
    }
}

/// One progress message of a pull, or the error the daemon put inside the stream.
pub fn pull_progress(info: &CreateImageInfo) -> Result<PullProgress, String> {
    if let Some(detail) = &info.error_detail {
        return Err(sanitize(detail.message.as_deref().unwrap_or("the pull failed")));
    }
    let detail = info.progress_detail.as_ref();
    Ok(PullProgress {
        layer: sanitize(info.id.as_deref().unwrap_or_default()),
        status: sanitize(info.status.as_deref().unwrap_or_default()),
        current: detail.and_then(|d| d.current).and_then(|c| u64::try_from(c).ok()).unwrap_or(0),
        total: detail.and_then(|d| d.total).and_then(|t| u64::try_from(t).ok()).unwrap_or(0),
    })
}

/// A stats reading, as `docker stats` reads it (memory without inactive file pages,
/// block I/O summed over devices, network summed over interfaces).
pub fn stats_sample(stats: &bollard::models::ContainerStatsResponse, at_ms: i64) -> StatsSample {
    let cpu = stats.cpu_stats.as_ref();
    let total = |c: Option<&bollard::models::ContainerCpuStats>| {
        c.and_then(|c| c.cpu_usage.as_ref()).and_then(|u| u.total_usage).unwrap_or(0)
    };
    let pre = stats.precpu_stats.as_ref().map(|p| (total(Some(p)), p.system_cpu_usage.unwrap_or(0)));
    let online_cpus = cpu.and_then(|c| c.online_cpus).filter(|n| *n > 0).unwrap_or_else(|| {
        cpu.and_then(|c| c.cpu_usage.as_ref())
            .and_then(|u| u.percpu_usage.as_ref())
            .map_or(1, |p| p.len().max(1) as u32)
    });
    let mem = stats.memory_stats.as_ref();
    let usage = mem.and_then(|m| m.usage).unwrap_or(0);
    let stat = |key: &str| mem.and_then(|m| m.stats.as_ref()).and_then(|s| s.get(key)).copied();
    let inactive = stat("total_inactive_file").or_else(|| stat("inactive_file")).filter(|v| *v < usage).unwrap_or(0);
    let (mut net_rx, mut net_tx) = (0u64, 0u64);
    for net in stats.networks.iter().flat_map(|n| n.values()) {
        net_rx = net_rx.saturating_add(net.rx_bytes.unwrap_or(0));
        net_tx = net_tx.saturating_add(net.tx_bytes.unwrap_or(0));
    }
    let (mut blk_read, mut blk_write) = (0u64, 0u64);
    let entries = stats.blkio_stats.as_ref().and_then(|b| b.io_service_bytes_recursive.as_ref());
    for entry in entries.into_iter().flatten() {
        match entry.op.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("read") => blk_read = blk_read.saturating_add(entry.value.unwrap_or(0)),
            Some("write") => blk_write = blk_write.saturating_add(entry.value.unwrap_or(0)),
            _ => {}
        }
    }
    StatsSample {
        at_ms,
        cpu_total: total(cpu),
        system_total: cpu.and_then(|c| c.system_cpu_usage).unwrap_or(0),
        pre,
        online_cpus,
        mem_used: usage - inactive,
        mem_limit: mem.and_then(|m| m.limit).unwrap_or(0),
        net_rx,
        net_tx,
        blk_read,
        blk_write,
    }
}

/// `/system/df`, read leniently: API 1.41 lists every image, container and volume;
/// newer APIs send totals. Either gives the same figures.
pub fn disk_usage(json: &serde_json::Value) -> DiskUsage {
    let int = |v: Option<&serde_json::Value>| v.and_then(serde_json::Value::as_i64).unwrap_or(0);
    let list = |key: &str| json.get(key).and_then(|v| v.as_array()).cloned().unwrap_or_default();
    let volume_sizes: Vec<(String, i64)> = json
        .get("Volumes")
        .or_else(|| json.pointer("/VolumeUsage/Items"))
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let size = v.pointer("/UsageData/Size")?.as_i64().filter(|s| *s >= 0)?;
            Some((sanitize(v.get("Name")?.as_str()?), size))
        })
        .collect();
    if let Some(usage) = json.get("ImageUsage") {
        return DiskUsage {
            images: int(usage.get("TotalSize")),
            images_reclaimable: int(usage.get("Reclaimable")),
            containers: int(json.pointer("/ContainerUsage/TotalSize")),
            volumes: int(json.pointer("/VolumeUsage/TotalSize")),
            build_cache: int(json.pointer("/BuildCacheUsage/TotalSize")),
            volume_sizes,
        };
    }
    let images = list("Images");
    let unused: i64 = images
        .iter()
        .filter(|i| int(i.get("Containers")) == 0)
        .map(|i| int(i.get("Size")) - int(i.get("SharedSize")).max(0))
        .sum();
    DiskUsage {
        images: json
            .get("LayersSize")
            .map_or_else(|| images.iter().map(|i| int(i.get("Size"))).sum(), |v| int(Some(v))),
        images_reclaimable: unused.max(0),
        containers: list("Containers").iter().map(|c| int(c.get("SizeRw"))).sum(),
        volumes: list("Volumes").iter().map(|v| int(v.pointer("/UsageData/Size")).max(0)).sum(),
        build_cache: list("BuildCache").iter().map(|b| int(b.get("Size"))).sum(),
        volume_sizes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn stats_from_captured_json_match_docker_stats() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stats-stream.json")).unwrap();
        let stats: bollard::models::ContainerStatsResponse = serde_json::from_str(&text).unwrap();
        let sample = stats_sample(&stats, 1_000);
        let f = crate::model::figures(None, &sample);
        // A busy loop on one of two CPUs: about 100%.
        assert!((f.cpu_percent.unwrap() - 100.67).abs() < 0.1, "{f:?}");
        // usage 581632 minus total_inactive_file (0 here) = 581632 bytes.
        assert_eq!(f.mem_used, 581_632);
        assert_eq!(f.mem_limit, 25_276_502_016);
        assert_eq!(sample.net_rx, 736);
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stats-oneshot.json")).unwrap();
        let one_shot: bollard::models::ContainerStatsResponse = serde_json::from_str(&text).unwrap();
        assert_eq!(
            crate::model::figures(None, &stats_sample(&one_shot, 0)).cpu_percent,
            None,
            "a one-shot reading has no pair"
        );
    }

    #[test]
    fn disk_usage_in_both_api_shapes() {
        let old = serde_json::json!({
            "LayersSize": 1000,
            "Images": [{"Size": 600, "SharedSize": 100, "Containers": 0}, {"Size": 400, "SharedSize": 0, "Containers": 2}],
            "Containers": [{"SizeRw": 5}, {"SizeRw": 7}],
            "Volumes": [{"Name": "data", "UsageData": {"Size": 30}}, {"Name": "x", "UsageData": {"Size": -1}}],
            "BuildCache": []
        });
        assert_eq!(
            disk_usage(&old),
            DiskUsage {
                images: 1000,
                images_reclaimable: 500,
                containers: 12,
                volumes: 30,
                build_cache: 0,
                volume_sizes: vec![("data".into(), 30)],
            }
        );
        let new =
            serde_json::json!({"ImageUsage": {"TotalSize": 9, "Reclaimable": 4}, "ContainerUsage": {"TotalSize": 3}});
        assert_eq!(disk_usage(&new).images, 9);
        assert_eq!(disk_usage(&new).containers, 3);
    }

    #[test]
    fn pull_parts_imply_latest() {
        assert_eq!(pull_parts("redis"), ("redis".into(), "latest".into()));
        assert_eq!(pull_parts("mysql:5.7"), ("mysql".into(), "5.7".into()));
        assert_eq!(pull_parts("localhost:5000/app"), ("localhost:5000/app".into(), "latest".into()));
        assert_eq!(pull_parts("localhost:5000/app:v2"), ("localhost:5000/app".into(), "v2".into()));
        assert_eq!(pull_parts("a/b@sha256:00"), ("a/b".into(), "sha256:00".into()));
    }

    #[test]
    fn a_launch_spec_becomes_a_create_body() {
        let draft = crate::launch::LaunchDraft {
            image: "redis".into(),
            ports: "1234:6379\n5353:53/udp\n7000-7001:8000".into(),
            env: "A=1".into(),
            volumes: "/srv:/data:ro\n/cache".into(),
            restart: RestartPolicy::OnFailure(Some(3)),
            ..Default::default()
        };
        let body = create_body(&draft.validate(|_| None).unwrap());
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["Image"], "redis");
        assert_eq!(json["Env"][0], "A=1");
        let host = &json["HostConfig"];
        assert_eq!(host["PortBindings"]["6379/tcp"][0]["HostIp"], "127.0.0.1");
        assert_eq!(host["PortBindings"]["6379/tcp"][0]["HostPort"], "1234");
        assert_eq!(host["PortBindings"]["53/udp"][0]["HostPort"], "5353");
        assert_eq!(host["PortBindings"]["8000/tcp"][0]["HostPort"], "7000-7001");
        assert_eq!(host["Binds"][0], "/srv:/data:ro");
        assert_eq!(host["RestartPolicy"]["Name"], "on-failure");
        assert_eq!(host["RestartPolicy"]["MaximumRetryCount"], 3);
        assert!(json["Volumes"].to_string().contains("/cache"), "{json}");
        assert!(json["ExposedPorts"].to_string().contains("6379/tcp"), "{json}");
    }

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

/// `GET /volumes`: `{"Volumes": [...]}`. Read leniently: a volume in an odd shape is
/// skipped, not the list.
pub fn volume_rows(json: &serde_json::Value) -> Vec<VolumeRow> {
    let text = |v: &serde_json::Value, key: &str| sanitize(v.get(key).and_then(|s| s.as_str()).unwrap_or_default());
    let mut rows = json
        .get("Volumes")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter(|v| v.get("Name").and_then(|n| n.as_str()).is_some())
        .map(|v| VolumeRow {
            name: text(v, "Name"),
            driver: text(v, "Driver"),
            mountpoint: text(v, "Mountpoint"),
            size: v.pointer("/UsageData/Size").and_then(|s| s.as_i64()).filter(|s| *s >= 0),
            used_by: Vec::new(),
            created: v.get("CreatedAt").and_then(|c| c.as_str()).and_then(parse_rfc3339),
        })
        .collect::<Vec<_>>();
    // By name: the daemon's order changes from one answer to the next.
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

/// `GET /networks`: a list. (The list's `Containers` is empty on Docker; the names of
/// attached containers come from the container list, see `state`.)
pub fn network_rows(json: &serde_json::Value) -> Vec<NetworkRow> {
    let text = |v: &serde_json::Value, key: &str| sanitize(v.get(key).and_then(|s| s.as_str()).unwrap_or_default());
    let mut rows = json
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n.get("Id").and_then(|i| i.as_str()).is_some())
        .map(|n| NetworkRow {
            id: text(n, "Id"),
            name: text(n, "Name"),
            driver: text(n, "Driver"),
            scope: text(n, "Scope"),
            subnets: n
                .pointer("/IPAM/Config")
                .and_then(|c| c.as_array())
                .into_iter()
                .flatten()
                .filter_map(|c| c.get("Subnet").and_then(|s| s.as_str()).map(sanitize))
                .collect(),
            containers: n
                .get("Containers")
                .and_then(|c| c.as_object())
                .into_iter()
                .flatten()
                .filter_map(|(_, c)| c.get("Name").and_then(|s| s.as_str()).map(sanitize))
                .collect(),
            internal: n.get("Internal").and_then(|i| i.as_bool()).unwrap_or(false),
        })
        .collect::<Vec<_>>();
    // By name: the daemon's order changes from one answer to the next (it walks a map).
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

/// `docker top`'s answer: `Titles` and `Processes`, every cell sanitised (a process
/// can name itself anything, escapes included).
pub fn process_table(json: &serde_json::Value) -> crate::model::ProcessTable {
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().into_iter().flatten().map(|c| sanitize(c.as_str().unwrap_or_default())).collect()
    };
    crate::model::ProcessTable {
        titles: json.get("Titles").map(strings).unwrap_or_default(),
        rows: json.get("Processes").and_then(|p| p.as_array()).into_iter().flatten().map(strings).collect(),
    }
}

/// The daemon's clock from its `/info` (`SystemTime`), in Unix seconds.
pub fn daemon_clock(info: &serde_json::Value) -> Option<i64> {
    info.get("SystemTime").and_then(|t| t.as_str()).and_then(parse_rfc3339)
}

/// `2024-05-01T10:00:00Z` (or with an offset) -> Unix seconds.
fn parse_rfc3339(text: &str) -> Option<i64> {
    let (date, rest) = text.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (d.next()??, d.next()??, d.next()??);
    // Out-of-range fields are no date (and would overflow the arithmetic below).
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let time: String = rest.chars().take(8).collect();
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (hour, minute, second) = (t.next()??, t.next()??, t.next()??);
    if !(0..24).contains(&hour) || !(0..60).contains(&minute) || !(0..=60).contains(&second) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let mut seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    // An offset after the seconds (and any fraction): `+02:00` is two hours ahead of UTC.
    let tail = rest.get(8..).unwrap_or_default();
    let tail = tail.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    if let Some(sign) = tail.chars().next().filter(|c| *c == '+' || *c == '-') {
        let mut o = tail[1..].split(':').map(|p| p.parse::<i64>().ok());
        let offset =
            o.next().flatten().unwrap_or(0).clamp(0, 24) * 3600 + o.next().flatten().unwrap_or(0).clamp(0, 59) * 60;
        seconds -= if sign == '+' { offset } else { -offset };
    }
    Some(seconds)
}

/// A prune's answer: `ContainersDeleted` / `ImagesDeleted` / `VolumesDeleted` /
/// `NetworksDeleted`, and `SpaceReclaimed`.
pub fn prune_report(json: &serde_json::Value) -> PruneReport {
    let mut deleted = Vec::new();
    for key in ["ContainersDeleted", "VolumesDeleted", "NetworksDeleted"] {
        for item in json.get(key).and_then(|v| v.as_array()).into_iter().flatten() {
            if let Some(s) = item.as_str() {
                deleted.push(sanitize(s));
            }
        }
    }
    for item in json.get("ImagesDeleted").and_then(|v| v.as_array()).into_iter().flatten() {
        if let Some(s) = item.get("Untagged").or_else(|| item.get("Deleted")).and_then(|s| s.as_str()) {
            deleted.push(sanitize(s));
        }
    }
    PruneReport { deleted, reclaimed_bytes: json.get("SpaceReclaimed").and_then(|s| s.as_i64()).unwrap_or(0) }
}

/// The daemon's JSON, pretty-printed and sanitised line by line: what the inspect view
/// shows. Not JSON any more where a value held control characters, which is the point.
pub fn pretty_json(raw: &[u8]) -> Result<Vec<String>, String> {
    let value: serde_json::Value = serde_json::from_slice(raw).map_err(|e| format!("unreadable answer: {e}"))?;
    let pretty = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    Ok(pretty.lines().map(sanitize).collect())
}

#[cfg(test)]
mod object_tests {
    use super::*;

    #[test]
    fn timestamps_with_and_without_offsets() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2024-05-01T10:00:00Z"), Some(1_714_557_600));
        assert_eq!(parse_rfc3339("2024-05-01T12:00:00.123+02:00"), Some(1_714_557_600));
        assert_eq!(parse_rfc3339("nonsense"), None);
        let top = serde_json::json!({
            "Titles": ["PID", "CMD"],
            "Processes": [["1", "sleep 60"], ["7", "sh -c \u{1b}]0;x\u{7}echo"]]
        });
        let table = process_table(&top);
        assert_eq!(table.titles, vec!["PID", "CMD"]);
        assert_eq!(table.rows.len(), 2);
        assert!(!table.rows[1][1].contains('\u{1b}'), "{:?}", table.rows[1][1]);
        assert_eq!(process_table(&serde_json::json!({})), crate::model::ProcessTable::default());
        let info = serde_json::json!({ "SystemTime": "2024-05-01T10:00:00.123456789Z" });
        assert_eq!(daemon_clock(&info), Some(1_714_557_600));
        assert_eq!(daemon_clock(&serde_json::json!({})), None);
        assert_eq!(parse_rfc3339("9223372036854775807-01-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2024-13-01T00:00:00Z"), None);
    }

    #[test]
    fn volumes_networks_and_prunes_read_leniently() {
        let volumes = serde_json::json!({"Volumes": [
            {"Name": "data", "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/data/_data",
             "CreatedAt": "2024-05-01T10:00:00Z", "UsageData": {"Size": 2048, "RefCount": 1}},
            {"Driver": "local"},
            {"Name": "evil\u{1b}]0;x\u{7}", "Driver": "local", "Mountpoint": "/m", "UsageData": {"Size": -1}}
        ]});
        let rows = volume_rows(&volumes);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].size, Some(2048));
        assert_eq!(rows[0].created, Some(1_714_557_600));
        assert_eq!(rows[1].name, "evil");
        assert_eq!(rows[1].size, None, "-1 means unknown");

        let networks = serde_json::json!([
            {"Id": "n1", "Name": "bridge", "Driver": "bridge", "Scope": "local",
             "IPAM": {"Config": [{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]}, "Containers": {}},
            {"Id": "n2", "Name": "app", "Driver": "bridge", "Scope": "local", "Internal": true, "IPAM": {"Config": null},
             "Containers": {"abc": {"Name": "web"}}}
        ]);
        let rows = network_rows(&networks);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["app", "bridge"], "by name, whatever the daemon's order");
        assert_eq!(rows[1].subnets, ["172.17.0.0/16"]);
        assert!(rows[1].is_builtin() && !rows[0].is_builtin());
        assert_eq!(rows[0].containers, ["web"]);
        assert!(rows[0].internal);

        let report = prune_report(&serde_json::json!({
            "ImagesDeleted": [{"Untagged": "old:1"}, {"Deleted": "sha256:abc"}], "SpaceReclaimed": 1234
        }));
        assert_eq!(report.deleted, ["old:1", "sha256:abc"]);
        assert_eq!(report.reclaimed_bytes, 1234);
        assert_eq!(prune_report(&serde_json::json!({"VolumesDeleted": null})), PruneReport::default());
    }

    #[test]
    fn inspect_json_is_pretty_and_harmless() {
        let lines = pretty_json(br#"{"Name":"x\u001b]52;c;AA==\u0007y","N":[1,2]}"#).unwrap();
        assert_eq!(lines[0], "{");
        assert!(lines.iter().all(|l| !l.contains('\u{1b}') && !l.contains('\u{7}')), "{lines:?}");
        assert!(pretty_json(b"not json").is_err());
    }
}

/// `/info`'s `Swarm`: `LocalNodeState` "active" with `ControlAvailable` is a manager.
pub fn swarm_role(info: &serde_json::Value) -> SwarmRole {
    let state = info.pointer("/Swarm/LocalNodeState").and_then(|s| s.as_str()).unwrap_or_default();
    let control = info.pointer("/Swarm/ControlAvailable").and_then(|c| c.as_bool()).unwrap_or(false);
    match (state, control) {
        ("active", true) => SwarmRole::Manager,
        ("active", false) => SwarmRole::Worker,
        _ => SwarmRole::Standalone,
    }
}

fn text_at(v: &serde_json::Value, pointer: &str) -> String {
    sanitize(v.pointer(pointer).and_then(|s| s.as_str()).unwrap_or_default())
}

/// `GET /nodes`.
pub fn node_rows(json: &serde_json::Value) -> Vec<NodeRow> {
    json.as_array()
        .into_iter()
        .flatten()
        .filter(|n| n.get("ID").and_then(|i| i.as_str()).is_some())
        .map(|n| {
            let mut labels: Vec<String> = n
                .pointer("/Spec/Labels")
                .and_then(|l| l.as_object())
                .into_iter()
                .flatten()
                .map(|(k, v)| sanitize(&format!("{k}={}", v.as_str().unwrap_or_default())))
                .collect();
            labels.sort();
            let leader = n.pointer("/ManagerStatus/Leader").and_then(|l| l.as_bool()).unwrap_or(false);
            NodeRow {
                id: text_at(n, "/ID"),
                hostname: text_at(n, "/Description/Hostname"),
                role: text_at(n, "/Spec/Role"),
                availability: text_at(n, "/Spec/Availability"),
                status: text_at(n, "/Status/State"),
                manager_status: if leader { "leader".into() } else { text_at(n, "/ManagerStatus/Reachability") },
                engine_version: text_at(n, "/Description/Engine/EngineVersion"),
                labels,
            }
        })
        .collect()
}

/// `GET /services?status=true`.
pub fn service_rows(json: &serde_json::Value) -> Vec<ServiceRow> {
    let int = |v: &serde_json::Value, pointer: &str| v.pointer(pointer).and_then(|n| n.as_u64());
    json.as_array()
        .into_iter()
        .flatten()
        .filter(|s| s.get("ID").and_then(|i| i.as_str()).is_some())
        .map(|s| {
            let global = s.pointer("/Spec/Mode/Global").is_some();
            let desired =
                int(s, "/ServiceStatus/DesiredTasks").or_else(|| int(s, "/Spec/Mode/Replicated/Replicas")).unwrap_or(0);
            let ports = s
                .pointer("/Endpoint/Ports")
                .and_then(|p| p.as_array())
                .into_iter()
                .flatten()
                .map(|p| {
                    format!(
                        "{}:{}/{}",
                        p.get("PublishedPort").and_then(|n| n.as_u64()).unwrap_or(0),
                        p.get("TargetPort").and_then(|n| n.as_u64()).unwrap_or(0),
                        sanitize(p.get("Protocol").and_then(|n| n.as_str()).unwrap_or("tcp"))
                    )
                })
                .collect();
            // Images come pinned by digest (`busybox:latest@sha256:…`): the tag says enough.
            let image = text_at(s, "/Spec/TaskTemplate/ContainerSpec/Image");
            let image = image.split('@').next().unwrap_or_default().to_string();
            ServiceRow {
                id: text_at(s, "/ID"),
                name: text_at(s, "/Spec/Name"),
                mode: if global { "global".into() } else { "replicated".into() },
                running: int(s, "/ServiceStatus/RunningTasks").unwrap_or(0),
                desired,
                image,
                ports,
                update_status: text_at(s, "/UpdateStatus/State"),
                stack: s
                    .pointer("/Spec/Labels/com.docker.stack.namespace")
                    .and_then(|v| v.as_str())
                    .filter(|v| !v.is_empty())
                    .map(sanitize),
                version: int(s, "/Version/Index").unwrap_or(0),
                tty: s.pointer("/Spec/TaskTemplate/ContainerSpec/TTY").and_then(|t| t.as_bool()).unwrap_or(false),
            }
        })
        .collect()
}

/// `GET /tasks?filters={"service":[id]}`, newest first.
pub fn task_rows(json: &serde_json::Value) -> Vec<TaskRow> {
    let mut rows: Vec<TaskRow> = json
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t.get("ID").and_then(|i| i.as_str()).is_some())
        .map(|t| TaskRow {
            id: text_at(t, "/ID"),
            service_id: text_at(t, "/ServiceID"),
            slot: t.get("Slot").and_then(|s| s.as_u64()),
            node_id: text_at(t, "/NodeID"),
            desired_state: text_at(t, "/DesiredState"),
            state: text_at(t, "/Status/State"),
            error: text_at(t, "/Status/Err"),
            created: t.get("CreatedAt").and_then(|c| c.as_str()).and_then(parse_rfc3339).unwrap_or(0),
            container_id: t
                .pointer("/Status/ContainerStatus/ContainerID")
                .and_then(|c| c.as_str())
                .filter(|c| !c.is_empty())
                .map(sanitize),
        })
        .collect();
    rows.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.slot.cmp(&b.slot)));
    rows
}
