//! The command line: `--read-only` enforced where requests are sent, `wharf doctor`,
//! and config mistakes reported before the dashboard starts.

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use wharf::app::effect::Change;
use wharf::app::effect::Effect;
use wharf::app::msg::Msg;
use wharf::app::msg::{Done, Streamed};
use wharf::app::runner::EffectRunner;
use wharf::docker::BollardDocker;
use wharf::model::ContainerAction;
use wharf::state::{RequestId, SessionId};

#[tokio::test]
async fn read_only_refuses_every_change_where_it_would_be_sent() {
    let (tx, mut rx) = mpsc::channel(16);
    let (_slot_tx, slot_rx) = watch::channel::<Option<Arc<BollardDocker>>>(None);
    let mut runner = EffectRunner::new(tx, slot_rx, Duration::from_secs(1)).read_only(true);
    let changes = vec![
        Effect::Change(Change::Container { id: "c".into(), name: "web".into(), action: ContainerAction::Stop }),
        Effect::Change(Change::RemoveImage { id: "i".into(), name: "redis:latest".into() }),
        Effect::Change(Change::Pull { request: RequestId(1), reference: "redis".into() }),
        Effect::Change(Change::Launch { request: RequestId(2), spec: Default::default(), attach: None }),
        Effect::Change(Change::OpenConsole {
            session: SessionId(1),
            container_id: "c".into(),
            target: wharf::state::ConsoleTarget::Attach,
            cols: 80,
            rows: 24,
        }),
        Effect::Change(Change::Object {
            change: wharf::app::effect::ObjectChange::RemoveVolume { name: "data".into() },
            done: "removed volume data".into(),
            failed: "cannot remove volume data".into(),
        }),
        Effect::Change(Change::Prune { kind: wharf::model::PruneKind::Volumes }),
        Effect::Change(Change::Swarm {
            change: wharf::model::SwarmChange::RemoveService { service: "s".into() },
            done: "removed service s".into(),
            failed: "cannot remove service s".into(),
        }),
        Effect::Change(Change::Build { request: RequestId(3), spec: Default::default() }),
        Effect::Change(Change::Push { request: RequestId(4), reference: "r.io/app:1".into() }),
        Effect::Change(Change::Tag { source: "i".into(), target: "r.io/app:1".into() }),
        Effect::Change(Change::Login {
            request: RequestId(5),
            auth: wharf::model::RegistryAuth {
                server: "r.io".into(),
                username: "u".into(),
                secret: wharf::model::Secret::new("p"),
                token: false,
            },
            keep: true,
        }),
    ];
    let count = changes.len();
    for effect in changes {
        runner.run(effect);
    }
    for _ in 0..count {
        let msg = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
        let error = match msg {
            Msg::Done(Done::Action { result, .. })
            | Msg::Done(Done::ImageRemoved { result, .. })
            | Msg::Done(Done::Pull { result, .. }) => result.unwrap_err(),
            Msg::Done(Done::Launch { result, .. }) => result.unwrap_err(),
            Msg::Stream(Streamed::ConsoleEnded { error, .. }) => error.unwrap(),
            Msg::Done(Done::Object { result, .. }) => result.unwrap_err(),
            Msg::Done(Done::Prune { result, .. }) => result.unwrap_err(),
            Msg::Done(Done::Built { result, .. }) => result.unwrap_err(),
            Msg::Done(Done::Push { result, .. }) => result.unwrap_err(),
            Msg::Done(Done::Login { result, .. }) => result.unwrap_err(),
            other => panic!("unexpected {other:?}"),
        };
        assert!(error.message.contains("read-only"), "{error}");
    }
}

fn wharf(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wharf")).args(args).output().unwrap()
}

