//! Volumes, networks, prunes, the events timeline and the inspect view.
//!
//! Volumes and networks are listed when their pane is first shown (most sessions never
//! look), then kept fresh by the daemon's events like the containers are.

use crossterm::event::{KeyCode, KeyEvent};

use super::flash;
use crate::app::effect::{Change, Read};
use crate::app::effect::{Effect, ObjectChange};
use crate::model::{DaemonError, DaemonEvent, EventKind, ObjectKind, PruneKind, PruneReport};
use crate::state::{AppState, Confirm, InspectView, Modal, NewObject, Pane, Pending, Verdict};

/// Shows `pane` (volumes, networks or events) in the main place and lists what it needs.
pub fn show(state: &mut AppState, pane: Pane, effects: &mut Vec<Effect>) {
    state.screen.main_pane = pane;
    state.screen.focus = pane;
    match pane {
        Pane::Volumes if !state.objects.volumes_loaded => want_volumes(state, effects),
        Pane::Networks if !state.objects.networks_loaded => want_networks(state, effects),
        _ => {}
    }
}

pub fn want_volumes(state: &mut AppState, effects: &mut Vec<Effect>) {
    let (requests, ids) = (&mut state.refresh.requests, &mut state.ids);
    if let Some(request) = requests.volumes.want(ids) {
        effects.push(Effect::Read(Read::Volumes { request }));
    }
}

pub fn want_networks(state: &mut AppState, effects: &mut Vec<Effect>) {
    let (requests, ids) = (&mut state.refresh.requests, &mut state.ids);
    if let Some(request) = requests.networks.want(ids) {
        effects.push(Effect::Read(Read::Networks { request }));
    }
}

/// After (re)connecting: the volumes and networks are read again if they were read
/// before or their pane is on screen.
pub fn on_connected(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.refresh.requests.volumes.reset();
    state.refresh.requests.networks.reset();
    if state.objects.volumes_loaded || state.screen.main_pane == Pane::Volumes {
        want_volumes(state, effects);
    }
    if state.objects.networks_loaded || state.screen.main_pane == Pane::Networks {
        want_networks(state, effects);
    }
}

/// Every event goes on the timeline; volume and network events refresh their lists
/// once those are on screen.
pub fn on_event(state: &mut AppState, event: &DaemonEvent, effects: &mut Vec<Effect>) {
    // Execs (healthchecks every few seconds, consoles) would drown the timeline.
    if changes_nothing(event) {
        return;
    }
    let name_of = |id: &str| state.containers.list.items().iter().find(|c| c.id == id).map(|c| c.name.clone());
    let fallback = name_of(&event.id);
    let container =
        event.container.as_deref().map(|id| name_of(id).unwrap_or_else(|| id.get(..12).unwrap_or(id).to_string()));
    state.objects.record(event, fallback.as_deref(), container.as_deref());
    match event.kind {
        EventKind::Volume if state.objects.volumes_loaded => want_volumes(state, effects),
        EventKind::Network if state.objects.networks_loaded => want_networks(state, effects),
        _ => {}
    }
}

/// Container events that change nothing wharf lists: `exec_create`, `exec_start: sh
/// -c …`, `exec_die` (a process run inside it: healthchecks every few seconds,
/// consoles), and the reads other clients (or wharf's processes view) make: `top`,
/// `export`, `archive-path`, `resize`, `attach`, `detach`, `copy`.
pub fn changes_nothing(event: &DaemonEvent) -> bool {
    const READS: [&str; 7] = ["top", "export", "archive-path", "resize", "attach", "detach", "copy"];
    event.kind == EventKind::Container && (event.action.starts_with("exec_") || READS.contains(&event.action.as_str()))
}

pub fn on_volumes(
    state: &mut AppState,
    request: crate::state::RequestId,
    result: Result<Vec<crate::model::VolumeRow>, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    let Verdict::Current { again } = state.refresh.requests.volumes.answered(request) else { return };
    match result {
        Ok(rows) => {
            state.objects.volumes.set_items(rows);
            state.objects.volumes_loaded = true;
            link_containers(state);
        }
        Err(e) => flash(state, format!("cannot list volumes: {e}"), true),
    }
    if again {
        want_volumes(state, effects);
    }
}

