//! What wharf remembers between runs that is not configuration: the containers list's
//! sort. Kept in the state directory (`~/.local/state/wharf/ui.toml`), written whole.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::state::Sort;

#[derive(Debug, Default, Serialize, Deserialize)]
struct UiState {
    #[serde(default)]
    sort: Sort,
}

fn path() -> Option<PathBuf> {
    crate::paths::state_dir().map(|d| d.join("ui.toml"))
}

/// The remembered sort, or the default when there is none (or it cannot be read).
pub fn load_sort() -> Sort {
    path()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|text| toml::from_str::<UiState>(&text).ok())
        .map(|s| s.sort)
        .unwrap_or_default()
}

pub fn save_sort(sort: &Sort) -> Result<(), String> {
    let path = path().ok_or("no state directory")?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let text = toml::to_string(&UiState { sort: *sort }).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}
