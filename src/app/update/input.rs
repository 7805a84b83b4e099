//! Keys and the mouse.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::daemon::refresh_lists;
use super::flash;
use super::selection::{scroll_all_into_view, sync_selection};
use super::{actions, console, launch, logs, stats};
use crate::app::effect::Effect;
use crate::app::effect::{Change, ConfigUse, Read};
use crate::config::keymap::{Action, Keymap};
use crate::launch::LaunchDraft;
use crate::layout::{ScreenLayout, table_row_at, table_rows};
use crate::model::ContainerAction;
use crate::state::{AppState, ConsoleTarget, LogInputKind, Modal, Pane, running_only};

pub fn on_key(state: &mut AppState, keymap: &Keymap, key: KeyEvent, effects: &mut Vec<Effect>) {
    // Key releases and repeats come only from terminals with the kitty protocol; act once.
    if key.kind == KeyEventKind::Release {
        return;
    }
    // The console has the keys: all of them go to the container (Ctrl-C included),
    // but the detach prefix.
    if state.screen.modal.is_none() && state.screen.focus == Pane::Console && state.console.shown {
        console::on_key(state, key, effects);
        return;
    }
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    // In the launch form Ctrl-C is Esc: it asks before throwing typed input away.
    let in_form = matches!(state.screen.modal, Some(Modal::Launch(_)));
    if ctrl_c && !in_form {
        state.screen.quit = true;
        return;
    }
    let key = if ctrl_c { KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE) } else { key };
    match state.screen.modal.take() {
        Some(Modal::Help { first, page }) => {
            // Paging keys turn the pages; any other key closes help and does nothing else.
            let turn = match key.code {
                KeyCode::Right | KeyCode::PageDown | KeyCode::Char('l' | 'j' | ' ') | KeyCode::Tab => 1,
                KeyCode::Left | KeyCode::PageUp | KeyCode::Char('h' | 'k') | KeyCode::BackTab => -1,
                _ => 0,
            };
            if turn != 0 {
                state.screen.modal = Some(Modal::Help { first, page: page + turn });
            }
        }
        Some(Modal::Filter { pane, input, before }) => on_filter_key(state, pane, input, before, key, effects),
        Some(Modal::Presets { selected }) => launch::on_presets_key(state, selected, key, effects),
        Some(Modal::Launch(form)) => launch::on_form_key(state, form, key, effects),
        Some(Modal::Confirm(confirm)) => actions::on_confirm_key(state, confirm, key, effects),
        Some(Modal::Pull(prompt)) => launch::on_pull_key(state, prompt, key, effects),
        Some(Modal::Build(view)) => super::images::on_build_key(state, view, key, effects),
        Some(Modal::Tag(prompt)) => super::images::on_tag_key(state, prompt, key, effects),
        Some(Modal::Push(view)) => super::images::on_push_key(state, view, key, effects),
        Some(Modal::Login(prompt)) => super::images::on_login_key(state, prompt, key, effects),
        Some(Modal::LogInput { kind, input, before }) => logs::on_input_key(state, kind, input, before, key),
        Some(Modal::ConsoleCommand { input, error }) => on_command_key(state, input, error, key, effects),
        Some(Modal::Inspect(view)) => super::objects::on_inspect_key(state, view, key),
        Some(Modal::RunCommand(view)) => super::change::on_command_key(state, view, key, effects),
        Some(Modal::Files(view)) => super::files::on_key(state, view, key, effects),
        Some(Modal::NamePrompt { what, input, .. }) => super::objects::on_name_key(state, what, input, key, effects),
        Some(Modal::Scale { service, name, input, .. }) => {
            super::swarm::on_scale_key(state, service, name, input, key, effects)
        }
        Some(Modal::Replicas { form, spec, input, .. }) => {
            super::swarm::on_replicas_key(state, form, spec, input, key, effects)
        }
        Some(Modal::PruneMenu { selected }) => super::objects::on_prune_menu_key(state, selected, key, effects),
        // Any key closes the disk usage and does nothing else.
        Some(Modal::DiskUsage) => {}
        Some(Modal::Endpoints { choices, selected }) => {
            super::hosts::on_picker_key(state, choices, selected, key, effects)
        }
        Some(Modal::ComposeFile { input }) => super::project::on_chooser_key(state, input, key, effects),
        None if state.screen.focus == Pane::Hosts && key.code == KeyCode::Enter => {
            super::hosts::open_selected(state, effects)
        }
        None => {
            if let Some(action) = keymap.action_for(state.screen.focus, &key) {
                on_action(state, action, effects);
            } else if key.code == KeyCode::Esc {
                // A whole-log save under way is what Esc stops first (the status line
                // says so while it runs); then the filter.
                if !super::log_save::cancel(state, effects) {
                    clear_filter(state, effects);
                }
            }
        }
    }
}

