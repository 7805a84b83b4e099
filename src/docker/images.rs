//! Building, pushing, tagging and logging in: the requests wharf sends itself over
//! its daemon client (`daemon_http.rs`), reading the answers leniently
//! (`convert::progress`), and the credential headers the daemon passes on to
//! registries. The secrets go into the headers and nowhere else.

use std::collections::HashMap;
use std::io;

use base64::Engine;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;

use super::convert::progress::{BuildOutput, Lines, push_line};
use super::daemon_http::DaemonHttp;
use super::path::segment;
use crate::model::{BuildEvent, BuildSpec, DaemonError, DaemonErrorKind, PullProgress, RegistryAuth};

/// `X-Registry-Auth`: one registry's credentials, base64url JSON as the daemon
/// reads it.
pub fn auth_header(auth: &RegistryAuth) -> String {
    base64::engine::general_purpose::URL_SAFE.encode(auth_json(auth).to_string())
}

/// bollard's credentials for the same (the pull goes through bollard).
pub fn bollard_credentials(auth: &RegistryAuth) -> bollard::auth::DockerCredentials {
    let mut credentials =
        bollard::auth::DockerCredentials { serveraddress: Some(auth.server.clone()), ..Default::default() };
    if auth.token {
        credentials.identitytoken = Some(auth.secret.expose().to_string());
    } else {
        credentials.username = Some(auth.username.clone());
        credentials.password = Some(auth.secret.expose().to_string());
    }
    credentials
}

fn auth_json(auth: &RegistryAuth) -> serde_json::Value {
    if auth.token {
        serde_json::json!({ "identitytoken": auth.secret.expose(), "serveraddress": auth.server })
    } else {
        serde_json::json!({
            "username": auth.username,
            "password": auth.secret.expose(),
            "serveraddress": auth.server,
        })
    }
}

/// `/build`'s query for `spec`, the Dockerfile being `dockerfile` inside the tar.
pub fn build_query(spec: &BuildSpec, dockerfile: &str) -> String {
    let mut query = vec![("dockerfile".to_string(), dockerfile.to_string()), ("rm".into(), "1".into())];
    if let Some(first) = spec.tags.first() {
        query.push(("t".into(), first.clone()));
    }
    if !spec.target.is_empty() {
        query.push(("target".into(), spec.target.clone()));
    }
    if spec.no_cache {
        query.push(("nocache".into(), "1".into()));
    }
    if spec.pull {
        query.push(("pull".into(), "1".into()));
    }
    if !spec.build_args.is_empty() {
        let args: HashMap<&str, &str> = spec.build_args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        query.push(("buildargs".into(), serde_json::to_string(&args).unwrap_or_default()));
    }
    let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    format!("/build?{}", pairs.join("&"))
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sends a build: the context streams from `context` as the daemon reads it; the
/// answer comes back as events. `auths` lets the daemon pull private base images.
pub fn build(
    http: &DaemonHttp,
    api_version: &str,
    spec: &BuildSpec,
    dockerfile: &str,
    auths: &[RegistryAuth],
    context: BoxStream<'static, io::Result<Bytes>>,
) -> BoxStream<'static, Result<BuildEvent, DaemonError>> {
    let config: serde_json::Map<String, serde_json::Value> =
        auths.iter().map(|a| (a.server.clone(), auth_json(a))).collect();
    let config = base64::engine::general_purpose::URL_SAFE.encode(serde_json::Value::Object(config).to_string());
    let headers = vec![("content-type", "application/x-tar".to_string()), ("x-registry-config", config)];
    let body = bollard::body_try_stream(context);
    let answer = http.post_stream(api_version, &build_query(spec, dockerfile), headers, body);
    let mut lines = Lines::default();
    let mut output = BuildOutput::default();
    let mut ended = false;
    answer
        .map(Some)
        .chain(futures::stream::once(async { None }))
        .flat_map(move |chunk| {
            let events: Vec<Result<BuildEvent, DaemonError>> = if ended {
                Vec::new()
            } else {
                match chunk {
                    Some(Ok(bytes)) => lines.push(&bytes).iter().flat_map(|l| output.line(l)).map(api_error).collect(),
                    Some(Err(e)) => {
                        ended = true;
                        vec![Err(e)]
                    }
                    None => {
                        let mut last: Vec<_> = lines.finish().iter().flat_map(|l| output.line(l)).collect();
                        last.extend(output.finish().map(Ok));
                        last.into_iter().map(api_error).collect()
                    }
                }
            };
            futures::stream::iter(events)
        })
        .boxed()
}

