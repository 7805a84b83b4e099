//! Which daemon to talk to, resolved the way the docker CLI does it:
//! `--host`, then `DOCKER_HOST`, then a context (`--context`, `DOCKER_CONTEXT`, or the
//! `currentContext` of `~/.docker/config.json`), then the default socket.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::{DaemonAddress, TlsFiles};

pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// The daemon wharf connects to and why it chose it (shown by `wharf doctor` and the
/// endpoint picker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub address: DaemonAddress,
    pub source: EndpointSource,
}

impl Endpoint {
    pub fn host(&self) -> &str {
        &self.address.host
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource {
    Flag,
    EnvDockerHost,
    Context(String),
    Default,
    /// No Docker socket at the default place, but this engine's socket exists
    /// ("rootless Docker", "Podman", "rootless Podman").
    Detected(&'static str),
    /// A `[[hosts]]` entry of wharf's config file.
    Config(String),
}

impl fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag => f.write_str("--host"),
            Self::EnvDockerHost => f.write_str("DOCKER_HOST"),
            Self::Context(name) => write!(f, "docker context {name:?}"),
            Self::Default => f.write_str("default socket"),
            Self::Detected(engine) => write!(f, "no Docker socket at the default place; found {engine}'s socket"),
            Self::Config(name) => write!(f, "host {name:?} of the config file"),
        }
    }
}

/// A local socket wharf looks for when nothing names a daemon, in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketCandidate {
    pub path: PathBuf,
    pub engine: &'static str,
}

/// Docker's socket, rootless Docker's, then Podman's (system and rootless), which speak
/// the same API.
pub fn socket_candidates(xdg_runtime_dir: Option<&Path>) -> Vec<SocketCandidate> {
    let mut out = vec![SocketCandidate { path: PathBuf::from("/var/run/docker.sock"), engine: "Docker" }];
    if let Some(dir) = xdg_runtime_dir {
        out.push(SocketCandidate { path: dir.join("docker.sock"), engine: "rootless Docker" });
    }
    out.push(SocketCandidate { path: PathBuf::from("/run/podman/podman.sock"), engine: "Podman" });
    if let Some(dir) = xdg_runtime_dir {
        out.push(SocketCandidate { path: dir.join("podman/podman.sock"), engine: "rootless Podman" });
    }
    out
}

/// Everything resolution looks at, gathered once so resolution itself can be driven by
/// table tests.
#[derive(Debug, Clone, Default)]
pub struct EndpointInputs {
    pub flag_host: Option<String>,
    pub flag_context: Option<String>,
    pub env_docker_host: Option<String>,
    pub env_docker_context: Option<String>,
    /// `DOCKER_TLS_VERIFY` (or `DOCKER_TLS`) set and not empty: TCP hosts named by
    /// `--host` or `DOCKER_HOST` use TLS with the files of `cert_dir`.
    pub env_tls: bool,
    /// `DOCKER_CERT_PATH`, else the docker config directory.
    pub cert_dir: Option<PathBuf>,
    /// `$DOCKER_CONFIG` or `~/.docker`.
    pub docker_config_dir: Option<PathBuf>,
    /// Local sockets tried, in order, when nothing names a daemon.
    pub sockets: Vec<SocketCandidate>,
}