pub fn on_networks(
    state: &mut AppState,
    request: crate::state::RequestId,
    result: Result<Vec<crate::model::NetworkRow>, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    let Verdict::Current { again } = state.refresh.requests.networks.answered(request) else { return };
    match result {
        Ok(rows) => {
            state.objects.networks.set_items(rows);
            state.objects.networks_loaded = true;
            link_containers(state);
        }
        Err(e) => flash(state, format!("cannot list networks: {e}"), true),
    }
    if again {
        want_networks(state, effects);
    }
}

/// Which containers use each volume and sit on each network, from the container list
/// (the daemon's volume list does not say; its network list does not either).
pub fn link_containers(state: &mut AppState) {
    let containers = state.containers.list.items();
    let mut volumes = state.objects.volumes.items().to_vec();
    for v in &mut volumes {
        v.used_by = containers.iter().filter(|c| c.volumes.contains(&v.name)).map(|c| c.name.clone()).collect();
    }
    let mut networks = state.objects.networks.items().to_vec();
    for n in &mut networks {
        n.containers = containers.iter().filter(|c| c.networks.contains(&n.name)).map(|c| c.name.clone()).collect();
    }
    state.objects.volumes.set_items(volumes);
    state.objects.networks.set_items(networks);
}

/// `I`: the full JSON of what the focused pane has selected.
pub fn inspect(state: &mut AppState, effects: &mut Vec<Effect>) {
    let target = match state.screen.focus {
        Pane::Images => state.images.selected_item().map(|i| (ObjectKind::Image, i.id.clone(), i.display_name())),
        Pane::Volumes => {
            state.objects.volumes.selected_item().map(|v| (ObjectKind::Volume, v.name.clone(), v.name.clone()))
        }
        Pane::Networks => {
            state.objects.networks.selected_item().map(|n| (ObjectKind::Network, n.id.clone(), n.name.clone()))
        }
        Pane::Services => {
            state.swarm.services.selected_item().map(|s| (ObjectKind::Service, s.id.clone(), s.name.clone()))
        }
        Pane::Tasks => state.swarm.tasks.selected_item().map(|t| {
            let short = t.id.get(..12).unwrap_or(&t.id).to_string();
            (ObjectKind::Task, t.id.clone(), short)
        }),
        Pane::Nodes => state.swarm.nodes.selected_item().map(|n| (ObjectKind::Node, n.id.clone(), n.hostname.clone())),
        _ => state.selected_container().map(|c| (ObjectKind::Container, c.id.clone(), c.name.clone())),
    };
    let Some((kind, id, name)) = target else {
        flash(state, "nothing selected to inspect", true);
        return;
    };
    let title = format!("{} {name}", kind.as_str());
    state.screen.modal = Some(Modal::Inspect(Box::new(InspectView::new(title.clone(), vec!["Reading…".into()]))));
    effects.push(Effect::Read(Read::Object { kind, id, title }));
}

/// Enter on an image: its layers and config.
pub fn image_details(state: &mut AppState, effects: &mut Vec<Effect>) {
    let Some(image) = state.images.selected_item() else { return };
    let (id, title) = (image.id.clone(), format!("image {}", image.display_name()));
    state.screen.modal = Some(Modal::Inspect(Box::new(InspectView::new(title.clone(), vec!["Reading…".into()]))));
    effects.push(Effect::Read(Read::ImageDetails { id, title }));
}

pub fn on_inspected(state: &mut AppState, title: String, result: Result<Vec<String>, DaemonError>) {
    let height = view_height(state);
    // Closed meanwhile, or another view opened: the answer is not wanted.
    let Some(Modal::Inspect(view)) = &mut state.screen.modal else { return };
    if view.title != title {
        return;
    }
    match result {
        // A followed view is a table (a container's processes).
        Ok(lines) if view.follow.is_some() => view.answer_table(lines, height.saturating_sub(1).max(1)),
        Ok(lines) => view.answer(lines, height),
        Err(e) => {
            // The daemon names a container by its id; the view's title has its name.
            let mut message = e.message;
            if let Some(id) = &view.follow {
                let name = view.title.strip_prefix("processes ").unwrap_or(&view.title);
                message = message.replace(id.as_str(), name);
            }
            view.answer(vec![format!("Cannot read it: {message}")], height);
        }
    }
}

/// `t` on a container: the processes running in it, read again every few seconds
/// while the view is open.
pub fn processes(state: &mut AppState, effects: &mut Vec<Effect>) {
    let Some(c) = state.selected_container() else {
        flash(state, "no container selected", true);
        return;
    };
    if !c.state.is_running() {
        let text = format!("cannot list the processes of {}: it is not running", c.name);
        flash(state, text, true);
        return;
    }
    let (id, title) = (c.id.clone(), format!("processes {}", c.name));
    let view = InspectView::new(title.clone(), vec!["Reading…".into()]).following(id.clone());
    state.screen.modal = Some(Modal::Inspect(Box::new(view)));
    effects.push(Effect::Read(Read::Processes { id, title }));
}