fn api_error<T>(item: Result<T, String>) -> Result<T, DaemonError> {
    item.map_err(|m| DaemonError::new(DaemonErrorKind::Api, m))
}

/// Pushes `reference` (`repo[:tag]`) with the credentials given, layer by layer.
pub fn push(
    http: &DaemonHttp,
    api_version: &str,
    reference: &str,
    auth: Option<&RegistryAuth>,
) -> BoxStream<'static, Result<PullProgress, DaemonError>> {
    let (repo, tag) = super::convert::pull_parts(reference);
    let path = format!("/images/{}/push?tag={}", segment(&repo), encode(&tag));
    // The daemon refuses a push without the header at all, even to an open registry.
    let header = match auth {
        Some(auth) => auth_header(auth),
        None => base64::engine::general_purpose::URL_SAFE.encode("{}"),
    };
    let headers = vec![("x-registry-auth", header)];
    let body = bollard::body_full(Bytes::new());
    let mut lines = Lines::default();
    http.post_stream(api_version, &path, headers, body)
        .map(move |chunk| match chunk {
            Ok(bytes) => {
                let items: Vec<_> =
                    lines.push(&bytes).iter().filter_map(|l| push_line(l).transpose()).map(api_error).collect();
                futures::stream::iter(items)
            }
            Err(e) => futures::stream::iter(vec![Err(e)]),
        })
        .flatten()
        .boxed()
}

/// `POST /auth`: the daemon logs in to the registry with these credentials; a
/// refusal comes back as the registry's words.
pub async fn login(http: &DaemonHttp, api_version: &str, auth: &RegistryAuth) -> Result<(), DaemonError> {
    let body = bollard::body_full(Bytes::from(auth_json(auth).to_string()));
    let headers = vec![("content-type", "application/json".to_string())];
    let mut answer = http.post_stream(api_version, "/auth", headers, body);
    while let Some(chunk) = answer.next().await {
        chunk?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Secret;

    #[test]
    fn the_auth_header_is_what_the_daemon_reads() {
        let auth = RegistryAuth {
            server: "127.0.0.1:25001".into(),
            username: "u".into(),
            secret: Secret::new("p w"),
            token: false,
        };
        let decoded = base64::engine::general_purpose::URL_SAFE.decode(auth_header(&auth)).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&decoded).unwrap();
        assert_eq!(json, serde_json::json!({"username": "u", "password": "p w", "serveraddress": "127.0.0.1:25001"}));
        let token = RegistryAuth { token: true, ..auth };
        let decoded = base64::engine::general_purpose::URL_SAFE.decode(auth_header(&token)).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&decoded).unwrap();
        assert_eq!(json, serde_json::json!({"identitytoken": "p w", "serveraddress": "127.0.0.1:25001"}));
    }

    #[test]
    fn the_build_query_carries_every_option() {
        let spec = BuildSpec {
            tags: vec!["app:1".into(), "app:latest".into()],
            build_args: vec![("GREETING".into(), "hi there".into())],
            target: "final".into(),
            no_cache: true,
            pull: true,
            ..Default::default()
        };
        assert_eq!(
            build_query(&spec, "sub/Dockerfile"),
            "/build?dockerfile=sub%2FDockerfile&rm=1&t=app%3A1&target=final&nocache=1&pull=1\
             &buildargs=%7B%22GREETING%22%3A%22hi%20there%22%7D"
        );
        assert_eq!(build_query(&BuildSpec::default(), "Dockerfile"), "/build?dockerfile=Dockerfile&rm=1");
    }
}
