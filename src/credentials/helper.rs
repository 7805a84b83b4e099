//! The docker CLI's credential helpers (`docker-credential-<name>` on `PATH`), spoken
//! to as the CLI does: `get` with the server on stdin answers
//! `{"ServerURL","Username","Secret"}` (a `<token>` user means an identity token);
//! `store` takes the same JSON. A helper that hangs (one that wants a passphrase, say)
//! is given up on after a while. `path` stands for `PATH` where the helpers are
//! looked for (the caller's own when none).

use std::ffi::OsStr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use crate::model::{RegistryAuth, Secret};

const PATIENCE: Duration = Duration::from_secs(15);
/// Longest answer read from a helper.
const MAX_ANSWER: u64 = 64 * 1024;

/// What a helper answered: its output, or that it does not know the server.
async fn run(name: &str, verb: &str, input: &[u8], path: Option<&OsStr>) -> Result<Option<Vec<u8>>, String> {
    let program = format!("docker-credential-{name}");
    let mut command = Command::new(&program);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    let mut child = command
        .arg(verb)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("the credential helper {program} is not on PATH"),
            kind => format!("cannot run the credential helper {program}: {kind}"),
        })?;
    let talk = async {
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input).await.map_err(|e| e.kind())?;
        }
        let mut output = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            stdout.take(MAX_ANSWER).read_to_end(&mut output).await.map_err(|e| e.kind())?;
        }
        let status = child.wait().await.map_err(|e| e.kind())?;
        Ok::<_, std::io::ErrorKind>((status, output))
    };
    let (status, output) = tokio::time::timeout(PATIENCE, talk)
        .await
        .map_err(|_| format!("the credential helper {program} did not answer within {}s", PATIENCE.as_secs()))?
        .map_err(|kind| format!("the credential helper {program} failed: {kind}"))?;
    if status.success() {
        return Ok(Some(output));
    }
    // `get` of an unknown server fails with "credentials not found"; anything else
    // is the helper's own trouble. Its output is not repeated: it might hold secrets.
    if verb == "get" && String::from_utf8_lossy(&output).to_ascii_lowercase().contains("credentials not found") {
        return Ok(None);
    }
    Err(format!("the credential helper {program} {verb} failed ({status})"))
}

/// `server`'s credentials from helper `name`, or none when it has none.
pub async fn get(name: &str, server: &str, path: Option<&OsStr>) -> Result<Option<RegistryAuth>, String> {
    let Some(output) = run(name, "get", server.as_bytes(), path).await? else { return Ok(None) };
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(rename = "Username", default)]
        username: String,
        #[serde(rename = "Secret", default)]
        secret: String,
    }
    let answer: Answer = serde_json::from_slice(&output).map_err(|_| {
        format!("the credential helper docker-credential-{name} answered something that is not its JSON")
    })?;
    if answer.secret.is_empty() {
        return Ok(None);
    }
    let token = answer.username == "<token>";
    Ok(Some(RegistryAuth {
        server: server.to_string(),
        username: if token { String::new() } else { answer.username },
        secret: Secret::new(answer.secret),
        token,
    }))
}

/// Keeps `auth` in helper `name`'s store.
pub async fn store(name: &str, auth: &RegistryAuth, path: Option<&OsStr>) -> Result<(), String> {
    let username = if auth.token { "<token>" } else { auth.username.as_str() };
    let input = serde_json::json!({ "ServerURL": auth.server, "Username": username, "Secret": auth.secret.expose() });
    run(name, "store", input.to_string().as_bytes(), path).await.map(drop)
}
