//! The config file (`~/.config/wharf/config.toml` on Linux). Every key is optional and
//! has a default; unknown keys are errors so a typo never silently does nothing.
//! `config.example.toml` documents every key: keep the two in step.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub docker: DockerSettings,
    pub ui: UiSettings,
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
}

impl Default for DockerSettings {
    fn default() -> Self {
        Self { request_timeout_secs: 10, safety_poll_secs: 30 }
    }
}

impl Default for UiSettings {
    fn default() -> Self {
        Self { show_all: true, mask_secrets: true }
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

/// `~/.config/wharf/config.toml` on Linux, the platform's equivalent elsewhere.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "wharf").map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// Parses a config file's text. `path` only labels the error.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError { path: path.to_path_buf(), message: e.to_string() })
    }

    /// Loads the config from `explicit` (which must exist) or the default path (which
    /// may not: then the defaults apply).
    pub fn load(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        let (path, must_exist) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => match default_config_path() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_file_parses_to_the_defaults() {
        let text = include_str!("../../config.example.toml");
        let parsed = Config::parse(text, Path::new("config.example.toml")).unwrap();
        assert_eq!(parsed, Config::default());
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
}
