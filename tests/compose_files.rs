//! Reading compose files: real-world shapes written out as fixtures in
//! tests/fixtures/compose/, with interpolation, profiles, overrides, extends, and
//! every kind of refusal with its line and column.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use wharf::compose::plan::{self, Step};
use wharf::compose::{ComposeError, Condition, MountKind, Project, ProjectOptions, discover, load};
use wharf::model::{ContainerState, ProjectContainer};

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compose").join(name)
}

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn open_with(dir: &str, options: &ProjectOptions, env: &[(&str, &str)]) -> Result<Project, ComposeError> {
    load(&discover(options, &fixture_dir(dir), &vars(env))?)
}

fn open(dir: &str) -> Result<Project, ComposeError> {
    open_with(dir, &ProjectOptions::default(), &[])
}

#[test]
fn wordpress_reads_whole() {
    let p = open("wordpress").unwrap();
    assert_eq!(p.name, "wordpress");
    let db = p.service("db").unwrap();
    assert_eq!(db.command.as_deref(), Some(&["--default-authentication-plugin=mysql_native_password".to_string()][..]));
    assert!(db.environment.contains(&"MYSQL_DATABASE=wordpress".to_string()));
    assert_eq!(db.expose, vec!["3306/tcp", "33060/tcp"]);
    assert_eq!(db.restart, "always");
    assert_eq!(db.volumes[0].kind, MountKind::Volume);
    let wp = p.service("wordpress").unwrap();
    assert_eq!((wp.ports[0].host_port.as_str(), wp.ports[0].container_port), ("80", 80));
    assert_eq!(p.volumes["db_data"].name, "wordpress_db_data");
    assert_eq!(p.networks["default"].name, "wordpress_default");
    let spec = plan::container_spec(&p, db, 1);
    assert_eq!(spec.name, "wordpress-db-1");
    assert_eq!(spec.binds, vec!["wordpress_db_data:/var/lib/mysql"]);
    assert_eq!(spec.networks, vec![("wordpress_default".to_string(), vec!["db".to_string()])]);
    assert_eq!(spec.labels["com.docker.compose.project"], "wordpress");
    assert_eq!(spec.labels["com.docker.compose.oneoff"], "False");
    assert_eq!(spec.labels["com.docker.compose.container-number"], "1");
    assert_eq!(spec.labels["com.docker.compose.config-hash"].len(), 64);
}

#[test]
fn the_voting_app_with_anchors_conditions_and_networks() {
    let p = open("voting").unwrap();
    assert_eq!(p.name, "voting");
    let vote = p.service("vote").unwrap();
    assert_eq!(vote.depends_on["redis"], Condition::Healthy);
    let hc = vote.healthcheck.as_ref().unwrap();
    assert_eq!(hc.test, vec!["CMD", "curl", "-f", "http://localhost"]);
    assert_eq!(hc.retries, Some(5));
    assert_eq!(hc.interval, Some(std::time::Duration::from_secs(5)));
    assert_eq!(hc.start_period, Some(std::time::Duration::from_secs(10)));
    let result = p.service("result").unwrap();
    assert_eq!(result.entrypoint.as_ref().unwrap(), &["nodemon", "--inspect=0.0.0.0", "server.js"]);
    assert_eq!(result.ports[1].host_ip, "127.0.0.1");
    assert_eq!(result.ports[1].host_port, "9229");
    let redis = p.service("redis").unwrap();
    assert_eq!(redis.healthcheck.as_ref().unwrap().test, vec!["CMD-SHELL", "/healthchecks/redis.sh"]);
    assert_eq!(redis.networks["back-tier"], vec!["cache"]);
    let bind = &redis.volumes[0];
    assert_eq!(bind.kind, MountKind::Bind);
    assert_eq!(bind.source.as_deref(), Some(fixture_dir("voting").join("healthchecks").to_str().unwrap()));
    let db = p.service("db").unwrap();
    assert!(db.volumes[1].read_only);
    // seed is in a profile nobody asked for: listed, not started.
    assert!(!p.service("seed").unwrap().active);
    let order = plan::start_order(&p, &[]).unwrap();
    let at = |s: &str| order.iter().position(|o| o == s).unwrap();
    assert!(at("redis") < at("vote") && at("db") < at("worker") && at("redis") < at("worker"));
    assert!(!order.contains(&"seed".to_string()));
    let spec = plan::container_spec(&p, p.service("redis").unwrap(), 1);
    assert_eq!(spec.networks, vec![("voting_back-tier".to_string(), vec!["redis".to_string(), "cache".to_string()])]);
    assert!(!p.networks.contains_key("default"), "no service uses the default network");
}