fn on_action(state: &mut AppState, action: Action, effects: &mut Vec<Effect>) {
    // Refused before any dialog opens: nothing typed into a form is then lost to a
    // refusal (the runner refuses every change again where it would be sent).
    if state.screen.read_only && action.changes_daemon() {
        super::flash(state, Change::READ_ONLY, true);
        return;
    }
    if state.screen.focus == Pane::Logs && logs::on_action(state, action, effects) {
        return;
    }
    match action {
        Action::Quit => state.screen.quit = true,
        Action::NextPane => focus(state, cycle(state.screen.focus, 1)),
        Action::PrevPane => focus(state, cycle(state.screen.focus, -1)),
        Action::FocusContainers => focus(state, Pane::Containers),
        Action::FocusImages => focus(state, Pane::Images),
        Action::FocusPorts => focus(state, Pane::Ports),
        Action::FocusEnv => focus(state, Pane::Env),
        Action::FocusLogs => focus(state, Pane::Logs),
        Action::ZoomLogs => {
            state.logs.zoomed = !state.logs.zoomed;
            if state.logs.zoomed {
                state.screen.focus = Pane::Logs;
            }
            scroll_all_into_view(state);
        }
        // The log pane's own actions, when it does not have focus, do nothing.
        Action::LogFilter
        | Action::LogRegexFilter
        | Action::NextMatch
        | Action::PrevMatch
        | Action::ToggleWrap
        | Action::ScrollLeft
        | Action::ScrollRight
        | Action::ToggleTimestamps
        | Action::CycleSince
        | Action::CopyLine
        | Action::SaveLogs
        | Action::SaveFullLog => {}
        Action::Up => move_selection(state, -1, effects),
        Action::Down => move_selection(state, 1, effects),
        Action::PageUp => move_selection(state, -page(state), effects),
        Action::PageDown => move_selection(state, page(state), effects),
        Action::Top => move_selection(state, isize::MIN / 2, effects),
        Action::Bottom => move_selection(state, isize::MAX / 2, effects),
        Action::Filter if state.screen.focus == Pane::Logs => logs::open_input(state, LogInputKind::Search),
        Action::Filter => {
            let before = filter_of(state, state.screen.focus).to_string();
            state.screen.modal = Some(Modal::Filter { pane: state.screen.focus, input: before.clone(), before });
        }
        Action::Help => {
            state.screen.modal = Some(Modal::Help { first: state.screen.focus, page: 0 });
        }
        Action::ToggleAll => {
            state.containers.show_all = !state.containers.show_all;
            state.containers.list.set_retain((!state.containers.show_all).then_some(running_only as fn(&_) -> bool));
            super::projects::fold(state);
            sync_selection(state, effects);
            flash(
                state,
                if state.containers.show_all { "showing all containers" } else { "showing running containers" },
                false,
            );
        }
        Action::RevealSecrets => {
            state.screen.reveal_secrets = !state.screen.reveal_secrets;
            flash(
                state,
                if state.screen.reveal_secrets { "secret values shown" } else { "secret values masked" },
                false,
            );
        }
        Action::Refresh => {
            if state.is_connected() {
                refresh_lists(state, effects);
            }
        }
        Action::NewContainer => launch::open_form(state, "New container", &LaunchDraft::default()),
        Action::Presets => state.screen.modal = Some(Modal::Presets { selected: 0 }),
        Action::Start => actions::container_action(state, ContainerAction::Start, effects),
        Action::Stop => actions::container_action(state, ContainerAction::Stop, effects),
        Action::Restart => actions::container_action(state, ContainerAction::Restart, effects),
        Action::Kill => actions::container_action(state, ContainerAction::Kill, effects),
        Action::Remove => {
            actions::container_action(state, ContainerAction::Remove { force: false, volumes: false }, effects)
        }
        Action::TogglePause => actions::toggle_pause(state, effects),
        Action::Mark => {
            actions::toggle_mark(state);
            sync_selection(state, effects);
        }
        Action::PullImage => launch::open_pull_prompt(state),
        Action::MergeLogs => logs::toggle_merge(state, effects),
        Action::OpenShell => {
            let name = state.selected_container().map(|c| c.name.clone()).unwrap_or_default();
            let commands = state.console.config.shells_for(&name);
            console::open(state, ConsoleTarget::Exec { commands }, effects)
        }
        Action::OpenCommand => state.screen.modal = Some(Modal::ConsoleCommand { input: String::new(), error: None }),
        Action::Attach => console::open(state, ConsoleTarget::Attach, effects),
        Action::ThrowAwayClient => super::client::open(state, effects),
        Action::SortNext => stats::cycle_sort(state, false, effects),
        Action::SortReverse => stats::cycle_sort(state, true, effects),
        Action::ImageFilter => super::images::cycle_show(state),
        Action::SortImages => super::images::cycle_sort(state, false),
        Action::SortImagesReverse => super::images::cycle_sort(state, true),
        Action::StatsInterval => stats::cycle_interval(state, effects),
        Action::DiskUsage => {
            state.screen.modal = Some(Modal::DiskUsage);
            stats::request_disk_usage(state, effects);
        }
        Action::PickEndpoint => super::hosts::open_picker(state, effects),
        Action::GroupProjects => super::projects::toggle(state),
        Action::FocusServices => super::swarm::show(state, Pane::Services, effects),
        Action::FocusNodes => super::swarm::show(state, Pane::Nodes, effects),
        Action::ServiceLogs => super::swarm::open_logs(state, effects),
        Action::ScaleService => super::swarm::ask_scale(state),
        Action::UpdateService => super::swarm::service_change(state, 'U', effects),
        Action::RollbackService => super::swarm::service_change(state, 'R', effects),
        Action::RemoveService => super::swarm::service_change(state, 'd', effects),
        Action::CreateService => super::swarm::new_service(state),
        Action::DrainNode => super::swarm::node_availability(state, "drain"),
        Action::FoldStack => super::swarm::set_stack_folded(state, true),
        Action::UnfoldStack => super::swarm::set_stack_folded(state, false),
        Action::ActivateNode => super::swarm::node_availability(state, "active"),
        Action::FocusProject => super::project::show(state, effects),
        Action::ComposeUp
        | Action::ComposeUpService
        | Action::ComposeDown
        | Action::ComposeDownVolumes
        | Action::ComposeStart
        | Action::ComposeStop
        | Action::ComposeRestart
        | Action::ComposeRecreate
        | Action::ComposePull
        | Action::ComposeBuild
        | Action::ComposeScaleUp
        | Action::ComposeScaleDown
        | Action::OpenComposeFile
        | Action::ProjectLogs => super::project::on_action(state, action, effects),
        Action::FoldProject => super::projects::set_folded(state, true, effects),
        Action::UnfoldProject => super::projects::set_folded(state, false, effects),
        Action::MarkProject => super::projects::mark_project(state),
        Action::FocusVolumes => super::objects::show(state, Pane::Volumes, effects),
        Action::FocusNetworks => super::objects::show(state, Pane::Networks, effects),
        Action::FocusEvents => super::objects::show(state, Pane::Events, effects),
        Action::Inspect => super::objects::inspect(state, effects),
        Action::Processes => super::objects::processes(state, effects),
        Action::ImageDetails => super::objects::image_details(state, effects),
        Action::Prune => state.screen.modal = Some(Modal::PruneMenu { selected: 0 }),
        Action::CreateVolume => super::objects::ask_name(state, crate::state::NewObject::Volume),
        Action::CreateNetwork => super::objects::ask_name(state, crate::state::NewObject::Network),
        Action::RemoveVolume => super::objects::remove_volume(state),
        Action::RemoveNetwork => super::objects::remove_network(state),
        Action::ConnectNetwork => super::objects::membership(state, true, effects),
        Action::DisconnectNetwork => super::objects::membership(state, false, effects),
        Action::Hosts => super::hosts::toggle_overview(state),
        Action::RemoveImage => actions::remove_image(state),
        Action::BuildImage => super::images::open_build(state, None),
        Action::TagImage => super::images::open_tag(state),
        Action::PushImage => super::images::open_push(state, effects),
        Action::EditContainer => super::change::ask(state, ConfigUse::Edit, effects),
        Action::DuplicateContainer => super::change::ask(state, ConfigUse::Duplicate, effects),
        Action::RunCommand => super::change::ask(state, ConfigUse::Command, effects),
        Action::Files => super::files::open(state, effects),
        Action::RunImage => {
            // The form opens once the image's exposed ports are read, filled in.
            if let Some(image) = state.images.selected_item().filter(|i| !i.tags.is_empty()) {
                effects.push(Effect::Read(Read::ExposedPorts { id: image.id.clone(), image: image.display_name() }));
            } else {
                flash(state, "select a tagged image to run", true);
            }
        }
    }
}

