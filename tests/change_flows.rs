//! Changing a container through `update()`: the edit form filled from a container's
//! inspect with its differences marked, the recreate's steps and its failure, the
//! duplicate form, and the equivalent `docker run` command.

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, fixture};
use crossterm::event::KeyCode;
use serde_json::{Value, json};
use wharf::app::effect::{Change, ConfigUse, Effect, Local, Read};
use wharf::app::msg::{Answer, Done, Msg};
use wharf::model::{DaemonError, DaemonErrorKind};
use wharf::state::{LaunchForm, Modal};

fn connected() -> Harness {
    let mut h = Harness::new(100, 40);
    h.connect_with_fixtures();
    h
}

/// The redis container's inspect as the daemon gave it, and its image's.
fn redis_config() -> Box<(Value, Option<Value>)> {
    let container: Value = serde_json::from_str(&fixture("inspect-redis.json")).unwrap();
    let image = json!({"Config": {
        "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        "Cmd": container["Config"]["Cmd"].clone(),
    }});
    Box::new((container, Some(image)))
}

/// Presses `key` on the redis container and answers the read it sends.
fn open_for_redis(h: &mut Harness, key: char, purpose: ConfigUse) {
    h.select_container("redis");
    let effects = h.char(key);
    let [Effect::Read(Read::ContainerConfig { id, name, purpose: asked })] = effects.as_slice() else {
        panic!("expected a read of the container's settings, got {effects:?}");
    };
    assert_eq!((name.as_str(), *asked), ("redis", purpose));
    let (id, name) = (id.clone(), name.clone());
    h.send(Msg::Answer(Answer::ContainerConfig { id, name, purpose, result: Ok(redis_config()) }));
}

fn form(h: &Harness) -> &LaunchForm {
    match &h.state.screen.modal {
        Some(Modal::Launch(form)) => form,
        other => panic!("expected the launch form, got {other:?}"),
    }
}