/// Every tick: an open processes view asks again, one reading at a time.
pub fn on_tick(state: &mut AppState, effects: &mut Vec<Effect>) {
    let now = state.screen.now;
    let Some(Modal::Inspect(view)) = &mut state.screen.modal else { return };
    let Some(id) = view.follow.clone() else { return };
    if view.reading || now % crate::state::PROCESSES_EVERY_SECS != 0 {
        return;
    }
    view.reading = true;
    effects.push(Effect::Read(Read::Processes { id, title: view.title.clone() }));
}

/// Rows of the inspect view on screen (the overlay leaves a border and a hint line).
fn view_height(state: &AppState) -> usize {
    usize::from(state.screen.height.saturating_sub(4)).max(1)
}

pub fn on_inspect_key(state: &mut AppState, mut view: Box<InspectView>, key: KeyEvent) {
    let height = view.body_height(view_height(state));
    view.mask_secrets = !state.screen.reveal_secrets;
    if view.typing {
        match key.code {
            KeyCode::Enter => {
                view.typing = false;
                if !view.find(true, height) {
                    flash(state, format!("{:?} is not in it", view.search), true);
                }
            }
            KeyCode::Esc => {
                view.typing = false;
                view.search.clear();
            }
            _ => super::line_input::edit_line(&mut view.search, &key),
        }
        state.screen.modal = Some(Modal::Inspect(view));
        return;
    }
    let page = isize::try_from(height).unwrap_or(10);
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => return,
        KeyCode::Down | KeyCode::Char('j') => view.move_cursor(1, height),
        KeyCode::Up | KeyCode::Char('k') => view.move_cursor(-1, height),
        KeyCode::PageDown | KeyCode::Char(' ') => view.move_cursor(page, height),
        KeyCode::PageUp => view.move_cursor(-page, height),
        KeyCode::Home | KeyCode::Char('g') => view.to_start(height),
        KeyCode::End | KeyCode::Char('G') => view.to_end(height),
        KeyCode::Enter | KeyCode::Tab => view.toggle(height),
        KeyCode::Left | KeyCode::Char('h') => view.fold(height),
        KeyCode::Right | KeyCode::Char('l') => view.unfold(height),
        KeyCode::Char('z') => view.fold_all(height),
        // Secret-looking env values are masked here as in the env pane.
        KeyCode::Char('v') => {
            state.screen.reveal_secrets = !state.screen.reveal_secrets;
            view.mask_secrets = !state.screen.reveal_secrets;
        }
        KeyCode::Char('Z') => view.unfold_all(height),
        KeyCode::Char('/') => {
            view.typing = true;
            view.search.clear();
        }
        KeyCode::Char('n') => {
            view.find(true, height);
        }
        KeyCode::Char('N') => {
            view.find(false, height);
        }
        _ => {}
    }
    state.screen.modal = Some(Modal::Inspect(view));
}

/// `n` in the volumes or networks pane.
pub fn ask_name(state: &mut AppState, what: NewObject) {
    state.screen.modal = Some(Modal::NamePrompt { what, input: String::new(), error: None });
}

pub fn on_name_key(state: &mut AppState, what: NewObject, mut input: String, key: KeyEvent, effects: &mut Vec<Effect>) {
    let error;
    match key.code {
        KeyCode::Esc => return,
        KeyCode::Enter => match valid_name(input.trim()) {
            Ok(name) => {
                let (change, noun) = match what {
                    NewObject::Volume => (ObjectChange::CreateVolume { name: name.clone() }, "volume"),
                    NewObject::Network => (ObjectChange::CreateNetwork { name: name.clone() }, "network"),
                };
                flash(state, format!("creating {name}…"), false);
                effects.push(Effect::Change(Change::Object {
                    change,
                    done: format!("created {noun} {name}"),
                    failed: format!("cannot create {noun} {name}"),
                }));
                return;
            }
            Err(e) => error = Some(e),
        },
        _ => {
            super::line_input::edit_line(&mut input, &key);
            error = None;
        }
    }
    state.screen.modal = Some(Modal::NamePrompt { what, input, error });
}

