//! Turns bollard's errors into sentences. `client error (Connect)` tells a user nothing;
//! the cause (no such socket, refused, permission denied) sits deeper in the source
//! chain, so walk it.

use std::error::Error as StdError;
use std::io;

use bollard::errors::Error as BollardError;

use crate::model::{DaemonError, DaemonErrorKind};
use crate::text::sanitize;

/// Describes an error from talking to the daemon at `host`.
pub fn describe(err: &BollardError, host: &str) -> DaemonError {
    // wharf's dialer words its own failures (TLS, ssh); they come back through hyper
    // and bollard inside an `io::Error`.
    if let Some(worded) = wharf_cause(err) {
        return worded;
    }
    match err {
        BollardError::DockerResponseServerError { status_code, message } => {
            let kind = match status_code {
                304 => DaemonErrorKind::NotModified,
                404 => DaemonErrorKind::NotFound,
                409 => DaemonErrorKind::Conflict,
                501 => DaemonErrorKind::Unsupported,
                _ => DaemonErrorKind::Api,
            };
            let message = if message.trim().is_empty() {
                format!("the daemon answered {status_code}")
            } else {
                sanitize(message.trim())
            };
            let error = DaemonError::new(kind, message);
            // The daemon and wharf share no API version: say what to do about it. Its
            // message names both versions ("client version 1.41 is too old. Minimum
            // supported API version is 1.44").
            if status_code == &400 && error.message.contains("client version") {
                return DaemonError { kind: DaemonErrorKind::Incompatible, ..error }.with_hint(format!(
                    "this daemon does not speak the API versions wharf does (up to {}.{}): \
                     upgrade wharf or the daemon",
                    bollard::API_DEFAULT_VERSION.major_version,
                    bollard::API_DEFAULT_VERSION.minor_version
                ));
            }
            error
        }
        BollardError::SocketNotFoundError(path) => {
            unreachable_at(host, "no socket at that path").with_hint(socket_hint(path))
        }
        BollardError::RequestTimeoutError => {
            DaemonError::new(DaemonErrorKind::Timeout, format!("the daemon at {host} did not answer in time"))
        }
        // `IOError` is `#[error(transparent)]`: its source chain skips the io::Error
        // itself, so take it directly.
        BollardError::IOError { err } => describe_io(err, host),
        other => match io_cause(other) {
            Some(io_err) => describe_io(io_err, host),
            None => DaemonError::new(DaemonErrorKind::Other, sanitize(&chain_text(other))),
        },
    }
}

/// Describes a failure of wharf's own dialer or of a stream it opened (`exec.rs`).
pub fn describe_dial(err: &io::Error, host: &str) -> DaemonError {
    match err.get_ref().and_then(|e| e.downcast_ref::<DaemonError>()) {
        Some(worded) => worded.clone(),
        None => describe_io(err, host),
    }
}

/// A `DaemonError` wharf's dialer put into the chain, if any. `io::Error::source`
/// skips the error it wraps, so each `io::Error` is looked into as well.
fn wharf_cause(err: &(dyn StdError + 'static)) -> Option<DaemonError> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(worded) = e.downcast_ref::<DaemonError>() {
            return Some(worded.clone());
        }
        if let Some(worded) = e.downcast_ref::<io::Error>().and_then(|io| io.get_ref()?.downcast_ref::<DaemonError>()) {
            return Some(worded.clone());
        }
        if let Some(BollardError::IOError { err }) = e.downcast_ref::<BollardError>()
            && let Some(worded) = err.get_ref().and_then(|inner| inner.downcast_ref::<DaemonError>())
        {
            return Some(worded.clone());
        }
        current = e.source();
    }
    None
}

fn unreachable_at(host: &str, cause: &str) -> DaemonError {
    let host = sanitize(host);
    DaemonError::new(DaemonErrorKind::Unreachable, format!("cannot reach Docker at {host}: {cause}"))
}

