//! The swarm panes: services (with the selected one's tasks) and nodes, on a swarm
//! manager. Services and nodes follow the daemon's `service` and `node` events; task
//! states have no events, so the tasks on screen are asked for again every few
//! seconds, and only while they are on screen.

use crossterm::event::{KeyCode, KeyEvent};

use super::flash;
use crate::app::effect::Effect;
use crate::app::effect::{Change, Read};
use crate::model::{DaemonError, DaemonErrorKind, LaunchSpec, ServiceLaunch, SwarmChange, SwarmRole};
use crate::state::{
    AppState, Confirm, LaunchForm, LogSource, Modal, Pane, Pending, RequestId, SourceStatus, Verdict, not_a_manager,
};

/// Seconds between task refreshes while the services view is shown.
pub const TASK_POLL_SECS: i64 = 2;

/// `9` services, `0` nodes.
pub fn show(state: &mut AppState, pane: Pane, effects: &mut Vec<Effect>) {
    state.screen.main_pane = pane.main_place_owner();
    state.screen.focus = pane;
    if let Some(why) = not_a_manager(state) {
        // It may have joined a swarm since wharf connected (`docker swarm init`): ask
        // again, and say what the role is once the answer is in (`on_role`), not the
        // old role now, which would stay on the status line after the panes filled in.
        if state.is_connected() {
            flash(state, "checking whether this daemon is in a swarm now…", false);
            effects.push(Effect::Read(Read::SwarmRole));
        } else {
            flash(state, why, false);
        }
        return;
    }
    // Tasks name their node by id: the nodes give the hostnames.
    want_nodes(state, effects);
    if pane != Pane::Nodes {
        want_services(state, effects);
        want_tasks(state, effects);
    }
}

fn want_services(state: &mut AppState, effects: &mut Vec<Effect>) {
    let (requests, ids) = (&mut state.refresh.requests, &mut state.ids);
    if let Some(request) = requests.services.want(ids) {
        effects.push(Effect::Read(Read::Services { request }));
    }
}

fn want_nodes(state: &mut AppState, effects: &mut Vec<Effect>) {
    let (requests, ids) = (&mut state.refresh.requests, &mut state.ids);
    if let Some(request) = requests.nodes.want(ids) {
        effects.push(Effect::Read(Read::Nodes { request }));
    }
}

/// The tasks of the selected service.
fn want_tasks(state: &mut AppState, effects: &mut Vec<Effect>) {
    let Some(service) = state.swarm.services.selected_item().map(|s| s.id.clone()) else { return };
    state.swarm.last_poll = state.screen.now;
    let (requests, ids) = (&mut state.refresh.requests, &mut state.ids);
    if let Some(request) = requests.tasks.want(ids) {
        effects.push(Effect::Read(Read::Tasks { request, service }));
    }
}

fn swarm_shown(state: &AppState) -> bool {
    matches!(state.screen.main_pane, Pane::Services | Pane::Nodes) && not_a_manager(state).is_none()
}

/// The role read again: when it changed, the status bar says so, and a swarm pane on
/// screen fills in.
pub fn on_role(state: &mut AppState, role: SwarmRole, effects: &mut Vec<Effect>) {
    let crate::state::Connection::Connected(info) = &mut state.connection else { return };
    let changed = info.swarm != role;
    info.swarm = role;
    let on_screen = matches!(state.screen.main_pane, Pane::Services | Pane::Nodes);
    match not_a_manager(state) {
        None if changed => {
            flash(state, "this daemon is a swarm manager now", false);
            if on_screen {
                let pane = state.screen.focus;
                show(state, pane, effects);
            }
        }
        None => {}
        // Asked for by `9`/`0`, or by a swarm event while a swarm pane is shown: the
        // answer, in a sentence.
        Some(why) if on_screen => flash(state, why, false),
        Some(_) => {}
    }
}

/// After (re)connecting, before `on_event` asks again: answers to requests sent on the
/// old connection are stale.
pub fn forget_requests(state: &mut AppState) {
    state.refresh.requests.services.reset();
    state.refresh.requests.nodes.reset();
    state.refresh.requests.tasks.reset();
}

/// A `service` or `node` event: the lists on screen are asked for again.
pub fn on_event(state: &mut AppState, effects: &mut Vec<Effect>) {
    if state.swarm.services_loaded || swarm_shown(state) {
        want_services(state, effects);
        want_tasks(state, effects);
    }
    if state.swarm.nodes_loaded || swarm_shown(state) {
        want_nodes(state, effects);
    }
}

