//! Quick-launch presets: the built-in ones (`assets/presets.toml`, embedded) and the
//! user's own (`[[presets]]` in the config file).

use serde::Deserialize;

use super::{LaunchDraft, parse_restart_policy};

const BUILT_IN: &str = include_str!("../../assets/presets.toml");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// What the picker shows.
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub image: String,
    /// The container's name (empty: the daemon picks one).
    #[serde(default)]
    pub container_name: String,
    #[serde(default)]
    pub ports: Vec<String>,
    #[serde(default)]
    pub env: Vec<String>,
    #[serde(default)]
    pub command: String,
    #[serde(default)]
    pub volumes: Vec<String>,
    /// `no`, `on-failure[:N]`, `always` or `unless-stopped`.
    #[serde(default)]
    pub restart: String,
    /// `--rm`.
    #[serde(default)]
    pub rm: bool,
    /// `-it`.
    #[serde(default)]
    pub interactive: bool,
    /// Publish on every interface instead of 127.0.0.1.
    #[serde(default)]
    pub all_interfaces: bool,
    /// With `interactive`: start in the background (`-itd`) instead of opening the
    /// console attached to the container at once.
    #[serde(default)]
    pub detach: bool,
    /// `--network`: a network's name, or `container:NAME`.
    #[serde(default)]
    pub network: String,
    /// `--add-host` entries, `NAME:ADDRESS` (`host-gateway` is the host).
    #[serde(default)]
    pub extra_hosts: Vec<String>,
}

#[derive(Deserialize)]
struct PresetFile {
    presets: Vec<Preset>,
}

/// The built-in presets. The file is part of the binary and covered by a test, so a
/// broken one cannot ship; should it fail anyway, there are simply no built-ins.
pub fn built_in() -> Vec<Preset> {
    toml::from_str::<PresetFile>(BUILT_IN).map(|f| f.presets).unwrap_or_default()
}

impl Preset {
    /// The form's content for this preset (then validated like anything typed).
    pub fn draft(&self) -> LaunchDraft {
        LaunchDraft {
            image: self.image.clone(),
            name: self.container_name.clone(),
            ports: self.ports.join("\n"),
            env: self.env.join("\n"),
            command: self.command.clone(),
            volumes: self.volumes.join("\n"),
            restart: parse_restart_policy(&self.restart).unwrap_or_default(),
            auto_remove: self.rm,
            interactive_tty: self.interactive,
            all_interfaces: self.all_interfaces,
            detach: self.detach,
            network: self.network.clone(),
            extra_hosts: self.extra_hosts.join("\n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HostPort;

    #[test]
    fn built_ins_parse_and_validate() {
        let presets = built_in();
        let names: Vec<&str> = presets.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["redis", "mysql", "ubuntu", "centos"]);
        for preset in &presets {
            preset.draft().validate(|_| None).unwrap_or_else(|e| panic!("{}: {e:?}", preset.name));
            assert!(parse_restart_policy(&preset.restart).is_ok(), "{}", preset.name);
        }
    }

    #[test]
    fn redis_and_mysql_are_what_the_workshop_runs_on_loopback() {
        let presets = built_in();
        let redis = presets[0].draft().validate(|_| None).unwrap();
        assert_eq!((redis.image.as_str(), redis.name.as_deref()), ("redis", Some("redis")));
        assert_eq!(redis.ports[0].describe(), "127.0.0.1:1234->6379/tcp");
        let mysql = presets[1].draft().validate(|_| None).unwrap();
        assert_eq!(mysql.image, "mysql:5.7");
        assert_eq!(mysql.env, vec!["MYSQL_ALLOW_EMPTY_PASSWORD=true"]);
        assert_eq!(mysql.ports[0].host_port, HostPort::Port(3306));
        let ubuntu = presets[2].draft().validate(|_| None).unwrap();
        assert!(ubuntu.auto_remove && ubuntu.interactive_tty);
    }
}
