//! Launching through `update()`: presets, the form, validation next to its field,
//! daemon errors that keep everything typed, lifecycle actions and confirmations.

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Harness;
use crossterm::event::KeyCode;
use wharf::app::effect::Effect;
use wharf::app::effect::{Change, Read, Stream};
use wharf::app::msg::Done;
use wharf::app::msg::Msg;
use wharf::launch::Field;
use wharf::model::{ContainerAction, DaemonError, DaemonErrorKind, HostPort, LaunchSpec, PullProgress};
use wharf::state::{Modal, Pending, RequestId};

fn connected() -> Harness {
    let mut h = Harness::new(100, 34);
    h.connect_with_fixtures();
    h
}

fn launch_of(effects: &[Effect]) -> (RequestId, LaunchSpec) {
    match effects {
        [Effect::Change(Change::Launch { request, spec, attach: None })] => (*request, spec.clone()),
        other => panic!("expected one launch, got {other:?}"),
    }
}

fn form(h: &Harness) -> &wharf::state::LaunchForm {
    match &h.state.screen.modal {
        Some(Modal::Launch(form)) => form,
        other => panic!("expected the launch form, got {other:?}"),
    }
}

#[test]
fn two_keys_launch_the_redis_preset_on_loopback() {
    let mut h = connected();
    h.char('p');
    insta::assert_snapshot!("presets_picker", h.render());
    let (request, spec) = launch_of(&h.char('1'));
    assert_eq!(spec.image, "redis");
    assert_eq!(spec.name.as_deref(), Some("redis"));
    assert_eq!(spec.ports.len(), 1);
    assert_eq!(spec.ports[0].describe(), "127.0.0.1:1234->6379/tcp");
    assert!(h.state.screen.modal.is_none(), "a direct launch shows no form");
    // The status bar says what is going on, pull progress included.
    h.send(Msg::Done(Done::PullProgress {
        request,
        progress: PullProgress { layer: "abc".into(), status: "Downloading".into(), current: 5, total: 10 },
    }));
    assert!(h.render().contains("launching: pulling 0/1 layers"), "{}", h.render());
    h.send(Msg::Done(Done::Launch { request, result: Ok("f00dfeed1234567890".into()) }));
    assert!(h.state.containers.background_launch.is_none());
    assert!(h.render().contains("started redis (f00dfeed1234)"));
    assert_eq!(h.state.containers.select_when_listed.as_deref(), Some("f00dfeed1234567890"));
}

#[test]
fn the_mysql_preset_sends_the_empty_password_variable() {
    let mut h = connected();
    h.char('p');
    let (_, spec) = launch_of(&h.char('2'));
    assert_eq!(spec.image, "mysql:5.7");
    assert_eq!(spec.env, vec!["MYSQL_ALLOW_EMPTY_PASSWORD=true"]);
    assert_eq!(spec.ports[0].host_port, HostPort::Port(3306));
    assert_eq!(spec.ports[0].host_ip, "127.0.0.1");
}

#[test]
fn a_failed_preset_launch_opens_its_form_with_the_reason() {
    let mut h = connected();
    h.char('p');
    let (request, _) = launch_of(&h.char('1'));
    let conflict =
        DaemonError::new(DaemonErrorKind::Conflict, "Conflict. The container name \"/redis\" is already in use");
    h.send(Msg::Done(Done::Launch { request, result: Err(conflict) }));
    let form = form(&h);
    assert_eq!(form.draft().image, "redis");
    assert_eq!(form.draft().ports, "1234:6379");
    assert!(form.daemon_error.as_ref().unwrap().message.contains("already in use"));
}

