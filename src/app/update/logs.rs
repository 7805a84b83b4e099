//! The log pane: which streams run, what arrives on them, and the reading keys.

use crossterm::event::{KeyCode, KeyEvent};

use super::flash;
use crate::app::effect::Effect;
use crate::app::effect::{Local, Stream};
use crate::config::keymap::Action;
use crate::layout::ScreenLayout;
use crate::logs::{LogLine, StreamKind};
use crate::model::{DaemonError, DaemonErrorKind};
use crate::state::{AppState, LogInputKind, LogSource, Modal, SourceStatus, StreamId};

/// Columns by which h/l scroll an unwrapped log sideways.
const HSCROLL_STEP: usize = 8;

/// Makes the log pane follow the selected container: switching the selection stops the
/// old stream and starts the new one (once the container's TTY setting is known).
pub fn sync_logs(state: &mut AppState, effects: &mut Vec<Effect>) {
    // Merged logs stay on their containers until the user leaves merged mode.
    if state.logs.sources.len() > 1 {
        return;
    }
    // Logs chosen on purpose stay while the user is elsewhere; moving in the containers
    // pane means following its selection again.
    if state.logs.pinned {
        if !matches!(
            state.screen.focus,
            crate::state::Pane::Containers | crate::state::Pane::Ports | crate::state::Pane::Env
        ) {
            return;
        }
        state.logs.pinned = false;
    }
    let wanted = state.selected_container().map(|c| (c.id.clone(), c.name.clone()));
    let current = state.logs.sources.first().map(|s| s.container_id.clone());
    match wanted {
        None => {
            if current.is_some() {
                stop_all(state, effects);
                state.logs.sources.clear();
                state.logs.clear_lines();
            }
        }
        Some((id, name)) => {
            if current.as_deref() != Some(id.as_str()) || state.logs.sources.len() != 1 {
                stop_all(state, effects);
                state.logs.clear_lines();
                state.logs.follow_again();
                state.logs.search.current = None;
                state.logs.sources = vec![LogSource {
                    container_id: id,
                    service: None,
                    name,
                    stream: None,
                    status: SourceStatus::Waiting,
                }];
            }
            if state.logs.sources[0].status == SourceStatus::Waiting {
                start(state, 0, None, effects);
            }
        }
    }
}

/// Merged logs: the marked containers' output in one pane, each line prefixed with
/// its container's name. Pressed again, back to the selected container alone.
pub fn toggle_merge(state: &mut AppState, effects: &mut Vec<Effect>) {
    state.logs.pinned = false;
    if state.logs.sources.len() > 1 {
        stop_all(state, effects);
        state.logs.sources.clear();
        state.logs.clear_lines();
        sync_logs(state, effects);
        flash(state, "logs of the selected container", false);
        return;
    }
    let targets: Vec<(String, String)> = state
        .containers
        .list
        .items()
        .iter()
        .filter(|c| state.containers.marked.contains(&c.id))
        .map(|c| (c.id.clone(), c.name.clone()))
        .take(usize::from(u8::MAX))
        .collect();
    if targets.len() < 2 {
        flash(state, "mark two or more containers (Space) to merge their logs", true);
        return;
    }
    stop_all(state, effects);
    state.logs.clear_lines();
    state.logs.follow_again();
    state.logs.search.current = None;
    state.logs.sources = targets
        .iter()
        .map(|(id, name)| LogSource {
            container_id: id.clone(),
            service: None,
            name: name.clone(),
            stream: None,
            status: SourceStatus::Waiting,
        })
        .collect();
    let count = targets.len();
    for (id, _) in targets {
        if !state.containers.details.by_id.contains_key(&id) {
            super::selection::queue_inspect(state, id, effects);
        }
    }
    start_waiting(state, effects);
    state.containers.marked.clear();
    flash(state, format!("merged logs of {count} containers (M again to leave)"), false);
}

/// Replaces what the log pane follows with `sources` (a swarm service, a task's
/// container) and starts them.
pub fn follow_sources(state: &mut AppState, sources: Vec<LogSource>, effects: &mut Vec<Effect>) {
    stop_all(state, effects);
    state.logs.clear_lines();
    state.logs.follow_again();
    state.logs.search.current = None;
    state.logs.sources = sources;
    state.logs.pinned = true;
    start_waiting(state, effects);
}

