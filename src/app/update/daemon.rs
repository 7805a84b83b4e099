//! Answers and events from the daemon.

use super::selection::{next_queued_inspect, request_inspect, sync_selection};
use super::{actions, console, launch, logs, stats};
use crate::app::effect::Effect;
use crate::app::effect::{Local, Read};
use crate::app::msg::Answer;
use crate::app::msg::Msg;
use crate::app::msg::{Done, Streamed};
use crate::model::{
    ContainerDetails, ContainerRow, DaemonError, DaemonErrorKind, EventKind, ImageRow, ListHead, count_image_users,
};
use crate::state::{AppState, Connection, Preview, RequestId, Verdict};

pub fn on_daemon_msg(state: &mut AppState, msg: Msg, effects: &mut Vec<Effect>) {
    match msg {
        // A supervisor of a daemon the user has just left may still speak: not ours.
        Msg::Connected(info) if info.host != state.connection.host() => {}
        Msg::Connected(info) => on_connected(state, info, effects),
        Msg::ConnectionDown { error, retry_in } => on_connection_down(state, error, retry_in),
        Msg::Answer(answer) => on_answer(state, answer, effects),
        Msg::Done(done) => on_done(state, done, effects),
        Msg::Stream(streamed) => on_streamed(state, streamed, effects),
        Msg::DaemonEvent(event) => on_event(state, event, effects),
        Msg::Settle => on_settle(state, effects),
        Msg::ListRested => on_list_rested(state, effects),
        Msg::EndpointsListed(choices) => super::hosts::on_listed(state, choices),
        Msg::Fleet { host, report } => super::hosts::on_fleet(state, host, report),
        Msg::ProjectRead(result) => super::project::on_read(state, result, effects),
        Msg::Key(_) | Msg::Mouse(_) | Msg::Paste(_) | Msg::Resize { .. } | Msg::Tick { .. } | Msg::LocalZone(_) => {}
    }
}

/// How a change went, to the part that asked for it.
fn on_done(state: &mut AppState, done: Done, effects: &mut Vec<Effect>) {
    match done {
        Done::PullProgress { request, progress } => {
            if !super::images::on_push_progress(state, request, progress.clone()) {
                launch::on_pull_progress(state, request, progress)
            }
        }
        Done::Launch { request, result } => launch::on_launch_finished(state, request, result, effects),
        Done::RecreateStep { request, step } => super::change::on_recreate_step(state, request, step),
        Done::Recreate { request, result } => super::change::on_recreate_finished(state, request, result),
        Done::Pull { request, reference, result } => launch::on_pull_finished(state, request, reference, result),
        Done::Action { id, name, action, result } => {
            actions::on_action_finished(state, &id, &name, action, result, effects)
        }
        Done::ImageRemoved { id: _, name, result } => actions::on_image_removed(state, &name, result),
        Done::Object { done, failed, result } => super::objects::on_changed(state, done, failed, result, effects),
        Done::Prune { kind, result } => super::objects::on_pruned(state, kind, result, effects),
        Done::BuildOutput { request, event } => super::images::on_build_output(state, request, event),
        Done::Built { request, result } => super::images::on_built(state, request, result, effects),
        Done::Push { request, reference, result } => super::images::on_pushed(state, request, reference, result),
        Done::Login { request, server, result } => {
            super::images::on_login_done(state, request, server, result, effects)
        }
        Done::ComposeProgress { request, progress } => super::project::on_progress(state, request, progress),
        Done::Compose { request, verb, result, login_for } => {
            super::project::on_finished(state, request, verb, result, login_for, effects)
        }
    }
}

