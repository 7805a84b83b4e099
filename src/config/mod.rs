//! Configuration: the config file, and where the daemon is.

pub mod endpoint;
mod file;
pub mod keymap;
mod ui_state;

pub use file::{
    ColorSettings, Config, ConfigError, ConsoleSettings, DockerSettings, HostSettings, LogSettings, ThemeName,
    UiSettings,
};
pub use ui_state::{load_sort, save_sort};
