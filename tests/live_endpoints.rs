//! Every way wharf reaches a daemon, against the test daemon: a unix socket, plain
//! TCP, TCP with TLS (client certificates), ssh (`docker system dial-stdio`), and a
//! real Podman service. Each lists containers and runs an exec through the same path
//! the console uses. Then several hosts at once, one of them down, and switching the
//! daemon at runtime.
//!
//! `scripts/remote-endpoints.sh` (run by the README's test command) sets the
//! endpoints up and writes their addresses to /tmp/wharf-endpoints/env. Without that
//! file these tests fail: a missing endpoint is a failure, not a skip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use wharf::app::connection::{ConnectFn, Connections, EndpointControl};
use wharf::app::msg::Msg;
use wharf::docker::{BollardDocker, DockerApi, connect};
use wharf::model::{ContainerState, DaemonAddress, DaemonErrorKind, FleetReport, TlsFiles};
use wharf::state::{FleetRow, FleetState};

use live::{BUSYBOX, Labelled, address, docker};

const TIMEOUT: Duration = Duration::from_secs(10);

/// The addresses `scripts/remote-endpoints.sh` wrote.
fn endpoints() -> HashMap<String, String> {
    let path = Path::new("/tmp/wharf-endpoints/env");
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/remote-endpoints.sh (scripts/test.sh does)", path.display()));
    text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn endpoint(key: &str) -> String {
    let value = endpoints().get(key).cloned().unwrap_or_default();
    assert!(!value.is_empty(), "{key} is not set in /tmp/wharf-endpoints/env");
    value
}

/// Connects to `address`, finds the labelled container `id` in the list, and runs
/// `echo` in it through the raw exec upgrade the console uses.
async fn lists_and_execs(address: &DaemonAddress, id: &str) -> BollardDocker {
    let api = connect(address, TIMEOUT).await.unwrap_or_else(|e| panic!("{}: {e}", address.host));
    let rows = api.list_containers().await.unwrap();
    let row = rows.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("{} lists the container", address.host));
    assert_eq!(row.state, ContainerState::Running);

    let exec = api.create_exec(id, &["echo".into(), format!("hello over {}", address.host)], "w0s0e").await.unwrap();
    let (mut read, _write) = api.start_exec(&exec).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(TIMEOUT, read.read_to_end(&mut out)).await.expect("the exec ends").unwrap();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains(&format!("hello over {}", address.host)), "{text:?}");
    api
}

