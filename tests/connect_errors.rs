//! Connecting to a daemon that is not there: the cause in words, never a panic.

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use wharf::docker::connect;
use wharf::model::DaemonErrorKind;

#[tokio::test]
async fn a_missing_socket_says_so() {
    let err = connect(&wharf::model::DaemonAddress::plain("unix:///nonexistent/docker.sock"), Duration::from_secs(2))
        .await
        .err()
        .expect("no daemon there");
    assert_eq!(err.kind, DaemonErrorKind::Unreachable);
    assert_eq!(err.message, "cannot reach Docker at unix:///nonexistent/docker.sock: no socket at that path");
    assert!(err.hint.unwrap().contains("daemon running"));
}

#[tokio::test]
async fn a_socket_nobody_listens_on_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dead.sock");
    // Bind and close: the socket file stays, nobody accepts.
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    let host = format!("unix://{}", path.display());
    let err =
        connect(&wharf::model::DaemonAddress::plain(host), Duration::from_secs(2)).await.err().expect("nobody listens");
    assert_eq!(err.kind, DaemonErrorKind::Unreachable, "{err}");
    assert!(err.message.ends_with("connection refused"), "{}", err.message);
}

#[tokio::test]
async fn a_daemon_that_never_answers_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("silent.sock");
    let listener = tokio::net::UnixListener::bind(&path).unwrap();
    // Accept connections and never answer.
    let _keep = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let host = format!("unix://{}", path.display());
    let started = std::time::Instant::now();
    let err =
        connect(&wharf::model::DaemonAddress::plain(host), Duration::from_secs(1)).await.err().expect("no answer");
    assert_eq!(err.kind, DaemonErrorKind::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "bounded by the timeout, not bollard's 120 s");
}

#[tokio::test]
async fn an_unknown_scheme_is_explained() {
    let err = connect(&wharf::model::DaemonAddress::plain("ftp://x"), Duration::from_secs(1))
        .await
        .err()
        .expect("not supported");
    assert!(err.message.contains("unix://PATH, tcp://HOST:PORT or ssh://USER@HOST"), "{err}");
}
