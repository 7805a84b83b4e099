//! The swarm panes from captured fixtures (a one-node swarm running a 3-replica
//! service): conversion, screens, and what the keys ask for.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, daemon_info};
use crossterm::event::KeyCode;
use wharf::app::effect::Effect;
use wharf::app::effect::{Change, Read, Stream};
use wharf::app::msg::Answer;
use wharf::app::msg::Done;
use wharf::app::msg::Msg;
use wharf::docker::convert::{node_rows, service_rows, swarm_role, task_rows};
use wharf::model::{DaemonInfo, SwarmChange, SwarmRole};
use wharf::state::{Modal, Pane};

fn fixture(name: &str) -> serde_json::Value {
    serde_json::from_str(&common::fixture(name)).unwrap()
}

#[test]
fn captured_nodes_services_and_tasks_convert() {
    let nodes = node_rows(&fixture("swarm-nodes.json"));
    assert_eq!(nodes.len(), 1);
    assert_eq!((nodes[0].role.as_str(), nodes[0].manager_status.as_str()), ("manager", "leader"));
    assert_eq!((nodes[0].availability.as_str(), nodes[0].status.as_str()), ("active", "ready"));
    let services = service_rows(&fixture("swarm-services.json"));
    assert_eq!(services.len(), 1);
    let s = &services[0];
    assert_eq!((s.name.as_str(), s.mode.as_str(), s.running, s.desired), ("wh-svc", "replicated", 3, 3));
    assert_eq!(s.image, "wharf-test/busybox:latest", "the digest is left out");
    assert!(s.version > 0);
    let tasks = task_rows(&fixture("swarm-tasks.json"));
    assert_eq!(tasks.len(), 3);
    assert!(tasks.iter().all(|t| t.state == "running" && t.node_id == nodes[0].id && t.container_id.is_some()));
    assert!(tasks.windows(2).all(|w| w[0].created >= w[1].created), "newest first");
    assert_eq!(
        swarm_role(&serde_json::json!({"Swarm": {"LocalNodeState": "active", "ControlAvailable": true}})),
        SwarmRole::Manager
    );
    assert_eq!(swarm_role(&serde_json::json!({"Swarm": {"LocalNodeState": "active"}})), SwarmRole::Worker);
    assert_eq!(swarm_role(&serde_json::json!({"Swarm": {"LocalNodeState": "inactive"}})), SwarmRole::Standalone);
    assert_eq!(swarm_role(&serde_json::json!({})), SwarmRole::Standalone, "Podman has no swarm");
}

fn manager(h: &mut Harness) {
    h.connect_with_fixtures();
    let info = DaemonInfo { swarm: SwarmRole::Manager, ..daemon_info() };
    h.state.connection = wharf::state::Connection::Connected(info);
}

/// Answers the swarm lists from the fixtures.
fn answer_swarm(h: &mut Harness, effects: Vec<Effect>) {
    let mut queue = effects;
    while let Some(effect) = queue.pop() {
        let msg = match effect {
            Effect::Read(Read::Services { request }) => {
                Msg::Answer(Answer::Services { request, result: Ok(service_rows(&fixture("swarm-services.json"))) })
            }
            Effect::Read(Read::Nodes { request }) => {
                Msg::Answer(Answer::Nodes { request, result: Ok(node_rows(&fixture("swarm-nodes.json"))) })
            }
            Effect::Read(Read::Tasks { request, service }) => {
                Msg::Answer(Answer::Tasks { request, service, result: Ok(task_rows(&fixture("swarm-tasks.json"))) })
            }
            _ => continue,
        };
        queue.extend(h.send(msg));
    }
}

