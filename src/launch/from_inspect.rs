//! From a container's inspect to the launch form and back: what the form shows goes
//! into a `LaunchDraft`; everything else the container was made with is carried over
//! unchanged, as the create request's JSON (see `LaunchSpec::carried`), so editing or
//! duplicating a container loses nothing the form does not show (labels, networks and
//! their aliases, capabilities, healthcheck, ulimits, extra hosts, log config, ...).
//!
//! Raw JSON rather than typed structs: whatever the daemon reports, including fields
//! newer than wharf, goes back as it came. Settings equal to the image's own (its env,
//! command, user, working directory, labels) are left out, so a new image tag brings
//! its new defaults, as `docker run` would.

use serde_json::{Map, Value, json};

use super::{LaunchDraft, form_shows_network, parse_extra_host, parse_port_spec, parse_volume_spec};
use crate::model::{HostPort, RestartPolicy};
use crate::text::sanitize;

/// What the filled form is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The same container made again (edit and recreate): its anonymous volumes are
    /// mounted by their names, so their data stays.
    Recreate,
    /// Another container like it: anonymous volumes are new ones, static addresses
    /// are left to the daemon (two containers cannot hold one).
    Duplicate,
    /// The `docker run` command that makes it: anonymous volumes are new ones (the
    /// command may run anywhere), addresses are kept.
    Describe,
}

/// A container, split into what the form shows and what it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Filled {
    pub draft: LaunchDraft,
    /// The create request's keys the form does not own (a JSON object).
    pub carried: Value,
    /// The container's name, without the leading `/`.
    pub name: String,
    pub running: bool,
    /// It has a healthcheck (its own or its image's): a recreate waits for `healthy`.
    pub has_healthcheck: bool,
}

/// Keys of `Config` carried when they differ from the image's.
const CONFIG_VS_IMAGE: [&str; 6] = ["User", "WorkingDir", "Entrypoint", "StopSignal", "Healthcheck", "Shell"];
/// Keys of `Config` carried when set at all.
const CONFIG_WHEN_SET: [&str; 9] = [
    "Domainname",
    "StopTimeout",
    "MacAddress",
    "NetworkDisabled",
    "AttachStdin",
    "AttachStdout",
    "AttachStderr",
    "StdinOnce",
    "ArgsEscaped",
];
/// Keys of `HostConfig` the form owns, or that name the old container itself.
const HOST_OWNED: [&str; 6] =
    ["PortBindings", "Binds", "RestartPolicy", "AutoRemove", "ContainerIDFile", "ConsoleSize"];

/// What a container's inspect (and its image's) hold, for the steps below.
struct Sources<'a> {
    container: &'a Value,
    config: &'a Value,
    image_config: &'a Value,
    host: &'a Value,
    id: String,
    hostname: String,
    purpose: Purpose,
}

pub fn from_inspect(container: &Value, image: Option<&Value>, purpose: Purpose) -> Filled {
    let config = container.get("Config").unwrap_or(&Value::Null);
    let from = Sources {
        container,
        config,
        image_config: image.and_then(|i| i.get("Config")).unwrap_or(&Value::Null),
        host: container.get("HostConfig").unwrap_or(&Value::Null),
        id: str_of(container.get("Id")),
        hostname: str_of(config.get("Hostname")),
        purpose,
    };
    let name = str_of(container.get("Name")).trim_start_matches('/').to_string();
    let mut carried = Map::new();
    let mut draft = LaunchDraft { image: str_of(config.get("Image")), name: name.clone(), ..Default::default() };

    fill_env(&from, &mut draft, &mut carried);
    fill_command(&from, &mut draft, &mut carried);
    carry_config(&from, &mut draft, &mut carried);
    let ports_carried = fill_ports(&from, &mut draft, &mut carried);
    let (binds_carried, host_mounts) = fill_volumes(&from, &mut draft);
    fill_restart(&from, &mut draft);
    fill_network(&from, &mut draft);
    let host_carried = carry_host(&from, &draft, host_mounts, binds_carried, ports_carried);
    carried.insert("HostConfig".into(), Value::Object(host_carried));
    let endpoints = endpoints(container, &from.id, &from.hostname, purpose);
    if !endpoints.is_empty() {
        carried.insert("NetworkingConfig".into(), json!({ "EndpointsConfig": endpoints }));
    }

    Filled {
        draft,
        carried: Value::Object(carried),
        name,
        running: container.pointer("/State/Running").and_then(Value::as_bool).unwrap_or(false),
        has_healthcheck: has_healthcheck(from.config, from.image_config),
    }
}

