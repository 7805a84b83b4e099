//! Races with other clients, against the real daemon: a container removed while it is
//! selected or while an action on it runs, two removals at once, an action on a
//! container that has just exited. Each gives one clear message, the selection moves
//! to a neighbour, and nothing panics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use live::headless::App;
use live::{BUSYBOX, Labelled, docker, host};
use wharf::app::msg::Msg;
use wharf::state::AppState;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn select(app: &mut App, id: &str) {
    let position = app.state.containers.list.visible().position(|c| c.id == id).expect("listed");
    app.state.containers.list.select_visible(position);
}

fn flash(state: &AppState) -> String {
    state.screen.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
}

fn busybox(t: &Labelled, name: &str, command: &[&str]) -> String {
    let mut args = vec!["run", "-d", "--network", "none", "--label", &t.label, "--name", name, BUSYBOX];
    args.extend_from_slice(command);
    docker(&args)
}

/// Three containers with names that sort together, listed by a fresh app.
async fn three(t: &Labelled) -> (App, Vec<String>) {
    let ids: Vec<String> = ["a", "b", "c"].iter().map(|s| busybox(t, &t.name(s), &["sleep", "120"])).collect();
    let mut app = App::start(&host());
    app.run_until(Duration::from_secs(10), |s| {
        ids.iter().all(|id| s.containers.list.items().iter().any(|c| &c.id == id))
    })
    .await
    .expect("the three are listed");
    (app, ids)
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn removed_by_another_client_while_selected() {
    let t = Labelled::new("race-selected");
    let (mut app, ids) = three(&t).await;
    select(&mut app, &ids[1]);
    docker(&["rm", "-f", &ids[1]]);
    app.run_until(Duration::from_secs(5), |s| !s.containers.list.items().iter().any(|c| c.id == ids[1]))
        .await
        .expect("the removal reaches wharf");
    let selected = app.state.selected_container().map(|c| c.id.clone()).expect("a neighbour is selected");
    assert_ne!(selected, ids[1]);
    assert_eq!(flash(&app.state), format!("{} was removed by another client", t.name("b")));
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn removed_by_another_client_while_an_action_on_it_runs() {
    let t = Labelled::new("race-action");
    // Ignores SIGTERM: a stop waits for the daemon's grace period, and meanwhile
    // another client removes it.
    let id = busybox(&t, &t.name("stubborn"), &["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]);
    let mut app = App::start(&host());
    app.run_until(Duration::from_secs(10), |s| s.containers.list.items().iter().any(|c| c.id == id)).await.unwrap();
    select(&mut app, &id);
    app.send(key('s'));
    assert!(flash(&app.state).starts_with("stopping"), "{}", flash(&app.state));
    tokio::time::sleep(Duration::from_millis(500)).await;
    docker(&["rm", "-f", &id]);
    app.run_until(Duration::from_secs(20), |s| !flash(s).starts_with("stopping"))
        .await
        .expect("the stop ends one way or the other");
    let text = flash(&app.state);
    assert!(text.contains(&t.name("stubborn")), "one message that names it: {text}");
    app.run_until(Duration::from_secs(5), |s| !s.containers.list.items().iter().any(|c| c.id == id)).await.unwrap();
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn two_removals_at_once() {
    let t = Labelled::new("race-two");
    let (mut app, ids) = three(&t).await;
    // Mark two and remove them; another client removes one of the two meanwhile.
    for id in &ids[..2] {
        select(&mut app, id);
        app.send(key(' '));
    }
    app.send(key('d'));
    docker(&["rm", "-f", &ids[0]]);
    app.send(key('y'));
    app.run_until(Duration::from_secs(15), |s| {
        !s.containers.list.items().iter().any(|c| c.id == ids[0] || c.id == ids[1])
            && flash(s).matches(';').count() == 1
    })
    .await
    .expect("both gone, both reported");
    let text = flash(&app.state);
    assert!(text.contains(&format!("removed {}", t.name("b"))), "{text}");
    assert!(
        text.contains(&format!("{} was already removed by another client", t.name("a")))
            || text.contains(&format!("removed {}", t.name("a"))),
        "{text}"
    );
    assert!(!app.state.screen.flash.as_ref().unwrap().is_error, "{text}");
    // The selection moved to a container that is still there.
    let selected = app.state.selected_container().map(|c| c.id.clone()).expect("a selection");
    assert!(!ids[..2].contains(&selected));
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn an_action_on_a_container_that_has_just_exited() {
    let t = Labelled::new("race-exited");
    let id = live::sleeper(&t, "brief");
    let mut app = App::start(&host());
    app.run_until(Duration::from_secs(10), |s| {
        s.containers.list.items().iter().any(|c| c.id == id && c.state.is_running())
    })
    .await
    .unwrap();
    select(&mut app, &id);
    // It exits; wharf has not heard yet (no messages handled meanwhile) and sends a
    // kill, which the daemon refuses.
    docker(&["kill", &id]);
    docker(&["wait", &id]);
    assert!(app.state.selected_container().unwrap().state.is_running());
    app.send(key('K'));
    app.run_until(Duration::from_secs(10), |s| !flash(s).starts_with("killing"))
        .await
        .unwrap_or_else(|| panic!("the answer arrives: {}", flash(&app.state)));
    let text = flash(&app.state);
    assert!(text.starts_with(&format!("cannot kill {}: ", t.name("brief"))), "{text}");
    assert!(text.contains("is not running"), "the daemon's reason: {text}");
    assert!(!text.contains(';'), "one message: {text}");
    // Once wharf knows it exited, the same keys are refused up front.
    app.run_until(Duration::from_secs(5), |s| !s.selected_container().unwrap().state.is_running()).await.unwrap();
    app.send(key('K'));
    assert_eq!(flash(&app.state), format!("cannot kill {}: it is not running", t.name("brief")));

    // A stop of what another client already stopped is no error (the daemon answers
    // 304). The die event must not reach wharf before the key, or wharf refuses up
    // front: so no message is handled between the other client's stop and the key.
    let other = live::sleeper(&t, "stopped-elsewhere");
    app.run_until(Duration::from_secs(10), |s| {
        s.containers.list.items().iter().any(|c| c.id == other && c.state.is_running())
    })
    .await
    .unwrap();
    select(&mut app, &other);
    docker(&["kill", &other]);
    docker(&["wait", &other]);
    assert!(app.state.selected_container().unwrap().state.is_running());
    app.send(key('s'));
    assert!(flash(&app.state).starts_with("stopping"), "sent, not refused: {}", flash(&app.state));
    app.run_until(Duration::from_secs(10), |s| !flash(s).starts_with("stopping")).await.unwrap();
    let text = flash(&app.state);
    assert!(!app.state.screen.flash.as_ref().unwrap().is_error, "{text}");
}
