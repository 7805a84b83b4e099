//! Reaching a daemon by hand, for the few requests wharf sends outside bollard (the
//! raw upgrades of `exec.rs`): a unix socket, TCP, TCP with TLS, or `docker system
//! dial-stdio` run over ssh, as the docker CLI does for `ssh://` hosts.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, Join, ReadBuf};
use tokio::process::{Child, ChildStdin, ChildStdout};

use crate::model::{DaemonAddress, DaemonError, DaemonErrorKind, TlsFiles};
use crate::text::sanitize;

pub trait Io: AsyncRead + AsyncWrite + Send {}
impl<T: AsyncRead + AsyncWrite + Send> Io for T {}

/// Opens a fresh byte stream to the daemon at `address`.
pub async fn dial(address: &DaemonAddress) -> Result<Pin<Box<dyn Io>>, DaemonError> {
    let host = address.host.as_str();
    let unreachable = |e: std::io::Error| {
        DaemonError::new(DaemonErrorKind::Unreachable, format!("cannot reach Docker at {}: {e}", sanitize(host)))
    };
    if let Some(socket) = host.strip_prefix("unix://").or_else(|| host.starts_with('/').then_some(host)) {
        return Ok(Box::pin(tokio::net::UnixStream::connect(socket).await.map_err(unreachable)?));
    }
    if let Some(target) = host.strip_prefix("ssh://") {
        return Ok(Box::pin(ssh_dial_stdio(target).map_err(unreachable)?));
    }
    let Some(authority) =
        host.strip_prefix("tcp://").or_else(|| host.strip_prefix("http://")).or_else(|| host.strip_prefix("https://"))
    else {
        return Err(DaemonError::new(
            DaemonErrorKind::Unsupported,
            format!("wharf cannot talk to {}: use unix://, tcp:// or ssh://", sanitize(host)),
        ));
    };
    let authority = authority.trim_end_matches('/');
    let tcp = tokio::net::TcpStream::connect(authority).await.map_err(unreachable)?;
    let Some(tls) = &address.tls else {
        return Ok(Box::pin(tcp));
    };
    let config = client_config(tls).map_err(|e| DaemonError::new(DaemonErrorKind::Unreachable, e))?;
    let name = authority.rsplit_once(':').map_or(authority, |(name, _)| name);
    let name = name.trim_start_matches('[').trim_end_matches(']');
    let server = ServerName::try_from(name.to_string()).map_err(|e| {
        DaemonError::new(DaemonErrorKind::Unreachable, format!("{} is no valid TLS server name: {e}", sanitize(name)))
    })?;
    let stream = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(server, tcp).await.map_err(|e| {
        DaemonError::new(
            DaemonErrorKind::Unreachable,
            format!("TLS handshake with {} failed: {}", sanitize(host), sanitize(&e.to_string())),
        )
    })?;
    Ok(Box::pin(stream))
}

/// Checks that the TLS files can be read and make sense, so a wrong path or a key
/// that is not a key is said before any connection is tried.
pub fn check_tls_files(tls: &TlsFiles) -> Result<(), String> {
    client_config(tls).map(|_| ())
}

/// A TLS client that trusts the CA of `ca.pem` and proves itself with
/// `cert.pem`/`key.pem`, as `docker --tlsverify` does.
fn client_config(tls: &TlsFiles) -> Result<rustls::ClientConfig, String> {
    let unreadable = |path: &std::path::Path, e: &dyn std::fmt::Display| {
        format!("cannot read the TLS file {}: {e}", sanitize(&path.display().to_string()))
    };
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&tls.ca).map_err(|e| unreadable(&tls.ca, &e))? {
        roots.add(cert.map_err(|e| unreadable(&tls.ca, &e))?).map_err(|e| unreadable(&tls.ca, &e))?;
    }
    if roots.is_empty() {
        return Err(unreadable(&tls.ca, &"no certificate in it"));
    }
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots);
    // A context made with only a CA (`ca=…`) verifies the server and shows no
    // certificate of its own, as the docker CLI does then.
    if !tls.cert.exists() && !tls.key.exists() {
        return Ok(builder.with_no_client_auth());
    }
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&tls.cert)
        .map_err(|e| unreadable(&tls.cert, &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| unreadable(&tls.cert, &e))?;
    if chain.is_empty() {
        return Err(unreadable(&tls.cert, &"no certificate in it"));
    }
    let key = PrivateKeyDer::from_pem_file(&tls.key).map_err(|e| unreadable(&tls.key, &e))?;
    builder
        .with_client_auth_cert(chain, key)
        .map_err(|e| format!("the TLS certificate and key do not fit together: {e}"))
}

/// The ssh arguments for `ssh://[user@]host[:port]`: the user's ssh config and agent
/// apply, as with the docker CLI. `BatchMode` because nobody can answer a password
/// prompt inside the TUI.
pub fn ssh_args(target: &str) -> Vec<String> {
    let target = target.trim_end_matches('/');
    let (user_host, port) = match target.rsplit_once(':') {
        Some((head, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => (head, Some(port)),
        _ => (target, None),
    };
    let mut args = vec!["-o".to_string(), "BatchMode=yes".to_string()];
    if let Some(port) = port {
        args.extend(["-p".to_string(), port.to_string()]);
    }
    // "--" so a host that starts with "-" cannot be taken for an option.
    args.extend(["--".to_string(), user_host.to_string()]);
    args.extend(["docker", "system", "dial-stdio"].map(String::from));
    args
}

fn ssh_dial_stdio(target: &str) -> std::io::Result<SshStream> {
    let mut child = tokio::process::Command::new("ssh")
        .args(ssh_args(target))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let (Some(stdout), Some(stdin)) = (child.stdout.take(), child.stdin.take()) else {
        return Err(std::io::Error::other("ssh gave no pipes"));
    };
    Ok(SshStream { io: tokio::io::join(stdout, stdin), _child: child })
}

/// ssh's stdout and stdin as one stream; the ssh process lives (and is killed) with it.
struct SshStream {
    io: Join<ChildStdout, ChildStdin>,
    _child: Child,
}

impl AsyncRead for SshStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for SshStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_targets_become_ssh_arguments() {
        assert_eq!(
            ssh_args("me@box:2222"),
            ["-o", "BatchMode=yes", "-p", "2222", "--", "me@box", "docker", "system", "dial-stdio"]
        );
        assert_eq!(ssh_args("alias"), ["-o", "BatchMode=yes", "--", "alias", "docker", "system", "dial-stdio"]);
        assert_eq!(ssh_args("-oProxyCommand=x")[2..4], ["--", "-oProxyCommand=x"]);
    }

    #[test]
    fn bad_tls_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let tls = TlsFiles::in_dir(dir.path());
        let err = check_tls_files(&tls).unwrap_err();
        assert!(err.contains("ca.pem"), "{err}");
        std::fs::write(&tls.ca, "not a pem").unwrap();
        let err = check_tls_files(&tls).unwrap_err();
        assert!(err.contains("ca.pem") && err.contains("no certificate"), "{err}");
    }
}
