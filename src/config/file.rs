//! The config file (`~/.config/wharf/config.toml` on Linux). Every key is optional and
//! has a default; unknown keys are errors so a typo never silently does nothing.
//! `config.example.toml` documents every key: keep the two in step.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::launch::presets::Preset;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub docker: DockerSettings,
    pub ui: UiSettings,
    pub logs: LogSettings,
    pub console: ConsoleSettings,
    pub stats: StatsSettings,
    /// Key bindings to change, per place (see `Keymap::with_overrides`).
    pub keys: crate::config::keymap::KeyOverrides,
    /// The user's own quick-launch presets, listed after the built-in ones.
    pub presets: Vec<Preset>,
    /// Daemons watched together in the hosts overview and offered by the picker.
    pub hosts: Vec<HostSettings>,
}

/// One `[[hosts]]` entry: a daemon by address or by docker context.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HostSettings {
    /// Shown in the HOST column.
    pub name: String,
    /// `unix:///path`, `tcp://host:port` or `ssh://user@host`.
    pub host: Option<String>,
    /// A docker context's name instead of `host` (its TLS files come with it).
    pub context: Option<String>,
    /// For `tcp://` with TLS: the directory with `ca.pem`, `cert.pem` and `key.pem`.
    pub tls_cert_path: Option<PathBuf>,
}

