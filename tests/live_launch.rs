//! Launching through wharf's own launch path (presets -> validation -> launcher -> the
//! bollard layer) against a real daemon, and lifecycle actions.
//! Run by `scripts/test.sh` (see tests/live/mod.rs for why these are `#[ignore]`d).

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use live::{BUSYBOX, Labelled, REDIS, address, free_port};
use tokio_util::sync::CancellationToken;
use wharf::app::launcher;
use wharf::docker::{BollardDocker, DockerApi, connect};
use wharf::launch::LaunchDraft;
use wharf::launch::presets::built_in;
use wharf::model::{ContainerAction, ContainerRow, ContainerState, DaemonErrorKind, LaunchSpec};

const TIMEOUT: Duration = Duration::from_secs(10);

async fn api() -> BollardDocker {
    connect(&address(), TIMEOUT).await.expect("the daemon answers")
}

/// A spec from a draft, labelled for cleanup.
fn spec(draft: &LaunchDraft, t: &Labelled) -> LaunchSpec {
    let mut spec = draft.validate(|_| None).expect("a valid draft");
    let (k, v) = t.label.split_once('=').unwrap();
    spec.labels.insert(k.into(), v.into());
    spec
}

async fn launch(api: &BollardDocker, spec: &LaunchSpec) -> Result<String, wharf::model::DaemonError> {
    launcher::launch(api, spec, None, &CancellationToken::new(), |_| {}).await
}

async fn row(api: &BollardDocker, id: &str) -> Option<ContainerRow> {
    api.list_containers().await.unwrap().into_iter().find(|c| c.id == id)
}

async fn labelled(api: &BollardDocker, t: &Labelled) -> usize {
    let ids = live::docker(&["ps", "-aq", "--filter", &format!("label={}", t.label)]);
    let _ = api;
    ids.split_whitespace().count()
}

