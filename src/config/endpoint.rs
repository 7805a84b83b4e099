//! Which daemon to talk to, resolved the way the docker CLI does it:
//! `--host`, then `DOCKER_HOST`, then a context (`--context`, `DOCKER_CONTEXT`, or the
//! `currentContext` of `~/.docker/config.json`), then the default socket.

use std::fmt;
use std::path::{Path, PathBuf};

pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// The address wharf connects to and why it chose it (shown by the status bar and,
/// later, `wharf doctor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub source: EndpointSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource {
    Flag,
    EnvDockerHost,
    Context(String),
    Default,
}

impl fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag => f.write_str("--host"),
            Self::EnvDockerHost => f.write_str("DOCKER_HOST"),
            Self::Context(name) => write!(f, "docker context {name:?}"),
            Self::Default => f.write_str("default socket"),
        }
    }
}

/// Everything resolution looks at, gathered once so resolution itself is a pure function
/// that table tests can drive.
#[derive(Debug, Clone, Default)]
pub struct EndpointInputs {
    pub flag_host: Option<String>,
    pub flag_context: Option<String>,
    pub env_docker_host: Option<String>,
    pub env_docker_context: Option<String>,
    /// `$DOCKER_CONFIG` or `~/.docker`.
    pub docker_config_dir: Option<PathBuf>,
}

impl EndpointInputs {
    pub fn from_environment(flag_host: Option<String>, flag_context: Option<String>) -> Self {
        let non_empty = |v: Option<String>| v.filter(|s| !s.is_empty());
        let docker_config_dir = non_empty(std::env::var("DOCKER_CONFIG").ok())
            .map(PathBuf::from)
            .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().join(".docker")));
        Self {
            flag_host: non_empty(flag_host),
            flag_context: non_empty(flag_context),
            env_docker_host: non_empty(std::env::var("DOCKER_HOST").ok()),
            env_docker_context: non_empty(std::env::var("DOCKER_CONTEXT").ok()),
            docker_config_dir,
        }
    }
}

/// Resolves the endpoint. An explicitly named context that does not exist is an error
/// (the docker CLI refuses it too); a broken `config.json` is treated as absent.
pub fn resolve(inputs: &EndpointInputs) -> Result<Endpoint, String> {
    if let Some(host) = &inputs.flag_host {
        return Ok(Endpoint { host: host.clone(), source: EndpointSource::Flag });
    }
    // An explicit --context beats DOCKER_HOST, as in the docker CLI.
    if let Some(name) = &inputs.flag_context {
        return context_endpoint(inputs, name);
    }
    if let Some(host) = &inputs.env_docker_host {
        return Ok(Endpoint { host: host.clone(), source: EndpointSource::EnvDockerHost });
    }
    let current = inputs.env_docker_context.clone().or_else(|| {
        let dir = inputs.docker_config_dir.as_deref()?;
        current_context(dir)
    });
    match current {
        Some(name) => context_endpoint(inputs, &name),
        None => Ok(default_endpoint()),
    }
}

fn default_endpoint() -> Endpoint {
    Endpoint { host: DEFAULT_HOST.to_string(), source: EndpointSource::Default }
}

fn context_endpoint(inputs: &EndpointInputs, name: &str) -> Result<Endpoint, String> {
    if name == "default" {
        return Ok(match &inputs.env_docker_host {
            Some(host) => Endpoint { host: host.clone(), source: EndpointSource::EnvDockerHost },
            None => default_endpoint(),
        });
    }
    let dir = inputs
        .docker_config_dir
        .as_deref()
        .ok_or_else(|| format!("docker context {name:?} not found: no docker config directory"))?;
    let host = context_host(dir, name)?;
    Ok(Endpoint { host, source: EndpointSource::Context(name.to_string()) })
}

