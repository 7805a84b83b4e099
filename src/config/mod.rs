//! Configuration: the config file, and where the daemon is.

pub mod endpoint;
mod file;

pub use file::{Config, ConfigError, DockerSettings, UiSettings, default_config_path};
