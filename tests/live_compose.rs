//! Compose projects brought up and down by wharf through the daemon's API, checked
//! with `docker inspect`; and the same projects seen by Debian's `docker-compose`
//! (Compose 1.29). Run by `scripts/test.sh` (see tests/live/mod.rs for why these are
//! `#[ignore]`d). Every project has a name of its own, and the guard removes what
//! carries that project's label, and nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use live::{address, docker};
use tokio_util::sync::CancellationToken;
use wharf::app::compose_task::{ComposeOp, ComposeRun};
use wharf::compose::{Project, ProjectOptions};
use wharf::docker::{DockerApi, connect};
use wharf::model::ComposeProgress;

const TIMEOUT: Duration = Duration::from_secs(10);

/// A project directory and the name the test gives it; dropping it removes the
/// project's containers, networks and volumes (by their compose label).
struct TestProject {
    dir: tempfile::TempDir,
    name: String,
}

impl TestProject {
    fn new(test: &str, compose: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!("wharf16-{test}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
        TestProject { dir, name }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, compose: &str) {
        std::fs::write(self.path().join("compose.yaml"), compose).unwrap();
    }

    fn open(&self, profiles: &[&str]) -> Project {
        let options = ProjectOptions {
            files: vec![],
            project_name: Some(self.name.clone()),
            profiles: profiles.iter().map(|p| p.to_string()).collect(),
        };
        wharf::compose::open(&options, self.path()).expect("the project reads")
    }

    fn label(&self) -> String {
        format!("label=com.docker.compose.project={}", self.name)
    }

    fn containers(&self) -> Vec<String> {
        let out = docker(&["ps", "-a", "--filter", &self.label(), "--format", "{{.Names}}"]);
        let mut names: Vec<String> = out.lines().map(String::from).collect();
        names.sort();
        names
    }

    fn networks(&self) -> Vec<String> {
        docker(&["network", "ls", "--filter", &self.label(), "--format", "{{.Name}}"])
            .lines()
            .map(String::from)
            .collect()
    }

    fn volumes(&self) -> Vec<String> {
        docker(&["volume", "ls", "--filter", &self.label(), "--format", "{{.Name}}"])
            .lines()
            .map(String::from)
            .collect()
    }
}

impl Drop for TestProject {
    fn drop(&mut self) {
        let run = |args: &[&str]| {
            Command::new("docker")
                .args(args)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
                .unwrap_or_default()
        };
        let label = self.label();
        for id in run(&["ps", "-aq", "--filter", &label]).split_whitespace() {
            run(&["rm", "-f", "-v", id]);
        }
        for id in run(&["network", "ls", "-q", "--filter", &label]).split_whitespace() {
            run(&["network", "rm", id]);
        }
        for id in run(&["volume", "ls", "-q", "--filter", &label]).split_whitespace() {
            run(&["volume", "rm", id]);
        }
    }
}

async fn compose(project: &Project, op: ComposeOp) -> Result<Vec<ComposeProgress>, String> {
    let api = connect(&address(), TIMEOUT).await.expect("the daemon answers");
    let cancel = CancellationToken::new();
    let run = ComposeRun::new(&api, project, &cancel).dependency_timeout(Duration::from_secs(60));
    let mut progress = Vec::new();
    let result = run.run(&op, &mut |p| progress.push(p)).await;
    result.map(|()| progress).map_err(|e| e.message)
}

fn inspect(name: &str, format: &str) -> String {
    docker(&["inspect", "--format", format, name])
}

/// Waits (bounded) until `check` holds.
fn wait_until(what: &str, timeout: Duration, check: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + timeout;
    while !check() {
        assert!(std::time::Instant::now() < deadline, "{what} did not happen within {timeout:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn three_services(mode: &str) -> String {
    format!(
        r#"services:
  redis:
    image: wharf-test/redis
    volumes:
      - cache:/data
  migrate:
    image: wharf-test/busybox
    command: ["sh", "-c", "sleep 1; echo migrated"]
    depends_on:
      redis:
        condition: service_started
  app:
    image: wharf-test/busybox
    command: ["sh", "-c", "touch /tmp/ok; exec sleep 3600"]
    environment:
      MODE: {mode}
      GREETING: hello world
    ports:
      - "127.0.0.1::8080"
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ok"]
      interval: 1s
      retries: 3
    depends_on:
      migrate:
        condition: service_completed_successfully
      redis:
        condition: service_started
volumes:
  cache:
"#
    )
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn three_services_up_in_order_recreate_what_changed_and_go_down_keeping_volumes() {
    let t = TestProject::new("three", &three_services("test"));
    let project = t.open(&[]);
    let progress = compose(&project, ComposeOp::Up { services: vec![] }).await.unwrap();
    let n = &t.name;
    let (redis, migrate, app) = (format!("{n}-redis-1"), format!("{n}-migrate-1"), format!("{n}-app-1"));
    assert_eq!(t.containers(), vec![app.clone(), migrate.clone(), redis.clone()]);

    // In order: redis, then migrate, then (after migrate completed) app.
    let started: Vec<&str> =
        progress.iter().filter(|p| p.text.ends_with("created and started")).map(|p| p.service.as_str()).collect();
    assert_eq!(started, vec!["redis", "migrate", "app"], "{progress:#?}");
    assert!(progress.iter().any(|p| p.service == "app" && p.text == "waiting for migrate to complete successfully"));
    let migrate_finished = inspect(&migrate, "{{.State.FinishedAt}}");
    let app_started = inspect(&app, "{{.State.StartedAt}}");
    assert!(migrate_finished < app_started, "migrate finished {migrate_finished}, app started {app_started}");
    assert_eq!(inspect(&migrate, "{{.State.ExitCode}}"), "0");

    // Env, ports, networks with aliases, volumes and labels, as compose writes them.
    let env = inspect(&app, "{{json .Config.Env}}");
    assert!(env.contains("\"MODE=test\"") && env.contains("\"GREETING=hello world\""), "{env}");
    let port = inspect(&app, "{{json .HostConfig.PortBindings}}");
    assert!(port.contains("\"8080/tcp\"") && port.contains("127.0.0.1"), "{port}");
    let published = inspect(&app, "{{(index (index .NetworkSettings.Ports \"8080/tcp\") 0).HostPort}}");
    assert!(published.parse::<u16>().unwrap() > 0, "{published}");
    let default_net = format!("{n}_default");
    assert_eq!(inspect(&app, "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}"), default_net);
    let aliases = inspect(&app, &format!("{{{{json (index .NetworkSettings.Networks \"{default_net}\").Aliases}}}}"));
    assert!(aliases.contains("\"app\""), "{aliases}");
    assert_eq!(inspect(&redis, "{{range .Mounts}}{{.Name}}:{{.Destination}}{{end}}"), format!("{n}_cache:/data"));
    let label = |c: &str, k: &str| inspect(c, &format!("{{{{index .Config.Labels \"com.docker.compose.{k}\"}}}}"));
    assert_eq!(label(&app, "project"), *n);
    assert_eq!(label(&app, "service"), "app");
    assert_eq!(label(&app, "container-number"), "1");
    assert_eq!(label(&app, "oneoff"), "False");
    assert_eq!(label(&app, "config-hash").len(), 64);
    assert_eq!(label(&app, "project.working_dir"), t.path().display().to_string());
    assert_eq!(label(&app, "project.config_files"), t.path().join("compose.yaml").display().to_string());
    assert!(label(&app, "version").starts_with("2."));
    assert_eq!(label(&app, "depends_on"), "migrate:service_completed_successfully:false,redis:service_started:false");
    assert_eq!(t.networks(), vec![default_net.clone()]);
    assert_eq!(
        docker(&["network", "inspect", "--format", "{{index .Labels \"com.docker.compose.network\"}}", &default_net]),
        "default"
    );
    assert_eq!(t.volumes(), vec![format!("{n}_cache")]);
    wait_until("app healthy", Duration::from_secs(30), || inspect(&app, "{{.State.Health.Status}}") == "healthy");

    // Up again with nothing changed recreates nothing; a changed env recreates exactly app.
    let ids = |names: &[&String]| names.iter().map(|c| inspect(c, "{{.Id}}")).collect::<Vec<_>>();
    let before = ids(&[&redis, &migrate, &app]);
    compose(&t.open(&[]), ComposeOp::Up { services: vec![] }).await.unwrap();
    assert_eq!(ids(&[&redis, &migrate, &app]), before, "nothing changed, nothing recreated");
    t.write(&three_services("changed"));
    let progress = compose(&t.open(&[]), ComposeOp::Up { services: vec![] }).await.unwrap();
    let after = ids(&[&redis, &migrate, &app]);
    assert_eq!(after[..2], before[..2], "redis and migrate kept: {progress:#?}");
    assert_ne!(after[2], before[2], "app recreated");
    assert!(inspect(&app, "{{json .Config.Env}}").contains("\"MODE=changed\""));
    assert_eq!(t.containers().len(), 3, "the old app is gone: {:?}", t.containers());

    // Down: containers and networks go, the volume stays.
    compose(&t.open(&[]), ComposeOp::Down { volumes: false }).await.unwrap();
    assert!(t.containers().is_empty(), "{:?}", t.containers());
    assert!(t.networks().is_empty(), "{:?}", t.networks());
    assert_eq!(t.volumes(), vec![format!("{n}_cache")]);
    // Down with volumes removes it too.
    compose(&t.open(&[]), ComposeOp::Down { volumes: true }).await.unwrap();
    assert!(t.volumes().is_empty(), "{:?}", t.volumes());
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn profiles_and_the_project_name_decide_what_runs_and_how_it_is_named() {
    let file = "services:\n  web:\n    image: wharf-test/busybox\n    command: [sleep, '3600']\n  debug:\n    image: wharf-test/busybox\n    command: [sleep, '3600']\n    profiles: [debug]\n";
    let t = TestProject::new("profiles", file);
    compose(&t.open(&[]), ComposeOp::Up { services: vec![] }).await.unwrap();
    assert_eq!(t.containers(), vec![format!("{}-web-1", t.name)], "-p names the containers, not the directory");
    compose(&t.open(&["debug"]), ComposeOp::Up { services: vec![] }).await.unwrap();
    assert_eq!(t.containers(), vec![format!("{}-debug-1", t.name), format!("{}-web-1", t.name)]);
    // Scale: two webs, then one again.
    compose(&t.open(&[]), ComposeOp::Scale { service: "web".into(), replicas: 2 }).await.unwrap();
    assert!(t.containers().contains(&format!("{}-web-2", t.name)), "{:?}", t.containers());
    compose(&t.open(&["debug"]), ComposeOp::Up { services: vec![] }).await.unwrap();
    assert!(!t.containers().contains(&format!("{}-web-2", t.name)), "{:?}", t.containers());
    compose(&t.open(&["debug"]), ComposeOp::Down { volumes: false }).await.unwrap();
    assert!(t.containers().is_empty());
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_failing_dependency_stops_up_with_the_reason() {
    let file = "services:\n  migrate:\n    image: wharf-test/busybox\n    command: [sh, -c, 'exit 3']\n  app:\n    image: wharf-test/busybox\n    command: [sleep, '3600']\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n";
    let t = TestProject::new("failing", file);
    let err = compose(&t.open(&[]), ComposeOp::Up { services: vec![] }).await.unwrap_err();
    assert!(err.contains("migrate") && err.contains("exited with code 3"), "{err}");
    assert_eq!(t.containers(), vec![format!("{}-migrate-1", t.name)], "app was never created");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_recreate_that_cannot_create_leaves_the_old_container_running() {
    let t =
        TestProject::new("keepold", "services:\n  web:\n    image: wharf-test/busybox\n    command: [sleep, '3600']\n");
    compose(&t.open(&[]), ComposeOp::Up { services: vec![] }).await.unwrap();
    let web = format!("{}-web-1", t.name);
    let id = inspect(&web, "{{.Id}}");
    // An image that does not exist and cannot be pulled (no registry here).
    t.write("services:\n  web:\n    image: wharf-test/busybox\n    command: [sleep, '3600']\n    volumes: ['/nonexistent-wharf16:/x:ro']\n    working_dir: relative/not/allowed\n");
    let err = compose(&t.open(&[]), ComposeOp::Up { services: vec![] }).await.unwrap_err();
    assert!(err.contains("old one keeps running") || err.contains("old one was put back"), "{err}");
    assert_eq!(inspect(&web, "{{.Id}}"), id, "the old container keeps its name");
    assert_eq!(inspect(&web, "{{.State.Running}}"), "true");
    assert_eq!(t.containers(), vec![web]);
}

fn compose_v1(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("docker-compose")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("docker-compose is installed (scripts/test.sh installs Debian's docker-compose)");
    assert!(out.status.success(), "docker-compose {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Compose v1 names containers `project_service_1`, v2 `project-service-1`; wharf
/// follows v2 (what `docker compose` is today, and names that are valid host names).
/// Both find a project's containers by the same labels, so each sees the other's.
#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn docker_compose_v1_sees_and_removes_what_wharf_started_and_back() {
    let file = "services:\n  web:\n    image: wharf-test/busybox\n    command: [sleep, '3600']\n  cache:\n    image: wharf-test/redis\n";
    let t = TestProject::new("interop", file);
    compose(&t.open(&[]), ComposeOp::Up { services: vec![] }).await.unwrap();
    let ps = compose_v1(t.path(), &["-p", &t.name, "ps"]);
    assert!(ps.contains(&format!("{}-web-1", t.name)) && ps.contains(&format!("{}-cache-1", t.name)), "{ps}");
    compose_v1(t.path(), &["-p", &t.name, "down"]);
    assert!(t.containers().is_empty(), "{:?}", t.containers());
    assert!(t.networks().is_empty(), "{:?}", t.networks());

    // The other way: docker-compose up -d, wharf lists it and takes it down.
    compose_v1(t.path(), &["-p", &t.name, "up", "-d"]);
    let api = connect(&address(), TIMEOUT).await.unwrap();
    let listed = api.list_project_containers(&t.name).await.unwrap();
    let mut services: Vec<&str> = listed.iter().map(|c| c.service.as_str()).collect();
    services.sort();
    assert_eq!(services, vec!["cache", "web"]);
    assert!(listed.iter().all(|c| c.name.starts_with(&format!("{}_", t.name))), "v1's names: {listed:?}");
    compose(&t.open(&[]), ComposeOp::Down { volumes: false }).await.unwrap();
    assert!(t.containers().is_empty(), "{:?}", t.containers());
    assert!(t.networks().is_empty(), "{:?}", t.networks());
}