/// Starts every source still waiting whose container's details are now known.
pub fn start_waiting(state: &mut AppState, effects: &mut Vec<Effect>) {
    for i in 0..state.logs.sources.len() {
        if state.logs.sources[i].status == SourceStatus::Waiting {
            start(state, i, None, effects);
        }
    }
}

fn stop_all(state: &mut AppState, effects: &mut Vec<Effect>) {
    for source in &mut state.logs.sources {
        if let Some(stream) = source.stream.take() {
            effects.push(Effect::Stream(Stream::StopLogs { stream }));
        }
    }
}

/// A container's TTY setting as far as it is known: from its details; guessed "no TTY"
/// when they could not be read (the decoder reads raw output that does not start with
/// a frame header as raw, so a wrong guess still shows the output); `None` while its
/// details are still to come.
pub fn tty_of(state: &AppState, container_id: &str) -> Option<bool> {
    let details = &state.containers.details;
    match details.by_id.get(container_id) {
        Some(d) => Some(d.tty),
        None if details.unreadable.contains_key(container_id) => Some(false),
        None => None,
    }
}

/// The container a source waits for is gone (its inspect found nothing): say so rather
/// than wait.
pub fn on_container_gone(state: &mut AppState, id: &str) {
    for source in &mut state.logs.sources {
        if source.service.is_none() && source.container_id == id && source.status == SourceStatus::Waiting {
            source.status = SourceStatus::Failed("the container is gone".into());
        }
    }
}

/// Starts the stream of source `index`, from `resume_at` (Unix seconds) when resuming
/// after the container restarted, else as the since preset says. Needs the container's
/// details (its TTY setting); without them it waits.
fn start(state: &mut AppState, index: usize, resume_at: Option<i64>, effects: &mut Vec<Effect>) {
    if !state.is_connected() {
        return;
    }
    let Some(source) = state.logs.sources.get(index) else { return };
    let tty = match source.service {
        Some(tty) => Some(tty),
        None => tty_of(state, &source.container_id),
    };
    let Some(tty) = tty else { return };
    let stream = state.ids.next_stream();
    let view = &state.logs;
    let capacity = u32::try_from(view.buffer.capacity()).unwrap_or(u32::MAX);
    // Resuming: from the second of the last line seen (what comes again up to it is
    // dropped in `on_lines`), else from when the stream ended.
    let resume_at = resume_at.map(|at| view.resume_second(&source.container_id).unwrap_or(at));
    let (tail, since) = match (resume_at, view.since.seconds()) {
        (Some(at), _) => (capacity, Some(at)),
        (None, Some(seconds)) => (capacity, Some(state.screen.now - seconds)),
        (None, None) if view.since == crate::state::Since::Everything => (capacity, None),
        (None, None) => (view.tail, None),
    };
    effects.push(Effect::Stream(Stream::FollowLogs {
        stream,
        container_id: source.container_id.clone(),
        source: u8::try_from(index).unwrap_or(u8::MAX),
        tty,
        tail,
        since,
        // Every stream carries timestamps, shown or not: merged streams are put in
        // time order by them, and a resumed stream knows by them what was seen.
        timestamps: true,
        service: source.service.is_some(),
        keep: view.buffer.capacity(),
    }));
    let source = &mut state.logs.sources[index];
    source.stream = Some(stream);
    source.status = SourceStatus::Streaming;
}

/// Starts every stream again from scratch (after a change of what to ask for).
fn restart_all(state: &mut AppState, effects: &mut Vec<Effect>) {
    stop_all(state, effects);
    state.logs.clear_lines();
    state.logs.search.current = None;
    for i in 0..state.logs.sources.len() {
        if !matches!(state.logs.sources[i].status, SourceStatus::Failed(_)) {
            state.logs.sources[i].status = SourceStatus::Waiting;
            start(state, i, None, effects);
        }
    }
}

