//! From the merged tree to a `Project`, refusing every key wharf would not honour:
//! a project is never started half-understood. Each error names the key's path, file,
//! line and column.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use super::ComposeError;
use super::find::read_dotenv;
use super::interpolate::Vars;
use super::merge::keyed;
use super::node::{Key, Node, Pos, Value};
use super::types::{Condition, Healthcheck, Mount, MountKind, Network, Port, Service, Volume};

const TOP_KEYS: [&str; 5] = ["services", "networks", "volumes", "name", "version"];
pub const SERVICE_KEYS: &[&str] = &[
    "image",
    "build",
    "command",
    "entrypoint",
    "environment",
    "env_file",
    "ports",
    "expose",
    "volumes",
    "networks",
    "depends_on",
    "healthcheck",
    "restart",
    "labels",
    "container_name",
    "working_dir",
    "user",
    "hostname",
    "tty",
    "stdin_open",
    "profiles",
    "deploy",
    "scale",
    "extends",
];
/// Keys of the compose specification wharf does not handle yet: named as such, not as
/// typos.
const KNOWN_UNSUPPORTED: &[&str] = &[
    "driver_opts",
    "ipam",
    "enable_ipv6",
    "pull_policy",
    "post_start",
    "pre_stop",
    "ulimits",
    "userns_mode",
    "uts",
    "volumes_from",
    "storage_opt",
    "runtime",
    "gpus",
    "models",
    "provider",
    "use_api_socket",
    "annotations",
    "attach",
    "blkio_config",
    "cap_add",
    "cap_drop",
    "cgroup",
    "cgroup_parent",
    "configs",
    "cpu_count",
    "cpu_percent",
    "cpu_shares",
    "cpus",
    "cpuset",
    "credential_spec",
    "develop",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "external_links",
    "extra_hosts",
    "group_add",
    "init",
    "ipc",
    "isolation",
    "links",
    "logging",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "network_mode",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "platform",
    "privileged",
    "read_only",
    "secrets",
    "security_opt",
    "shm_size",
    "stop_grace_period",
    "stop_signal",
    "sysctls",
    "tmpfs",
];

/// Keys of a service's `build:` that wharf's builds do not handle yet.
const BUILD_UNSUPPORTED: &[&str] = &[
    "additional_contexts",
    "cache_from",
    "cache_to",
    "dockerfile_inline",
    "entitlements",
    "extra_hosts",
    "isolation",
    "labels",
    "network",
    "platforms",
    "privileged",
    "secrets",
    "shm_size",
    "ssh",
    "tags",
    "ulimits",
];

fn unsupported(path: &str, key: &Key) -> ComposeError {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    let in_build = path.starts_with("services.") && path.matches('.').count() == 3 && path.contains(".build.");
    let why = if in_build && BUILD_UNSUPPORTED.contains(&leaf) {
        "is not supported by wharf's builds yet".to_string()
    } else if KNOWN_UNSUPPORTED.contains(&leaf) || ["secrets", "configs", "include"].contains(&path) {
        "is not supported by wharf yet".to_string()
    } else {
        "is not a key wharf knows here (a typo?)".to_string()
    };
    ComposeError::at(&key.pos, format!("{path} {why}; the project is not started half-understood"))
}

/// Every key of `node` must be in `allowed` (or an `x-` extension).
pub(super) fn check_keys(node: &Node, path: &str, allowed: &[&str]) -> Result<(), ComposeError> {
    let Some(entries) = node.map() else {
        return Err(ComposeError::at(&node.pos, format!("{path} must be a mapping, not {}", node.kind())));
    };
    for (k, _) in entries {
        if !allowed.contains(&k.name.as_str()) && !k.name.starts_with("x-") {
            return Err(unsupported(&join(path, &k.name), k));
        }
    }
    Ok(())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn text(node: &Node, path: &str) -> Result<String, ComposeError> {
    match &node.value {
        Value::Scalar(s) => Ok(s.clone()),
        _ => Err(ComposeError::at(&node.pos, format!("{path} must be a value, not {}", node.kind()))),
    }
}

pub(super) fn opt_text(node: Option<&Node>, path: &str) -> Result<Option<String>, ComposeError> {
    match node {
        None | Some(Node { value: Value::Null, .. }) => Ok(None),
        Some(n) => text(n, path).map(Some),
    }
}

pub(super) fn boolean(node: &Node, path: &str) -> Result<bool, ComposeError> {
    match text(node, path)?.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Ok(true),
        "false" | "no" | "off" => Ok(false),
        other => Err(ComposeError::at(&node.pos, format!("{path} must be true or false, not {other:?}"))),
    }
}

