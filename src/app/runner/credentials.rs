//! The credentials the runner sends with pulls, pushes and builds: those typed into
//! the login prompt for this session first, then the docker CLI's (`config.json`,
//! credential helpers). Held here, on the runner's side, never in the state: the
//! screen has no business with a password once it is typed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::credentials::{DockerConfig, Kept};
use crate::model::{CANNOT_KEEP, RegistryAuth, registry_host, registry_of};

#[derive(Clone, Default)]
pub struct Credentials {
    config: Option<DockerConfig>,
    /// Logins kept for this session only, by registry host.
    session: Arc<Mutex<HashMap<String, RegistryAuth>>>,
}

impl Credentials {
    pub fn new(config: Option<DockerConfig>) -> Self {
        Self { config, session: Arc::default() }
    }

    /// The credentials for the registry `reference` belongs to, if wharf has any. A
    /// config or helper that fails is logged (its words, never a secret) and counts
    /// as none: the registry then says whether it needs them.
    pub async fn for_reference(&self, reference: &str) -> Option<RegistryAuth> {
        self.for_server(&registry_of(reference)).await
    }

    pub async fn for_server(&self, server: &str) -> Option<RegistryAuth> {
        let host = registry_host(server);
        let remembered = self.session.lock().unwrap_or_else(PoisonError::into_inner).get(&host).cloned();
        if remembered.is_some() {
            // `RegistryAuth`'s Debug masks the secret: this line is safe at any level.
            tracing::debug!(registry = %server, auth = ?remembered, "credentials of this session");
            return remembered;
        }
        let config = self.config.as_ref()?;
        match config.lookup(server).await {
            Ok(found) => {
                tracing::debug!(registry = %server, auth = ?found, "credentials from the docker config");
                found
            }
            Err(error) => {
                tracing::warn!(registry = %server, %error, "cannot read the registry credentials");
                None
            }
        }
    }

    /// Keeps a login that worked: as `docker login` does (`keep`), else for this
    /// session. Says where, for the user; a login that cannot be kept is still kept
    /// for the session, and the answer starts with [`CANNOT_KEEP`] and says why.
    pub async fn keep(&self, auth: RegistryAuth, keep: bool) -> Result<String, String> {
        let host = registry_host(&auth.server);
        let kept = match (&self.config, keep) {
            (Some(config), true) => match config.store(&auth).await {
                Ok(Kept::Helper(name)) => format!("in the credential store (docker-credential-{name})"),
                Ok(Kept::File(path)) => {
                    format!("in {} (unencrypted: base64 only; a credsStore keeps it safer)", path.display())
                }
                Err(why) => format!("{CANNOT_KEEP}{why}; it is kept for this session"),
            },
            (None, true) => format!("{CANNOT_KEEP}there is no docker config directory; it is kept for this session"),
            (_, false) => "for this session only".into(),
        };
        self.session.lock().unwrap_or_else(PoisonError::into_inner).insert(host, auth);
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Secret;

    #[tokio::test]
    async fn a_login_that_cannot_be_saved_is_kept_for_the_session() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config.json")).unwrap();
        let credentials = Credentials::new(Some(DockerConfig { dir: dir.path().to_path_buf(), helper_path: None }));
        let auth =
            RegistryAuth { server: "r.example".into(), username: "me".into(), secret: Secret::new("pw"), token: false };
        let said = credentials.keep(auth, true).await.unwrap();
        assert!(said.starts_with(CANNOT_KEEP) && said.contains("config.json"), "{said}");
        assert_eq!(credentials.for_server("r.example").await.unwrap().username, "me");
    }
}
