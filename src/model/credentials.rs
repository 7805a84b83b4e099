//! Registry credentials: who wharf is at a registry. The secret never shows in a
//! `Debug` print (so never in a log line or a test failure) and is handed out only
//! where a request needs it.

use std::fmt;

/// A password or token. `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the request or the store that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Credentials for one registry, as the daemon takes them (`X-Registry-Auth`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryAuth {
    /// The registry as the docker CLI names it (`https://index.docker.io/v1/` for
    /// Docker Hub, else `host[:port]`).
    pub server: String,
    pub username: String,
    /// A password, or an identity token when `token` is set.
    pub secret: Secret,
    /// `secret` is an identity token (a helper's `<token>` user), not a password.
    pub token: bool,
}

/// Docker Hub's name in the CLI's config and credential helpers.
pub const DOCKER_HUB_SERVER: &str = "https://index.docker.io/v1/";

/// The registry an image reference belongs to, as its config key: `redis` and
/// `user/app` are Docker Hub's; the first part of `host.example/app`,
/// `localhost/app` or `127.0.0.1:5000/app` names a registry of its own (a `.` or a
/// `:` in it, or `localhost`, as Docker decides).
pub fn registry_of(reference: &str) -> String {
    match reference.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            if first == "docker.io" || first == "index.docker.io" || first == "registry-1.docker.io" {
                DOCKER_HUB_SERVER.to_string()
            } else {
                first.to_string()
            }
        }
        _ => DOCKER_HUB_SERVER.to_string(),
    }
}

/// A config key or server address reduced to its host (`https://host:5000/v1/` is
/// `host:5000`), as the CLI compares them; Docker Hub's names are all one.
pub fn registry_host(server: &str) -> String {
    let without_scheme = server.split_once("://").map_or(server, |(_, rest)| rest);
    let host = without_scheme.split('/').next().unwrap_or(without_scheme);
    match host {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => "index.docker.io".into(),
        other => other.to_string(),
    }
}

/// Whether the daemon's words say a registry wants (other) credentials: 401 and 403
/// answers come back as text inside pull and push streams, not as statuses.
pub fn is_auth_refusal(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "no basic auth credentials",
        "unauthorized",
        "authentication required",
        "requested access to the resource is denied",
        "may require 'docker login'",
        "incorrect username or password",
        "401 unauthorized",
        "403 forbidden",
        "insufficient_scope",
    ]
    .iter()
    .any(|needle| m.contains(needle))
}

/// How the runner's answer to a login that worked but could not be kept starts.
pub const CANNOT_KEEP: &str = "cannot keep it: ";

/// Whether a refusal is of the 401 kind (no or wrong credentials), as opposed to a
/// 403 / insufficient scope, where the registry knew who asked and said no.
pub fn is_unauthorized(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    ["no basic auth credentials", "unauthorized", "authentication required", "incorrect username or password"]
        .iter()
        .any(|needle| m.contains(needle))
}

/// Whether a failed pull or push should open the login prompt: a 401-type refusal,
/// or any refusal when no credentials were sent (the runner marks the others
/// `Denied`), else the registry's words are shown as the error.
pub fn wants_login(error: &super::DaemonError) -> bool {
    error.kind != super::DaemonErrorKind::Denied && is_auth_refusal(&error.message)
}

/// Marks a refusal that came although credentials were sent and is not of the 401
/// kind, so no login is offered for it.
pub fn mark_denied(error: super::DaemonError, credentials_sent: bool) -> super::DaemonError {
    if credentials_sent && is_auth_refusal(&error.message) && !is_unauthorized(&error.message) {
        super::DaemonError { kind: super::DaemonErrorKind::Denied, ..error }
    } else {
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied_with_credentials_sent_opens_no_login() {
        use crate::model::{DaemonError, DaemonErrorKind};
        let denied = DaemonError::new(DaemonErrorKind::Api, "requested access to the resource is denied");
        assert!(wants_login(&mark_denied(denied.clone(), false)), "no credentials were sent");
        assert!(!wants_login(&mark_denied(denied, true)), "credentials were sent and refused");
        let scope = DaemonError::new(DaemonErrorKind::Api, "insufficient_scope: authorization failed");
        assert!(!wants_login(&mark_denied(scope, true)));
        let wrong = DaemonError::new(DaemonErrorKind::Api, "unauthorized: incorrect username or password");
        assert!(wants_login(&mark_denied(wrong, true)), "a 401 asks again");
    }

    #[test]
    fn secrets_never_print() {
        let auth = RegistryAuth {
            server: "r.example".into(),
            username: "me".into(),
            secret: Secret::new("hunter2"),
            token: false,
        };
        let printed = format!("{auth:?} {}", auth.secret);
        assert!(!printed.contains("hunter2"), "{printed}");
        assert_eq!(auth.secret.expose(), "hunter2");
    }

    #[test]
    fn references_belong_to_registries_as_docker_decides() {
        assert_eq!(registry_of("redis"), DOCKER_HUB_SERVER);
        assert_eq!(registry_of("user/app:1"), DOCKER_HUB_SERVER);
        assert_eq!(registry_of("docker.io/library/redis"), DOCKER_HUB_SERVER);
        assert_eq!(registry_of("127.0.0.1:25001/app:v1"), "127.0.0.1:25001");
        assert_eq!(registry_of("localhost/app"), "localhost");
        assert_eq!(registry_of("ghcr.io/org/app@sha256:00"), "ghcr.io");
        assert_eq!(registry_host("https://index.docker.io/v1/"), "index.docker.io");
        assert_eq!(registry_host("http://127.0.0.1:25001/v2/"), "127.0.0.1:25001");
        assert_eq!(registry_host("ghcr.io"), "ghcr.io");
    }

    #[test]
    fn refusals_are_recognised_in_the_registries_words() {
        assert!(is_auth_refusal("Get \"http://127.0.0.1:25001/v2/\": no basic auth credentials"));
        assert!(is_auth_refusal("unauthorized: authentication required"));
        assert!(is_auth_refusal(
            "pull access denied for x, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
        ));
        assert!(!is_auth_refusal("manifest unknown"));
        assert!(!is_auth_refusal("dial tcp: lookup registry: no such host"));
    }
}
