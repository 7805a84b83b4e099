//! Where wharf keeps its files, in one place: the config file, the state directory
//! (the log, the remembered sort) and the data directory (saved logs). The platform
//! decides the directories (`directories`); on Linux they follow the XDG variables.

use std::path::{Path, PathBuf};

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

/// `<data dir>/saved/`, created: where saved logs go.
pub fn saved_logs_dir() -> Result<PathBuf, String> {
    let dir = data_dir().ok_or("no data directory for saved logs")?.join("saved");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Creates `<dir>/<name>-<stamp>.log` (the stamp a readable local time, e.g.
/// `redis-2026-12-02T09-41-07.log`), new and readable by the user only (logs can hold
/// secrets). A second save within the same second gets `-2`, `-3`, ...: no save ever
/// writes over another. The name is reduced to safe characters: it comes from a
/// container's name. Returns the path and the open file.
pub fn create_saved_log(dir: &Path, name: &str, stamp: &str) -> Result<(PathBuf, std::fs::File), String> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    for n in 1..=1000 {
        let file = if n == 1 { format!("{safe}-{stamp}.log") } else { format!("{safe}-{stamp}-{n}.log") };
        let path = dir.join(file);
        match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot write {}: {e}", path.display())),
        }
    }
    Err(format!("cannot write in {}: a thousand saves of {safe} this second already", dir.display()))
}

/// The stamp of a file saved now: the local time, read here on the runner's side.
pub fn stamp_now() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    crate::local_time::Zone::system().file_stamp(i64::try_from(now).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_logs_are_named_by_local_time_and_never_overwrite() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let stamp = "2026-12-02T09-41-07";
        let (first, _) = create_saved_log(dir.path(), "redis", stamp).unwrap_or_else(|e| panic!("{e}"));
        let (second, _) = create_saved_log(dir.path(), "web/1", stamp).unwrap_or_else(|e| panic!("{e}"));
        let (third, _) = create_saved_log(dir.path(), "redis", stamp).unwrap_or_else(|e| panic!("{e}"));
        let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        assert_eq!(name(&first), "redis-2026-12-02T09-41-07.log");
        assert_eq!(name(&second), "web_1-2026-12-02T09-41-07.log");
        assert_eq!(name(&third), "redis-2026-12-02T09-41-07-2.log", "the same second: a new file");
    }
}