/// Env: the container's own entries (the image's are added again by the daemon).
/// Entries the form cannot show as typed (hostile text, new lines) are carried.
fn fill_env(from: &Sources, draft: &mut LaunchDraft, carried: &mut Map<String, Value>) {
    let image_env = strings(from.image_config.get("Env"));
    let mut env_lines = Vec::new();
    let mut env_carried = Vec::new();
    for entry in strings(from.config.get("Env")) {
        if image_env.contains(&entry) {
            continue;
        }
        if shown_as_is(&entry) && !entry.contains('\n') {
            env_lines.push(entry)
        } else {
            env_carried.push(json!(entry))
        }
    }
    draft.env = env_lines.join("\n");
    if !env_carried.is_empty() {
        carried.insert("Env".into(), Value::Array(env_carried));
    }
}

/// Command and entrypoint: an entrypoint of the container's own is carried (by
/// `carry_config`); the command shows when it is not the image's (or the entrypoint
/// is not).
fn fill_command(from: &Sources, draft: &mut LaunchDraft, carried: &mut Map<String, Value>) {
    let (config, image_config) = (from.config, from.image_config);
    let entrypoint_changed = !same(config.get("Entrypoint"), image_config.get("Entrypoint"));
    let cmd = strings(config.get("Cmd"));
    if !cmd.is_empty() && (entrypoint_changed || !same(config.get("Cmd"), image_config.get("Cmd"))) {
        let text = shell_words::join(&cmd);
        if shown_as_is(&text) && shell_words::split(&text).ok().as_ref() == Some(&cmd) {
            draft.command = text;
        } else if let Some(raw) = config.get("Cmd") {
            carried.insert("Cmd".into(), raw.clone());
        }
    }
}

/// The rest of `Config`: what differs from the image, what is set at all, the host
/// name the user chose, labels of the container's own, and the `-it` pair.
fn carry_config(from: &Sources, draft: &mut LaunchDraft, carried: &mut Map<String, Value>) {
    let (config, image_config) = (from.config, from.image_config);
    for key in CONFIG_VS_IMAGE {
        if !same(config.get(key), image_config.get(key))
            && let Some(value) = config.get(key)
        {
            carried.insert(key.into(), value.clone());
        }
    }
    for key in CONFIG_WHEN_SET {
        if let Some(value) = config.get(key).filter(|v| !is_zero(v)) {
            carried.insert(key.into(), value.clone());
        }
    }
    // The daemon names a container's host after its id unless told otherwise.
    if !from.hostname.is_empty() && !from.id.starts_with(&from.hostname) {
        carried.insert("Hostname".into(), json!(from.hostname));
    }
    let labels = differing_entries(config.get("Labels"), image_config.get("Labels"));
    if !labels.is_empty() {
        carried.insert("Labels".into(), Value::Object(labels));
    }
    let (tty, stdin) = (bool_of(config.get("Tty")), bool_of(config.get("OpenStdin")));
    draft.interactive_tty = tty && stdin;
    if tty != stdin {
        carried.insert("Tty".into(), json!(tty));
        carried.insert("OpenStdin".into(), json!(stdin));
    }
}

