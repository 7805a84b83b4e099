//! Launching: the create request for a container, and pulling its image.

use std::collections::HashMap;

use bollard::models::{
    ContainerCreateBody, CreateImageInfo, EndpointSettings, HostConfig, NetworkingConfig,
    PortBinding as ApiPortBinding, RestartPolicy as ApiRestartPolicy, RestartPolicyNameEnum,
};

use crate::model::{HostPort, LaunchSpec, PullProgress, RestartPolicy};
use crate::text::sanitize;

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
    // A user network is joined as the docker CLI joins it: by mode and as an endpoint
    // (the daemon's own modes, and another container's namespace, have no endpoint).
    let endpoint = spec
        .network
        .as_ref()
        .filter(|n| !matches!(n.as_str(), "bridge" | "host" | "none" | "default") && !n.starts_with("container:"));
    let networking_config = endpoint.map(|name| NetworkingConfig {
        endpoints_config: Some(HashMap::from([(name.clone(), EndpointSettings::default())])),
    });
    ContainerCreateBody {
        image: Some(spec.image.clone()),
        networking_config,
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
            extra_hosts: (!spec.extra_hosts.is_empty()).then(|| spec.extra_hosts.clone()),
            network_mode: spec.network.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn extra_hosts_and_the_network_go_where_the_daemon_reads_them() {
        let draft = crate::launch::LaunchDraft {
            image: "busybox".into(),
            network: "mynet".into(),
            extra_hosts: "host.docker.internal:host-gateway\ndb:10.0.0.5".into(),
            ..Default::default()
        };
        let json = serde_json::to_value(create_body(&draft.validate(|_| None).unwrap())).unwrap();
        assert_eq!(
            json["HostConfig"]["ExtraHosts"],
            serde_json::json!(["host.docker.internal:host-gateway", "db:10.0.0.5"])
        );
        assert_eq!(json["HostConfig"]["NetworkMode"], "mynet");
        assert!(json["NetworkingConfig"]["EndpointsConfig"]["mynet"].is_object(), "{json}");
        let shared =
            crate::launch::LaunchDraft { network: "container:redis".into(), extra_hosts: String::new(), ..draft };
        let json = serde_json::to_value(create_body(&shared.validate(|_| None).unwrap())).unwrap();
        assert_eq!(json["HostConfig"]["NetworkMode"], "container:redis");
        assert!(json["NetworkingConfig"].is_null(), "{json}");
        assert!(json["HostConfig"]["ExtraHosts"].is_null(), "{json}");
        let plain = crate::launch::LaunchDraft { image: "busybox".into(), ..Default::default() };
        let json = serde_json::to_value(create_body(&plain.validate(|_| None).unwrap())).unwrap();
        assert!(json["HostConfig"]["NetworkMode"].is_null(), "the daemon's default: {json}");
    }

    #[test]
    fn pull_progress_and_errors_inside_the_stream() {
        let info: CreateImageInfo = serde_json::from_str(
            r#"{"id": "a1", "status": "Downloading", "progressDetail": {"current": 10, "total": 100}}"#,
        )
        .unwrap();
        let progress = pull_progress(&info).unwrap();
        assert_eq!((progress.layer.as_str(), progress.current, progress.total), ("a1", 10, 100));
        let failed: CreateImageInfo =
            serde_json::from_str(r#"{"errorDetail": {"message": "manifest unknown\u001b[2J"}, "error": "x"}"#).unwrap();
        assert_eq!(pull_progress(&failed), Err("manifest unknown".into()));
    }
}
