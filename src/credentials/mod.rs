//! Registry credentials found where the docker CLI finds them, and kept where
//! `docker login` keeps them:
//! - the config directory is `$DOCKER_CONFIG`, else `~/.docker`; its `config.json`;
//! - `credHelpers` names a helper per registry, `credsStore` one for all: the helper
//!   `docker-credential-<name>` is run with `get` (the server on stdin) or `store`;
//! - else `auths`, whose `auth` is base64 of `user:password` (or an `identitytoken`).
//!
//! Nothing here logs or prints a secret; errors name the file or helper, never what
//! it answered.

pub mod helper;

use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::Value;

use crate::model::{RegistryAuth, Secret, registry_host};

/// The docker CLI's configuration directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerConfig {
    pub dir: PathBuf,
    /// Where the credential helpers are looked for, in place of `PATH`.
    pub helper_path: Option<std::ffi::OsString>,
}

/// Where a login was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// In the credential store this helper fronts (`credsStore` or `credHelpers`).
    Helper(String),
    /// In `config.json` itself, base64 only: unencrypted.
    File(PathBuf),
}

impl DockerConfig {
    /// `$DOCKER_CONFIG`, else `~/.docker` (none when there is no home).
    pub fn from_environment() -> Option<Self> {
        std::env::var("DOCKER_CONFIG")
            .ok()
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().join(".docker")))
            .map(|dir| Self { dir, helper_path: None })
    }

    pub fn file(&self) -> PathBuf {
        self.dir.join("config.json")
    }

    /// The file's JSON; a missing file is an empty config. Read on a blocking thread.
    async fn read(&self) -> Result<Value, String> {
        let file = self.file();
        tokio::task::spawn_blocking(move || read_config(&file)).await.map_err(|e| e.to_string())?
    }

    /// The helper that holds `server`'s credentials, if one is configured.
    fn helper_for(config: &Value, server: &str) -> Option<String> {
        let host = registry_host(server);
        let per_registry = config.get("credHelpers").and_then(Value::as_object).and_then(|helpers| {
            helpers.iter().find(|(key, _)| *key == server || registry_host(key) == host).and_then(|(_, v)| v.as_str())
        });
        per_registry
            .or_else(|| config.get("credsStore").and_then(Value::as_str))
            .filter(|name| !name.is_empty())
            .map(str::to_string)
    }

    /// The credentials the docker CLI would use for `server` (as `registry_of` names
    /// it), or none.
    pub async fn lookup(&self, server: &str) -> Result<Option<RegistryAuth>, String> {
        let config = self.read().await?;
        if let Some(name) = Self::helper_for(&config, server)
            && let Some(auth) = helper::get(&name, server, self.helper_path.as_deref()).await?
        {
            return Ok(Some(auth));
        }
        Ok(from_auths(&config, server))
    }

    /// Keeps a login as `docker login` does: in the configured helper's store, else
    /// in `config.json` (mode 0600, everything else in it kept).
    pub async fn store(&self, auth: &RegistryAuth) -> Result<Kept, String> {
        let mut config = self.read().await?;
        if let Some(name) = Self::helper_for(&config, &auth.server) {
            helper::store(&name, auth, self.helper_path.as_deref()).await?;
            return Ok(Kept::Helper(name));
        }
        let entry = if auth.token {
            serde_json::json!({ "identitytoken": auth.secret.expose() })
        } else {
            let pair = format!("{}:{}", auth.username, auth.secret.expose());
            serde_json::json!({ "auth": base64::engine::general_purpose::STANDARD.encode(pair) })
        };
        let Some(root) = config.as_object_mut() else {
            return Err(format!("{} does not hold a JSON object", self.file().display()));
        };
        let auths = root.entry("auths").or_insert_with(|| Value::Object(Default::default()));
        let Some(auths) = auths.as_object_mut() else {
            return Err(format!("`auths` in {} is not an object", self.file().display()));
        };
        auths.insert(auth.server.clone(), entry);
        let text = serde_json::to_string_pretty(&config).map_err(|e| e.to_string())?;
        let (dir, file) = (self.dir.clone(), self.file());
        tokio::task::spawn_blocking(move || write_private(&dir, &file, text.as_bytes()))
            .await
            .map_err(|e| e.to_string())??;
        Ok(Kept::File(self.file()))
    }
}