/// Ports: one line per binding, as `-p` writes it; bindings `-p` cannot write are
/// returned to be carried. Ports exposed by `--expose` (not the image's, not
/// published) stay exposed.
fn fill_ports(from: &Sources, draft: &mut LaunchDraft, carried: &mut Map<String, Value>) -> Map<String, Value> {
    let bindings = port_bindings(from.host.get("PortBindings"));
    draft.all_interfaces = bindings.iter().any(|(_, ip, _)| ip.is_empty());
    let default_ip = if draft.all_interfaces { "" } else { "127.0.0.1" };
    let mut port_lines = Vec::new();
    let mut ports_carried = Map::new();
    for (key, ip, host_port) in &bindings {
        match port_line(key, ip, host_port, default_ip) {
            Some(line) => port_lines.push(line),
            None => {
                let list = ports_carried.entry(key.clone()).or_insert_with(|| json!([]));
                if let Some(list) = list.as_array_mut() {
                    list.push(json!({ "HostIp": ip, "HostPort": host_port }));
                }
            }
        }
    }
    draft.ports = port_lines.join("\n");
    let mut exposed = Map::new();
    if let Some(Value::Object(ports)) = from.config.get("ExposedPorts") {
        for key in ports.keys() {
            let published = bindings.iter().any(|(k, _, _)| k == key);
            let images = from.image_config.get("ExposedPorts").and_then(|p| p.get(key)).is_some();
            if !published && !images {
                exposed.insert(key.clone(), json!({}));
            }
        }
    }
    if !exposed.is_empty() {
        carried.insert("ExposedPorts".into(), Value::Object(exposed));
    }
    ports_carried
}

/// Volumes: binds the form can write go to it; anonymous volumes are kept by name
/// (recreate) or made anew (duplicate). Returns the binds to carry and the
/// `--mount`s, with a recreate's source-less volume mounts named.
fn fill_volumes(from: &Sources, draft: &mut LaunchDraft) -> (Vec<Value>, Vec<Value>) {
    let purpose = from.purpose;
    let mut volume_lines = Vec::new();
    let mut binds_carried = Vec::new();
    let mut targets = Vec::new();
    for bind in strings(from.host.get("Binds")) {
        // An anonymous volume a recreate mounted by its name: a duplicate gets its own.
        if purpose != Purpose::Recreate
            && let Some((source, rest)) = bind.split_once(':')
            && is_anonymous_name(source)
        {
            let target = rest.split(':').next().unwrap_or(rest).to_string();
            targets.push(target.clone());
            volume_lines.push(target);
            continue;
        }
        match parse_volume_spec(&bind) {
            Ok(v) if v.bind_string().as_deref() == Some(bind.as_str()) && shown_as_is(&bind) => {
                targets.push(v.target);
                volume_lines.push(bind);
            }
            _ => {
                if let Some(target) = bind.split(':').nth(1) {
                    targets.push(target.to_string());
                }
                binds_carried.push(json!(bind));
            }
        }
    }
    let mut host_mounts = match from.host.get("Mounts") {
        Some(Value::Array(m)) => m.clone(),
        _ => Vec::new(),
    };
    let mount_targets: Vec<String> = host_mounts.iter().map(|m| str_of(m.get("Target"))).collect();
    let image_volumes = from.image_config.get("Volumes");
    if let Some(Value::Array(mounts)) = from.container.get("Mounts") {
        for mount in mounts.iter().filter(|m| str_of(m.get("Type")) == "volume") {
            let (name, target) = (str_of(mount.get("Name")), str_of(mount.get("Destination")));
            if name.is_empty() || targets.contains(&target) {
                continue;
            }
            if let Some(i) = mount_targets.iter().position(|t| *t == target) {
                // A `--mount` without a source: on a recreate, the same volume.
                if purpose == Purpose::Recreate
                    && str_of(host_mounts[i].get("Source")).is_empty()
                    && let Some(Value::Object(m)) = host_mounts.get_mut(i)
                {
                    m.insert("Source".into(), json!(name));
                }
                continue;
            }
            match purpose {
                Purpose::Recreate => {
                    let mode = if mount.get("RW") == Some(&Value::Bool(false)) { ":ro" } else { "" };
                    binds_carried.push(json!(format!("{name}:{target}{mode}")));
                }
                Purpose::Duplicate | Purpose::Describe => {
                    if image_volumes.and_then(|v| v.get(&target)).is_none() {
                        volume_lines.push(target);
                    }
                }
            }
        }
    }
    draft.volumes = volume_lines.join("\n");
    (binds_carried, host_mounts)
}

/// The restart policy and `--rm`.
fn fill_restart(from: &Sources, draft: &mut LaunchDraft) {
    let policy = from.host.get("RestartPolicy").unwrap_or(&Value::Null);
    let retries = policy.get("MaximumRetryCount").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok());
    draft.restart = match str_of(policy.get("Name")).as_str() {
        "always" => RestartPolicy::Always,
        "unless-stopped" => RestartPolicy::UnlessStopped,
        "on-failure" => RestartPolicy::OnFailure(retries.filter(|n| *n > 0)),
        _ => RestartPolicy::No,
    };
    draft.auto_remove = bool_of(from.host.get("AutoRemove"));
}

