//! The `docker run` command that makes the same container: written from the create
//! request wharf sends (`create_request`), with only the settings that differ from
//! the image's defaults, each word shell-quoted. What `docker run` cannot say (a few
//! host settings, networks beyond the first) is said in notes, or as the `docker
//! network connect` commands to run after it.

use serde_json::Value;

use super::from_inspect::is_zero;

/// Settings the daemon fills in itself, whatever was asked: not worth a word.
const DAEMON_FILLED: [&str; 6] = ["CgroupnsMode", "MaskedPaths", "ReadonlyPaths", "ConsoleSize", "Isolation", "Cgroup"];
/// The default `/dev/shm` size (64 MiB).
const DEFAULT_SHM: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunCommand {
    /// `docker run …`: one group of words per line (an option and its value), unquoted.
    pub lines: Vec<Vec<String>>,
    /// Commands to run after it (joining further networks), unquoted.
    pub then: Vec<Vec<String>>,
    /// What the commands cannot say.
    pub notes: Vec<String>,
}

impl RunCommand {
    /// The commands as a shell takes them: quoted, a line per option, `\` between.
    pub fn text(&self) -> String {
        self.text_with(|w| w.to_string())
    }

    /// As `text`, each word passed through `show` first (to mask secrets on screen).
    pub fn text_with(&self, show: impl Fn(&str) -> String) -> String {
        let quote = |group: &[String]| group.iter().map(|w| quote(&show(w))).collect::<Vec<_>>().join(" ");
        let mut out: Vec<String> = Vec::new();
        let last = self.lines.len().saturating_sub(1);
        for (i, group) in self.lines.iter().enumerate() {
            let indent = if i == 0 { "" } else { "  " };
            let tail = if i == last { "" } else { " \\" };
            out.push(format!("{indent}{}{tail}", quote(group)));
        }
        for then in &self.then {
            out.push(quote(then));
        }
        out.join("\n")
    }

    /// Every word of `docker run …`, in order (what a shell would hand the CLI).
    pub fn words(&self) -> Vec<String> {
        self.lines.iter().flatten().cloned().collect()
    }
}

/// One option and its value, on a line of its own.
fn push(cmd: &mut RunCommand, flag: &str, value: String) {
    cmd.lines.push(vec![flag.to_string(), value]);
}

/// A word as a POSIX shell reads it back: bare when that is safe, else single-quoted.
fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%^".contains(c))
        && !word.starts_with('=');
    if safe { word.to_string() } else { format!("'{}'", word.replace('\'', r"'\''")) }
}

