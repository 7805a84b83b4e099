//! Volumes, networks, prunes, the events timeline and inspect, against the real daemon.
//! Everything made here carries the test's label; prunes are limited to that label, so
//! a user's own objects are never touched.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use live::headless::App;
use live::{BUSYBOX, Labelled, address, docker, host};
use wharf::app::msg::Msg;
use wharf::docker::{DockerApi, connect};
use wharf::model::{ObjectKind, PruneKind};
use wharf::state::{AppState, Modal, Pane};

const TIMEOUT: Duration = Duration::from_secs(10);

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn flash(state: &AppState) -> String {
    state.screen.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.send(key(c));
    }
}

fn enter() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
}

/// Volumes through the dashboard: created from the prompt, listed with their users,
/// refused while in use, removed after a confirmation.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn volumes_are_created_listed_refused_in_use_and_removed() {
    let t = Labelled::new("vol");
    let name = t.name("data");
    let mut app = App::start(&host());
    app.run_until(TIMEOUT, |s| s.refresh.loaded).await.unwrap();
    app.send(key('6'));
    assert_eq!(app.state.screen.main_pane, Pane::Volumes);
    app.run_until(TIMEOUT, |s| s.objects.volumes_loaded).await.expect("the volumes are listed");

    app.send(key('n'));
    type_text(&mut app, &name);
    app.send(enter());
    // The result and the event that refreshes the list may come in either order, and
    // other tests' containers may put their own news in the flash after it.
    let created = format!("created volume {name}");
    let said = std::cell::Cell::new(false);
    app.run_until(TIMEOUT, |s| {
        said.set(said.get() || flash(s) == created);
        said.get() && s.objects.volumes.items().iter().any(|v| v.name == name)
    })
    .await
    .unwrap_or_else(|| panic!("the new volume is listed and said created: {}", flash(&app.state)));
    // The CLI removes volumes the test made through wharf: label them for the guard too.
    let _cleanup = RemoveVolume(name.clone());

    // In use: the container is named, nothing is sent.
    let user = docker(&[
        "run",
        "-d",
        "--network",
        "none",
        "--label",
        &t.label,
        "--name",
        &t.name("user"),
        "-v",
        &format!("{name}:/data"),
        BUSYBOX,
        "sleep",
        "60",
    ]);
    app.run_until(TIMEOUT, |s| s.objects.volumes.items().iter().any(|v| v.name == name && !v.used_by.is_empty()))
        .await
        .expect("its user is known");
    select_volume(&mut app, &name);
    app.send(key('d'));
    assert!(flash(&app.state).contains(&format!("used by {}", t.name("user"))), "{}", flash(&app.state));
    assert!(app.state.screen.modal.is_none());

    docker(&["rm", "-f", &user]);
    app.run_until(TIMEOUT, |s| s.objects.volumes.items().iter().any(|v| v.name == name && v.used_by.is_empty()))
        .await
        .unwrap();
    select_volume(&mut app, &name);
    app.send(key('d'));
    assert!(matches!(app.state.screen.modal, Some(Modal::Confirm(_))));
    app.send(key('y'));
    let removed = format!("removed volume {name}");
    let said = std::cell::Cell::new(false);
    app.run_until(TIMEOUT, |s| {
        said.set(said.get() || flash(s) == removed);
        said.get() && !s.objects.volumes.items().iter().any(|v| v.name == name)
    })
    .await
    .unwrap_or_else(|| panic!("removed and gone from the list: {}", flash(&app.state)));
}

struct RemoveVolume(String);
impl Drop for RemoveVolume {
    fn drop(&mut self) {
        let _ = std::process::Command::new("docker").args(["volume", "rm", "-f", &self.0]).output();
    }
}

struct RemoveNetwork(String);
impl Drop for RemoveNetwork {
    fn drop(&mut self) {
        let _ = std::process::Command::new("docker").args(["network", "rm", &self.0]).output();
    }
}

fn select_volume(app: &mut App, name: &str) {
    let pos = app.state.objects.volumes.visible().position(|v| v.name == name).unwrap();
    app.state.objects.volumes.select_visible(pos);
}