#[test]
fn the_spec_example_is_refused_at_its_first_unsupported_key() {
    let err = open("spec-example").unwrap_err();
    // The top level is checked first: its `configs` section.
    assert_eq!(err.line_column(), Some((28, 1)), "{err}");
    assert!(err.to_string().contains("configs is not supported by wharf yet"), "{err}");
    assert!(err.to_string().contains("spec-example/compose.yaml:28:1"), "{err}");
    // Without the top-level sections, the service's own `configs` is named.
    let text = std::fs::read_to_string(fixture_dir("spec-example").join("compose.yaml")).unwrap();
    let services_only = text.split("\nvolumes:").next().unwrap().to_string()
        + "\nvolumes:\n  db-data:\nnetworks:\n  front-tier: {}\n  back-tier: {}\n";
    let err = project_from(&services_only).unwrap_err();
    assert_eq!(err.line_column(), Some((10, 5)), "{err}");
    assert!(err.message.contains("services.frontend.configs is not supported by wharf yet"), "{err}");
}

#[test]
fn build_cap_add_yaml_errors_and_typos_say_where() {
    let build = open("unsupported-build").unwrap_err();
    assert_eq!(build.line_column(), Some((5, 7)));
    assert!(build.message.contains("services.api.build.ssh is not supported by wharf's builds yet"), "{build}");
    let cap = open("unsupported-cap").unwrap_err();
    assert_eq!(cap.line_column(), Some((4, 5)));
    assert!(cap.message.contains("services.vpn.cap_add is not supported by wharf yet"), "{cap}");
    let yaml = open("bad-yaml").unwrap_err();
    assert!(yaml.message.starts_with("YAML error"), "{yaml}");
    assert_eq!(yaml.line_column().map(|(l, _)| l), Some(6), "{yaml}");
}

fn project_from(text: &str) -> Result<Project, ComposeError> {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("proj");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(project.join("compose.yaml"), text).unwrap();
    open_with_path(&project)
}

fn open_with_path(dir: &Path) -> Result<Project, ComposeError> {
    load(&discover(&ProjectOptions::default(), dir, &BTreeMap::new())?)
}