pub fn on_lines(state: &mut AppState, stream: StreamId, mut lines: Vec<LogLine>) {
    // Lines of a stream that was replaced meanwhile are dropped.
    let Some(id) = state.logs.sources.iter().find(|s| s.stream == Some(stream)).map(|s| s.container_id.clone()) else {
        return;
    };
    // A resumed stream repeats the second it resumes from: no line twice.
    state.logs.drop_seen(&id, &mut lines);
    state.logs.take_lines(lines);
}

/// Lines a stream passed over (more came at once than the pane keeps): counted as
/// dropped, or, while the view is paused on a full buffer, as not kept.
pub fn on_passed_over(state: &mut AppState, stream: StreamId, count: u64) {
    if state.logs.sources.iter().any(|s| s.stream == Some(stream)) {
        state.logs.count_passed_over(count);
    }
}

/// A stream skipped ahead of a flood: counted, and the place marked in the pane by
/// a line of wharf's own, so what follows is not read as what came next.
pub fn on_skipped_ahead(state: &mut AppState, stream: StreamId) {
    let Some(source) = state.logs.sources.iter().position(|s| s.stream == Some(stream)) else { return };
    state.logs.buffer.skipped_ahead += 1;
    state.logs.take_line(LogLine {
        stream: StreamKind::Stdout,
        source: u8::try_from(source).unwrap_or(u8::MAX),
        timestamp: None,
        text: SKIPPED_AHEAD_MARK.into(),
        runs: Vec::new(),
        cut: 0,
    });
}

/// The line that marks where a stream skipped ahead.
const SKIPPED_AHEAD_MARK: &str = "⋯ wharf skipped ahead: lines came faster than they can be read; the newest follow ⋯";

pub fn on_ended(state: &mut AppState, stream: StreamId, error: Option<DaemonError>) {
    let now = state.screen.now;
    let connected = state.is_connected();
    let Some(source) = state.logs.sources.iter_mut().find(|s| s.stream == Some(stream)) else { return };
    source.stream = None;
    source.status = match error {
        Some(e) if e.kind == DaemonErrorKind::Unsupported => {
            SourceStatus::Failed("this container's logging driver cannot be read (nor can `docker logs`)".into())
        }
        Some(e) if e.kind == DaemonErrorKind::NotFound => SourceStatus::Failed("the container is gone".into()),
        // The daemon went away: the container may run on; `on_connected` resumes it.
        // (While wharf still counts it connected, only this stream's connection broke:
        // retried below, with a pause, like any other break.)
        Some(e) if e.kind == DaemonErrorKind::Unreachable && !connected => SourceStatus::Interrupted { at: now },
        // The stream ended with the connection: the daemon, not the container, went.
        None if !connected => SourceStatus::Interrupted { at: now },
        // Anything else broke the stream: say so and try again shortly.
        Some(e) => SourceStatus::Retrying { at: now, retry_at: now + RETRY_SECS, reason: e.message },
        // A clean end: the container stopped (resumes on its start event, or on the
        // next tick if it is running again already).
        None => SourceStatus::Ended { at: now },
    };
}

/// Seconds before a broken log stream is tried again.
const RETRY_SECS: i64 = 2;

/// Every tick: streams that broke are retried when due; a stream that ended while its
/// container runs (its start event came before the end) resumes.
pub fn on_tick(state: &mut AppState, effects: &mut Vec<Effect>) {
    if !state.is_connected() {
        return;
    }
    let now = state.screen.now;
    let due: Vec<(usize, i64)> = state
        .logs
        .sources
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.status {
            SourceStatus::Retrying { at, retry_at, .. } if *retry_at <= now => Some((i, *at)),
            SourceStatus::Interrupted { at } => Some((i, *at)),
            SourceStatus::Ended { at }
                if state.containers.list.items().iter().any(|c| c.id == s.container_id && c.state.is_running()) =>
            {
                Some((i, *at))
            }
            _ => None,
        })
        .collect();
    for (i, at) in due {
        start(state, i, Some(at), effects);
    }
}

