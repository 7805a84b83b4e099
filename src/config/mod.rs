//! Configuration: the config file, and where the daemon is.

pub mod endpoint;
mod file;
mod ui_state;

pub use file::{
    ColorSettings, Config, ConfigError, ConsoleSettings, DockerSettings, HostSettings, LogSettings, UiSettings,
    default_config_path,
};
pub use ui_state::{load_sort, save_sort};
