//! Where wharf keeps its files, in one place: the config file, the state directory
//! (the log, the remembered sort) and the data directory (saved logs). The platform
//! decides the directories (`directories`); on Linux they follow the XDG variables.

use std::path::PathBuf;

fn project() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "wharf")
}

/// `~/.config/wharf/config.toml` on Linux, the platform's equivalent elsewhere.
pub fn default_config_path() -> Option<PathBuf> {
    project().map(|d| d.config_dir().join("config.toml"))
}

/// Where log files and remembered settings go: the platform's state or data
/// directory, e.g. `~/.local/state/wharf/` on Linux.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = project()?;
    Some(dirs.state_dir().unwrap_or(dirs.data_local_dir()).to_path_buf())
}

/// Where wharf keeps files it writes for the user (saved logs).
pub fn data_dir() -> Option<PathBuf> {
    project().map(|d| d.data_local_dir().to_path_buf())
}

/// `<data dir>/saved/<name>-<unix time in ms>.log`, with the directory created. The
/// name is reduced to safe characters: it comes from a container's name.
pub fn saved_log_path(name: &str) -> Result<PathBuf, String> {
    let dir = data_dir().ok_or("no data directory for saved logs")?.join("saved");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // Milliseconds: two saves in the same second get two files.
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    Ok(dir.join(format!("{safe}-{stamp}.log")))
}