impl HostSettings {
    fn check(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("[[hosts]]: every host needs a name".into());
        }
        let name = &self.name;
        match (&self.host, &self.context) {
            (Some(_), Some(_)) => Err(format!("host {name:?}: give host or context, not both")),
            (None, None) => {
                Err(format!("host {name:?}: give host = \"unix://…|tcp://…|ssh://…\" or context = \"NAME\""))
            }
            (Some(host), None) => {
                let known = ["unix://", "tcp://", "ssh://", "http://", "https://"];
                if !known.iter().any(|p| host.starts_with(p)) {
                    return Err(format!("host {name:?}: {host:?} is no daemon address: use unix://, tcp:// or ssh://"));
                }
                if self.tls_cert_path.is_some() && !host.starts_with("tcp://") && !host.starts_with("https://") {
                    return Err(format!("host {name:?}: tls_cert_path applies to tcp:// hosts only"));
                }
                Ok(())
            }
            (None, Some(_)) if self.tls_cert_path.is_some() => {
                Err(format!("host {name:?}: a context brings its own TLS files; drop tls_cert_path"))
            }
            (None, Some(_)) => Ok(()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DockerSettings {
    /// Seconds wharf waits for one answer from the daemon before calling it stuck.
    pub request_timeout_secs: u64,
    /// Seconds between safety-net refreshes. The lists follow the daemon's events; this
    /// only catches what an event stream might have missed.
    pub safety_poll_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiSettings {
    /// Show stopped containers too (the `a` key toggles it at runtime).
    pub show_all: bool,
    /// Mask the values of secret-looking env vars until the reveal key is pressed.
    pub mask_secrets: bool,
    /// `dark` or `light`. `NO_COLOR` in the environment turns colours off whatever this says.
    pub theme: ThemeName,
    /// Colours that replace the theme's, one by one.
    pub colors: ColorSettings,
}

/// `[ui.colors]`: each a colour name (`red`, `lightblue`, `darkgray`), `#rrggbb` or an
/// index 0-255. Unset ones keep the theme's colour.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ColorSettings {
    pub border: Option<String>,
    pub border_focused: Option<String>,
    pub title: Option<String>,
    pub header: Option<String>,
    pub selected_fg: Option<String>,
    pub selected_bg: Option<String>,
    pub dim: Option<String>,
    pub error: Option<String>,
    pub ok: Option<String>,
    pub warn: Option<String>,
    pub key: Option<String>,
    /// Container states.
    pub running: Option<String>,
    pub paused: Option<String>,
    pub created: Option<String>,
    pub exited: Option<String>,
    pub dead: Option<String>,
    pub other_state: Option<String>,
    /// The border of one pane when it has focus (else `border_focused`).
    pub containers: Option<String>,
    pub images: Option<String>,
    pub ports: Option<String>,
    pub env: Option<String>,
    pub logs: Option<String>,
    pub console: Option<String>,
    pub hosts: Option<String>,
}

impl ColorSettings {
    /// Every colour that is set, by its key name.
    pub fn entries(&self) -> Vec<(&'static str, &str)> {
        let all = [
            ("border", &self.border),
            ("border_focused", &self.border_focused),
            ("title", &self.title),
            ("header", &self.header),
            ("selected_fg", &self.selected_fg),
            ("selected_bg", &self.selected_bg),
            ("dim", &self.dim),
            ("error", &self.error),
            ("ok", &self.ok),
            ("warn", &self.warn),
            ("key", &self.key),
            ("running", &self.running),
            ("paused", &self.paused),
            ("created", &self.created),
            ("exited", &self.exited),
            ("dead", &self.dead),
            ("other_state", &self.other_state),
            ("containers", &self.containers),
            ("images", &self.images),
            ("ports", &self.ports),
            ("env", &self.env),
            ("logs", &self.logs),
            ("console", &self.console),
            ("hosts", &self.hosts),
        ];
        all.into_iter().filter_map(|(name, value)| value.as_deref().map(|v| (name, v))).collect()
    }

    /// Reads one colour as the config writes it.
    pub fn parse_color(text: &str) -> Result<ratatui::style::Color, String> {
        text.parse::<ratatui::style::Color>().map_err(|_| {
            format!("{text:?} is not a colour: write a name (red, lightblue, darkgray), \"#rrggbb\" or 0-255")
        })
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// Lines asked for when a log stream starts (never the whole history).
    pub tail_lines: u32,
    /// Lines the log pane keeps; older ones are dropped (and counted).
    pub buffer_lines: usize,
    /// MiB a whole-log save (`W`) writes at most; the file says where it stopped.
    pub save_limit_mib: u64,
}

impl LogSettings {
    /// `save_limit_mib` in bytes.
    pub fn save_limit_bytes(&self) -> u64 {
        self.save_limit_mib.saturating_mul(1024 * 1024)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatsSettings {
    /// Seconds between stats readings of the visible rows; 0 turns stats off. The
    /// selected container is streamed once a second either way (when on).
    pub interval_secs: u64,
}

impl Default for StatsSettings {
    fn default() -> Self {
        Self { interval_secs: 5 }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleSettings {
    /// Commands tried in order by `e`, each split like a shell would.
    pub shells: Vec<String>,
    /// Per container name: the commands `e` tries there instead.
    pub shells_by_container: std::collections::BTreeMap<String, Vec<String>>,
    /// The detach prefix, `ctrl-` and one character.
    pub prefix: String,
    /// The image of the throw-away client `T` opens beside a service: it needs `sh`
    /// (and `nc` or `telnet` to talk to the service).
    pub client_image: String,
    /// What the client runs (split like a shell would).
    pub client_command: String,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        Self {
            shells: vec!["bash".into(), "sh".into()],
            shells_by_container: Default::default(),
            prefix: "ctrl-]".into(),
            client_image: "busybox:latest".into(),
            client_command: "sh".into(),
        }
    }
}

impl ConsoleSettings {
    /// The prefix's character (`]` for `ctrl-]`), or why the setting is wrong.
    pub fn prefix_char(&self) -> Result<char, String> {
        let rest = self.prefix.strip_prefix("ctrl-").ok_or_else(|| {
            format!("console.prefix {:?}: write ctrl- and one character, e.g. \"ctrl-]\"", self.prefix)
        })?;
        let mut chars = rest.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_graphic() => Ok(c.to_ascii_lowercase()),
            _ => Err(format!("console.prefix {:?}: write ctrl- and one character, e.g. \"ctrl-]\"", self.prefix)),
        }
    }

    /// Splits each command; reports the first that cannot be split or is empty.
    pub fn commands(list: &[String]) -> Result<Vec<Vec<String>>, String> {
        list.iter()
            .map(|c| match shell_words::split(c) {
                Ok(words) if !words.is_empty() => Ok(words),
                _ => Err(format!("console command {c:?} is empty or has unbalanced quotes")),
            })
            .collect()
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { tail_lines: 1000, buffer_lines: 10_000, save_limit_mib: 100 }
    }
}

impl Default for DockerSettings {
    fn default() -> Self {
        Self { request_timeout_secs: 10, safety_poll_secs: 30 }
    }
}

impl Default for UiSettings {
    fn default() -> Self {
        Self { show_all: true, mask_secrets: true, theme: Default::default(), colors: Default::default() }
    }
}

/// A config file that could not be used, with the file, line and column and what was
/// expected (toml's own message carries the position and a caret under the mistake).
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "config file {}: {}", self.path.display(), self.message.trim_end())
    }
}

impl std::error::Error for ConfigError {}

/// The line (1-based) of `key` in the table `section` (`keys.global`), or of the
/// table's header when `key` is `None` or not found there. Reads the file as people
/// write it (a header line, then `key = value` lines); `None` when it cannot tell.
fn locate(text: &str, section: &str, key: Option<&str>) -> Option<usize> {
    let header = format!("[{section}]");
    let mut in_section = false;
    let mut header_line = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line.split('#').next().map(str::trim) == Some(header.as_str());
            if in_section {
                header_line = Some(i + 1);
            }
            continue;
        }
        if in_section
            && let Some(key) = key
            && let Some((name, _)) = line.split_once('=')
            && name.trim().trim_matches('"') == key
        {
            return Some(i + 1);
        }
    }
    header_line
}

/// The line of the `index`-th `[[section]]` header.
fn locate_entry(text: &str, section: &str, index: usize) -> Option<usize> {
    let header = format!("[[{section}]]");
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim().split('#').next().map(str::trim) == Some(header.as_str()))
        .nth(index)
        .map(|(i, _)| i + 1)
}