fn cycle(pane: Pane, delta: isize) -> Pane {
    let i = Pane::ALL.iter().position(|p| *p == pane).unwrap_or(0);
    let n = Pane::ALL.len() as isize;
    Pane::ALL[(i as isize + delta).rem_euclid(n) as usize]
}

fn focus(state: &mut AppState, pane: Pane) {
    // The console and the logs share a place: focusing it focuses what is shown there.
    let pane = match pane {
        Pane::Logs | Pane::Console if state.console.shown => Pane::Console,
        Pane::Console => Pane::Logs,
        other => other,
    };
    state.screen.focus = pane;
    if pane.in_main_place() {
        state.screen.main_pane = pane.main_place_owner();
    }
}

/// Rows in a page of the focused pane.
fn page(state: &AppState) -> isize {
    let rows = if state.screen.focus == Pane::Logs {
        logs::pane_size(state).1
    } else {
        ScreenLayout::of(state).map(|l| table_rows(l.rect_of(state.screen.focus))).unwrap_or(1)
    };
    isize::try_from(rows.max(1)).unwrap_or(1)
}

fn move_selection(state: &mut AppState, delta: isize, effects: &mut Vec<Effect>) {
    match state.screen.focus {
        Pane::Containers => {
            state.containers.list.move_by(delta);
            sync_selection(state, effects);
        }
        Pane::Images => state.images.move_by(delta),
        Pane::Hosts => state.fleet.rows.move_by(delta),
        Pane::Volumes => state.objects.volumes.move_by(delta),
        Pane::Networks => state.objects.networks.move_by(delta),
        Pane::Events => state.objects.timeline.move_by(delta),
        Pane::Services => {
            state.swarm.services.move_by(delta);
            super::swarm::on_service_selected(state, effects);
        }
        Pane::Tasks => state.swarm.tasks.move_by(delta),
        Pane::Nodes => state.swarm.nodes.move_by(delta),
        Pane::Project => super::project::move_by(state, delta, effects),
        Pane::Ports => state.containers.ports.move_by(delta),
        Pane::Env => state.containers.env.move_by(delta),
        Pane::Logs => logs::scroll(state, delta),
        Pane::Console => console::scroll(state, -delta),
    }
    scroll_all_into_view(state);
}