#[test]
fn services_with_their_tasks_and_nodes_on_a_manager() {
    let mut h = Harness::new(120, 30);
    manager(&mut h);
    let effects = h.char('9');
    assert!(effects.iter().any(|e| matches!(e, Effect::Read(Read::Services { .. }))), "{effects:?}");
    answer_swarm(&mut h, effects);
    insta::assert_snapshot!("swarm_services", h.render());
    let effects = h.char('0');
    answer_swarm(&mut h, effects);
    insta::assert_snapshot!("swarm_nodes", h.render());

    // Drain asks first and names the node.
    h.char('d');
    let Some(Modal::Confirm(confirm)) = &h.state.screen.modal else { panic!("asks first") };
    assert!(confirm.lines[0].starts_with("Drain vm?"), "{:?}", confirm.lines);
    let effects = h.char('y');
    assert!(
        matches!(&effects[..], [Effect::Change(Change::Swarm { change: SwarmChange::NodeAvailability { availability, .. }, .. })] if availability == "drain")
    );

    // Scale: a prompt that checks the number.
    h.char('9');
    h.char('=');
    for _ in 0..3 {
        h.key(KeyCode::Backspace);
    }
    for c in "many".chars() {
        h.char(c);
    }
    assert!(h.key(KeyCode::Enter).is_empty());
    assert!(h.render().contains("type a whole number"));
    for _ in 0..4 {
        h.key(KeyCode::Backspace);
    }
    h.char('5');
    let effects = h.key(KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Change(Change::Swarm { change: SwarmChange::Scale { replicas: 5, .. }, .. })]),
        "{effects:?}"
    );

    // Enter: the service's logs (its tasks are all on this node, but a service row
    // means the service), and the focus goes to the tasks.
    let effects = h.key(KeyCode::Enter);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Stream(Stream::FollowLogs { service: true, .. }))),
        "{effects:?}"
    );
    assert_eq!(h.state.screen.focus, Pane::Tasks);
}

#[test]
fn a_standalone_engine_or_a_worker_gets_a_sentence_not_errors() {
    let mut h = Harness::new(100, 24);
    h.connect_with_fixtures();
    // Nothing is listed; the role is read again (it may have joined a swarm since).
    assert_eq!(h.char('9'), vec![Effect::Read(Read::SwarmRole)]);
    assert!(h.send(Msg::Answer(Answer::SwarmRole(SwarmRole::Standalone))).is_empty());
    insta::assert_snapshot!("swarm_standalone", h.render());
    let info = DaemonInfo { swarm: SwarmRole::Worker, ..daemon_info() };
    h.state.connection = wharf::state::Connection::Connected(info);
    assert_eq!(h.char('0'), vec![Effect::Read(Read::SwarmRole)]);
    assert!(h.render().contains("swarm worker"), "{}", h.render());
    // It was promoted meanwhile: the nodes pane on screen fills in.
    let effects = h.send(Msg::Answer(Answer::SwarmRole(SwarmRole::Manager)));
    assert!(effects.iter().any(|e| matches!(e, Effect::Read(Read::Nodes { .. }))), "{effects:?}");
    let wharf::state::Connection::Connected(info) = &h.state.connection else { panic!("connected") };
    assert_eq!(info.swarm, SwarmRole::Manager);
}

#[test]
fn a_service_is_created_from_the_launch_form() {
    let mut h = Harness::new(120, 40);
    manager(&mut h);
    let effects = h.char('9');
    answer_swarm(&mut h, effects);
    h.char('n');
    let Some(Modal::Launch(form)) = &h.state.screen.modal else { panic!("the launch form") };
    assert!(form.service);
    h.type_text("wharf-test/busybox:latest");
    h.key(KeyCode::Tab);
    h.type_text("web");
    h.key(KeyCode::Tab);
    h.type_text("8080:80");
    h.ctrl('s');
    assert!(matches!(h.state.screen.modal, Some(Modal::Replicas { .. })), "replicas are asked next");
    h.key(KeyCode::Backspace);
    h.char('2');
    let effects = h.key(KeyCode::Enter);
    let Some(Effect::Change(Change::Swarm { change: SwarmChange::Create(launch), .. })) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(launch.replicas, 2);
    assert_eq!(launch.spec.name.as_deref(), Some("web"));
    assert_eq!(launch.spec.ports[0].container_port, 80);
    // The daemon refuses it: the form comes back as typed, with the daemon's words.
    let error = wharf::model::DaemonError::new(
        wharf::model::DaemonErrorKind::Conflict,
        "name conflicts with an existing object",
    );
    h.send(Msg::Done(Done::Object {
        done: "created service web".into(),
        failed: "cannot create service web".into(),
        result: Err(error),
    }));
    let Some(Modal::Launch(form)) = &h.state.screen.modal else { panic!("the form is back") };
    assert_eq!(form.draft().name, "web");
    assert!(form.daemon_error.as_ref().is_some_and(|e| e.message.contains("name conflicts")));
}