fn number(node: &Node, path: &str) -> Result<u32, ComposeError> {
    let t = text(node, path)?;
    t.parse().map_err(|_| ComposeError::at(&node.pos, format!("{path} must be a whole number, not {t:?}")))
}

/// A list of words, or one string split as a shell would (`command: npm start`).
fn words(node: &Node, path: &str) -> Result<Vec<String>, ComposeError> {
    match &node.value {
        Value::Seq(items) => items.iter().map(|i| text(i, path)).collect(),
        Value::Scalar(s) => shell_words::split(s)
            .map_err(|e| ComposeError::at(&node.pos, format!("{path}: {s:?} cannot be split into words: {e}"))),
        Value::Null => Ok(Vec::new()),
        Value::Map(_) => Err(ComposeError::at(&node.pos, format!("{path} must be a list or a string"))),
    }
}

fn string_list(node: &Node, path: &str) -> Result<Vec<String>, ComposeError> {
    match &node.value {
        Value::Seq(items) => items.iter().map(|i| text(i, path)).collect(),
        Value::Scalar(s) => Ok(vec![s.clone()]),
        _ => Err(ComposeError::at(&node.pos, format!("{path} must be a list"))),
    }
}

/// A mapping or a `KEY=VALUE` list, as a map; a value-less key is `None`.
pub(super) fn key_values(node: &Node, path: &str) -> Result<BTreeMap<String, Option<String>>, ComposeError> {
    let node = keyed(node.clone());
    let Some(entries) = node.map() else {
        return Err(ComposeError::at(&node.pos, format!("{path} must be a mapping or a list of KEY=VALUE")));
    };
    let mut out = BTreeMap::new();
    for (k, v) in entries {
        let value = match &v.value {
            Value::Null => None,
            Value::Scalar(s) => Some(s.clone()),
            _ => return Err(ComposeError::at(&v.pos, format!("{path}.{} must be a value", k.name))),
        };
        out.insert(k.name.clone(), value);
    }
    Ok(out)
}

/// Go's durations as compose takes them: `1m30s`, `500ms`, `10s`.
pub fn duration(node: &Node, path: &str) -> Result<Duration, ComposeError> {
    let t = text(node, path)?;
    parse_duration(&t).ok_or_else(|| {
        ComposeError::at(&node.pos, format!("{path} must be a duration such as 30s, 1m30s or 500ms, not {t:?}"))
    })
}

pub fn parse_duration(t: &str) -> Option<Duration> {
    let mut total = 0f64;
    let mut rest = t.trim();
    if rest.is_empty() {
        return None;
    }
    if rest == "0" {
        return Some(Duration::ZERO);
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let n: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += n * scale;
        rest = &rest[unit_len..];
    }
    Some(Duration::from_secs_f64(total))
}

pub struct ReadContext<'a> {
    pub project: &'a str,
    pub working_dir: &'a Path,
    pub vars: &'a Vars,
}

pub fn check_top(doc: &Node) -> Result<(), ComposeError> {
    if let Some(entries) = doc.map() {
        for (k, _) in entries {
            if !TOP_KEYS.contains(&k.name.as_str()) && !k.name.starts_with("x-") {
                return Err(unsupported(&k.name, k));
            }
        }
        Ok(())
    } else {
        Err(ComposeError::at(&doc.pos, "a compose file must be a mapping with `services:`"))
    }
}

