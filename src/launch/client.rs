//! The throw-away client `T` opens beside a running service (`docker run --rm -it`),
//! and how it reaches the service without publishing anything more widely:
//! - by default it shares the service's network namespace (`--network container:NAME`):
//!   the service's ports are at 127.0.0.1 on their own (container) port, and a port
//!   published on 127.0.0.1 only stays so;
//! - when the service publishes a port on every interface, the client goes the way the
//!   workshop does: `--add-host host.docker.internal:host-gateway` and the host port.

use super::{HOST_GATEWAY, LaunchDraft};
use crate::model::{PortMapping, Protocol};

/// What `T` launches, and what it says about reaching the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPlan {
    pub draft: LaunchDraft,
    /// "reach redis at 127.0.0.1:6379", for the console's border and its first line.
    pub hint: String,
}

/// Binds every interface (`0.0.0.0`, `::`, or no address).
fn on_every_interface(port: &PortMapping) -> bool {
    port.is_published() && matches!(port.host_ip.as_str(), "" | "0.0.0.0" | "::")
}

/// The client of `service`, which has `ports`; `taken` says whether a container name
/// is in use already.
pub fn plan(
    service: &str,
    ports: &[PortMapping],
    image: &str,
    command: &[String],
    taken: impl Fn(&str) -> bool,
) -> ClientPlan {
    let tcp: Vec<&PortMapping> = ports.iter().filter(|p| p.protocol == Protocol::Tcp).collect();
    // (IPv4 and IPv6 bindings of one port are listed apart: one address each.)
    let mut everywhere: Vec<u16> = tcp.iter().filter(|p| on_every_interface(p)).filter_map(|p| p.host_port).collect();
    everywhere.sort_unstable();
    everywhere.dedup();
    let (network, extra_hosts, addresses): (String, String, Vec<String>) = if everywhere.is_empty() {
        let mut own: Vec<u16> = tcp.iter().map(|p| p.container_port).collect();
        own.sort_unstable();
        own.dedup();
        let addresses = own.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        (format!("container:{service}"), String::new(), addresses)
    } else {
        let addresses = everywhere.iter().map(|p| format!("host.docker.internal:{p}")).collect();
        (String::new(), format!("host.docker.internal:{HOST_GATEWAY}"), addresses)
    };
    let hint = match addresses.first() {
        None => format!("shares {service}'s network: its services are at 127.0.0.1"),
        Some(_) => format!("reach {service} at {}", addresses.iter().take(3).cloned().collect::<Vec<_>>().join(", ")),
    };
    // The hint is also the client's first line, with an example, then its command.
    let example = addresses.first().and_then(|a| a.rsplit_once(':')).map(|(h, p)| format!(" (e.g. nc {h} {p})"));
    let banner = format!("{hint}{}", example.unwrap_or_default());
    let mut words: Vec<String> = vec!["sh".into(), "-c".into(), r#"printf '%s\n' "$0"; exec "$@""#.into(), banner];
    words.extend(command.iter().cloned());
    let base = format!("{service}-client");
    let name = std::iter::once(base.clone())
        .chain((2..100).map(|n| format!("{base}-{n}")))
        .find(|n| !taken(n))
        .unwrap_or_default();
    let draft = LaunchDraft {
        image: image.to_string(),
        name,
        command: shell_words::join(&words),
        network,
        extra_hosts,
        auto_remove: true,
        interactive_tty: true,
        ..Default::default()
    };
    ClientPlan { draft, hint }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(host_ip: &str, host_port: Option<u16>, container_port: u16) -> PortMapping {
        PortMapping { container_port, protocol: Protocol::Tcp, host_ip: host_ip.into(), host_port }
    }

    fn sh() -> Vec<String> {
        vec!["sh".into()]
    }

    #[test]
    fn a_loopback_service_is_reached_through_its_own_network() {
        let plan = plan("redis", &[port("127.0.0.1", Some(1234), 6379)], "busybox", &sh(), |_| false);
        assert_eq!(plan.hint, "reach redis at 127.0.0.1:6379");
        let spec = plan.draft.validate(|_| None).unwrap();
        assert_eq!(spec.network.as_deref(), Some("container:redis"));
        assert!(spec.extra_hosts.is_empty() && spec.ports.is_empty());
        assert!(spec.auto_remove && spec.interactive_tty);
        assert_eq!(spec.name.as_deref(), Some("redis-client"));
        let command = spec.command.unwrap();
        assert_eq!(command[3], "reach redis at 127.0.0.1:6379 (e.g. nc 127.0.0.1 6379)");
        assert_eq!(command[4..], ["sh".to_string()]);
    }

    #[test]
    fn a_port_on_every_interface_is_reached_through_the_host() {
        let ports = [port("0.0.0.0", Some(1234), 6379), port("::", Some(1234), 6379)];
        let plan = plan("redis", &ports, "busybox", &sh(), |n| n == "redis-client");
        assert_eq!(plan.hint, "reach redis at host.docker.internal:1234");
        let spec = plan.draft.validate(|_| None).unwrap();
        assert_eq!(spec.network, None);
        assert_eq!(spec.extra_hosts, ["host.docker.internal:host-gateway"]);
        assert_eq!(spec.name.as_deref(), Some("redis-client-2"), "the first name is taken");
    }

    #[test]
    fn a_service_without_ports_still_shares_its_network() {
        let plan = plan("worker", &[], "busybox", &sh(), |_| false);
        assert_eq!(plan.hint, "shares worker's network: its services are at 127.0.0.1");
        assert_eq!(plan.draft.validate(|_| None).unwrap().network.as_deref(), Some("container:worker"));
    }
}