/// Networks through the dashboard: created, a container connected and disconnected,
/// removed.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn networks_are_created_joined_left_and_removed() {
    let t = Labelled::new("net");
    let name = t.name("net");
    let _cleanup = RemoveNetwork(name.clone());
    let id = docker(&[
        "run",
        "-d",
        "--network",
        "none",
        "--label",
        &t.label,
        "--name",
        &t.name("c"),
        BUSYBOX,
        "sleep",
        "60",
    ]);
    // `none` cannot share: attach it to a network it can leave.
    docker(&["network", "disconnect", "none", &id]);
    let mut app = App::start(&host());
    app.run_until(TIMEOUT, |s| s.containers.list.items().iter().any(|c| c.id == id)).await.unwrap();
    let pos = app.state.containers.list.visible().position(|c| c.id == id).unwrap();
    app.state.containers.list.select_visible(pos);

    app.send(key('7'));
    app.run_until(TIMEOUT, |s| s.objects.networks_loaded).await.unwrap();
    app.send(key('n'));
    type_text(&mut app, &name);
    app.send(enter());
    app.run_until(TIMEOUT, |s| s.objects.networks.items().iter().any(|n| n.name == name)).await.expect("created");
    let select = |app: &mut App| {
        let pos = app.state.objects.networks.visible().position(|n| n.name == name).unwrap();
        app.state.objects.networks.select_visible(pos);
    };
    select(&mut app);
    let subnet = app.state.objects.networks.selected_item().unwrap().subnets.clone();
    assert!(!subnet.is_empty(), "the daemon gave it a subnet");

    app.send(key('c'));
    let connected = format!("connected {} to {name}", t.name("c"));
    let said = std::cell::Cell::new(false);
    app.run_until(TIMEOUT, |s| {
        said.set(said.get() || flash(s) == connected);
        said.get() && s.objects.networks.items().iter().any(|n| n.name == name && !n.containers.is_empty())
    })
    .await
    .unwrap_or_else(|| panic!("the container shows as attached: {}", flash(&app.state)));
    // The timeline's connect names the network and the container.
    let joined = t.name("c");
    app.run_until(TIMEOUT, |s| {
        s.objects.timeline.items().iter().any(|r| {
            r.event.kind == "network"
                && r.event.action == "connect"
                && r.event.name == name
                && r.event.container.as_deref() == Some(joined.as_str())
        })
    })
    .await
    .expect("a connect event naming both");
    // Removing a network in use is refused with the container named.
    select(&mut app);
    app.send(key('d'));
    assert!(flash(&app.state).contains(&t.name("c")), "{}", flash(&app.state));

    app.send(key('x'));
    app.run_until(TIMEOUT, |s| s.objects.networks.items().iter().any(|n| n.name == name && n.containers.is_empty()))
        .await
        .expect("detached");
    select(&mut app);
    app.send(key('d'));
    app.send(key('y'));
    app.run_until(TIMEOUT, |s| !s.objects.networks.items().iter().any(|n| n.name == name)).await.expect("removed");
}

/// Prunes through the docker layer, limited to this test's label: what carries it goes,
/// the rest stays, and the space is reported.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn prunes_remove_labelled_objects_only() {
    let t = Labelled::new("prune");
    let other = Labelled::new("prune-other");
    let api = connect(&address(), TIMEOUT).await.unwrap();
    let mine = docker(&["create", "--label", &t.label, "--name", &t.name("stopped"), BUSYBOX, "true"]);
    let theirs = docker(&["create", "--label", &other.label, "--name", &other.name("stopped"), BUSYBOX, "true"]);
    let vol = t.name("vol");
    let _v = RemoveVolume(vol.clone());
    docker(&["volume", "create", "--label", &t.label, &vol]);
    let net = t.name("net");
    let _n = RemoveNetwork(net.clone());
    docker(&["network", "create", "--label", &t.label, &net]);

    let report = api.prune(PruneKind::Containers, Some(&t.label)).await.unwrap();
    assert_eq!(report.deleted, vec![mine.clone()]);
    let still = docker(&["ps", "-aq", "--no-trunc", "--filter", &format!("id={theirs}")]);
    assert_eq!(still, theirs, "a container without the label stays");

    let report = api.prune(PruneKind::Volumes, Some(&t.label)).await.unwrap();
    assert_eq!(report.deleted, vec![vol.clone()]);
    let report = api.prune(PruneKind::Networks, Some(&t.label)).await.unwrap();
    assert_eq!(report.deleted, vec![net.clone()]);
    assert!(api.list_volumes().await.unwrap().iter().all(|v| v.name != vol));
    assert!(api.list_networks().await.unwrap().iter().all(|n| n.name != net));
}

