//! Flows through `update()` from captured fixtures: the state and effects they produce,
//! and the screens they draw (insta snapshots in tests/snapshots/).

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Harness, containers, daemon_info};
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use wharf::app::effect::Effect;
use wharf::app::effect::{Local, Read, Stream};
use wharf::app::msg::Answer;
use wharf::app::msg::Msg;
use wharf::model::{DaemonError, DaemonErrorKind, DaemonEvent, EventKind};
use wharf::state::{Connection, Pane};

fn selected_name(h: &Harness) -> String {
    h.state.selected_container().map(|c| c.name.clone()).unwrap_or_default()
}

#[test]
fn connecting_asks_for_both_lists_then_the_selected_containers_details() {
    let mut h = Harness::new(80, 24);
    let effects = h.send(Msg::Connected(daemon_info()));
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::Read(Read::Containers { .. }),
                // The next container list waits out a short rest (churn is coalesced).
                Effect::Local(Local::ListRest { .. }),
                Effect::Read(Read::Images { .. })
            ]
        ),
        "{effects:?}"
    );
    let Effect::Read(Read::Containers { request }) = effects[0] else { unreachable!() };
    let effects = h.send(Msg::Answer(Answer::Containers { request, result: Ok(containers()) }));
    let first = containers().remove(0);
    assert_eq!(selected_name(&h), first.name);
    let inspects: Vec<&String> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Read(Read::Container { id, .. }) => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(inspects, vec![&first.id], "{effects:?}");
}

#[test]
fn moving_the_selection_updates_ports_at_once_and_inspects_once() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    // Walk to redis: its ports come from the list row before any inspect answers.
    let redis_pos = containers().iter().position(|c| c.name == "redis").unwrap();
    let mut effects = Vec::new();
    for _ in 0..redis_pos {
        effects.extend(h.char('j'));
    }
    let inspects = effects.iter().filter(|e| matches!(e, Effect::Read(Read::Container { .. }))).count();
    assert_eq!(inspects, 1, "one inspect in flight at a time: {effects:?}");
    assert_eq!(selected_name(&h), "redis");
    let ports: Vec<String> = h.state.containers.ports.visible().map(|p| p.short()).collect();
    assert!(ports.contains(&"127.0.0.1:1234->6379/tcp".to_string()), "{ports:?}");
    // Moving fast coalesces inspects: one in flight, the newest selection follows.
    h.answer(effects);
    assert!(h.state.selected_details().is_some());
    let env: Vec<&str> = h.state.containers.env.visible().map(|v| v.key.as_str()).collect();
    assert!(env.contains(&"PASSWORD"), "{env:?}");
    // Going back to a container already inspected inspects nothing (its logs follow it).
    let effects = h.char('k');
    h.answer(effects);
    let effects = h.char('j');
    assert!(!effects.iter().any(|e| matches!(e, Effect::Read(Read::Container { .. }))), "redis is cached: {effects:?}");
    assert!(effects.iter().any(|e| matches!(e, Effect::Stream(Stream::FollowLogs { .. }))), "{effects:?}");
    assert!(h.state.selected_details().is_some());
}

/// A container event from the daemon.
fn container_event(action: &str, id: &str) -> Msg {
    Msg::DaemonEvent(DaemonEvent {
        kind: EventKind::Container,
        action: action.into(),
        id: id.into(),
        ..Default::default()
    })
}

/// How many image lists these effects ask for.
fn images_read(effects: &[Effect]) -> usize {
    effects.iter().filter(|e| matches!(e, Effect::Read(Read::Images { .. }))).count()
}

#[test]
fn containers_made_and_removed_in_a_burst_read_the_images_once_when_it_settles() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    let mut during = 0;
    for i in 0..20 {
        during += images_read(&h.send(container_event("create", &format!("c{i}"))));
        during += images_read(&h.send(container_event("destroy", &format!("c{i}"))));
    }
    assert_eq!(during, 0, "no image list per event");
    assert_eq!(images_read(&h.send(Msg::Settle)), 1, "one when the burst settles");
    assert_eq!(images_read(&h.send(Msg::Settle)), 0, "and no more with nothing new");
}

