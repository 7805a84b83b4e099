//! The images pane's build, tag, push and login through `update()`: what is sent, what
//! the screen says, and that a password never shows. The runner and the daemon are
//! tested live in `live_images.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, images};
use crossterm::event::KeyCode;
use wharf::app::effect::{Change, Effect, Read, Stream};
use wharf::app::msg::{Answer, Done, Msg};
use wharf::model::{BuildEvent, BuildSummary, DaemonError, DaemonErrorKind, ImageRow};
use wharf::state::{BuildField, BuildPhase, Modal, RequestId};

fn connected() -> Harness {
    let mut h = Harness::new(100, 30);
    h.connect_with_fixtures();
    h.char('2');
    h
}

fn build_request(effects: &[Effect]) -> (RequestId, wharf::model::BuildSpec) {
    match effects {
        [Effect::Change(Change::Build { request, spec })] => (*request, (**spec).clone()),
        other => panic!("expected one build, got {other:?}"),
    }
}

fn phase(h: &Harness) -> BuildPhase {
    match &h.state.screen.modal {
        Some(Modal::Build(view)) => view.phase.clone(),
        other => panic!("the build dialog is not open: {other:?}"),
    }
}

/// Types the form: context, Dockerfile (default), tags, args; returns the build sent.
fn fill_and_build(h: &mut Harness) -> (RequestId, wharf::model::BuildSpec) {
    h.char('b');
    h.type_text("./app");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("demo:1 127.0.0.1:25000/demo:1");
    h.key(KeyCode::Tab);
    h.type_text("GREETING=\"hi there\"");
    let effects = h.ctrl('s');
    build_request(&effects)
}

#[test]
fn a_form_mistake_is_shown_at_its_field_and_keeps_what_was_typed() {
    let mut h = connected();
    h.char('b');
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("demo:1");
    let effects = h.ctrl('s');
    assert!(effects.is_empty(), "nothing is sent: {effects:?}");
    let Some(Modal::Build(view)) = &h.state.screen.modal else { panic!() };
    assert_eq!(view.focus, BuildField::Context, "the cursor goes to the field to fix");
    assert_eq!(view.draft.tags, "demo:1", "what was typed stays");
    insta::assert_snapshot!("build_form_mistake", h.render());
}

#[test]
fn a_build_is_sent_with_every_option_and_its_failure_names_the_step() {
    let mut h = connected();
    let (request, spec) = fill_and_build(&mut h);
    assert_eq!(spec.context, std::path::PathBuf::from("./app"));
    assert_eq!(spec.dockerfile, "", "the context's Dockerfile");
    assert_eq!(spec.tags, ["demo:1", "127.0.0.1:25000/demo:1"]);
    assert_eq!(spec.build_args, [("GREETING".to_string(), "hi there".to_string())]);
    for line in ["Step 1/3 : FROM busybox", " ---> 0123456789ab", "Step 2/3 : RUN make", "make: *** no rule"] {
        h.send(Msg::Done(Done::BuildOutput { request, event: BuildEvent::Output(line.into()) }));
    }
    // Output of another build (an earlier one, cancelled) is not this one's.
    let stale = RequestId(request.0 - 1);
    h.send(Msg::Done(Done::BuildOutput { request: stale, event: BuildEvent::Output("stale".into()) }));
    let error = DaemonError::new(DaemonErrorKind::Api, "The command '/bin/sh -c make' returned a non-zero code: 2");
    h.send(Msg::Done(Done::Built { request, result: Err(error) }));
    let BuildPhase::Failed { step, .. } = phase(&h) else { panic!("{:?}", phase(&h)) };
    assert_eq!(step.as_deref(), Some("Step 2/3 : RUN make"));
    let screen = h.render();
    assert!(!screen.contains("stale"), "{screen}");
    insta::assert_snapshot!("build_failed", screen);
    // Back to the form, with everything typed, for another try.
    h.key(KeyCode::Enter);
    let Some(Modal::Build(view)) = &h.state.screen.modal else { panic!() };
    assert!(matches!(view.phase, BuildPhase::Form { .. }));
    assert_eq!(view.draft.build_args, "GREETING=\"hi there\"");
    assert!(view.lines.is_empty());
}