fn current_context(config_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(config_dir.join("config.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("currentContext")?.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

/// Finds a context's docker endpoint. The CLI stores each context under
/// `contexts/meta/<sha256 of the name>/meta.json`; scanning the few directories there and
/// matching on `Name` finds it without hashing.
fn context_host(config_dir: &Path, name: &str) -> Result<String, String> {
    let meta_dir = config_dir.join("contexts").join("meta");
    let not_found = || format!("docker context {name:?} not found in {}", meta_dir.display());
    let entries = std::fs::read_dir(&meta_dir).map_err(|_| not_found())?;
    for entry in entries.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path().join("meta.json")) else {
            continue;
        };
        let Ok(meta) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if meta.get("Name").and_then(|n| n.as_str()) != Some(name) {
            continue;
        }
        return meta
            .pointer("/Endpoints/docker/Host")
            .and_then(|h| h.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("docker context {name:?} has no docker endpoint"));
    }
    Err(not_found())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_context(dir: &Path, name: &str, host: &str) {
        let ctx = dir.join("contexts/meta").join(format!("hash-of-{name}"));
        std::fs::create_dir_all(&ctx).unwrap();
        let meta = serde_json::json!({"Name": name, "Endpoints": {"docker": {"Host": host}}});
        std::fs::write(ctx.join("meta.json"), meta.to_string()).unwrap();
    }

    #[test]
    fn resolution_order_matches_the_docker_cli() {
        let dir = tempfile::tempdir().unwrap();
        write_context(dir.path(), "remote", "tcp://10.0.0.1:2375");
        write_context(dir.path(), "other", "unix:///other.sock");
        std::fs::write(dir.path().join("config.json"), r#"{"currentContext":"remote"}"#).unwrap();
        let base = EndpointInputs { docker_config_dir: Some(dir.path().to_path_buf()), ..Default::default() };
        let with = |f: &dyn Fn(&mut EndpointInputs)| {
            let mut i = base.clone();
            f(&mut i);
            resolve(&i)
        };

        // Current context from config.json.
        assert_eq!(
            with(&|_| {}),
            Ok(Endpoint { host: "tcp://10.0.0.1:2375".into(), source: EndpointSource::Context("remote".into()) })
        );
        // DOCKER_CONTEXT beats config.json.
        assert_eq!(with(&|i| i.env_docker_context = Some("other".into())).unwrap().host, "unix:///other.sock");
        // DOCKER_HOST beats any context from the environment or config.json.
        let env = with(&|i| {
            i.env_docker_host = Some("tcp://env:2375".into());
            i.env_docker_context = Some("other".into());
        })
        .unwrap();
        assert_eq!(env, Endpoint { host: "tcp://env:2375".into(), source: EndpointSource::EnvDockerHost });
        // --context beats DOCKER_HOST; --host beats everything.
        assert_eq!(
            with(&|i| {
                i.env_docker_host = Some("tcp://env:2375".into());
                i.flag_context = Some("other".into());
            })
            .unwrap()
            .host,
            "unix:///other.sock"
        );
        let flag = with(&|i| {
            i.flag_host = Some("unix:///flag.sock".into());
            i.flag_context = Some("other".into());
        })
        .unwrap();
        assert_eq!(flag, Endpoint { host: "unix:///flag.sock".into(), source: EndpointSource::Flag });
        // The "default" context means DOCKER_HOST or the default socket.
        assert_eq!(with(&|i| i.flag_context = Some("default".into())).unwrap(), default_endpoint());
        // A named context that does not exist is an error that names it.
        let err = with(&|i| i.flag_context = Some("nope".into())).unwrap_err();
        assert!(err.contains("\"nope\" not found"), "{err}");
    }

    #[test]
    fn no_config_means_the_default_socket() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = EndpointInputs { docker_config_dir: Some(dir.path().into()), ..Default::default() };
        assert_eq!(resolve(&inputs), Ok(default_endpoint()));
        std::fs::write(dir.path().join("config.json"), "{ not json").unwrap();
        assert_eq!(resolve(&inputs), Ok(default_endpoint()));
    }
}
