//! Edit and recreate against the scripted daemon: the order of the steps, and what
//! each failure puts back. Time is tokio's paused clock: the settle time passes at once.

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fake;

use fake::{FakeDocker, Reply, api, error};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use wharf::app::recreate::recreate;
use wharf::launch::recreate::RecreatePlan;
use wharf::model::{DaemonErrorKind, LaunchSpec};

fn plan(healthcheck: bool) -> RecreatePlan {
    RecreatePlan {
        old_id: "old0123456789".into(),
        old_name: "cache".into(),
        spec: LaunchSpec { image: "redis:7".into(), name: Some("cache".into()), ..Default::default() },
        pull: false,
        was_running: true,
        has_healthcheck: healthcheck,
    }
}

fn actions(fake: &FakeDocker) -> Vec<String> {
    fake.calls_to::<api::ContainerAction>().into_iter().map(|c| c.join(" ")).collect()
}

fn renames(fake: &FakeDocker) -> Vec<String> {
    fake.calls_to::<api::RenameContainer>().into_iter().map(|c| c.join(" -> ")).collect()
}

async fn run(fake: &FakeDocker, plan: &RecreatePlan) -> (Result<String, wharf::model::DaemonError>, Vec<String>) {
    let mut steps = Vec::new();
    let result = recreate(fake, plan, None, &CancellationToken::new(), |s| steps.push(s), |_| {}).await;
    (result, steps)
}

#[tokio::test(start_paused = true)]
async fn a_recreate_creates_aside_stops_starts_watches_then_swaps_names() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::CreateContainer>("new42".into());
    fake.always_ok::<api::ContainerJson>(json!({"State": {"Status": "running"}, "RestartCount": 0}));

    let (result, steps) = run(&fake, &plan(false)).await;

    assert_eq!(result.unwrap(), "new42");
    let created = fake.calls_to::<api::CreateContainer>();
    assert!(created[0][1].contains("name: Some(\"cache-wharf-new-old01234\")"), "{created:?}");
    assert_eq!(
        actions(&fake),
        [
            "old0123456789 Stop",
            "new42 Start",
            // Its anonymous volumes now belong to the new container.
            "old0123456789 Remove { force: true, volumes: false }"
        ]
    );
    assert_eq!(renames(&fake), ["old0123456789 -> cache-wharf-old-old01234", "new42 -> cache"]);
    assert!(fake.calls_to::<api::ContainerJson>().len() >= 6, "watched for the settle time, every 0.5 s");
    assert_eq!(
        steps,
        [
            "creating the new container as cache-wharf-new-old01234",
            "stopping cache",
            "starting the new container",
            "watching that it stays up",
            "renaming cache to cache-wharf-old-old01234",
            "renaming the new container to cache",
            "removing the old container (cache-wharf-old-old01234)",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_start_that_fails_removes_the_new_one_and_starts_the_old_one_again() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::CreateContainer>("new42".into());
    fake.ok::<api::ContainerAction>(());
    fake.err::<api::ContainerAction>(error(
        DaemonErrorKind::Api,
        "Bind for 127.0.0.1:7000 failed: port is already allocated",
    ));

    let (result, _) = run(&fake, &plan(false)).await;

    let error = result.unwrap_err();
    assert_eq!(
        error.message,
        "could not start the new container: Bind for 127.0.0.1:7000 failed: port is already allocated; \
         the new container was removed; cache runs again"
    );
    assert_eq!(
        actions(&fake),
        ["old0123456789 Stop", "new42 Start", "new42 Remove { force: true, volumes: true }", "old0123456789 Start"]
    );
    assert!(renames(&fake).is_empty(), "the old one never lost its name");
}

#[tokio::test(start_paused = true)]
async fn a_new_container_that_dies_or_stays_unhealthy_is_rolled_back() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::CreateContainer>("new42".into());
    fake.ok::<api::ContainerJson>(json!({"State": {"Status": "running"}, "RestartCount": 0}));
    fake.ok::<api::ContainerJson>(json!({"State": {"Status": "exited", "ExitCode": 1}, "RestartCount": 0}));
    let (result, _) = run(&fake, &plan(false)).await;
    let message = result.unwrap_err().message;
    assert!(
        message.starts_with("could not watch the new container settle: it did not stay up (exited, exit code 1)"),
        "{message}"
    );
    assert_eq!(actions(&fake)[2..], ["new42 Remove { force: true, volumes: true }", "old0123456789 Start"]);

    // A healthcheck that never turns healthy: given up after a minute.
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::CreateContainer>("new42".into());
    fake.always_ok::<api::ContainerJson>(json!({"State": {"Status": "running", "Health": {"Status": "starting"}}}));
    let started = tokio::time::Instant::now();
    let (result, _) = run(&fake, &plan(true)).await;
    assert!(result.unwrap_err().message.contains("it was not healthy within 60 s"));
    assert!(started.elapsed() >= std::time::Duration::from_secs(60));
    assert_eq!(actions(&fake).last().unwrap(), "old0123456789 Start");
}

#[tokio::test(start_paused = true)]
async fn a_failed_rename_gives_the_old_container_its_name_back() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::CreateContainer>("new42".into());
    fake.always_ok::<api::ContainerJson>(json!({"State": {"Status": "running", "Health": {"Status": "healthy"}}}));
    fake.ok::<api::RenameContainer>(());
    fake.err::<api::RenameContainer>(error(DaemonErrorKind::Conflict, "name in use"));

    let (result, _) = run(&fake, &plan(true)).await;

    assert!(result.unwrap_err().message.starts_with("could not give the new container its name: name in use"));
    assert_eq!(
        renames(&fake),
        ["old0123456789 -> cache-wharf-old-old01234", "new42 -> cache", "old0123456789 -> cache"]
    );
    assert_eq!(actions(&fake).last().unwrap(), "old0123456789 Start");
}

#[tokio::test(start_paused = true)]
async fn a_failed_create_changes_nothing() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.reply::<api::CreateContainer>(Reply::err(error(DaemonErrorKind::NotFound, "No such image: redis:8")));
    let (result, _) = run(&fake, &plan(false)).await;
    assert_eq!(
        result.unwrap_err().message,
        "could not create the new container: No such image: redis:8; nothing was changed"
    );
    assert!(actions(&fake).is_empty());
}