#[test]
fn every_unsupported_shape_is_named_with_its_place() {
    let cases = [
        ("services:\n  a:\n    image: x\n    imagee: y\n", (4, 5), "services.a.imagee is not a key wharf knows"),
        ("services:\n  a:\n    image: x\n    deploy:\n      resources: {}\n", (5, 7), "services.a.deploy.resources"),
        ("services:\n  a:\n    image: x\n    volumes:\n      - type: tmpfs\n        target: /t\n", (5, 9), "tmpfs"),
        ("services:\n  a:\n    image: x\n    ports:\n      - target: 80\n        bogus: 1\n", (6, 9), "ports.bogus"),
        ("services:\n  a:\n    image: x\n    healthcheck:\n      start_interval: 1s\n", (5, 7), "start_interval"),
        (
            "services:\n  a:\n    image: x\n    depends_on:\n      b:\n        restart: true\n  b:\n    image: y\n",
            (6, 9),
            "depends_on.b.restart",
        ),
        ("services:\n  a:\n    image: x\nnetworks:\n  n:\n    driver_opts: {}\n", (6, 5), "networks.n.driver_opts"),
        ("services:\n  a:\n    image: x\nvolumes:\n  v:\n    driver_opts: {}\n", (6, 5), "volumes.v.driver_opts"),
        ("services:\n  a:\n    image: x\nsecrets:\n  s: {}\n", (4, 1), "secrets is not supported by wharf yet"),
        ("include:\n  - other.yaml\nservices: {}\n", (1, 1), "include is not supported"),
        (
            "services:\n  a:\n    image: x\n    network_mode: host\n",
            (4, 5),
            "network_mode is not supported by wharf yet",
        ),
        ("services:\n  a:\n    image: x\n    ports: ['99999:80']\n", (4, 13), "ports"),
        ("services:\n  a:\n    image: x\n    volumes: ['data:/d']\n", (4, 15), "not declared"),
        ("services:\n  a:\n    image: x\n    depends_on: [ghost]\n", (2, 3), "ghost"),
        ("services:\n  a:\n    image: x\n    networks: [ghost]\n", (2, 3), "network \"ghost\""),
        ("services:\n  a:\n    image: x\n    restart: sometimes\n", (4, 14), "restart"),
        ("services:\n  a:\n    image: x\n    tty: maybe\n", (4, 10), "true or false"),
        ("services:\n  a:\n    command: x\n", (2, 3), "has neither an image nor a build"),
        ("services:\n  a:\n    image: ${NOPE:?needs NOPE}\n", (3, 12), "needs NOPE"),
        ("services:\n  a:\n    image: x\n    healthcheck:\n      interval: 10\n", (5, 17), "duration"),
        (
            "services:\n  a:\n    image: x\n    depends_on:\n      b: {condition: service_ready}\n  b:\n    image: y\n",
            (5, 22),
            "service_ready",
        ),
    ];
    for (text, (line, column), needle) in cases {
        let err = project_from(text).expect_err(text);
        assert_eq!(err.line_column(), Some((line, column)), "{text}\n{err}");
        assert!(err.to_string().contains(needle), "{text}\n{err}");
    }
}

#[test]
fn cycles_in_depends_on_are_named() {
    let err =
        project_from("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: y\n    depends_on: [a]\n")
            .unwrap_err();
    assert!(err.message.contains("a -> b -> a"), "{err}");
}

#[test]
fn the_override_file_beside_the_compose_file_is_read_too() {
    let p = open("override").unwrap();
    let web = p.service("web").unwrap();
    assert_eq!(web.image, "nginx:1.25-alpine");
    assert_eq!(web.command.as_ref().unwrap(), &["nginx", "-g", "daemon off;"]);
    assert_eq!(web.ports.len(), 2);
    assert!(web.environment.contains(&"MODE=development".to_string()));
    assert!(web.environment.contains(&"LOG=info".to_string()));
    // The same target: the override's mount wins.
    assert_eq!(web.volumes.len(), 1);
    assert!(web.volumes[0].source.as_ref().unwrap().ends_with("dev-html"));
    assert!(!web.volumes[0].read_only);
    assert_eq!(p.config_files.len(), 2);
}

#[test]
fn files_named_with_f_override_in_order() {
    let options = ProjectOptions {
        files: vec!["compose.yaml".into(), "compose.prod.yaml".into()],
        project_name: Some("prod".into()),
        profiles: vec![],
    };
    let p = open_with("override", &options, &[]).unwrap();
    assert_eq!(p.name, "prod");
    let web = p.service("web").unwrap();
    assert_eq!(web.image, "nginx:1.25", "the override file is not read when -f names files");
    assert_eq!(web.command.as_ref().unwrap(), &["nginx", "-g", "daemon off;", "-c", "/etc/nginx/prod.conf"]);
    assert_eq!(web.replicas, 3);
    assert_eq!(plan::container_spec(&p, web, 3).name, "prod-web-3");
    // COMPOSE_FILE and COMPOSE_PROJECT_NAME do the same.
    let env = [("COMPOSE_FILE", "compose.yaml:compose.prod.yaml"), ("COMPOSE_PROJECT_NAME", "fromenv")];
    let p = open_with("override", &ProjectOptions::default(), &env).unwrap();
    assert_eq!((p.name.as_str(), p.service("web").unwrap().replicas), ("fromenv", 3));
    // -p wins over the environment.
    let p = open_with("override", &ProjectOptions { project_name: Some("flag".into()), ..Default::default() }, &env)
        .unwrap();
    assert_eq!(p.name, "flag");
    let bad =
        open_with("override", &ProjectOptions { project_name: Some("Bad Name".into()), ..Default::default() }, &[]);
    assert!(bad.unwrap_err().message.contains("not valid"));
}