/// A `service` or `node` event from the daemon: as `on_event`, and on a daemon wharf
/// took for no manager the role is read again (`docker swarm init` sends node events).
pub fn on_swarm_event(state: &mut AppState, effects: &mut Vec<Effect>) {
    if not_a_manager(state).is_some() && state.is_connected() {
        effects.push(Effect::Read(Read::SwarmRole));
    }
    on_event(state, effects);
}

/// Every tick: while the services view is shown, its tasks (and the running counts)
/// are refreshed every few seconds.
pub fn on_tick(state: &mut AppState, effects: &mut Vec<Effect>) {
    let shown = matches!(state.screen.main_pane, Pane::Services | Pane::Nodes);
    if shown && not_a_manager(state).is_none() && state.screen.now - state.swarm.last_poll >= TASK_POLL_SECS {
        state.swarm.last_poll = state.screen.now;
        // A node that goes down or a leader that moves sends no event to every
        // manager: the nodes are read again too (tasks name their node by them).
        want_nodes(state, effects);
        if state.screen.main_pane == Pane::Services {
            want_services(state, effects);
            want_tasks(state, effects);
        }
    }
}

pub fn on_services(
    state: &mut AppState,
    request: RequestId,
    result: Result<Vec<crate::model::ServiceRow>, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    let Verdict::Current { again } = state.refresh.requests.services.answered(request) else { return };
    let before = state.swarm.services.selected_item().map(|s| s.id.clone());
    match result {
        Ok(mut rows) => {
            // Stacks together (by name, loose services last), then by name.
            rows.sort_by(|a, b| (a.stack.is_none(), &a.stack, &a.name).cmp(&(b.stack.is_none(), &b.stack, &b.name)));
            state.swarm.services.set_items(rows);
            state.swarm.fold();
            state.swarm.services_loaded = true;
        }
        Err(e) => flash(state, format!("cannot list services: {e}"), true),
    }
    if again {
        want_services(state, effects);
    }
    if state.swarm.services.selected_item().map(|s| s.id.clone()) != before {
        want_tasks(state, effects);
    }
}

pub fn on_nodes(
    state: &mut AppState,
    request: RequestId,
    result: Result<Vec<crate::model::NodeRow>, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    let Verdict::Current { again } = state.refresh.requests.nodes.answered(request) else { return };
    match result {
        Ok(rows) => {
            state.swarm.nodes.set_items(rows);
            state.swarm.nodes_loaded = true;
        }
        Err(e) => flash(state, format!("cannot list nodes: {e}"), true),
    }
    if again {
        want_nodes(state, effects);
    }
}

pub fn on_tasks(
    state: &mut AppState,
    request: RequestId,
    service: String,
    result: Result<Vec<crate::model::TaskRow>, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    let Verdict::Current { again } = state.refresh.requests.tasks.answered(request) else { return };
    let selected = state.swarm.services.selected_item().map(|s| s.id.clone());
    match result {
        // Only the selected service's tasks are shown: an answer for one the user has
        // moved away from is dropped (and the right one asked for below).
        Ok(rows) if selected.as_deref() == Some(service.as_str()) => {
            if state.swarm.tasks_of.as_deref() != Some(service.as_str()) {
                state.swarm.tasks.set_items(Vec::new());
            }
            state.swarm.tasks.set_items(rows);
            state.swarm.tasks_of = Some(service.clone());
        }
        Ok(_) => {}
        // The service was removed (by wharf or another client) while its tasks were
        // asked for: nothing is wrong, the services list that follows its event drops
        // it. Its tasks are gone with it.
        Err(e) if e.kind == DaemonErrorKind::NotFound => {
            if state.swarm.tasks_of.as_deref() == Some(service.as_str()) {
                state.swarm.tasks.set_items(Vec::new());
                state.swarm.tasks_of = None;
            }
        }
        Err(e) => flash(state, format!("cannot list tasks: {e}"), true),
    }
    // Asked again meanwhile (or another service selected): one more.
    if again || selected.is_some_and(|s| s != service) {
        want_tasks(state, effects);
    }
}

/// The selection in the services list moved: its tasks are asked for.
pub fn on_service_selected(state: &mut AppState, effects: &mut Vec<Effect>) {
    if state.swarm.services.selected_item().map(|s| s.id.as_str()) != state.swarm.tasks_of.as_deref() {
        state.swarm.tasks.set_items(Vec::new());
        want_tasks(state, effects);
    }
}