impl EndpointInputs {
    pub fn from_environment(flag_host: Option<String>, flag_context: Option<String>) -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|s| !s.is_empty());
        let non_empty = |v: Option<String>| v.filter(|s| !s.is_empty());
        let docker_config_dir = var("DOCKER_CONFIG")
            .map(PathBuf::from)
            .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().join(".docker")));
        let xdg_runtime_dir = var("XDG_RUNTIME_DIR").map(PathBuf::from);
        Self {
            flag_host: non_empty(flag_host),
            flag_context: non_empty(flag_context),
            env_docker_host: var("DOCKER_HOST"),
            env_docker_context: var("DOCKER_CONTEXT"),
            env_tls: var("DOCKER_TLS_VERIFY").is_some() || var("DOCKER_TLS").is_some(),
            cert_dir: var("DOCKER_CERT_PATH").map(PathBuf::from).or_else(|| docker_config_dir.clone()),
            docker_config_dir,
            sockets: socket_candidates(xdg_runtime_dir.as_deref()),
        }
    }

    /// A host named by `--host` or `DOCKER_HOST`, with TLS when the environment asks.
    fn named_host(&self, host: &str) -> DaemonAddress {
        let tls = (self.env_tls && host.starts_with("tcp://"))
            .then(|| self.cert_dir.as_deref().map(TlsFiles::in_dir))
            .flatten();
        DaemonAddress { host: host.to_string(), tls }
    }
}

/// Resolves the endpoint. An explicitly named context that does not exist is an error
/// (the docker CLI refuses it too); a broken `config.json` is treated as absent.
pub fn resolve(inputs: &EndpointInputs) -> Result<Endpoint, String> {
    if let Some(host) = &inputs.flag_host {
        return Ok(Endpoint { address: inputs.named_host(host), source: EndpointSource::Flag });
    }
    // An explicit --context beats DOCKER_HOST, as in the docker CLI.
    if let Some(name) = &inputs.flag_context {
        return context_endpoint(inputs, name);
    }
    if let Some(host) = &inputs.env_docker_host {
        return Ok(Endpoint { address: inputs.named_host(host), source: EndpointSource::EnvDockerHost });
    }
    let current = inputs.env_docker_context.clone().or_else(|| {
        let dir = inputs.docker_config_dir.as_deref()?;
        current_context(dir)
    });
    match current {
        Some(name) => context_endpoint(inputs, &name),
        None => Ok(local_endpoint(inputs)),
    }
}

/// The first local socket that exists; the default socket when none does (its error
/// then says what is missing).
fn local_endpoint(inputs: &EndpointInputs) -> Endpoint {
    for (i, candidate) in inputs.sockets.iter().enumerate() {
        if candidate.path.exists() {
            let host = format!("unix://{}", candidate.path.display());
            let source = if i == 0 { EndpointSource::Default } else { EndpointSource::Detected(candidate.engine) };
            return Endpoint { address: DaemonAddress::plain(host), source };
        }
    }
    let host =
        inputs.sockets.first().map_or_else(|| DEFAULT_HOST.to_string(), |c| format!("unix://{}", c.path.display()));
    Endpoint { address: DaemonAddress::plain(host), source: EndpointSource::Default }
}

fn context_endpoint(inputs: &EndpointInputs, name: &str) -> Result<Endpoint, String> {
    if name == "default" {
        return Ok(match &inputs.env_docker_host {
            Some(host) => Endpoint { address: inputs.named_host(host), source: EndpointSource::EnvDockerHost },
            None => local_endpoint(inputs),
        });
    }
    let dir = inputs
        .docker_config_dir
        .as_deref()
        .ok_or_else(|| format!("docker context {name:?} not found: no docker config directory"))?;
    let not_found = || format!("docker context {name:?} not found in {}", dir.join("contexts/meta").display());
    let context = contexts(dir).into_iter().find(|c| c.name == name).ok_or_else(not_found)?;
    let address = context.address.ok_or_else(|| format!("docker context {name:?} has no docker endpoint"))?;
    Ok(Endpoint { address, source: EndpointSource::Context(name.to_string()) })
}