#[test]
fn the_form_edits_a_preset_and_submits_exactly_what_it_shows() {
    let mut h = connected();
    h.char('p');
    h.char('j');
    h.char('e');
    assert_eq!(form(&h).title, "Preset mysql");
    insta::assert_snapshot!("form_mysql_preset", h.render());
    // Name: replace "mysql" with "db".
    h.key(KeyCode::Tab);
    for _ in 0..5 {
        h.key(KeyCode::Backspace);
    }
    h.type_text("db");
    // Env: add a line.
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Enter);
    h.type_text("MYSQL_DATABASE=shop");
    let (_, spec) = launch_of(&h.ctrl('s'));
    assert_eq!(spec.name.as_deref(), Some("db"));
    assert_eq!(spec.env, vec!["MYSQL_ALLOW_EMPTY_PASSWORD=true", "MYSQL_DATABASE=shop"]);
    assert!(form(&h).submitting.is_some(), "the form stays while the launch runs");
}

#[test]
fn invalid_input_is_shown_next_to_its_field_and_nothing_typed_is_lost() {
    let mut h = connected();
    h.char('n');
    h.type_text("Redis");
    h.key(KeyCode::Tab);
    h.type_text("x");
    h.key(KeyCode::Tab);
    h.type_text("1234:6379");
    h.key(KeyCode::Enter);
    h.type_text("1234:0");
    h.key(KeyCode::Tab);
    h.type_text("=oops");
    let effects = h.ctrl('s');
    assert!(effects.is_empty(), "nothing goes to the daemon: {effects:?}");
    let f = form(&h);
    let fields: Vec<(Field, Option<usize>)> = f.errors.iter().map(|e| (e.field, e.line)).collect();
    assert_eq!(fields, vec![(Field::Image, None), (Field::Name, None), (Field::Ports, Some(1)), (Field::Env, Some(0))]);
    assert_eq!(f.focus, Field::Image, "the cursor goes to the first error");
    let draft = f.draft();
    assert_eq!((draft.image.as_str(), draft.name.as_str()), ("Redis", "x"));
    assert_eq!(draft.ports, "1234:6379\n1234:0");
    assert_eq!(draft.env, "=oops");
    insta::assert_snapshot!("form_errors", h.render());
    // Fixing a field clears its error; the others stay until the next submit.
    h.key(KeyCode::Backspace);
    assert!(form(&h).error_for(Field::Image).is_none());
    assert!(form(&h).error_for(Field::Ports).is_some());
}

#[test]
fn a_lone_slash_name_and_a_plus_port_are_named_next_to_their_fields() {
    let mut h = connected();
    h.char('n');
    h.type_text("wharf-test/redis");
    h.key(KeyCode::Tab);
    h.type_text("/");
    h.key(KeyCode::Tab);
    h.type_text("+80");
    let effects = h.ctrl('s');
    assert!(effects.is_empty(), "nothing goes to the daemon: {effects:?}");
    let f = form(&h);
    let name = f.error_for(Field::Name).expect("the name is refused, not left to the daemon");
    assert!(name.message.contains("leave the field empty to let the daemon pick one"), "{}", name.message);
    let ports = f.error_for(Field::Ports).expect("+80 is refused, not read as 80");
    assert!(ports.message.contains("\"+80\" is not a number"), "{}", ports.message);
    assert_eq!(f.focus, Field::Name, "the cursor goes to the first mistake");
    let screen = h.render();
    assert!(screen.contains("✗ \"/\" is not a name"), "{screen}");
    assert!(screen.contains("✗ line 1: container port \"+80\" is not a number"), "{screen}");
    // A leading / on a real name is dropped, as docker does.
    h.key(KeyCode::End);
    h.type_text("cache");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Home);
    h.key(KeyCode::Delete);
    let (_, spec) = launch_of(&h.ctrl('s'));
    assert_eq!(spec.name.as_deref(), Some("cache"));
    assert_eq!(spec.ports[0].container_port, 80);
}