/// Names as the daemon accepts them: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`.
fn valid_name(name: &str) -> Result<String, String> {
    let mut chars = name.chars();
    match chars.next() {
        None => Err("type a name".into()),
        Some(c) if !c.is_ascii_alphanumeric() => Err("start with a letter or a digit".into()),
        _ if !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) => {
            Err("use letters, digits, _ . and - only".into())
        }
        _ => Ok(name.to_string()),
    }
}

/// `d` in the volumes pane: asks first, refuses a volume in use with its users named.
pub fn remove_volume(state: &mut AppState) {
    let Some(volume) = state.objects.volumes.selected_item() else { return };
    if !volume.used_by.is_empty() {
        let text =
            format!("cannot remove volume {}: used by {} (remove them first)", volume.name, volume.used_by.join(", "));
        flash(state, text, true);
        return;
    }
    let name = volume.name.clone();
    state.screen.modal = Some(Modal::Confirm(Confirm {
        title: "Remove volume".into(),
        lines: vec![format!("Remove volume {name}? Its data is gone for good.")],
        yes: Pending::RemoveVolume { name },
        alternative: None,
    }));
}

/// `d` in the networks pane.
pub fn remove_network(state: &mut AppState) {
    let Some(network) = state.objects.networks.selected_item() else { return };
    if network.is_builtin() {
        flash(state, format!("cannot remove network {}: the daemon's own", network.name), true);
        return;
    }
    if !network.containers.is_empty() {
        let text = format!(
            "cannot remove network {}: {} attached (disconnect them first)",
            network.name,
            network.containers.join(", ")
        );
        flash(state, text, true);
        return;
    }
    let (id, name) = (network.id.clone(), network.name.clone());
    state.screen.modal = Some(Modal::Confirm(Confirm {
        title: "Remove network".into(),
        lines: vec![format!("Remove network {name}?")],
        yes: Pending::RemoveNetwork { id, name },
        alternative: None,
    }));
}

/// `c` / `x` in the networks pane: the container selected in the containers pane joins
/// or leaves the selected network.
pub fn membership(state: &mut AppState, connect: bool, effects: &mut Vec<Effect>) {
    let Some(network) = state.objects.networks.selected_item() else { return };
    let Some(container) = state.selected_container() else {
        flash(state, "select a container first (1), then the network here", true);
        return;
    };
    let attached = container.networks.contains(&network.name);
    let (net_name, c_name) = (network.name.clone(), container.name.clone());
    if connect && attached {
        flash(state, format!("{c_name} is already on {net_name}"), true);
        return;
    }
    if !connect && !attached {
        flash(state, format!("{c_name} is not on {net_name}"), true);
        return;
    }
    let change = ObjectChange::Membership { network: network.id.clone(), container: container.id.clone(), connect };
    let (done, failed) = if connect {
        (format!("connected {c_name} to {net_name}"), format!("cannot connect {c_name} to {net_name}"))
    } else {
        (format!("disconnected {c_name} from {net_name}"), format!("cannot disconnect {c_name} from {net_name}"))
    };
    flash(state, format!("{}…", if connect { "connecting" } else { "disconnecting" }), false);
    effects.push(Effect::Change(Change::Object { change, done, failed }));
}

pub fn on_confirmed(state: &mut AppState, pending: Pending, effects: &mut Vec<Effect>) {
    match pending {
        Pending::RemoveVolume { name } => {
            flash(state, format!("removing volume {name}…"), false);
            let (done, failed) = (format!("removed volume {name}"), format!("cannot remove volume {name}"));
            effects.push(Effect::Change(Change::Object { change: ObjectChange::RemoveVolume { name }, done, failed }));
        }
        Pending::RemoveNetwork { id, name } => {
            flash(state, format!("removing network {name}…"), false);
            effects.push(Effect::Change(Change::Object {
                change: ObjectChange::RemoveNetwork { id },
                done: format!("removed network {name}"),
                failed: format!("cannot remove network {name}"),
            }));
        }
        Pending::Prune { kind } => {
            flash(state, format!("pruning {}…", kind.what()), false);
            effects.push(Effect::Change(Change::Prune { kind }));
        }
        Pending::Swarm { changes } => super::swarm::on_confirmed(state, changes, effects),
        Pending::ComposeDown { volumes } => super::project::on_confirmed_down(state, volumes, effects),
        Pending::Containers { .. } | Pending::RemoveImage { .. } => {}
    }
}