/// Enter on a service: its logs (all tasks) in the log pane, the focus on its tasks.
/// Enter on a task: that task's container's logs when it runs on this node, else the
/// service's.
pub fn open_logs(state: &mut AppState, effects: &mut Vec<Effect>) {
    let Some(service) = state.swarm.services.selected_item().cloned() else { return };
    if state.screen.focus == Pane::Tasks
        && let Some(task) = state.swarm.tasks.selected_item()
        && let Some(container) = task.container_id.as_ref()
        && let Some(row) = state.containers.list.items().iter().find(|c| &c.id == container)
    {
        // A container of this node: the container's own log, as the containers pane
        // would follow it (its details give the TTY setting).
        let (id, name) = (row.id.clone(), row.name.clone());
        super::logs::follow_sources(
            state,
            vec![LogSource {
                container_id: id.clone(),
                service: None,
                name,
                stream: None,
                status: SourceStatus::Waiting,
            }],
            effects,
        );
        if !state.containers.details.by_id.contains_key(&id) {
            super::selection::queue_inspect(state, id, effects);
        }
        return;
    }
    super::logs::follow_sources(
        state,
        vec![LogSource {
            container_id: service.id.clone(),
            service: Some(service.tty),
            name: service.name.clone(),
            stream: None,
            status: SourceStatus::Waiting,
        }],
        effects,
    );
    if state.screen.focus == Pane::Services {
        state.screen.focus = Pane::Tasks;
    }
}

/// `=`: how many replicas.
pub fn ask_scale(state: &mut AppState) {
    if state.swarm.selected_services().len() > 1 {
        flash(state, "this row is a folded stack: unfold it (l) to scale one of its services", true);
        return;
    }
    let Some(service) = state.swarm.services.selected_item() else { return };
    if service.mode == "global" {
        flash(state, format!("{} is global: one task per node, nothing to scale", service.name), true);
        return;
    }
    state.screen.modal = Some(Modal::Scale {
        service: service.id.clone(),
        name: service.name.clone(),
        input: service.desired.to_string(),
        error: None,
    });
}

/// Replicas as typed: a whole number, at most 1000 (a typo's extra digit should not
/// start ten thousand containers).
fn parse_replicas(input: &str) -> Result<u64, String> {
    match input.trim().parse::<u64>() {
        Ok(n) if n <= 1000 => Ok(n),
        Ok(_) => Err("at most 1000 replicas".into()),
        Err(_) => Err("type a whole number, e.g. 3".into()),
    }
}

pub fn on_scale_key(
    state: &mut AppState,
    service: String,
    name: String,
    mut input: String,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) {
    let error = match key.code {
        KeyCode::Esc => return,
        KeyCode::Enter => match parse_replicas(&input) {
            Ok(replicas) => {
                flash(state, format!("scaling {name} to {replicas}…"), false);
                effects.push(Effect::Change(Change::Swarm {
                    change: SwarmChange::Scale { service, replicas },
                    done: format!("scaled {name} to {replicas}"),
                    failed: format!("cannot scale {name} to {replicas}"),
                }));
                return;
            }
            Err(e) => Some(e),
        },
        _ => {
            super::line_input::edit_line(&mut input, &key);
            None
        }
    };
    state.screen.modal = Some(Modal::Scale { service, name, input, error });
}

/// `U` force update, `R` roll back, `d` remove (asks first): on the selected service,
/// or on every service of its stack when the stack is folded (`h`).
pub fn service_change(state: &mut AppState, what: char, effects: &mut Vec<Effect>) {
    let targets: Vec<(String, String)> =
        state.swarm.selected_services().iter().map(|s| (s.id.clone(), s.name.clone())).collect();
    if targets.is_empty() {
        return;
    }
    let names = targets.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ");
    match what {
        'U' | 'R' => {
            let verb = if what == 'U' { "updating" } else { "rolling back" };
            flash(state, format!("{verb} {names}…"), false);
            for (id, name) in targets {
                let (change, done, failed) = if what == 'U' {
                    (
                        SwarmChange::ForceUpdate { service: id },
                        format!("{name}: rolling update started"),
                        format!("cannot update {name}"),
                    )
                } else {
                    (
                        SwarmChange::Rollback { service: id },
                        format!("{name}: rollback started"),
                        format!("cannot roll {name} back"),
                    )
                };
                effects.push(Effect::Change(Change::Swarm { change, done, failed }));
            }
        }
        _ => {
            let title = if targets.len() == 1 {
                "Remove service".to_string()
            } else {
                format!("Remove {} services", targets.len())
            };
            state.screen.modal = Some(Modal::Confirm(Confirm {
                title,
                lines: vec![format!("Remove {names}? All their tasks stop.")],
                yes: Pending::Swarm {
                    changes: targets
                        .into_iter()
                        .map(|(id, name)| {
                            (
                                SwarmChange::RemoveService { service: id },
                                format!("removed service {name}"),
                                format!("cannot remove service {name}"),
                            )
                        })
                        .collect(),
                },
                alternative: None,
            }));
        }
    }
}