fn running_busybox(t: &Labelled, suffix: &str) -> String {
    docker(&["run", "-d", "--network", "none", "--label", &t.label, "--name", &t.name(suffix), BUSYBOX, "sleep", "120"])
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn over_a_unix_socket() {
    let t = Labelled::new("ep-unix");
    let id = running_busybox(&t, "c");
    let api = lists_and_execs(&address(), &id).await;
    assert!(api.info().engine.contains("Docker"), "{:?}", api.info());
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn over_plain_tcp() {
    let t = Labelled::new("ep-tcp");
    let id = running_busybox(&t, "c");
    lists_and_execs(&DaemonAddress::plain(endpoint("WHARF_TCP_HOST")), &id).await;
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn over_tcp_with_tls_and_client_certificates() {
    let t = Labelled::new("ep-tls");
    let id = running_busybox(&t, "c");
    let certs = endpoint("WHARF_TLS_CERT_PATH");
    let host = endpoint("WHARF_TLS_HOST");
    let address = DaemonAddress { host: host.clone(), tls: Some(TlsFiles::in_dir(Path::new(&certs))) };
    lists_and_execs(&address, &id).await;

    // Without TLS the listener answers no HTTP: a clear error, not a hang.
    let plain = connect(&DaemonAddress::plain(host.clone()), Duration::from_secs(3)).await.err().expect("no TLS");
    assert!(matches!(plain.kind, DaemonErrorKind::Unreachable | DaemonErrorKind::Timeout | DaemonErrorKind::Other));
    // A missing key is named before anything is tried.
    let dir = tempfile::tempdir().unwrap();
    for file in ["ca.pem", "cert.pem"] {
        std::fs::copy(Path::new(&certs).join(file), dir.path().join(file)).unwrap();
    }
    let no_key = DaemonAddress { host: host.clone(), tls: Some(TlsFiles::in_dir(dir.path())) };
    let err = connect(&no_key, TIMEOUT).await.err().expect("no key");
    assert!(err.message.contains("key.pem"), "{err}");
    // Only a CA (a context made with `ca=` alone): wharf offers no certificate, and this
    // daemon, which wants one, refuses the handshake; no complaint about missing files.
    std::fs::remove_file(dir.path().join("cert.pem")).unwrap();
    let ca_only = DaemonAddress { host, tls: Some(TlsFiles::in_dir(dir.path())) };
    let err = connect(&ca_only, TIMEOUT).await.err().expect("the daemon wants a client certificate");
    assert!(!err.message.contains("cert.pem") && !err.message.contains("key.pem"), "{err}");
}

/// A daemon whose certificate a CA in the system's trust store signed, but not the CA
/// of the configured `ca.pem`: refused, as `docker --tlsverify` refuses it. (bollard's
/// own TLS transport, which wharf used before, trusted the system's roots too and
/// connected to this very endpoint.)
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn tls_trusts_the_configured_ca_only_not_the_systems() {
    let certs = endpoint("WHARF_TLS_CERT_PATH");
    let host = endpoint("WHARF_TLS_SYSTEM_CA_HOST");
    // The premise: the system's store does vouch for this daemon (so only wharf's
    // choice of roots can refuse it).
    let verified = std::process::Command::new("openssl")
        .args(["s_client", "-connect", host.trim_start_matches("tcp://"), "-verify_return_error", "-brief"])
        .args(["-CAfile", "/etc/ssl/certs/ca-certificates.crt"])
        .args(["-cert", &format!("{certs}/cert.pem"), "-key", &format!("{certs}/key.pem")])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "the system's trust store should vouch for {host}: {}",
        String::from_utf8_lossy(&verified.stderr)
    );

    let address = DaemonAddress { host: host.clone(), tls: Some(TlsFiles::in_dir(Path::new(&certs))) };
    let err = connect(&address, TIMEOUT).await.err().expect("a certificate the configured CA did not sign is refused");
    assert_eq!(err.kind, DaemonErrorKind::Unreachable, "{err}");
    assert!(err.message.starts_with(&format!("TLS handshake with {host} failed")), "{err}");
    assert!(err.message.contains("UnknownIssuer") || err.message.contains("unknown issuer"), "{err}");
    let hint = err.hint.unwrap_or_default();
    assert!(hint.contains(&format!("{certs}/ca.pem")), "the hint names the CA wharf trusts: {hint}");
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn over_ssh() {
    let t = Labelled::new("ep-ssh");
    let id = running_busybox(&t, "c");
    lists_and_execs(&DaemonAddress::plain(endpoint("WHARF_SSH_HOST")), &id).await;
    // A host ssh cannot reach: the error says so, in bounded time.
    let err = connect(&DaemonAddress::plain("ssh://root@127.0.0.1:1"), Duration::from_secs(5)).await.err();
    assert!(err.is_some(), "nothing listens on port 1");
}

/// An ssh host whose key is unknown while the user's ssh config says
/// `StrictHostKeyChecking yes`: refused, with words that name the host and what to
/// do, and the user's known_hosts is left as it was. (bollard's ssh transport passed
/// `StrictHostKeyChecking=accept-new`, connected and wrote the key there.)
///
/// ssh reads `~/.ssh/config` from the passwd entry, not `$HOME`, so the policy comes
/// from the user's real config: `scripts/remote-endpoints.sh` includes an alias there
/// with that policy and a known_hosts file of its own.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn ssh_keeps_the_users_strict_host_key_policy() {
    let host = endpoint("WHARF_SSH_STRICT_HOST");
    let known_hosts = endpoint("WHARF_SSH_STRICT_KNOWN_HOSTS");
    // Not empty, so an append or a rewrite shows; no entry for this host.
    let before = b"# wharf live test: no key for the test sshd here\n".to_vec();
    std::fs::write(&known_hosts, &before).unwrap();

    let err =
        connect(&DaemonAddress::plain(host.clone()), TIMEOUT).await.err().expect("an unknown host key is refused");
    let alias = host.trim_start_matches("ssh://");
    assert_eq!(err.kind, DaemonErrorKind::Unreachable, "{err}");
    assert_eq!(err.message, format!("ssh refused the host key of {alias}: it is unknown or changed"));
    let hint = err.hint.clone().unwrap_or_default();
    assert!(hint.contains(&format!("`ssh {alias}`")) && hint.contains("known_hosts"), "{hint}");
    assert_eq!(std::fs::read(&known_hosts).unwrap(), before, "known_hosts is unchanged");

    // The same sshd under the alias that trusts its key answers: what was refused is
    // the key, not the host.
    let api = connect(&DaemonAddress::plain(endpoint("WHARF_SSH_HOST")), TIMEOUT).await.unwrap();
    assert!(api.info().engine.contains("Docker"), "the same sshd under the trusting alias answers");
    assert_eq!(std::fs::read(&known_hosts).unwrap(), before, "known_hosts is unchanged");
}

/// Podman's Docker-compatible API: its engine name, and states Docker does not have
/// ("created" containers Podman never started, "stopped"/"exited" ones) keep the list.
#[tokio::test]
#[ignore = "needs a Podman service"]
async fn a_real_podman_service() {
    let host = endpoint("WHARF_PODMAN_HOST");
    let label = Labelled::new("ep-podman").label.clone();
    let podman = |args: &[&str]| {
        let out = std::process::Command::new("podman").args(args).output().unwrap();
        assert!(out.status.success(), "podman {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let image = "localhost/wharf-test/busybox:latest";
    let created = podman(&["create", "--label", &label, image, "sleep", "60"]);
    let running = podman(&["run", "-d", "--label", &label, image, "sleep", "60"]);
    let cleanup = scopeguard(|| {
        let _ = std::process::Command::new("podman").args(["rm", "-f", "-t", "0", &created, &running]).output();
    });

    let api = connect(&DaemonAddress::plain(host), TIMEOUT).await.unwrap();
    assert!(api.info().engine.contains("Podman"), "{:?}", api.info());
    let rows = api.list_containers().await.unwrap();
    let state_of = |id: &str| rows.iter().find(|r| r.id == id).map(|r| r.state.clone());
    assert_eq!(state_of(&running), Some(ContainerState::Running), "{rows:?}");
    assert!(state_of(&created).is_some(), "the created container is listed: {rows:?}");
    let details = api.inspect_container(&running).await.unwrap();
    assert!(details.env.iter().any(|e| e.key == "PATH"), "{:?}", details.env);
    drop(cleanup);
}

/// Runs `f` when dropped (cleanup that happens even when an assertion fails).
fn scopeguard(f: impl FnOnce()) -> impl Drop {
    struct Guard<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for Guard<F> {
        fn drop(&mut self) {
            if let Some(f) = self.0.take() {
                f();
            }
        }
    }
    Guard(Some(f))
}

/// Two hosts watched at once, one of them down: one list, and one clear error.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn two_hosts_one_down_show_one_list_and_one_error() {
    let t = Labelled::new("ep-fleet");
    let id = running_busybox(&t, "c");
    let hosts = vec![
        ("up".to_string(), DaemonAddress::plain(endpoint("WHARF_TCP_HOST"))),
        ("down".to_string(), DaemonAddress::plain("tcp://127.0.0.1:1")),
    ];
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    for (i, (_, address)) in hosts.iter().enumerate() {
        let address = address.clone();
        let connect_once = move || {
            let address = address.clone();
            async move { connect(&address, TIMEOUT).await }
        };
        let (_stats, stats_wanted) = tokio::sync::watch::channel(false);
        tokio::spawn(wharf::app::fleet::watch(i, connect_once, TIMEOUT, stats_wanted, tx.clone(), cancel.clone()));
    }
    let mut fleet = FleetState::new(hosts);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let (mut up, mut down) = (false, false);
    while !(up && down) {
        let msg = tokio::time::timeout_at(deadline, rx.recv()).await.expect("both hosts report").unwrap();
        let Msg::Fleet { host, report } = msg else { continue };
        match &report {
            FleetReport::Up { containers, .. } => up |= host == 0 && containers.iter().any(|c| c.id == id),
            FleetReport::Down { .. } => down |= host == 1,
            FleetReport::Stats { .. } => {}
        }
        fleet.apply(host, report, 0);
    }
    let rows = fleet.rows.items();
    assert!(rows.iter().any(|r| matches!(r, FleetRow::Container { host: 0, row, .. } if row.id == id)));
    let errors: Vec<&String> = rows
        .iter()
        .filter_map(|r| match r {
            FleetRow::Host { note, down: true, .. } => Some(note),
            _ => None,
        })
        .collect();
    assert_eq!(errors.len(), 1, "{rows:?}");
    assert!(errors[0].contains("cannot reach Docker at tcp://127.0.0.1:1: connection refused"), "{}", errors[0]);

    // The host that is up follows its events: a new container shows up by itself. (The
    // CLI runs off this test's runtime, so the watchers keep running meanwhile.)
    let (label, name) = (t.label.clone(), t.name("second"));
    let second = tokio::task::spawn_blocking(move || {
        docker(&["run", "-d", "--network", "none", "--label", &label, "--name", &name, BUSYBOX, "sleep", "120"])
    })
    .await
    .unwrap();
    let seen = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Some(Msg::Fleet { host: 0, report: FleetReport::Up { containers, .. } }) = rx.recv().await
                && containers.iter().any(|c| c.id == second)
            {
                return;
            }
        }
    })
    .await;
    assert!(seen.is_ok(), "the new container reached the overview");
    cancel.cancel();
}

