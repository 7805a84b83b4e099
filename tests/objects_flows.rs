//! Screens of the volumes, networks and events panes, the inspect view, the prune
//! confirmation, health and compose grouping, from made-up fixtures (snapshots).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, containers};
use crossterm::event::KeyCode;
use wharf::app::effect::Effect;
use wharf::app::effect::{Change, Read};
use wharf::app::msg::Answer;
use wharf::app::msg::Done;
use wharf::app::msg::Msg;
use wharf::model::{ContainerRow, DaemonEvent, EventKind, Health, NetworkRow, PruneKind, PruneReport, VolumeRow};
use wharf::state::{Modal, Pane};

fn volumes() -> Vec<VolumeRow> {
    vec![
        VolumeRow {
            name: "pgdata".into(),
            driver: "local".into(),
            mountpoint: "/var/lib/docker/volumes/pgdata/_data".into(),
            size: Some(48_000_000),
            used_by: vec![],
            created: Some(common::fixture_now() - 7200),
        },
        VolumeRow {
            name: "cache".into(),
            driver: "local".into(),
            mountpoint: "/var/lib/docker/volumes/cache/_data".into(),
            size: None,
            used_by: vec![],
            created: None,
        },
    ]
}

fn networks() -> Vec<NetworkRow> {
    let n = |id: &str, name: &str, driver: &str, subnet: Option<&str>| NetworkRow {
        id: id.into(),
        name: name.into(),
        driver: driver.into(),
        scope: "local".into(),
        subnets: subnet.into_iter().map(String::from).collect(),
        containers: vec![],
        internal: false,
    };
    vec![
        n("n1", "bridge", "bridge", Some("172.17.0.0/16")),
        n("n2", "host", "host", None),
        n("n3", "app", "bridge", Some("172.20.0.0/16")),
    ]
}

/// The fixture containers, with volumes, networks, compose labels and health.
fn rich_containers() -> Vec<ContainerRow> {
    let mut rows = containers();
    for c in &mut rows {
        match c.name.as_str() {
            "redis" => {
                c.project = Some("shop".into());
                c.service = Some("cache".into());
                c.networks = vec!["app".into()];
                c.health = Some(Health::Healthy);
            }
            "mysql" => {
                c.project = Some("shop".into());
                c.service = Some("db".into());
                c.volumes = vec!["pgdata".into()];
                c.networks = vec!["app".into()];
                c.health = Some(Health::Unhealthy);
            }
            "web" => {
                c.project = Some("shop".into());
                c.service = Some("web".into());
                c.networks = vec!["app".into(), "bridge".into()];
            }
            _ => {}
        }
    }
    rows
}

/// Connected, with the richer rows in place of the fixture list.
fn connected(h: &mut Harness) {
    h.connect_with_fixtures();
    let mut rows = rich_containers();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    h.state.containers.list.set_items(rows);
}

fn list_volumes_and_networks(h: &mut Harness) {
    let effects = h.char('6');
    let Some(Effect::Read(Read::Volumes { request })) = effects.first().cloned() else { panic!("{effects:?}") };
    h.send(Msg::Answer(Answer::Volumes { request, result: Ok(volumes()) }));
    let effects = h.char('7');
    let Some(Effect::Read(Read::Networks { request })) = effects.first().cloned() else { panic!("{effects:?}") };
    h.send(Msg::Answer(Answer::Networks { request, result: Ok(networks()) }));
}

#[test]
fn volumes_and_networks_panes() {
    let mut h = Harness::new(120, 30);
    connected(&mut h);
    h.select_container("web");
    list_volumes_and_networks(&mut h);
    insta::assert_snapshot!("networks_pane", h.render());
    h.char('6');
    insta::assert_snapshot!("volumes_pane", h.render());
    // Users come from the container list; a volume in use is not removed.
    let pgdata = h.state.objects.volumes.items().iter().find(|v| v.name == "pgdata").unwrap().clone();
    assert_eq!(pgdata.used_by, ["mysql"]);
    h.char('g');
    while h.state.objects.volumes.selected_item().map(|v| v.name.as_str()) != Some("pgdata") {
        h.char('j');
    }
    assert!(h.char('d').is_empty());
    assert!(h.render().contains("cannot remove volume pgdata: used by mysql"));
}

