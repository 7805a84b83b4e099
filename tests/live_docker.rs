//! The bollard layer against a real daemon: what wharf lists is exactly what was created.
//! Run by `scripts/test.sh` (see tests/live/mod.rs for why these are `#[ignore]`d).

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::time::Duration;

use futures::StreamExt;
use live::{BUSYBOX, Labelled, REDIS, address, docker, free_port};
use wharf::docker::{DockerApi, connect};
use wharf::model::{ContainerState, DaemonErrorKind, EnvVar, EventKind, PortMapping, Protocol};

const TIMEOUT: Duration = Duration::from_secs(10);

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn lists_a_containers_ports_and_env_exactly() {
    let t = Labelled::new("ports-env");
    let name = t.name("redis");
    let port = free_port();
    let id = docker(&[
        "run",
        "-d",
        "--label",
        &t.label,
        "--name",
        &name,
        "-p",
        &format!("127.0.0.1:{port}:6379"),
        "-p",
        "127.0.0.1::5353/udp",
        "--expose",
        "9000",
        "-e",
        "GREETING=hello world",
        "-e",
        "EMPTY=",
        "-e",
        "DB_PASSWORD=s3cret",
        "-e",
        "WHARF_TEST_BARE",
        REDIS,
    ]);

    let api = connect(&address(), TIMEOUT).await.expect("the daemon answers");
    let info = api.info();
    assert!(!info.version.is_empty() && info.api_version.starts_with("1."), "{info:?}");

    let rows = api.list_containers().await.unwrap();
    let row = rows.iter().find(|r| r.id == id).expect("the new container is listed");
    assert_eq!(row.name, name);
    assert_eq!(row.image, REDIS);
    assert_eq!(row.state, ContainerState::Running);
    assert!(row.status.starts_with("Up"), "{}", row.status);
    // Its duration ages on screen without another list: an hour later it reads so.
    let listed_at = row.status_age.expect("the daemon's status has a duration").listed_at;
    assert!(listed_at > 0, "stamped when listed");
    assert_eq!(row.status_at(listed_at + 3600), "Up About an hour", "from {:?}", row.status);
    assert!(row.ports_short().contains(&format!("127.0.0.1:{port}->6379/tcp")), "{}", row.ports_short());

    let details = api.inspect_container(&id).await.unwrap();
    let tcp = PortMapping {
        container_port: 6379,
        protocol: Protocol::Tcp,
        host_ip: "127.0.0.1".into(),
        host_port: Some(port),
    };
    assert!(details.ports.contains(&tcp), "{:?}", details.ports);
    let udp = details.ports.iter().find(|p| p.container_port == 5353).expect("the udp port");
    assert_eq!(udp.protocol, Protocol::Udp);
    assert_eq!(udp.host_ip, "127.0.0.1");
    assert!(udp.host_port.is_some(), "a random host port was bound: {udp:?}");
    let exposed =
        PortMapping { container_port: 9000, protocol: Protocol::Tcp, host_ip: String::new(), host_port: None };
    assert!(details.ports.contains(&exposed), "{:?}", details.ports);

    let env = |key: &str| details.env.iter().find(|v| v.key == key).cloned();
    assert_eq!(env("GREETING"), Some(EnvVar { key: "GREETING".into(), value: Some("hello world".into()) }));
    assert_eq!(env("EMPTY"), Some(EnvVar { key: "EMPTY".into(), value: Some(String::new()) }));
    assert!(env("DB_PASSWORD").unwrap().looks_secret());
    // `-e WHARF_TEST_BARE`, unset in the CLI's environment is stored verbatim, without `=`.
    assert_eq!(env("WHARF_TEST_BARE"), Some(EnvVar { key: "WHARF_TEST_BARE".into(), value: None }));
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_container_started_from_outside_arrives_through_the_event_stream() {
    let t = Labelled::new("events");
    let api = connect(&address(), TIMEOUT).await.expect("the daemon answers");
    let mut events = api.events();
    // The event request goes out on the first poll; give it a moment to be subscribed.
    let _ = tokio::time::timeout(Duration::from_millis(300), events.next()).await;
    let id = docker(&["run", "-d", "--label", &t.label, "--name", &t.name("ev"), BUSYBOX, "sleep", "60"]);
    let start = tokio::time::timeout(TIMEOUT, async {
        while let Some(event) = events.next().await {
            let event = event.expect("a readable event");
            if event.kind == EventKind::Container && event.id == id && event.action == "start" {
                return Some(event);
            }
        }
        None
    })
    .await
    .expect("a start event within 10 s");
    assert!(start.is_some(), "the event stream ended before the start event");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn a_removed_container_gives_not_found() {
    let t = Labelled::new("gone");
    let api = connect(&address(), TIMEOUT).await.expect("the daemon answers");
    let id = docker(&["create", "--label", &t.label, BUSYBOX]);
    docker(&["rm", &id]);
    let err = api.inspect_container(&id).await.unwrap_err();
    assert_eq!(err.kind, DaemonErrorKind::NotFound, "{err}");
    assert!(err.message.contains("No such container"), "{err}");
}

#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn images_are_listed_with_tags_and_sizes() {
    let api = connect(&address(), TIMEOUT).await.expect("the daemon answers");
    let images = api.list_images().await.unwrap();
    let busybox = images.iter().find(|i| i.tags.iter().any(|t| t == BUSYBOX)).expect("the test image is listed");
    assert!(busybox.size > 0);
    assert_eq!(busybox.short_id().len(), 12);
}

/// The first list (asked for before the version round trip, on the unversioned path)
/// lists a container as the negotiated client does.
#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn the_first_list_before_connecting_matches_the_connected_list() {
    let t = Labelled::new("first-list");
    let id = live::sleeper(&t, "a");
    // Room for every container other tests make meanwhile.
    let first = wharf::docker::first_containers(&address(), TIMEOUT, 100_000, true).await.expect("the first list");
    assert!(!first.more, "a list shorter than asked for is whole");
    let first = first.rows;
    let api = connect(&address(), TIMEOUT).await.expect("the daemon answers");
    let listed = api.list_containers().await.expect("the list");
    let early = first.iter().find(|c| c.id == id).expect("the sleeper is in the first list");
    let later = listed.iter().find(|c| c.id == id).expect("and in the connected list");
    assert_eq!(
        (&early.name, &early.image, &early.image_id, &early.state, &early.ports, &early.networks),
        (&later.name, &later.image, &later.image_id, &later.state, &later.ports, &later.networks)
    );
    assert_eq!(early.name, t.name("a"));
}

/// A screenful of the first list is the daemon's newest containers: asked for one row,
/// it gets one, never the older of two made one after the other, and is told there
/// are more. (Other tests may make newer ones meanwhile, so which one is not asked.)
#[tokio::test]
#[ignore = "needs a Docker daemon: run scripts/test.sh"]
async fn the_first_list_asks_for_a_screenful_of_the_newest() {
    let t = Labelled::new("first-head");
    let older = live::sleeper(&t, "older");
    let _newer = live::sleeper(&t, "newer");
    let head = wharf::docker::first_containers(&address(), TIMEOUT, 1, true).await.expect("the first list");
    assert_eq!(head.rows.len(), 1, "{:?}", head.rows);
    assert!(head.more, "the daemon holds more than one");
    assert_ne!(head.rows[0].id, older, "the newest come first");
}
