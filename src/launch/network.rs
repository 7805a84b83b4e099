//! Where a container's network comes from: the network it joins (`--network`) and the
//! extra names in its `/etc/hosts` (`--add-host`).

/// The address `--add-host` takes for "the host": the daemon puts the host's gateway
/// address there (Docker 20.10 and later), which is how a container reaches a port the
/// host publishes on every interface (`host.docker.internal` on Docker Desktop).
pub const HOST_GATEWAY: &str = "host-gateway";

/// What the network field holds, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkChoice {
    /// `bridge`, `host`, `none`, or a user network by name.
    Named(String),
    /// `container:NAME`: share that container's network namespace (its interfaces,
    /// its 127.0.0.1 and its ports).
    Container(String),
}

impl NetworkChoice {
    /// The daemon's `NetworkMode` for it.
    pub fn mode(&self) -> String {
        match self {
            NetworkChoice::Named(name) => name.clone(),
            NetworkChoice::Container(name) => format!("container:{name}"),
        }
    }
}

/// One `--add-host` line: `NAME:ADDRESS`, the address an IPv4 or IPv6 address or
/// `host-gateway`. `NAME=ADDRESS` is accepted too (newer docker CLIs write it), and an
/// IPv6 address may come in brackets. Returns the daemon's `NAME:ADDRESS`.
pub fn parse_extra_host(line: &str) -> Result<String, String> {
    let line = line.trim();
    let Some((name, address)) = line.split_once('=').or_else(|| line.split_once(':')) else {
        return Err(format!("{line:?}: write NAME:ADDRESS, e.g. host.docker.internal:{HOST_GATEWAY} (the host)"));
    };
    let (name, address) = (name.trim(), address.trim());
    let name_ok = !name.is_empty()
        && name.len() <= 253
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !name.starts_with(['.', '-']);
    if !name_ok {
        return Err(format!("{name:?} is not a host name: letters, digits, . - _ (e.g. host.docker.internal)"));
    }
    let address = address.strip_prefix('[').and_then(|a| a.strip_suffix(']')).unwrap_or(address);
    if address == HOST_GATEWAY || address.parse::<std::net::IpAddr>().is_ok() {
        return Ok(format!("{name}:{address}"));
    }
    if address.is_empty() {
        return Err(format!("{name}: the address is missing; an IP address, or {HOST_GATEWAY} for the host"));
    }
    Err(format!("{address:?} is not an IP address; write one (172.17.0.1, ::1) or {HOST_GATEWAY} for the host"))
}

/// A container's `NetworkMode` that the form's Network field shows (and an edit fills
/// in): not the daemon's default, and a mode the field takes back as typed.
pub fn form_shows_network(mode: &str) -> bool {
    !matches!(mode, "" | "default" | "bridge") && parse_network(mode).is_ok()
}

/// The network field: empty for the daemon's default (the bridge), a network's name,
/// or `container:NAME` to share a running container's network.
pub fn parse_network(text: &str) -> Result<Option<NetworkChoice>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(container) = text.strip_prefix("container:") {
        let container = container.trim().trim_start_matches('/');
        if container.is_empty() {
            return Err("container: needs the name (or id) of a running container, e.g. container:redis".into());
        }
        if !name_chars(container) {
            return Err(format!("{container:?} is not a container name: letters, digits, _ . -"));
        }
        return Ok(Some(NetworkChoice::Container(container.to_string())));
    }
    if text.contains(':') {
        return Err(format!("{text:?}: a network's name, or container:NAME to share a container's network"));
    }
    if !name_chars(text) {
        return Err(format!("{text:?} is not a network name: letters, digits, _ . - (e.g. bridge, host, mynet)"));
    }
    Ok(Some(NetworkChoice::Named(text.to_string())))
}

fn name_chars(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_hosts_take_an_address_or_the_host() {
        let ok = [
            ("host.docker.internal:host-gateway", "host.docker.internal:host-gateway"),
            (" db:10.0.0.5 ", "db:10.0.0.5"),
            ("v6:::1", "v6:::1"),
            ("v6:[fe80::1]", "v6:fe80::1"),
            ("eq=192.168.1.1", "eq:192.168.1.1"),
        ];
        for (line, want) in ok {
            assert_eq!(parse_extra_host(line).as_deref(), Ok(want), "{line}");
        }
        for (line, says) in [
            ("justaname", "NAME:ADDRESS"),
            (":1.2.3.4", "not a host name"),
            ("bad name:1.2.3.4", "not a host name"),
            ("db:", "address is missing"),
            ("db:localhost", "not an IP address"),
            ("db:300.1.1.1", "not an IP address"),
        ] {
            let err = parse_extra_host(line).unwrap_err();
            assert!(err.contains(says), "{line}: {err}");
        }
    }

    #[test]
    fn networks_by_name_or_a_containers_own() {
        assert_eq!(parse_network("  "), Ok(None));
        assert_eq!(parse_network("mynet"), Ok(Some(NetworkChoice::Named("mynet".into()))));
        assert_eq!(parse_network("container:redis").unwrap().unwrap().mode(), "container:redis");
        assert_eq!(parse_network("container:/redis").unwrap().unwrap().mode(), "container:redis");
        assert!(parse_network("container:").unwrap_err().contains("needs the name"));
        assert!(parse_network("contianer:redis").unwrap_err().contains("container:NAME"));
        assert!(parse_network("my net").unwrap_err().contains("not a network name"));
        assert!(parse_network("container:a b").unwrap_err().contains("not a container name"));
    }
}