#[test]
fn esc_cancels_a_running_build() {
    let mut h = connected();
    let (request, _) = fill_and_build(&mut h);
    let effects = h.key(KeyCode::Esc);
    assert_eq!(effects, [Effect::Stream(Stream::Cancel { request })]);
    assert!(matches!(phase(&h), BuildPhase::Running { .. }), "open until the build says it ended");
}

#[test]
fn a_built_image_is_selected_and_run_from_the_dialog() {
    let mut h = connected();
    let (request, _) = fill_and_build(&mut h);
    let id = "sha256:feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface".to_string();
    let summary = BuildSummary { image_id: id.clone(), context_files: 3, context_bytes: 4096 };
    let effects = h.send(Msg::Done(Done::Built { request, result: Ok(summary) }));
    let images_read = effects.iter().find_map(|e| match e {
        Effect::Read(Read::Images { request }) => Some(*request),
        _ => None,
    });
    let mut rows = images();
    rows.push(ImageRow { id: id.clone(), tags: vec!["demo:1".into()], size: 1000, created: 1, containers: 0 });
    h.send(Msg::Answer(Answer::Images { request: images_read.expect("the list is read again"), result: Ok(rows) }));
    assert_eq!(h.state.images.selected_item().map(|i| i.id.clone()), Some(id.clone()), "the new image is selected");
    insta::assert_snapshot!("build_succeeded", h.render());
    let effects = h.key(KeyCode::Enter);
    assert_eq!(effects, [Effect::Read(Read::ExposedPorts { id, image: "demo:1".into() })], "run this image");
}

/// The new image is selected with the first list answer after the build, or not at all:
/// hidden by the filter then, it must not take the selection at some later answer,
/// after the user has moved on.
#[test]
fn a_built_image_the_filter_hides_never_takes_the_selection_later() {
    let mut h = connected();
    let (request, _) = fill_and_build(&mut h);
    let id = "sha256:feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface".to_string();
    let summary = BuildSummary { image_id: id.clone(), context_files: 3, context_bytes: 4096 };
    let effects = h.send(Msg::Done(Done::Built { request, result: Ok(summary) }));
    let images_read = |effects: &[Effect]| {
        effects.iter().find_map(|e| match e {
            Effect::Read(Read::Images { request }) => Some(*request),
            _ => None,
        })
    };
    let first = images_read(&effects).expect("the list is read again");
    h.key(KeyCode::Esc);
    assert!(h.state.screen.modal.is_none(), "{:?}", h.state.screen.modal);
    h.char('f');
    assert_eq!(h.state.images_view.show, wharf::state::ImageShow::Dangling, "a filter that hides a tagged image");
    let mut rows = images();
    rows.push(ImageRow { id: id.clone(), tags: vec!["demo:1".into()], size: 1000, created: 1, containers: 0 });
    h.send(Msg::Answer(Answer::Images { request: first, result: Ok(rows.clone()) }));
    assert_ne!(h.state.images.selected_item().map(|i| i.id.clone()), Some(id.clone()));

    // Back to every image; the user picks one; the next list answer leaves it picked.
    h.char('f');
    h.char('f');
    assert_eq!(h.state.images_view.show, wharf::state::ImageShow::All);
    select_image(&mut h, "wharf-test/redis:latest");
    let effects = h.ctrl('r');
    let later = images_read(&effects).expect("a refresh reads the images");
    h.send(Msg::Answer(Answer::Images { request: later, result: Ok(rows) }));
    let selected = h.state.images.selected_item().map(|i| i.display_name());
    assert_eq!(selected.as_deref(), Some("wharf-test/redis:latest"), "the build's wish went with the first answer");
}

fn select_image(h: &mut Harness, tag: &str) {
    let id = h.state.images.items().iter().find(|i| i.tags.iter().any(|t| t == tag)).unwrap().id.clone();
    assert!(h.state.images.select_key(&id));
}