fn filter_of(state: &AppState, pane: Pane) -> &str {
    match pane {
        Pane::Containers => state.containers.list.filter(),
        Pane::Images => state.images.filter(),
        Pane::Hosts => state.fleet.rows.filter(),
        Pane::Volumes => state.objects.volumes.filter(),
        Pane::Networks => state.objects.networks.filter(),
        Pane::Events => state.objects.timeline.filter(),
        Pane::Services => state.swarm.services.filter(),
        Pane::Tasks => state.swarm.tasks.filter(),
        Pane::Nodes => state.swarm.nodes.filter(),
        Pane::Project => "",
        Pane::Ports => state.containers.ports.filter(),
        Pane::Env => state.containers.env.filter(),
        Pane::Logs => &state.logs.filter.text,
        Pane::Console => "",
    }
}

fn set_filter(state: &mut AppState, pane: Pane, text: &str, effects: &mut Vec<Effect>) {
    match pane {
        Pane::Containers => {
            state.containers.list.set_filter(text);
            super::projects::fold(state);
            sync_selection(state, effects);
        }
        Pane::Images => state.images.set_filter(text),
        Pane::Hosts => state.fleet.rows.set_filter(text),
        Pane::Volumes => state.objects.volumes.set_filter(text),
        Pane::Networks => state.objects.networks.set_filter(text),
        Pane::Events => state.objects.timeline.set_filter(text),
        Pane::Services => {
            state.swarm.services.set_filter(text);
            state.swarm.fold();
            super::swarm::on_service_selected(state, effects);
        }
        Pane::Tasks => state.swarm.tasks.set_filter(text),
        Pane::Nodes => state.swarm.nodes.set_filter(text),
        Pane::Project => {}
        Pane::Ports => state.containers.ports.set_filter(text),
        Pane::Env => state.containers.env.set_filter(text),
        Pane::Logs => {
            state.logs.set_filter(text, false);
            state.logs.search.text.clear();
            state.logs.search.current = None;
        }
        Pane::Console => {}
    }
    scroll_all_into_view(state);
}