/// What a stream brought, to the pane it feeds.
fn on_streamed(state: &mut AppState, streamed: Streamed, effects: &mut Vec<Effect>) {
    match streamed {
        Streamed::ConsoleStarted { session, label } => console::on_started(state, session, label),
        Streamed::ConsoleOutput { session, bytes } => console::on_output(state, session, &bytes),
        Streamed::ConsoleEnded { session, exit_code, error } => console::on_ended(state, session, exit_code, error),
        Streamed::Stats { id, sample } => stats::on_stats(state, &id, sample),
        Streamed::StatsRoundDone => stats::on_round_done(state),
        Streamed::CopyProgress { copy, bytes, total } => super::files::on_progress(state, copy, bytes, total),
        Streamed::CopyAsk { copy, question } => super::files::on_ask(state, copy, question),
        Streamed::CopyEnded { copy, result } => super::files::on_ended(state, copy, result, effects),
        Streamed::LogLines { stream, lines } => logs::on_lines(state, stream, lines),
        Streamed::LogPassedOver { stream, count } => logs::on_passed_over(state, stream, count),
        Streamed::LogSkippedAhead { stream } => logs::on_skipped_ahead(state, stream),
        Streamed::LogEnded { stream, error } => logs::on_ended(state, stream, error),
        Streamed::SaveProgress { save, bytes } => super::log_save::on_progress(state, save, bytes),
        Streamed::FullLogSaved { save, result } => super::log_save::on_saved(state, save, result),
        Streamed::Saved { result } => match result {
            Ok(path) => super::flash(state, format!("saved to {path}"), false),
            Err(e) => super::flash(state, format!("cannot save: {e}"), true),
        },
    }
}

/// The answer to a read, to the part that asked.
fn on_answer(state: &mut AppState, answer: Answer, effects: &mut Vec<Effect>) {
    match answer {
        Answer::Containers { request, result } => on_containers(state, request, result, effects),
        Answer::FirstContainers { host, head } => on_first_containers(state, &host, head),
        Answer::Images { request, result } => on_images(state, request, result, effects),
        Answer::Container { request, id, result } => on_container_details(state, request, id, result, effects),
        Answer::DiskUsage(result) => stats::on_disk_usage(state, result),
        Answer::Volumes { request, result } => super::objects::on_volumes(state, request, result, effects),
        Answer::Networks { request, result } => super::objects::on_networks(state, request, result, effects),
        Answer::ExposedPorts { image, ports } => on_exposed_ports(state, image, ports),
        Answer::ContainerConfig { name, purpose, result, .. } => super::change::on_config(state, name, purpose, result),
        Answer::OpenedPath { request, result } => super::files::on_opened(state, request, result),
        Answer::ProjectContainers { project, result } => super::project::on_containers(state, project, result, effects),
        Answer::Inspected { title, result } => super::objects::on_inspected(state, title, result),
        Answer::SwarmRole(role) => super::swarm::on_role(state, role, effects),
        Answer::Services { request, result } => super::swarm::on_services(state, request, result, effects),
        Answer::Nodes { request, result } => super::swarm::on_nodes(state, request, result, effects),
        Answer::Tasks { request, service, result } => super::swarm::on_tasks(state, request, service, result, effects),
    }
}

/// How long after a container event the list that settles it is asked for. The daemon
/// records the change microseconds after announcing it; this leaves room to spare.
pub const SETTLE_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

pub fn refresh_lists(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.refresh.last = state.screen.now;
    want_containers(state, effects);
    want_images(state, effects);
}

/// The least time between two container lists. Under churn (a CI runner starting and
/// removing containers many times a second) each event wants a list: they are
/// coalesced to at most one per rest, one in flight and one owed, so the daemon lists
/// a few times a second, and the last change still shows (the owed list follows it).
pub const LIST_REST: std::time::Duration = std::time::Duration::from_millis(250);

fn want_containers(state: &mut AppState, effects: &mut Vec<Effect>) {
    if state.refresh.list_resting {
        state.refresh.list_owed = true;
        return;
    }
    let (requests, ids) = (&mut state.refresh.requests, &mut state.ids);
    if let Some(request) = requests.containers.want(ids) {
        effects.push(Effect::Read(Read::Containers { request }));
        state.refresh.list_resting = true;
        effects.push(Effect::Local(Local::ListRest { after: LIST_REST }));
    }
}

/// The rest after a container list is over: the list owed meanwhile goes out.
fn on_list_rested(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.refresh.list_resting = false;
    if std::mem::take(&mut state.refresh.list_owed) && state.is_connected() {
        want_containers(state, effects);
    }
}

fn want_images(state: &mut AppState, effects: &mut Vec<Effect>) {
    let (requests, ids) = (&mut state.refresh.requests, &mut state.ids);
    if let Some(request) = requests.images.want(ids) {
        effects.push(Effect::Read(Read::Images { request }));
    }
}