#[test]
fn a_bare_env_key_takes_wharfs_own_value_or_says_it_has_none() {
    let mut h = connected();
    h.state.launch.host_env.insert("API_URL".into(), "http://localhost:8080".into());
    h.char('n');
    h.type_text("busybox");
    for _ in 0..3 {
        h.key(KeyCode::Tab);
    }
    h.type_text("API_URL");
    let (_, spec) = launch_of(&h.ctrl('s'));
    assert_eq!(spec.env, vec!["API_URL=http://localhost:8080"]);

    let mut h = connected();
    h.char('n');
    h.type_text("busybox");
    for _ in 0..3 {
        h.key(KeyCode::Tab);
    }
    h.type_text("NOT_SET_ANYWHERE");
    assert!(h.ctrl('s').is_empty());
    assert!(form(&h).error_for(Field::Env).unwrap().message.contains("not set in wharf's environment"));
}

#[test]
fn daemon_errors_keep_the_form_and_everything_typed() {
    let mut h = connected();
    h.char('n');
    h.type_text("wharf-test/redis");
    h.key(KeyCode::Tab);
    h.type_text("cache");
    h.key(KeyCode::Tab);
    h.type_text("6390:6379");
    let (request, _) = launch_of(&h.ctrl('s'));
    // As the launcher words it (tests/fake_tasks.rs checks that).
    let error = DaemonError::new(
        DaemonErrorKind::Api,
        "host port 127.0.0.1:6390 is already in use, so the container could not start; wharf removed it",
    )
    .with_hint("choose another host port, or stop what holds this one");
    h.send(Msg::Done(Done::Launch { request, result: Err(error) }));
    let f = form(&h);
    assert!(f.submitting.is_none());
    assert_eq!(f.draft().name, "cache");
    assert_eq!(f.draft().ports, "6390:6379");
    insta::assert_snapshot!("form_daemon_error", h.render());
    assert_eq!(f.focus, Field::Ports, "the cursor goes where the fix is");
    // And the user can simply submit again; a name in use puts the cursor on the name.
    let (request, _) = launch_of(&h.ctrl('s'));
    let taken = DaemonError::new(
        DaemonErrorKind::Conflict,
        "Conflict. The container name \"/cache\" is already in use by container \"3f1c\"",
    );
    h.send(Msg::Done(Done::Launch { request, result: Err(taken) }));
    assert_eq!(form(&h).focus, Field::Name);
}

#[test]
fn a_port_in_use_names_the_container_that_publishes_it() {
    let mut h = connected();
    h.char('n');
    h.type_text("wharf-test/mysql:5.7");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("3306:3306");
    let (request, _) = launch_of(&h.ctrl('s'));
    let error = DaemonError::new(
        DaemonErrorKind::Api,
        "host port 127.0.0.1:3306 is already in use, so the container could not start; wharf removed it",
    )
    .with_hint("choose another host port, or stop what holds this one");
    h.send(Msg::Done(Done::Launch { request, result: Err(error) }));
    let f = form(&h);
    let shown = f.daemon_error.as_ref().unwrap();
    assert_eq!(
        shown.hint.as_deref(),
        Some("container mysql publishes 127.0.0.1:3306: stop it, or choose another host port"),
        "the fixture's mysql publishes 127.0.0.1:3306"
    );
    assert_eq!(f.focus, Field::Ports);
    let screen = h.render();
    assert!(screen.contains("container mysql publishes 127.0.0.1:3306"), "{screen}");
}

/// Offline: the redis preset's pull reaches no registry. The form says so, offers the
/// local image with a similar name, and closes on Esc at once (nothing was typed).
#[test]
fn an_offline_preset_says_no_registry_is_reachable_and_closes_without_asking() {
    let mut h = connected();
    h.char('p');
    let (request, _) = launch_of(&h.char('1'));
    // As the launcher words it (tests/fake_tasks.rs checks that).
    let offline = DaemonError::new(
        DaemonErrorKind::Api,
        "cannot pull redis: no registry is reachable (registry-1.docker.io); the daemon is offline or cannot \
         resolve or connect to it",
    )
    .with_hint("the daemon said: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host");
    h.send(Msg::Done(Done::Launch { request, result: Err(offline) }));
    let f = form(&h);
    let hint = f.daemon_error.as_ref().unwrap().hint.clone().unwrap();
    assert!(hint.starts_with("here already, with a similar name: wharf-test/redis:latest"), "{hint}");
    assert!(hint.contains("the daemon said: "), "the daemon's own words stay: {hint}");
    assert_eq!(f.focus, Field::Image, "the cursor goes where the fix is");
    insta::assert_snapshot!("form_offline_preset", h.render());
    // Nothing was typed: Esc closes at once, and the next key is the dashboard's.
    h.key(KeyCode::Esc);
    assert!(h.state.screen.modal.is_none(), "nothing typed, nothing to throw away");
    h.char('p');
    assert!(matches!(h.state.screen.modal, Some(Modal::Presets { .. })), "the next key is not swallowed");
}

