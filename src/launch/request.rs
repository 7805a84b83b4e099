//! The create request for a launch, as the JSON the daemon takes
//! (`POST /containers/create`): what the form says, laid over what a container the
//! form was filled from carried (`LaunchSpec::carried`). One builder for every
//! launch, so the equivalent `docker run` command (`command.rs`) describes exactly
//! what is sent.

use serde_json::{Map, Value, json};

use super::form_shows_network;
use crate::model::{HostPort, LaunchSpec, RestartPolicy};

/// The body of the create request. Ports are exposed and bound; volumes with a source
/// are binds, those without are anonymous volumes. Of what the form owns, entries the
/// carried part holds (those the form could not show) come first, the form's after.
pub fn create_request(spec: &LaunchSpec) -> Value {
    let mut body = match &spec.carried {
        Some(Value::Object(carried)) => carried.clone(),
        _ => Map::new(),
    };
    body.insert("Image".into(), json!(spec.image));

    let mut env = take_array(&mut body, "Env");
    env.extend(spec.env.iter().map(|e| json!(e)));
    put_array(&mut body, "Env", env);

    if let Some(command) = &spec.command {
        body.insert("Cmd".into(), json!(command));
    }

    let mut port_bindings = match body.get_mut("HostConfig").and_then(|h| h.get_mut("PortBindings")).map(Value::take) {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for p in &spec.ports {
        let host_port = match p.host_port {
            HostPort::Random => String::new(),
            HostPort::Port(n) => n.to_string(),
            HostPort::Range(a, b) => format!("{a}-{b}"),
        };
        let entry = port_bindings.entry(format!("{}/{}", p.container_port, p.protocol)).or_insert_with(|| json!([]));
        if !entry.is_array() {
            *entry = json!([]);
        }
        if let Some(list) = entry.as_array_mut() {
            list.push(json!({ "HostIp": p.host_ip, "HostPort": host_port }));
        }
    }
    let mut exposed = match body.remove("ExposedPorts") {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for key in port_bindings.keys() {
        exposed.insert(key.clone(), json!({}));
    }
    if !exposed.is_empty() {
        body.insert("ExposedPorts".into(), Value::Object(exposed));
    }

    let mut anonymous = match body.remove("Volumes") {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for v in spec.volumes.iter().filter(|v| v.source.is_none()) {
        anonymous.insert(v.target.clone(), json!({}));
    }
    if !anonymous.is_empty() {
        body.insert("Volumes".into(), Value::Object(anonymous));
    }

    // `-it` sets both; a container that had only one of them carries it, and the
    // form's toggle, when on, still means both.
    if spec.interactive_tty || !body.contains_key("Tty") {
        body.insert("Tty".into(), json!(spec.interactive_tty));
    }
    if spec.interactive_tty || !body.contains_key("OpenStdin") {
        body.insert("OpenStdin".into(), json!(spec.interactive_tty));
    }
    body.entry("AttachStdin").or_insert(json!(false));

    let mut labels = match body.remove("Labels") {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for (k, v) in &spec.labels {
        labels.insert(k.clone(), json!(v));
    }
    if !labels.is_empty() {
        body.insert("Labels".into(), Value::Object(labels));
    }

    // The network a carried container was on, when the form leaves it.
    let mut left_network = None;
    let host = body.entry("HostConfig").or_insert_with(|| json!({}));
    if !host.is_object() {
        *host = json!({});
    }
    if let Value::Object(host) = host {
        if !port_bindings.is_empty() {
            host.insert("PortBindings".into(), Value::Object(port_bindings));
        }
        let mut binds = take_array(host, "Binds");
        binds.extend(spec.volumes.iter().filter_map(|v| v.bind_string()).map(Value::String));
        put_array(host, "Binds", binds);
        let restart = match spec.restart {
            RestartPolicy::No => None,
            RestartPolicy::OnFailure(n) => Some(json!({ "Name": "on-failure", "MaximumRetryCount": n.unwrap_or(0) })),
            other => Some(json!({ "Name": other.name(), "MaximumRetryCount": 0 })),
        };
        match restart {
            Some(policy) => host.insert("RestartPolicy".into(), policy),
            None => host.remove("RestartPolicy"),
        };
        host.insert("AutoRemove".into(), json!(spec.auto_remove));
        // What the form says wins over what was carried (`--add-host`, `--network`).
        if !spec.extra_hosts.is_empty() {
            host.insert("ExtraHosts".into(), json!(spec.extra_hosts));
        }
        let carried_mode = host.get("NetworkMode").and_then(Value::as_str).unwrap_or_default().to_string();
        // A form filled from a container showed its network (when it could): naming
        // another one, or clearing the field, leaves that network.
        let leaves = match &spec.network {
            Some(mode) => *mode != carried_mode,
            None => form_shows_network(&carried_mode),
        };
        match &spec.network {
            Some(mode) => {
                host.insert("NetworkMode".into(), json!(mode));
            }
            None if leaves => {
                host.remove("NetworkMode");
            }
            None => {}
        }
        if leaves && !carried_mode.is_empty() {
            left_network = Some(if carried_mode == "default" { "bridge".to_string() } else { carried_mode });
        }
    }
    if let Some(network) = left_network
        && let Some(Value::Object(endpoints)) =
            body.get_mut("NetworkingConfig").and_then(|n| n.get_mut("EndpointsConfig"))
    {
        endpoints.remove(&network);
    }
    // A user network is joined as the docker CLI joins it: by mode and as an endpoint
    // (the daemon's own modes, and another container's namespace, have no endpoint).
    let user_network = spec
        .network
        .as_ref()
        .filter(|n| !matches!(n.as_str(), "bridge" | "host" | "none" | "default") && !n.starts_with("container:"));
    if let Some(name) = user_network {
        let networking = body.entry("NetworkingConfig").or_insert_with(|| json!({}));
        if !networking.is_object() {
            *networking = json!({});
        }
        if let Value::Object(networking) = networking {
            let endpoints = networking.entry("EndpointsConfig").or_insert_with(|| json!({}));
            if !endpoints.is_object() {
                *endpoints = json!({});
            }
            if let Value::Object(endpoints) = endpoints {
                endpoints.entry(name.clone()).or_insert_with(|| json!({}));
            }
        }
    }
    Value::Object(body)
}

/// Splits off the networks a create cannot join at once: before API 1.44 the daemon
/// takes one endpoint in `NetworkingConfig`; the others are joined after the create,
/// with their settings (aliases, addresses). The one kept is the network the
/// container's network mode names, else the first.
pub fn split_networks(body: &mut Value) -> Vec<(String, Value)> {
    let mode = body.pointer("/HostConfig/NetworkMode").and_then(Value::as_str).unwrap_or_default().to_string();
    let Some(Value::Object(endpoints)) = body.pointer_mut("/NetworkingConfig/EndpointsConfig") else {
        return Vec::new();
    };
    if endpoints.len() <= 1 {
        return Vec::new();
    }
    let keep = if endpoints.contains_key(&mode) { mode } else { endpoints.keys().next().cloned().unwrap_or_default() };
    let all = std::mem::take(endpoints);
    let mut later = Vec::new();
    for (name, endpoint) in all {
        if name == keep {
            endpoints.insert(name, endpoint);
        } else {
            later.push((name, endpoint));
        }
    }
    later
}

fn take_array(map: &mut Map<String, Value>, key: &str) -> Vec<Value> {
    match map.remove(key) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

fn put_array(map: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        map.insert(key.into(), Value::Array(items));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::launch::LaunchDraft;

    fn spec(draft: LaunchDraft) -> LaunchSpec {
        draft.validate(|_| None).unwrap()
    }

    #[test]
    fn a_launch_spec_becomes_a_create_request() {
        let json = create_request(&spec(LaunchDraft {
            image: "redis".into(),
            ports: "1234:6379\n5353:53/udp\n7000-7001:8000".into(),
            env: "A=1".into(),
            volumes: "/srv:/data:ro\n/cache".into(),
            restart: RestartPolicy::OnFailure(Some(3)),
            ..Default::default()
        }));
        assert_eq!(json["Image"], "redis");
        assert_eq!(json["Env"][0], "A=1");
        assert_eq!((json["Tty"].clone(), json["OpenStdin"].clone()), (json!(false), json!(false)));
        let host = &json["HostConfig"];
        assert_eq!(host["PortBindings"]["6379/tcp"][0]["HostIp"], "127.0.0.1");
        assert_eq!(host["PortBindings"]["6379/tcp"][0]["HostPort"], "1234");
        assert_eq!(host["PortBindings"]["53/udp"][0]["HostPort"], "5353");
        assert_eq!(host["PortBindings"]["8000/tcp"][0]["HostPort"], "7000-7001");
        assert_eq!(host["Binds"], json!(["/srv:/data:ro"]));
        assert_eq!(host["RestartPolicy"], json!({"Name": "on-failure", "MaximumRetryCount": 3}));
        assert_eq!(host["AutoRemove"], false);
        assert_eq!(json["Volumes"], json!({"/cache": {}}));
        assert_eq!(json["ExposedPorts"], json!({"6379/tcp": {}, "53/udp": {}, "8000/tcp": {}}));
        assert!(json.get("Cmd").is_none() && json.get("Labels").is_none(), "{json}");
    }

    #[test]
    fn extra_hosts_and_the_network_go_where_the_daemon_reads_them() {
        let draft = LaunchDraft {
            image: "busybox".into(),
            network: "mynet".into(),
            extra_hosts: "host.docker.internal:host-gateway\ndb:10.0.0.5".into(),
            ..Default::default()
        };
        let json = create_request(&spec(draft.clone()));
        assert_eq!(json["HostConfig"]["ExtraHosts"], json!(["host.docker.internal:host-gateway", "db:10.0.0.5"]));
        assert_eq!(json["HostConfig"]["NetworkMode"], "mynet");
        assert!(json["NetworkingConfig"]["EndpointsConfig"]["mynet"].is_object(), "{json}");
        let shared = LaunchDraft { network: "container:redis".into(), extra_hosts: String::new(), ..draft };
        let json = create_request(&spec(shared));
        assert_eq!(json["HostConfig"]["NetworkMode"], "container:redis");
        assert!(json["NetworkingConfig"].is_null(), "{json}");
        assert!(json["HostConfig"]["ExtraHosts"].is_null(), "{json}");
        let plain = create_request(&spec(LaunchDraft { image: "busybox".into(), ..Default::default() }));
        assert!(plain["HostConfig"]["NetworkMode"].is_null(), "the daemon's default: {plain}");
    }

    #[test]
    fn the_form_is_laid_over_what_was_carried() {
        let mut spec = spec(LaunchDraft {
            image: "redis:7".into(),
            ports: "6380:6379".into(),
            env: "B=2".into(),
            volumes: "data:/data".into(),
            interactive_tty: true,
            ..Default::default()
        });
        spec.carried = Some(json!({
            "Env": ["ODD=\u{1b}x"],
            "Labels": {"com.docker.compose.project": "shop"},
            "ExposedPorts": {"9000/tcp": {}},
            "Entrypoint": ["/init"],
            "HostConfig": {"CapAdd": ["NET_ADMIN"], "Binds": ["3f2a:/var/lib/anon"], "PortBindings": {"53/udp": [{"HostIp": "", "HostPort": "53"}]}},
            "NetworkingConfig": {"EndpointsConfig": {"shop_default": {"Aliases": ["cache"]}}}
        }));
        let json = create_request(&spec);
        assert_eq!(json["Env"], json!(["ODD=\u{1b}x", "B=2"]), "carried entries kept, verbatim");
        assert_eq!(json["Labels"]["com.docker.compose.project"], "shop");
        assert_eq!(json["Entrypoint"], json!(["/init"]));
        assert_eq!(json["ExposedPorts"], json!({"9000/tcp": {}, "53/udp": {}, "6379/tcp": {}}));
        assert_eq!((json["Tty"].clone(), json["OpenStdin"].clone()), (json!(true), json!(true)));
        let host = &json["HostConfig"];
        assert_eq!(host["CapAdd"], json!(["NET_ADMIN"]));
        assert_eq!(host["Binds"], json!(["3f2a:/var/lib/anon", "data:/data"]));
        assert_eq!(host["PortBindings"]["53/udp"][0]["HostPort"], "53");
        assert_eq!(host["PortBindings"]["6379/tcp"][0]["HostPort"], "6380");
        assert_eq!(json["NetworkingConfig"]["EndpointsConfig"]["shop_default"]["Aliases"], json!(["cache"]));
    }

    #[test]
    fn networks_beyond_the_first_are_joined_after_the_create() {
        let mut body = json!({
            "HostConfig": {"NetworkMode": "back"},
            "NetworkingConfig": {"EndpointsConfig": {"front": {"Aliases": ["a"]}, "back": {}, "side": {}}}
        });
        let later = split_networks(&mut body);
        let names: Vec<&str> = later.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["front", "side"]);
        assert_eq!(later[0].1["Aliases"], json!(["a"]));
        assert_eq!(body["NetworkingConfig"]["EndpointsConfig"], json!({"back": {}}));
        let mut one = json!({"NetworkingConfig": {"EndpointsConfig": {"x": {}}}});
        assert!(split_networks(&mut one).is_empty());
    }
}