/// Moves the selection to a container wharf just launched, once the list has it.
fn select_launched(state: &mut AppState) {
    let Some(id) = state.containers.select_when_listed.clone() else { return };
    let position = state.containers.list.visible().position(|c| c.id == id);
    if let Some(pos) = position {
        state.containers.list.select_visible(pos);
        state.containers.select_when_listed = None;
    }
}

/// The supervisor reached the daemon (again): everything is read afresh.
fn on_connected(state: &mut AppState, info: crate::model::DaemonInfo, effects: &mut Vec<Effect>) {
    if matches!(state.connection, Connection::Down { .. }) {
        let text = format!("reconnected to {}", info.host);
        super::flash(state, text, false);
    }
    state.connection = Connection::Connected(info);
    // Ports bound before a daemon restart may be gone: ask again.
    state.containers.details.stale.extend(state.containers.details.by_id.keys().cloned());
    // Answers to requests sent on an earlier connection are stale now.
    state.refresh.requests.containers.reset();
    state.refresh.requests.images.reset();
    state.refresh.requests.inspect.reset();
    state.refresh.requests.inspect_in_flight_for = None;
    state.refresh.requests.inspect_queue.clear();
    state.refresh.list_error = None;
    // A new connection's list goes out at once, whatever rest an old one was in.
    state.refresh.list_resting = false;
    state.refresh.list_owed = false;
    state.refresh.images_owed = false;
    refresh_lists(state, effects);
    logs::on_connected(state, effects);
    // Lists read before (or the pane on screen) are read again: events sent
    // while the daemon was away are lost.
    super::objects::on_connected(state, effects);
    super::swarm::forget_requests(state);
    super::swarm::on_event(state, effects);
    super::project::on_connected(state, effects);
}

/// The daemon went away; the supervisor retries by itself.
fn on_connection_down(state: &mut AppState, error: crate::model::DaemonError, retry_in: std::time::Duration) {
    let host = state.connection.host().to_string();
    let retry_at = state.screen.now + i64::try_from(retry_in.as_secs()).unwrap_or(i64::MAX / 2);
    state.connection = Connection::Down { host, error, retry_at };
    // What is on screen is no longer live: say why instead of showing it as if.
    state.refresh.loaded = false;
    state.refresh.preview = Preview::Off;
    state.refresh.requests.containers.reset();
    state.refresh.requests.images.reset();
    state.refresh.requests.inspect.reset();
    logs::on_connection_down(state);
}

/// The selected container left the list, and wharf did not remove it: `--rm` did, for
/// one wharf launched so (its console says how it exited, or the status line does
/// here), or another client.
fn gone_from_the_list(state: &mut AppState, id: &str, name: &str) {
    let removing = &mut state.containers.auto_removing;
    let Some(at) = removing.iter().position(|(i, _)| i == id) else {
        super::flash(state, format!("{name} was removed by another client"), false);
        return;
    };
    let said = removing.remove(at).is_some_and(|(_, said)| said);
    let console_will_say = state.console.session.as_ref().is_some_and(|s| s.container_id == id && s.status.is_live());
    if !said && !console_will_say {
        super::flash(state, format!("{name} exited and was removed (--rm)"), false);
    }
}

/// The head of the list, read alongside the connection's first round trip: its names
/// go on screen at once. Only while nothing newer is known (the connection's own list
/// replaces it, and asks for everything that hangs on the rows: details, stats).
fn on_first_containers(state: &mut AppState, host: &str, head: ListHead) {
    if host != state.connection.host() || state.refresh.loaded {
        return;
    }
    state.refresh.preview = if head.more { Preview::Head } else { Preview::Whole };
    state.containers.list.set_items(head.rows);
    stats::apply_sort(state);
}