#[test]
fn the_service_form_shows_only_what_a_service_takes() {
    let mut h = Harness::new(120, 40);
    manager(&mut h);
    let effects = h.char('9');
    answer_swarm(&mut h, effects);
    h.char('n');
    let screen = h.render();
    for container_only in ["--rm", "-it", "Restart", "Volumes", "All interfaces", "Space toggle"] {
        assert!(!screen.contains(container_only), "{container_only} is not a service's: {screen}");
    }
    for field in ["Image", "Name", "Ports", "Env", "Command"] {
        assert!(screen.contains(field), "{field}: {screen}");
    }
    insta::assert_snapshot!("service_form", screen);
    // Tab goes round the five fields only.
    for _ in 0..5 {
        h.key(KeyCode::Tab);
    }
    let Some(Modal::Launch(form)) = &h.state.screen.modal else { panic!("the launch form") };
    assert_eq!(form.focus, wharf::launch::Field::Image);
    // A host address does not apply to a service: said on its line, not dropped.
    h.type_text("wharf-test/busybox:latest");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("127.0.0.1:8080:80");
    h.ctrl('s');
    let Some(Modal::Launch(form)) = &h.state.screen.modal else { panic!("the form stays") };
    let error = form.error_for(wharf::launch::Field::Ports).expect("the address is refused");
    assert!(error.message.contains("published on every node"), "{}", error.message);
    // Enter on the last field (Command) goes on to the replicas.
    h.key(KeyCode::Home);
    for _ in 0.."127.0.0.1:".len() {
        h.key(KeyCode::Delete);
    }
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Enter);
    assert!(matches!(h.state.screen.modal, Some(Modal::Replicas { .. })), "{:?}", h.state.screen.modal);
}

