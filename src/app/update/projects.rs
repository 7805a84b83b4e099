//! Compose projects: containers grouped by their `com.docker.compose.project` label,
//! folded and unfolded, acted on as a whole. No compose CLI is needed: the labels are
//! on the containers.

use super::flash;
use crate::app::effect::Effect;
use crate::state::AppState;

/// `c`: group by project / back to the plain list.
pub fn toggle(state: &mut AppState) {
    state.containers.group_projects = !state.containers.group_projects;
    if state.containers.group_projects && !state.containers.list.items().iter().any(|c| c.project.is_some()) {
        flash(state, "no compose projects here (containers without com.docker.compose.project labels)", false);
    }
    super::stats::apply_sort(state);
}

/// Folds (`folded: true`) or unfolds the selected container's project.
pub fn set_folded(state: &mut AppState, folded: bool, effects: &mut Vec<Effect>) {
    if !state.containers.group_projects {
        return;
    }
    let Some(project) = state.selected_container().and_then(|c| c.project.clone()) else { return };
    if folded {
        // Fold onto the project's first row, so the selection stays on the project.
        if let Some(first) = state.containers.list.items().iter().position(|c| c.project.as_ref() == Some(&project)) {
            let id = state.containers.list.items()[first].id.clone();
            state.containers.collapsed.insert(project);
            fold(state);
            let position = state.containers.list.visible().position(|c| c.id == id);
            if let Some(pos) = position {
                state.containers.list.select_visible(pos);
            }
        }
    } else {
        state.containers.collapsed.remove(&project);
        fold(state);
    }
    super::selection::sync_selection(state, effects);
}

/// Hides every container of a folded project but its first.
pub fn fold(state: &mut AppState) {
    let mut hidden = std::collections::BTreeSet::new();
    if state.containers.group_projects {
        let mut seen = std::collections::BTreeSet::new();
        // The folded row is the project's first one that the filter and the
        // running-only view let through: the others hide behind it.
        for c in state.containers.list.items().iter().filter(|c| state.containers.list.passes(c)) {
            if let Some(project) = &c.project
                && state.containers.collapsed.contains(project)
                && !seen.insert(project.clone())
            {
                hidden.insert(c.id.clone());
            }
        }
    }
    state.containers.list.set_hidden(hidden);
}

/// `=`: marks every container of the selected one's project (then any action, or `M`
/// for their merged logs, applies to the whole project).
pub fn mark_project(state: &mut AppState) {
    let Some(project) = state.selected_container().and_then(|c| c.project.clone()) else {
        flash(state, "the selected container belongs to no compose project", true);
        return;
    };
    let ids: Vec<String> = state
        .containers
        .list
        .items()
        .iter()
        .filter(|c| c.project.as_ref() == Some(&project))
        .map(|c| c.id.clone())
        .collect();
    let count = ids.len();
    state.containers.marked.extend(ids);
    flash(state, format!("marked the {count} containers of {project}"), false);
}