#[test]
fn tag_then_a_refused_push_asks_for_a_login_that_never_shows_the_password() {
    let mut h = connected();
    select_image(&mut h, "wharf-test/busybox:latest");
    h.char('t');
    h.ctrl('u');
    h.type_text("127.0.0.1:25001/busybox:1");
    let effects = h.key(KeyCode::Enter);
    let [Effect::Change(Change::Tag { target, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    assert_eq!(target, "127.0.0.1:25001/busybox:1");

    // The list now holds the new name; P pushes the name with a registry in it.
    let mut rows = images();
    rows.iter_mut().find(|i| i.tags[0] == "wharf-test/busybox:latest").unwrap().tags.push(target.clone());
    h.state.images.set_items(rows);
    select_image(&mut h, "wharf-test/busybox:latest");
    let effects = h.char('P');
    let [Effect::Change(Change::Push { request, reference })] = effects.as_slice() else { panic!("{effects:?}") };
    assert_eq!(reference, target);
    let refusal = DaemonError::new(DaemonErrorKind::Api, "cannot push x: no basic auth credentials");
    h.send(Msg::Done(Done::Push { request: *request, reference: reference.clone(), result: Err(refusal) }));
    let Some(Modal::Login(prompt)) = &h.state.screen.modal else { panic!("{:?}", h.state.screen.modal) };
    assert_eq!(prompt.server, "127.0.0.1:25001");

    h.type_text("me");
    h.key(KeyCode::Tab);
    h.type_text("s3cret-pw");
    h.key(KeyCode::Tab);
    h.char(' ');
    let screen = h.render();
    assert!(!screen.contains("s3cret-pw"), "{screen}");
    insta::assert_snapshot!("login_prompt", screen);
    let effects = h.ctrl('s');
    let [Effect::Change(Change::Login { request, auth, keep })] = effects.as_slice() else { panic!("{effects:?}") };
    assert_eq!((auth.username.as_str(), auth.secret.expose(), *keep), ("me", "s3cret-pw", true));
    assert!(!format!("{effects:?}").contains("s3cret-pw"), "effects print no secret");

    // Refused: said in the registry's words, the password dropped.
    let refused = DaemonError::new(DaemonErrorKind::Api, "unauthorized: incorrect username or password");
    h.send(Msg::Done(Done::Login { request: *request, server: auth.server.clone(), result: Err(refused) }));
    let Some(Modal::Login(prompt)) = &h.state.screen.modal else { panic!() };
    assert!(prompt.error.as_ref().unwrap().contains("127.0.0.1:25001 refused the login: unauthorized"));
    assert!(prompt.password.is_empty());

    // Accepted: the push is tried again.
    h.type_text("right");
    let effects = h.ctrl('s');
    let [Effect::Change(Change::Login { request, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    let effects = h.send(Msg::Done(Done::Login {
        request: *request,
        server: "127.0.0.1:25001".into(),
        result: Ok("for this session only".into()),
    }));
    assert!(
        matches!(effects.as_slice(), [Effect::Change(Change::Push { reference, .. })] if *reference == *target),
        "{effects:?}"
    );
}

#[test]
fn read_only_refuses_build_tag_and_push_at_the_key() {
    let mut h = connected();
    h.state.screen.read_only = true;
    for key in ['b', 't', 'P'] {
        let effects = h.char(key);
        assert!(effects.is_empty() && h.state.screen.modal.is_none(), "{key}: {effects:?}");
    }
}

#[test]
fn images_sort_and_filter() {
    let mut h = connected();
    let names = |h: &Harness| h.state.images.visible().map(|i| i.display_name()).collect::<Vec<_>>();
    h.char('o');
    assert_eq!(names(&h), ["wharf-test/busybox:latest", "wharf-test/mysql:5.7", "wharf-test/redis:latest"]);
    h.char('O');
    assert_eq!(names(&h), ["wharf-test/redis:latest", "wharf-test/mysql:5.7", "wharf-test/busybox:latest"]);
    h.char('f');
    assert!(names(&h).is_empty(), "no dangling image among the fixtures");
    assert!(h.render().contains("No dangling images"));
    h.char('f');
    let unused = names(&h);
    assert!(unused.iter().all(|n| h.state.images.items().iter().any(|i| i.display_name() == *n && i.containers == 0)));
    h.char('f');
    assert_eq!(names(&h).len(), 3);
}