/// The picker's switch: the runner's slot gets a client of the new daemon, and the
/// old supervisor's news stop.
#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn switching_the_daemon_at_runtime() {
    let tcp = endpoint("WHARF_TCP_HOST");
    let (tx, mut rx) = mpsc::channel(256);
    let (slot_tx, mut slot_rx) = watch::channel::<Option<Arc<BollardDocker>>>(None);
    let connect_to: ConnectFn<BollardDocker> =
        Arc::new(|address: DaemonAddress| Box::pin(async move { connect(&address, TIMEOUT).await }));
    let cancel = CancellationToken::new();
    let connections = Connections::start(address(), slot_tx, tx, connect_to, Box::new(Vec::new), cancel.clone());

    let connected_to = async |rx: &mut mpsc::Receiver<Msg>| loop {
        match tokio::time::timeout(TIMEOUT, rx.recv()).await.expect("a connection").unwrap() {
            Msg::Connected(info) => return info.host,
            _ => continue,
        }
    };
    assert_eq!(connected_to(&mut rx).await, address().host);
    connections.switch(DaemonAddress::plain(tcp.clone()));
    assert_eq!(connected_to(&mut rx).await, tcp);
    slot_rx.wait_for(|c| c.as_ref().is_some_and(|c| c.info().host == tcp)).await.unwrap();
    let client = slot_rx.borrow().clone().unwrap();
    client.list_containers().await.expect("the new daemon answers");
    cancel.cancel();
}