/// A container started: a stream that ended because it stopped resumes where it ended.
pub fn on_container_started(state: &mut AppState, id: &str, effects: &mut Vec<Effect>) {
    let ended: Vec<(usize, i64)> = state
        .logs
        .sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.container_id == id)
        .filter_map(|(i, s)| match s.status {
            SourceStatus::Ended { at } => Some((i, at)),
            _ => None,
        })
        .collect();
    for (i, at) in ended {
        start(state, i, Some(at), effects);
    }
}

/// Reconnected: streams cut by the daemon going away start again.
pub fn on_connected(state: &mut AppState, effects: &mut Vec<Effect>) {
    for i in 0..state.logs.sources.len() {
        // A stream that survived a false alarm is stopped before its replacement starts.
        if let Some(stream) = state.logs.sources[i].stream.take() {
            effects.push(Effect::Stream(Stream::StopLogs { stream }));
        }
        match state.logs.sources[i].status.clone() {
            SourceStatus::Ended { at } | SourceStatus::Retrying { at, .. } | SourceStatus::Interrupted { at } => {
                start(state, i, Some(at), effects)
            }
            SourceStatus::Streaming | SourceStatus::Waiting => {
                state.logs.sources[i].stream = None;
                state.logs.sources[i].status = SourceStatus::Waiting;
                start(state, i, None, effects);
            }
            SourceStatus::Failed(_) => {}
        }
    }
}

/// The daemon went away or stopped answering: streams that ran (or ended just as it
/// went, their container still listed as running) are interrupted, not stopped.
pub fn on_connection_down(state: &mut AppState) {
    let now = state.screen.now;
    let running =
        |id: &str, state: &AppState| state.containers.list.items().iter().any(|c| c.id == id && c.state.is_running());
    for i in 0..state.logs.sources.len() {
        let source = &state.logs.sources[i];
        let interrupted = match source.status {
            SourceStatus::Streaming => Some(now),
            // It broke just before the daemon was found gone: the daemon's doing.
            SourceStatus::Retrying { at, .. } => Some(at),
            SourceStatus::Ended { at } if source.service.is_none() && running(&source.container_id, state) => Some(at),
            _ => None,
        };
        if let Some(at) = interrupted {
            state.logs.sources[i].status = SourceStatus::Interrupted { at };
        }
    }
}

/// The log pane's inner size (columns, rows).
pub fn pane_size(state: &AppState) -> (usize, usize) {
    ScreenLayout::of(state)
        .map(|l| (usize::from(l.logs.width.saturating_sub(2)), usize::from(l.logs.height.saturating_sub(2))))
        .unwrap_or((0, 0))
}

/// Scrolls the log view: `delta` lines, or to the top/bottom for the extremes.
pub fn scroll(state: &mut AppState, delta: isize) {
    let (width, height) = pane_size(state);
    match delta {
        isize::MIN..=-1_000_000 => state.logs.scroll_to_top(),
        1_000_000.. => state.logs.follow_again(),
        d => state.logs.scroll(d, width, height),
    }
}

