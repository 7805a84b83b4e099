//! The compose project view through `update()`: `y` reads the directory's project,
//! its containers are listed by label, the keys ask for compose operations (each a
//! `Change`, refused in read-only mode), and the screen shows every service of the
//! file with its state, whether it differs from the file, and what wharf did.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::Harness;
use wharf::app::compose_task::ComposeOp;
use wharf::app::effect::{Change, Effect, Local, Read};
use wharf::app::msg::{Answer, Done, Msg};
use wharf::compose::{Project, ProjectOptions};
use wharf::model::{ComposeProgress, ContainerState, Health, ProjectContainer};
use wharf::state::{Modal, Pane, RequestId};

fn three_tier() -> Project {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compose/three-tier");
    let env = std::collections::BTreeMap::new();
    let mut project =
        wharf::compose::load(&wharf::compose::discover(&ProjectOptions::default(), &dir, &env).unwrap()).unwrap();
    // Fixed paths: the snapshot must not depend on where the checkout is.
    project.working_dir = "/srv/shop".into();
    project.config_files = vec!["/srv/shop/compose.yaml".into()];
    project
}

fn container(
    project: &Project,
    service: &str,
    state: ContainerState,
    health: Option<Health>,
    current: bool,
) -> ProjectContainer {
    let s = project.service(service).unwrap();
    ProjectContainer {
        id: format!("{service}0123456789abcdef"),
        name: format!("shop-{service}-1"),
        service: service.into(),
        number: 1,
        config_hash: if current { wharf::compose::hash::config_hash(project, s) } else { "old".into() },
        oneoff: false,
        status: match state {
            ContainerState::Running => "Up 2 minutes".into(),
            _ => "Exited (0) 2 minutes ago".into(),
        },
        state,
        health,
        image: s.image.clone(),
    }
}

/// Connected, `y` pressed, the files read and the containers listed.
fn opened(width: u16, height: u16) -> (Harness, Project) {
    let mut h = Harness::new(width, height);
    h.connect_with_fixtures();
    let effects = h.char('y');
    assert_eq!(h.state.screen.main_pane, Pane::Project);
    assert!(effects.iter().any(|e| matches!(e, Effect::Local(Local::ReadProject { .. }))), "{effects:?}");
    let project = three_tier();
    let effects = h.send(Msg::ProjectRead(Ok(Box::new(project.clone()))));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Read(Read::ProjectContainers { project }) if project == "shop")),
        "{effects:?}"
    );
    let containers = vec![
        container(&project, "app", ContainerState::Running, Some(Health::Healthy), false),
        container(&project, "migrate", ContainerState::Exited, None, true),
    ];
    h.send(Msg::Answer(Answer::ProjectContainers { project: "shop".into(), result: Ok(containers) }));
    (h, project)
}

#[test]
fn the_view_lists_every_service_of_the_file_with_its_state_and_drift() {
    let (h, _) = opened(120, 30);
    let screen = h.render();
    assert!(screen.contains("redis") && screen.contains("not created"), "{screen}");
    assert!(screen.contains("changed"), "{screen}");
    assert!(screen.contains("same"), "{screen}");
    assert!(screen.contains("healthy"), "{screen}");
    assert!(screen.contains("shop_default") && screen.contains("shop_cache"), "{screen}");
    insta::assert_snapshot!("project_view_120x30", screen);
}

#[test]
fn the_view_at_80x24() {
    let (h, _) = opened(80, 24);
    insta::assert_snapshot!("project_view_80x24", h.render());
}