#[test]
fn a_key_after_the_discard_question_is_typed_not_swallowed() {
    let mut h = connected();
    h.char('p');
    h.char('e');
    h.key(KeyCode::End);
    h.type_text(":7");
    h.key(KeyCode::Esc);
    assert!(form(&h).confirm_discard, "a changed preset asks first");
    // Enter and Ctrl-s are no answer to "throw it away?": nothing is launched.
    for effects in [h.key(KeyCode::Enter), h.ctrl('s')] {
        assert!(!effects.iter().any(|e| matches!(e, Effect::Change(_))), "{effects:?}");
        assert!(form(&h).confirm_discard, "the question stays");
    }
    h.char('x');
    let f = form(&h);
    assert!(!f.confirm_discard);
    assert_eq!(f.draft().image, "redis:7x", "the key after the question is typed");
    // Undo the change: the form is as it opened, Esc closes it at once.
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Backspace);
    h.key(KeyCode::Esc);
    assert!(h.state.screen.modal.is_none(), "{:?}", h.state.screen.modal);
}

#[test]
fn esc_asks_before_throwing_typed_input_away() {
    let mut h = connected();
    h.char('n');
    h.key(KeyCode::Esc);
    assert!(h.state.screen.modal.is_none(), "an empty form closes at once");
    h.char('n');
    h.type_text("redis");
    h.key(KeyCode::Esc);
    assert!(form(&h).confirm_discard);
    h.char('n');
    assert_eq!(form(&h).draft().image, "redis", "any key but y keeps editing");
    h.key(KeyCode::Esc);
    h.char('y');
    assert!(h.state.screen.modal.is_none());
}

#[test]
fn esc_during_a_pull_cancels_it() {
    let mut h = connected();
    h.char('n');
    h.type_text("redis");
    let (request, _) = launch_of(&h.ctrl('s'));
    assert_eq!(h.key(KeyCode::Esc), vec![Effect::Stream(Stream::Cancel { request })]);
    assert!(form(&h).submitting.is_some(), "the form waits for the launch to report back");
}

#[test]
fn actions_that_cannot_apply_are_refused_with_a_reason() {
    let mut h = connected();
    h.select_container("finished");
    assert!(h.char('K').is_empty());
    assert!(h.render().contains("cannot kill finished: it is not running"), "{}", h.render());
    assert!(h.char('P').is_empty());
    let effects = h.char('u');
    assert_eq!(
        effects,
        vec![Effect::Change(Change::Container {
            id: h.state.selected_container().unwrap().id.clone(),
            name: "finished".into(),
            action: ContainerAction::Start
        })]
    );
}