pub fn read_networks(doc: &Node, ctx: &ReadContext) -> Result<BTreeMap<String, Network>, ComposeError> {
    let mut out = BTreeMap::new();
    let Some(section) = doc.get("networks") else { return Ok(out) };
    let entries = section.map().unwrap_or_default();
    if section.map().is_none() && section.value != Value::Null {
        return Err(ComposeError::at(&section.pos, "networks must be a mapping"));
    }
    for (k, v) in entries {
        let path = format!("networks.{}", k.name);
        let mut network = Network {
            name: format!("{}_{}", ctx.project, k.name),
            external: false,
            driver: None,
            internal: false,
            attachable: false,
            labels: BTreeMap::new(),
        };
        if v.value != Value::Null {
            check_keys(v, &path, &["name", "external", "driver", "labels", "internal", "attachable"])?;
            if let Some(name) = opt_text(v.get("name"), &format!("{path}.name"))? {
                network.name = name;
            }
            if let Some(ext) = v.get("external") {
                network.external = external(ext, &format!("{path}.external"), &mut network.name)?;
                if network.external && v.get("name").is_none() {
                    if let Some(Value::Scalar(_)) = ext.get("name").map(|n| &n.value) {
                    } else if ext.map().is_none() {
                        network.name = k.name.clone();
                    }
                }
            }
            network.driver = opt_text(v.get("driver"), &format!("{path}.driver"))?;
            if let Some(n) = v.get("internal") {
                network.internal = boolean(n, &format!("{path}.internal"))?;
            }
            if let Some(n) = v.get("attachable") {
                network.attachable = boolean(n, &format!("{path}.attachable"))?;
            }
            if let Some(n) = v.get("labels") {
                network.labels = labels(n, &format!("{path}.labels"))?;
            }
        }
        out.insert(k.name.clone(), network);
    }
    Ok(out)
}

/// `external: true`, or the old `external: {name: x}` (which also names it).
fn external(node: &Node, path: &str, name: &mut String) -> Result<bool, ComposeError> {
    if let Some(entries) = node.map() {
        check_keys(node, path, &["name"])?;
        if let Some((_, n)) = entries.iter().find(|(k, _)| k.name == "name") {
            *name = text(n, &format!("{path}.name"))?;
        }
        return Ok(true);
    }
    boolean(node, path)
}

fn labels(node: &Node, path: &str) -> Result<BTreeMap<String, String>, ComposeError> {
    Ok(key_values(node, path)?.into_iter().map(|(k, v)| (k, v.unwrap_or_default())).collect())
}

pub fn read_volumes(doc: &Node, ctx: &ReadContext) -> Result<BTreeMap<String, Volume>, ComposeError> {
    let mut out = BTreeMap::new();
    let Some(section) = doc.get("volumes") else { return Ok(out) };
    if section.map().is_none() && section.value != Value::Null {
        return Err(ComposeError::at(&section.pos, "volumes must be a mapping"));
    }
    for (k, v) in section.map().unwrap_or_default() {
        let path = format!("volumes.{}", k.name);
        let mut volume = Volume {
            name: format!("{}_{}", ctx.project, k.name),
            external: false,
            driver: None,
            labels: BTreeMap::new(),
        };
        if v.value != Value::Null {
            check_keys(v, &path, &["name", "external", "driver", "labels"])?;
            let named = opt_text(v.get("name"), &format!("{path}.name"))?;
            if let Some(name) = &named {
                volume.name = name.clone();
            }
            if let Some(ext) = v.get("external") {
                volume.external = external(ext, &format!("{path}.external"), &mut volume.name)?;
                if volume.external && named.is_none() && ext.map().is_none() {
                    volume.name = k.name.clone();
                }
            }
            volume.driver = opt_text(v.get("driver"), &format!("{path}.driver"))?;
            if let Some(n) = v.get("labels") {
                volume.labels = labels(n, &format!("{path}.labels"))?;
            }
        }
        out.insert(k.name.clone(), volume);
    }
    Ok(out)
}