#[test]
fn interpolation_with_dotenv_and_the_shell() {
    let p = open_with("interpolation", &ProjectOptions::default(), &[("SHELL_VAR", "from-shell"), ("TAG", "1.37")])
        .unwrap();
    let app = p.service("app").unwrap();
    // The shell wins over .env.
    assert_eq!(app.image, "docker.io/library/busybox:1.37");
    assert_eq!(app.command.as_ref().unwrap()[2], "echo $HOME and ${NOT_INTERPOLATED}");
    let env = &app.environment;
    for want in ["PORT=8080", "GREETING=hello", "EMPTY_DEFAULT=fallback", "FROM_SHELL=from-shell"] {
        assert!(env.contains(&want.to_string()), "{want} in {env:?}");
    }
    assert!(!env.iter().any(|e| e.starts_with("PASSTHROUGH")), "unset bare variables are left out: {env:?}");
    assert_eq!(app.ports[0].host_port, "8080");
    assert_eq!(app.replicas, 2);
    assert!(p.service("db").unwrap().environment.contains(&"POSTGRES_PASSWORD=s3cret".to_string()));
    // A bare variable that is set is passed on.
    let p = open_with("interpolation", &ProjectOptions::default(), &[("PASSTHROUGH", "yes")]).unwrap();
    assert!(p.service("app").unwrap().environment.contains(&"PASSTHROUGH=yes".to_string()));
    assert!(p.unset_variables.contains(&"SHELL_VAR".to_string()));
}

#[test]
fn a_required_variable_stops_the_project_with_its_message() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("req");
    std::fs::create_dir(&project).unwrap();
    std::fs::copy(fixture_dir("interpolation").join("compose.yaml"), project.join("compose.yaml")).unwrap();
    let err = open_with_path(&project).unwrap_err();
    assert!(err.message.contains("set DB_PASSWORD in .env"), "{err}");
    assert_eq!(err.line_column(), Some((18, 26)), "{err}");
}

#[test]
fn profiles_from_the_flag_or_the_environment() {
    let p = open("profiles").unwrap();
    let active: Vec<&str> = p.active_services().map(|s| s.name.as_str()).collect();
    assert_eq!(active, vec!["app"]);
    assert_eq!(p.services.len(), 4, "every service of the file is listed");
    let debug = ProjectOptions { profiles: vec!["debug".into()], ..Default::default() };
    let p = open_with("profiles", &debug, &[]).unwrap();
    let active: Vec<&str> = p.active_services().map(|s| s.name.as_str()).collect();
    assert_eq!(active, vec!["admin", "app", "debug"]);
    let p = open_with("profiles", &ProjectOptions::default(), &[("COMPOSE_PROFILES", "tools")]).unwrap();
    let active: Vec<&str> = p.active_services().map(|s| s.name.as_str()).collect();
    assert_eq!(active, vec!["admin", "app"]);
    // A service whose dependency's profile is off.
    let ops = ProjectOptions { profiles: vec!["ops".into()], ..Default::default() };
    let err = open_with("profiles", &ops, &[]).unwrap_err();
    assert!(err.message.contains("--profile tools"), "{err}");
}

