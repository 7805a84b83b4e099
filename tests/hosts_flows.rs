//! The endpoint picker and the hosts overview, through `update()` and on screen.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, containers, daemon_info};
use crossterm::event::KeyCode;
use wharf::app::effect::Effect;
use wharf::app::effect::{Local, Read};
use wharf::app::msg::Msg;
use wharf::model::{DaemonAddress, DaemonError, DaemonErrorKind, DaemonInfo, EndpointChoice, FleetReport, TlsFiles};
use wharf::state::{Connection, FleetState, Modal, Pane};

fn choices() -> Vec<EndpointChoice> {
    vec![
        EndpointChoice {
            address: DaemonAddress::plain("unix:///var/run/docker.sock"),
            origin: "default socket".into(),
        },
        EndpointChoice {
            address: DaemonAddress {
                host: "tcp://10.0.0.7:2376".into(),
                tls: Some(TlsFiles::in_dir(std::path::Path::new("/home/me/.docker/contexts/tls/x/docker"))),
            },
            origin: "docker context \"prod\"".into(),
        },
        EndpointChoice {
            address: DaemonAddress::plain("ssh://me@build-box"),
            origin: "docker context \"build\"".into(),
        },
        // A context file can say anything: shown sanitised.
        EndpointChoice {
            address: DaemonAddress::plain("tcp://evil\u{1b}]0;pwned\u{7}:2375"),
            origin: "docker context \"x\u{1b}[2J\"".into(),
        },
    ]
}

#[test]
fn the_picker_lists_daemons_and_switching_forgets_the_old_one() {
    let mut h = Harness::new(100, 30);
    h.connect_with_fixtures();
    h.select_container("redis");
    assert_eq!(h.state.selected_container().map(|c| c.name.as_str()), Some("redis"));

    let effects = h.char('C');
    assert_eq!(effects, vec![Effect::Local(Local::ListEndpoints)]);
    assert!(h.render().contains("Looking for daemons"));
    h.send(Msg::EndpointsListed(choices()));
    let screen = h.render();
    insta::assert_snapshot!("endpoint_picker", screen);
    assert!(!screen.contains('\u{1b}'));

    // Enter on the daemon in use changes nothing.
    assert!(h.key(KeyCode::Enter).is_empty());
    assert!(h.state.screen.modal.is_none());
    assert!(matches!(h.state.connection, Connection::Connected(_)));

    // Another one: everything learned from the old daemon goes, the switch is asked for.
    h.char('C');
    h.send(Msg::EndpointsListed(choices()));
    h.char('j');
    let effects = h.key(KeyCode::Enter);
    let switch = DaemonAddress {
        host: "tcp://10.0.0.7:2376".into(),
        tls: Some(TlsFiles::in_dir(std::path::Path::new("/home/me/.docker/contexts/tls/x/docker"))),
    };
    assert!(effects.contains(&Effect::Local(Local::SwitchEndpoint { address: switch })), "{effects:?}");
    assert_eq!(h.state.connection, Connection::Connecting { host: "tcp://10.0.0.7:2376".into() });
    assert_eq!(h.state.containers.list.len(), 0);
    assert!(h.state.containers.details.by_id.is_empty());
    assert!(!h.state.refresh.loaded);

    // A late word from the old daemon's supervisor is not taken for the new one.
    let effects = h.send(Msg::Connected(daemon_info()));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(h.state.connection, Connection::Connecting { .. }));
    // The new one connects: lists are asked for.
    let info = DaemonInfo { host: "tcp://10.0.0.7:2376".into(), ..daemon_info() };
    let effects = h.send(Msg::Connected(info));
    assert!(effects.iter().any(|e| matches!(e, Effect::Read(Read::Containers { .. }))), "{effects:?}");
}

fn fleet() -> FleetState {
    FleetState::new(vec![
        ("laptop".into(), DaemonAddress::plain("unix:///var/run/docker.sock")),
        ("build-box".into(), DaemonAddress::plain("ssh://me@build-box")),
        ("lab".into(), DaemonAddress::plain("tcp://10.0.0.9:2375")),
    ])
}