#[test]
fn doctor_says_what_is_wrong_when_the_daemon_does_not_answer() {
    let out = wharf(&["--host", "unix:///nonexistent/wharf.sock", "doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("endpoint:  unix:///nonexistent/wharf.sock (from --host)"), "{text}");
    assert!(
        text.contains("does not answer: cannot reach Docker at unix:///nonexistent/wharf.sock: no socket"),
        "{text}"
    );
    assert!(text.contains("hint:"), "{text}");
}

#[test]
fn a_bad_config_file_is_reported_with_its_line_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "[ui]\nshow_all = true\nmask_secret = false\n").unwrap();
    let out = wharf(&["--config", path.to_str().unwrap(), "doctor"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(path.to_str().unwrap()) && err.contains("line 3") && err.contains("mask_secret"), "{err}");
}

#[test]
fn the_log_level_is_one_of_a_fixed_list() {
    let out = wharf(&["--log-level", "verbose", "--host", "unix:///nonexistent/wharf.sock", "doctor"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("'verbose'") && err.contains("error, warn, info, debug, trace"), "{err}");
    for level in ["error", "warn", "info", "debug", "trace"] {
        let out = wharf(&["--log-level", level, "--host", "unix:///nonexistent/wharf.sock", "doctor"]);
        assert_eq!(out.status.code(), Some(1), "{level} is accepted: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// The libraries' own logging never reaches the file, at any level: bollard logs every
/// response body at debug (a container inspect, env values included) and request
/// queries at trace.
#[test]
fn no_log_level_lets_the_libraries_log_what_requests_carry() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let logged_at = |level: &str| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = wharf::logging::subscriber(move || writer.clone(), level);
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: "bollard::docker", "Decoded into string: {{\"Env\":[\"TOKEN=s3cret\"]}}");
            tracing::trace!(target: "bollard::uri", "pairs: {{\"X-Registry-Auth\":\"s3cret\"}}");
            tracing::info!(target: "bollard::docker", "s3cret");
            tracing::trace!(target: "hyper_util::client::legacy::pool", "s3cret");
            tracing::error!(target: "wharf::app", "visible error");
            tracing::debug!(target: "wharf::app", "visible debug");
        });
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    };
    for level in wharf::logging::LEVELS {
        let text = logged_at(level);
        assert!(!text.contains("s3cret"), "{level}: {text}");
        assert!(text.contains("visible error"), "{level}: wharf's own events pass: {text}");
    }
    assert!(logged_at("trace").contains("visible debug"));
    assert!(!logged_at("info").contains("visible debug"));
}

/// A daemon on a unix socket (`name` in `dir`) that answers `/version` (not versioned,
/// as dockerd does) with `version_json`, and every versioned request with `{}`, or, given
/// a `refusal`, as a daemon whose API range leaves out the client's answers it. Serves
/// until the test ends.
fn fake_daemon(dir: &std::path::Path, name: &str, version_json: &'static str, refusal: Option<&'static str>) -> String {
    use std::io::{Read, Write};
    let path = dir.join(name);
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = vec![0u8; 8192];
            let n = stream.read(&mut request).unwrap_or(0);
            let head = String::from_utf8_lossy(&request[..n]);
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, body) = match refusal {
                Some(refusal) if path.starts_with("/v1.") => {
                    ("400 Bad Request", format!("{{\"message\":\"{refusal}\"}}"))
                }
                None if path.starts_with("/v1.") => ("200 OK", "{}".to_string()),
                _ if path.starts_with("/version") => ("200 OK", version_json.to_string()),
                _ => ("404 Not Found", "{\"message\":\"page not found\"}".to_string()),
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    format!("unix://{}", path.display())
}

fn daemon_refusing_versions(dir: &std::path::Path, version_json: &'static str, refusal: &'static str) -> String {
    fake_daemon(dir, "daemon.sock", version_json, Some(refusal))
}