/// `docker run` for a create request; `name` is the container's (or none), and
/// `image_config` the image's `Config` (settings equal to it are left out).
pub fn run_command(name: Option<&str>, request: &Value, image_config: Option<&Value>) -> RunCommand {
    let image = |key: &str| image_config.and_then(|c| c.get(key));
    let mut cmd = RunCommand { lines: vec![vec!["docker".into(), "run".into(), "-d".into()]], ..Default::default() };
    if let Some(name) = name.filter(|n| !n.is_empty()) {
        push(&mut cmd, "--name", name.to_string());
    }
    let get = |key: &str| request.get(key).filter(|v| !is_zero(v));
    let host = request.get("HostConfig").unwrap_or(&Value::Null);
    let host_get = |key: &str| host.get(key).filter(|v| !is_zero(v));

    for (key, flag) in [("Hostname", "--hostname"), ("Domainname", "--domainname"), ("MacAddress", "--mac-address")] {
        if let Some(v) = get(key).and_then(Value::as_str) {
            push(&mut cmd, flag, v.to_string());
        }
    }
    for (key, flag) in [("User", "--user"), ("WorkingDir", "--workdir"), ("StopSignal", "--stop-signal")] {
        if let Some(v) = get(key).and_then(Value::as_str).filter(|v| image(key).and_then(Value::as_str) != Some(v)) {
            push(&mut cmd, flag, v.to_string());
        }
    }
    if let Some(n) = get("StopTimeout").and_then(Value::as_i64) {
        push(&mut cmd, "--stop-timeout", n.to_string());
    }
    let image_env = strings(image("Env"));
    for e in strings(get("Env")).into_iter().filter(|e| !image_env.contains(e)) {
        push(&mut cmd, "--env", e);
    }
    if let Some(Value::Object(labels)) = get("Labels") {
        for (k, v) in labels {
            if image("Labels").and_then(|l| l.get(k)) != Some(v) {
                push(&mut cmd, "--label", format!("{k}={}", v.as_str().unwrap_or_default()));
            }
        }
    }
    let published: Vec<String> = match host_get("PortBindings") {
        Some(Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    if let Some(Value::Object(ports)) = get("ExposedPorts") {
        for key in ports.keys() {
            if !published.contains(key) && image("ExposedPorts").and_then(|p| p.get(key)).is_none() {
                push(&mut cmd, "--expose", key.clone());
            }
        }
    }
    if let Some(Value::Object(volumes)) = get("Volumes") {
        for target in volumes.keys() {
            if image("Volumes").and_then(|v| v.get(target)).is_none() {
                push(&mut cmd, "--volume", target.clone());
            }
        }
    }
    if let Some(Value::Array(test)) = get("Healthcheck").and_then(|h| h.get("Test")) {
        let health = get("Healthcheck").unwrap_or(&Value::Null);
        if Some(health) != image("Healthcheck") {
            let words = strings(Some(&Value::Array(test.clone())));
            match words.first().map(String::as_str) {
                Some("NONE") => cmd.lines.push(vec!["--no-healthcheck".into()]),
                Some("CMD-SHELL") => push(&mut cmd, "--health-cmd", words[1..].join(" ")),
                Some("CMD") => {
                    push(&mut cmd, "--health-cmd", shell_words::join(&words[1..]));
                    cmd.notes.push("the healthcheck runs without a shell; --health-cmd gives it one".into());
                }
                _ => {}
            }
            for (key, flag) in [
                ("Interval", "--health-interval"),
                ("Timeout", "--health-timeout"),
                ("StartPeriod", "--health-start-period"),
            ] {
                if let Some(ns) = health.get(key).and_then(Value::as_u64).filter(|n| *n > 0) {
                    push(&mut cmd, flag, duration(ns));
                }
            }
            if let Some(n) = health.get("Retries").and_then(Value::as_u64).filter(|n| *n > 0) {
                push(&mut cmd, "--health-retries", n.to_string());
            }
        }
    }
    let (tty, stdin) = (get("Tty").is_some(), get("OpenStdin").is_some());
    match (tty, stdin) {
        (true, true) => cmd.lines.push(vec!["-it".into()]),
        (true, false) => cmd.lines.push(vec!["--tty".into()]),
        (false, true) => cmd.lines.push(vec!["--interactive".into()]),
        _ => {}
    }
    for other in ["Shell", "NetworkDisabled", "OnBuild"] {
        if get(other).is_some() && get(other) != image(other) {
            cmd.notes.push(format!("{other} is set, and docker run has no option for it"));
        }
    }

    host_options(host, &mut cmd);
    network_options(name, request, &mut cmd);

    // The image, then the command; an entrypoint of several words cannot be one
    // `--entrypoint`: its first word is, the rest come before the command.
    let mut args = strings(get("Cmd"));
    let entrypoint = request.get("Entrypoint");
    let image_entrypoint = image("Entrypoint");
    let entrypoint_changed = entrypoint
        .is_some_and(|e| Some(e) != image_entrypoint && !(is_zero(e) && image_entrypoint.is_none_or(is_zero)));
    if entrypoint_changed {
        let words = strings(entrypoint);
        cmd.lines.push(vec!["--entrypoint".into(), words.first().cloned().unwrap_or_default()]);
        if words.len() > 1 {
            cmd.notes
                .push("the entrypoint has several words: the first is --entrypoint, the rest start the command".into());
            args = words[1..].iter().cloned().chain(args).collect();
        }
    } else if args == strings(image("Cmd")) {
        args.clear();
    }
    let mut last = vec![request.get("Image").and_then(Value::as_str).unwrap_or_default().to_string()];
    last.extend(args);
    cmd.lines.push(last);
    cmd
}

fn host_options(host: &Value, cmd: &mut RunCommand) {
    let Value::Object(host) = host else { return };
    for (key, value) in host {
        if is_zero(value) {
            continue;
        }
        let text = || value.as_str().unwrap_or_default().to_string();
        let number = || value.as_i64().unwrap_or_default().to_string();
        match key.as_str() {
            "Binds" => strings(Some(value)).into_iter().for_each(|b| push(cmd, "--volume", b)),
            "PortBindings" => {
                for (port, list) in value.as_object().into_iter().flatten() {
                    let (container, proto) = port.split_once('/').unwrap_or((port, "tcp"));
                    let proto = if proto == "tcp" { String::new() } else { format!("/{proto}") };
                    for b in list.as_array().into_iter().flatten() {
                        let ip = b.get("HostIp").and_then(Value::as_str).unwrap_or_default();
                        let hp = b.get("HostPort").and_then(Value::as_str).unwrap_or_default();
                        let ip = match ip {
                            "" => String::new(),
                            ip if ip.contains(':') => format!("[{ip}]:"),
                            ip => format!("{ip}:"),
                        };
                        push(cmd, "--publish", format!("{ip}{hp}:{container}{proto}"));
                    }
                }
            }
            "RestartPolicy" => {
                let name = value.get("Name").and_then(Value::as_str).unwrap_or_default();
                let retries = value.get("MaximumRetryCount").and_then(Value::as_u64).unwrap_or(0);
                match name {
                    "" | "no" => {}
                    "on-failure" if retries > 0 => push(cmd, "--restart", format!("on-failure:{retries}")),
                    name => push(cmd, "--restart", name.to_string()),
                }
            }
            "AutoRemove" => cmd.lines.push(vec!["--rm".into()]),
            "Privileged" => cmd.lines.push(vec!["--privileged".into()]),
            "ReadonlyRootfs" => cmd.lines.push(vec!["--read-only".into()]),
            "Init" => cmd.lines.push(vec!["--init".into()]),
            "OomKillDisable" => cmd.lines.push(vec!["--oom-kill-disable".into()]),
            "PublishAllPorts" => cmd.lines.push(vec!["--publish-all".into()]),
            "CapAdd" | "CapDrop" | "Dns" | "DnsSearch" | "DnsOptions" | "ExtraHosts" | "SecurityOpt" | "GroupAdd"
            | "VolumesFrom" | "Links" => {
                let flag = match key.as_str() {
                    "CapAdd" => "--cap-add",
                    "CapDrop" => "--cap-drop",
                    "Dns" => "--dns",
                    "DnsSearch" => "--dns-search",
                    "DnsOptions" => "--dns-option",
                    "ExtraHosts" => "--add-host",
                    "SecurityOpt" => "--security-opt",
                    "GroupAdd" => "--group-add",
                    "VolumesFrom" => "--volumes-from",
                    _ => "--link",
                };
                strings(Some(value)).into_iter().for_each(|v| push(cmd, flag, v));
            }
            "Memory" | "MemoryReservation" | "MemorySwap" | "CpuShares" | "PidsLimit" | "OomScoreAdj" | "CpuPeriod"
            | "CpuQuota" | "BlkioWeight" => {
                let flag = match key.as_str() {
                    "Memory" => "--memory",
                    "MemoryReservation" => "--memory-reservation",
                    "MemorySwap" => "--memory-swap",
                    "CpuShares" => "--cpu-shares",
                    "PidsLimit" => "--pids-limit",
                    "OomScoreAdj" => "--oom-score-adj",
                    "CpuPeriod" => "--cpu-period",
                    "CpuQuota" => "--cpu-quota",
                    _ => "--blkio-weight",
                };
                push(cmd, flag, number());
            }
            "NanoCpus" => {
                let n = value.as_u64().unwrap_or_default();
                let whole = n / 1_000_000_000;
                let frac = format!("{:09}", n % 1_000_000_000);
                let frac = frac.trim_end_matches('0');
                push(cmd, "--cpus", if frac.is_empty() { whole.to_string() } else { format!("{whole}.{frac}") });
            }
            "ShmSize" => {
                if value.as_u64() != Some(DEFAULT_SHM) {
                    push(cmd, "--shm-size", number());
                }
            }
            "CpusetCpus" => push(cmd, "--cpuset-cpus", text()),
            "CpusetMems" => push(cmd, "--cpuset-mems", text()),
            "PidMode" => push(cmd, "--pid", text()),
            "UTSMode" => push(cmd, "--uts", text()),
            "UsernsMode" => push(cmd, "--userns", text()),
            "CgroupParent" => push(cmd, "--cgroup-parent", text()),
            "IpcMode" => {
                if !matches!(value.as_str(), Some("private" | "shareable")) {
                    push(cmd, "--ipc", text());
                }
            }
            "Runtime" => {
                if value.as_str() != Some("runc") {
                    push(cmd, "--runtime", text());
                }
            }
            "Ulimits" => {
                for u in value.as_array().into_iter().flatten() {
                    let name = u.get("Name").and_then(Value::as_str).unwrap_or_default();
                    let soft = u.get("Soft").and_then(Value::as_i64).unwrap_or_default();
                    let hard = u.get("Hard").and_then(Value::as_i64).unwrap_or_default();
                    push(cmd, "--ulimit", format!("{name}={soft}:{hard}"));
                }
            }
            "Sysctls" => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    push(cmd, "--sysctl", format!("{k}={}", v.as_str().unwrap_or_default()));
                }
            }
            "Tmpfs" => {
                for (path, options) in value.as_object().into_iter().flatten() {
                    let options = options.as_str().unwrap_or_default();
                    push(cmd, "--tmpfs", if options.is_empty() { path.clone() } else { format!("{path}:{options}") });
                }
            }
            "Devices" => {
                for d in value.as_array().into_iter().flatten() {
                    let field = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                    push(
                        cmd,
                        "--device",
                        format!("{}:{}:{}", field("PathOnHost"), field("PathInContainer"), field("CgroupPermissions")),
                    );
                }
            }
            "Mounts" => {
                for m in value.as_array().into_iter().flatten() {
                    push(cmd, "--mount", mount_option(m));
                }
            }
            "LogConfig" => {
                let driver = value.get("Type").and_then(Value::as_str).unwrap_or_default();
                let options = value.get("Config").and_then(Value::as_object);
                if driver != "json-file" || options.is_some_and(|o| !o.is_empty()) {
                    if !driver.is_empty() {
                        push(cmd, "--log-driver", driver.to_string());
                    }
                    for (k, v) in options.into_iter().flatten() {
                        push(cmd, "--log-opt", format!("{k}={}", v.as_str().unwrap_or_default()));
                    }
                }
            }
            "NetworkMode" => {
                if !matches!(value.as_str(), Some("default" | "bridge")) {
                    push(cmd, "--network", text());
                }
            }
            other if DAEMON_FILLED.contains(&other) => {}
            other => cmd.notes.push(format!("HostConfig.{other} is set, and this command does not say it")),
        }
    }
}