#[test]
fn marked_containers_are_acted_on_together_and_removal_asks_first() {
    let mut h = connected();
    h.select_container("mysql");
    h.char(' ');
    h.select_container("redis");
    h.char(' ');
    assert_eq!(h.state.containers.marked.len(), 2);
    // Marked or not, the names line up.
    let screen = h.render();
    let column = |name: &str| {
        let line = screen.lines().find(|l| l.contains(&format!(" {name} "))).unwrap_or_else(|| panic!("{screen}"));
        line.chars().position(|c| c == name.chars().next().unwrap()).unwrap()
    };
    assert_eq!(column("mysql"), column("finished"), "{screen}");
    assert!(screen.contains("● mysql"), "{screen}");
    let effects = h.char('r');
    let names: Vec<&str> = effects
        .iter()
        .map(|e| match e {
            Effect::Change(Change::Container { name, action: ContainerAction::Restart, .. }) => name.as_str(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["mysql", "redis"]);
    assert!(h.state.containers.marked.is_empty(), "marks are used up by the action");

    h.select_container("redis");
    assert!(h.char('d').is_empty(), "remove asks first");
    let Some(Modal::Confirm(confirm)) = &h.state.screen.modal else { panic!("a confirmation") };
    assert!(matches!(
        confirm.yes,
        Pending::Containers { action: ContainerAction::Remove { force: true, volumes: false }, .. }
    ));
    insta::assert_snapshot!("confirm_remove_running", h.render());
    let effects = h.char('v');
    assert!(matches!(
        effects.as_slice(),
        [Effect::Change(Change::Container { action: ContainerAction::Remove { force: true, volumes: true }, .. })]
    ));
}

#[test]
fn an_action_on_a_container_removed_meanwhile_says_so_and_refreshes() {
    let mut h = connected();
    let error = DaemonError::new(DaemonErrorKind::NotFound, "No such container: abc");
    let effects = h.send(Msg::Done(Done::Action {
        id: "abc".into(),
        name: "web".into(),
        action: ContainerAction::Stop,
        result: Err(error),
    }));
    assert!(effects.iter().any(|e| matches!(e, Effect::Read(Read::Containers { .. }))));
    assert!(h.render().contains("cannot stop web: it was removed by another client"));
}

#[test]
fn images_can_be_pulled_by_name_and_removed_after_asking() {
    let mut h = connected();
    h.char('2');
    h.char('p');
    h.type_text("Bad Name");
    h.key(KeyCode::Enter);
    let Some(Modal::Pull(prompt)) = &h.state.screen.modal else { panic!("the pull prompt") };
    assert!(prompt.error.as_ref().unwrap().contains("spaces"));
    for _ in 0..8 {
        h.key(KeyCode::Backspace);
    }
    h.type_text("example.com/nothing:1");
    let effects = h.key(KeyCode::Enter);
    let [Effect::Change(Change::Pull { request, reference })] = effects.as_slice() else { panic!("{effects:?}") };
    assert_eq!(reference, "example.com/nothing:1");
    // As the launcher words it (tests/fake_tasks.rs checks that).
    let error = DaemonError::new(
        DaemonErrorKind::Api,
        "cannot pull example.com/nothing:1: no registry is reachable (example.com); the daemon is offline or cannot \
         resolve or connect to it",
    )
    .with_hint("the daemon said: Get \"https://example.com/v2/\": dial tcp: lookup example.com: no such host");
    h.send(Msg::Done(Done::Pull { request: *request, reference: reference.clone(), result: Err(error) }));
    insta::assert_snapshot!("pull_failed", h.render());
    h.key(KeyCode::Esc);

    h.char('d');
    let Some(Modal::Confirm(confirm)) = &h.state.screen.modal else { panic!("a confirmation") };
    assert!(confirm.lines.iter().any(|l| l.contains("Used by")), "{confirm:?}");
    let effects = h.char('y');
    assert!(matches!(effects.as_slice(), [Effect::Change(Change::RemoveImage { .. })]), "{effects:?}");
}

#[test]
fn a_paste_goes_into_the_focused_field_with_its_lines() {
    let mut h = connected();
    h.char('n');
    h.send(Msg::Paste("wharf-test/redis\n".into()));
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.send(Msg::Paste("1234:6379\r\n5353:53/udp\x1b[31m".into()));
    let draft = form(&h).draft();
    assert_eq!(draft.image, "wharf-test/redis ", "one-line fields take the paste on one line");
    assert_eq!(draft.ports, "1234:6379\n5353:53/udp[31m", "line breaks kept, control characters dropped");
}

#[test]
fn removing_a_paused_container_forces_it() {
    let mut h = connected();
    h.select_container("web");
    h.char('d');
    let Some(Modal::Confirm(confirm)) = &h.state.screen.modal else { panic!("a confirmation") };
    assert!(matches!(confirm.yes, Pending::Containers { action: ContainerAction::Remove { force: true, .. }, .. }));
}

#[test]
fn an_image_is_removed_by_its_tag_and_a_refusal_names_its_users() {
    let mut h = connected();
    h.char('2');
    h.char('G');
    h.char('d');
    let effects = h.char('y');
    let [Effect::Change(Change::RemoveImage { id, name })] = effects.as_slice() else { panic!("{effects:?}") };
    assert_eq!(id, "wharf-test/busybox:latest");
    let refused = DaemonError::new(DaemonErrorKind::Conflict, "conflict: unable to remove repository reference");
    h.send(Msg::Done(Done::ImageRemoved { id: id.clone(), name: name.clone(), result: Err(refused) }));
    let screen = h.render();
    assert!(screen.contains("cannot remove wharf-test/busybox:latest: used by hostile, finished"), "{screen}");
}

#[test]
fn results_of_one_action_on_several_containers_add_up() {
    let mut h = connected();
    h.select_container("mysql");
    h.char(' ');
    h.select_container("redis");
    h.char(' ');
    h.char('s');
    let gone = DaemonError::new(DaemonErrorKind::Api, "cannot stop container: permission denied");
    h.send(Msg::Done(Done::Action {
        id: "m".into(),
        name: "mysql".into(),
        action: ContainerAction::Stop,
        result: Err(gone),
    }));
    h.send(Msg::Done(Done::Action {
        id: "r".into(),
        name: "redis".into(),
        action: ContainerAction::Stop,
        result: Ok(()),
    }));
    let flash = h.state.screen.flash.clone().unwrap();
    assert!(flash.is_error);
    assert_eq!(flash.text, "cannot stop mysql: cannot stop container: permission denied; stopped redis");
}

#[test]
fn a_pull_shows_the_total_and_each_layer_in_the_form() {
    let mut h = connected();
    h.char('n');
    h.type_text("redis:7");
    let (request, _) = launch_of(&h.ctrl('s'));
    let p = |layer: &str, status: &str, current, total| {
        Msg::Done(Done::PullProgress {
            request,
            progress: PullProgress { layer: layer.into(), status: status.into(), current, total },
        })
    };
    h.send(p("7", "Pulling from library/redis", 0, 0));
    h.send(p("a1b2c3d4e5f6", "Downloading", 3_000_000, 10_000_000));
    h.send(p("0f0e0d0c0b0a", "Downloading", 1_000_000, 2_000_000));
    h.send(p("99aa88bb77cc", "Pull complete", 0, 0));
    let screen = h.render();
    assert!(screen.contains("pulling: 1/3 layers, 4.0MB of 12.0MB"), "{screen}");
    assert!(screen.contains("a1b2c3d4e5f6  Downloading         3.0MB / 10.0MB"), "{screen}");
    assert!(screen.contains("0f0e0d0c0b0a  Downloading         1.0MB / 2.0MB"), "{screen}");
    assert!(screen.contains("99aa88bb77cc  Pull complete"), "a done layer keeps its row: {screen}");
    insta::assert_snapshot!("form_pulling", screen);
}

#[test]
fn the_images_pane_pull_shows_each_layer_with_its_state_and_bytes() {
    let mut h = connected();
    h.char('2');
    h.char('p');
    let Some(Modal::Pull(_)) = &h.state.screen.modal else { panic!("the pull prompt") };
    h.type_text("redis:7");
    let effects = h.key(KeyCode::Enter);
    let [Effect::Change(Change::Pull { request, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    let request = *request;
    let p = |layer: &str, status: &str, current, total| {
        Msg::Done(Done::PullProgress {
            request,
            progress: PullProgress { layer: layer.into(), status: status.into(), current, total },
        })
    };
    h.send(p("7", "Pulling from library/redis", 0, 0));
    h.send(p("11aa22bb33cc", "Already exists", 0, 0));
    h.send(p("a1b2c3d4e5f6", "Downloading", 3_000_000, 10_000_000));
    h.send(p("0f0e0d0c0b0a", "Waiting", 0, 0));
    let screen = h.render();
    assert!(screen.contains("pulling: 1/3 layers"), "{screen}");
    assert!(screen.contains("a1b2c3d4e5f6  Downloading         3.0MB / 10.0MB"), "{screen}");
    assert!(screen.contains("0f0e0d0c0b0a  Waiting"), "{screen}");
    assert!(screen.contains("11aa22bb33cc  Already exists"), "{screen}");
    insta::assert_snapshot!("pull_prompt_layers", screen);
}

/// Tabs from the image field to `field` in the container form.
fn tab_to(h: &mut Harness, field: Field) {
    for _ in 0..Field::ALL.iter().position(|f| *f == field).unwrap() {
        h.key(KeyCode::Tab);
    }
}

#[test]
fn network_and_extra_hosts_are_checked_next_to_their_fields_and_sent() {
    let mut h = connected();
    h.char('n');
    h.type_text("wharf-test/busybox");
    tab_to(&mut h, Field::Network);
    h.type_text("container:");
    h.key(KeyCode::Tab);
    h.type_text("host.docker.internal:host-gateway");
    h.key(KeyCode::Enter);
    h.type_text("db:nowhere");
    let effects = h.ctrl('s');
    assert!(effects.is_empty(), "nothing goes to the daemon: {effects:?}");
    let f = form(&h);
    let fields: Vec<(Field, Option<usize>)> = f.errors.iter().map(|e| (e.field, e.line)).collect();
    assert_eq!(fields, vec![(Field::Network, None), (Field::ExtraHosts, Some(1))]);
    assert_eq!(f.focus, Field::Network, "the cursor goes to the first mistake");
    let draft = f.draft();
    assert_eq!(draft.network, "container:", "what was typed stays");
    assert_eq!(draft.extra_hosts, "host.docker.internal:host-gateway\ndb:nowhere");
    let screen = h.render();
    assert!(screen.contains("✗ container: needs the name"), "{screen}");
    assert!(screen.contains("✗ line 2: \"nowhere\" is not an IP address"), "{screen}");
    // A network of its own and the host as host.docker.internal: sent as typed.
    for _ in 0.."container:".len() {
        h.key(KeyCode::Backspace);
    }
    h.type_text("workshop");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Backspace);
    for _ in 0.."db:nowhere".len() {
        h.key(KeyCode::Backspace);
    }
    assert!(h.render().contains("→ host-gateway is the host"), "{}", h.render());
    insta::assert_snapshot!("form_network_and_hosts", h.render());
    let (_, spec) = launch_of(&h.ctrl('s'));
    assert_eq!(spec.network.as_deref(), Some("workshop"));
    assert_eq!(spec.extra_hosts, ["host.docker.internal:host-gateway"]);
}

#[test]
fn sharing_a_containers_network_refuses_ports_of_its_own_and_says_what_it_gives() {
    let mut h = connected();
    h.char('n');
    h.type_text("wharf-test/busybox");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("8080:80");
    tab_to(&mut h, Field::Network);
    // tab_to counts from the image field: from Ports that is two fields too far.
    h.key(KeyCode::BackTab);
    h.key(KeyCode::BackTab);
    assert_eq!(form(&h).focus, Field::Network);
    h.type_text("container:redis");
    assert!(
        h.render().contains("→ shares redis's network: reach its ports at 127.0.0.1:<container port>"),
        "{}",
        h.render()
    );
    assert!(h.ctrl('s').is_empty());
    let error = form(&h).error_for(Field::Network).expect("refused before the daemon would");
    assert!(error.message.contains("publishes none of its own"), "{}", error.message);
    assert_eq!(form(&h).draft().ports, "8080:80");
}

/// The daemon refuses `container:NAME` only when the container starts: the form comes
/// back with the cursor on the network and says what it needs.
#[test]
fn a_network_of_a_container_that_is_not_there_puts_the_cursor_on_the_network() {
    let mut h = connected();
    h.char('n');
    h.type_text("wharf-test/busybox");
    tab_to(&mut h, Field::Network);
    h.type_text("container:nope");
    h.key(KeyCode::BackTab);
    let (request, spec) = launch_of(&h.ctrl('s'));
    assert_eq!(spec.network.as_deref(), Some("container:nope"));
    let said = "the container could not start (wharf removed it): No such container: nope";
    h.send(Msg::Done(Done::Launch { request, result: Err(DaemonError::new(DaemonErrorKind::NotFound, said)) }));
    let f = form(&h);
    assert_eq!(f.focus, Field::Network);
    assert_eq!(f.draft().network, "container:nope", "what was typed stays");
    let hint = f.daemon_error.as_ref().and_then(|e| e.hint.clone()).unwrap_or_default();
    assert!(hint.contains("shares the network of a running container"), "{hint}");
    for (said, field) in [
        (
            "the container could not start (wharf removed it): cannot join network of a non running container: 0f",
            Field::Network,
        ),
        ("network workshop not found", Field::Network),
    ] {
        h.key(KeyCode::Tab);
        let (request, _) = launch_of(&h.ctrl('s'));
        h.send(Msg::Done(Done::Launch { request, result: Err(DaemonError::new(DaemonErrorKind::Api, said)) }));
        assert_eq!(form(&h).focus, field, "{said}");
    }
}

/// A private image the registry will not give without credentials: the launch form's
/// pull opens the login, with the form kept under it. Esc brings the form back as it
/// was; once logged in, the launch is sent again with everything typed.
#[test]
fn a_refused_pull_of_the_launch_form_asks_for_a_login_and_keeps_the_form() {
    let mut h = connected();
    h.char('n');
    h.type_text("127.0.0.1:25001/private/app:1");
    h.key(KeyCode::Tab);
    h.type_text("private-app");
    let (request, _) = launch_of(&h.ctrl('s'));
    let refusal = DaemonError::new(DaemonErrorKind::Api, "cannot pull x: no basic auth credentials");
    h.send(Msg::Done(Done::Launch { request, result: Err(refusal.clone()) }));
    let Some(Modal::Login(prompt)) = &h.state.screen.modal else { panic!("{:?}", h.state.screen.modal) };
    assert_eq!(prompt.server, "127.0.0.1:25001");

    // Esc: the form again, as typed, with the registry's words.
    h.key(KeyCode::Esc);
    let f = form(&h);
    assert_eq!((f.draft().image.as_str(), f.draft().name.as_str()), ("127.0.0.1:25001/private/app:1", "private-app"));
    assert!(f.daemon_error.as_ref().is_some_and(|e| e.message.contains("no basic auth")), "{:?}", f.daemon_error);

    // Again, and this time log in: the launch goes again, same spec.
    let (request, _) = launch_of(&h.ctrl('s'));
    h.send(Msg::Done(Done::Launch { request, result: Err(refusal) }));
    h.type_text("me");
    h.key(KeyCode::Tab);
    h.type_text("pw");
    let effects = h.ctrl('s');
    let [Effect::Change(Change::Login { request, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    let effects = h.send(Msg::Done(Done::Login {
        request: *request,
        server: "127.0.0.1:25001".into(),
        result: Ok("for this session only".into()),
    }));
    let (_, spec) = launch_of(&effects);
    assert_eq!((spec.image.as_str(), spec.name.as_deref()), ("127.0.0.1:25001/private/app:1", Some("private-app")));
    assert!(form(&h).submitting.is_some(), "the form shows the launch under way");
}