#[test]
fn the_hosts_overview_merges_hosts_with_a_host_column_and_says_which_is_down() {
    let mut h = Harness::new(110, 30);
    h.connect_with_fixtures();
    // Without hosts in the config, H says how to name some.
    h.char('H');
    assert!(h.render().contains("[[hosts]]"));
    assert_eq!(h.state.screen.main_pane, Pane::Containers);

    h.state.fleet = fleet();
    h.char('H');
    assert_eq!(h.state.screen.focus, Pane::Hosts);
    insta::assert_snapshot!("hosts_connecting", h.render());

    let build_box = DaemonInfo { host: "ssh://me@build-box".into(), ..daemon_info() };
    let all = containers();
    h.send(Msg::Fleet { host: 0, report: FleetReport::Up { info: daemon_info(), containers: all[..3].to_vec() } });
    h.send(Msg::Fleet { host: 1, report: FleetReport::Up { info: build_box, containers: all[3..].to_vec() } });
    let error = DaemonError::new(
        DaemonErrorKind::Unreachable,
        "cannot reach Docker at tcp://10.0.0.9:2375: connection refused",
    )
    .with_hint("the daemon is not listening there; is it running?");
    h.send(Msg::Fleet { host: 2, report: FleetReport::Down { error } });
    h.char('G');
    let screen = h.render();
    insta::assert_snapshot!("hosts_one_down", screen);
    assert!(screen.contains("2 of 3 up"), "{screen}");

    // Enter on a container of another host: switch there and select it when listed.
    h.char('g');
    let target = all[3].clone();
    let position = h.state.fleet.rows.visible().position(|r| r.host() == 1).unwrap();
    for _ in 0..position {
        h.char('j');
    }
    let effects = h.key(KeyCode::Enter);
    assert!(effects.iter().any(
        |e| matches!(e, Effect::Local(Local::SwitchEndpoint { address }) if address.host == "ssh://me@build-box")
    ));
    assert_eq!(h.state.screen.main_pane, Pane::Containers);
    let first_on_build_box = h.state.containers.select_when_listed.clone().unwrap();
    assert!(all[3..].iter().any(|c| c.id == first_on_build_box), "{first_on_build_box} vs {}", target.id);
    assert!(h.state.screen.modal.is_none() || !matches!(h.state.screen.modal, Some(Modal::Endpoints { .. })));
}

/// Hints on screen name the keys in force, not the defaults; colours from the config
/// reach the panes.
#[test]
fn hints_follow_the_users_keys_and_colours_the_config() {
    use wharf::config::keymap::{KeyOverrides, Keymap};
    let mut h = Harness::new(140, 30);
    let toml = "[global]\nhelp = [\"F1\"]\ndisk_usage = [\"F9\"]\nreveal_secrets = [\"ctrl-v\"]\n\
                [containers]\nstats_interval = [\"F6\"]\nsort_next = [\"F7\"]\n";
    let overrides: KeyOverrides = toml::from_str(toml).unwrap();
    h.keymap = Keymap::with_overrides(&overrides).unwrap();
    h.connect_with_fixtures();
    h.select_container("redis");
    let screen = h.render();
    for hint in ["stats every 5s (F6)", "(F7)", "disk usage: F9", "F1 help", "secrets masked (Ctrl-v)"] {
        assert!(screen.contains(hint), "{hint:?} not on screen:\n{screen}");
    }
    for default in ["(i)", "(o)", "disk usage: D", "? help", "(v)"] {
        assert!(!screen.contains(default), "{default:?} still on screen:\n{screen}");
    }

    let colours: wharf::config::ColorSettings =
        toml::from_str("running = \"#ff8800\"\ncontainers = \"magenta\"\n").unwrap();
    let theme = wharf::ui::theme::Theme::default().with_colors(&colours);
    let orange = ratatui::style::Color::Rgb(0xff, 0x88, 0x00);
    assert_eq!(theme.state(&wharf::model::ContainerState::Running).fg, Some(orange));
    assert_eq!(theme.border_of(Pane::Containers, true).fg, Some(ratatui::style::Color::Magenta));
    assert_eq!(theme.border_of(Pane::Logs, true), theme.border_focused);
    // NO_COLOR wins over the config.
    let mono = wharf::ui::theme::Theme::pick(Default::default(), true).with_colors(&colours);
    assert_eq!(mono.state(&wharf::model::ContainerState::Running).fg, None);
    h.theme = theme;
    let buffer = h.render_buffer();
    let cell = buffer.content.iter().find(|c| c.symbol() == "┏").unwrap();
    assert_eq!(cell.fg, ratatui::style::Color::Magenta, "the focused containers pane's border");
}