/// The container list: the rows, and everything that hangs on them.
fn on_containers(
    state: &mut AppState,
    request: RequestId,
    result: Result<Vec<ContainerRow>, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    let Verdict::Current { again } = state.refresh.requests.containers.answered(request) else { return };
    match result {
        Ok(rows) => {
            state.refresh.list_error = None;
            state.refresh.loaded = true;
            state.refresh.preview = Preview::Off;
            // Forget details of containers that are gone: the cache stays bounded.
            state.containers.details.by_id.retain(|id, _| rows.iter().any(|r| &r.id == id));
            state.containers.details.unreadable.retain(|id, _| rows.iter().any(|r| &r.id == id));
            let mut images = state.images.items().to_vec();
            count_image_users(&mut images, &rows);
            state.images.set_items(images);
            state.containers.marked.retain(|id| rows.iter().any(|r| &r.id == id));
            let selected = state.selected_container().map(|c| (c.id.clone(), c.name.clone()));
            let gone = selected.filter(|(id, _)| !rows.iter().any(|r| &r.id == id));
            state.containers.list.set_items(rows);
            // The selection moved on by itself: say why, unless wharf removed it.
            if let Some((id, name)) = gone
                && !state.containers.removing.contains(&id)
            {
                gone_from_the_list(state, &id, &name);
            }
            let listed = state.containers.list.items();
            state.containers.removing.retain(|id| listed.iter().any(|c| &c.id == id));
            super::objects::link_containers(state);
            stats::apply_sort(state);
            select_launched(state);
            stats::on_list(state, effects);
            sync_selection(state, effects);
        }
        Err(error) => state.refresh.list_error = Some(error),
    }
    if again {
        want_containers(state, effects);
    }
}

fn on_images(
    state: &mut AppState,
    request: RequestId,
    result: Result<Vec<ImageRow>, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    let Verdict::Current { again } = state.refresh.requests.images.answered(request) else { return };
    match result {
        Ok(mut rows) => {
            count_image_users(&mut rows, state.containers.list.items());
            state.images_view.sort_rows(&mut rows);
            state.images.set_items(rows);
            super::images::select_pending_image(state);
            super::selection::scroll_all_into_view(state);
        }
        Err(error) => state.refresh.list_error = Some(error),
    }
    if again {
        want_images(state, effects);
    }
}

/// A container's details (env, ports, TTY).
fn on_container_details(
    state: &mut AppState,
    request: RequestId,
    id: String,
    result: Result<ContainerDetails, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    let Verdict::Current { again } = state.refresh.requests.inspect.answered(request) else { return };
    let outdated = std::mem::take(&mut state.refresh.requests.inspect_outdated);
    state.refresh.requests.inspect_in_flight_for = None;
    match result {
        Ok(details) => {
            state.containers.details.unreadable.remove(&id);
            state.containers.details.by_id.insert(id.clone(), details);
            // An event about it came while this ran: the answer may predate it.
            if outdated {
                state.containers.details.stale.insert(id.clone());
            } else {
                state.containers.details.stale.remove(&id);
            }
            if state.selected_container().is_some_and(|c| c.id == id) {
                sync_selection(state, effects);
            }
        }
        // Gone meanwhile: the container list refresh that follows its destroy
        // event moves the selection; a log pane waiting for it says so.
        Err(error) if error.kind == DaemonErrorKind::NotFound => logs::on_container_gone(state, &id),
        Err(error) => {
            let reason = details_error_words(&error);
            if state.selected_container().is_some_and(|c| c.id == id) {
                state.containers.details.error = Some(reason.clone());
            }
            // The logs need only the TTY setting: rather than wait for ever, they are
            // read with it guessed (`start_waiting` below), and the pane says why.
            state.containers.details.unreadable.insert(id.clone(), reason);
        }
    }
    // The selection moved (or an event came) while this inspect ran: fetch the
    // one now selected if what is known of it is missing or out of date.
    if again
        && let Some(selected) = state.selected_container().map(|c| c.id.clone())
        && (!state.containers.details.by_id.contains_key(&selected)
            || state.containers.details.stale.contains(&selected))
    {
        request_inspect(state, selected, effects);
    }
    next_queued_inspect(state, effects);
    logs::start_waiting(state, effects);
}

/// Why a container's details could not be read, for the env and log panes.
fn details_error_words(error: &DaemonError) -> String {
    match error.kind {
        DaemonErrorKind::Timeout => "the daemon did not answer in time".to_string(),
        DaemonErrorKind::Unreachable => "the daemon cannot be reached".to_string(),
        _ => error.to_string(),
    }
}