#[test]
fn the_events_timeline_and_the_inspect_view() {
    let mut h = Harness::new(110, 30);
    connected(&mut h);
    let id = h.state.containers.list.items().iter().find(|c| c.name == "redis").unwrap().id.clone();
    let now = common::fixture_now();
    for (i, (action, code)) in
        [("create", None), ("start", None), ("health_status: healthy", None), ("die", Some(137)), ("oom", None)]
            .into_iter()
            .enumerate()
    {
        let event = DaemonEvent {
            kind: EventKind::Container,
            action: action.into(),
            id: id.clone(),
            name: "redis".into(),
            time: now + i as i64,
            exit_code: code,
            container: None,
        };
        let effects = h.send(Msg::DaemonEvent(event));
        h.answer(effects);
    }
    // A network event about a container names both.
    let connect = DaemonEvent {
        kind: EventKind::Network,
        action: "connect".into(),
        id: "net1".into(),
        name: "backend".into(),
        time: now + 5,
        container: Some(id.clone()),
        ..Default::default()
    };
    h.send(Msg::DaemonEvent(connect));
    // A healthcheck's exec is no news.
    let exec =
        DaemonEvent { kind: EventKind::Container, action: "exec_start: sh -c true".into(), id, ..Default::default() };
    assert!(h.send(Msg::DaemonEvent(exec)).is_empty());
    h.char('8');
    insta::assert_snapshot!("events_pane", h.render());
    assert!(h.render().contains("backend ↔ redis"), "{}", h.render());

    // Inspect the selected container: the view opens at once, the JSON fills it.
    h.char('1');
    h.select_container("redis");
    let effects = h.char('I');
    let Some(Effect::Read(Read::Object { title, .. })) =
        effects.iter().find(|e| matches!(e, Effect::Read(Read::Object { .. }))).cloned()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(title, "container redis");
    let json = br#"{"Id":"abc","State":{"Status":"running","ExitCode":0,"Health":{"Status":"healthy"}},"Name":"/redis\u001b]0;x\u0007"}"#;
    let lines = wharf::docker::convert::pretty_json(json).unwrap();
    h.send(Msg::Answer(Answer::Inspected { title, result: Ok(lines) }));
    h.char('/');
    for c in "health".chars() {
        h.char(c);
    }
    h.key(KeyCode::Enter);
    insta::assert_snapshot!("inspect_view", h.render());
    // Folded to the top-level keys, the cursor on the block that held the match.
    h.char('z');
    insta::assert_snapshot!("inspect_view_folded", h.render());
    assert!(h.render().contains("\"State\": { … }"), "{}", h.render());
    // Enter opens that block again; the search goes on from there.
    h.key(KeyCode::Enter);
    assert!(h.render().contains("\"Status\": \"running\""));
    h.key(KeyCode::Esc);
    assert!(h.state.screen.modal.is_none());
}

#[test]
fn prune_says_what_goes_and_what_it_reclaimed() {
    let mut h = Harness::new(100, 30);
    connected(&mut h);
    h.char('X');
    assert!(matches!(h.state.screen.modal, Some(Modal::PruneMenu { .. })));
    insta::assert_snapshot!("prune_menu", h.render());
    h.char('1');
    insta::assert_snapshot!("prune_confirm", h.render());
    let effects = h.char('y');
    assert_eq!(effects, vec![Effect::Change(Change::Prune { kind: PruneKind::Containers })]);
    let effects = h.send(Msg::Done(Done::Prune {
        kind: PruneKind::Containers,
        result: Ok(PruneReport { deleted: vec!["a".into(), "b".into()], reclaimed_bytes: 3_500_000 }),
    }));
    assert!(effects.iter().any(|e| matches!(e, Effect::Read(Read::Containers { .. }))), "{effects:?}");
    assert!(h.render().contains("pruned 2 stopped containers, reclaimed 3.5MB"), "{}", h.render());
}

#[test]
fn health_and_compose_projects_in_the_list() {
    let mut h = Harness::new(130, 24);
    connected(&mut h);
    h.char('c');
    assert!(h.state.containers.group_projects);
    insta::assert_snapshot!("compose_grouped", h.render());
    h.select_container("mysql");
    h.char('h');
    let shown = h.state.containers.list.visible().filter(|c| c.project.as_deref() == Some("shop")).count();
    assert_eq!(shown, 1);
    insta::assert_snapshot!("compose_folded", h.render());
    // The folded row acts for the whole project.
    let effects = h.char('r');
    let restarted = effects.iter().filter(|e| matches!(e, Effect::Change(Change::Container { .. }))).count();
    assert_eq!(restarted, 3, "{effects:?}");
    assert_eq!(h.state.screen.focus, Pane::Containers);
}