pub fn on_changed(
    state: &mut AppState,
    done: String,
    failed: String,
    result: Result<(), DaemonError>,
    effects: &mut Vec<Effect>,
) {
    super::swarm::on_changed(state, &done, &result);
    match result {
        Ok(()) => flash(state, done, false),
        Err(e) => flash(state, format!("{failed}: {}", e.message), true),
    }
    // Membership changes show in the container list; swarm changes in the services.
    if state.is_connected() {
        super::daemon::refresh_lists(state, effects);
        super::swarm::on_event(state, effects);
    }
}

pub fn on_prune_menu_key(state: &mut AppState, mut selected: usize, key: KeyEvent, effects: &mut Vec<Effect>) {
    let chosen = match key.code {
        KeyCode::Esc | KeyCode::Char('q') => return,
        KeyCode::Down | KeyCode::Char('j') => {
            selected = (selected + 1).min(PruneKind::MENU.len() - 1);
            None
        }
        KeyCode::Up | KeyCode::Char('k') => {
            selected = selected.saturating_sub(1);
            None
        }
        KeyCode::Enter => Some(selected),
        KeyCode::Char(c @ '1'..='5') => Some(usize::from(c as u8 - b'1')),
        _ => None,
    };
    match chosen.and_then(|i| PruneKind::MENU.get(i)) {
        Some(kind) => confirm_prune(state, *kind, effects),
        None => state.screen.modal = Some(Modal::PruneMenu { selected }),
    }
}

/// Says what will go, from what wharf knows, before anything goes.
fn confirm_prune(state: &mut AppState, kind: PruneKind, effects: &mut Vec<Effect>) {
    let names: Vec<String> = match kind {
        PruneKind::Containers => state
            .containers
            .list
            .items()
            .iter()
            .filter(|c| {
                matches!(
                    c.state,
                    crate::model::ContainerState::Exited
                        | crate::model::ContainerState::Created
                        | crate::model::ContainerState::Dead
                )
            })
            .map(|c| c.name.clone())
            .collect(),
        PruneKind::Images { all } => state
            .images
            .items()
            .iter()
            .filter(|i| if all { i.containers == 0 } else { i.tags.is_empty() && i.containers == 0 })
            .map(|i| i.display_name())
            .collect(),
        PruneKind::Volumes => {
            if !state.objects.volumes_loaded {
                want_volumes(state, effects);
            }
            state.objects.volumes.items().iter().filter(|v| v.used_by.is_empty()).map(|v| v.name.clone()).collect()
        }
        PruneKind::Networks => {
            if !state.objects.networks_loaded {
                want_networks(state, effects);
            }
            state
                .objects
                .networks
                .items()
                .iter()
                .filter(|n| n.containers.is_empty() && !n.is_builtin())
                .map(|n| n.name.clone())
                .collect()
        }
    };
    let known = match kind {
        PruneKind::Volumes => state.objects.volumes_loaded,
        PruneKind::Networks => state.objects.networks_loaded,
        _ => true,
    };
    let mut lines = vec![format!("Remove all {}?", kind.what())];
    if !known {
        lines.push("(wharf is still reading the list: the daemon decides what goes.)".into());
    } else if names.is_empty() {
        lines.push("wharf knows of none: the daemon may still find some.".into());
    } else {
        const SHOWN: usize = 8;
        let mut list = names.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
        if names.len() > SHOWN {
            list.push_str(&format!(" and {} more", names.len() - SHOWN));
        }
        lines.push(format!("{} will go: {list}", names.len()));
    }
    state.screen.modal = Some(Modal::Confirm(Confirm {
        title: format!("Prune {}", kind.what()),
        lines,
        yes: Pending::Prune { kind },
        alternative: None,
    }));
}

pub fn on_pruned(
    state: &mut AppState,
    kind: PruneKind,
    result: Result<PruneReport, DaemonError>,
    effects: &mut Vec<Effect>,
) {
    match result {
        Ok(report) => {
            let text = format!(
                "pruned {} {}, reclaimed {}",
                report.deleted.len(),
                kind.what(),
                crate::ui::format::size(report.reclaimed_bytes)
            );
            flash(state, text, false);
        }
        Err(e) => flash(state, format!("cannot prune {}: {}", kind.what(), e.message), true),
    }
    if state.is_connected() {
        super::daemon::refresh_lists(state, effects);
        if state.objects.volumes_loaded {
            want_volumes(state, effects);
        }
        if state.objects.networks_loaded {
            want_networks(state, effects);
        }
    }
}