/// `h` / `l` on the services pane: folds or unfolds the selected service's stack.
pub fn set_stack_folded(state: &mut AppState, folded: bool) {
    let Some(stack) = state.swarm.services.selected_item().and_then(|s| s.stack.clone()) else { return };
    if folded {
        let first =
            state.swarm.services.items().iter().find(|s| s.stack.as_ref() == Some(&stack)).map(|s| s.id.clone());
        state.swarm.collapsed.insert(stack);
        state.swarm.fold();
        if let Some(id) = first {
            let position = state.swarm.services.visible().position(|s| s.id == id);
            if let Some(pos) = position {
                state.swarm.services.select_visible(pos);
            }
        }
    } else {
        state.swarm.collapsed.remove(&stack);
        state.swarm.fold();
    }
}

/// `d` drain / `a` activate the selected node (asks first).
pub fn node_availability(state: &mut AppState, availability: &str) {
    let Some(node) = state.swarm.nodes.selected_item() else { return };
    if node.availability == availability {
        flash(state, format!("{} is already {availability}", node.hostname), true);
        return;
    }
    let what = if availability == "drain" {
        format!("Drain {}? Its tasks move to other nodes; none start on it.", node.hostname)
    } else {
        format!("Make {} active? Tasks may be scheduled on it again.", node.hostname)
    };
    state.screen.modal = Some(Modal::Confirm(Confirm {
        title: format!("Node {}", node.hostname),
        lines: vec![what],
        yes: Pending::Swarm {
            changes: vec![(
                SwarmChange::NodeAvailability { node: node.id.clone(), availability: availability.into() },
                format!("{} is now {availability}", node.hostname),
                format!("cannot make {} {availability}", node.hostname),
            )],
        },
        alternative: None,
    }));
}

pub fn on_confirmed(state: &mut AppState, changes: Vec<(SwarmChange, String, String)>, effects: &mut Vec<Effect>) {
    flash(state, "asking the swarm…", false);
    for (change, done, failed) in changes {
        effects.push(Effect::Change(Change::Swarm { change, done, failed }));
    }
}

/// `n` on the services pane: the launch form, for a service.
pub fn new_service(state: &mut AppState) {
    let form = LaunchForm::for_service("New service", &crate::launch::LaunchDraft::default());
    state.screen.modal = Some(Modal::Launch(Box::new(form)));
}

/// The form validated: ask for the replicas before creating.
pub fn ask_replicas(state: &mut AppState, form: Box<LaunchForm>, spec: LaunchSpec) {
    state.screen.modal = Some(Modal::Replicas { form, spec: Box::new(spec), input: "1".into(), error: None });
}

pub fn on_replicas_key(
    state: &mut AppState,
    form: Box<LaunchForm>,
    spec: Box<LaunchSpec>,
    mut input: String,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) {
    let error = match key.code {
        // Back to the form, as typed.
        KeyCode::Esc => {
            state.screen.modal = Some(Modal::Launch(form));
            return;
        }
        KeyCode::Enter => match parse_replicas(&input) {
            Ok(replicas) => {
                let name = spec.name.clone().unwrap_or_else(|| spec.image.clone());
                flash(state, format!("creating service {name}…"), false);
                state.swarm.creating = Some(form);
                effects.push(Effect::Change(Change::Swarm {
                    change: SwarmChange::Create(Box::new(ServiceLaunch { spec: *spec, replicas })),
                    done: format!("created service {name}"),
                    failed: format!("cannot create service {name}"),
                }));
                return;
            }
            Err(e) => Some(e),
        },
        _ => {
            super::line_input::edit_line(&mut input, &key);
            None
        }
    };
    state.screen.modal = Some(Modal::Replicas { form, spec, input, error });
}

/// A create that failed reopens its form with the daemon's words, as typed.
pub fn on_changed(state: &mut AppState, done: &str, result: &Result<(), DaemonError>) {
    if !done.starts_with("created service") {
        return;
    }
    let form = state.swarm.creating.take();
    if let (Err(e), Some(mut form)) = (result, form) {
        form.daemon_error = Some(e.clone());
        state.screen.modal = Some(Modal::Launch(form));
    }
}
