//! The effect runner against the scripted daemon: every request is bounded by its
//! timeout, so a daemon that never answers gives a timely error the user can read.
//! Time is tokio's paused clock: no test waits for real time.

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fake;

use std::sync::Arc;
use std::time::Duration;

use fake::{FakeDocker, Reply, api, next_msg};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use wharf::app::effect::Effect;
use wharf::app::effect::{Change, Read};
use wharf::app::msg::Answer;
use wharf::app::msg::Done;
use wharf::app::msg::Msg;
use wharf::app::runner::EffectRunner;
use wharf::model::{ContainerAction, DaemonErrorKind};
use wharf::state::RequestId;

const TIMEOUT: Duration = Duration::from_secs(5);

fn runner_on(fake: &FakeDocker) -> (EffectRunner<FakeDocker>, mpsc::Receiver<Msg>) {
    let (tx, rx) = mpsc::channel(64);
    let (_slot_tx, slot_rx) = watch::channel(Some(Arc::new(fake.clone())));
    (EffectRunner::new(tx, slot_rx, TIMEOUT), rx)
}

#[tokio::test(start_paused = true)]
async fn a_list_the_daemon_never_answers_ends_in_a_timeout_error_on_time() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.reply::<api::ListContainers>(Reply::Never);
    let (mut runner, mut rx) = runner_on(&fake);
    let started = Instant::now();

    runner.run(Effect::Read(Read::Containers { request: RequestId(7) }));

    let msg = next_msg(&mut rx, Duration::from_secs(60)).await;
    let elapsed = started.elapsed();
    let Msg::Answer(Answer::Containers { request, result }) = msg else { panic!("unexpected {msg:?}") };
    assert_eq!(request, RequestId(7));
    let error = result.unwrap_err();
    assert_eq!(error.kind, DaemonErrorKind::Timeout);
    assert_eq!(error.message, "the daemon did not answer within 5s");
    assert!(elapsed >= TIMEOUT && elapsed < TIMEOUT + Duration::from_millis(100), "answered after {elapsed:?}");
    assert_eq!(fake.calls_to::<api::ListContainers>().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_answer_just_inside_the_timeout_is_passed_on() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let rows = vec![fake::container("c1", "web", 1_700_000_000)];
    fake.reply::<api::ListContainers>(Reply::After(TIMEOUT - Duration::from_millis(10), Ok(rows.clone())));
    let (mut runner, mut rx) = runner_on(&fake);

    runner.run(Effect::Read(Read::Containers { request: RequestId(1) }));

    match next_msg(&mut rx, Duration::from_secs(60)).await {
        Msg::Answer(Answer::Containers { request: RequestId(1), result }) => assert_eq!(result.unwrap(), rows),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn an_inspect_the_daemon_never_answers_times_out_for_its_container() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.reply::<api::InspectContainer>(Reply::Never);
    let (mut runner, mut rx) = runner_on(&fake);
    let started = Instant::now();

    runner.run(Effect::Read(Read::Container { request: RequestId(3), id: "c1".into() }));

    let msg = next_msg(&mut rx, Duration::from_secs(60)).await;
    let Msg::Answer(Answer::Container { request: RequestId(3), id, result }) = msg else {
        panic!("unexpected {msg:?}")
    };
    assert_eq!(id, "c1");
    assert_eq!(result.unwrap_err().kind, DaemonErrorKind::Timeout);
    assert!(started.elapsed() < TIMEOUT + Duration::from_millis(100));
    assert_eq!(fake.calls_to::<api::InspectContainer>(), vec![vec!["c1".to_string()]]);
}

/// Stopping waits for the container's grace period before the daemon answers: the
/// timeout is longer by that, and no longer.
#[tokio::test(start_paused = true)]
async fn a_stop_is_given_the_grace_period_on_top_of_the_timeout() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.reply::<api::ContainerAction>(Reply::Never);
    let (mut runner, mut rx) = runner_on(&fake);
    let started = Instant::now();

    runner.run(Effect::Change(Change::Container {
        id: "c1".into(),
        name: "web".into(),
        action: ContainerAction::Stop,
    }));

    let msg = next_msg(&mut rx, Duration::from_secs(120)).await;
    let elapsed = started.elapsed();
    let Msg::Done(Done::Action { id, name, action, result }) = msg else { panic!("unexpected {msg:?}") };
    assert_eq!((id.as_str(), name.as_str(), action), ("c1", "web", ContainerAction::Stop));
    let limit = TIMEOUT + Duration::from_secs(wharf::docker::STOP_GRACE_SECS);
    let error = result.unwrap_err();
    assert_eq!(error.kind, DaemonErrorKind::Timeout);
    assert_eq!(error.message, format!("the daemon did not answer within {}s", limit.as_secs()));
    assert!(elapsed >= limit && elapsed < limit + Duration::from_millis(100), "answered after {elapsed:?}");
    assert_eq!(fake.calls_to::<api::ContainerAction>(), vec![vec!["c1".to_string(), "Stop".to_string()]]);
}

