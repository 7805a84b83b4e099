//! `update(&mut AppState, Msg) -> Vec<Effect>`: the whole behaviour of wharf as a plain
//! function. No async, no I/O, no clock: a test feeds it messages and checks the state
//! and the effects.

mod actions;
mod change;
mod client;
mod console;
mod daemon;
mod files;
mod hosts;
mod images;
mod input;
mod launch;
mod line_input;
mod log_save;
mod logs;
mod objects;
mod project;
mod projects;
mod selection;
mod stats;
mod swarm;

use super::effect::Effect;
use super::msg::Msg;
use crate::config::keymap::Keymap;
use crate::state::{AppState, Flash};

pub use images::{build_spec, open_build};
pub use objects::changes_nothing;
pub use selection::sync_selection;

/// Seconds a flash message stays in the status line.
const FLASH_SECS: i64 = 4;

pub fn update(state: &mut AppState, keymap: &Keymap, msg: Msg) -> Vec<Effect> {
    let mut effects = Vec::new();
    match msg {
        Msg::Key(key) => input::on_key(state, keymap, key, &mut effects),
        Msg::Mouse(mouse) => input::on_mouse(state, mouse, &mut effects),
        Msg::Paste(text) => input::on_paste(state, &text, &mut effects),
        Msg::Resize { width, height } => {
            state.screen.width = width;
            state.screen.height = height;
            selection::scroll_all_into_view(state);
        }
        Msg::Tick { now } => on_tick(state, now, &mut effects),
        Msg::LocalZone(zone) => state.screen.zone = zone,
        other => daemon::on_daemon_msg(state, other, &mut effects),
    }
    // Whatever changed the layout (a resize, a zoom, the console shown), the console's
    // TTY follows the pane.
    console::sync_size(state, &mut effects);
    hosts::sync_stats(state, &mut effects);
    effects
}

fn on_tick(state: &mut AppState, now: i64, effects: &mut Vec<Effect>) {
    state.screen.now = now;
    if state.screen.flash.as_ref().is_some_and(|f| f.until <= now) {
        state.screen.flash = None;
    }
    logs::on_tick(state, effects);
    stats::on_tick(state, effects);
    swarm::on_tick(state, effects);
    objects::on_tick(state, effects);
    // The safety-net poll: the event stream keeps the lists fresh (and the status
    // texts age on screen by themselves); this only repairs anything it missed.
    if state.is_connected() && now - state.refresh.last >= state.refresh.poll_interval_secs {
        daemon::refresh_lists(state, effects);
    }
}

pub(super) fn flash(state: &mut AppState, text: impl Into<String>, is_error: bool) {
    state.screen.flash = Some(Flash { text: text.into(), is_error, until: state.screen.now + FLASH_SECS });
}
