//! Stats: the selected container's stream, sampling rounds of the visible rows, disk
//! usage on a key, and sorting the list by any column.

use super::flash;
use crate::app::effect::Effect;
use crate::app::effect::{Local, Read, Stream};
use crate::layout::{ScreenLayout, table_rows};
use crate::model::{ContainerRow, DaemonError, DiskUsage, StatsSample};
use crate::state::{AppState, Pane, SortKey};

/// The running containers whose rows are on screen now.
fn visible_running(state: &AppState) -> Vec<String> {
    let rows = ScreenLayout::of(state).map(|l| table_rows(l.rect_of(Pane::Containers))).unwrap_or(0);
    if state.screen.main_pane != Pane::Containers || rows == 0 {
        return Vec::new();
    }
    state
        .containers
        .list
        .visible()
        .skip(state.containers.list.offset())
        .take(rows)
        .filter(|c| c.state.is_running())
        .map(|c| c.id.clone())
        .collect()
}

/// Every tick: a sampling round when one is due (and none is running).
pub fn on_tick(state: &mut AppState, effects: &mut Vec<Effect>) {
    let stats = &state.stats;
    if !stats.enabled() || !state.is_connected() || stats.round_in_flight {
        return;
    }
    if state.screen.now - stats.last_round < i64::try_from(stats.interval_secs).unwrap_or(i64::MAX) {
        return;
    }
    let streamed = state.stats.streaming.clone();
    let ids: Vec<String> = visible_running(state).into_iter().filter(|id| Some(id) != streamed.as_ref()).collect();
    state.stats.last_round = state.screen.now;
    if !ids.is_empty() {
        state.stats.round_in_flight = true;
        effects.push(Effect::Stream(Stream::StatsRound { ids }));
    }
}

/// The selected running container is streamed (its charts move once a second).
pub fn sync_stream(state: &mut AppState, effects: &mut Vec<Effect>) {
    let wanted = if state.stats.enabled() && state.is_connected() {
        state.selected_container().filter(|c| c.state.is_running()).map(|c| c.id.clone())
    } else {
        None
    };
    if wanted == state.stats.streaming {
        return;
    }
    match &wanted {
        Some(id) => effects.push(Effect::Stream(Stream::Stats { id: id.clone() })),
        None => effects.push(Effect::Stream(Stream::StopStats)),
    }
    state.stats.streaming = wanted;
}

pub fn on_stats(state: &mut AppState, id: &str, sample: StatsSample) {
    // Readings of containers that stopped or left the list are not kept.
    if state.containers.list.items().iter().any(|c| c.id == id && c.state.is_running()) {
        state.stats.record(id, sample);
    }
}

pub fn on_round_done(state: &mut AppState) {
    state.stats.round_in_flight = false;
    if matches!(state.containers.sort.key, SortKey::Cpu | SortKey::Memory) {
        apply_sort(state);
    }
}

/// After a list refresh: stats only of running containers that are still there.
pub fn on_list(state: &mut AppState, effects: &mut Vec<Effect>) {
    let running: Vec<&str> =
        state.containers.list.items().iter().filter(|c| c.state.is_running()).map(|c| c.id.as_str()).collect();
    state.stats.by_id.retain(|id, _| running.contains(&id.as_str()));
    // A stream of a container that stopped ended by itself; ask again when it runs.
    if state.stats.streaming.as_ref().is_some_and(|id| !running.contains(&id.as_str())) {
        state.stats.streaming = None;
    }
    sync_stream(state, effects);
}

pub fn cycle_interval(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.stats.interval_secs = state.stats.next_interval();
    state.stats.last_round = 0;
    let text = match state.stats.interval_secs {
        0 => "stats off".to_string(),
        n => format!("stats every {n}s"),
    };
    flash(state, text, false);
    if !state.stats.enabled() {
        state.stats.by_id.clear();
    }
    sync_stream(state, effects);
}

pub fn request_disk_usage(state: &mut AppState, effects: &mut Vec<Effect>) {
    if state.stats.disk_in_flight || !state.is_connected() {
        return;
    }
    state.stats.disk_in_flight = true;
    flash(state, "reading disk usage (docker system df)…", false);
    effects.push(Effect::Read(Read::DiskUsage));
}

pub fn on_disk_usage(state: &mut AppState, result: Result<DiskUsage, DaemonError>) {
    state.stats.disk_in_flight = false;
    match result {
        Ok(usage) => {
            state.stats.disk = Some(usage);
            state.screen.flash = None;
        }
        Err(e) => flash(state, format!("cannot read disk usage: {}", e.message), true),
    }
}

/// `o`: the next sort column; `O`: reverse. Remembered for the next start.
pub fn cycle_sort(state: &mut AppState, reverse: bool, effects: &mut Vec<Effect>) {
    if reverse {
        state.containers.sort.reverse = !state.containers.sort.reverse;
    } else {
        state.containers.sort.key = state.containers.sort.key.next();
        state.containers.sort.reverse = false;
    }
    apply_sort(state);
    let arrow = if state.containers.sort.reverse { "↑" } else { "↓" };
    flash(state, format!("sorted by {} {arrow}", state.containers.sort.key.label()), false);
    effects.push(Effect::Local(Local::SaveSort { sort: state.containers.sort }));
}

/// Sorts the containers by the chosen column (the selection stays on its container).
/// Numbers sort biggest first, text A to Z; `reverse` flips either.
pub fn apply_sort(state: &mut AppState) {
    let mut rows: Vec<ContainerRow> = state.containers.list.items().to_vec();
    let stats = &state.stats;
    let cpu = |c: &ContainerRow| stats.figures_of(&c.id).and_then(|f| f.cpu_percent).unwrap_or(-1.0);
    let mem = |c: &ContainerRow| stats.figures_of(&c.id).map_or(0, |f| f.mem_used);
    // Ties go by name: rows equal on the key (created in the same second) must not
    // swap places from one list to the next.
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    match state.containers.sort.key {
        SortKey::Created => rows.sort_by_key(|c| std::cmp::Reverse(c.created)),
        SortKey::Name => rows.sort_by_cached_key(|c| c.name.to_lowercase()),
        SortKey::Image => rows.sort_by(|a, b| a.image.cmp(&b.image)),
        SortKey::State => rows.sort_by(|a, b| {
            (!a.state.is_running()).cmp(&!b.state.is_running()).then_with(|| a.state.as_str().cmp(b.state.as_str()))
        }),
        SortKey::Cpu => rows.sort_by(|a, b| cpu(b).total_cmp(&cpu(a))),
        SortKey::Memory => rows.sort_by_key(|c| std::cmp::Reverse(mem(c))),
    }
    if state.containers.sort.reverse {
        rows.reverse();
    }
    if state.containers.group_projects {
        // Projects together (by name, loose containers last), the sort within each.
        rows.sort_by(|a, b| match (&a.project, &b.project) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    }
    state.containers.list.set_items(rows);
    super::projects::fold(state);
    super::selection::scroll_all_into_view(state);
}