/// More rows than the pane holds at 80x24: the selection stays on screen as it moves
/// (Enter acts on a row the user sees), and a down host's reason runs across the row.
#[test]
fn the_hosts_overview_scrolls_and_a_down_hosts_reason_is_not_cut() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    h.state.fleet = FleetState::new(vec![
        ("laptop".into(), DaemonAddress::plain("unix:///var/run/docker.sock")),
        ("build-box".into(), DaemonAddress::plain("ssh://me@build-box")),
        ("ci".into(), DaemonAddress::plain("ssh://me@ci")),
        ("lab".into(), DaemonAddress::plain("tcp://127.0.0.1:2375")),
    ]);
    h.char('H');
    let all = containers();
    for host in 0..3 {
        h.send(Msg::Fleet { host, report: FleetReport::Up { info: daemon_info(), containers: all.clone() } });
    }
    let error = DaemonError::new(
        DaemonErrorKind::Unreachable,
        "cannot reach Docker at tcp://127.0.0.1:2375: connection refused",
    );
    h.send(Msg::Fleet { host: 3, report: FleetReport::Down { error } });
    assert_eq!(h.state.fleet.rows.len(), 19);
    // The selected row of the hosts pane (the focused one, drawn with thick borders).
    let selected_row = |screen: &str| screen.lines().find(|l| l.starts_with("┃▶")).map(str::to_string);
    // Down the list a row at a time: the selected row is always drawn.
    for step in 1..19 {
        h.char('j');
        let screen = h.render();
        assert!(selected_row(&screen).is_some(), "the selection left the screen after {step} moves:\n{screen}");
    }
    let screen = h.render();
    let selected = selected_row(&screen).unwrap();
    assert!(selected.contains("cannot reach Docker at tcp://127.0.0.1:2375: connection refused"), "{screen}");
    insta::assert_snapshot!("hosts_scrolled_to_a_down_host_80x24", screen);
    // Back to the top: the first row is drawn again.
    h.char('g');
    let screen = h.render();
    assert!(selected_row(&screen).unwrap().contains("laptop"), "{screen}");
}

fn sample(at_ms: i64, cpu_total: u64, system_total: u64, mem_used: u64) -> wharf::model::StatsSample {
    wharf::model::StatsSample { at_ms, cpu_total, system_total, online_cpus: 2, mem_used, ..Default::default() }
}

