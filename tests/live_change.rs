//! Changing a container without losing it, against a real daemon: edit and recreate
//! (data, name and everything the form does not show kept; a failed recreate puts the
//! old container back; anonymous volumes survive), duplicate, and the equivalent
//! `docker run` command run by the real docker CLI making the same container.
//! Run by `scripts/test.sh` (see tests/live/mod.rs for why these are `#[ignore]`d).

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use live::{BUSYBOX, Labelled, REDIS, docker, free_port};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use wharf::app::{launcher, recreate};
use wharf::docker::{BollardDocker, DockerApi, connect};
use wharf::launch::command::run_command;
use wharf::launch::from_inspect::{Filled, Purpose, from_inspect};
use wharf::launch::recreate::RecreatePlan;
use wharf::launch::{LaunchDraft, create_request};
use wharf::model::LaunchSpec;

const TIMEOUT: Duration = Duration::from_secs(10);

async fn api() -> BollardDocker {
    connect(&live::address(), TIMEOUT).await.expect("the daemon answers")
}

/// Networks and volumes a test made, removed when it ends (containers go with the
/// `Labelled` guard, which must be dropped first: declare this one before it).
struct Objects(Vec<(&'static str, String)>);

impl Drop for Objects {
    fn drop(&mut self) {
        for (kind, name) in self.0.iter().rev() {
            let _ = std::process::Command::new("docker").args([kind, "rm", name]).output();
        }
    }
}

async fn fill(api: &BollardDocker, id: &str, purpose: Purpose) -> (Filled, Option<Value>) {
    let container = api.container_json(id).await.unwrap();
    let image = api.image_json(container["Image"].as_str().unwrap()).await.unwrap();
    (from_inspect(&container, image.as_ref(), purpose), image)
}

fn spec_of(draft: &LaunchDraft, filled: &Filled) -> LaunchSpec {
    let mut spec = draft.validate(|_| None).expect("the filled form validates");
    spec.carried = Some(filled.carried.clone());
    spec
}

fn plan(id: &str, filled: &Filled, draft: &LaunchDraft) -> RecreatePlan {
    RecreatePlan {
        old_id: id.to_string(),
        old_name: filled.name.clone(),
        spec: spec_of(draft, filled),
        pull: draft.image != filled.draft.image,
        was_running: filled.running,
        has_healthcheck: filled.has_healthcheck,
    }
}

async fn run_plan(
    api: &BollardDocker,
    plan: &RecreatePlan,
) -> (Result<String, wharf::model::DaemonError>, Vec<String>) {
    let mut steps = Vec::new();
    let result = recreate::recreate(api, plan, None, &CancellationToken::new(), |s| steps.push(s), |_| {}).await;
    (result, steps)
}

fn inspect(name: &str) -> Value {
    serde_json::from_str::<Value>(&docker(&["inspect", name])).unwrap()[0].clone()
}

/// Sends one RESP command to the redis on `port` and returns the answer, retrying
/// while redis is not yet listening behind the port proxy.
fn redis(port: u16, command: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let attempt = TcpStream::connect(("127.0.0.1", port)).and_then(|mut s| {
            s.set_read_timeout(Some(Duration::from_secs(5)))?;
            s.write_all(command.as_bytes())?;
            let mut buf = [0u8; 256];
            let n = s.read(&mut buf)?;
            Ok(String::from_utf8_lossy(&buf[..n]).to_string())
        });
        match attempt {
            Ok(answer) if !answer.is_empty() && !answer.starts_with("-LOADING") => return answer,
            other if Instant::now() > deadline => panic!("redis on 127.0.0.1:{port} does not answer: {other:?}"),
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn names_with(prefix: &str) -> Vec<String> {
    docker(&["ps", "-a", "--format", "{{.Names}}", "--filter", &format!("name={prefix}")])
        .lines()
        .map(str::to_string)
        .collect()
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn an_edited_redis_keeps_its_data_its_name_and_all_the_form_does_not_show() {
    let mut objects = Objects(Vec::new());
    let t = Labelled::new("edit-redis");
    let api = api().await;
    let (net, vol, name) = (t.name("net"), t.name("data"), t.name("redis"));
    docker(&["network", "create", &net]);
    objects.0.push(("network", net.clone()));
    docker(&["volume", "create", &vol]);
    objects.0.push(("volume", vol.clone()));
    let (p1, p2) = (free_port(), free_port());
    #[rustfmt::skip]
    let id = docker(&[
        "run", "-d", "--name", &name, "--label", &t.label, "--label", "com.example.team=cache",
        "--network", &net, "--network-alias", "cache", "--restart", "unless-stopped",
        "-v", &format!("{vol}:/data"), "-p", &format!("127.0.0.1:{p1}:6379"), "-e", "FIRST=1",
        "--cap-add", "NET_ADMIN", "--add-host", "db.internal:10.1.2.3",
        REDIS, "/usr/local/bin/redis-server", "--protected-mode", "no", "--appendonly", "yes", "--dir", "/data",
    ]);
    assert_eq!(redis(p1, "SET kept before-the-edit\r\n"), "+OK\r\n");

    let (filled, _) = fill(&api, &id, Purpose::Recreate).await;
    assert_eq!(filled.draft.env, "FIRST=1");
    assert_eq!(filled.draft.ports, format!("{p1}:6379"), "loopback is the form's default");
    let mut draft = filled.draft.clone();
    draft.ports.push_str(&format!("\n{p2}:6379"));
    draft.env.push_str("\nADDED=yes");
    let (result, steps) = run_plan(&api, &plan(&id, &filled, &draft)).await;
    let new_id = result.unwrap_or_else(|e| panic!("the recreate failed: {e} (steps {steps:?})"));
    assert!(steps.iter().any(|s| s.starts_with("watching")), "{steps:?}");

    let after = inspect(&name);
    assert_eq!(after["Id"], new_id, "the new container has the old one's name");
    assert_ne!(new_id, id);
    assert!(after["Config"]["Env"].as_array().unwrap().contains(&json!("ADDED=yes")));
    assert!(after["Config"]["Env"].as_array().unwrap().contains(&json!("FIRST=1")));
    let bound: Vec<&str> = after["HostConfig"]["PortBindings"]["6379/tcp"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["HostPort"].as_str().unwrap())
        .collect();
    assert_eq!(bound, [p1.to_string(), p2.to_string()]);
    assert_eq!(after["Config"]["Labels"]["com.example.team"], "cache");
    assert_eq!(after["HostConfig"]["RestartPolicy"]["Name"], "unless-stopped");
    assert!(after["HostConfig"]["CapAdd"].to_string().contains("NET_ADMIN"), "{}", after["HostConfig"]["CapAdd"]);
    assert_eq!(after["HostConfig"]["ExtraHosts"], json!(["db.internal:10.1.2.3"]));
    assert!(after["NetworkSettings"]["Networks"][&net]["Aliases"].as_array().unwrap().contains(&json!("cache")));
    let mounts = after["Mounts"].as_array().unwrap();
    assert!(mounts.iter().any(|m| m["Name"] == json!(vol) && m["Destination"] == "/data"), "{mounts:?}");
    assert_eq!(redis(p2, "GET kept\r\n"), "$15\r\nbefore-the-edit\r\n", "the data is still there");
    let left: Vec<String> = names_with(&name);
    assert_eq!(left, vec![name.clone()], "no temporary or retired container is left");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn an_edit_moves_a_container_to_the_network_the_form_names() {
    let mut objects = Objects(Vec::new());
    let t = Labelled::new("edit-net");
    let api = api().await;
    let (old_net, new_net, name) = (t.name("old"), t.name("new"), t.name("box"));
    for net in [&old_net, &new_net] {
        docker(&["network", "create", net]);
        objects.0.push(("network", net.clone()));
    }
    #[rustfmt::skip]
    let id = docker(&["run", "-d", "--name", &name, "--label", &t.label, "--network", &old_net, "--stop-timeout", "1",
        "--add-host", "db.internal:10.1.2.3", BUSYBOX, "sleep", "3600"]);

    let (filled, _) = fill(&api, &id, Purpose::Recreate).await;
    assert_eq!(filled.draft.network, old_net, "the form shows the network it is on");
    assert_eq!(filled.draft.extra_hosts, "db.internal:10.1.2.3");
    let draft = LaunchDraft { network: new_net.clone(), extra_hosts: String::new(), ..filled.draft.clone() };
    let (result, steps) = run_plan(&api, &plan(&id, &filled, &draft)).await;
    result.unwrap_or_else(|e| panic!("the recreate failed: {e} (steps {steps:?})"));

    let after = inspect(&name);
    let networks: Vec<&String> = after["NetworkSettings"]["Networks"].as_object().unwrap().keys().collect();
    assert_eq!(networks, [&new_net], "on the new network only");
    assert_eq!(after["HostConfig"]["NetworkMode"], json!(new_net));
    let extra = &after["HostConfig"]["ExtraHosts"];
    assert!(extra.is_null() || extra == &json!([]), "the extra host the form cleared is gone: {extra}");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_recreate_that_cannot_start_puts_the_old_container_back() {
    let t = Labelled::new("edit-fails");
    let api = api().await;
    let (name, blocker) = (t.name("redis"), t.name("blocker"));
    let (p1, taken) = (free_port(), free_port());
    #[rustfmt::skip]
    let id = docker(&["run", "-d", "--name", &name, "--label", &t.label, "-p", &format!("127.0.0.1:{p1}:6379"), REDIS]);
    // Another container holds the port the edit asks for.
    #[rustfmt::skip]
    docker(&["run", "-d", "--name", &blocker, "--label", &t.label, "--stop-timeout", "1", "--network", "bridge",
        "-p", &format!("127.0.0.1:{taken}:80"), BUSYBOX, "sleep", "3600"]);
    assert_eq!(redis(p1, "PING\r\n"), "+PONG\r\n");

    let (filled, _) = fill(&api, &id, Purpose::Recreate).await;
    let mut draft = filled.draft.clone();
    draft.ports.push_str(&format!("\n{taken}:6379"));
    let (result, steps) = run_plan(&api, &plan(&id, &filled, &draft)).await;
    let error = result.expect_err("the port is taken");
    assert!(error.message.contains("could not start the new container"), "{error}");
    assert!(error.message.contains(&format!("{name} runs again")), "{error}");
    assert!(steps.iter().any(|s| s.starts_with("stopping")), "the old one was stopped first: {steps:?}");

    let after = inspect(&name);
    assert_eq!(after["Id"], id, "the old container, under its own name");
    assert_eq!(after["State"]["Status"], "running");
    assert_eq!(redis(p1, "PING\r\n"), "+PONG\r\n", "it took its port back");
    assert_eq!(names_with(&name), vec![name.clone()], "nothing else is left behind");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn an_anonymous_volume_survives_a_recreate_and_a_duplicate_gets_its_own() {
    let mut objects = Objects(Vec::new());
    let t = Labelled::new("edit-anon");
    let api = api().await;
    let name = t.name("box");
    #[rustfmt::skip]
    let id = docker(&["run", "-d", "--name", &name, "--label", &t.label, "--network", "none", "--stop-timeout", "1",
        "-v", "/anon", BUSYBOX, "sleep", "3600"]);
    docker(&["exec", &name, "sh", "-c", "echo kept > /anon/file"]);
    let volume = inspect(&name)["Mounts"][0]["Name"].as_str().unwrap().to_string();
    objects.0.push(("volume", volume.clone()));

    let (filled, _) = fill(&api, &id, Purpose::Recreate).await;
    assert_eq!(filled.draft.volumes, "", "the anonymous volume is carried, by its name");
    let mut draft = filled.draft.clone();
    draft.env = "CHANGED=1".into();
    let (result, steps) = run_plan(&api, &plan(&id, &filled, &draft)).await;
    result.unwrap_or_else(|e| panic!("the recreate failed: {e} ({steps:?})"));
    assert_eq!(docker(&["exec", &name, "cat", "/anon/file"]), "kept");
    assert_eq!(inspect(&name)["Mounts"][0]["Name"], json!(volume), "the same volume");
    assert_eq!(inspect(&name)["Config"]["StopTimeout"], 1, "carried");

    // A duplicate: a new name, its own anonymous volume, the same settings.
    let new_id = inspect(&name)["Id"].as_str().unwrap().to_string();
    let (filled, _) = fill(&api, &new_id, Purpose::Duplicate).await;
    assert_eq!(filled.draft.volumes, "/anon");
    let mut draft = filled.draft.clone();
    draft.name = t.name("box-2");
    let dup = launcher::launch(&api, &spec_of(&draft, &filled), None, &CancellationToken::new(), |_| {}).await.unwrap();
    let copy = inspect(&dup);
    let copy_volume = copy["Mounts"][0]["Name"].as_str().unwrap().to_string();
    objects.0.push(("volume", copy_volume.clone()));
    assert_ne!(copy_volume, volume, "a volume of its own");
    assert_eq!(copy["Config"]["Env"].as_array().unwrap().iter().filter(|e| *e == "CHANGED=1").count(), 1);
    assert_eq!(copy["Config"]["Labels"]["wharf.test"], json!(t.label.trim_start_matches("wharf.test=")));
    assert_eq!(docker(&["exec", &dup, "sh", "-c", "ls /anon | wc -l"]), "0");
}

/// The create request that remakes a container, as wharf would send it, with what
/// says nothing left out: unset values, and the name (in the query, not the body).
async fn request_of(api: &BollardDocker, id: &str) -> Value {
    let (filled, _) = fill(api, id, Purpose::Describe).await;
    let mut draft = filled.draft.clone();
    draft.name.clear();
    let mut request = create_request(&spec_of(&draft, &filled));
    prune(&mut request);
    // The docker CLI (28) does not keep the order of `-e` options: compare env as a set.
    if let Some(Value::Array(env)) = request.get_mut("Env") {
        env.sort_by_key(|e| e.to_string());
    }
    request
}

fn prune(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(prune);
            map.retain(|_, v| !wharf::launch::from_inspect::is_zero(v));
        }
        Value::Array(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

/// Writes `w`'s command for `id`, runs it with the real docker CLI under another
/// name, and checks the container it makes is made by the same create request.
async fn command_round_trip(api: &BollardDocker, id: &str, copy_name: &str) -> String {
    let (filled, image) = fill(api, id, Purpose::Describe).await;
    let spec = spec_of(&filled.draft, &filled);
    let command = run_command(Some(&filled.name), &create_request(&spec), image.as_ref().and_then(|i| i.get("Config")));
    let text = command.text();
    let mut words = shell_words::split(&text).unwrap();
    assert_eq!(&words[..3], ["docker", "run", "-d"], "{text}");
    let at = words.iter().position(|w| w == "--name").unwrap();
    words[at + 1] = copy_name.to_string();
    docker(&words[1..].iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        request_of(api, copy_name).await,
        request_of(api, id).await,
        "the command makes the same request:\n{text}"
    );
    text
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn the_command_remakes_a_container_made_by_hand_with_many_options() {
    let mut objects = Objects(Vec::new());
    let t = Labelled::new("command-hand");
    let api = api().await;
    let (net, vol, name) = (t.name("net"), t.name("data"), t.name("hand"));
    docker(&["network", "create", &net]);
    objects.0.push(("network", net.clone()));
    docker(&["volume", "create", &vol]);
    objects.0.push(("volume", vol.clone()));
    #[rustfmt::skip]
    let id = docker(&[
        "run", "-d", "--name", &name, "--label", &t.label, "--label", "note=it's \"quoted\" $HOME",
        "-e", "GREETING=hello world", "-e", "EMPTY=", "--network", &net, "--network-alias", "web",
        "-p", "127.0.0.1::8080", "-p", "127.0.0.1::53/udp", "-v", &format!("{vol}:/data:ro"), "-v", "/scratch",
        "--tmpfs", "/run:size=1m", "--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD", "--add-host", "db:10.0.0.2",
        "--dns", "10.0.0.53", "--ulimit", "nofile=1024:2048", "--restart", "on-failure:3", "--workdir", "/tmp",
        "--user", "1000:1000", "--hostname", "box", "--health-cmd", "true", "--health-interval", "30s",
        "--stop-signal", "SIGINT", "--stop-timeout", "2", "--memory", "64m", "--pids-limit", "100",
        "--log-opt", "max-size=1m", "--security-opt", "no-new-privileges", "--shm-size", "32m", "--read-only",
        "--expose", "9000", "--entrypoint", "sleep", BUSYBOX, "3600",
    ]);
    let text = command_round_trip(&api, &id, &t.name("hand-copy")).await;
    for expected in [
        "--entrypoint sleep",
        "'GREETING=hello world'",
        "--read-only",
        "--ulimit nofile=1024:2048",
        "--network-alias web",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(text.ends_with(&format!("{BUSYBOX} 3600")), "{text}");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn the_command_remakes_a_container_with_compose_labels_and_one_made_by_the_form() {
    let mut objects = Objects(Vec::new());
    let t = Labelled::new("command-compose");
    let api = api().await;
    let net = t.name("default");
    docker(&["network", "create", &net]);
    objects.0.push(("network", net.clone()));
    let name = t.name("web_1");
    #[rustfmt::skip]
    let id = docker(&[
        "run", "-d", "--name", &name, "--label", &t.label, "--stop-timeout", "1",
        "--label", "com.docker.compose.project=shop", "--label", "com.docker.compose.service=web",
        "--label", "com.docker.compose.container-number=1", "--label", "com.docker.compose.oneoff=False",
        "--network", &net, "--network-alias", "web", BUSYBOX, "sleep", "3600",
    ]);
    command_round_trip(&api, &id, &t.name("web_2")).await;

    let draft = LaunchDraft {
        image: REDIS.into(),
        name: t.name("form"),
        ports: "6379".into(),
        env: "A=1\nB=two words".into(),
        volumes: "/data".into(),
        restart: wharf::model::RestartPolicy::Always,
        ..Default::default()
    };
    let mut spec = draft.validate(|_| None).unwrap();
    let (k, v) = t.label.split_once('=').unwrap();
    spec.labels.insert(k.into(), v.into());
    let made = launcher::launch(&api, &spec, None, &CancellationToken::new(), |_| {}).await.unwrap();
    let text = command_round_trip(&api, &made, &t.name("form-copy")).await;
    assert!(text.contains("--publish 127.0.0.1::6379"), "{text}");
    for volume in [
        inspect(&t.name("form"))["Mounts"][0]["Name"].clone(),
        inspect(&t.name("form-copy"))["Mounts"][0]["Name"].clone(),
    ] {
        objects.0.push(("volume", volume.as_str().unwrap().to_string()));
    }
    let _ = docker(&["update", "--restart", "no", &t.name("form"), &t.name("form-copy")]);
}