/// The timeline shows a container dying with its exit code; `/` narrows it to one
/// container; inspect shows its JSON, searchable.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn the_timeline_shows_a_die_with_its_exit_code_and_inspect_reads_the_json() {
    let t = Labelled::new("timeline");
    let mut app = App::start(&host());
    app.run_until(TIMEOUT, |s| s.refresh.loaded).await.unwrap();
    let name = t.name("dies");
    let id = docker(&[
        "run",
        "-d",
        "--network",
        "none",
        "--label",
        &t.label,
        "--name",
        &name,
        BUSYBOX,
        "sh",
        "-c",
        "exit 7",
    ]);
    app.run_until(TIMEOUT, |s| {
        s.objects
            .timeline
            .items()
            .iter()
            .any(|r| r.event.id == id && r.event.action == "die" && r.event.exit_code == Some(7))
            // The list the events asked for: the container is selected below.
            && s.containers.list.items().iter().any(|c| c.id == id)
    })
    .await
    .expect("the die event with exit code 7, and the container listed");
    let actions: Vec<&str> = app
        .state
        .objects
        .timeline
        .items()
        .iter()
        .filter(|r| r.event.id == id)
        .map(|r| r.event.action.as_str())
        .collect();
    for expected in ["create", "start", "die"] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    assert!(app.state.objects.timeline.items().iter().filter(|r| r.event.id == id).all(|r| r.event.name == name));

    app.send(key('8'));
    app.send(key('/'));
    type_text(&mut app, &name);
    app.send(enter());
    assert!(app.state.objects.timeline.visible().all(|r| r.event.name == name));
    assert!(app.state.objects.timeline.len() >= 3);

    // Inspect the container: its JSON, with the exit code in it.
    app.send(key('1'));
    let pos = app.state.containers.list.visible().position(|c| c.id == id).unwrap();
    app.state.containers.list.select_visible(pos);
    app.send(key('I'));
    app.run_until(TIMEOUT, |s| matches!(&s.screen.modal, Some(Modal::Inspect(v)) if v.line_count() > 50))
        .await
        .expect("the JSON");
    app.send(key('/'));
    type_text(&mut app, "exitcode");
    app.send(enter());
    let Some(Modal::Inspect(view)) = &app.state.screen.modal else { panic!("the view stays open") };
    let line = &view.lines()[view.cursor_line()];
    assert!(line.contains("\"ExitCode\": 7"), "{line}");
    // The docker layer reads every kind of object.
    let api = connect(&address(), TIMEOUT).await.unwrap();
    let lines = api.inspect_raw(ObjectKind::Image, BUSYBOX).await.unwrap();
    assert!(lines.iter().any(|l| l.contains("\"RepoTags\"")));
}

/// Containers made by compose (its labels, no compose CLI needed): grouped by project,
/// folded to one row that acts for the whole project, marked as a whole for merged logs.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn compose_projects_are_grouped_folded_and_acted_on_as_a_whole() {
    let t = Labelled::new("compose");
    let project = format!("wp{}", std::process::id());
    let run = |service: &str, n: u32| {
        docker(&[
            "run",
            "-d",
            "--network",
            "none",
            "--label",
            &t.label,
            "--label",
            &format!("com.docker.compose.project={project}"),
            "--label",
            &format!("com.docker.compose.service={service}"),
            "--name",
            &format!("{project}-{service}-{n}"),
            BUSYBOX,
            "sh",
            "-c",
            &format!("trap 'exit 0' TERM; while true; do echo {service}-{n}; sleep 1; done"),
        ])
    };
    let ids = [run("web", 1), run("web", 2), run("db", 1)];
    let mut app = App::start(&host());
    app.run_until(TIMEOUT, |s| ids.iter().all(|id| s.containers.list.items().iter().any(|c| &c.id == id)))
        .await
        .unwrap();
    let row = app.state.containers.list.items().iter().find(|c| c.id == ids[2]).unwrap();
    assert_eq!((row.project.as_deref(), row.service.as_deref()), (Some(project.as_str()), Some("db")));

    app.send(key('c'));
    assert!(app.state.containers.group_projects);
    // The project's containers sit together.
    let positions: Vec<usize> =
        ids.iter().map(|id| app.state.containers.list.visible().position(|c| &c.id == id).unwrap()).collect();
    assert_eq!(positions.iter().max().unwrap() - positions.iter().min().unwrap(), 2, "{positions:?}");

    // Fold it: one row stands for three, and stop acts on all of them.
    let pos = *positions.iter().min().unwrap();
    app.state.containers.list.select_visible(pos);
    app.send(key('h'));
    let shown = app.state.containers.list.visible().filter(|c| c.project.as_deref() == Some(project.as_str())).count();
    assert_eq!(shown, 1);
    app.send(key('s'));
    app.run_until(Duration::from_secs(20), |s| {
        ids.iter().all(|id| s.containers.list.items().iter().any(|c| &c.id == id && !c.state.is_running()))
    })
    .await
    .expect("the whole project stopped");
    app.send(key('u'));
    app.run_until(Duration::from_secs(20), |s| {
        ids.iter().all(|id| s.containers.list.items().iter().any(|c| &c.id == id && c.state.is_running()))
    })
    .await
    .expect("the whole project started again");

    // Unfold, mark the project, merge its logs.
    app.send(key('l'));
    let shown = app.state.containers.list.visible().filter(|c| c.project.as_deref() == Some(project.as_str())).count();
    assert_eq!(shown, 3);
    app.send(key('='));
    assert_eq!(app.state.containers.marked.len(), 3);
    app.send(key('M'));
    app.run_until(TIMEOUT, |s| {
        let texts: Vec<&str> = s.logs.buffer.iter().map(|(_, l)| l.text.as_str()).collect();
        ["web-1", "web-2", "db-1"].iter().all(|w| texts.contains(w))
    })
    .await
    .expect("the merged logs of the project");
    assert_eq!(app.state.logs.sources.len(), 3);
    // Each container's history arrived in one piece, yet the merge reads as one
    // timeline: the daemon's timestamps never go backwards down the buffer.
    let stamps: Vec<String> =
        app.state.logs.buffer.iter().map(|(_, l)| l.timestamp.as_deref().expect("stamped").to_string()).collect();
    let seconds = |s: &str| s.split('.').next().unwrap_or(s).trim_end_matches('Z').to_string();
    assert!(stamps.windows(2).all(|w| seconds(&w[0]) <= seconds(&w[1])), "out of order: {stamps:?}");
}