/// `H` cycles: one list, side by side, back. Side by side, each host has a section
/// whose header says how it is (and since when), its containers by state and their
/// CPU and memory; a host that stopped answering says so while the others stay as
/// they are. Stats are read only while the overview is on screen.
#[test]
fn the_hosts_side_by_side_show_each_hosts_state_counts_and_stats() {
    use wharf::app::effect::Stream;
    use wharf::state::FleetLayout;
    let mut h = Harness::new(120, 30);
    h.connect_with_fixtures();
    h.state.fleet = fleet();
    let now = h.state.screen.now;

    let effects = h.char('H');
    assert_eq!(h.state.fleet.layout, FleetLayout::Merged);
    assert!(effects.contains(&Effect::Stream(Stream::FleetStats { on: true })), "{effects:?}");
    let effects = h.char('H');
    assert_eq!((h.state.screen.main_pane, h.state.fleet.layout), (Pane::Hosts, FleetLayout::SideBySide));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Stream(Stream::FleetStats { .. }))), "{effects:?}");

    let all = containers();
    let build_box = DaemonInfo { host: "ssh://me@build-box".into(), ..daemon_info() };
    h.send(Msg::Fleet { host: 0, report: FleetReport::Up { info: daemon_info(), containers: all[..3].to_vec() } });
    h.send(Msg::Fleet { host: 1, report: FleetReport::Up { info: build_box, containers: all[3..].to_vec() } });
    h.send(Msg::Fleet { host: 2, report: FleetReport::Up { info: daemon_info(), containers: Vec::new() } });
    // Two rounds of readings make the CPU figure: 0.5 s of CPU in 10 s of both CPUs' time.
    let running: Vec<String> =
        all[3..].iter().filter(|c| c.state == wharf::model::ContainerState::Running).map(|c| c.id.clone()).collect();
    assert_eq!(running.len(), 2);
    let round = |cpu: u64, system: u64| FleetReport::Stats {
        samples: running.iter().map(|id| (id.clone(), sample(0, cpu, system, 40_000_000))).collect(),
    };
    h.send(Msg::Fleet { host: 1, report: round(1_000_000_000, 100_000_000_000) });
    let first = h.render();
    assert!(first.contains("cpu … mem 80.0MB"), "one round: memory, no CPU yet\n{first}");
    h.send(Msg::Fleet { host: 1, report: round(1_250_000_000, 110_000_000_000) });

    // The third host stops answering 12 s later.
    h.send(Msg::Tick { now: now + 12 });
    let hung = DaemonError::new(
        DaemonErrorKind::Timeout,
        "the daemon at tcp://10.0.0.9:2375 stopped answering (no answer within 4s)",
    );
    h.send(Msg::Fleet { host: 2, report: FleetReport::Down { error: hung } });
    h.send(Msg::Tick { now: now + 15 });
    let screen = h.render();
    insta::assert_snapshot!("hosts_side_by_side_120x30", screen);
    assert!(screen.contains("build-box ● up"), "{screen}");
    // 2 containers at 2.5% of a CPU each (0.25 s / 10 s * 2 CPUs * 100).
    assert!(screen.contains("cpu 10.0% mem 80.0MB"), "{screen}");
    assert!(screen.contains("lab ◌ not answering for 3s"), "{screen}");
    assert!(screen.contains("stopped answering"), "{screen}");
    assert!(screen.contains("● 2 running ‖ 1 paused ■ 0 stopped"), "{screen}");

    // Narrow: sections one under another.
    h.send(Msg::Resize { width: 80, height: 40 });
    insta::assert_snapshot!("hosts_side_by_side_80x40", h.render());

    // A click on a container of the second section selects it.
    h.send(Msg::Resize { width: 120, height: 30 });
    let screen = h.render();
    let (y, line) = screen.lines().enumerate().find(|(_, l)| l.contains("redis")).unwrap();
    let x = line[..line.find("redis").unwrap()].chars().count() as u16;
    h.send(Msg::Mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: x,
        row: y as u16,
        modifiers: crossterm::event::KeyModifiers::NONE,
    }));
    match h.state.fleet.rows.selected_item() {
        Some(wharf::state::FleetRow::Container { row, host: 1, .. }) => assert_eq!(row.name, "redis"),
        other => panic!("clicked redis on build-box, selected {other:?}"),
    }

    // Back to the containers: no more stats.
    let effects = h.char('H');
    assert_eq!(h.state.screen.main_pane, Pane::Containers);
    assert!(effects.contains(&Effect::Stream(Stream::FleetStats { on: false })), "{effects:?}");
}