/// `config.json`'s JSON; a missing file is an empty config. Blocking.
fn read_config(file: &Path) -> Result<Value, String> {
    match std::fs::read_to_string(file) {
        Ok(text) => {
            serde_json::from_str(&text).map_err(|e| format!("{} is not valid JSON (line {})", file.display(), e.line()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Object(Default::default())),
        Err(e) => Err(format!("cannot read {}: {}", file.display(), e.kind())),
    }
}

/// `auths[server]`: `auth` (base64 `user:password`) or `identitytoken`.
fn from_auths(config: &Value, server: &str) -> Option<RegistryAuth> {
    let host = registry_host(server);
    let auths = config.get("auths")?.as_object()?;
    let entry =
        auths.get(server).or_else(|| auths.iter().find(|(key, _)| registry_host(key) == host).map(|(_, v)| v))?;
    if let Some(token) = entry.get("identitytoken").and_then(Value::as_str).filter(|t| !t.is_empty()) {
        return Some(RegistryAuth {
            server: server.to_string(),
            username: String::new(),
            secret: Secret::new(token),
            token: true,
        });
    }
    let encoded = entry.get("auth").and_then(Value::as_str)?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some(RegistryAuth {
        server: server.to_string(),
        username: user.to_string(),
        secret: Secret::new(password),
        token: false,
    })
}

/// Writes `path` readable by the user only, through a temporary file of a name of
/// its own renamed over it, so a crash never leaves half a config and two writers
/// never share a temporary. A symlinked `config.json` (dotfiles managers) is
/// resolved first, so the link stays and its target gets the new text.
fn write_private(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {}", dir.display(), e.kind()))?;
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::canonicalize(path).map_err(|e| format!("cannot follow {}: {}", path.display(), e.kind()))?
        }
        _ => path.to_path_buf(),
    };
    let target_dir = target.parent().unwrap_or(dir);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let temporary = target_dir.join(format!(
        ".config.json.wharf-{}-{}-{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, &target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temporary);
        return Err(format!("cannot write {}: {}", target.display(), e.kind()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_symlinked_config_keeps_its_link_and_its_target_gets_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles");
        std::fs::create_dir_all(&real).unwrap();
        std::fs::write(real.join("config.json"), "{}").unwrap();
        let home = dir.path().join("docker");
        std::fs::create_dir_all(&home).unwrap();
        std::os::unix::fs::symlink(real.join("config.json"), home.join("config.json")).unwrap();
        write_private(&home, &home.join("config.json"), b"{\"auths\":{}}").unwrap();
        assert!(std::fs::symlink_metadata(home.join("config.json")).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(real.join("config.json")).unwrap(), "{\"auths\":{}}");
        let left: Vec<_> = std::fs::read_dir(&real).unwrap().chain(std::fs::read_dir(&home).unwrap()).collect();
        assert_eq!(left.len(), 2, "no temporary left: {left:?}");
    }

    use super::*;

    fn config_with(text: &str) -> (tempfile::TempDir, DockerConfig) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), text).unwrap();
        let config = DockerConfig { dir: dir.path().to_path_buf(), helper_path: None };
        (dir, config)
    }

    #[tokio::test]
    async fn auths_are_read_by_server_or_by_host() {
        // "u:p:w" base64: the password may hold a colon.
        let (_dir, config) = config_with(
            r#"{"auths":{"127.0.0.1:25001":{"auth":"dTpwOnc="},"https://index.docker.io/v1/":{"auth":"aHViOnNlY3JldA=="},"http://other:5000/v2/":{"identitytoken":"tok"}}}"#,
        );
        let auth = config.lookup("127.0.0.1:25001").await.unwrap().unwrap();
        assert_eq!((auth.username.as_str(), auth.secret.expose(), auth.token), ("u", "p:w", false));
        let hub = config.lookup(crate::model::DOCKER_HUB_SERVER).await.unwrap().unwrap();
        assert_eq!(hub.username, "hub");
        let token = config.lookup("other:5000").await.unwrap().unwrap();
        assert!(token.token && token.secret.expose() == "tok");
        assert_eq!(config.lookup("elsewhere.io").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_missing_config_has_no_credentials_and_a_broken_one_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let config = DockerConfig { dir: dir.path().join("absent"), helper_path: None };
        assert_eq!(config.lookup("r.io").await.unwrap(), None);
        let (_dir, broken) = config_with("{ nope");
        let error = broken.lookup("r.io").await.unwrap_err();
        assert!(error.contains("config.json") && error.contains("not valid JSON"), "{error}");
        assert!(!error.contains("nope"), "the file's text is not repeated: {error}");
    }

    #[tokio::test]
    async fn a_login_is_kept_in_config_json_private_and_with_everything_else() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, config) = config_with(r#"{"currentContext":"x","auths":{"a.io":{"auth":"YTpi"}}}"#);
        let auth = RegistryAuth {
            server: "127.0.0.1:25001".into(),
            username: "me".into(),
            secret: Secret::new("pw"),
            token: false,
        };
        assert_eq!(config.store(&auth).await.unwrap(), Kept::File(config.file()));
        let saved: Value = serde_json::from_str(&std::fs::read_to_string(config.file()).unwrap()).unwrap();
        assert_eq!(saved["currentContext"], "x");
        assert_eq!(saved["auths"]["a.io"]["auth"], "YTpi");
        assert_eq!(config.lookup("127.0.0.1:25001").await.unwrap(), Some(auth));
        let mode = std::fs::metadata(config.file()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    /// A credential store of a shell script: `store` keeps the JSON it is given in a
    /// file, `get` answers it for that server.
    #[tokio::test]
    async fn a_login_goes_to_the_credential_store_and_comes_back_from_it() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, mut config) = config_with(r#"{"credsStore":"wharfunit"}"#);
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let kept = dir.path().join("kept.json");
        let script = format!(
            "#!/bin/sh\ncase \"$1\" in\n store) cat > {kept} ;;\n get) read s; [ -f {kept} ] && grep -q \"$s\" {kept} && cat {kept} || {{ echo 'credentials not found in native keychain'; exit 1; }} ;;\n *) exit 1 ;;\nesac\n",
            kept = kept.display()
        );
        let helper = bin.join("docker-credential-wharfunit");
        std::fs::write(&helper, script).unwrap();
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
        config.helper_path = Some(format!("{}:/usr/bin:/bin", bin.display()).into());

        assert_eq!(config.lookup("127.0.0.1:25001").await.unwrap(), None, "nothing kept yet");
        let auth = RegistryAuth {
            server: "127.0.0.1:25001".into(),
            username: "me".into(),
            secret: Secret::new("pw"),
            token: false,
        };
        assert_eq!(config.store(&auth).await.unwrap(), Kept::Helper("wharfunit".into()));
        assert_eq!(config.lookup("127.0.0.1:25001").await.unwrap(), Some(auth));
        let file: Value = serde_json::from_str(&std::fs::read_to_string(config.file()).unwrap()).unwrap();
        assert!(file.get("auths").is_none(), "nothing in config.json: {file}");

        config.helper_path = Some(dir.path().join("empty").into_os_string());
        let missing = config.lookup("127.0.0.1:25001").await.unwrap_err();
        assert!(missing.contains("docker-credential-wharfunit is not on PATH"), "{missing}");
    }

    #[test]
    fn helpers_are_chosen_per_registry_then_for_all() {
        let config: Value =
            serde_json::from_str(r#"{"credsStore":"pass","credHelpers":{"127.0.0.1:25001":"wharftest"}}"#).unwrap();
        assert_eq!(DockerConfig::helper_for(&config, "127.0.0.1:25001").as_deref(), Some("wharftest"));
        assert_eq!(DockerConfig::helper_for(&config, "r.io").as_deref(), Some("pass"));
        let none: Value = serde_json::from_str(r#"{"credsStore":""}"#).unwrap();
        assert_eq!(DockerConfig::helper_for(&none, "r.io"), None);
    }
}