pub fn read_service(
    key: &Key,
    node: &Node,
    ctx: &ReadContext,
    volumes: &BTreeMap<String, Volume>,
) -> Result<Service, ComposeError> {
    let name = &key.name;
    let path = format!("services.{name}");
    check_keys(node, &path, SERVICE_KEYS)?;
    let p = |k: &str| format!("{path}.{k}");
    let build = node.get("build").map(|n| super::build::read_build(n, &p("build"), ctx)).transpose()?;
    let image = match (opt_text(node.get("image"), &p("image"))?, &build) {
        (Some(image), _) if !image.trim().is_empty() => image,
        (_, Some(_)) => super::build::default_image(ctx.project, name),
        _ => return Err(ComposeError::at(&key.pos, format!("{path} has neither an image nor a build"))),
    };
    let command = node.get("command").map(|n| words(n, &p("command"))).transpose()?;
    let entrypoint = node.get("entrypoint").map(|n| words(n, &p("entrypoint"))).transpose()?;

    let mut env: BTreeMap<String, String> = BTreeMap::new();
    if let Some(files) = node.get("env_file") {
        for file in string_list(files, &p("env_file"))? {
            let full = ctx.working_dir.join(&file);
            if !full.is_file() {
                return Err(ComposeError::at(
                    &files.pos,
                    format!("{}: env file {} not found", p("env_file"), full.display()),
                ));
            }
            env.extend(read_dotenv(&full, ctx.vars)?);
        }
    }
    if let Some(n) = node.get("environment") {
        for (k, v) in key_values(n, &p("environment"))? {
            // A bare `KEY` takes the value wharf runs with, if it has one.
            match v.or_else(|| ctx.vars.get(&k).cloned()) {
                Some(v) => {
                    env.insert(k, v);
                }
                None => {
                    env.remove(&k);
                }
            }
        }
    }
    let environment = env.into_iter().map(|(k, v)| format!("{k}={v}")).collect();

    let mut ports = Vec::new();
    if let Some(n) = node.get("ports") {
        let Value::Seq(items) = &n.value else {
            return Err(ComposeError::at(&n.pos, format!("{} must be a list", p("ports"))));
        };
        for item in items {
            for port in read_port(item, &p("ports"))? {
                if !ports.contains(&port) {
                    ports.push(port);
                }
            }
        }
    }
    let mut expose = Vec::new();
    if let Some(n) = node.get("expose") {
        for e in string_list(n, &p("expose"))? {
            let (num, proto) = e.split_once('/').unwrap_or((&e, "tcp"));
            let ok = num.parse::<u16>().is_ok_and(|v| v > 0) && ["tcp", "udp", "sctp"].contains(&proto);
            if !ok {
                return Err(ComposeError::at(
                    &n.pos,
                    format!("{}: {e:?} is not a port such as 80 or 53/udp", p("expose")),
                ));
            }
            expose.push(format!("{num}/{proto}"));
        }
    }
    let mut mounts: Vec<Mount> = Vec::new();
    if let Some(n) = node.get("volumes") {
        let Value::Seq(items) = &n.value else {
            return Err(ComposeError::at(&n.pos, format!("{} must be a list", p("volumes"))));
        };
        for item in items {
            let mount = read_mount(item, &p("volumes"), ctx, volumes)?;
            // A later mount on the same target replaces the earlier one (overrides).
            mounts.retain(|m| m.target != mount.target);
            mounts.push(mount);
        }
    }
    let mut networks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    match node.get("networks") {
        None => {
            networks.insert("default".into(), Vec::new());
        }
        Some(n) => {
            let n = keyed(n.clone());
            let Some(entries) = n.map() else {
                return Err(ComposeError::at(&n.pos, format!("{} must be a list or a mapping", p("networks"))));
            };
            for (k, v) in entries {
                let np = format!("{}.{}", p("networks"), k.name);
                let mut aliases = Vec::new();
                if v.value != Value::Null {
                    check_keys(v, &np, &["aliases"])?;
                    if let Some(a) = v.get("aliases") {
                        aliases = string_list(a, &format!("{np}.aliases"))?;
                    }
                }
                networks.insert(k.name.clone(), aliases);
            }
        }
    }
    let mut depends_on = BTreeMap::new();
    if let Some(n) = node.get("depends_on") {
        let n = keyed(n.clone());
        let Some(entries) = n.map() else {
            return Err(ComposeError::at(&n.pos, format!("{} must be a list or a mapping", p("depends_on"))));
        };
        for (k, v) in entries {
            let dp = format!("{}.{}", p("depends_on"), k.name);
            let mut condition = Condition::Started;
            if v.value != Value::Null {
                check_keys(v, &dp, &["condition", "required"])?;
                if let Some(c) = v.get("condition") {
                    condition = match text(c, &format!("{dp}.condition"))?.as_str() {
                        "service_started" => Condition::Started,
                        "service_healthy" => Condition::Healthy,
                        "service_completed_successfully" => Condition::CompletedSuccessfully,
                        other => {
                            return Err(ComposeError::at(
                                &c.pos,
                                format!(
                                    "{dp}.condition {other:?} is not one of service_started, service_healthy, \
                                     service_completed_successfully"
                                ),
                            ));
                        }
                    };
                }
                if let Some(r) = v.get("required") {
                    boolean(r, &format!("{dp}.required"))?;
                }
            }
            depends_on.insert(k.name.clone(), condition);
        }
    }
    let healthcheck = node.get("healthcheck").map(|n| read_healthcheck(n, &p("healthcheck"))).transpose()?.flatten();
    let restart = match opt_text(node.get("restart"), &p("restart"))? {
        None => "no".to_string(),
        Some(r) => crate::launch::parse_restart_policy(&r)
            .map_err(|e| {
                ComposeError::at(
                    &node.get("restart").map(|n| n.pos.clone()).unwrap_or_default(),
                    format!("{}: {e}", p("restart")),
                )
            })?
            .to_string(),
    };
    let service_labels = node.get("labels").map(|n| labels(n, &p("labels"))).transpose()?.unwrap_or_default();
    let flag = |k: &str| node.get(k).map(|n| boolean(n, &p(k))).transpose().map(|b| b.unwrap_or(false));
    let profiles = node.get("profiles").map(|n| string_list(n, &p("profiles"))).transpose()?.unwrap_or_default();
    let mut replicas = 1;
    if let Some(n) = node.get("scale") {
        replicas = number(n, &p("scale"))?;
    }
    if let Some(d) = node.get("deploy") {
        check_keys(d, &p("deploy"), &["replicas"])?;
        if let Some(r) = d.get("replicas") {
            replicas = number(r, &format!("{}.replicas", p("deploy")))?;
        }
    }
    let container_name = opt_text(node.get("container_name"), &p("container_name"))?;
    if container_name.is_some() && replicas > 1 {
        return Err(ComposeError::at(
            &key.pos,
            format!(
                "{path} sets container_name and {replicas} replicas: one name cannot be given to several containers"
            ),
        ));
    }
    Ok(Service {
        name: name.clone(),
        active: true,
        image,
        build,
        command,
        entrypoint,
        environment,
        ports,
        expose,
        volumes: mounts,
        networks,
        depends_on,
        healthcheck,
        restart,
        labels: service_labels,
        container_name,
        working_dir: opt_text(node.get("working_dir"), &p("working_dir"))?,
        user: opt_text(node.get("user"), &p("user"))?,
        hostname: opt_text(node.get("hostname"), &p("hostname"))?,
        tty: flag("tty")?,
        stdin_open: flag("stdin_open")?,
        profiles,
        replicas,
    })
}

