//! Port specs as `docker run -p` takes them, checked at least as strictly:
//! `[ip:][host[-end]:]container[-end][/proto]`, IPv6 hosts in brackets.

use crate::model::{HostPort, PortBinding, Protocol};

/// Parses one `-p` spec into the bindings it publishes (a range gives several).
/// `default_ip` is used when the spec names no host address ("" = every interface).
pub fn parse_port_spec(spec: &str, default_ip: &str) -> Result<Vec<PortBinding>, String> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err("empty port spec".into());
    }
    let (rest, protocol) = match spec.rsplit_once('/') {
        Some((rest, proto)) => {
            let protocol = Protocol::parse(proto)
                .filter(|_| !proto.is_empty())
                .ok_or_else(|| format!("unknown protocol {proto:?}: use tcp, udp or sctp"))?;
            (rest, protocol)
        }
        None => (spec, Protocol::Tcp),
    };
    let (ip, rest) = split_ip(rest)?;
    let parts: Vec<&str> = rest.split(':').collect();
    let (host_part, container_part, ip) = match parts.as_slice() {
        [container] => ("", *container, ip),
        [host, container] => (*host, *container, ip),
        // `ip:host:container` without brackets (IPv4 only).
        [ip4, host, container] if ip.is_none() => (*host, *container, Some(check_ipv4(ip4)?)),
        _ => return Err(format!("{spec:?} has too many parts: use [ip:][host:]container[/proto]")),
    };
    if container_part.is_empty() {
        return Err(format!("{spec:?} has no container port"));
    }
    // Both sides are read before either is refused: one message names every mistake.
    let container = parse_range(container_part, "container");
    let host = if host_part.is_empty() { Ok(None) } else { parse_range(host_part, "host").map(Some) };
    let (c_start, c_end, host) = match (container, host) {
        (Ok((start, end)), Ok(host)) => (start, end, host),
        (Err(c), Err(h)) => return Err(format!("{h}; {c}")),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    if c_start == 0 {
        return Err("container port 0 is not a port: use 1-65535".into());
    }
    // Host port 0 means "pick one", as in the docker CLI.
    let host = host.filter(|&(h_start, h_end)| !(h_start == 0 && h_end == 0));
    if let Some((h_start, _)) = host
        && h_start == 0
    {
        return Err("a host port range cannot start at 0".into());
    }
    let ip = ip.unwrap_or_else(|| default_ip.to_string());
    let count = usize::from(c_end - c_start) + 1;
    let binding = |container_port, host_port| PortBinding { container_port, protocol, host_ip: ip.clone(), host_port };
    match host {
        None => Ok((c_start..=c_end).map(|c| binding(c, HostPort::Random)).collect()),
        Some((h_start, h_end)) if h_start == h_end => {
            if count > 1 {
                return Err(format!("host port {h_start} cannot publish {count} container ports"));
            }
            Ok(vec![binding(c_start, HostPort::Port(h_start))])
        }
        Some((h_start, h_end)) => {
            let h_count = usize::from(h_end - h_start) + 1;
            if count == 1 {
                // The daemon binds one free port of the range.
                Ok(vec![binding(c_start, HostPort::Range(h_start, h_end))])
            } else if h_count == count {
                Ok((0..count as u16).map(|i| binding(c_start + i, HostPort::Port(h_start + i))).collect())
            } else {
                Err(format!("host range has {h_count} ports but container range has {count}: they must match"))
            }
        }
    }
}

/// Splits a leading `[v6]:` host address off.
fn split_ip(rest: &str) -> Result<(Option<String>, &str), String> {
    let Some(after) = rest.strip_prefix('[') else { return Ok((None, rest)) };
    let (ip, tail) = after.split_once(']').ok_or("missing ] after the IPv6 address")?;
    ip.parse::<std::net::Ipv6Addr>().map_err(|_| format!("{ip:?} is not an IPv6 address"))?;
    let tail = tail.strip_prefix(':').ok_or("expected : after the IPv6 address")?;
    Ok((Some(ip.to_string()), tail))
}

fn check_ipv4(ip: &str) -> Result<String, String> {
    ip.parse::<std::net::Ipv4Addr>().map(|_| ip.to_string()).map_err(|_| format!("{ip:?} is not an IP address"))
}