#[test]
fn inspect_reaches_services_tasks_and_nodes() {
    let mut h = Harness::new(120, 30);
    manager(&mut h);
    let effects = h.char('9');
    answer_swarm(&mut h, effects);
    let inspected = |effects: Vec<Effect>| match effects.as_slice() {
        [Effect::Read(Read::Object { kind, title, .. })] => (*kind, title.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(inspected(h.char('I')), (wharf::model::ObjectKind::Service, "service wh-svc".into()));
    h.key(KeyCode::Esc);
    h.state.screen.focus = Pane::Tasks;
    assert_eq!(inspected(h.char('I')).0, wharf::model::ObjectKind::Task);
    h.key(KeyCode::Esc);
    let effects = h.char('0');
    answer_swarm(&mut h, effects);
    assert_eq!(inspected(h.char('I')), (wharf::model::ObjectKind::Node, "node vm".into()));
}

/// Services of a stack (`com.docker.stack.namespace`) sit together; folded, the stack
/// is one row, and removing it removes every service of the stack (`docker stack rm`).
#[test]
fn a_folded_stack_acts_as_a_whole() {
    let mut h = Harness::new(120, 30);
    manager(&mut h);
    let effects = h.char('9');
    let mut services = service_rows(&fixture("swarm-services.json"));
    let template = services[0].clone();
    services.clear();
    for (id, name, stack) in [("s1", "shop_web", Some("shop")), ("s2", "shop_db", Some("shop")), ("s3", "lone", None)] {
        let mut s = template.clone();
        s.id = id.into();
        s.name = name.into();
        s.stack = stack.map(String::from);
        services.push(s);
    }
    let Some(Effect::Read(Read::Services { request })) =
        effects.iter().find(|e| matches!(e, Effect::Read(Read::Services { .. }))).cloned()
    else {
        panic!("{effects:?}")
    };
    h.send(Msg::Answer(Answer::Services { request, result: Ok(services) }));
    let names: Vec<&str> = h.state.swarm.services.visible().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["shop_db", "shop_web", "lone"], "stacks first, together");
    h.char('g');
    h.char('h');
    assert_eq!(h.state.swarm.services.len(), 2, "the stack is one row");
    insta::assert_snapshot!("swarm_stack_folded", h.render());
    h.char('=');
    assert!(h.state.screen.modal.is_none(), "a folded stack is not scaled as a whole");
    h.char('d');
    let Some(Modal::Confirm(confirm)) = &h.state.screen.modal else { panic!("asks first") };
    assert_eq!(confirm.title, "Remove 2 services");
    let effects = h.char('y');
    let removed: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Change(Change::Swarm { change: SwarmChange::RemoveService { service }, .. }) => {
                Some(service.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(removed, ["s2", "s1"]);
    h.char('l');
    assert_eq!(h.state.swarm.services.len(), 3);
}

/// Logs chosen on purpose (a service's) stay when the container list refreshes, and
/// give way when the user moves in the containers pane.
#[test]
fn a_services_logs_stay_until_the_user_picks_a_container() {
    let mut h = Harness::new(120, 30);
    manager(&mut h);
    let effects = h.char('9');
    answer_swarm(&mut h, effects);
    h.key(KeyCode::Enter);
    assert_eq!(h.state.logs.sources[0].service, Some(false));
    // Another client starts a container: the list refreshes.
    let Some(request) = ({ h.state.refresh.requests.containers.want(&mut h.state.ids) }) else { panic!("free") };
    h.send(Msg::Answer(Answer::Containers { request, result: Ok(common::containers()) }));
    assert_eq!(h.state.logs.sources[0].service, Some(false), "still the service's logs");
    h.char('1');
    let effects = h.char('j');
    h.answer(effects);
    assert_eq!(h.state.logs.sources[0].service, None, "the selected container's logs again");
}

/// Item 19: a service removed while its tasks were asked for is no error.
#[test]
fn a_removed_service_does_not_say_cannot_list_tasks() {
    let mut h = Harness::new(120, 30);
    manager(&mut h);
    let effects = h.char('9');
    answer_swarm(&mut h, effects);
    let service = h.state.swarm.services.selected_item().unwrap().id.clone();
    assert!(!h.state.swarm.tasks.is_empty());
    h.state.screen.flash = None;
    // Its removal's event asks for the services and their tasks again; the daemon no
    // longer knows the service.
    let gone = wharf::model::DaemonError::new(wharf::model::DaemonErrorKind::NotFound, "service wh-svc not found");
    let effects = h.send(Msg::DaemonEvent(wharf::model::DaemonEvent {
        kind: wharf::model::EventKind::Service,
        action: "remove".into(),
        id: service.clone(),
        ..Default::default()
    }));
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::Read(Read::Tasks { request, .. }) => Some(*request),
            _ => None,
        })
        .expect("the tasks are asked for again");
    h.send(Msg::Answer(Answer::Tasks { request, service, result: Err(gone) }));
    let flash = h.state.screen.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(!flash.contains("cannot list tasks"), "{flash}");
    assert!(h.state.swarm.tasks.is_empty(), "the removed service's tasks are gone with it");
}

/// Item 19: `docker swarm init` while wharf runs, then `9`: the services, and no
/// "not part of a swarm" left on the status line.
#[test]
fn nine_after_swarm_init_shows_services_not_the_old_sentence() {
    let mut h = Harness::new(120, 30);
    h.connect_with_fixtures();
    assert_eq!(h.char('9'), vec![Effect::Read(Read::SwarmRole)]);
    let effects = h.send(Msg::Answer(Answer::SwarmRole(SwarmRole::Manager)));
    assert!(effects.iter().any(|e| matches!(e, Effect::Read(Read::Services { .. }))), "{effects:?}");
    answer_swarm(&mut h, effects);
    let screen = h.render();
    assert!(!screen.contains("not part of a swarm"), "{screen}");
    assert!(screen.contains("wh-svc"), "{screen}");
}

/// Item 19: a node event on a daemon taken for standalone reads the role again.
#[test]
fn a_node_event_on_a_standalone_daemon_reads_the_role_again() {
    let mut h = Harness::new(120, 30);
    h.connect_with_fixtures();
    let effects = h.send(Msg::DaemonEvent(wharf::model::DaemonEvent {
        kind: wharf::model::EventKind::Node,
        action: "create".into(),
        id: "n1".into(),
        ..Default::default()
    }));
    assert!(effects.contains(&Effect::Read(Read::SwarmRole)), "{effects:?}");
}

/// A node of a three-manager swarm, as the node list gives it.
fn swarm_node(id: &str, hostname: &str, addr: &str, manager_status: &str, status: &str) -> wharf::model::NodeRow {
    wharf::model::NodeRow {
        id: id.into(),
        hostname: hostname.into(),
        role: "manager".into(),
        availability: "active".into(),
        status: status.into(),
        manager_status: manager_status.into(),
        engine_version: "20.10.24".into(),
        labels: Vec::new(),
        addr: addr.into(),
    }
}

/// wharf talks to a manager that goes away: the nodes pane says so and names the
/// swarm's other managers (from the last node list), and the picker offers them: as
/// the config knows them (with TLS) or at their address on docker's plain port.
#[test]
fn a_lost_manager_offers_the_swarms_other_managers() {
    let mut h = Harness::new(120, 30);
    h.connect_with_fixtures();
    let info = DaemonInfo { host: "tcp://10.231.0.11:2375".into(), swarm: SwarmRole::Manager, ..daemon_info() };
    h.state.connection = wharf::state::Connection::Connected(info);
    let tls = wharf::model::DaemonAddress {
        host: "tcp://10.231.0.12:2376".into(),
        tls: Some(wharf::model::TlsFiles::in_dir(std::path::Path::new("/certs"))),
    };
    h.state.fleet = wharf::state::FleetState::new(vec![("tb2".into(), tls.clone())]);
    let effects = h.char('0');
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::Read(Read::Nodes { request }) => Some(*request),
            _ => None,
        })
        .unwrap();
    let nodes = vec![
        swarm_node("n1", "tb1", "10.231.0.11", "leader", "ready"),
        swarm_node("n2", "tb2", "10.231.0.12", "reachable", "ready"),
        swarm_node("n3", "tb3", "10.231.0.13", "reachable", "ready"),
    ];
    h.send(Msg::Answer(Answer::Nodes { request, result: Ok(nodes) }));
    assert!(!h.render().contains("other managers"), "nothing to offer while connected");

    let lost = wharf::model::DaemonError::new(
        wharf::model::DaemonErrorKind::Timeout,
        "the daemon at tcp://10.231.0.11:2375 stopped answering (no answer within 4s)",
    );
    h.send(Msg::ConnectionDown { error: lost, retry_in: std::time::Duration::from_secs(2) });
    let screen = h.render();
    insta::assert_snapshot!("swarm_lost_manager", screen);
    assert!(screen.contains("tb2 (10.231.0.12, reachable), tb3 (10.231.0.13, reachable)"), "{screen}");
    assert!(screen.contains("C lists them to switch to"), "{screen}");

    h.char('C');
    h.send(Msg::EndpointsListed(Vec::new()));
    let Some(Modal::Endpoints { choices: Some(choices), .. }) = &h.state.screen.modal else { panic!("the picker") };
    let origins: Vec<(&str, &str)> = choices.iter().map(|c| (c.address.host.as_str(), c.origin.as_str())).collect();
    assert_eq!(
        origins,
        [
            ("tcp://10.231.0.12:2376", "host \"tb2\" of the config file; swarm manager tb2"),
            ("tcp://10.231.0.13:2375", "swarm manager tb3 (its address, docker's plain TCP port)"),
        ]
    );
    assert_eq!(choices[0].address, tls, "tb2 with its TLS files");
}