fn read_port(item: &Node, path: &str) -> Result<Vec<Port>, ComposeError> {
    let spec = match &item.value {
        Value::Scalar(s) => s.clone(),
        Value::Map(_) => {
            check_keys(item, path, &["target", "published", "host_ip", "protocol", "mode", "name", "app_protocol"])?;
            let target = item
                .get("target")
                .ok_or_else(|| ComposeError::at(&item.pos, format!("{path}: a port in long syntax needs a target")))?;
            let target = text(target, &format!("{path}.target"))?;
            let published = opt_text(item.get("published"), &format!("{path}.published"))?.unwrap_or_default();
            let protocol = opt_text(item.get("protocol"), &format!("{path}.protocol"))?.unwrap_or_else(|| "tcp".into());
            if let Some(mode) = opt_text(item.get("mode"), &format!("{path}.mode"))?
                && mode != "host"
                && mode != "ingress"
            {
                return Err(ComposeError::at(&item.pos, format!("{path}.mode must be host or ingress, not {mode:?}")));
            }
            let ip = match opt_text(item.get("host_ip"), &format!("{path}.host_ip"))? {
                Some(ip) if ip.contains(':') => format!("[{ip}]:"),
                Some(ip) => format!("{ip}:"),
                None => String::new(),
            };
            let host = if published.is_empty() { String::new() } else { format!("{published}:") };
            format!("{ip}{host}{target}/{protocol}")
        }
        _ => return Err(ComposeError::at(&item.pos, format!("{path}: a port must be a value or a mapping"))),
    };
    let bindings =
        crate::launch::parse_port_spec(&spec, "").map_err(|e| ComposeError::at(&item.pos, format!("{path}: {e}")))?;
    Ok(bindings
        .into_iter()
        .map(|b| Port {
            host_ip: b.host_ip,
            host_port: match b.host_port {
                crate::model::HostPort::Random => String::new(),
                other => other.to_string(),
            },
            container_port: b.container_port,
            protocol: b.protocol.as_str().to_string(),
        })
        .collect())
}