/// "Run this image": the form opens with the ports the image exposes filled in; Enter
/// on an image shows its layers.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn run_this_image_fills_in_its_exposed_ports_and_enter_shows_its_layers() {
    let api = connect(&address(), TIMEOUT).await.unwrap();
    assert_eq!(api.image_exposed_ports(live::REDIS).await.unwrap(), vec![(6379, wharf::model::Protocol::Tcp)]);

    let mut app = App::start(&host());
    app.run_until(TIMEOUT, |s| s.refresh.loaded && s.images.items().iter().any(|i| i.display_name() == live::REDIS))
        .await
        .unwrap();
    app.send(key('2'));
    let pos = app.state.images.visible().position(|i| i.display_name() == live::REDIS).unwrap();
    app.state.images.select_visible(pos);
    app.send(key('n'));
    app.run_until(TIMEOUT, |s| matches!(s.screen.modal, Some(Modal::Launch(_)))).await.expect("the form opens");
    let Some(Modal::Launch(form)) = &app.state.screen.modal else { unreachable!() };
    let draft = form.draft();
    assert_eq!(draft.image, live::REDIS);
    assert_eq!(draft.ports, "6379:6379");

    app.send(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    app.state.screen.modal = None;
    app.send(enter());
    app.run_until(TIMEOUT, |s| matches!(&s.screen.modal, Some(Modal::Inspect(v)) if v.line_count() > 3))
        .await
        .expect("details");
    let Some(Modal::Inspect(view)) = &app.state.screen.modal else { unreachable!() };
    assert!(view.lines()[0].starts_with("Layers ("), "{:?}", &view.lines()[..3]);
    assert!(view.lines().iter().any(|l| l.contains("redis-server")), "the layer that copied it in");
}

/// `t`: the processes running in a container, from the daemon's `top`, read again
/// while the view is open: a process started meanwhile shows up by itself.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn the_processes_view_lists_what_runs_in_the_container_and_follows_it() {
    let t = Labelled::new("top");
    let id = live::sleeper(&t, "busy");
    let api = connect(&address(), TIMEOUT).await.unwrap();
    let table = api.processes(&id).await.unwrap();
    assert!(table.titles.iter().any(|t| t == "PID") && table.titles.iter().any(|t| t == "CMD"), "{table:?}");
    assert!(table.rows.iter().any(|r| r.last().is_some_and(|c| c == "sleep 3600")), "{table:?}");

    let mut app = App::start(&host());
    app.run_until(TIMEOUT, |s| s.containers.list.items().iter().any(|c| c.id == id && c.state.is_running()))
        .await
        .unwrap();
    let pos = app.state.containers.list.visible().position(|c| c.id == id).unwrap();
    app.state.containers.list.select_visible(pos);
    app.send(key('t'));
    let shows = |text: &'static str| move |s: &AppState| matches!(&s.screen.modal, Some(Modal::Inspect(v)) if v.lines().iter().any(|l| l.ends_with(text)));
    app.run_until(TIMEOUT, shows("sleep 3600")).await.expect("the container's own process");
    // A second process, started by another client: the open view picks it up when the
    // clock says so (this headless app has no clock of its own: the test ticks).
    docker(&["exec", "-d", &id, "sleep", "1234"]);
    let start = app.state.screen.now + (app.state.screen.now % 2);
    let mut seen = false;
    for tick in 1..=10 {
        app.send(Msg::Tick { now: start + 2 * tick });
        if app.run_until(Duration::from_secs(1), shows("sleep 1234")).await.is_some() {
            seen = true;
            break;
        }
    }
    assert!(seen, "the new process, read again by itself");
}