/// `--network` and `--add-host`, as the form's Network and Extra hosts fields. The
/// network the container was made on stays in the carried `HostConfig.NetworkMode`
/// too: a form that names another one (or none) then drops that network's endpoint
/// (see `create_request`). Names the form could not take back as typed stay carried.
fn fill_network(from: &Sources, draft: &mut LaunchDraft) {
    let mode = str_of(from.host.get("NetworkMode"));
    if form_shows_network(&mode) {
        draft.network = mode;
    }
    let hosts = strings(from.host.get("ExtraHosts"));
    if hosts.iter().all(|h| shown_as_is(h) && parse_extra_host(h).is_ok()) {
        draft.extra_hosts = hosts.join("\n");
    }
}

/// `HostConfig` less what the form owns, with the binds, mounts and port bindings
/// the form could not show put back.
fn carry_host(
    from: &Sources,
    draft: &LaunchDraft,
    host_mounts: Vec<Value>,
    binds_carried: Vec<Value>,
    ports_carried: Map<String, Value>,
) -> Map<String, Value> {
    let mut host_carried = match from.host {
        Value::Object(h) => h.clone(),
        _ => Map::new(),
    };
    for key in HOST_OWNED {
        host_carried.remove(key);
    }
    if !draft.extra_hosts.is_empty() {
        host_carried.remove("ExtraHosts");
    }
    if !host_mounts.is_empty() {
        host_carried.insert("Mounts".into(), Value::Array(host_mounts));
    }
    if !binds_carried.is_empty() {
        host_carried.insert("Binds".into(), Value::Array(binds_carried));
    }
    if !ports_carried.is_empty() {
        host_carried.insert("PortBindings".into(), Value::Object(ports_carried));
    }
    // Inspect writes legacy links as `/other:/me/alias`; a create takes `other:alias`.
    if let Some(Value::Array(links)) = host_carried.get_mut("Links") {
        for link in links.iter_mut() {
            if let Some((other, alias)) = link.as_str().and_then(|l| l.split_once(':')) {
                let alias = alias.rsplit('/').next().unwrap_or(alias);
                *link = json!(format!("{}:{alias}", other.trim_start_matches('/')));
            }
        }
    }
    host_carried
}

/// It has a healthcheck of its own or its image's, not turned off by `NONE`.
fn has_healthcheck(config: &Value, image_config: &Value) -> bool {
    [config, image_config].iter().any(|c| {
        c.get("Healthcheck")
            .and_then(|h| h.get("Test"))
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .is_some_and(|first| first != "NONE")
    }) && !config.pointer("/Healthcheck/Test/0").is_some_and(|t| t == "NONE")
}