fn describe_io(err: &io::Error, host: &str) -> DaemonError {
    let (cause, hint) = match err.kind() {
        io::ErrorKind::NotFound => ("no socket at that path", Some("is the Docker daemon running?")),
        io::ErrorKind::ConnectionRefused => {
            ("connection refused", Some("the daemon is not listening there; is it running?"))
        }
        io::ErrorKind::PermissionDenied => {
            ("permission denied", Some("add your user to the docker group (then log in again) or use rootless Docker"))
        }
        io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe | io::ErrorKind::UnexpectedEof => {
            ("the connection was closed", Some("the daemon may be restarting"))
        }
        io::ErrorKind::TimedOut => ("timed out", None),
        _ => ("", None),
    };
    let cause = if cause.is_empty() { sanitize(&err.to_string()) } else { cause.to_string() };
    let described = unreachable_at(host, &cause);
    match hint {
        Some(h) => described.with_hint(h),
        None => described,
    }
}

fn socket_hint(path: &str) -> String {
    format!("is the Docker daemon running? ({} does not exist)", sanitize(path))
}

/// The deepest `io::Error` in the chain, which names the real cause.
fn io_cause<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a io::Error> {
    let mut found = None;
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(io_err) = e.downcast_ref::<io::Error>() {
            found = Some(io_err);
        }
        current = e.source();
    }
    found
}

/// `outer: inner: innermost`, skipping repeats, for errors wharf has no words for.
fn chain_text(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_keep_the_daemons_words() {
        let err = BollardError::DockerResponseServerError {
            status_code: 409,
            message: "Conflict. The container name \"/redis\" is already in use\x1b]2;x\x07".into(),
        };
        let described = describe(&err, "unix:///var/run/docker.sock");
        assert_eq!(described.kind, DaemonErrorKind::Conflict);
        assert_eq!(described.message, "Conflict. The container name \"/redis\" is already in use");
    }

    #[test]
    fn an_api_version_refusal_is_incompatible_not_unreachable() {
        let err = BollardError::DockerResponseServerError {
            status_code: 400,
            message: "client version 1.41 is too old. Minimum supported API version is 1.44".into(),
        };
        let described = describe(&err, "unix:///var/run/docker.sock");
        assert_eq!(described.kind, DaemonErrorKind::Incompatible);
        assert!(described.message.contains("1.41") && described.message.contains("1.44"), "{described}");
        assert!(described.hint.unwrap().contains("upgrade wharf or the daemon"));
    }

    #[test]
    fn a_missing_socket_names_the_address_and_a_hint() {
        let err = BollardError::SocketNotFoundError("/nope.sock".into());
        let described = describe(&err, "unix:///nope.sock");
        assert_eq!(described.kind, DaemonErrorKind::Unreachable);
        assert_eq!(described.message, "cannot reach Docker at unix:///nope.sock: no socket at that path");
        assert!(described.hint.unwrap().contains("daemon running"));
    }

    #[test]
    fn errors_the_dialer_worded_come_out_as_they_were() {
        let worded = DaemonError::new(DaemonErrorKind::Unreachable, "ssh refused the host key of box: it is unknown")
            .with_hint("check it");
        let err = BollardError::IOError { err: super::super::transport::wharf_error(worded.clone()) };
        assert_eq!(describe(&err, "ssh://box"), worded);
        let io_err = super::super::transport::wharf_error(worded.clone());
        assert_eq!(describe_dial(&io_err, "ssh://box"), worded);
        let refused = describe_dial(&io::Error::from(io::ErrorKind::ConnectionRefused), "tcp://h:1");
        assert_eq!(refused.message, "cannot reach Docker at tcp://h:1: connection refused");
    }

    #[test]
    fn io_causes_are_found_in_the_chain() {
        let err = BollardError::IOError { err: io::Error::from(io::ErrorKind::PermissionDenied) };
        let described = describe(&err, "unix:///var/run/docker.sock");
        assert!(described.message.ends_with("permission denied"), "{}", described.message);
        assert!(described.hint.unwrap().contains("docker group"));
    }
}