/// `--mount` as the CLI writes it: `type=volume,source=data,target=/data,readonly`.
fn mount_option(m: &Value) -> String {
    let field = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default();
    let mut parts = vec![format!("type={}", field("Type"))];
    if !field("Source").is_empty() {
        parts.push(format!("source={}", field("Source")));
    }
    parts.push(format!("target={}", field("Target")));
    if m.get("ReadOnly").and_then(Value::as_bool) == Some(true) {
        parts.push("readonly".into());
    }
    parts.join(",")
}

/// `--network-alias` and `--ip` for the network the container is created on; the
/// others as `docker network connect` commands after it.
fn network_options(name: Option<&str>, request: &Value, cmd: &mut RunCommand) {
    let Some(Value::Object(endpoints)) = request.pointer("/NetworkingConfig/EndpointsConfig") else { return };
    let mode = request.pointer("/HostConfig/NetworkMode").and_then(Value::as_str).unwrap_or_default();
    let first = if endpoints.contains_key(mode) {
        mode.to_string()
    } else {
        endpoints.keys().next().cloned().unwrap_or_default()
    };
    for (network, endpoint) in endpoints {
        let aliases = strings(endpoint.get("Aliases"));
        let ip4 = endpoint.pointer("/IPAMConfig/IPv4Address").and_then(Value::as_str).filter(|s| !s.is_empty());
        let ip6 = endpoint.pointer("/IPAMConfig/IPv6Address").and_then(Value::as_str).filter(|s| !s.is_empty());
        if *network == first {
            if matches!(mode, "" | "default") && network != "bridge" {
                cmd.lines.push(vec!["--network".into(), network.clone()]);
            }
            for alias in aliases {
                cmd.lines.push(vec!["--network-alias".into(), alias]);
            }
            if let Some(ip) = ip4 {
                cmd.lines.push(vec!["--ip".into(), ip.to_string()]);
            }
            if let Some(ip) = ip6 {
                cmd.lines.push(vec!["--ip6".into(), ip.to_string()]);
            }
        } else {
            let mut then = vec!["docker".into(), "network".into(), "connect".into()];
            for alias in aliases {
                then.extend(["--alias".into(), alias]);
            }
            if let Some(ip) = ip4 {
                then.extend(["--ip".into(), ip.to_string()]);
            }
            then.push(network.clone());
            then.push(name.unwrap_or("CONTAINER").to_string());
            cmd.then.push(then);
        }
    }
}

