//! Keeping the detail panes (ports, env) in step with the selected container.

use crate::app::effect::Effect;
use crate::app::effect::Read;
use crate::layout::{ScreenLayout, table_rows};
use crate::state::{AppState, Pane};

/// After anything that may change the selected container: fill the ports and env panes
/// from what is known, and ask for the container's details if they are not.
pub fn sync_selection(state: &mut AppState, effects: &mut Vec<Effect>) {
    fill_details(state, effects);
    super::logs::sync_logs(state, effects);
    super::stats::sync_stream(state, effects);
}

fn fill_details(state: &mut AppState, effects: &mut Vec<Effect>) {
    let Some(row) = state.containers.list.selected_item() else {
        state.containers.ports.set_items(Vec::new());
        state.containers.env.set_items(Vec::new());
        state.containers.details.error = None;
        scroll_all_into_view(state);
        return;
    };
    let id = row.id.clone();
    match state.containers.details.by_id.get(&id) {
        Some(details) => {
            let (ports, env) = (details.ports.clone(), details.env.clone());
            state.containers.ports.set_items(ports);
            state.containers.env.set_items(env);
            state.containers.details.error = None;
            // Shown as last known while the daemon is asked again.
            if state.containers.details.stale.contains(&id) {
                request_inspect(state, id, effects);
            }
        }
        None => {
            // The list row already knows the ports: show them at once, so moving the
            // selection updates the pane without waiting for the daemon.
            let ports = row.ports.clone();
            state.containers.ports.set_items(ports);
            state.containers.env.set_items(Vec::new());
            // Another container's failure is not this one's; a failure of its own
            // is said again if asking again fails too.
            state.containers.details.error = state.containers.details.unreadable.get(&id).cloned();
            request_inspect(state, id, effects);
        }
    }
    scroll_all_into_view(state);
}

/// Asks for one container's details, at most one inspect in flight (see `Inflight`).
pub fn request_inspect(state: &mut AppState, id: String, effects: &mut Vec<Effect>) {
    if !state.is_connected() {
        return;
    }
    let (requests, ids) = (&mut state.refresh.requests, &mut state.ids);
    if let Some(request) = requests.inspect.want(ids) {
        requests.inspect_in_flight_for = Some(id.clone());
        requests.inspect_outdated = false;
        effects.push(Effect::Read(Read::Container { request, id }));
    }
}

/// Asks for a container's details in the background: now if no inspect is in flight,
/// else after the ones before it.
pub fn queue_inspect(state: &mut AppState, id: String, effects: &mut Vec<Effect>) {
    if state.refresh.requests.inspect.in_flight() {
        if !state.refresh.requests.inspect_queue.contains(&id) {
            state.refresh.requests.inspect_queue.push_back(id);
        }
    } else {
        request_inspect(state, id, effects);
    }
}

/// Sends the next queued inspect, if nothing is in flight.
pub fn next_queued_inspect(state: &mut AppState, effects: &mut Vec<Effect>) {
    while !state.refresh.requests.inspect.in_flight() {
        let Some(id) = state.refresh.requests.inspect_queue.pop_front() else { return };
        if !state.containers.details.by_id.contains_key(&id) {
            request_inspect(state, id, effects);
        }
    }
}

/// Keeps every list's selection inside its pane after a move or a resize.
pub fn scroll_all_into_view(state: &mut AppState) {
    let Some(layout) = ScreenLayout::of(state) else { return };
    state.containers.list.scroll_into_view(table_rows(layout.rect_of(Pane::Containers)));
    state.images.scroll_into_view(table_rows(layout.rect_of(Pane::Images)));
    state.containers.ports.scroll_into_view(table_rows(layout.rect_of(Pane::Ports)));
    state.containers.env.scroll_into_view(table_rows(layout.rect_of(Pane::Env)));
    // The other lists of the main place share its rectangle; each keeps its selection
    // in view even while another one is shown, so switching back never shows a
    // selection off screen (and Enter never acts on a row the user cannot see).
    let main = table_rows(layout.rect_of(Pane::Hosts));
    state.fleet.rows.scroll_into_view(main);
    state.objects.volumes.scroll_into_view(main);
    state.objects.networks.scroll_into_view(main);
    state.objects.timeline.scroll_into_view(main);
    let [services, tasks] = crate::layout::services_split(layout.rect_of(Pane::Services));
    state.swarm.services.scroll_into_view(table_rows(services));
    state.swarm.tasks.scroll_into_view(table_rows(tasks));
    state.swarm.nodes.scroll_into_view(main);
}