fn clear_filter(state: &mut AppState, effects: &mut Vec<Effect>) {
    let logs_search = state.screen.focus == Pane::Logs && !state.logs.search.text.is_empty();
    if !filter_of(state, state.screen.focus).is_empty() || logs_search {
        set_filter(state, state.screen.focus, "", effects);
    }
}

/// Typing in the filter line filters as you type; Enter keeps it, Esc restores what
/// was there before.
fn on_filter_key(
    state: &mut AppState,
    pane: Pane,
    mut input: String,
    before: String,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) {
    match key.code {
        KeyCode::Enter => {
            set_filter(state, pane, &input, effects);
            return;
        }
        KeyCode::Esc => {
            set_filter(state, pane, &before, effects);
            return;
        }
        _ => super::line_input::edit_line(&mut input, &key),
    }
    set_filter(state, pane, &input, effects);
    state.screen.modal = Some(Modal::Filter { pane, input, before });
}

pub fn on_mouse(state: &mut AppState, mouse: MouseEvent, effects: &mut Vec<Effect>) {
    if state.screen.modal.is_some() {
        return;
    }
    let Some(layout) = ScreenLayout::of(state) else { return };
    let Some(pane) = layout.pane_at(mouse.column, mouse.row, state.screen.main_pane) else { return };
    let pane = if pane == Pane::Logs && state.console.shown { Pane::Console } else { pane };
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            focus(state, pane);
            let rect = layout.rect_of(pane);
            if pane == Pane::Hosts && state.fleet.layout == crate::state::FleetLayout::SideBySide {
                super::hosts::click_section(state, rect, mouse.column, mouse.row);
            } else if let Some(row) = table_row_at(rect, mouse.row) {
                let selected = match pane {
                    Pane::Containers => state.containers.list.select_visible(state.containers.list.offset() + row),
                    Pane::Images => state.images.select_visible(state.images.offset() + row),
                    Pane::Hosts => state.fleet.rows.select_visible(state.fleet.rows.offset() + row),
                    Pane::Volumes => state.objects.volumes.select_visible(state.objects.volumes.offset() + row),
                    Pane::Networks => state.objects.networks.select_visible(state.objects.networks.offset() + row),
                    Pane::Events => state.objects.timeline.select_visible(state.objects.timeline.offset() + row),
                    Pane::Services => state.swarm.services.select_visible(state.swarm.services.offset() + row),
                    Pane::Tasks => state.swarm.tasks.select_visible(state.swarm.tasks.offset() + row),
                    Pane::Nodes => state.swarm.nodes.select_visible(state.swarm.nodes.offset() + row),
                    Pane::Ports => state.containers.ports.select_visible(state.containers.ports.offset() + row),
                    Pane::Env => state.containers.env.select_visible(state.containers.env.offset() + row),
                    Pane::Project => {
                        let index = state.project.offset + row;
                        let count = state.project.project.as_ref().map_or(0, |p| p.services.len());
                        if index < count {
                            state.project.selected = index;
                            super::project::show_selected_container(state, effects);
                        }
                        false
                    }
                    Pane::Logs | Pane::Console => false,
                };
                if selected && pane == Pane::Containers {
                    sync_selection(state, effects);
                }
                if selected && pane == Pane::Services {
                    super::swarm::on_service_selected(state, effects);
                }
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            // Logs scroll three lines a notch, as terminals do; lists move one row.
            let step = if matches!(pane, Pane::Logs | Pane::Console) { 3 } else { 1 };
            let delta = if mouse.kind == MouseEventKind::ScrollDown { step } else { -step };
            let previous = state.screen.focus;
            state.screen.focus = pane;
            move_selection(state, delta, effects);
            state.screen.focus = previous;
        }
        _ => {}
    }
}