/// Nanoseconds as the CLI's durations: `30s`, `1m30s`, `500ms`.
fn duration(ns: u64) -> String {
    if !ns.is_multiple_of(1_000_000_000) {
        return format!("{}ms", ns / 1_000_000);
    }
    let s = ns / 1_000_000_000;
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::launch::{LaunchDraft, create_request};

    #[test]
    fn only_what_differs_from_the_image_is_said_and_every_word_is_quoted() {
        let spec = LaunchDraft {
            image: "redis:7".into(),
            name: "cache".into(),
            ports: "6380:6379".into(),
            env: "PATH=/usr/bin\nGREETING=it's a test".into(),
            command: "redis-server --appendonly yes".into(),
            volumes: "data:/data".into(),
            restart: crate::model::RestartPolicy::UnlessStopped,
            ..Default::default()
        }
        .validate(|_| None)
        .unwrap();
        let image = json!({"Env": ["PATH=/usr/bin"], "Cmd": ["redis-server"]});
        let cmd = run_command(Some("cache"), &create_request(&spec), Some(&image));
        assert_eq!(
            cmd.text(),
            "docker run -d \\\n  --name cache \\\n  --env 'GREETING=it'\\''s a test' \\\n  \
             --volume data:/data \\\n  --publish 127.0.0.1:6380:6379 \\\n  --restart unless-stopped \\\n  \
             redis:7 redis-server --appendonly yes"
        );
        assert!(cmd.notes.is_empty(), "{:?}", cmd.notes);
        assert_eq!(shell_words::split(&cmd.text()).unwrap(), cmd.words(), "a shell reads back the same words");
    }

    #[test]
    fn the_image_command_is_not_repeated_and_extra_networks_are_joined_after() {
        let request = json!({
            "Image": "app", "Cmd": ["serve"], "Entrypoint": ["/init", "--"],
            "HostConfig": {"NetworkMode": "front", "Ulimits": [{"Name": "nofile", "Soft": 1024, "Hard": 2048}], "Frobnicate": 3},
            "NetworkingConfig": {"EndpointsConfig": {"front": {"Aliases": ["web"]}, "back": {"Aliases": ["api"]}}}
        });
        let cmd = run_command(Some("web"), &request, Some(&json!({"Cmd": ["serve"]})));
        let text = cmd.text();
        assert!(text.contains("--network front \\\n  --ulimit nofile=1024:2048"), "{text}");
        assert!(text.contains("--network-alias web"), "{text}");
        assert!(
            text.ends_with("--entrypoint /init \\\n  app -- serve\ndocker network connect --alias api back web"),
            "{text}"
        );
        assert_eq!(cmd.notes.len(), 2, "{:?}", cmd.notes);
        assert!(cmd.notes[0].contains("Frobnicate"));
    }

    #[test]
    fn durations_read_as_the_cli_writes_them() {
        assert_eq!(duration(30_000_000_000), "30s");
        assert_eq!(duration(90_000_000_000), "1m30s");
        assert_eq!(duration(500_000_000), "500ms");
        assert_eq!(duration(3_600_000_000_000), "1h0m0s");
    }
}