/// Actions of the log pane's own keys. Returns whether `action` was one of them.
pub fn on_action(state: &mut AppState, action: Action, effects: &mut Vec<Effect>) -> bool {
    match action {
        Action::LogFilter => open_input(state, LogInputKind::Filter),
        Action::LogRegexFilter => open_input(state, LogInputKind::RegexFilter),
        Action::NextMatch | Action::PrevMatch => {
            if state.logs.search.text.is_empty() {
                flash(state, "no search yet: search the logs first", true);
            } else if !state.logs.find(action == Action::NextMatch) {
                let text = format!("no line matches {:?}", state.logs.search.text);
                flash(state, text, true);
            }
        }
        Action::ToggleWrap => {
            state.logs.wrap = !state.logs.wrap;
            state.logs.hscroll = 0;
        }
        Action::ScrollLeft => state.logs.hscroll = state.logs.hscroll.saturating_sub(HSCROLL_STEP),
        Action::ScrollRight => {
            // No further than brings the longest line's end into view: past it the
            // pane would go blank.
            let view = &state.logs;
            let longest = view.buffer.iter().map(|(_, l)| l.text.chars().count()).max().unwrap_or(0);
            // The prefix (stream mark, container, timestamp) stays put; the text scrolls
            // in what is left of the pane.
            let prefix = view.buffer.iter().map(|(_, l)| view.prefix_width(l)).max().unwrap_or(2);
            let shown =
                super::console::pane_size(state).map_or(1, |(cols, _)| usize::from(cols).saturating_sub(prefix));
            let furthest = longest.saturating_sub(shown.max(1));
            if !state.logs.wrap {
                state.logs.hscroll = (state.logs.hscroll + HSCROLL_STEP).min(furthest.max(state.logs.hscroll));
            }
        }
        Action::ToggleTimestamps => {
            state.logs.timestamps = !state.logs.timestamps;
            restart_all(state, effects);
        }
        Action::CycleSince => {
            state.logs.since = state.logs.since.next();
            let text = format!("logs from: {}", state.logs.since.label());
            flash(state, text, false);
            restart_all(state, effects);
        }
        Action::CopyLine => copy_line(state, effects),
        Action::SaveLogs => {
            let name = match state.logs.sources.as_slice() {
                [] => "logs".to_string(),
                [one] => one.name.clone(),
                several => format!("merged-{}", several.len()),
            };
            // Merged, each line says which container it came from, as on screen.
            let view = &state.logs;
            let lines: Vec<String> = view
                .buffer
                .iter()
                .map(|(_, l)| match view.merged_source(l) {
                    Some(source) => format!("{source} {}", plain(view, l)),
                    None => plain(view, l),
                })
                .collect();
            flash(state, format!("saving {} lines…", lines.len()), false);
            effects.push(Effect::Local(Local::SaveLogs { name, lines }));
        }
        Action::SaveFullLog => super::log_save::toggle(state, effects),
        _ => return false,
    }
    true
}

/// A line as text: with its timestamp when they are shown, and in merged logs (which
/// read as one timeline). Every stream carries them; a single one shows them on request.
fn plain(view: &crate::state::LogView, line: &LogLine) -> String {
    match &line.timestamp {
        Some(ts) if view.timestamps || view.sources.len() > 1 => format!("{ts} {}", line.text),
        _ => line.text.clone(),
    }
}

/// Copies the current search match, or else the newest line shown.
fn copy_line(state: &mut AppState, effects: &mut Vec<Effect>) {
    let (width, height) = pane_size(state);
    let seq = state.logs.search.current.or_else(|| state.logs.visible(width, height).last().copied());
    match seq.and_then(|s| state.logs.buffer.get(s)) {
        Some(line) => {
            effects.push(Effect::Local(Local::CopyToClipboard { text: plain(&state.logs, line) }));
            flash(state, "copied the line to the clipboard (terminals that allow OSC 52)", false);
        }
        None => flash(state, "no line to copy", true),
    }
}

pub fn open_input(state: &mut AppState, kind: LogInputKind) {
    let before = match kind {
        LogInputKind::Search => state.logs.search.text.clone(),
        LogInputKind::Filter | LogInputKind::RegexFilter => state.logs.filter.text.clone(),
    };
    state.screen.modal = Some(Modal::LogInput { kind, input: before.clone(), before });
}

/// Typing a search or filter: applied as typed; Enter keeps it (and jumps to the first
/// match of a search), Esc restores what was there before.
pub fn on_input_key(state: &mut AppState, kind: LogInputKind, mut input: String, before: String, key: KeyEvent) {
    let apply = |state: &mut AppState, text: &str| match kind {
        LogInputKind::Search => {
            state.logs.search.text = text.to_string();
            state.logs.search.current = None;
        }
        LogInputKind::Filter => state.logs.set_filter(text, false),
        LogInputKind::RegexFilter => state.logs.set_filter(text, true),
    };
    match key.code {
        KeyCode::Enter => {
            apply(state, &input);
            if kind == LogInputKind::Search && !input.is_empty() && !state.logs.find(true) {
                flash(state, format!("no line matches {input:?}"), true);
            }
            return;
        }
        KeyCode::Esc => {
            apply(state, &before);
            return;
        }
        _ => super::line_input::edit_line(&mut input, &key),
    }
    apply(state, &input);
    state.screen.modal = Some(Modal::LogInput { kind, input, before });
}