/// Pasted text goes where typing would go: the focused form field (keeping its line
/// breaks where a field takes several lines), or a one-line input. Control characters
/// are dropped: a paste is text, not keys.
pub fn on_paste(state: &mut AppState, text: &str, effects: &mut Vec<Effect>) {
    if state.screen.modal.is_none() && state.screen.focus == Pane::Console && state.console.shown {
        console::on_paste(state, text, effects);
        return;
    }
    let one_line: String =
        text.chars().map(|c| if c == '\n' || c == '\t' { ' ' } else { c }).filter(|c| !c.is_control()).collect();
    match state.screen.modal.take() {
        Some(Modal::Launch(mut form)) => {
            let field = form.focus;
            if form.submitting.is_none()
                && let Some(area) = form.area_mut(field)
            {
                let lines: String = if field.is_multiline() {
                    text.replace("\r\n", "\n").chars().filter(|c| *c == '\n' || !c.is_control()).collect()
                } else {
                    one_line
                };
                area.insert_str(lines);
                form.errors.retain(|e| e.field != field);
            }
            state.screen.modal = Some(Modal::Launch(form));
        }
        Some(Modal::Filter { pane, mut input, before }) => {
            input.push_str(&one_line);
            set_filter(state, pane, &input, effects);
            state.screen.modal = Some(Modal::Filter { pane, input, before });
        }
        Some(Modal::LogInput { kind, mut input, before }) => {
            input.push_str(&one_line);
            match kind {
                LogInputKind::Search => state.logs.search.text = input.clone(),
                LogInputKind::Filter => state.logs.set_filter(&input, false),
                LogInputKind::RegexFilter => state.logs.set_filter(&input, true),
            }
            state.screen.modal = Some(Modal::LogInput { kind, input, before });
        }
        Some(Modal::Pull(mut prompt)) if prompt.running.is_none() => {
            prompt.input.push_str(one_line.trim());
            state.screen.modal = Some(Modal::Pull(prompt));
        }
        other => state.screen.modal = other,
    }
}

/// The command prompt for a console with a command of the user's choice.
fn on_command_key(
    state: &mut AppState,
    mut input: String,
    mut error: Option<String>,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) {
    match key.code {
        KeyCode::Esc => return,
        KeyCode::Enter => match shell_words::split(&input) {
            Ok(words) if !words.is_empty() => {
                console::open(state, ConsoleTarget::Exec { commands: vec![words] }, effects);
                return;
            }
            Ok(_) => error = Some("type a command, e.g. top or sh -c 'ls /'".into()),
            Err(_) => error = Some("unbalanced quotes".into()),
        },
        _ => super::line_input::edit_line(&mut input, &key),
    }
    state.screen.modal = Some(Modal::ConsoleCommand { input, error });
}