fn on_event(state: &mut AppState, event: crate::model::DaemonEvent, effects: &mut Vec<Effect>) {
    super::objects::on_event(state, &event, effects);
    match event.kind {
        // An exec (a healthcheck runs one every few seconds) changes no list.
        EventKind::Container if super::objects::changes_nothing(&event) => {}
        EventKind::Container => {
            super::project::on_container_event(state, effects);
            // Ports are bound on start and released on stop: cached details of this
            // container may be out of date now. (The log pane only needs the TTY
            // setting, which never changes, so it can resume at once.)
            if event.action == "start" {
                logs::on_container_started(state, &event.id, effects);
            }
            if event.action == "destroy" {
                state.containers.details.by_id.remove(&event.id);
                state.containers.details.unreadable.remove(&event.id);
                state.containers.details.stale.remove(&event.id);
            } else if state.containers.details.by_id.contains_key(&event.id) {
                state.containers.details.stale.insert(event.id.clone());
            }
            if state.refresh.requests.inspect_in_flight_for.as_deref() == Some(event.id.as_str()) {
                state.refresh.requests.inspect_outdated = true;
            }
            want_containers(state, effects);
            // The daemon sends some events (pause, unpause, die) a moment before
            // its list shows the change: the list they ask for can come back
            // stale. One more shortly after settles it, one for a whole burst.
            if state.refresh.settle_pending {
                // Then one more after this one too (see `Msg::Settle`).
                state.refresh.settle_again = true;
            } else {
                state.refresh.settle_pending = true;
                effects.push(Effect::Local(Local::Settle { after: SETTLE_AFTER }));
            }
            if event.action.starts_with("create") || event.action.starts_with("destroy") {
                // Image usage counts change with containers: read again when the
                // events settle, not once per event (a CI runner makes and removes
                // many containers a second).
                state.refresh.images_owed = true;
            }
        }
        EventKind::Image => want_images(state, effects),
        EventKind::Service | EventKind::Node => super::swarm::on_swarm_event(state, effects),
        EventKind::Volume | EventKind::Network | EventKind::Other => {}
    }
}

/// While container events keep coming (a CI runner), the image list is read with the
/// first settling list, then with every this many (~1.5 s), and once more when they
/// stop: its usage counts are not worth a list request every `SETTLE_AFTER`.
const IMAGES_EVERY_SETTLES: u32 = 5;

/// Time for the list that settles the last container events.
fn on_settle(state: &mut AppState, effects: &mut Vec<Effect>) {
    let burst_over = !state.refresh.settle_again;
    if state.is_connected() {
        want_containers(state, effects);
        let refresh = &mut state.refresh;
        refresh.image_settles_to_wait = refresh.image_settles_to_wait.saturating_sub(1);
        let read_images = refresh.images_owed && (burst_over || refresh.image_settles_to_wait == 0);
        if read_images {
            refresh.images_owed = false;
            refresh.image_settles_to_wait = IMAGES_EVERY_SETTLES;
        }
        if burst_over {
            // The next burst's first settling list reads them at once.
            refresh.image_settles_to_wait = 0;
        }
        if read_images {
            want_images(state, effects);
        }
    }
    // Events came in while this one waited: one more settles the newest of them.
    if std::mem::take(&mut state.refresh.settle_again) {
        effects.push(Effect::Local(Local::Settle { after: SETTLE_AFTER }));
    } else {
        state.refresh.settle_pending = false;
    }
}

/// The launch form for an image opens with the ports it exposes.
fn on_exposed_ports(
    state: &mut AppState,
    image: String,
    ports: Result<Vec<(u16, crate::model::Protocol)>, DaemonError>,
) {
    let ports = match ports {
        Ok(ports) => ports,
        Err(e) => {
            super::flash(state, format!("cannot read the ports {image} exposes: {}", e.message), true);
            Vec::new()
        }
    };
    // Each exposed port published on the same host port (on 127.0.0.1 unless
    // the form says all interfaces): what `docker run -P` does, but predictable.
    let ports = ports
        .iter()
        .map(|(port, protocol)| match protocol {
            crate::model::Protocol::Tcp => format!("{port}:{port}"),
            other => format!("{port}:{port}/{}", other.as_str()),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let draft = crate::launch::LaunchDraft { image, ports, ..Default::default() };
    launch::open_form(state, "New container", &draft);
}