fn current_context(config_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(config_dir.join("config.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("currentContext")?.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

/// A docker context as the CLI stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerContext {
    pub name: String,
    /// `None` when the context has no docker endpoint.
    pub address: Option<DaemonAddress>,
}

/// Every context in the docker config directory, sorted by name. The CLI keeps each
/// under `contexts/meta/<digest>/meta.json` and its TLS files under
/// `contexts/tls/<same digest>/docker/`; reading the directories finds them without
/// computing digests. Unreadable entries are skipped.
pub fn contexts(config_dir: &Path) -> Vec<DockerContext> {
    let Ok(entries) = std::fs::read_dir(config_dir.join("contexts").join("meta")) else {
        return Vec::new();
    };
    let mut out: Vec<DockerContext> = entries
        .flatten()
        .filter_map(|entry| {
            let text = std::fs::read_to_string(entry.path().join("meta.json")).ok()?;
            let meta: serde_json::Value = serde_json::from_str(&text).ok()?;
            let name = meta.get("Name")?.as_str()?.to_string();
            let address = meta.pointer("/Endpoints/docker/Host").and_then(|h| h.as_str()).map(|host| {
                let tls_dir = config_dir.join("contexts/tls").join(entry.file_name()).join("docker");
                let tls =
                    (host.starts_with("tcp://") && tls_dir.join("ca.pem").exists()).then(|| TlsFiles::in_dir(&tls_dir));
                DaemonAddress { host: host.to_string(), tls }
            });
            Some(DockerContext { name, address })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The address of a `[[hosts]]` entry of the config (checked when the file loaded:
/// it has a host or a context).
pub fn host_address(inputs: &EndpointInputs, host: &super::HostSettings) -> Result<DaemonAddress, String> {
    match (&host.host, &host.context) {
        (Some(address), _) => {
            Ok(DaemonAddress { host: address.clone(), tls: host.tls_cert_path.as_deref().map(TlsFiles::in_dir) })
        }
        (None, Some(context)) => context_endpoint(inputs, context).map(|e| e.address),
        (None, None) => Err(format!("host {:?} has no address", host.name)),
    }
}

/// What the endpoint picker offers: the endpoint resolution would choose, every docker
/// context, and every local engine socket that exists. Duplicated addresses are listed
/// once, under their first (most specific) origin.
pub fn choices(inputs: &EndpointInputs) -> Vec<Endpoint> {
    let mut out: Vec<Endpoint> = Vec::new();
    let mut push = |endpoint: Endpoint| {
        if !out.iter().any(|e| e.address == endpoint.address) {
            out.push(endpoint);
        }
    };
    if let Ok(endpoint) = resolve(inputs) {
        push(endpoint);
    }
    if let Some(dir) = inputs.docker_config_dir.as_deref() {
        for context in contexts(dir) {
            if let Some(address) = context.address {
                push(Endpoint { address, source: EndpointSource::Context(context.name) });
            }
        }
    }
    for (i, candidate) in inputs.sockets.iter().enumerate() {
        if candidate.path.exists() {
            let source = if i == 0 { EndpointSource::Default } else { EndpointSource::Detected(candidate.engine) };
            push(Endpoint { address: DaemonAddress::plain(format!("unix://{}", candidate.path.display())), source });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a context the way the CLI does: meta under a digest directory, TLS files
    /// (when `tls`) under the same digest.
    fn write_context(dir: &Path, name: &str, host: &str, tls: bool) {
        let ctx = dir.join("contexts/meta").join(format!("hash-of-{name}"));
        std::fs::create_dir_all(&ctx).unwrap();
        let meta = serde_json::json!({"Name": name, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}}});
        std::fs::write(ctx.join("meta.json"), meta.to_string()).unwrap();
        if tls {
            let tls_dir = dir.join("contexts/tls").join(format!("hash-of-{name}")).join("docker");
            std::fs::create_dir_all(&tls_dir).unwrap();
            for file in ["ca.pem", "cert.pem", "key.pem"] {
                std::fs::write(tls_dir.join(file), "pem").unwrap();
            }
        }
    }

    fn endpoint(host: &str, source: EndpointSource) -> Endpoint {
        Endpoint { address: DaemonAddress::plain(host), source }
    }

    /// Inputs whose candidate sockets all lie in `dir` (none exists yet): what this
    /// machine runs does not leak into the tests.
    fn inputs(dir: &Path) -> EndpointInputs {
        let mut sockets = socket_candidates(Some(&dir.join("run")));
        sockets[0].path = dir.join("docker.sock");
        sockets[2].path = dir.join("system-podman.sock");
        EndpointInputs { docker_config_dir: Some(dir.to_path_buf()), sockets, ..Default::default() }
    }

    #[test]
    fn resolution_order_matches_the_docker_cli() {
        let dir = tempfile::tempdir().unwrap();
        write_context(dir.path(), "remote", "tcp://10.0.0.1:2375", false);
        write_context(dir.path(), "other", "unix:///other.sock", false);
        std::fs::write(dir.path().join("config.json"), r#"{"currentContext":"remote"}"#).unwrap();
        let base = inputs(dir.path());
        let with = |f: &dyn Fn(&mut EndpointInputs)| {
            let mut i = base.clone();
            f(&mut i);
            resolve(&i)
        };

        // Current context from config.json.
        assert_eq!(with(&|_| {}), Ok(endpoint("tcp://10.0.0.1:2375", EndpointSource::Context("remote".into()))));
        // DOCKER_CONTEXT beats config.json.
        assert_eq!(with(&|i| i.env_docker_context = Some("other".into())).unwrap().host(), "unix:///other.sock");
        // DOCKER_HOST beats any context from the environment or config.json.
        let env = with(&|i| {
            i.env_docker_host = Some("tcp://env:2375".into());
            i.env_docker_context = Some("other".into());
        })
        .unwrap();
        assert_eq!(env, endpoint("tcp://env:2375", EndpointSource::EnvDockerHost));
        // --context beats DOCKER_HOST; --host beats everything.
        assert_eq!(
            with(&|i| {
                i.env_docker_host = Some("tcp://env:2375".into());
                i.flag_context = Some("other".into());
            })
            .unwrap()
            .host(),
            "unix:///other.sock"
        );
        let flag = with(&|i| {
            i.flag_host = Some("unix:///flag.sock".into());
            i.flag_context = Some("other".into());
        })
        .unwrap();
        assert_eq!(flag, endpoint("unix:///flag.sock", EndpointSource::Flag));
        // The "default" context means DOCKER_HOST or the local socket.
        let default = with(&|i| i.flag_context = Some("default".into())).unwrap();
        assert_eq!(default.source, EndpointSource::Default);
        assert_eq!(
            with(&|i| {
                i.flag_context = Some("default".into());
                i.env_docker_host = Some("tcp://env:2375".into());
            })
            .unwrap(),
            endpoint("tcp://env:2375", EndpointSource::EnvDockerHost)
        );
        // A named context that does not exist is an error that names it.
        let err = with(&|i| i.flag_context = Some("nope".into())).unwrap_err();
        assert!(err.contains("\"nope\" not found"), "{err}");
    }

    #[test]
    fn no_config_means_the_default_socket() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = inputs(dir.path());
        std::fs::write(dir.path().join("docker.sock"), "").unwrap();
        let expected =
            endpoint(&format!("unix://{}", dir.path().join("docker.sock").display()), EndpointSource::Default);
        assert_eq!(resolve(&inputs), Ok(expected.clone()));
        std::fs::write(dir.path().join("config.json"), "{ not json").unwrap();
        assert_eq!(resolve(&inputs), Ok(expected));
    }

    #[test]
    fn tls_material_comes_from_the_environment_for_tcp_hosts_only() {
        let dir = tempfile::tempdir().unwrap();
        let certs = dir.path().join("certs");
        let mut i = inputs(dir.path());
        i.env_docker_host = Some("tcp://10.0.0.2:2376".into());
        i.env_tls = true;
        i.cert_dir = Some(certs.clone());
        let resolved = resolve(&i).unwrap();
        assert_eq!(resolved.address.tls, Some(TlsFiles::in_dir(&certs)));
        assert_eq!(resolved.address.tls.unwrap().key, certs.join("key.pem"));
        // --host too.
        i.flag_host = Some("tcp://10.0.0.3:2376".into());
        assert!(resolve(&i).unwrap().address.tls.is_some());
        // Without DOCKER_TLS_VERIFY: plain TCP.
        i.env_tls = false;
        assert_eq!(resolve(&i).unwrap().address.tls, None);
        // A unix socket never uses TLS.
        i.env_tls = true;
        i.flag_host = Some("unix:///x.sock".into());
        assert_eq!(resolve(&i).unwrap().address.tls, None);
    }

    #[test]
    fn tls_material_comes_from_a_contexts_tls_directory() {
        let dir = tempfile::tempdir().unwrap();
        write_context(dir.path(), "secure", "tcp://10.0.0.4:2376", true);
        write_context(dir.path(), "plain", "tcp://10.0.0.5:2375", false);
        write_context(dir.path(), "ssh", "ssh://me@build-box", false);
        let mut i = inputs(dir.path());
        i.flag_context = Some("secure".into());
        let tls = resolve(&i).unwrap().address.tls.unwrap();
        assert_eq!(tls.ca, dir.path().join("contexts/tls/hash-of-secure/docker/ca.pem"));
        i.flag_context = Some("plain".into());
        assert_eq!(resolve(&i).unwrap().address.tls, None);
        i.flag_context = Some("ssh".into());
        assert_eq!(resolve(&i).unwrap().address, DaemonAddress::plain("ssh://me@build-box"));
        // The environment's TLS settings do not apply to a context.
        i.env_tls = true;
        i.flag_context = Some("plain".into());
        assert_eq!(resolve(&i).unwrap().address.tls, None);
    }

    #[test]
    fn rootless_docker_then_podman_when_the_docker_socket_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path().join("run");
        std::fs::create_dir_all(run.join("podman")).unwrap();
        let i = inputs(dir.path());

        // Nothing exists: the default socket, so its error names it.
        let none = resolve(&i).unwrap();
        assert_eq!(none.source, EndpointSource::Default);
        assert!(none.host().ends_with("/docker.sock"), "{}", none.host());

        std::fs::write(run.join("podman/podman.sock"), "").unwrap();
        let podman = resolve(&i).unwrap();
        assert_eq!(podman.source, EndpointSource::Detected("rootless Podman"));
        assert_eq!(podman.host(), format!("unix://{}", run.join("podman/podman.sock").display()));

        std::fs::write(run.join("docker.sock"), "").unwrap();
        assert_eq!(resolve(&i).unwrap().source, EndpointSource::Detected("rootless Docker"));
        assert!(EndpointSource::Detected("rootless Docker").to_string().contains("found rootless Docker's socket"));
    }

    #[test]
    fn the_picker_offers_contexts_and_local_sockets_once_each() {
        let dir = tempfile::tempdir().unwrap();
        write_context(dir.path(), "b-remote", "tcp://10.0.0.1:2375", false);
        write_context(dir.path(), "a-local", "unix:///var/run/docker.sock", false);
        let mut i = inputs(dir.path());
        i.env_docker_context = Some("b-remote".into());
        let run = dir.path().join("run");
        std::fs::create_dir_all(&run).unwrap();
        std::fs::write(run.join("docker.sock"), "").unwrap();
        let list: Vec<(String, EndpointSource)> = choices(&i).into_iter().map(|e| (e.address.host, e.source)).collect();
        assert_eq!(
            list,
            vec![
                ("tcp://10.0.0.1:2375".to_string(), EndpointSource::Context("b-remote".into())),
                ("unix:///var/run/docker.sock".to_string(), EndpointSource::Context("a-local".into())),
                (format!("unix://{}", run.join("docker.sock").display()), EndpointSource::Detected("rootless Docker")),
            ]
        );
    }
}