impl Config {
    /// What the state starts with.
    pub fn startup(&self) -> crate::state::Startup {
        crate::state::Startup {
            show_all: self.ui.show_all,
            mask_secrets: self.ui.mask_secrets,
            poll_interval_secs: self.docker.safety_poll_secs,
        }
    }

    /// Parses a config file's text. `path` only labels the error.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let config: Self =
            toml::from_str(text).map_err(|e| ConfigError { path: path.to_path_buf(), message: e.to_string() })?;
        // Mistakes found after parsing point at the line of the setting (toml's own
        // errors already carry the line and column).
        let at = |line: Option<usize>, message: String| {
            let message = match line {
                Some(n) => format!("line {n}, column 1: {message}"),
                None => message,
            };
            ConfigError { path: path.to_path_buf(), message }
        };
        if let Err(message) = crate::config::keymap::Keymap::with_overrides(&config.keys) {
            // The entry the message names, else the first place it names.
            let line = config
                .keys
                .iter()
                .flat_map(|(scope, actions)| actions.keys().map(move |action| (scope, action)))
                .find(|(scope, action)| {
                    message.contains(&format!("[keys.{scope}] {action}:"))
                        || (message.contains(&format!("[keys.{scope}]"))
                            && (message.contains(&format!("both {action} and"))
                                || message.contains(&format!("and {action} in"))))
                })
                .and_then(|(scope, action)| locate(text, &format!("keys.{scope}"), Some(action)))
                .or_else(|| {
                    config
                        .keys
                        .keys()
                        .find(|scope| message.contains(&format!("[keys.{scope}]")))
                        .and_then(|scope| locate(text, &format!("keys.{scope}"), None))
                });
            return Err(at(line, message));
        }
        config.console.prefix_char().map_err(|e| at(locate(text, "console", Some("prefix")), e))?;
        for (name, value) in config.ui.colors.entries() {
            ColorSettings::parse_color(value)
                .map_err(|e| at(locate(text, "ui.colors", Some(name)), format!("ui.colors.{name}: {e}")))?;
        }
        if config.logs.save_limit_mib == 0 {
            return Err(at(
                locate(text, "logs", Some("save_limit_mib")),
                "logs.save_limit_mib: at least 1 (MiB); a save of nothing would only make an empty file".into(),
            ));
        }
        if config.console.shells.is_empty() {
            return Err(at(locate(text, "console", Some("shells")), "console.shells: name at least one shell".into()));
        }
        ConsoleSettings::commands(&config.console.shells)
            .map_err(|e| at(locate(text, "console", Some("shells")), e))?;
        crate::launch::parse_image_ref(&config.console.client_image)
            .map_err(|e| at(locate(text, "console", Some("client_image")), format!("console.client_image: {e}")))?;
        ConsoleSettings::commands(std::slice::from_ref(&config.console.client_command))
            .map_err(|e| at(locate(text, "console", Some("client_command")), e))?;
        for (name, list) in &config.console.shells_by_container {
            ConsoleSettings::commands(list)
                .map_err(|e| at(locate(text, "console.shells_by_container", Some(name)), e))?;
        }
        for (i, host) in config.hosts.iter().enumerate() {
            let line = || locate_entry(text, "hosts", i);
            host.check().map_err(|e| at(line(), e))?;
            if config.hosts[..i].iter().any(|h| h.name == host.name) {
                return Err(at(line(), format!("host {:?} is named twice in [[hosts]]", host.name)));
            }
        }
        // A preset is checked like the form checks what is typed, so a broken one is
        // reported now, not when the user picks it.
        for (i, preset) in config.presets.iter().enumerate() {
            let invalid = |message: String| at(locate_entry(text, "presets", i), message);
            crate::launch::parse_restart_policy(&preset.restart)
                .map_err(|e| invalid(format!("preset {:?}: restart: {e}", preset.name)))?;
            if let Err(errors) = preset.draft().validate(|_| Some(String::new())) {
                let reasons: Vec<String> =
                    errors.iter().map(|e| format!("{}: {}", e.field.label().to_lowercase(), e.message)).collect();
                return Err(invalid(format!("preset {:?}: {}", preset.name, reasons.join("; "))));
            }
        }
        Ok(config)
    }

    /// Loads the config from `explicit` (which must exist) or the default path (which
    /// may not: then the defaults apply).
    pub fn load(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        let (path, must_exist) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => match crate::paths::default_config_path() {
                Some(p) => (p, false),
                None => return Ok(Self::default()),
            },
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => Ok(Self::default()),
            Err(e) => Err(ConfigError { path, message: e.to_string() }),
        }
    }
}