fn read_mount(
    item: &Node,
    path: &str,
    ctx: &ReadContext,
    volumes: &BTreeMap<String, Volume>,
) -> Result<Mount, ComposeError> {
    let (kind, source, target, read_only) = match &item.value {
        Value::Scalar(spec) => {
            let parts: Vec<&str> = spec.split(':').collect();
            let (source, target, mode) = match parts.as_slice() {
                [target] => (None, *target, None),
                [source, target] => (Some(*source), *target, None),
                [source, target, mode] => (Some(*source), *target, Some(*mode)),
                _ => return Err(ComposeError::at(&item.pos, format!("{path}: {spec:?} is not SOURCE:TARGET[:MODE]"))),
            };
            let mut read_only = false;
            for m in mode.unwrap_or_default().split(',').filter(|m| !m.is_empty()) {
                match m {
                    "ro" => read_only = true,
                    "rw" | "z" | "Z" => {}
                    other => {
                        return Err(ComposeError::at(
                            &item.pos,
                            format!("{path}: mode {other:?} is not ro, rw, z or Z"),
                        ));
                    }
                }
            }
            let kind = match source {
                None => MountKind::Anonymous,
                Some(s) if s.starts_with('.') || s.starts_with('/') || s.starts_with('~') => MountKind::Bind,
                Some(_) => MountKind::Volume,
            };
            (kind, source.map(String::from), target.to_string(), read_only)
        }
        Value::Map(_) => {
            check_keys(item, path, &["type", "source", "target", "read_only", "volume", "bind"])?;
            if let Some(v) = item.get("volume") {
                check_keys(v, &format!("{path}.volume"), &["nocopy"])?;
            }
            if let Some(b) = item.get("bind") {
                check_keys(b, &format!("{path}.bind"), &["create_host_path"])?;
            }
            let kind_text = opt_text(item.get("type"), &format!("{path}.type"))?.unwrap_or_else(|| "volume".into());
            let source = opt_text(item.get("source"), &format!("{path}.source"))?;
            let kind = match (kind_text.as_str(), &source) {
                ("bind", _) => MountKind::Bind,
                ("volume", None) => MountKind::Anonymous,
                ("volume", Some(_)) => MountKind::Volume,
                (other, _) => {
                    return Err(ComposeError::at(
                        &item.pos,
                        format!("{path}.type {other:?} is not supported by wharf (bind and volume are)"),
                    ));
                }
            };
            let target = opt_text(item.get("target"), &format!("{path}.target"))?.ok_or_else(|| {
                ComposeError::at(&item.pos, format!("{path}: a volume in long syntax needs a target"))
            })?;
            let read_only =
                item.get("read_only").map(|n| boolean(n, &format!("{path}.read_only"))).transpose()?.unwrap_or(false);
            (kind, source, target, read_only)
        }
        _ => return Err(ComposeError::at(&item.pos, format!("{path}: a volume must be a value or a mapping"))),
    };
    if !target.starts_with('/') {
        return Err(ComposeError::at(&item.pos, format!("{path}: the target {target:?} must be an absolute path")));
    }
    let source = match (kind, source) {
        (MountKind::Bind, Some(s)) => Some(bind_source(&s, ctx.working_dir)),
        (MountKind::Bind, None) => {
            return Err(ComposeError::at(&item.pos, format!("{path}: a bind mount needs a source")));
        }
        (MountKind::Volume, Some(s)) => {
            if !volumes.contains_key(&s) {
                return Err(ComposeError::at(
                    &item.pos,
                    format!("{path}: volume {s:?} is not declared under the top-level volumes"),
                ));
            }
            Some(s)
        }
        (_, s) => s,
    };
    Ok(Mount { kind, source, target, read_only })
}

