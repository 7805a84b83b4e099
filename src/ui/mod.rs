//! Drawing. Every function here only reads the state and paints; none awaits anything
//! or changes the state.

pub mod console;
mod containers;
mod dialogs;
mod disk;
mod env;
mod files;
pub mod format;
mod help;
mod host_sections;
mod hosts;
mod image_work;
mod images;
mod launch_form;
mod logs;
mod objects;
mod ports;
mod project;
mod pull_progress;
mod run_command;
mod stats;
mod status_bar;
mod swarm;
pub mod theme;
mod widgets;

use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::config::keymap::Keymap;
use crate::layout::{self, MIN_HEIGHT, MIN_WIDTH, ScreenLayout};
use crate::state::{AppState, Modal, Pane};
use theme::Theme;

pub fn draw(frame: &mut Frame, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let Some(layout) = ScreenLayout::compute(area.width, area.height, layout::bottom_zoomed(state)) else {
        let text =
            format!("wharf needs at least {MIN_WIDTH}x{MIN_HEIGHT}; this window is {}x{}.", area.width, area.height);
        let paragraph =
            Paragraph::new(Line::styled(text, theme.warn)).alignment(Alignment::Center).wrap(Wrap { trim: true });
        frame.render_widget(paragraph, area);
        return;
    };
    match state.screen.main_pane {
        _ if layout::bottom_zoomed(state) => {}
        Pane::Images => images::draw(frame, layout.main, state, theme),
        Pane::Hosts if state.fleet.layout == crate::state::FleetLayout::SideBySide => {
            host_sections::draw(frame, layout.main, state, keymap, theme)
        }
        Pane::Hosts => hosts::draw(frame, layout.main, state, keymap, theme),
        Pane::Volumes => objects::draw_volumes(frame, layout.main, state, theme),
        Pane::Networks => objects::draw_networks(frame, layout.main, state, theme),
        Pane::Events => objects::draw_events(frame, layout.main, state, theme),
        Pane::Services | Pane::Tasks => swarm::draw_services(frame, layout.main, state, keymap, theme),
        Pane::Nodes => swarm::draw_nodes(frame, layout.main, state, keymap, theme),
        Pane::Project => project::draw(frame, layout.main, state, theme),
        _ => containers::draw(frame, layout.main, state, keymap, theme),
    }
    stats::draw_header(frame, layout.header, state, keymap, theme);
    if !layout::bottom_zoomed(state) {
        ports::draw(frame, layout.ports, state, theme);
        env::draw(frame, layout.env, state, keymap, theme);
        stats::draw_selected(frame, layout.stats, state, theme);
    }
    if state.console.shown {
        console::draw(frame, layout.logs, state, theme, &state.console.config.prefix_label());
    } else {
        logs::draw(frame, layout.logs, state, theme);
    }
    status_bar::draw(frame, layout.status, state, keymap, theme);
    match &state.screen.modal {
        Some(Modal::Help { first, page }) => {
            let prefix = state.console.config.prefix_label();
            help::draw(frame, area, keymap, &prefix, *first, *page, theme)
        }
        Some(Modal::Presets { selected }) => {
            dialogs::draw_presets(frame, area, &state.launch.presets, *selected, theme)
        }
        Some(Modal::Launch(form)) => launch_form::draw(frame, area, form, theme),
        Some(Modal::Confirm(confirm)) => dialogs::draw_confirm(frame, area, confirm, theme),
        Some(Modal::Pull(prompt)) => dialogs::draw_pull(frame, area, prompt, theme),
        Some(Modal::Build(view)) => image_work::draw_build(frame, area, view, theme),
        Some(Modal::Tag(prompt)) => image_work::draw_tag(frame, area, prompt, theme),
        Some(Modal::Push(view)) => image_work::draw_push(frame, area, view, theme),
        Some(Modal::Login(prompt)) => image_work::draw_login(frame, area, prompt, theme),
        Some(Modal::ConsoleCommand { input, error }) => {
            dialogs::draw_command(frame, area, input, error.as_deref(), theme)
        }
        Some(Modal::Inspect(view)) => objects::draw_inspect(frame, area, view, !state.screen.reveal_secrets, theme),
        Some(Modal::RunCommand(view)) => run_command::draw(frame, area, view, state.screen.reveal_secrets, theme),
        Some(Modal::Files(view)) => files::draw(frame, area, view, theme),
        Some(Modal::NamePrompt { what, input, error }) => {
            dialogs::draw_name_prompt(frame, area, *what, input, error.as_deref(), theme)
        }
        Some(Modal::Scale { name, input, error, .. }) => {
            swarm::draw_number_prompt(frame, area, &format!("Scale {name}"), input, error.as_deref(), theme)
        }
        Some(Modal::Replicas { spec, input, error, .. }) => {
            let name = spec.name.clone().unwrap_or_else(|| spec.image.clone());
            swarm::draw_number_prompt(frame, area, &format!("New service {name}"), input, error.as_deref(), theme)
        }
        Some(Modal::PruneMenu { selected }) => dialogs::draw_prune_menu(frame, area, *selected, theme),
        Some(Modal::DiskUsage) => disk::draw(frame, area, state, theme),
        Some(Modal::Endpoints { choices, selected }) => {
            dialogs::draw_endpoints(frame, area, choices.as_deref(), *selected, state.connection.host(), theme)
        }
        Some(Modal::ComposeFile { input }) => project::draw_chooser(frame, area, input, theme),
        Some(Modal::Filter { .. }) | Some(Modal::LogInput { .. }) | None => {}
    }
}