fn compose_ops(effects: &[Effect]) -> Vec<(RequestId, ComposeOp)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Change(Change::Compose { request, op, .. }) => Some((*request, op.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn keys_ask_for_compose_operations_with_progress_and_a_result() {
    let (mut h, _) = opened(120, 30);
    let ops = compose_ops(&h.char('u'));
    assert_eq!(ops.len(), 1);
    let (request, op) = ops[0].clone();
    assert_eq!(op, ComposeOp::Up { services: vec![] });
    // A second operation waits for the first.
    assert!(compose_ops(&h.char('r')).is_empty());
    h.send(Msg::Done(Done::ComposeProgress {
        request,
        progress: ComposeProgress {
            service: "app".into(),
            text: "waiting for migrate to complete successfully".into(),
        },
    }));
    let effects = h.send(Msg::Done(Done::Compose { request, verb: "up".into(), result: Ok(()), login_for: None }));
    assert!(effects.iter().any(|e| matches!(e, Effect::Read(Read::ProjectContainers { .. }))));
    let screen = h.render();
    assert!(screen.contains("app: waiting for migrate to complete successfully"), "{screen}");
    assert!(screen.contains("up shop: done"), "{screen}");

    // The selected service (the first: app) for per-service keys.
    for (key, want) in [
        ('r', ComposeOp::Restart { services: vec!["app".into()] }),
        ('c', ComposeOp::Recreate { services: vec!["app".into()] }),
        ('s', ComposeOp::Stop { services: vec!["app".into()] }),
        ('S', ComposeOp::Start { services: vec!["app".into()] }),
        ('U', ComposeOp::Up { services: vec!["app".into()] }),
        ('+', ComposeOp::Scale { service: "app".into(), replicas: 2 }),
        ('p', ComposeOp::Pull { services: vec![] }),
        ('B', ComposeOp::Build { services: vec!["app".into()] }),
    ] {
        let ops = compose_ops(&h.char(key));
        assert_eq!(ops.len(), 1, "{key}");
        assert_eq!(ops[0].1, want, "{key}");
        h.send(Msg::Done(Done::Compose { request: ops[0].0, verb: "x".into(), result: Ok(()), login_for: None }));
    }
    // j moves to the next service.
    h.char('j');
    let ops = compose_ops(&h.char('r'));
    assert_eq!(ops[0].1, ComposeOp::Restart { services: vec!["migrate".into()] });
}

#[test]
fn down_asks_first_and_names_what_goes_and_what_stays() {
    let (mut h, _) = opened(120, 30);
    assert!(compose_ops(&h.char('d')).is_empty());
    let Some(Modal::Confirm(confirm)) = &h.state.screen.modal else { panic!("no confirmation") };
    let text = confirm.lines.join("\n");
    assert!(text.contains("shop_default") && text.contains("Keeps its volumes (shop_cache)"), "{text}");
    let ops = compose_ops(&h.char('y'));
    assert_eq!(ops[0].1, ComposeOp::Down { volumes: false });
    h.send(Msg::Done(Done::Compose { request: ops[0].0, verb: "down".into(), result: Ok(()), login_for: None }));
    h.char('V');
    let Some(Modal::Confirm(confirm)) = &h.state.screen.modal else { panic!("no confirmation") };
    assert!(confirm.lines.join("\n").contains("Also removes its volumes and their data: shop_cache"));
    let ops = compose_ops(&h.char('y'));
    assert_eq!(ops[0].1, ComposeOp::Down { volumes: true });
}

#[test]
fn a_failure_is_said_with_the_reason() {
    let (mut h, _) = opened(120, 30);
    let (request, _) = compose_ops(&h.char('u'))[0].clone();
    let error = wharf::model::DaemonError::new(
        wharf::model::DaemonErrorKind::Api,
        "app needs migrate to complete successfully, and shop-migrate-1 exited with code 3",
    );
    h.send(Msg::Done(Done::Compose { request, verb: "up".into(), result: Err(error), login_for: None }));
    let screen = h.render();
    assert!(screen.contains("up shop failed: app needs migrate"), "{screen}");
}

/// A registry that wants credentials for a compose pull gets the same login prompt as
/// a pull from the images pane; once logged in, the image is pulled.
#[test]
fn a_compose_pull_refused_for_credentials_opens_the_login_then_pulls() {
    let (mut h, _) = opened(120, 30);
    let (request, _) = compose_ops(&h.char('u'))[0].clone();
    let image = "127.0.0.1:25001/shop/app:1";
    let error = wharf::model::DaemonError::new(
        wharf::model::DaemonErrorKind::Api,
        format!("cannot pull {image}: unauthorized: authentication required"),
    );
    h.send(Msg::Done(Done::Compose { request, verb: "up".into(), result: Err(error), login_for: Some(image.into()) }));
    let Some(Modal::Login(prompt)) = &h.state.screen.modal else { panic!("no login: {:?}", h.state.screen.modal) };
    assert_eq!(prompt.server, "127.0.0.1:25001");
    assert_eq!(prompt.retry, wharf::state::Retry::Pull(image.into()));
    let login = prompt.running;
    assert!(login.is_none());
    // Who to be, then the login is sent and, when it worked, the image pulled.
    h.type_text("me");
    h.key(crossterm::event::KeyCode::Tab);
    h.type_text("pw");
    let effects = h.ctrl('s');
    let login = effects
        .iter()
        .find_map(|e| match e {
            Effect::Change(Change::Login { request, .. }) => Some(*request),
            _ => None,
        })
        .expect("the login is sent");
    let effects = h.send(Msg::Done(Done::Login {
        request: login,
        server: "127.0.0.1:25001".into(),
        result: Ok("for this session only".into()),
    }));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Change(Change::Pull { reference, .. }) if reference == image)),
        "{effects:?}"
    );
}

