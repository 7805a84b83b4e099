//! Configuration: the config file, and where the daemon is.

pub mod endpoint;
mod file;

pub use file::{Config, ConfigError, ConsoleSettings, DockerSettings, LogSettings, UiSettings, default_config_path};
