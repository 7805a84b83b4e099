//! The equivalent `docker run` command read back: a small parser of the options the
//! command writes (as the docker CLI reads them) turns it into a create request again,
//! which must be the request wharf would send. The live tests run the command with the
//! real CLI (tests/live_change.rs).

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Map, Value, json};
use wharf::launch::command::run_command;
use wharf::launch::from_inspect::is_zero;
use wharf::launch::{LaunchDraft, create_request};
use wharf::model::RestartPolicy;

/// `30s`, `1m30s`, `500ms` as nanoseconds.
fn nanos(text: &str) -> u64 {
    if let Some(ms) = text.strip_suffix("ms") {
        return ms.parse::<u64>().unwrap() * 1_000_000;
    }
    let (mut total, mut number) = (0, String::new());
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            unit => {
                let n: u64 = number.parse().unwrap();
                number.clear();
                total += n * match unit {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
            }
        }
    }
    total * 1_000_000_000
}

fn obj<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    map.entry(key).or_insert_with(|| json!({})).as_object_mut().unwrap()
}

fn push(map: &mut Map<String, Value>, key: &str, value: Value) {
    map.entry(key).or_insert_with(|| json!([])).as_array_mut().unwrap().push(value);
}

/// `docker run` words (after `docker run`) as the create request the CLI would send.
fn parse(words: &[String]) -> Value {
    let mut body = Map::new();
    let mut host = Map::new();
    let mut endpoints = Map::new();
    let mut health = Map::new();
    let mut i = 0;
    let next = |i: &mut usize| {
        *i += 1;
        words[*i].clone()
    };
    while i < words.len() && words[i].starts_with('-') {
        let flag = words[i].clone();
        match flag.as_str() {
            "-d" => {}
            "-it" => {
                body.insert("Tty".into(), json!(true));
                body.insert("OpenStdin".into(), json!(true));
            }
            "--tty" => drop(body.insert("Tty".into(), json!(true))),
            "--interactive" => drop(body.insert("OpenStdin".into(), json!(true))),
            "--name" => drop(next(&mut i)),
            "--hostname" | "--domainname" | "--mac-address" | "--user" | "--workdir" | "--stop-signal" => {
                let key = match flag.as_str() {
                    "--hostname" => "Hostname",
                    "--domainname" => "Domainname",
                    "--mac-address" => "MacAddress",
                    "--user" => "User",
                    "--workdir" => "WorkingDir",
                    _ => "StopSignal",
                };
                body.insert(key.into(), json!(next(&mut i)));
            }
            "--stop-timeout" => drop(body.insert("StopTimeout".into(), json!(next(&mut i).parse::<i64>().unwrap()))),
            "--env" => push(&mut body, "Env", json!(next(&mut i))),
            "--label" => {
                let (k, v) = next(&mut i).split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).unwrap();
                obj(&mut body, "Labels").insert(k, json!(v));
            }
            "--expose" => drop(obj(&mut body, "ExposedPorts").insert(next(&mut i), json!({}))),
            "--volume" => {
                let v = next(&mut i);
                if v.contains(':') {
                    push(&mut host, "Binds", json!(v));
                } else {
                    obj(&mut body, "Volumes").insert(v, json!({}));
                }
            }
            "--health-cmd" => drop(health.insert("Test".into(), json!(["CMD-SHELL", next(&mut i)]))),
            "--health-interval" => drop(health.insert("Interval".into(), json!(nanos(&next(&mut i))))),
            "--health-timeout" => drop(health.insert("Timeout".into(), json!(nanos(&next(&mut i))))),
            "--health-start-period" => drop(health.insert("StartPeriod".into(), json!(nanos(&next(&mut i))))),
            "--health-retries" => drop(health.insert("Retries".into(), json!(next(&mut i).parse::<u64>().unwrap()))),
            "--no-healthcheck" => drop(health.insert("Test".into(), json!(["NONE"]))),
            "--publish" => {
                let spec = next(&mut i);
                let (rest, proto) = spec.rsplit_once('/').unwrap_or((&spec, "tcp"));
                let (rest, container) = rest.rsplit_once(':').unwrap();
                let (ip, host_port) = rest.rsplit_once(':').unwrap_or(("", rest));
                let key = format!("{container}/{proto}");
                obj(&mut body, "ExposedPorts").insert(key.clone(), json!({}));
                let ip = ip.trim_start_matches('[').trim_end_matches(']');
                push(obj(&mut host, "PortBindings"), &key, json!({"HostIp": ip, "HostPort": host_port}));
            }
            "--restart" => {
                let v = next(&mut i);
                let (name, n) =
                    v.split_once(':').map(|(a, b)| (a.to_string(), b.parse::<u64>().unwrap())).unwrap_or((v, 0));
                host.insert("RestartPolicy".into(), json!({"Name": name, "MaximumRetryCount": n}));
            }
            "--rm" | "--privileged" | "--read-only" | "--init" | "--oom-kill-disable" | "--publish-all" => {
                let key = match flag.as_str() {
                    "--rm" => "AutoRemove",
                    "--privileged" => "Privileged",
                    "--read-only" => "ReadonlyRootfs",
                    "--init" => "Init",
                    "--oom-kill-disable" => "OomKillDisable",
                    _ => "PublishAllPorts",
                };
                host.insert(key.into(), json!(true));
            }
            "--cap-add" | "--cap-drop" | "--dns" | "--dns-search" | "--dns-option" | "--add-host"
            | "--security-opt" | "--group-add" | "--volumes-from" | "--link" => {
                let key = match flag.as_str() {
                    "--cap-add" => "CapAdd",
                    "--cap-drop" => "CapDrop",
                    "--dns" => "Dns",
                    "--dns-search" => "DnsSearch",
                    "--dns-option" => "DnsOptions",
                    "--add-host" => "ExtraHosts",
                    "--security-opt" => "SecurityOpt",
                    "--group-add" => "GroupAdd",
                    "--volumes-from" => "VolumesFrom",
                    _ => "Links",
                };
                push(&mut host, key, json!(next(&mut i)));
            }
            "--memory"
            | "--memory-reservation"
            | "--memory-swap"
            | "--cpu-shares"
            | "--pids-limit"
            | "--oom-score-adj"
            | "--cpu-period"
            | "--cpu-quota"
            | "--blkio-weight"
            | "--shm-size" => {
                let key = match flag.as_str() {
                    "--memory" => "Memory",
                    "--memory-reservation" => "MemoryReservation",
                    "--memory-swap" => "MemorySwap",
                    "--cpu-shares" => "CpuShares",
                    "--pids-limit" => "PidsLimit",
                    "--oom-score-adj" => "OomScoreAdj",
                    "--cpu-period" => "CpuPeriod",
                    "--cpu-quota" => "CpuQuota",
                    "--blkio-weight" => "BlkioWeight",
                    _ => "ShmSize",
                };
                host.insert(key.into(), json!(next(&mut i).parse::<i64>().unwrap()));
            }
            "--cpus" => {
                let n: f64 = next(&mut i).parse().unwrap();
                host.insert("NanoCpus".into(), json!((n * 1e9).round() as u64));
            }
            "--cpuset-cpus" | "--cpuset-mems" | "--pid" | "--uts" | "--userns" | "--cgroup-parent" | "--ipc"
            | "--runtime" => {
                let key = match flag.as_str() {
                    "--cpuset-cpus" => "CpusetCpus",
                    "--cpuset-mems" => "CpusetMems",
                    "--pid" => "PidMode",
                    "--uts" => "UTSMode",
                    "--userns" => "UsernsMode",
                    "--cgroup-parent" => "CgroupParent",
                    "--ipc" => "IpcMode",
                    _ => "Runtime",
                };
                host.insert(key.into(), json!(next(&mut i)));
            }
            "--ulimit" => {
                let v = next(&mut i);
                let (name, limits) = v.split_once('=').unwrap();
                let (soft, hard) = limits.split_once(':').unwrap();
                let (soft, hard): (i64, i64) = (soft.parse().unwrap(), hard.parse().unwrap());
                push(&mut host, "Ulimits", json!({"Name": name, "Soft": soft, "Hard": hard}));
            }
            "--sysctl" => {
                let v = next(&mut i);
                let (k, val) = v.split_once('=').unwrap();
                obj(&mut host, "Sysctls").insert(k.into(), json!(val));
            }
            "--tmpfs" => {
                let v = next(&mut i);
                let (path, options) = v.split_once(':').unwrap_or((&v, ""));
                obj(&mut host, "Tmpfs").insert(path.into(), json!(options));
            }
            "--device" => {
                let v = next(&mut i);
                let parts: Vec<&str> = v.split(':').collect();
                push(
                    &mut host,
                    "Devices",
                    json!({"PathOnHost": parts[0], "PathInContainer": parts[1], "CgroupPermissions": parts[2]}),
                );
            }
            "--mount" => {
                let mut mount = Map::new();
                for part in next(&mut i).split(',') {
                    match part.split_once('=') {
                        Some(("type", v)) => drop(mount.insert("Type".into(), json!(v))),
                        Some(("source", v)) => drop(mount.insert("Source".into(), json!(v))),
                        Some(("target", v)) => drop(mount.insert("Target".into(), json!(v))),
                        _ if part == "readonly" => drop(mount.insert("ReadOnly".into(), json!(true))),
                        other => panic!("--mount part {other:?}"),
                    }
                }
                push(&mut host, "Mounts", Value::Object(mount));
            }
            "--log-driver" => drop(obj(&mut host, "LogConfig").insert("Type".into(), json!(next(&mut i)))),
            "--log-opt" => {
                let v = next(&mut i);
                let (k, val) = v.split_once('=').unwrap();
                obj(obj(&mut host, "LogConfig"), "Config").insert(k.into(), json!(val));
            }
            "--network" => {
                let network = next(&mut i);
                host.insert("NetworkMode".into(), json!(network));
                endpoints.entry(network).or_insert_with(|| json!({}));
            }
            "--network-alias" | "--ip" | "--ip6" => {
                let mode = host.get("NetworkMode").and_then(Value::as_str).unwrap_or("default").to_string();
                let endpoint = endpoints.entry(mode).or_insert_with(|| json!({})).as_object_mut().unwrap();
                let v = next(&mut i);
                match flag.as_str() {
                    "--network-alias" => push(endpoint, "Aliases", json!(v)),
                    "--ip" => drop(obj(endpoint, "IPAMConfig").insert("IPv4Address".into(), json!(v))),
                    _ => drop(obj(endpoint, "IPAMConfig").insert("IPv6Address".into(), json!(v))),
                }
            }
            "--entrypoint" => drop(body.insert("Entrypoint".into(), json!([next(&mut i)]))),
            other => panic!("the parser does not know {other}"),
        }
        i += 1;
    }
    body.insert("Image".into(), json!(words[i]));
    let args = &words[i + 1..];
    if !args.is_empty() {
        body.insert("Cmd".into(), json!(args));
    }
    if !health.is_empty() {
        body.insert("Healthcheck".into(), Value::Object(health));
    }
    body.insert("HostConfig".into(), Value::Object(host));
    body.insert("NetworkingConfig".into(), json!({ "EndpointsConfig": endpoints }));
    let mut request = Value::Object(body);
    prune(&mut request);
    request
}