#[test]
fn a_churn_that_never_settles_reads_the_images_every_few_settling_lists() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    // A CI runner: containers made and removed between every two settling lists (the
    // lists the daemon is asked for are answered).
    let mut reads = Vec::new();
    for i in 0..20 {
        let made = h.send(container_event("create", &format!("c{i}")));
        h.answer(made);
        let removed = h.send(container_event("destroy", &format!("c{i}")));
        h.answer(removed);
        let settled = h.send(Msg::Settle);
        reads.push(images_read(&settled));
        h.answer(settled);
    }
    assert_eq!(reads.iter().sum::<usize>(), 4, "the first settling list, then every fifth: {reads:?}");
    assert_eq!(reads[0], 1, "{reads:?}");
    // It stops: the settling list after the last events reads them once more.
    assert_eq!(images_read(&h.send(Msg::Settle)), 1, "the end of the churn");
    assert_eq!(images_read(&h.send(Msg::Settle)), 0);
}

#[test]
fn a_burst_of_events_costs_one_list_request_plus_one_follow_up() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    let event = |action: &str| {
        Msg::DaemonEvent(DaemonEvent {
            kind: EventKind::Container,
            action: action.into(),
            id: "x".into(),
            ..Default::default()
        })
    };
    let first = h.send(event("start"));
    let Some(Effect::Read(Read::Containers { request })) = first.first().cloned() else { panic!("{first:?}") };
    for _ in 0..50 {
        let effects = h.send(event("start"));
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, Effect::Read(Read::Containers { .. }) | Effect::Local(Local::Settle { .. })))
        );
    }
    // A stale answer (an older request id) changes nothing.
    let stale = wharf::state::RequestId(request.0 - 1);
    assert!(h.send(Msg::Answer(Answer::Containers { request: stale, result: Ok(vec![]) })).is_empty());
    assert_eq!(h.state.containers.list.len(), containers().len());
    // The answer to the one in flight brings exactly one follow-up request, once the
    // rest after the first is over (not before: churn is coalesced).
    let answered = h.send(Msg::Answer(Answer::Containers { request, result: Ok(containers()) }));
    assert!(!answered.iter().any(|e| matches!(e, Effect::Read(Read::Containers { .. }))), "{answered:?}");
    let follow = h.send(Msg::ListRested);
    assert_eq!(follow.iter().filter(|e| matches!(e, Effect::Read(Read::Containers { .. }))).count(), 1);
    assert!(follow.iter().any(|e| matches!(e, Effect::Local(Local::ListRest { .. }))), "{follow:?}");
    // With nothing owed, the end of a rest asks for nothing.
    assert!(h.send(Msg::ListRested).is_empty());
    let Some(Effect::Read(Read::Containers { request })) =
        follow.iter().find(|e| matches!(e, Effect::Read(Read::Containers { .. }))).cloned()
    else {
        unreachable!()
    };
    h.send(Msg::Answer(Answer::Containers { request, result: Ok(containers()) }));
    h.send(Msg::ListRested);
    // And one more, a moment later, settles what the daemon announced just before its
    // list showed it (a pause, a death): the first event asked for it, once for the burst.
    assert!(first.iter().any(|e| matches!(e, Effect::Local(Local::Settle { .. }))), "{first:?}");
    let settled = h.send(Msg::Settle);
    assert_eq!(settled.iter().filter(|e| matches!(e, Effect::Read(Read::Containers { .. }))).count(), 1, "{settled:?}");
    // Events came after it was scheduled: one more settles them, and then no more.
    assert!(settled.iter().any(|e| matches!(e, Effect::Local(Local::Settle { .. }))), "{settled:?}");
    let last = h.send(Msg::Settle);
    assert!(!last.iter().any(|e| matches!(e, Effect::Local(Local::Settle { .. }))), "{last:?}");
    assert!(!h.state.refresh.settle_pending);
}

#[test]
fn reads_by_other_clients_are_no_news() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    for action in ["top", "exec_start: sh", "resize", "attach", "archive-path"] {
        let event =
            DaemonEvent { kind: EventKind::Container, action: action.into(), id: "x".into(), ..Default::default() };
        assert!(h.send(Msg::DaemonEvent(event)).is_empty(), "{action}");
    }
    assert!(!h.state.refresh.settle_pending);
    assert!(h.state.objects.timeline.items().is_empty(), "the timeline keeps what changed");
}

