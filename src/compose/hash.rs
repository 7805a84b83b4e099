//! The `com.docker.compose.config-hash` label: a digest of a service's configuration,
//! so a later `up` can tell which containers differ from the file and recreate exactly
//! those. Compose v2 hashes its own JSON of the service; wharf hashes its own reading
//! (`Service` serialised, fields in declaration order, maps sorted), so the value is
//! stable from run to run but not equal to compose's: a project compose started reads
//! as changed once, and `up` from wharf recreates it under wharf's hash.
//! Replicas, profiles and depends_on are left out: scaling does not recreate.

use sha2::{Digest, Sha256};

use super::Project;
use super::types::Service;

/// The hex SHA-256 of the service's configuration, with the daemon names of the
/// networks and volumes it uses (renaming a volume changes what the container mounts).
pub fn config_hash(project: &Project, service: &Service) -> String {
    let mut hasher = Sha256::new();
    hasher.update(serde_json::to_vec(service).unwrap_or_default());
    for key in service.networks.keys() {
        if let Some(n) = project.networks.get(key) {
            hasher.update(b"\0network\0");
            hasher.update(n.name.as_bytes());
        }
    }
    for mount in &service.volumes {
        if let Some(v) = mount.source.as_ref().and_then(|s| project.volumes.get(s)) {
            hasher.update(b"\0volume\0");
            hasher.update(v.name.as_bytes());
        }
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
