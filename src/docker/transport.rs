//! Reaching a daemon: the one dialer every byte to a daemon goes through (bollard's
//! requests and wharf's raw GETs via `daemon_http.rs`, the exec/attach upgrades of
//! `exec.rs`). A unix socket, TCP, TCP with TLS, or `docker system dial-stdio` run over
//! ssh, as the docker CLI does for `ssh://` hosts.
//!
//! As the docker CLI does, TLS trusts exactly the configured CA (`ca.pem`), never the
//! system's roots: a publicly trusted certificate for the daemon's name must not get
//! the env values and secrets wharf's requests carry. And ssh runs with the user's own
//! config and host-key policy: wharf adds no option that would accept an unknown key.

use std::io;
use std::pin::Pin;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::model::{DaemonAddress, DaemonError, DaemonErrorKind, TlsFiles};
use crate::text::sanitize;

pub trait Io: AsyncRead + AsyncWrite + Send {}
impl<T: AsyncRead + AsyncWrite + Send> Io for T {}

/// Dials the daemon at one address; cheap to clone. The TLS files are read once, when
/// it is made, so a wrong path or a key that is not a key is said before any
/// connection is tried.
#[derive(Clone)]
pub struct Dialer {
    address: Arc<DaemonAddress>,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl Dialer {
    pub fn new(address: &DaemonAddress) -> Result<Self, DaemonError> {
        let tls = match &address.tls {
            Some(files) => {
                Some(Arc::new(client_config(files).map_err(|e| DaemonError::new(DaemonErrorKind::Unreachable, e))?))
            }
            None => None,
        };
        Ok(Self { address: Arc::new(address.clone()), tls })
    }

    pub fn host(&self) -> &str {
        &self.address.host
    }

    /// Opens a fresh byte stream to the daemon. Plain failures keep their
    /// `io::ErrorKind` (refused, no such socket, ...) so `error.rs` says them in the
    /// same words for every path; the ones wharf words itself (TLS, ssh, an address it
    /// cannot use) carry a `DaemonError` inside (see `error::describe_dial`).
    pub async fn dial(&self) -> io::Result<Pin<Box<dyn Io>>> {
        let host = self.address.host.as_str();
        if let Some(socket) = unix_socket(host) {
            return Ok(Box::pin(tokio::net::UnixStream::connect(socket).await?));
        }
        if let Some(target) = host.strip_prefix("ssh://") {
            return Ok(Box::pin(super::ssh::dial_stdio(target)?));
        }
        let Some(authority) = tcp_authority(host) else {
            return Err(wharf_error(DaemonError::new(
                DaemonErrorKind::Unsupported,
                format!("wharf cannot talk to {}: use unix://, tcp:// or ssh://", sanitize(host)),
            )));
        };
        let tcp = tokio::net::TcpStream::connect(authority).await?;
        let Some(config) = &self.tls else {
            return Ok(Box::pin(tcp));
        };
        let name = authority.rsplit_once(':').map_or(authority, |(name, _)| name);
        let name = name.trim_start_matches('[').trim_end_matches(']');
        let server = ServerName::try_from(name.to_string()).map_err(|e| {
            wharf_error(DaemonError::new(
                DaemonErrorKind::Unreachable,
                format!("{} is no valid TLS server name: {e}", sanitize(name)),
            ))
        })?;
        let stream = tokio_rustls::TlsConnector::from(Arc::clone(config))
            .connect(server, tcp)
            .await
            .map_err(|e| wharf_error(self.tls_failure(&e)))?;
        Ok(Box::pin(stream))
    }

    /// A failed handshake in words; a certificate wharf does not trust names the one
    /// CA it trusts.
    fn tls_failure(&self, err: &io::Error) -> DaemonError {
        let host = sanitize(&self.address.host);
        let cause = err.get_ref().map_or_else(|| err.to_string(), ToString::to_string);
        let failed = DaemonError::new(
            DaemonErrorKind::Unreachable,
            format!("TLS handshake with {host} failed: {}", sanitize(&cause)),
        );
        let untrusted = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<rustls::Error>())
            .is_some_and(|e| matches!(e, rustls::Error::InvalidCertificate(_)));
        match (&self.address.tls, untrusted) {
            (Some(files), true) => failed.with_hint(format!(
                "the daemon's certificate is not one the CA in {} vouches for; wharf trusts that CA only, \
                 as docker --tlsverify does",
                sanitize(&files.ca.display().to_string())
            )),
            _ => failed,
        }
    }
}

/// The socket path of `unix:///path` (or a bare `/path`).
pub fn unix_socket(host: &str) -> Option<&str> {
    host.strip_prefix("unix://").or_else(|| host.starts_with('/').then_some(host))
}

/// `host:port` of `tcp://`, `http://` or `https://` addresses.
pub fn tcp_authority(host: &str) -> Option<&str> {
    host.strip_prefix("tcp://")
        .or_else(|| host.strip_prefix("http://"))
        .or_else(|| host.strip_prefix("https://"))
        .map(|a| a.trim_end_matches('/'))
}

/// An error wharf has already put in words, carried through `io::Error` (which
/// hyper and bollard pass along) to `error::describe`.
pub fn wharf_error(err: DaemonError) -> io::Error {
    io::Error::other(err)
}

/// A TLS client that trusts the CA of `ca.pem` (and nothing else) and proves itself
/// with `cert.pem`/`key.pem`, as `docker --tlsverify` does.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_tls_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let tls = TlsFiles::in_dir(dir.path());
        let address = DaemonAddress { host: "tcp://127.0.0.1:2376".into(), tls: Some(tls.clone()) };
        let err = Dialer::new(&address).err().unwrap();
        assert!(err.message.contains("ca.pem"), "{err}");
        std::fs::write(&tls.ca, "not a pem").unwrap();
        let err = Dialer::new(&address).err().unwrap();
        assert!(err.message.contains("ca.pem") && err.message.contains("no certificate"), "{err}");
    }

    #[test]
    fn addresses_name_their_way_in() {
        assert_eq!(unix_socket("unix:///run/docker.sock"), Some("/run/docker.sock"));
        assert_eq!(unix_socket("/run/docker.sock"), Some("/run/docker.sock"));
        assert_eq!(unix_socket("tcp://x:1"), None);
        assert_eq!(tcp_authority("tcp://127.0.0.1:2375/"), Some("127.0.0.1:2375"));
        assert_eq!(tcp_authority("https://[::1]:2376"), Some("[::1]:2376"));
        assert_eq!(tcp_authority("ssh://me@box"), None);
    }

    #[tokio::test]
    async fn an_unknown_scheme_is_worded_by_wharf() {
        let dialer = Dialer::new(&DaemonAddress::plain("ftp://x")).unwrap();
        let err = dialer.dial().await.err().unwrap();
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<DaemonError>()).unwrap();
        assert_eq!(inner.kind, DaemonErrorKind::Unsupported);
    }
}