/// A list read before is read again after a reconnect (events sent while the daemon
/// was away are lost); a folded project keeps a row through the running-only view.
#[test]
fn lists_are_read_again_after_a_reconnect_and_folds_survive_filters() {
    let mut h = Harness::new(120, 30);
    connected(&mut h);
    list_volumes_and_networks(&mut h);
    let error = wharf::model::DaemonError::new(wharf::model::DaemonErrorKind::Unreachable, "lost the connection");
    h.send(Msg::ConnectionDown { error, retry_in: std::time::Duration::from_secs(1) });
    let effects = h.send(Msg::Connected(common::daemon_info()));
    assert!(effects.iter().any(|e| matches!(e, Effect::Read(Read::Volumes { .. }))), "{effects:?}");
    assert!(effects.iter().any(|e| matches!(e, Effect::Read(Read::Networks { .. }))), "{effects:?}");

    // Fold "shop" on a stopped member, then show running containers only: the project
    // is still there, as one of its running members.
    let mut h = Harness::new(120, 30);
    connected(&mut h);
    h.char('c');
    h.select_container("web");
    h.char('h');
    h.char('a');
    let shop: Vec<&str> = h
        .state
        .containers
        .list
        .visible()
        .filter(|c| c.project.as_deref() == Some("shop"))
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(shop.len(), 1, "{shop:?}");
    assert_ne!(shop[0], "web", "web is paused, not running");
}

#[test]
fn the_processes_of_a_container_are_read_again_while_open() {
    use wharf::model::ProcessTable;
    let mut h = Harness::new(110, 20);
    connected(&mut h);
    // Not running: refused up front, nothing sent.
    h.select_container("finished");
    assert!(h.char('t').is_empty());
    let flash = h.state.screen.flash.clone().unwrap();
    assert!(flash.is_error && flash.text == "cannot list the processes of finished: it is not running", "{flash:?}");

    h.select_container("redis");
    let effects = h.char('t');
    let Some(Effect::Read(Read::Processes { id, title })) = effects.first().cloned() else { panic!("{effects:?}") };
    assert_eq!(title, "processes redis");
    let redis = h.state.selected_container().unwrap().id.clone();
    assert_eq!(id, redis);
    let table = |cmd: &str| ProcessTable {
        titles: vec!["UID".into(), "PID".into(), "PPID".into(), "CMD".into()],
        rows: vec![
            vec!["999".into(), "4211".into(), "4190".into(), "redis-server *:6379".into()],
            vec!["root".into(), "4302".into(), "4190".into(), cmd.into()],
        ],
    };
    // While the first reading is on its way, the clock asks nothing more.
    let now = h.state.screen.now;
    let even = now + (now % 2);
    assert!(h.send(Msg::Tick { now: even }).iter().all(|e| !matches!(e, Effect::Read(Read::Processes { .. }))));
    h.send(Msg::Answer(Answer::Inspected { title: title.clone(), result: Ok(table("sh -c backup").lines()) }));
    insta::assert_snapshot!("processes_view", h.render());

    // Every 2 s, one more reading, which replaces the table in place.
    assert!(
        h.send(Msg::Tick { now: even + 1 }).iter().all(|e| !matches!(e, Effect::Read(Read::Processes { .. }))),
        "not every second"
    );
    let effects = h.send(Msg::Tick { now: even + 2 });
    assert!(matches!(effects.as_slice(), [Effect::Read(Read::Processes { id, .. })] if *id == redis), "{effects:?}");
    assert!(
        h.send(Msg::Tick { now: even + 4 }).iter().all(|e| !matches!(e, Effect::Read(Read::Processes { .. }))),
        "one at a time"
    );
    h.send(Msg::Answer(Answer::Inspected { title, result: Ok(table("tar czf /backup.tgz /data").lines()) }));
    assert!(h.render().contains("tar czf /backup.tgz /data"));
    assert!(!h.render().contains("sh -c backup"));

    // Closed: nothing more is asked.
    h.key(KeyCode::Esc);
    assert!(h.state.screen.modal.is_none());
    assert!(h.send(Msg::Tick { now: even + 6 }).iter().all(|e| !matches!(e, Effect::Read(Read::Processes { .. }))));
}

#[test]
fn secrets_in_the_inspect_view_are_masked_as_in_the_env_pane() {
    let mut h = Harness::new(110, 30);
    connected(&mut h);
    h.select_container("web");
    let effects = h.char('I');
    let Some(Effect::Read(Read::Object { title, .. })) =
        effects.iter().find(|e| matches!(e, Effect::Read(Read::Object { .. }))).cloned()
    else {
        panic!("{effects:?}")
    };
    let json = br#"{"Config":{"Env":["DB_PASSWORD=hunter2","PATH=/usr/bin","API_TOKEN=abc=def"],"Labels":{"x":"DB_PASSWORD=label"}}}"#;
    let lines = wharf::docker::convert::pretty_json(json).unwrap();
    h.send(Msg::Answer(Answer::Inspected { title, result: Ok(lines) }));
    let screen = h.render();
    assert!(screen.contains("\"DB_PASSWORD=••••••••\","), "{screen}");
    assert!(screen.contains("\"API_TOKEN=••••••••\""), "{screen}");
    assert!(screen.contains("\"PATH=/usr/bin\","), "the rest as it is: {screen}");
    assert!(!screen.contains("hunter2") && !screen.contains("abc=def"), "{screen}");
    // Nor can a search find a masked value by guessing it.
    h.char('/');
    h.type_text("hunter2");
    h.key(KeyCode::Enter);
    let flash = h.state.screen.flash.clone().unwrap();
    assert!(flash.is_error && flash.text.contains("is not in it"), "{flash:?}");
    // `v` shows them, as in the env pane.
    h.char('v');
    assert!(h.render().contains("DB_PASSWORD=hunter2"));
    assert!(matches!(h.state.screen.modal, Some(Modal::Inspect(_))), "v keeps the view open");
}