/// Leaves out what says nothing: unset values.
fn prune(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(prune);
            map.retain(|_, v| !is_zero(v));
        }
        Value::Array(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

#[test]
fn the_command_read_back_is_the_request_wharf_sends() {
    let mut spec = LaunchDraft {
        image: "registry.local:5000/shop/app:2.1".into(),
        name: "shop_web_1".into(),
        ports: "8080:80\n[::1]:8443:443\n127.0.0.1::53/udp".into(),
        env: "GREETING=it's \"quoted\" $HOME\nEMPTY=\nUNICODE=café ☕".into(),
        command: "serve --port 80 'a b'".into(),
        volumes: "data:/var/lib/app\n/srv/conf:/etc/app:ro\n/cache".into(),
        restart: RestartPolicy::OnFailure(Some(3)),
        interactive_tty: true,
        ..Default::default()
    }
    .validate(|_| None)
    .unwrap();
    spec.carried = Some(json!({
        "Entrypoint": ["/init"],
        "User": "1000:1000",
        "WorkingDir": "/srv",
        "Hostname": "web",
        "StopSignal": "SIGINT",
        "StopTimeout": 5,
        "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.service": "web"},
        "ExposedPorts": {"9000/tcp": {}},
        "Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "Interval": 30_000_000_000u64, "Retries": 3},
        "HostConfig": {
            "NetworkMode": "shop_default",
            "CapAdd": ["NET_ADMIN"], "CapDrop": ["MKNOD"], "ExtraHosts": ["db:10.0.0.2"], "Dns": ["10.0.0.53"],
            "Ulimits": [{"Name": "nofile", "Soft": 1024, "Hard": 2048}],
            "LogConfig": {"Type": "json-file", "Config": {"max-size": "1m"}},
            "Tmpfs": {"/run": "size=1m"}, "Memory": 67108864, "NanoCpus": 1_500_000_000u64, "Privileged": true,
            "ReadonlyRootfs": true, "Sysctls": {"net.core.somaxconn": "1024"}, "SecurityOpt": ["no-new-privileges"],
            "ShmSize": 33554432, "PidsLimit": 100, "Init": true,
            "Mounts": [{"Type": "volume", "Source": "extra", "Target": "/m", "ReadOnly": true}],
            "Devices": [{"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "rwm"}]
        },
        "NetworkingConfig": {"EndpointsConfig": {"shop_default": {"Aliases": ["web", "shop-web"], "IPAMConfig": {"IPv4Address": "172.30.0.9"}}}}
    }));
    let mut request = create_request(&spec);
    let command = run_command(spec.name.as_deref(), &request, None);
    assert!(command.notes.is_empty(), "{:?}", command.notes);
    let words = shell_words::split(&command.text()).unwrap();
    assert_eq!(&words[..2], ["docker", "run"]);
    prune(&mut request);
    assert_eq!(parse(&words[2..]), request, "{}", command.text());
}

#[test]
fn the_parser_is_not_blind() {
    // A command missing an option reads back as another request: the comparison above
    // can fail.
    let spec =
        LaunchDraft { image: "redis".into(), env: "A=1".into(), ..Default::default() }.validate(|_| None).unwrap();
    let mut request = create_request(&spec);
    prune(&mut request);
    let words: Vec<String> = ["-d", "redis"].iter().map(|s| s.to_string()).collect();
    assert_ne!(parse(&words), request);
}