/// `system df` walks every layer: three times the timeout, then an error.
#[tokio::test(start_paused = true)]
async fn disk_usage_gets_three_timeouts() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.reply::<api::DiskUsage>(Reply::Never);
    let (mut runner, mut rx) = runner_on(&fake);
    let started = Instant::now();

    runner.run(Effect::Read(Read::DiskUsage));

    let msg = next_msg(&mut rx, Duration::from_secs(120)).await;
    let elapsed = started.elapsed();
    let Msg::Answer(Answer::DiskUsage(result)) = msg else { panic!("unexpected {msg:?}") };
    assert_eq!(result.unwrap_err().message, "the daemon did not answer within 15s");
    assert!(elapsed >= TIMEOUT * 3 && elapsed < TIMEOUT * 3 + Duration::from_millis(100), "after {elapsed:?}");
}

/// A stuck request holds nothing else up: other requests sent after it are answered
/// at once, and the stuck one still ends in its own timeout.
#[tokio::test(start_paused = true)]
async fn a_stuck_request_does_not_hold_up_the_others() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.reply::<api::ListContainers>(Reply::Never);
    fake.ok::<api::ListVolumes>(Vec::new());
    let (mut runner, mut rx) = runner_on(&fake);
    let started = Instant::now();

    runner.run(Effect::Read(Read::Containers { request: RequestId(1) }));
    runner.run(Effect::Read(Read::Volumes { request: RequestId(2) }));

    let first = next_msg(&mut rx, Duration::from_secs(60)).await;
    assert!(matches!(first, Msg::Answer(Answer::Volumes { request: RequestId(2), result: Ok(_) })), "{first:?}");
    assert!(started.elapsed() < Duration::from_millis(100));
    let second = next_msg(&mut rx, Duration::from_secs(60)).await;
    assert!(
        matches!(&second, Msg::Answer(Answer::Containers { request: RequestId(1), result: Err(e) }) if e.kind == DaemonErrorKind::Timeout),
        "{second:?}"
    );
}

/// No client (the supervisor has not reached the daemon): an error at once, not a wait.
#[tokio::test(start_paused = true)]
async fn without_a_client_a_request_fails_at_once() {
    let (tx, mut rx) = mpsc::channel(4);
    let (_slot_tx, slot_rx) = watch::channel::<Option<Arc<FakeDocker>>>(None);
    let mut runner = EffectRunner::new(tx, slot_rx, TIMEOUT);
    let started = Instant::now();

    runner.run(Effect::Read(Read::Images { request: RequestId(1) }));

    let msg = next_msg(&mut rx, Duration::from_secs(60)).await;
    let Msg::Answer(Answer::Images { result, .. }) = msg else { panic!("unexpected {msg:?}") };
    let error = result.unwrap_err();
    assert_eq!(error.kind, DaemonErrorKind::Unreachable);
    assert_eq!(error.message, "not connected to the daemon");
    assert_eq!(started.elapsed(), Duration::ZERO);
}

/// A build whose output the screen does not take (the channel full) still hears a
/// cancel: the request to the daemon is dropped at once (which stops the build) and
/// the build ends with "cancelled", nothing left waiting. Real time: the context is
/// planned and walked on blocking threads, which a paused clock would race.
#[tokio::test]
async fn cancelling_a_build_whose_output_waits_for_room_stops_it() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let feed = fake.feed::<api::BuildImage>();
    let (tx, mut rx) = mpsc::channel(1);
    let (_slot_tx, slot_rx) = watch::channel(Some(Arc::new(fake.clone())));
    let mut runner = EffectRunner::new(tx, slot_rx, TIMEOUT);
    let context = tempfile::tempdir().unwrap();
    std::fs::write(context.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    let spec = wharf::model::BuildSpec {
        context: context.path().to_path_buf(),
        dockerfile: "Dockerfile".into(),
        tags: vec!["demo:1".into()],
        ..Default::default()
    };
    let request = RequestId(9);
    runner.run(Effect::Change(Change::Build { request, spec: Box::new(spec) }));
    for n in 0..5 {
        feed.send(wharf::model::BuildEvent::Output(format!("Step {n}/5 : RUN true")));
    }
    // The first line fills the channel; the task now waits for room for the second.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while rx.is_empty() {
        assert!(std::time::Instant::now() < deadline, "the build's output never came");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    runner.run(Effect::Stream(wharf::app::effect::Stream::Cancel { request }));
    tokio::time::timeout(Duration::from_secs(10), feed.closed())
        .await
        .expect("the cancelled build dropped its request while its output waited for room");
    loop {
        match next_msg(&mut rx, Duration::from_secs(10)).await {
            Msg::Done(Done::BuildOutput { .. }) => {}
            Msg::Done(Done::Built { request: done, result }) => {
                assert_eq!(done, request);
                assert_eq!(result.unwrap_err().message, "the build was cancelled");
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
