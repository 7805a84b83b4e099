//! Other daemons: the endpoint picker (switch the daemon in use without restarting)
//! and the hosts overview (every daemon the config names, merged into one list).

use crossterm::event::{KeyCode, KeyEvent};

use super::flash;
use crate::app::effect::Effect;
use crate::app::effect::{Local, Stream};
use crate::model::{DaemonAddress, EndpointChoice, FleetReport};
use crate::state::{AppState, FleetLayout, FleetRow, Modal, Pane};
use crate::text::sanitize;

pub fn open_picker(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.screen.modal = Some(Modal::Endpoints { choices: None, selected: 0 });
    effects.push(Effect::Local(Local::ListEndpoints));
}

pub fn on_listed(state: &mut AppState, mut listed: Vec<EndpointChoice>) {
    // The hosts of the config are choices too.
    for host in &state.fleet.hosts {
        if !listed.iter().any(|c| c.address == host.address) {
            listed.push(EndpointChoice {
                address: host.address.clone(),
                origin: format!("host {:?} of the config file", host.name),
            });
        }
    }
    // The swarm's other managers (when wharf knows them): the engine at a manager's
    // address, as wharf already knows it (with its TLS files) or on docker's plain TCP
    // port.
    let managers: Vec<(String, String)> =
        crate::state::other_managers(state).iter().map(|n| (n.hostname.clone(), n.addr.clone())).collect();
    for (hostname, ip) in managers {
        match listed.iter_mut().find(|c| crate::state::host_names_ip(&c.address.host, &ip)) {
            Some(choice) => choice.origin = format!("{}; swarm manager {hostname}", choice.origin),
            None => listed.push(EndpointChoice {
                address: DaemonAddress::plain(format!("tcp://{ip}:2375")),
                origin: format!("swarm manager {hostname} (its address, docker's plain TCP port)"),
            }),
        }
    }
    if let Some(Modal::Endpoints { choices, selected }) = &mut state.screen.modal {
        // Start on the daemon in use, so Enter right away changes nothing.
        let current = state.connection.host().to_string();
        *selected = listed.iter().position(|c| sanitize(&c.address.host) == current).unwrap_or(0);
        *choices = Some(listed);
    }
}

pub fn on_picker_key(
    state: &mut AppState,
    choices: Option<Vec<EndpointChoice>>,
    mut selected: usize,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) {
    let count = choices.as_ref().map_or(0, Vec::len);
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => return,
        KeyCode::Up | KeyCode::Char('k') => selected = selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => selected = (selected + 1).min(count.saturating_sub(1)),
        KeyCode::Enter => {
            if let Some(choice) = choices.as_ref().and_then(|c| c.get(selected)) {
                switch_to(state, choice.address.clone(), effects);
            }
            return;
        }
        _ => {}
    }
    state.screen.modal = Some(Modal::Endpoints { choices, selected });
}

/// Leaves the daemon in use for `address` (nothing happens when it is the same one).
pub fn switch_to(state: &mut AppState, address: DaemonAddress, effects: &mut Vec<Effect>) {
    // The state knows addresses as shown (sanitised), like the daemon info says them.
    let shown = sanitize(&address.host);
    if state.connection.host() == shown {
        return;
    }
    if state.console.session.is_some() {
        flash(state, "console closed: switched to another daemon", false);
    }
    state.forget_daemon(&shown);
    effects.push(Effect::Stream(Stream::StopStats));
    effects.push(Effect::Local(Local::SwitchEndpoint { address }));
}

/// `H`: the hosts in one list, then side by side, then back to the containers.
pub fn toggle_overview(state: &mut AppState) {
    if state.fleet.hosts.is_empty() {
        flash(state, "no hosts: name them under [[hosts]] in the config file (see config.example.toml)", true);
        return;
    }
    let (pane, layout) = match (state.screen.main_pane, state.fleet.layout) {
        (Pane::Hosts, FleetLayout::Merged) => (Pane::Hosts, FleetLayout::SideBySide),
        (Pane::Hosts, FleetLayout::SideBySide) => (Pane::Containers, FleetLayout::Merged),
        _ => (Pane::Hosts, FleetLayout::Merged),
    };
    state.fleet.layout = layout;
    state.screen.main_pane = pane;
    state.screen.focus = pane;
}

pub fn on_fleet(state: &mut AppState, host: usize, report: FleetReport) {
    let now = state.screen.now;
    state.fleet.apply(host, report, now);
}

/// After every message: the hosts' watchers read stats while the overview is on screen,
/// and only then (each reading costs its daemon).
pub fn sync_stats(state: &mut AppState, effects: &mut Vec<Effect>) {
    let wanted = state.screen.main_pane == Pane::Hosts && !state.fleet.hosts.is_empty();
    if wanted != state.fleet.stats_on {
        state.fleet.stats_on = wanted;
        effects.push(Effect::Stream(Stream::FleetStats { on: wanted }));
    }
}

/// Enter on a row of the overview: that container on its daemon, switching to the
/// daemon first when it is not the one in use.
pub fn open_selected(state: &mut AppState, effects: &mut Vec<Effect>) {
    let Some(row) = state.fleet.rows.selected_item().cloned() else { return };
    let Some(host) = state.fleet.hosts.get(row.host()) else { return };
    let address = host.address.clone();
    let container = match &row {
        FleetRow::Container { row, .. } => Some(row.id.clone()),
        FleetRow::Host { .. } => None,
    };
    let same = state.connection.host() == sanitize(&address.host);
    switch_to(state, address, effects);
    state.screen.main_pane = Pane::Containers;
    state.screen.focus = Pane::Containers;
    if let Some(id) = container {
        let position = state.containers.list.visible().position(|c| c.id == id);
        match position {
            Some(pos) if same => {
                state.containers.list.select_visible(pos);
                super::selection::sync_selection(state, effects);
            }
            _ => state.containers.select_when_listed = Some(id),
        }
    }
}

/// A click in the hosts side by side: the container under it, in its host's section
/// (drawn from the same layout functions, so the row clicked is the row selected).
pub fn click_section(state: &mut AppState, pane: ratatui::layout::Rect, x: u16, y: u16) {
    use crate::layout::{host_section_rows, host_section_start, host_sections};
    let inner = ratatui::layout::Rect::new(
        pane.x.saturating_add(1),
        pane.y.saturating_add(1),
        pane.width.saturating_sub(2),
        pane.height.saturating_sub(2),
    );
    let position = ratatui::layout::Position::new(x, y);
    let sections = host_sections(inner, &state.fleet.lines_per_host());
    let Some(host) = sections.iter().position(|s| s.contains(position)) else { return };
    let rows = host_section_rows(sections[host]);
    if !rows.contains(position) {
        return;
    }
    let visible: Vec<usize> = state.fleet.visible_of(host).map(|(i, _)| i).collect();
    let selected_global = state.fleet.rows.selected_index();
    let selected = visible.iter().position(|i| Some(*i) == selected_global);
    let start = host_section_start(selected, usize::from(rows.height));
    if let Some(global) = visible.get(start + usize::from(y - rows.y)) {
        state.fleet.rows.select_visible(*global);
    }
}