/// A daemon newer than wharf: its oldest API is newer than wharf's newest. `/version`
/// answers, everything else is refused; `doctor` must not say it answers.
#[test]
fn doctor_fails_naming_both_versions_when_the_daemons_api_range_excludes_wharfs() {
    let dir = tempfile::tempdir().unwrap();
    let host = daemon_refusing_versions(
        dir.path(),
        r#"{"Version":"99.0.0","ApiVersion":"1.99","MinAPIVersion":"1.90","Os":"linux"}"#,
        "client version 1.53 is too old. Minimum supported API version is 1.90, please upgrade your client to a newer version",
    );
    let out = wharf(&["--host", &host, "doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(!text.contains("negotiated"), "{text}");
    let daemon_line = text.lines().find(|l| l.starts_with("daemon:")).unwrap_or_default();
    assert!(daemon_line.contains("incompatible"), "{text}");
    assert!(daemon_line.contains("1.90") && daemon_line.contains("1.53"), "both versions: {text}");
}

/// A daemon that says nothing of its oldest API in `/version` and refuses wharf's
/// versioned requests: the refusal (which names both versions) is what `doctor` says.
#[test]
fn doctor_fails_when_the_daemon_refuses_the_negotiated_version() {
    let dir = tempfile::tempdir().unwrap();
    let host = daemon_refusing_versions(
        dir.path(),
        r#"{"Version":"20.10.0","ApiVersion":"1.41","Os":"linux"}"#,
        "client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version",
    );
    let out = wharf(&["--host", &host, "doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let daemon_line = text.lines().find(|l| l.starts_with("daemon:")).unwrap_or_default();
    assert!(
        daemon_line.contains("incompatible") && daemon_line.contains("1.41") && daemon_line.contains("1.44"),
        "{text}"
    );
    assert!(text.contains("upgrade wharf or the daemon"), "{text}");
}

/// A port that speaks TLS the way dockerd's does (Go's TLS server): plain HTTP gets
/// "Client sent an HTTP request to an HTTPS server" and the connection closed with the
/// request unread (so it is often reset before the answer is read); a ClientHello
/// gets an alert. Serves until the test ends; its `tcp://` address.
fn tls_only_port() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut header = [0u8; 5];
            if stream.read_exact(&mut header).is_err() {
                continue;
            }
            if header[0] == 0x16 {
                // handshake_failure
                let _ = stream.write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
            } else {
                let _ = stream
                    .write_all(b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
            }
        }
    });
    format!("tcp://127.0.0.1:{port}")
}

/// Without a TLS environment (the test's own may have one).
fn wharf_without_tls(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(args)
        .env_remove("DOCKER_TLS_VERIFY")
        .env_remove("DOCKER_TLS")
        .env_remove("DOCKER_CERT_PATH")
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .unwrap()
}

#[test]
fn doctor_says_a_tls_port_needs_certificates_not_that_the_daemon_may_be_restarting() {
    let host = tls_only_port();
    for _ in 0..3 {
        let out = wharf_without_tls(&["--host", &host, "doctor"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.contains(&format!("{host} speaks TLS")), "{text}");
        assert!(text.contains("DOCKER_CERT_PATH") && text.contains("cert.pem") && text.contains("key.pem"), "{text}");
        assert!(!text.contains("restarting"), "{text}");
    }
}

/// `doctor` checks the config's `[[hosts]]` too, and says which answers.
#[test]
fn doctor_checks_each_configured_host_and_says_which_answers() {
    let dir = tempfile::tempdir().unwrap();
    let good = fake_daemon(dir.path(), "good.sock", r#"{"Version":"20.10.24","ApiVersion":"1.41","Os":"linux"}"#, None);
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[[hosts]]\nname = \"good\"\nhost = \"{good}\"\n\n[[hosts]]\nname = \"gone\"\nhost = \"unix:///nonexistent/gone.sock\"\n"),
    )
    .unwrap();
    let out = wharf_without_tls(&["--config", config.to_str().unwrap(), "--host", &good, "doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "the daemon in use answers: {text}");
    assert!(text.contains(&format!("host:      good ({good}) answers: Docker Engine 20.10.24, API 1.41")), "{text}");
    assert!(
        text.contains("host:      gone (unix:///nonexistent/gone.sock) does not answer: cannot reach Docker"),
        "{text}"
    );
}
