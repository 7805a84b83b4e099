//! What a failed launch or pull means, in a user's words: read from the daemon's message
//! and what wharf already lists (images, containers). Pure: the daemon's words come in
//! already sanitised, and nothing here asks the daemon anything.

use crate::model::{ContainerRow, ImageRow};

/// A host address and port the daemon could not bind, e.g. `("127.0.0.1", 1234)`; the
/// address is empty or `0.0.0.0`/`::` for every interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostAddress {
    pub ip: String,
    pub port: u16,
}

impl std::fmt::Display for HostAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.ip.is_empty() { write!(f, "{}", self.port) } else { write!(f, "{}:{}", self.ip, self.port) }
    }
}

/// The host port a start failed on because something else holds it, from the words the
/// engine uses: `Bind for 127.0.0.1:1234 failed: port is already allocated` (another
/// container), `listen tcp4 0.0.0.0:1234: bind: address already in use` (another
/// program), Docker Desktop's `Ports are not available: exposing port TCP
/// 127.0.0.1:1234 -> …`, and wharf's own `host port 127.0.0.1:1234 is already in use`.
pub fn port_in_use(message: &str) -> Option<HostAddress> {
    let in_use = message.contains("port is already allocated")
        || message.contains("address already in use")
        || message.contains("is already in use")
        || message.contains("Ports are not available");
    if !in_use {
        return None;
    }
    const BEFORE: [&str; 9] = [
        "Bind for ",
        "host port ",
        "exposing port TCP ",
        "exposing port UDP ",
        "listen tcp4 ",
        "listen tcp6 ",
        "listen tcp ",
        "listen udp4 ",
        "listen udp ",
    ];
    BEFORE.iter().find_map(|before| {
        let (_, after) = message.split_once(before)?;
        let token = after.split_whitespace().next()?.trim_end_matches([':', ',', ';']);
        let (ip, port) = token.rsplit_once(':')?;
        let port = port.parse::<u16>().ok()?;
        Some(HostAddress { ip: ip.trim_start_matches('[').trim_end_matches(']').to_string(), port })
    })
}

/// The containers in wharf's list that publish `address` (same port, and the same
/// address or one of them on every interface): who holds the port.
pub fn port_holders<'a>(address: &HostAddress, containers: &'a [ContainerRow]) -> Vec<&'a str> {
    let everywhere = |ip: &str| matches!(ip, "" | "0.0.0.0" | "::");
    let mut names: Vec<&str> = containers
        .iter()
        .filter(|c| {
            c.ports.iter().any(|p| {
                p.host_port == Some(address.port)
                    && (p.host_ip == address.ip || everywhere(&p.host_ip) || everywhere(&address.ip))
            })
        })
        .map(|c| c.name.as_str())
        .collect();
    names.dedup();
    names
}

/// Whether a pull failed because the daemon reached no registry at all (offline, DNS,
/// a proxy or firewall), as opposed to the registry refusing or not knowing the image.
pub fn registry_unreachable(message: &str) -> bool {
    const SIGNS: [&str; 12] = [
        "dial tcp",
        "no such host",
        "Temporary failure in name resolution",
        "server misbehaving",
        "network is unreachable",
        "no route to host",
        "connection refused",
        "i/o timeout",
        "Client.Timeout exceeded",
        "request canceled while waiting for connection",
        "TLS handshake timeout",
        "proxyconnect",
    ];
    SIGNS.iter().any(|sign| message.contains(sign))
}

/// The registry a pull went to, from the daemon's words (`Get "https://HOST/v2/": …`).
pub fn registry_host(message: &str) -> Option<&str> {
    let (_, after) = message.split_once("://")?;
    let host = after.split(['/', '"', ' ']).next()?;
    (!host.is_empty()).then_some(host)
}

/// Local images whose repository has the same last name as `wanted`'s, under another
/// namespace, registry or tag (`wharf-test/redis:latest` or `redis:7` for `redis`): what
/// a user offline most likely meant. Same tag first; at most three.
pub fn similar_images(wanted: &str, images: &[ImageRow]) -> Vec<String> {
    let (wanted_repo, wanted_tag) = repo_and_tag(wanted);
    let wanted_last = last_component(wanted_repo);
    let mut found: Vec<(bool, String)> = images
        .iter()
        .flat_map(|image| image.tags.iter())
        .filter_map(|reference| {
            let (repo, tag) = repo_and_tag(reference);
            ((repo, tag) != (wanted_repo, wanted_tag) && last_component(repo) == wanted_last)
                .then(|| (tag != wanted_tag, reference.clone()))
        })
        .collect();
    found.sort();
    found.dedup();
    found.into_iter().map(|(_, reference)| reference).take(3).collect()
}