#[test]
fn filter_selects_the_first_match_and_esc_clears_it() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    h.char('G');
    h.char('/');
    h.type_text("MYS");
    insta::assert_snapshot!("filter_typing_80x24", h.render());
    h.key(KeyCode::Enter);
    assert_eq!(h.state.containers.list.len(), 1);
    assert_eq!(selected_name(&h), "mysql");
    assert!(h.state.screen.modal.is_none());
    h.key(KeyCode::Esc);
    assert_eq!(h.state.containers.list.len(), containers().len());
    // Esc while typing goes back to the filter from before.
    h.char('/');
    h.type_text("zzz");
    assert_eq!(h.state.containers.list.len(), 0);
    h.key(KeyCode::Esc);
    assert_eq!(h.state.containers.list.len(), containers().len());
}

#[test]
fn toggling_running_only_hides_stopped_containers() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    let running = containers().iter().filter(|c| c.state.is_running()).count();
    h.char('a');
    assert_eq!(h.state.containers.list.len(), running);
    assert!(h.state.containers.list.visible().all(|c| c.state.is_running()));
    h.char('a');
    assert_eq!(h.state.containers.list.len(), containers().len());
}

#[test]
fn a_click_selects_the_row_under_the_mouse_and_the_wheel_scrolls() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    // The pane's first row is its border, the next the column headings: the third
    // container is three rows further down.
    let top = wharf::layout::ScreenLayout::of(&h.state).unwrap().main.y;
    let click = |row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 5,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let effects = h.send(click(top + 4));
    assert_eq!(selected_name(&h), containers()[2].name);
    assert!(effects.iter().any(|e| matches!(e, Effect::Read(Read::Container { .. }))));
    h.send(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 5,
        row: top + 4,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(selected_name(&h), containers()[3].name);
    // A click below the last row selects nothing new.
    h.send(click(top + 12));
    assert_eq!(selected_name(&h), containers()[3].name);
}