fn parse_range(text: &str, what: &str) -> Result<(u16, u16), String> {
    let port = |p: &str| -> Result<u16, String> {
        // Digits only: Rust's parse takes a leading `+`, which would read `+80` as 80
        // when the user most likely typed something else by mistake.
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{what} port {p:?} is not a number: use digits only"));
        }
        let n: u32 = p.parse().map_err(|_| format!("{what} port {p:?} is out of range: use 1-65535"))?;
        u16::try_from(n).map_err(|_| format!("{what} port {n} is out of range: use 1-65535"))
    };
    match text.split_once('-') {
        None => {
            let p = port(text)?;
            Ok((p, p))
        }
        Some((a, b)) => {
            let (a, b) = (port(a)?, port(b)?);
            if a > b {
                return Err(format!("{what} range {text} runs backwards"));
            }
            Ok((a, b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(spec: &str) -> Vec<String> {
        parse_port_spec(spec, "127.0.0.1")
            .unwrap_or_else(|e| panic!("{spec}: {e}"))
            .iter()
            .map(|b| b.describe())
            .collect()
    }

    #[test]
    fn valid_specs() {
        let cases: &[(&str, &[&str])] = &[
            ("6379", &["127.0.0.1:random->6379/tcp"]),
            (":6379", &["127.0.0.1:random->6379/tcp"]),
            ("0:6379", &["127.0.0.1:random->6379/tcp"]),
            ("1234:6379", &["127.0.0.1:1234->6379/tcp"]),
            ("0.0.0.0:1234:6379", &["0.0.0.0:1234->6379/tcp"]),
            ("10.1.2.3::6379", &["10.1.2.3:random->6379/tcp"]),
            ("[::1]:1234:6379", &["[::1]:1234->6379/tcp"]),
            ("5353:53/udp", &["127.0.0.1:5353->53/udp"]),
            ("9:9/SCTP", &["127.0.0.1:9->9/sctp"]),
            (
                "1234-1236:6379-6381",
                &["127.0.0.1:1234->6379/tcp", "127.0.0.1:1235->6380/tcp", "127.0.0.1:1236->6381/tcp"],
            ),
            ("1234-1236:6379", &["127.0.0.1:1234-1236->6379/tcp"]),
            ("7000-7001", &["127.0.0.1:random->7000/tcp", "127.0.0.1:random->7001/tcp"]),
            (" 65535:1 ", &["127.0.0.1:65535->1/tcp"]),
        ];
        for (spec, expected) in cases {
            assert_eq!(ok(spec), *expected, "{spec}");
        }
        // No default address: every interface.
        assert_eq!(parse_port_spec("1234:6379", "").unwrap()[0].host_ip, "");
    }

    #[test]
    fn invalid_specs_say_why() {
        let cases: &[(&str, &str)] = &[
            ("", "empty"),
            ("1234:0", "container port 0"),
            ("70000", "out of range"),
            ("1234:70000", "out of range"),
            ("abc", "not a number"),
            ("+80", "container port \"+80\" is not a number: use digits only"),
            ("+8080:80", "host port \"+8080\" is not a number"),
            ("8080:+80", "container port \"+80\" is not a number"),
            ("80-+81", "not a number"),
            ("1234: 80", "not a number"),
            ("1234:", "no container port"),
            ("a:b:c:d", "too many parts"),
            ("1:2:3:4", "too many parts"),
            ("1234:6379/xtp", "unknown protocol"),
            ("1234:6379/", "unknown protocol"),
            ("1234-1236:6379-6380", "must match"),
            ("1236-1234:6379", "backwards"),
            ("1234:6379-6380", "cannot publish 2"),
            ("300.1.1.1:1:2", "not an IP address"),
            ("[::1:1234:6379", "missing ]"),
            ("[zz]:1:2", "not an IPv6"),
            ("0-3:5-8", "cannot start at 0"),
            ("abc:99999", "host port \"abc\" is not a number: use digits only; container port 99999 is out of range"),
        ];
        for (spec, needle) in cases {
            let err = parse_port_spec(spec, "").expect_err(spec);
            assert!(err.contains(needle), "{spec}: {err}");
        }
    }
}