/// `registry:5000/a/b:tag@digest` -> (`registry:5000/a/b`, `tag`); no tag is `latest`.
fn repo_and_tag(reference: &str) -> (&str, &str) {
    let name = reference.split_once('@').map_or(reference, |(n, _)| n);
    match name.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (name, "latest"),
    }
}

fn last_component(repo: &str) -> &str {
    repo.rsplit('/').next().unwrap_or(repo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ContainerState, PortMapping, Protocol};

    fn address(ip: &str, port: u16) -> Option<HostAddress> {
        Some(HostAddress { ip: ip.into(), port })
    }

    #[test]
    fn the_port_a_start_failed_on_is_read_from_the_engines_words() {
        let cases: &[(&str, Option<HostAddress>)] = &[
            (
                "driver failed programming external connectivity on endpoint x (ab): Bind for 127.0.0.1:1234 failed: port is already allocated",
                address("127.0.0.1", 1234),
            ),
            ("Bind for 0.0.0.0:6379 failed: port is already allocated", address("0.0.0.0", 6379)),
            ("Bind for [::]:8080 failed: port is already allocated", address("::", 8080)),
            (
                "Error starting userland proxy: listen tcp4 0.0.0.0:5432: bind: address already in use",
                address("0.0.0.0", 5432),
            ),
            (
                "Ports are not available: exposing port TCP 127.0.0.1:80 -> 0.0.0.0:0: listen tcp 127.0.0.1:80: bind: address already in use",
                address("127.0.0.1", 80),
            ),
            (
                "host port 127.0.0.1:1234 is already in use, so the container could not start",
                address("127.0.0.1", 1234),
            ),
            ("OCI runtime create failed: exec: \"nope\": executable file not found", None),
            ("Bind for 127.0.0.1:1234 failed: something else", None),
        ];
        for (message, expected) in cases {
            assert_eq!(&port_in_use(message), expected, "{message}");
        }
    }

    fn container(name: &str, ip: &str, port: u16) -> ContainerRow {
        ContainerRow {
            id: format!("{name}-id"),
            name: name.into(),
            image: "wharf-test/busybox".into(),
            image_id: String::new(),
            state: ContainerState::Running,
            status: "Up 2 minutes".into(),
            status_age: None,
            created: 0,
            ports: vec![PortMapping {
                container_port: 80,
                protocol: Protocol::Tcp,
                host_ip: ip.into(),
                host_port: Some(port),
            }],
            project: None,
            service: None,
            volumes: Vec::new(),
            networks: Vec::new(),
            health: None,
        }
    }

    #[test]
    fn the_container_that_publishes_a_port_is_found_by_address() {
        let list =
            [container("web", "127.0.0.1", 8080), container("api", "0.0.0.0", 9000), container("db", "10.0.0.2", 8080)];
        let at = |ip: &str, port| HostAddress { ip: ip.into(), port };
        assert_eq!(port_holders(&at("127.0.0.1", 8080), &list), vec!["web"]);
        assert_eq!(port_holders(&at("127.0.0.1", 9000), &list), vec!["api"], "every interface covers loopback");
        assert_eq!(port_holders(&at("0.0.0.0", 8080), &list), vec!["web", "db"]);
        assert!(port_holders(&at("127.0.0.1", 7000), &list).is_empty());
    }

    #[test]
    fn an_offline_daemon_is_told_from_a_refusing_registry() {
        for offline in [
            "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on 10.0.0.1:53: no such host",
            "Get \"https://registry-1.docker.io/v2/\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)",
            "Get \"https://registry-1.docker.io/v2/\": dial tcp 44.1.2.3:443: connect: network is unreachable",
        ] {
            assert!(registry_unreachable(offline), "{offline}");
            assert_eq!(registry_host(offline), Some("registry-1.docker.io"));
        }
        for refused in [
            "pull access denied for nothing, repository does not exist or may require 'docker login'",
            "manifest for redis:nope not found: manifest unknown",
        ] {
            assert!(!registry_unreachable(refused), "{refused}");
        }
    }

    #[test]
    fn a_local_image_with_a_similar_name_is_offered() {
        let image = |tags: &[&str]| ImageRow {
            id: String::new(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            size: 0,
            created: 0,
            containers: 0,
        };
        let images = [
            image(&["wharf-test/redis:latest"]),
            image(&["wharf-test/mysql:5.7", "other/mysql:8"]),
            image(&["redis:7"]),
            image(&["wharf-test/redis-cli:1"]),
        ];
        assert_eq!(similar_images("redis", &images), vec!["wharf-test/redis:latest", "redis:7"]);
        assert_eq!(similar_images("mysql:5.7", &images), vec!["wharf-test/mysql:5.7", "other/mysql:8"]);
        assert_eq!(similar_images("docker.io/library/redis", &images), vec!["wharf-test/redis:latest", "redis:7"]);
        assert!(similar_images("postgres", &images).is_empty());
    }
}