/// What a carried part holds, in a few short phrases (sanitised), for the form to
/// say what it keeps without showing: "entrypoint /init", "3 labels", "network shop
/// (aliases web)", "cap-add NET_ADMIN", "anonymous volume at /data".
pub fn describe_carried(carried: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let words = |v: Option<&Value>| strings(v).join(" ");
    for (key, what) in
        [("Entrypoint", "entrypoint"), ("User", "user"), ("WorkingDir", "workdir"), ("Hostname", "hostname")]
    {
        match carried.get(key) {
            Some(Value::String(s)) if !s.is_empty() => out.push(format!("{what} {s}")),
            Some(v @ Value::Array(_)) => out.push(format!("{what} {}", words(Some(v)))),
            _ => {}
        }
    }
    if let Some(Value::Object(labels)) = carried.get("Labels") {
        let project = labels.get("com.docker.compose.project").and_then(Value::as_str);
        let of = project.map(|p| format!(" (compose project {p})")).unwrap_or_default();
        out.push(format!("{} label{}{of}", labels.len(), if labels.len() == 1 { "" } else { "s" }));
    }
    if carried.get("Healthcheck").is_some() {
        out.push("healthcheck".into());
    }
    if let Some(Value::Object(endpoints)) = carried.pointer("/NetworkingConfig/EndpointsConfig") {
        for (name, endpoint) in endpoints {
            let aliases = words(endpoint.get("Aliases"));
            if name == "bridge" && aliases.is_empty() {
                continue;
            }
            let aliases = if aliases.is_empty() { String::new() } else { format!(" (aliases {aliases})") };
            out.push(format!("network {name}{aliases}"));
        }
    }
    let host = carried.get("HostConfig").unwrap_or(&Value::Null);
    for bind in strings(host.get("Binds")) {
        out.push(format!("volume {bind}"));
    }
    let mut others = Vec::new();
    if let Value::Object(host) = host {
        for (key, value) in host {
            // What the daemon fills in by itself is not worth a word.
            if is_zero(value)
                || (key == "Runtime" && value == "runc")
                || matches!(
                    key.as_str(),
                    "Binds"
                        | "LogConfig"
                        | "NetworkMode"
                        | "MaskedPaths"
                        | "ReadonlyPaths"
                        | "CgroupnsMode"
                        | "Isolation"
                        | "ShmSize"
                        | "IpcMode"
                )
            {
                continue;
            }
            match key.as_str() {
                "CapAdd" => out.push(format!("cap-add {}", words(Some(value)))),
                "CapDrop" => out.push(format!("cap-drop {}", words(Some(value)))),
                "ExtraHosts" => out.push(format!("extra hosts {}", words(Some(value)))),
                other => others.push(other.to_string()),
            }
        }
    }
    if !others.is_empty() {
        out.push(format!("also {}", others.join(", ")));
    }
    out.into_iter().map(|s| sanitize(&s)).collect()
}

/// The networks a container is on, as a create's `EndpointsConfig`: aliases (less
/// the one the daemon makes of the old container's id), links, addresses asked for.
fn endpoints(container: &Value, id: &str, hostname: &str, purpose: Purpose) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(Value::Object(networks)) = container.pointer("/NetworkSettings/Networks") else { return out };
    for (name, network) in networks {
        let mut endpoint = Map::new();
        let aliases: Vec<Value> = strings(network.get("Aliases"))
            .into_iter()
            // The daemon adds the container's host name (its short id unless set).
            .filter(|a| !(a.len() >= 12 && id.starts_with(a.as_str())) && *a != hostname)
            .map(Value::String)
            .collect();
        if !aliases.is_empty() {
            endpoint.insert("Aliases".into(), Value::Array(aliases));
        }
        for key in ["Links", "DriverOpts"] {
            if let Some(value) = network.get(key).filter(|v| !is_zero(v)) {
                endpoint.insert(key.into(), value.clone());
            }
        }
        if purpose != Purpose::Duplicate
            && let Some(ipam) = network.get("IPAMConfig").filter(|v| !is_zero(v))
        {
            endpoint.insert("IPAMConfig".into(), ipam.clone());
        }
        out.insert(name.clone(), Value::Object(endpoint));
    }
    out
}

/// `(key, host ip, host port)` of each published binding, e.g. `("6379/tcp", "", "1234")`.
fn port_bindings(value: Option<&Value>) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    if let Some(Value::Object(map)) = value {
        for (key, list) in map {
            for binding in list.as_array().map(Vec::as_slice).unwrap_or_default() {
                out.push((key.clone(), str_of(binding.get("HostIp")), str_of(binding.get("HostPort"))));
            }
        }
    }
    out
}

/// The `-p` line for one binding, when the form reads it back as exactly that binding.
fn port_line(key: &str, ip: &str, host_port: &str, default_ip: &str) -> Option<String> {
    let (port, protocol) = key.split_once('/').unwrap_or((key, "tcp"));
    let proto = if protocol == "tcp" { String::new() } else { format!("/{protocol}") };
    let address = match ip {
        ip if ip == default_ip => String::new(),
        ip if ip.contains(':') => format!("[{ip}]:"),
        ip => format!("{ip}:"),
    };
    let line = match (address.is_empty(), host_port) {
        (true, "") => format!("{port}{proto}"),
        (_, hp) => format!("{address}{hp}:{port}{proto}"),
    };
    let parsed = parse_port_spec(&line, default_ip).ok()?;
    let [binding] = parsed.as_slice() else { return None };
    let wanted_port = match binding.host_port {
        HostPort::Random => String::new(),
        HostPort::Port(n) => n.to_string(),
        HostPort::Range(a, b) => format!("{a}-{b}"),
    };
    let same = binding.host_ip == ip
        && wanted_port == host_port
        && format!("{}/{}", binding.container_port, binding.protocol) == key;
    same.then_some(line)
}