#[test]
fn a_refusal_with_credentials_sent_is_said_without_a_login() {
    let (mut h, _) = opened(120, 30);
    let (request, _) = compose_ops(&h.char('u'))[0].clone();
    let image = "127.0.0.1:25001/shop/app:1";
    // Credentials were sent and the registry knew who asked: its words, no prompt.
    let error = wharf::model::DaemonError::new(
        wharf::model::DaemonErrorKind::Denied,
        format!("cannot pull {image}: requested access to the resource is denied"),
    );
    h.send(Msg::Done(Done::Compose { request, verb: "up".into(), result: Err(error), login_for: Some(image.into()) }));
    assert!(h.state.screen.modal.is_none(), "{:?}", h.state.screen.modal);
    assert!(h.render().contains("requested access to the resource is denied"));
}

#[test]
fn read_only_refuses_every_compose_key_before_anything_is_asked() {
    let (mut h, _) = opened(120, 30);
    h.state.screen.read_only = true;
    for key in ['u', 'U', 'd', 'V', 'r', 'c', 's', 'S', 'p', 'B', '+', '-'] {
        let effects = h.char(key);
        assert!(compose_ops(&effects).is_empty(), "{key}");
        assert!(h.state.screen.modal.is_none(), "{key} opened a dialog");
        let flash = h.state.screen.flash.as_ref().unwrap();
        assert!(flash.text.contains("read-only"), "{key}: {}", flash.text);
    }
    // The change itself is refused by its type too.
    let change = Change::Compose {
        request: RequestId(1),
        project: Box::new(three_tier()),
        op: ComposeOp::Up { services: vec![] },
    };
    let refused = change.refused(wharf::model::DaemonError::new(wharf::model::DaemonErrorKind::Unsupported, "no"));
    assert!(matches!(refused, Msg::Done(Done::Compose { result: Err(_), .. })));
}

#[test]
fn a_file_that_cannot_be_read_says_where_and_another_can_be_opened() {
    let mut h = Harness::new(100, 24);
    h.connect_with_fixtures();
    h.char('y');
    h.send(Msg::ProjectRead(Err("/srv/x/compose.yaml:4:5: services.vpn.cap_add is not supported by wharf yet".into())));
    let screen = h.render();
    assert!(screen.contains("compose.yaml:4:5") && screen.contains("cap_add"), "{screen}");
    h.char('o');
    assert!(matches!(h.state.screen.modal, Some(Modal::ComposeFile { .. })));
    // Clear what is prefilled and type another path.
    for _ in 0..80 {
        h.key(crossterm::event::KeyCode::Backspace);
    }
    h.type_text("/srv/other/compose.yaml");
    let effects = h.key(crossterm::event::KeyCode::Enter);
    let read = effects.iter().find_map(|e| match e {
        Effect::Local(Local::ReadProject { options, cwd }) => Some((options.clone(), cwd.clone())),
        _ => None,
    });
    let (options, cwd) = read.expect("the other file is read");
    assert_eq!(options.files, vec![std::path::PathBuf::from("/srv/other/compose.yaml")]);
    assert_eq!(cwd, std::path::PathBuf::from("/srv/other"));
}

#[test]
fn the_detail_panes_follow_the_selected_services_container() {
    let (mut h, project) = opened(120, 30);
    // The daemon's container list holds the project's containers too: make app's and
    // migrate's containers two rows of the fixture list.
    let rows: Vec<(String, String)> =
        h.state.containers.list.items().iter().take(2).map(|c| (c.id.clone(), c.name.clone())).collect();
    let mut app = container(&project, "app", ContainerState::Running, None, true);
    app.id = rows[0].0.clone();
    let mut migrate = container(&project, "migrate", ContainerState::Exited, None, true);
    migrate.id = rows[1].0.clone();
    h.send(Msg::Answer(Answer::ProjectContainers { project: "shop".into(), result: Ok(vec![app, migrate]) }));
    assert_eq!(h.state.selected_container().map(|c| c.name.clone()), Some(rows[0].1.clone()));
    let effects = h.char('j');
    h.answer(effects);
    assert_eq!(h.state.selected_container().map(|c| c.name.clone()), Some(rows[1].1.clone()));
}