#[test]
fn extends_and_merge_keys() {
    let p = open("extends").unwrap();
    let worker = p.service("worker").unwrap();
    assert_eq!(worker.image, "busybox");
    assert_eq!(worker.restart, "unless-stopped");
    assert_eq!(worker.labels["team"], "platform");
    assert!(worker.environment.contains(&"LEVEL=worker".to_string()));
    assert!(worker.environment.contains(&"SHARED=yes".to_string()));
    let cron = p.service("cron").unwrap();
    assert_eq!(cron.command.as_ref().unwrap(), &["sleep", "1000"]);
    assert_eq!(cron.replicas, 2);
    assert_eq!(cron.healthcheck.as_ref().unwrap().test, vec!["CMD", "true"]);
}

#[test]
fn files_are_found_in_parent_directories_and_named_after_theirs() {
    let p =
        load(&discover(&ProjectOptions::default(), &fixture_dir("nested/deeper"), &BTreeMap::new()).unwrap()).unwrap();
    assert_eq!(p.name, "nested");
    assert_eq!(p.working_dir, fixture_dir("nested"));
    let dir = tempfile::tempdir().unwrap();
    let err = discover(&ProjectOptions::default(), dir.path(), &BTreeMap::new()).unwrap_err();
    assert!(err.message.contains("no compose file"), "{err}");
}

#[test]
fn the_top_level_name_and_the_three_tier_project() {
    let p = open("three-tier").unwrap();
    assert_eq!(p.name, "shop");
    assert_eq!(plan::start_order(&p, &[]).unwrap(), vec!["redis", "migrate", "app"]);
    assert_eq!(plan::start_order(&p, &["migrate".into()]).unwrap(), vec!["redis", "migrate"]);
    let app = p.service("app").unwrap();
    let spec = plan::container_spec(&p, app, 1);
    assert_eq!(
        spec.labels["com.docker.compose.depends_on"],
        "migrate:service_completed_successfully:false,redis:service_started:false"
    );
    assert_eq!(spec.healthcheck.as_ref().unwrap().interval_ns, 1_000_000_000);
    assert_eq!(spec.ports[0].host_ip, "127.0.0.1");
}

fn container(service: &str, number: u32, hash: &str) -> ProjectContainer {
    ProjectContainer {
        id: format!("{service}{number}"),
        name: format!("shop-{service}-{number}"),
        service: service.into(),
        number,
        config_hash: hash.into(),
        oneoff: false,
        state: ContainerState::Running,
        health: None,
        image: "x".into(),
        status: "Up".into(),
    }
}

#[test]
fn the_config_hash_decides_what_is_recreated() {
    let p = open("three-tier").unwrap();
    let app = p.service("app").unwrap();
    let hash = wharf::compose::hash::config_hash(&p, app);
    assert_eq!(hash, wharf::compose::hash::config_hash(&p, app), "deterministic");
    let mut changed = app.clone();
    changed.environment = vec!["MODE=prod".into()];
    assert_ne!(hash, wharf::compose::hash::config_hash(&p, &changed));
    let mut scaled = app.clone();
    scaled.replicas = 3;
    assert_eq!(hash, wharf::compose::hash::config_hash(&p, &scaled), "scaling does not recreate");

    let existing = vec![container("app", 1, &hash), container("app", 2, "old"), container("redis", 1, "x")];
    assert_eq!(
        plan::service_steps(&p, app, &existing, false),
        vec![
            Step::Keep { id: "app1".into(), running: true },
            Step::Remove { id: "app2".into(), name: "shop-app-2".into() },
        ]
    );
    assert_eq!(
        plan::service_steps(&p, &scaled, &existing, false),
        vec![
            Step::Keep { id: "app1".into(), running: true },
            Step::Recreate { id: "app2".into(), name: "shop-app-2".into(), number: 2 },
            Step::Create { number: 3 },
        ]
    );
    assert_eq!(plan::drift(&p, app, &existing), plan::Drift::Changed);
    assert_eq!(plan::drift(&p, app, &existing[..1]), plan::Drift::Current);
    assert_eq!(plan::drift(&p, app, &[]), plan::Drift::NotCreated);
}