#[test]
fn the_edit_form_is_the_container_and_marks_what_the_recreate_changes() {
    let mut h = connected();
    open_for_redis(&mut h, 'R', ConfigUse::Edit);
    let draft = form(&h).draft();
    assert_eq!((draft.image.as_str(), draft.name.as_str()), ("wharf-test/redis", "redis"));
    assert_eq!(draft.ports, "1234:6379");
    assert_eq!(draft.env, "PASSWORD=hunter2\nFOO=bar", "the image's own PATH is not the container's setting");
    assert!(form(&h).changes().is_empty());
    insta::assert_snapshot!("edit_form_opened", h.render());

    // Tab to Ports, add a line; Tab to Env, add a value.
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Enter);
    h.type_text("6380:6379");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Enter);
    h.type_text("ADDED=1");
    let changes: Vec<&str> = form(&h).changes().iter().map(|f| f.label()).collect();
    assert_eq!(changes, ["Ports", "Env"]);
    insta::assert_snapshot!("edit_form_changed", h.render());

    let effects = h.ctrl('s');
    let [Effect::Change(Change::Recreate { request, plan })] = effects.as_slice() else {
        panic!("expected a recreate, got {effects:?}");
    };
    let request = *request;
    assert_eq!(plan.old_name, "redis");
    assert!(plan.old_id.starts_with(h.state.selected_container().unwrap().id.as_str()));
    assert!(plan.was_running && !plan.pull, "same image: no pull");
    assert_eq!(plan.spec.env, ["PASSWORD=hunter2", "FOO=bar", "ADDED=1"]);
    assert_eq!(plan.spec.ports.len(), 2);
    assert!(plan.spec.carried.is_some(), "what the form does not show goes along");

    h.send(Msg::Done(Done::RecreateStep { request, step: "creating the new container as redis-wharf-new-1".into() }));
    h.send(Msg::Done(Done::RecreateStep { request, step: "stopping redis".into() }));
    insta::assert_snapshot!("edit_form_recreating", h.render());

    let error = DaemonError::new(
        DaemonErrorKind::Api,
        "could not start the new container: port is already allocated; the new container was removed; redis runs again",
    );
    h.send(Msg::Done(Done::Recreate { request, result: Err(error) }));
    assert!(form(&h).daemon_error.as_ref().unwrap().message.contains("redis runs again"));
    assert_eq!(form(&h).draft().env, "PASSWORD=hunter2\nFOO=bar\nADDED=1", "everything typed stays");
    assert!(form(&h).steps.is_empty());

    let effects = h.ctrl('s');
    let [Effect::Change(Change::Recreate { request, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    h.send(Msg::Done(Done::Recreate { request: *request, result: Ok("cafe0123456789".into()) }));
    assert!(h.state.screen.modal.is_none());
    assert!(h.render().contains("recreated redis (cafe01234567)"), "{}", h.render());
}

#[test]
fn a_container_with_rm_is_not_recreated_and_read_only_refuses_the_keys() {
    let mut h = connected();
    h.select_container("redis");
    let effects = h.char('R');
    let [Effect::Read(Read::ContainerConfig { id, name, purpose })] = effects.as_slice() else { panic!() };
    let mut config = redis_config();
    config.0["HostConfig"]["AutoRemove"] = json!(true);
    h.send(Msg::Answer(Answer::ContainerConfig {
        id: id.clone(),
        name: name.clone(),
        purpose: *purpose,
        result: Ok(config),
    }));
    assert!(h.state.screen.modal.is_none());
    assert!(h.render().contains("cannot recreate redis: it runs with --rm"), "{}", h.render());

    let mut h = Harness::new(100, 40);
    h.state.screen.read_only = true;
    h.connect_with_fixtures();
    h.select_container("redis");
    assert!(h.char('R').is_empty() && h.char('Y').is_empty(), "refused at the key");
    assert!(matches!(h.char('w').as_slice(), [Effect::Read(Read::ContainerConfig { .. })]), "w changes nothing");
}

#[test]
fn a_duplicate_is_a_new_container_with_a_free_name_and_the_same_settings() {
    let mut h = connected();
    open_for_redis(&mut h, 'Y', ConfigUse::Duplicate);
    assert_eq!(form(&h).title, "Duplicate redis");
    assert_eq!(form(&h).draft().name, "redis-2");
    assert!(form(&h).changes().is_empty(), "a duplicate marks nothing: it changes no container");
    let effects = h.ctrl('s');
    let [Effect::Change(Change::Launch { spec, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    assert_eq!(spec.name.as_deref(), Some("redis-2"));
    assert!(spec.carried.is_some());
}

#[test]
fn the_command_shows_secrets_masked_and_copies_them_whole() {
    let mut h = connected();
    open_for_redis(&mut h, 'w', ConfigUse::Command);
    let Some(Modal::RunCommand(view)) = &h.state.screen.modal else { panic!("{:?}", h.state.screen.modal) };
    let text = view.command.text();
    assert!(text.contains("--env PASSWORD=hunter2"), "{text}");
    assert!(!text.contains("PATH="), "the image's own env is not repeated: {text}");
    let screen = h.render();
    assert!(screen.contains("PASSWORD=••••") && !screen.contains("hunter2"), "{screen}");
    insta::assert_snapshot!("run_command_redis", screen);

    let effects = h.char('y');
    let [Effect::Local(Local::CopyToClipboard { text: copied })] = effects.as_slice() else { panic!("{effects:?}") };
    assert_eq!(*copied, text);
    h.key(KeyCode::Esc);
    assert!(h.state.screen.modal.is_none());

    // From the launch form: Ctrl-g, then Esc goes back to the form as typed.
    h.char('n');
    h.type_text("redis:7");
    h.ctrl('g');
    let Some(Modal::RunCommand(view)) = &h.state.screen.modal else { panic!("{:?}", h.state.screen.modal) };
    assert_eq!(view.command.text(), "docker run -d \\\n  redis:7");
    h.key(KeyCode::Esc);
    assert_eq!(form(&h).draft().image, "redis:7");
}