#[test]
fn tab_cycles_panes_and_number_keys_jump() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    h.key(KeyCode::Tab);
    assert_eq!(h.state.screen.focus, Pane::Images);
    assert_eq!(h.state.screen.main_pane, Pane::Images);
    h.key(KeyCode::Tab);
    assert_eq!(h.state.screen.focus, Pane::Ports);
    assert_eq!(h.state.screen.main_pane, Pane::Images, "the main pane keeps showing what it showed");
    h.send(Msg::Key(crossterm::event::KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    assert_eq!(h.state.screen.focus, Pane::Images);
    h.char('4');
    assert_eq!(h.state.screen.focus, Pane::Env);
    h.char('1');
    assert_eq!(h.state.screen.main_pane, Pane::Containers);
    h.char('q');
    assert!(h.state.screen.quit);
}

#[test]
fn secrets_are_masked_until_revealed() {
    let mut h = Harness::new(100, 30);
    h.connect_with_fixtures();
    while selected_name(&h) != "redis" {
        let effects = h.char('j');
        h.answer(effects);
    }
    let masked = h.render();
    assert!(!masked.contains("hunter2"), "{masked}");
    assert!(masked.contains("••••"), "{masked}");
    h.char('v');
    assert!(h.render().contains("hunter2"));
}

#[test]
fn hostile_values_never_reach_the_screen_raw() {
    let mut h = Harness::new(120, 40);
    h.connect_with_fixtures();
    assert_eq!(selected_name(&h), "hostile");
    let screen = h.render();
    assert!(!screen.contains("]2;") && !screen.contains("]52;"), "{screen}");
    assert!(screen.contains("visible"), "the printable part of the value stays: {screen}");
    insta::assert_snapshot!("hostile_120x40", screen);
}

#[test]
fn no_daemon_says_why_and_when_it_retries() {
    let mut h = Harness::new(80, 24);
    let error = DaemonError::new(
        DaemonErrorKind::Unreachable,
        "cannot reach Docker at unix:///var/run/docker.sock: no socket at that path",
    )
    .with_hint("is the Docker daemon running?");
    let effects = h.send(Msg::ConnectionDown { error, retry_in: Duration::from_secs(4) });
    assert!(effects.is_empty());
    assert!(matches!(h.state.connection, Connection::Down { .. }));
    // Keys still work without a daemon, and ask for nothing.
    assert!(h.char('j').is_empty());
    assert!(h.key(KeyCode::Tab).is_empty());
    h.char('1');
    insta::assert_snapshot!("no_daemon_80x24", h.render());
    // When it comes back, wharf fills in by itself and says so.
    h.connect_with_fixtures();
    assert_eq!(h.state.containers.list.len(), containers().len());
    assert!(h.render().contains("reconnected to unix:///var/run/docker.sock"));
    // Losing it again: the stale list gives way to the cause.
    let error = DaemonError::new(DaemonErrorKind::Unreachable, "lost the connection to unix:///var/run/docker.sock");
    h.send(Msg::ConnectionDown { error, retry_in: Duration::from_secs(1) });
    let screen = h.render();
    assert!(screen.contains("lost the connection"), "{screen}");
    assert!(!screen.contains("redis"), "no stale rows shown as if live:\n{screen}");
}

#[test]
fn an_event_during_an_inspect_makes_its_answer_stale_and_asks_again() {
    let mut h = Harness::new(80, 24);
    let effects = h.send(Msg::Connected(daemon_info()));
    let Effect::Read(Read::Containers { request }) = effects[0] else { unreachable!() };
    let effects = h.send(Msg::Answer(Answer::Containers { request, result: Ok(containers()) }));
    let (request, id) = effects
        .iter()
        .find_map(|e| match e {
            Effect::Read(Read::Container { request, id }) => Some((*request, id.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{effects:?}"));
    // The container restarts while its inspect is in flight.
    let event =
        DaemonEvent { kind: EventKind::Container, action: "restart".into(), id: id.clone(), ..Default::default() };
    h.send(Msg::DaemonEvent(event));
    let details = wharf::model::ContainerDetails { id: id.clone(), ..Default::default() };
    let effects = h.send(Msg::Answer(Answer::Container { request, id: id.clone(), result: Ok(details) }));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Read(Read::Container { id: i, .. }) if *i == id)),
        "the answer may predate the restart: ask again ({effects:?})"
    );
}

#[test]
fn snapshots_of_the_dashboard_at_several_sizes() {
    for (w, hgt) in [(80, 24), (120, 40), (40, 10)] {
        let mut h = Harness::new(w, hgt);
        h.connect_with_fixtures();
        insta::assert_snapshot!(format!("dashboard_{w}x{hgt}"), h.render());
    }
}

#[test]
fn snapshots_of_each_pane_focused() {
    let mut h = Harness::new(100, 30);
    h.connect_with_fixtures();
    while selected_name(&h) != "web" {
        let effects = h.char('j');
        h.answer(effects);
    }
    h.char('3');
    insta::assert_snapshot!("ports_focused_web", h.render());
    h.char('4');
    h.char('j');
    insta::assert_snapshot!("env_focused_web", h.render());
    h.char('2');
    insta::assert_snapshot!("images_focused", h.render());
    // Opened from the images pane: the images' keys first, then everywhere's.
    h.char('?');
    insta::assert_snapshot!("help_overlay", h.render());
    let first = h.render();
    assert!(first.find("Images").unwrap() < first.find("Everywhere").unwrap(), "{first}");
    // More keys than the window holds: the pages turn, and wrap around.
    assert!(first.contains("Page 1/"), "{first}");
    h.key(KeyCode::Right);
    insta::assert_snapshot!("help_overlay_next_page", h.render());
    assert!(h.render().contains("Page 2/"));
    h.key(KeyCode::Left);
    h.key(KeyCode::Left);
    assert!(!h.render().contains("Page 1/") && !h.render().contains("Page 2/"), "the last page: {}", h.render());
    h.char('x');
    assert!(h.state.screen.modal.is_none(), "any other key closes help");
    // Opened from the containers pane, the containers' keys come first.
    h.char('1');
    h.char('?');
    let screen = h.render();
    assert!(screen.find("Containers").unwrap() < screen.find("Everywhere").unwrap(), "{screen}");
    assert!(screen.contains("processes running in it"), "{screen}");
}

#[test]
fn tiny_windows_say_so_and_never_panic() {
    for (w, hgt) in [(20, 5), (1, 1), (0, 0), (39, 30), (200, 9)] {
        let mut h = Harness::new(w.max(1), hgt.max(1));
        h.connect_with_fixtures();
        h.send(Msg::Resize { width: w, height: hgt });
        for c in ['j', 'G', 'k', '2', '3', '4'] {
            h.char(c);
        }
        if w > 0 && hgt > 0 {
            let screen = h.render();
            if (w, hgt) == (20, 5) {
                insta::assert_snapshot!("too_small_20x5", screen);
            }
        }
    }
}

#[test]
fn status_texts_age_with_the_clock_without_another_list() {
    let mut h = Harness::new(120, 24);
    let effects = h.send(Msg::Connected(daemon_info()));
    let Some(Effect::Read(Read::Containers { request })) = effects.first().cloned() else { panic!("{effects:?}") };
    // Listed as the docker layer lists: each duration stamped with the answer's time.
    let listed_at = h.state.screen.now;
    let mut rows = containers();
    for age in rows.iter_mut().filter_map(|r| r.status_age.as_mut()) {
        age.listed_at = listed_at;
    }
    h.send(Msg::Answer(Answer::Containers { request, result: Ok(rows) }));
    assert!(h.render().contains("Up Less than a second"), "{}", h.render());
    assert!(h.render().contains("Exited (3) 7 seconds ago"), "{}", h.render());
    // Twenty seconds on, before the safety-net list: nothing asked of the daemon, the
    // same words, older.
    let effects = h.send(Msg::Tick { now: listed_at + 20 });
    assert!(!effects.iter().any(|e| matches!(e, Effect::Read(Read::Containers { .. }))), "{effects:?}");
    let screen = h.render();
    assert!(screen.contains("Up 20 seconds"), "{screen}");
    assert!(screen.contains("Exited (3) 27 seconds ago"), "{screen}");
    assert!(screen.contains("Created"), "{screen}");
}

#[test]
fn read_only_refuses_a_change_at_its_key_before_any_dialog_opens() {
    let mut h = Harness::new(120, 30);
    h.state.screen.read_only = true;
    h.connect_with_fixtures();
    // Remove (asks first), a new container (the form), presets, stop, a shell,
    // then the same on the images pane and the volumes pane.
    for key in ['d', 'n', 'p', 's', 'e', '2', 'd', 'p', '6', 'n', 'd'] {
        let effects = h.char(key);
        if key.is_ascii_digit() {
            // Switching panes reads (the volumes list): not a change, and no refusal.
            assert!(!effects.iter().any(|e| matches!(e, Effect::Change(_))), "{key}: {effects:?}");
            assert!(h.state.screen.flash.is_none(), "{key}");
            continue;
        }
        assert!(h.state.screen.modal.is_none(), "{key}: a dialog opened: {:?}", h.state.screen.modal);
        assert!(!effects.iter().any(|e| matches!(e, Effect::Change(_))), "{key}: {effects:?}");
        let flash = h.state.screen.flash.take().expect("the refusal is said");
        assert!(flash.is_error && flash.text.contains("read-only"), "{key}: {}", flash.text);
    }
    // Reading goes on as usual: inspect opens.
    h.char('1');
    h.char('I');
    assert!(h.state.screen.modal.is_some(), "inspect opens in read-only mode");
}

/// Help at 80x24: every description whole (wrapped under itself, never cut), pages
/// with no empty column, and the console's own keys (the detach chord and what follows
/// it, the scrollback) among them.
#[test]
fn help_at_80x24_shows_every_key_whole_and_the_consoles_own() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    h.char('?');
    let first = h.render();
    insta::assert_snapshot!("help_80x24", first);
    let pages = first
        .split("Page 1/")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(1);
    // Each page holds about 40 bindings; the images pane's build, tag and push and the
    // compose project view's keys (issue 16) take pages of their own.
    assert!(pages <= 5, "{pages} pages:\n{first}");
    let mut text = String::new();
    for page in 0..pages {
        let screen = h.render();
        let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
        // The box: from its top left corner to its right border.
        let top = lines.iter().position(|l| l.iter().collect::<String>().contains("╭ Keys")).unwrap();
        let left = lines[top].iter().position(|c| *c == '╭').unwrap();
        let right = lines[top].iter().position(|c| *c == '╮').unwrap();
        let inside: Vec<&[char]> =
            lines[top + 1..].iter().take_while(|l| l.get(left) == Some(&'│')).map(|l| &l[left + 1..right]).collect();
        // Each column (39 wide) read down, then the next: a wrapped description reads
        // as one; no column is empty.
        for start in (0..right - left - 1).step_by(39) {
            let mut column = String::new();
            for line in &inside {
                column.push(' ');
                column.extend(line.iter().skip(start).take(39));
            }
            assert!(column.split_whitespace().count() > 0, "an empty column on page {}:\n{screen}", page + 1);
            text.push(' ');
            text.push_str(&column);
        }
        h.key(KeyCode::Right);
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (_, rows) in h.keymap.help_rows() {
        for (keys, what) in rows {
            assert!(text.contains(what), "{keys}: {what:?} is cut or missing");
        }
    }
    for console in ["Ctrl-] d back to the dashboard", "Ctrl-] x close the console", "Ctrl-] z", "Shift-PgUp"] {
        assert!(text.contains(console), "{console:?} is not in help");
    }
}