/// The built-in themes, as named in the config (`[ui] theme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_file_parses_to_the_defaults_plus_its_preset() {
        let text = include_str!("../../config.example.toml");
        let parsed = Config::parse(text, Path::new("config.example.toml")).unwrap();
        assert_eq!(parsed.docker, DockerSettings::default());
        assert_eq!(parsed.ui, UiSettings::default());
        assert_eq!(parsed.logs, LogSettings::default());
        assert_eq!(parsed.console, ConsoleSettings::default());
        assert_eq!(parsed.stats, StatsSettings::default());
        let app = &parsed.presets[0];
        assert_eq!(app.image, "subicura/docker-workshop-app:2");
        assert_eq!(app.ports, vec!["4568:4567"]);
        assert!(app.env.len() >= 2, "{:?}", app.env);
    }

    #[test]
    fn key_bindings_are_checked_before_anything_starts() {
        let ok = Config::parse("[keys.global]\nquit = [\"ctrl-q\"]\nrefresh = [\"F5\"]\n", Path::new("c")).unwrap();
        assert_eq!(ok.keys["global"]["quit"], vec!["ctrl-q"]);
        let err =
            Config::parse("[keys.global]\nquit = [\"F5\"]\nrefresh = [\"F5\"]\n", Path::new("/x/c.toml")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("/x/c.toml") && text.contains("F5 is bound to both"), "{text}");
        let err = Config::parse("[keys.logs]\nsave_logs = [\"ctrl-\"]\n", Path::new("c")).unwrap_err();
        assert!(err.to_string().contains("is not a key"), "{err}");
    }

    #[test]
    fn every_action_name_the_example_lists_is_one() {
        let text = include_str!("../../config.example.toml");
        let listed = text.split("Action names").nth(1).unwrap().split("For example").next().unwrap();
        let mut count = 0;
        let mut place = String::new();
        // The list starts on the line after "Action names ... e.g.".
        for line in listed.lines().skip(1) {
            let line = line.trim_start_matches('#').trim();
            // `place: names`, then lines that continue the same place.
            let names = match line.split_once(':') {
                Some((p, names)) => {
                    place = p.trim().to_string();
                    names
                }
                None => line,
            };
            for name in names.split_whitespace() {
                let toml = format!("[keys.{place}]\n{name} = [\"F12\"]\n");
                Config::parse(&toml, Path::new("c")).unwrap_or_else(|e| panic!("{name}: {e}"));
                count += 1;
            }
        }
        assert!(count > 50, "{count} names checked");
    }

    #[test]
    fn console_settings_are_checked() {
        let ok =
            Config::parse("[console]\nprefix = \"ctrl-b\"\nshells = [\"zsh -l\", \"sh\"]\n", Path::new("c")).unwrap();
        assert_eq!(ok.console.prefix_char(), Ok('b'));
        for bad in ["[console]\nprefix = \"alt-x\"\n", "[console]\nprefix = \"ctrl-xy\"\n", "[console]\nshells = []\n"]
        {
            assert!(Config::parse(bad, Path::new("c")).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_broken_preset_is_reported_by_name() {
        let text = "[[presets]]\nname = \"bad\"\nimage = \"Bad Image\"\n";
        let err = Config::parse(text, Path::new("c.toml")).unwrap_err().to_string();
        assert!(err.contains("preset \"bad\"") && err.contains("image"), "{err}");
        let text = "[[presets]]\nname = \"x\"\nimage = \"redis\"\nport = [\"1:2\"]\n";
        let err = Config::parse(text, Path::new("c.toml")).unwrap_err().to_string();
        assert!(err.contains("port"), "unknown keys in a preset are errors: {err}");
    }

    #[test]
    fn unknown_keys_are_errors_with_a_position() {
        let err = Config::parse("[ui]\nshow_al = true\n", Path::new("/x/config.toml")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("/x/config.toml"), "{text}");
        assert!(text.contains("line 2"), "{text}");
        assert!(text.contains("show_al"), "{text}");
    }

    #[test]
    fn wrong_types_are_errors() {
        let err = Config::parse("[docker]\nrequest_timeout_secs = \"ten\"\n", Path::new("c.toml")).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn a_save_limit_of_nothing_is_refused_with_its_line() {
        let text = "[logs]\nsave_limit_mib = 0\n";
        let err = Config::parse(text, Path::new("c.toml")).unwrap_err().to_string();
        assert!(err.contains("save_limit_mib") && err.contains("line 2"), "{err}");
    }
}
