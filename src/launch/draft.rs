//! The launch form's content as plain text (what the user typed or a preset filled in),
//! and its validation into a `LaunchSpec`. Validation happens before any API call; an
//! error names its field (and line) so the form can show it there and put the cursor on it.

use super::{
    NetworkChoice, parse_container_name, parse_env_lines, parse_extra_host, parse_image_ref, parse_network,
    parse_port_spec, parse_volume_spec,
};
use crate::model::{LaunchSpec, RestartPolicy};

/// The fields of the launch form, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Image,
    Name,
    Ports,
    Env,
    Command,
    Volumes,
    Network,
    ExtraHosts,
    Restart,
    AutoRemove,
    InteractiveTty,
    AllInterfaces,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Image,
        Field::Name,
        Field::Ports,
        Field::Env,
        Field::Command,
        Field::Volumes,
        Field::Network,
        Field::ExtraHosts,
        Field::Restart,
        Field::AutoRemove,
        Field::InteractiveTty,
        Field::AllInterfaces,
    ];

    /// What a swarm service takes (`docker service create`): no `--rm`, `-it`, restart
    /// policy, binds or host address; those belong to a container on this host.
    pub const SERVICE: [Field; 5] = [Field::Image, Field::Name, Field::Ports, Field::Env, Field::Command];

    pub fn label(self) -> &'static str {
        match self {
            Field::Image => "Image",
            Field::Name => "Name",
            Field::Ports => "Ports",
            Field::Env => "Env",
            Field::Command => "Command",
            Field::Volumes => "Volumes",
            Field::Network => "Network",
            Field::ExtraHosts => "Extra hosts",
            Field::Restart => "Restart",
            Field::AutoRemove => "--rm",
            Field::InteractiveTty => "-it",
            Field::AllInterfaces => "All interfaces",
        }
    }

    /// Text fields take typing; the others are choices and toggles.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Field::Image
                | Field::Name
                | Field::Ports
                | Field::Env
                | Field::Command
                | Field::Volumes
                | Field::Network
                | Field::ExtraHosts
        )
    }

    /// Fields that hold one entry per line.
    pub fn is_multiline(self) -> bool {
        matches!(self, Field::Ports | Field::Env | Field::Volumes | Field::ExtraHosts)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LaunchDraft {
    pub image: String,
    pub name: String,
    /// One `-p` spec per line.
    pub ports: String,
    /// One `KEY=VALUE` per line.
    pub env: String,
    /// A command line, split like a shell would (quotes respected).
    pub command: String,
    /// One `-v` spec per line.
    pub volumes: String,
    pub restart: RestartPolicy,
    pub auto_remove: bool,
    pub interactive_tty: bool,
    /// With `-it`: run in the background (`docker run -itd`) instead of opening the
    /// console attached to it at once.
    pub detach: bool,
    /// Publish on every interface instead of 127.0.0.1 (for specs without an address).
    pub all_interfaces: bool,
    /// `--network`: empty (the default bridge), a network's name, or `container:NAME`.
    pub network: String,
    /// One `--add-host` `NAME:ADDRESS` per line (`host-gateway` is the host).
    pub extra_hosts: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    /// The line of a multi-line field the error is on (0-based).
    pub line: Option<usize>,
    pub message: String,
}

impl LaunchDraft {
    pub fn text(&self, field: Field) -> Option<&str> {
        Some(match field {
            Field::Image => &self.image,
            Field::Name => &self.name,
            Field::Ports => &self.ports,
            Field::Env => &self.env,
            Field::Command => &self.command,
            Field::Volumes => &self.volumes,
            Field::Network => &self.network,
            Field::ExtraHosts => &self.extra_hosts,
            _ => return None,
        })
    }

    pub fn set_text(&mut self, field: Field, text: String) {
        match field {
            Field::Image => self.image = text,
            Field::Name => self.name = text,
            Field::Ports => self.ports = text,
            Field::Env => self.env = text,
            Field::Command => self.command = text,
            Field::Volumes => self.volumes = text,
            Field::Network => self.network = text,
            Field::ExtraHosts => self.extra_hosts = text,
            _ => {}
        }
    }

    /// Publishes an unauthenticated-by-default service to every interface: the form
    /// says so (published ports bypass host firewalls).
    pub fn publishes_everywhere(&self) -> bool {
        self.all_interfaces && !self.ports.trim().is_empty()
    }

    /// Checks every field; returns the spec, or one error per field that is wrong, in
    /// field order. `lookup` reads wharf's own environment for bare `KEY` env lines.
    pub fn validate(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<LaunchSpec, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field, line, message| errors.push(FieldError { field, line, message });

        let image = parse_image_ref(&self.image).map_err(|m| err(Field::Image, None, m)).unwrap_or_default();
        let name = parse_container_name(&self.name).map_err(|m| err(Field::Name, None, m)).unwrap_or_default();

        let default_ip = if self.all_interfaces { "" } else { "127.0.0.1" };
        let mut ports = Vec::new();
        for (i, line) in non_blank_lines(&self.ports) {
            match parse_port_spec(line, default_ip) {
                Ok(bindings) => ports.extend(bindings),
                Err(m) => {
                    err(Field::Ports, Some(i), m);
                    break;
                }
            }
        }
        let env = parse_env_lines(&self.env, lookup).map_err(|(i, m)| err(Field::Env, Some(i), m)).unwrap_or_default();
        let command = if self.command.trim().is_empty() {
            None
        } else {
            match shell_words::split(&self.command) {
                Ok(words) => Some(words),
                Err(_) => {
                    err(Field::Command, None, "unbalanced quotes in the command".into());
                    None
                }
            }
        };
        let mut volumes = Vec::new();
        for (i, line) in non_blank_lines(&self.volumes) {
            match parse_volume_spec(line) {
                Ok(v) => volumes.push(v),
                Err(m) => {
                    err(Field::Volumes, Some(i), m);
                    break;
                }
            }
        }
        let network = parse_network(&self.network).map_err(|m| err(Field::Network, None, m)).unwrap_or_default();
        let mut extra_hosts = Vec::new();
        for (i, line) in non_blank_lines(&self.extra_hosts) {
            match parse_extra_host(line) {
                Ok(entry) => extra_hosts.push(entry),
                Err(m) => {
                    err(Field::ExtraHosts, Some(i), m);
                    break;
                }
            }
        }
        // What the daemon would refuse (or silently drop) with this network, said here.
        match &network {
            Some(NetworkChoice::Container(other)) if !self.ports.trim().is_empty() => err(
                Field::Network,
                None,
                format!(
                    "a container on container:{other} shares {other}'s ports and publishes none of its own: \
                     empty Ports, or publish them on {other}"
                ),
            ),
            Some(NetworkChoice::Container(other)) if !extra_hosts.is_empty() => err(
                Field::ExtraHosts,
                None,
                format!(
                    "a container on container:{other} uses {other}'s /etc/hosts: empty this, or add them to {other}"
                ),
            ),
            Some(NetworkChoice::Named(name)) if name == "host" && !self.ports.trim().is_empty() => err(
                Field::Network,
                None,
                "on the host's network the container's ports are the host's already: empty Ports".into(),
            ),
            _ => {}
        }
        if self.auto_remove && self.restart != RestartPolicy::No {
            err(Field::Restart, None, "--rm and a restart policy conflict: the daemon refuses both".into());
        }
        if !errors.is_empty() {
            // In field order, as the form shows them (a conflict is found after both fields).
            errors.sort_by_key(|e| Field::ALL.iter().position(|f| *f == e.field));
            return Err(errors);
        }
        Ok(LaunchSpec {
            image,
            name,
            ports,
            env,
            command,
            volumes,
            restart: self.restart,
            auto_remove: self.auto_remove,
            interactive_tty: self.interactive_tty,
            labels: Default::default(),
            carried: None,
            extra_hosts,
            network: network.map(|n| n.mode()),
        })
    }
}

impl LaunchDraft {
    /// Checks the fields a service takes (`Field::SERVICE`); the others are ignored
    /// whatever they hold. Ports are published on every node through the routing mesh,
    /// so a host address is a mistake named on its line, not silently dropped.
    pub fn validate_service(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<LaunchSpec, Vec<FieldError>> {
        let service = LaunchDraft {
            image: self.image.clone(),
            name: self.name.clone(),
            ports: self.ports.clone(),
            env: self.env.clone(),
            command: self.command.clone(),
            all_interfaces: true,
            ..Default::default()
        };
        let address_error = non_blank_lines(&self.ports).find_map(|(i, line)| {
            let bindings = parse_port_spec(line, "").ok()?;
            let ip = bindings.iter().find(|b| !b.host_ip.is_empty())?.host_ip.clone();
            Some(FieldError {
                field: Field::Ports,
                line: Some(i),
                message: format!(
                    "a service is published on every node (routing mesh): drop the address {ip}, write published:target"
                ),
            })
        });
        match (service.validate(lookup), address_error) {
            (result, None) => result,
            (Ok(_), Some(error)) => Err(vec![error]),
            (Err(mut errors), Some(error)) => {
                if !errors.iter().any(|e| e.field == Field::Ports) {
                    errors.push(error);
                    errors.sort_by_key(|e| Field::ALL.iter().position(|f| *f == e.field));
                }
                Err(errors)
            }
        }
    }
}

fn non_blank_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HostPort;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_good_draft_becomes_a_spec() {
        let draft = LaunchDraft {
            image: "mysql:5.7".into(),
            name: "mysql".into(),
            ports: "3306:3306\n\n".into(),
            env: "MYSQL_ALLOW_EMPTY_PASSWORD=true".into(),
            command: "sh -c 'echo hi; sleep 5'".into(),
            volumes: "data:/var/lib/mysql".into(),
            ..Default::default()
        };
        let spec = draft.validate(no_env).unwrap();
        assert_eq!(spec.name.as_deref(), Some("mysql"));
        assert_eq!(spec.ports[0].host_ip, "127.0.0.1", "loopback unless the user chooses every interface");
        assert_eq!(spec.ports[0].host_port, HostPort::Port(3306));
        assert_eq!(spec.env, vec!["MYSQL_ALLOW_EMPTY_PASSWORD=true"]);
        assert_eq!(spec.command, Some(vec!["sh".into(), "-c".into(), "echo hi; sleep 5".into()]));
        assert_eq!(spec.volumes.len(), 1);
    }

    #[test]
    fn every_wrong_field_is_reported_with_its_line() {
        let draft = LaunchDraft {
            image: String::new(),
            name: "bad name".into(),
            ports: "1234:6379\n1234:0".into(),
            env: "OK=1\n=x".into(),
            command: "echo 'unbalanced".into(),
            volumes: "/host:relative".into(),
            restart: RestartPolicy::Always,
            auto_remove: true,
            ..Default::default()
        };
        let errors = draft.validate(no_env).unwrap_err();
        let fields: Vec<(Field, Option<usize>)> = errors.iter().map(|e| (e.field, e.line)).collect();
        assert_eq!(
            fields,
            vec![
                (Field::Image, None),
                (Field::Name, None),
                (Field::Ports, Some(1)),
                (Field::Env, Some(1)),
                (Field::Command, None),
                (Field::Volumes, Some(0)),
                (Field::Restart, None),
            ]
        );
    }

    #[test]
    fn a_service_checks_only_what_a_service_takes() {
        let draft = LaunchDraft {
            image: "nginx".into(),
            ports: "8080:80".into(),
            // Container-only settings that conflict: not a service's business.
            volumes: "relative:path".into(),
            restart: RestartPolicy::Always,
            auto_remove: true,
            ..Default::default()
        };
        let spec = draft.validate_service(no_env).unwrap();
        assert_eq!(spec.ports[0].describe(), "8080->80/tcp");
        assert!(spec.volumes.is_empty() && !spec.auto_remove && spec.restart == RestartPolicy::No);
        let addressed = LaunchDraft { image: "Nginx".into(), ports: "80:80\n127.0.0.1:8080:80".into(), ..draft };
        let errors = addressed.validate_service(no_env).unwrap_err();
        let fields: Vec<(Field, Option<usize>)> = errors.iter().map(|e| (e.field, e.line)).collect();
        assert_eq!(fields, vec![(Field::Image, None), (Field::Ports, Some(1))]);
        assert!(errors[1].message.contains("drop the address 127.0.0.1"), "{}", errors[1].message);
    }

    #[test]
    fn network_and_extra_hosts_are_checked_with_what_they_conflict_with() {
        let draft = LaunchDraft {
            image: "busybox".into(),
            network: "container:redis".into(),
            extra_hosts: "host.docker.internal:host-gateway".into(),
            ..Default::default()
        };
        let errors = draft.validate(no_env).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, Field::ExtraHosts);
        assert!(errors[0].message.contains("uses redis's /etc/hosts"), "{}", errors[0].message);
        let published = LaunchDraft { extra_hosts: String::new(), ports: "80:80".into(), ..draft.clone() };
        let errors = published.validate(no_env).unwrap_err();
        assert_eq!((errors[0].field, errors.len()), (Field::Network, 1));
        assert!(errors[0].message.contains("publishes none of its own"), "{}", errors[0].message);
        let host = LaunchDraft { network: "host".into(), ..published };
        assert!(host.validate(no_env).unwrap_err()[0].message.contains("the host's already"));
        // Wrong lines are named; the other fields' errors keep field order.
        let wrong = LaunchDraft {
            image: String::new(),
            network: "my net".into(),
            extra_hosts: "db:10.0.0.5\nweb:nowhere".into(),
            ..Default::default()
        };
        let fields: Vec<_> = wrong.validate(no_env).unwrap_err().iter().map(|e| (e.field, e.line)).collect();
        assert_eq!(fields, vec![(Field::Image, None), (Field::Network, None), (Field::ExtraHosts, Some(1))]);
        let good = LaunchDraft { network: "container:redis".into(), ..draft };
        let good = LaunchDraft { extra_hosts: String::new(), ..good }.validate(no_env).unwrap();
        assert_eq!(good.network.as_deref(), Some("container:redis"));
        let hosts = LaunchDraft {
            image: "busybox".into(),
            extra_hosts: "host.docker.internal:host-gateway\n\ndb=10.0.0.5".into(),
            ..Default::default()
        };
        assert_eq!(hosts.validate(no_env).unwrap().extra_hosts, ["host.docker.internal:host-gateway", "db:10.0.0.5"]);
    }

    #[test]
    fn all_interfaces_binds_every_address_and_says_so() {
        let draft = LaunchDraft {
            image: "redis".into(),
            ports: "1234:6379".into(),
            all_interfaces: true,
            ..Default::default()
        };
        assert!(draft.publishes_everywhere());
        assert_eq!(draft.validate(no_env).unwrap().ports[0].host_ip, "");
    }
}