/// A bind's host path: relative to the project directory, `~` the home directory.
pub(super) fn bind_source(source: &str, working_dir: &Path) -> String {
    if let Some(rest) = source.strip_prefix('~')
        && let Some(home) = std::env::var_os("HOME")
    {
        return format!("{}{rest}", Path::new(&home).display());
    }
    if source.starts_with('/') {
        return source.to_string();
    }
    let mut out = working_dir.to_path_buf();
    for part in Path::new(source).components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.display().to_string()
}

fn read_healthcheck(node: &Node, path: &str) -> Result<Option<Healthcheck>, ComposeError> {
    check_keys(node, path, &["test", "interval", "timeout", "retries", "start_period", "disable"])?;
    if let Some(d) = node.get("disable")
        && boolean(d, &format!("{path}.disable"))?
    {
        return Ok(Some(Healthcheck {
            test: vec!["NONE".into()],
            interval: None,
            timeout: None,
            retries: None,
            start_period: None,
        }));
    }
    let test = match node.get("test") {
        None => Vec::new(),
        Some(t) => match &t.value {
            Value::Scalar(s) => vec!["CMD-SHELL".into(), s.clone()],
            _ => {
                let list = string_list(t, &format!("{path}.test"))?;
                if !matches!(list.first().map(String::as_str), Some("CMD" | "CMD-SHELL" | "NONE")) {
                    return Err(ComposeError::at(
                        &t.pos,
                        format!("{path}.test must start with CMD, CMD-SHELL or NONE"),
                    ));
                }
                list
            }
        },
    };
    let d = |k: &str| node.get(k).map(|n| duration(n, &format!("{path}.{k}"))).transpose();
    Ok(Some(Healthcheck {
        test,
        interval: d("interval")?,
        timeout: d("timeout")?,
        retries: node.get("retries").map(|n| number(n, &format!("{path}.retries"))).transpose()?,
        start_period: d("start_period")?,
    }))
}

/// Where a key sits, for messages that have no node of their own.
pub fn pos_of_key(doc: &Node, section: &str, name: &str) -> Pos {
    doc.get(section)
        .and_then(Node::map)
        .and_then(|entries| entries.iter().find(|(k, _)| k.name == name))
        .map(|(k, _)| k.pos.clone())
        .unwrap_or_else(|| doc.pos.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_compose_writes_them() {
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("5 s"), None);
    }

    #[test]
    fn bind_sources_resolve_against_the_project_directory() {
        let dir = Path::new("/srv/app");
        assert_eq!(bind_source("./data", dir), "/srv/app/data");
        assert_eq!(bind_source("../shared/x", dir), "/srv/shared/x");
        assert_eq!(bind_source("/abs", dir), "/abs");
    }
}