/// Item 21: the events timeline shows local time, as `docker events` does, in the
/// zone the runner's side read at start (here two hours east of UTC).
#[test]
fn the_events_timeline_shows_local_time() {
    let mut h = Harness::new(110, 30);
    connected(&mut h);
    h.state.screen.zone = wharf::local_time::Zone::fixed(2 * 3600);
    // 2024-05-01T10:00:07Z
    let event = DaemonEvent {
        kind: EventKind::Volume,
        action: "create".into(),
        id: "app-vol2".into(),
        name: "app-vol2".into(),
        time: 1_714_557_607,
        ..Default::default()
    };
    h.send(Msg::DaemonEvent(event));
    h.char('8');
    let screen = h.render();
    assert!(screen.contains("12:00:07"), "local time: {screen}");
    assert!(!screen.contains("10:00:07"), "not UTC: {screen}");
}

/// A volume's event names it by its ID (its name): shown whole, never cut into the
/// name of another volume (`app-vol2` as `app-vol`); a name too long for the column is
/// cut with a visible `…`.
#[test]
fn the_events_timeline_never_cuts_a_name_into_another_name() {
    let mut h = Harness::new(80, 24);
    connected(&mut h);
    let now = common::fixture_now();
    let long = "wharf-app-volume-with-a-rather-long-name-that-goes-on-2";
    for (i, id) in ["wharf-app-vol", "wharf-app-vol2", long].into_iter().enumerate() {
        let event = DaemonEvent {
            kind: EventKind::Volume,
            action: "create".into(),
            id: id.into(),
            time: now + i as i64,
            ..Default::default()
        };
        h.send(Msg::DaemonEvent(event));
    }
    h.char('8');
    let screen = h.render();
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("volume ")).collect();
    assert_eq!(rows.len(), 3, "{screen}");
    assert!(rows[1].contains("wharf-app-vol2 "), "{screen}");
    assert!(rows[2].contains("wharf-app-vol "), "{screen}");
    assert!(rows[0].contains('…') && !rows[0].contains(long), "cut visibly:\n{screen}");
    insta::assert_snapshot!("events_volume_names_80x24", screen);
}

/// Compose projects keep their names at 120 columns (they were cut to 3 characters
/// among long names, images and ports), and a failing healthcheck's output is read
/// whole in the ports pane, not cut at the border's 40 columns.
#[test]
fn project_names_and_health_output_are_not_cut_at_120_columns() {
    let mut h = Harness::new(120, 40);
    h.connect_with_fixtures();
    let mut rows = rich_containers();
    for c in &mut rows {
        if c.project.is_some() {
            c.project = Some("storefront".into());
        }
        c.name = format!("{}-with-a-long-generated-name-{}", c.name, "x".repeat(10));
        c.image = format!("registry.example.com/team/{}:2024-01-01", c.image);
    }
    h.state.containers.list.set_items(rows);
    h.char('c');
    let screen = h.render();
    assert!(screen.contains("▾ storefront"), "{screen}");

    let mysql = h.state.containers.list.items().iter().find(|c| c.name.starts_with("mysql")).unwrap().id.clone();
    let mut details = common::inspect("redis");
    let output = "mysqladmin: connect to server at 'localhost' failed: Access denied for user 'root'@'localhost' (using password: YES)";
    details.health = Some(wharf::model::HealthCheck {
        status: "unhealthy".into(),
        failing_streak: 4,
        last_exit_code: Some(1),
        last_output: output.into(),
    });
    h.state.containers.details.by_id.insert(mysql.clone(), details);
    let position = h.state.containers.list.visible().position(|c| c.id == mysql).unwrap();
    h.char('g');
    for _ in 0..position {
        h.char('j');
    }
    let screen = h.render();
    // The ports pane holds 4 rows here: the output's end (where a check says why it
    // failed) is read in rows of its own, wrapped, not cut at the border's width.
    let joined: String = screen.lines().map(|l| l.split('│').nth(1).unwrap_or_default()).collect();
    assert!(joined.contains("user 'root'@'localhost' (using password: YES)"), "the output is cut:\n{screen}");
    assert!(screen.contains("health: unhealthy (4 failing)"), "{screen}");
    insta::assert_snapshot!("project_and_health_120x40", screen);
}