/// Entries of `mine` that `image` does not hold with the same value.
fn differing_entries(mine: Option<&Value>, image: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(Value::Object(map)) = mine {
        for (k, v) in map {
            if image.and_then(|i| i.get(k)) != Some(v) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// Whether two settings are the same, taking a missing value, `null`, `""`, `[]` and
/// `{}` for one another (the daemon writes "not set" in all these ways).
fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    let unset = |v: Option<&Value>| v.is_none_or(is_zero);
    (unset(a) && unset(b)) || a == b
}

/// `null`, `false`, `0`, `""`, `[]` or `{}`.
pub fn is_zero(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// The daemon names an anonymous volume with 64 hex digits.
fn is_anonymous_name(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Text the form can show and edit as it is (no control characters to hide).
fn shown_as_is(text: &str) -> bool {
    sanitize(text) == text
}

fn str_of(value: Option<&Value>) -> String {
    value.and_then(Value::as_str).unwrap_or_default().to_string()
}

fn bool_of(value: Option<&Value>) -> bool {
    value.and_then(Value::as_bool).unwrap_or(false)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::launch::create_request;

    fn redis_image() -> Value {
        json!({"Config": {
            "Env": ["PATH=/usr/bin"],
            "Cmd": ["redis-server"],
            "ExposedPorts": {"6379/tcp": {}},
            "Volumes": {"/data": {}},
            "Labels": {"maintainer": "x"},
            "WorkingDir": "/data"
        }})
    }

    fn container() -> Value {
        json!({
            "Id": "0123456789abcdef0123",
            "Name": "/cache",
            "State": {"Running": true},
            "Config": {
                "Hostname": "0123456789ab",
                "Image": "wharf-test/redis",
                "Env": ["PATH=/usr/bin", "A=1", "BAD=\u{1b}]2;x\u{7}"],
                "Cmd": ["redis-server"],
                "WorkingDir": "/data",
                "User": "redis",
                "ExposedPorts": {"6379/tcp": {}, "9000/tcp": {}, "7000/udp": {}},
                "Labels": {"maintainer": "x", "com.docker.compose.project": "shop"},
                "Tty": false, "OpenStdin": false,
                "Healthcheck": {"Test": ["CMD-SHELL", "redis-cli ping"], "Interval": 1000000000}
            },
            "HostConfig": {
                "Binds": ["data:/data", "/srv:/srv:rw,z"],
                "PortBindings": {"6379/tcp": [{"HostIp": "127.0.0.1", "HostPort": "6380"}], "7000/udp": [{"HostIp": "", "HostPort": ""}]},
                "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 2},
                "AutoRemove": false,
                "CapAdd": ["NET_ADMIN"],
                "ExtraHosts": ["db:10.0.0.2"],
                "NetworkMode": "shop_default",
                "Links": ["/db:/cache/database"],
                "Mounts": [{"Type": "volume", "Target": "/scratch"}]
            },
            "Mounts": [
                {"Type": "volume", "Name": "data", "Destination": "/data", "RW": true},
                {"Type": "volume", "Name": "anon123", "Destination": "/var/lib/anon", "RW": true},
                {"Type": "volume", "Name": "anon456", "Destination": "/scratch", "RW": true}
            ],
            "NetworkSettings": {"Networks": {
                "shop_default": {"Aliases": ["cache", "0123456789ab"], "IPAMConfig": {"IPv4Address": "172.30.0.9"}},
                "bridge": {"Aliases": null}
            }}
        })
    }

    #[test]
    fn the_form_shows_what_it_can_and_the_rest_is_carried() {
        let filled = from_inspect(&container(), Some(&redis_image()), Purpose::Recreate);
        let d = &filled.draft;
        assert_eq!((d.image.as_str(), d.name.as_str()), ("wharf-test/redis", "cache"));
        assert_eq!(d.env, "A=1", "the image's own env and hostile text are not in the form");
        assert_eq!(d.command, "", "the image's own command");
        assert_eq!(d.ports, "127.0.0.1:6380:6379\n7000/udp");
        assert!(d.all_interfaces, "a binding on every interface");
        assert_eq!(d.volumes, "data:/data");
        assert_eq!(d.restart, RestartPolicy::OnFailure(Some(2)));
        assert!(filled.running && filled.has_healthcheck);

        let c = &filled.carried;
        assert_eq!(c["Env"], json!(["BAD=\u{1b}]2;x\u{7}"]), "carried verbatim");
        assert_eq!(c["User"], "redis");
        assert!(c.get("WorkingDir").is_none() && c.get("Hostname").is_none() && c.get("Cmd").is_none(), "{c}");
        assert_eq!(c["Labels"], json!({"com.docker.compose.project": "shop"}));
        assert_eq!(c["ExposedPorts"], json!({"9000/tcp": {}}));
        assert_eq!(c["Healthcheck"]["Test"][1], "redis-cli ping");
        let host = &c["HostConfig"];
        assert_eq!(host["CapAdd"], json!(["NET_ADMIN"]));
        assert_eq!((d.network.as_str(), d.extra_hosts.as_str()), ("shop_default", "db:10.0.0.2"), "in the form");
        assert!(host.get("ExtraHosts").is_none(), "the form owns the extra hosts: {host}");
        assert_eq!(host["NetworkMode"], "shop_default", "kept, so a form naming another network leaves it");
        assert_eq!(host["Links"], json!(["db:database"]));
        assert_eq!(host["Binds"], json!(["/srv:/srv:rw,z", "anon123:/var/lib/anon"]), "anonymous kept by name");
        assert_eq!(host["Mounts"][0]["Source"], "anon456", "a --mount without source, kept by name");
        assert!(host.get("PortBindings").is_none() && host.get("RestartPolicy").is_none(), "{host}");
        let endpoints = &c["NetworkingConfig"]["EndpointsConfig"];
        assert_eq!(endpoints["shop_default"]["Aliases"], json!(["cache"]), "the old id's alias goes");
        assert_eq!(endpoints["shop_default"]["IPAMConfig"]["IPv4Address"], "172.30.0.9");
        assert_eq!(endpoints["bridge"], json!({}));
        let kept = describe_carried(c);
        assert!(kept.contains(&"user redis".to_string()), "{kept:?}");
        assert!(kept.contains(&"1 label (compose project shop)".to_string()), "{kept:?}");
        assert!(kept.contains(&"network shop_default (aliases cache)".to_string()), "{kept:?}");
        assert!(kept.contains(&"volume anon123:/var/lib/anon".to_string()), "{kept:?}");
        assert!(kept.contains(&"cap-add NET_ADMIN".to_string()), "{kept:?}");
        assert!(kept.iter().all(|k| !k.contains('\u{1b}')), "{kept:?}");
    }

    #[test]
    fn a_duplicate_gets_new_anonymous_volumes_and_no_static_address() {
        let filled = from_inspect(&container(), Some(&redis_image()), Purpose::Duplicate);
        assert_eq!(filled.draft.volumes, "data:/data\n/var/lib/anon");
        let c = &filled.carried;
        assert_eq!(c["HostConfig"]["Binds"], json!(["/srv:/srv:rw,z"]));
        assert_eq!(c["HostConfig"]["Mounts"][0].get("Source"), None);
        assert!(c["NetworkingConfig"]["EndpointsConfig"]["shop_default"].get("IPAMConfig").is_none());
    }

    #[test]
    fn sent_back_it_is_the_request_that_made_it() {
        // What the form shows, validated, laid over what it carries: the container's
        // own settings again, and none of the image's.
        let filled = from_inspect(&container(), Some(&redis_image()), Purpose::Recreate);
        let mut spec = filled.draft.validate(|_| None).unwrap();
        spec.carried = Some(filled.carried.clone());
        let request = create_request(&spec);
        assert_eq!(request["Env"], json!(["BAD=\u{1b}]2;x\u{7}", "A=1"]));
        assert_eq!(
            request["HostConfig"]["PortBindings"],
            json!({"6379/tcp": [{"HostIp": "127.0.0.1", "HostPort": "6380"}], "7000/udp": [{"HostIp": "", "HostPort": ""}]})
        );
        assert_eq!(request["HostConfig"]["Binds"], json!(["/srv:/srv:rw,z", "anon123:/var/lib/anon", "data:/data"]));
        assert_eq!(request["HostConfig"]["RestartPolicy"], json!({"Name": "on-failure", "MaximumRetryCount": 2}));
        assert_eq!(request["ExposedPorts"], json!({"9000/tcp": {}, "6379/tcp": {}, "7000/udp": {}}));
        assert!(request.get("Cmd").is_none() && request.get("WorkingDir").is_none());
    }

    #[test]
    fn an_entrypoint_of_its_own_keeps_the_command_shown() {
        let mut c = container();
        c["Config"]["Entrypoint"] = json!(["/bin/sh", "-c"]);
        c["Config"]["Cmd"] = json!(["echo 'hi there'"]);
        let filled = from_inspect(&c, Some(&redis_image()), Purpose::Recreate);
        assert_eq!(filled.draft.command, "'echo '\\''hi there'\\'''");
        assert_eq!(shell_words::split(&filled.draft.command).unwrap(), ["echo 'hi there'"]);
        assert_eq!(filled.carried["Entrypoint"], json!(["/bin/sh", "-c"]));
    }

    #[test]
    fn the_network_in_the_form_decides_which_network_it_is_made_on() {
        let filled = from_inspect(&container(), Some(&redis_image()), Purpose::Recreate);
        let request_with = |network: &str, extra_hosts: &str| {
            let draft =
                LaunchDraft { network: network.into(), extra_hosts: extra_hosts.into(), ..filled.draft.clone() };
            let mut spec = draft.validate(|_| None).unwrap();
            spec.carried = Some(filled.carried.clone());
            create_request(&spec)
        };
        let same = request_with("shop_default", "db:10.0.0.2");
        assert_eq!(same["HostConfig"]["NetworkMode"], "shop_default");
        assert_eq!(same["HostConfig"]["ExtraHosts"], json!(["db:10.0.0.2"]));
        let endpoints = &same["NetworkingConfig"]["EndpointsConfig"];
        assert_eq!(endpoints["shop_default"]["Aliases"], json!(["cache"]), "unchanged, its aliases stay");

        let moved = request_with("other", "");
        assert_eq!(moved["HostConfig"]["NetworkMode"], "other");
        assert!(moved["HostConfig"].get("ExtraHosts").is_none(), "cleared in the form: {}", moved["HostConfig"]);
        let endpoints = moved["NetworkingConfig"]["EndpointsConfig"].as_object().unwrap();
        assert!(endpoints.contains_key("other") && !endpoints.contains_key("shop_default"), "{endpoints:?}");

        let cleared = request_with("", "");
        assert!(cleared["HostConfig"].get("NetworkMode").is_none(), "the daemon's default: {}", cleared["HostConfig"]);
        assert!(cleared["NetworkingConfig"]["EndpointsConfig"].get("shop_default").is_none());
    }

    #[test]
    fn a_network_the_form_cannot_show_stays_carried() {
        let mut c = container();
        c["HostConfig"]["NetworkMode"] = json!("bridge");
        c["HostConfig"]["ExtraHosts"] = json!(["db:10.0.0.2", "bad name:1.2.3.4"]);
        let filled = from_inspect(&c, Some(&redis_image()), Purpose::Recreate);
        assert_eq!((filled.draft.network.as_str(), filled.draft.extra_hosts.as_str()), ("", ""));
        let mut spec = filled.draft.validate(|_| None).unwrap();
        spec.carried = Some(filled.carried.clone());
        let request = create_request(&spec);
        assert_eq!(request["HostConfig"]["NetworkMode"], "bridge");
        assert_eq!(request["HostConfig"]["ExtraHosts"], json!(["db:10.0.0.2", "bad name:1.2.3.4"]));
    }

    #[test]
    fn without_the_image_everything_is_the_containers_own() {
        let filled = from_inspect(&container(), None, Purpose::Recreate);
        assert_eq!(filled.draft.env, "PATH=/usr/bin\nA=1");
        assert_eq!(filled.draft.command, "redis-server");
        assert_eq!(filled.carried["WorkingDir"], "/data");
    }
}
