//! Saving a container's whole log (`W`): one save at a time, how far it got on the
//! status line, stopped by `W` again or Esc. The runner writes it (`log_task::save_full`),
//! at most `logs.save_limit_mib`.

use super::flash;
use crate::app::effect::{Effect, Stream};
use crate::app::msg::SavedLog;
use crate::state::{AppState, FullSave, StreamId, mib};

/// `W`: starts saving the followed container's whole log, or stops the save under way.
pub fn toggle(state: &mut AppState, effects: &mut Vec<Effect>) {
    if cancel(state, effects) {
        return;
    }
    let source = state.logs.sources.first().cloned();
    // A swarm service's source has no container to save.
    let tty = source.as_ref().filter(|s| s.service.is_none()).and_then(|s| super::logs::tty_of(state, &s.container_id));
    let (Some(source), Some(tty)) = (source, tty) else {
        flash(state, "no container's log to save", true);
        return;
    };
    let save = state.ids.next_stream();
    let limit = state.logs.save.limit;
    state.logs.save.running = Some(FullSave { save, name: source.name.clone(), bytes: 0 });
    flash(state, format!("saving the whole log of {} (at most {})…", source.name, mib(limit)), false);
    effects.push(Effect::Stream(Stream::SaveFullLog {
        save,
        container_id: source.container_id,
        name: source.name,
        tty,
        limit,
    }));
}

/// Stops the save under way, if one is (`W` again, or Esc). Returns whether one was.
pub fn cancel(state: &mut AppState, effects: &mut Vec<Effect>) -> bool {
    let Some(saving) = state.logs.save.running.take() else { return false };
    effects.push(Effect::Stream(Stream::CancelSave { save: saving.save }));
    flash(state, format!("stopped saving the log of {}; nothing was kept", saving.name), false);
    true
}

pub fn on_progress(state: &mut AppState, save: StreamId, bytes: u64) {
    if let Some(saving) = state.logs.save.running.as_mut().filter(|s| s.save == save) {
        saving.bytes = bytes;
    }
}

/// The save ended. One that was cancelled (or belongs to a daemon left since) is not
/// the current one any more: its end says nothing.
pub fn on_saved(state: &mut AppState, save: StreamId, result: Result<SavedLog, String>) {
    if state.logs.save.running.as_ref().is_none_or(|s| s.save != save) {
        return;
    }
    state.logs.save.running = None;
    match result {
        Ok(saved) if saved.cut => {
            let limit = mib(state.logs.save.limit);
            flash(
                state,
                format!("saved the first {limit} of the log to {} (the limit: logs.save_limit_mib)", saved.path),
                true,
            )
        }
        Ok(saved) => flash(state, format!("saved {} to {}", mib(saved.bytes), saved.path), false),
        Err(e) => flash(state, format!("cannot save the log: {e}"), true),
    }
}