/// Talks RESP to the redis on `port`. Until redis listens inside the container, the
/// port proxy accepts and then resets the connection: retry the first command a while.
fn redis_round_trip(port: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let ask = |stream: &mut TcpStream, command: &str| -> std::io::Result<String> {
        stream.write_all(command.as_bytes())?;
        let mut buf = [0u8; 256];
        let n = stream.read(&mut buf)?;
        Ok(String::from_utf8_lossy(&buf[..n]).to_string())
    };
    let mut stream = loop {
        let attempt = TcpStream::connect(("127.0.0.1", port)).and_then(|mut s| {
            s.set_read_timeout(Some(Duration::from_secs(5)))?;
            let answer = ask(&mut s, "SET hello world\r\n")?;
            Ok((s, answer))
        });
        match attempt {
            Ok((s, answer)) if answer == "+OK\r\n" => break s,
            other if Instant::now() > deadline => panic!("redis on 127.0.0.1:{port} does not answer: {other:?}"),
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    ask(&mut stream, "GET hello\r\n").unwrap()
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn the_redis_preset_answers_on_loopback_1234() {
    let t = Labelled::new("redis-preset");
    let api = api().await;
    let preset = built_in().into_iter().find(|p| p.name == "redis").unwrap();
    let mut draft = preset.draft();
    // The real `redis` image cannot be pulled here; the preset is otherwise as shipped.
    draft.image = REDIS.into();
    let id = launch(&api, &spec(&draft, &t)).await.expect("the preset launches");
    let row = row(&api, &id).await.expect("listed");
    assert_eq!(row.name, "redis");
    assert_eq!(row.state, ContainerState::Running);
    assert!(row.ports_short().contains("127.0.0.1:1234->6379/tcp"), "{}", row.ports_short());
    assert_eq!(redis_round_trip(1234), "$5\r\nworld\r\n");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn the_mysql_preset_carries_the_empty_password_variable() {
    let t = Labelled::new("mysql-preset");
    let api = api().await;
    let mut draft = built_in().into_iter().find(|p| p.name == "mysql").unwrap().draft();
    draft.image = "wharf-test/mysql:5.7".into();
    let id = launch(&api, &spec(&draft, &t)).await.expect("the preset launches");
    let details = api.inspect_container(&id).await.unwrap();
    assert!(
        details.env.iter().any(|v| v.key == "MYSQL_ALLOW_EMPTY_PASSWORD" && v.value.as_deref() == Some("true")),
        "{:?}",
        details.env
    );
    let row = row(&api, &id).await.unwrap();
    assert_eq!(row.name, "mysql");
    assert!(row.ports_short().contains("127.0.0.1:3306->3306/tcp"), "{}", row.ports_short());
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_name_conflict_is_refused_and_leaves_nothing_behind() {
    let t = Labelled::new("conflict");
    let api = api().await;
    let draft =
        LaunchDraft { image: BUSYBOX.into(), name: t.name("dup"), command: "sleep 60".into(), ..Default::default() };
    launch(&api, &spec(&draft, &t)).await.expect("the first launch");
    let err = launch(&api, &spec(&draft, &t)).await.expect_err("the name is taken");
    assert_eq!(err.kind, DaemonErrorKind::Conflict, "{err}");
    assert!(err.message.contains("is already in use"), "{err}");
    assert!(err.hint.unwrap().contains("pick another name"));
    assert_eq!(labelled(&api, &t).await, 1);
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_port_already_allocated_removes_the_container_it_created() {
    let t = Labelled::new("port");
    let api = api().await;
    let port = free_port();
    let first = LaunchDraft {
        image: BUSYBOX.into(),
        name: t.name("first"),
        ports: format!("{port}:80"),
        command: "sleep 60".into(),
        ..Default::default()
    };
    launch(&api, &spec(&first, &t)).await.expect("the first launch");
    let second = LaunchDraft { name: t.name("second"), ..first.clone() };
    let err = launch(&api, &spec(&second, &t)).await.expect_err("the port is taken");
    // What happened, with the address, and that nothing is left behind.
    assert!(err.message.contains(&format!(":{port} is already in use, so the container could not start")), "{err}");
    assert!(err.message.ends_with("wharf removed it"), "{err}");
    assert!(!err.message.contains("was created but"), "{err}");
    assert_eq!(labelled(&api, &t).await, 1, "the second container was removed");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_pull_that_cannot_reach_a_registry_says_why() {
    let t = Labelled::new("pull");
    let api = api().await;
    let draft = LaunchDraft { image: "wharf-test/not-here:1".into(), ..Default::default() };
    let err = launch(&api, &spec(&draft, &t)).await.expect_err("nothing can be pulled here");
    assert!(err.message.starts_with("cannot pull wharf-test/not-here:1: "), "{err}");
    assert!(!err.message.contains("client error"), "{err}");
    // This machine has no registry: the error says so in words, the daemon's go to the hint.
    assert!(err.message.contains("no registry is reachable"), "{err}");
    assert!(err.hint.as_deref().is_some_and(|h| h.starts_with("the daemon said: ")), "{err}");
    eprintln!("the pull error reads: {err}");
    assert_eq!(labelled(&api, &t).await, 0);
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn lifecycle_actions_change_the_state_the_daemon_reports() {
    let t = Labelled::new("lifecycle");
    let api = api().await;
    // `trap` makes the shell (pid 1) stop on SIGTERM at once instead of after 10 s.
    let draft = LaunchDraft {
        image: BUSYBOX.into(),
        name: t.name("life"),
        command: "sh -c 'trap \"exit 0\" TERM; while true; do sleep 1; done'".into(),
        ..Default::default()
    };
    let id = launch(&api, &spec(&draft, &t)).await.unwrap();
    let state = async |api: &BollardDocker| row(api, &id).await.map(|r| r.state);
    for (action, expected) in [
        (ContainerAction::Stop, ContainerState::Exited),
        (ContainerAction::Stop, ContainerState::Exited), // 304 from the daemon: fine
        (ContainerAction::Start, ContainerState::Running),
        (ContainerAction::Restart, ContainerState::Running),
        (ContainerAction::Pause, ContainerState::Paused),
        (ContainerAction::Unpause, ContainerState::Running),
        (ContainerAction::Kill, ContainerState::Exited),
        (ContainerAction::Restart, ContainerState::Running),
    ] {
        api.container_action(&id, action).await.unwrap_or_else(|e| panic!("{action}: {e}"));
        assert_eq!(state(&api).await, Some(expected), "after {action}");
    }
    let err = api.container_action(&id, ContainerAction::Remove { force: false, volumes: false }).await.unwrap_err();
    assert_eq!(err.kind, DaemonErrorKind::Conflict, "a running container needs force: {err}");
    api.container_action(&id, ContainerAction::Remove { force: true, volumes: true }).await.unwrap();
    assert_eq!(state(&api).await, None);
    let err = api.container_action(&id, ContainerAction::Start).await.unwrap_err();
    assert_eq!(err.kind, DaemonErrorKind::NotFound, "{err}");
}

/// Removes a network the test created, whatever happens, and so first the test's
/// containers on it (the label's guard would remove them only after this).
struct NetworkGuard(String);

impl Drop for NetworkGuard {
    fn drop(&mut self) {
        let docker = |args: &[&str]| std::process::Command::new("docker").args(args).output();
        let on_it = docker(&["ps", "-aq", "--filter", &format!("network={}", self.0)]);
        let ids = on_it.map(|o| String::from_utf8_lossy(&o.stdout).to_string()).unwrap_or_default();
        for id in ids.split_whitespace() {
            let _ = docker(&["rm", "-f", id]);
        }
        let _ = docker(&["network", "rm", &self.0]);
    }
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn extra_hosts_and_a_network_reach_the_daemon_as_typed() {
    let t = Labelled::new("net-hosts");
    let api = api().await;
    let network = t.name("net");
    live::docker(&["network", "create", "--label", &t.label, &network]);
    let _network = NetworkGuard(network.clone());
    let draft = LaunchDraft {
        image: BUSYBOX.into(),
        name: t.name("hosts"),
        command: "sleep 60".into(),
        network: network.clone(),
        extra_hosts: "host.docker.internal:host-gateway\ndb:10.1.2.3".into(),
        ..Default::default()
    };
    let id = launch(&api, &spec(&draft, &t)).await.expect("the launch");
    let inspect = live::docker(&[
        "inspect",
        "-f",
        "{{.HostConfig.NetworkMode}}|{{json .HostConfig.ExtraHosts}}|{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}",
        &id,
    ]);
    assert_eq!(inspect, format!("{network}|[\"host.docker.internal:host-gateway\",\"db:10.1.2.3\"]|{network}"));
    // The daemon put the host's gateway address in /etc/hosts.
    let hosts = live::docker(&["exec", &id, "cat", "/etc/hosts"]);
    let line = hosts.lines().find(|l| l.ends_with("host.docker.internal")).expect(&hosts);
    assert!(line.split_whitespace().next().unwrap().parse::<std::net::IpAddr>().is_ok(), "{hosts}");

    // Sharing a running container's network: the client sees the service's 127.0.0.1.
    let service = LaunchDraft {
        image: BUSYBOX.into(),
        name: t.name("svc"),
        command: "sh -c 'echo shared-loopback | nc -l -p 7070'".into(),
        ..Default::default()
    };
    launch(&api, &spec(&service, &t)).await.expect("the service");
    let client = LaunchDraft {
        image: BUSYBOX.into(),
        name: t.name("client"),
        network: format!("container:{}", t.name("svc")),
        command: "sleep 60".into(),
        ..Default::default()
    };
    let client_id = launch(&api, &spec(&client, &t)).await.expect("the client");
    let mode = live::docker(&["inspect", "-f", "{{.HostConfig.NetworkMode}}", &client_id]);
    assert!(mode.starts_with("container:"), "{mode}");
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let out = std::process::Command::new("docker")
            .args(["exec", &client_id, "nc", "127.0.0.1", "7070"])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stdout).contains("shared-loopback") {
            break;
        }
        assert!(Instant::now() < deadline, "the service's 127.0.0.1:7070 never answered the client: {out:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `docker run --rm -it` of a command that exits at once: attached before it started,
/// every byte it printed arrives, its exit code comes after `--rm` removed it, and
/// nothing is left behind.
#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn an_it_launch_that_exits_at_once_loses_no_output_and_reports_its_code() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let t = Labelled::new("it-fast");
    let api = api().await;
    let draft = LaunchDraft {
        image: BUSYBOX.into(),
        name: t.name("fast"),
        command: "sh -c 'echo first-line; echo fast-exit-marker; exit 3'".into(),
        auto_remove: true,
        interactive_tty: true,
        network: "none".into(),
        ..Default::default()
    };
    for round in 0..3 {
        let attached =
            launcher::launch_attached(&api, &spec(&draft, &t), async { None }, &CancellationToken::new(), |_| {})
                .await
                .expect("the launch");
        let mut read = attached.read;
        let mut output = Vec::new();
        tokio::time::timeout(TIMEOUT, read.read_to_end(&mut output)).await.expect("the stream ends").unwrap();
        let output = String::from_utf8_lossy(&output);
        assert!(output.contains("first-line") && output.contains("fast-exit-marker"), "round {round}: {output:?}");
        let code = tokio::time::timeout(TIMEOUT, attached.exit.expect("a wait").exit_code()).await.unwrap();
        assert_eq!(code.unwrap(), 3, "round {round}");
        assert_eq!(labelled(&api, &t).await, 0, "round {round}: --rm removed it before the code came");
    }
    // An interactive one: keys typed reach its shell, `exit 0` ends it.
    let shell = LaunchDraft { command: "sh".into(), name: t.name("shell"), ..draft };
    let attached =
        launcher::launch_attached(&api, &spec(&shell, &t), async { None }, &CancellationToken::new(), |_| {})
            .await
            .expect("the launch");
    let (mut read, mut write) = (attached.read, attached.write);
    write.write_all(b"echo typed-$((6*7)); exit 0\r").await.unwrap();
    let mut output = Vec::new();
    tokio::time::timeout(TIMEOUT, read.read_to_end(&mut output)).await.expect("the shell ends").unwrap();
    assert!(String::from_utf8_lossy(&output).contains("typed-42"), "{}", String::from_utf8_lossy(&output));
    assert_eq!(attached.exit.unwrap().exit_code().await.unwrap(), 0);
    assert_eq!(labelled(&api, &t).await, 0);
}
