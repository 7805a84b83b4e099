//! Stats through `update()`: which streams and samples are asked for (only what is on
//! screen and running), the figures on screen, sorting, and disk usage.

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, containers};
use wharf::app::effect::Effect;
use wharf::app::effect::{Local, Read, Stream};
use wharf::app::msg::Answer;
use wharf::app::msg::Msg;
use wharf::app::msg::Streamed;
use wharf::model::{DiskUsage, StatsSample};
use wharf::state::SortKey;

fn id_of(name: &str) -> String {
    containers().into_iter().find(|c| c.name == name).unwrap().id
}

fn sample(at_ms: i64, cpu: u64, mem: u64) -> StatsSample {
    StatsSample {
        at_ms,
        cpu_total: cpu,
        system_total: at_ms as u64 * 1_000_000,
        online_cpus: 1,
        mem_used: mem,
        mem_limit: 1 << 30,
        ..Default::default()
    }
}

/// Two readings a second apart: `percent` of a CPU and `mem` bytes.
fn feed(h: &mut Harness, name: &str, percent: u64, mem: u64) {
    let id = id_of(name);
    h.send(Msg::Stream(Streamed::Stats { id: id.clone(), sample: sample(1_000, 0, mem) }));
    h.send(Msg::Stream(Streamed::Stats { id, sample: sample(2_000, percent * 10_000_000, mem) }));
}

#[test]
fn the_selected_running_container_is_streamed_and_a_stopped_one_is_not() {
    let mut h = Harness::new(140, 40);
    h.connect_with_fixtures();
    // The first row (hostile) runs: its stream was asked for when the list arrived.
    assert_eq!(h.state.stats.streaming.as_deref(), Some(id_of("hostile").as_str()));
    let effects = h.char('j');
    assert!(effects.contains(&Effect::Stream(Stream::StopStats)), "finished is not running: {effects:?}");
    let effects = h.char('j');
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Stream(Stream::Stats { .. }))),
        "never-started is not running either"
    );
    h.select_container("redis");
    assert_eq!(h.state.stats.streaming.as_deref(), Some(id_of("redis").as_str()));
}

#[test]
fn rounds_sample_only_running_rows_on_screen_one_at_a_time() {
    let mut h = Harness::new(140, 40);
    h.connect_with_fixtures();
    let now = h.state.screen.now;
    let effects = h.send(Msg::Tick { now: now + 5 });
    let ids = effects.iter().find_map(|e| match e {
        Effect::Stream(Stream::StatsRound { ids }) => Some(ids.clone()),
        _ => None,
    });
    let mut ids = ids.expect("a round is due");
    ids.sort();
    let mut expected: Vec<String> = ["mysql", "redis"].iter().map(|n| id_of(n)).collect();
    expected.sort();
    assert_eq!(ids, expected, "running rows, not the streamed one, not stopped or paused ones");
    assert!(
        !h.send(Msg::Tick { now: now + 11 }).iter().any(|e| matches!(e, Effect::Stream(Stream::StatsRound { .. }))),
        "one round at a time"
    );
    h.send(Msg::Stream(Streamed::StatsRoundDone));
    assert!(h.send(Msg::Tick { now: now + 12 }).iter().any(|e| matches!(e, Effect::Stream(Stream::StatsRound { .. }))));
}

#[test]
fn only_rows_in_view_are_sampled() {
    let mut h = Harness::new(100, 16);
    h.connect_with_fixtures();
    // A short window shows only the first rows (hostile is streamed; the next ones are stopped).
    let now = h.state.screen.now;
    let effects = h.send(Msg::Tick { now: now + 5 });
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Stream(Stream::StatsRound { .. }))),
        "no running row in view: {effects:?}"
    );
    h.char('G');
    h.send(Msg::Stream(Streamed::StatsRoundDone));
    let effects = h.send(Msg::Tick { now: now + 10 });
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Stream(Stream::StatsRound { ids }) if ids.contains(&id_of("mysql")))),
        "{effects:?}"
    );
}

#[test]
fn stats_can_be_turned_off_and_then_nothing_is_asked() {
    let mut h = Harness::new(140, 40);
    h.connect_with_fixtures();
    h.char('i');
    h.char('i');
    let effects = h.char('i');
    assert_eq!(h.state.stats.interval_secs, 0);
    assert!(effects.contains(&Effect::Stream(Stream::StopStats)));
    let now = h.state.screen.now;
    assert!(
        !h.send(Msg::Tick { now: now + 100 }).iter().any(|e| matches!(e, Effect::Stream(Stream::StatsRound { .. })))
    );
    assert!(!h.render().contains("CPU"), "no CPU column when off");
}

#[test]
fn figures_show_and_the_list_sorts_by_them() {
    let mut h = Harness::new(140, 40);
    h.connect_with_fixtures();
    feed(&mut h, "hostile", 3, 1_000_000);
    feed(&mut h, "redis", 150, 50_000_000);
    feed(&mut h, "mysql", 40, 200_000_000);
    let screen = h.render();
    assert!(screen.contains("150.0%") && screen.contains("50.0MB"), "{screen}");
    // o: age -> name -> image -> state -> cpu.
    let mut saved = Vec::new();
    for _ in 0..4 {
        saved.extend(h.char('o'));
    }
    assert_eq!(h.state.containers.sort.key, SortKey::Cpu);
    assert!(saved.iter().any(|e| matches!(e, Effect::Local(Local::SaveSort { .. }))), "the sort is remembered");
    let order: Vec<String> = h.state.containers.list.visible().map(|c| c.name.clone()).take(3).collect();
    assert_eq!(order, ["redis", "mysql", "hostile"]);
    h.char('O');
    assert_eq!(h.state.containers.list.visible().last().unwrap().name, "redis");
    h.char('O');
    h.select_container("redis");
    insta::assert_snapshot!("stats_sorted_by_cpu", h.render());
}

/// `D` reads disk usage into a dialog of its own that fits 80x24 (the header held it
/// only at about 190 columns); the header then says the total.
#[test]
fn disk_usage_has_a_place_of_its_own_that_fits_80x24() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    assert_eq!(h.char('D'), vec![Effect::Read(Read::DiskUsage)]);
    assert!(h.render().contains("Reading disk usage"), "{}", h.render());
    h.key(crossterm::event::KeyCode::Esc);
    assert!(h.state.screen.modal.is_none());
    assert!(h.char('D').is_empty(), "one reading at a time");
    let usage = DiskUsage {
        images: 2_000_000_000,
        images_reclaimable: 500_000_000,
        containers: 1_000,
        volumes: 30_000_000,
        build_cache: 0,
        volume_sizes: Vec::new(),
    };
    h.send(Msg::Answer(Answer::DiskUsage(Ok(usage))));
    let screen = h.render();
    for figures in [["Images", "2.0GB", "500.0MB"], ["Containers", "1.0kB", "-"], ["Volumes", "30.0MB", "-"]] {
        let row = screen.lines().find(|l| l.contains(figures[0]) && l.contains(figures[1])).unwrap_or_default();
        assert!(figures.iter().all(|f| row.contains(f)), "{figures:?} not in {row:?}:\n{screen}");
    }
    assert!(screen.contains("Total") && screen.contains("2.0GB"), "{screen}");
    insta::assert_snapshot!("disk_usage_80x24", screen);
    h.char('q');
    assert!(h.state.screen.modal.is_none(), "any key closes it");
    assert!(!h.state.screen.quit, "and does nothing else");
    // The header says the total where it fits.
    let mut wide = Harness::new(120, 40);
    wide.connect_with_fixtures();
    wide.state.stats.disk = h.state.stats.disk.clone();
    let header = wide.render().lines().next().unwrap_or_default().to_string();
    assert!(header.trim_end().ends_with("disk 2.0GB (D)"), "{header}");
}

/// Each part of the header is shown whole or not at all: at 120 columns it never ends
/// in `disk usage:` without the key (the sort is kept before that hint), at 80 never in
/// `stats ever`.
#[test]
fn the_header_never_ends_in_a_part_cut_in_two() {
    for (width, last) in [(120, "sort age ↓ (o)"), (80, "images 3")] {
        let mut h = Harness::new(width, 24);
        h.connect_with_fixtures();
        let screen = h.render();
        let header = screen.lines().next().unwrap_or_default();
        assert!(header.trim_end().ends_with(last), "at {width} columns: {header:?}");
    }
}

#[test]
fn a_long_memory_figure_is_never_cut_by_its_chart() {
    let mut h = Harness::new(140, 40);
    h.connect_with_fixtures();
    h.select_container("redis");
    let id = id_of("redis");
    // 524.3kB of a 25.3GB limit: the longest figure, with its percentage.
    for (at, mem) in [(1_000, 524_300), (2_000, 524_300), (3_000, 600_000)] {
        let reading = StatsSample { mem_limit: 25_300_000_000, ..sample(at, at as u64 * 1000, mem) };
        h.send(Msg::Stream(Streamed::Stats { id: id.clone(), sample: reading }));
    }
    let screen = h.render();
    let line = screen.lines().find(|l| l.contains("MEM 6")).unwrap_or_else(|| panic!("{screen}"));
    assert!(line.contains("/ 25.3GB (0.0%) "), "{line}");
}

/// At 80x24 the selected container's stats keep a box of their own (it disappeared),
/// and IMAGE is readable: the PORTS column gives way to the ports pane below it.
#[test]
fn at_80x24_the_stats_box_stays_and_the_image_is_readable() {
    let mut h = Harness::new(80, 24);
    h.connect_with_fixtures();
    h.select_container("redis");
    feed(&mut h, "redis", 25, 300_000_000);
    feed(&mut h, "redis", 40, 310_000_000);
    let screen = h.render();
    assert!(screen.contains("Stats redis"), "no stats box:\n{screen}");
    assert!(screen.contains("CPU 40.0%"), "{screen}");
    assert!(screen.contains("MEM 310.0MB 29%"), "{screen}");
    let redis = screen.lines().find(|l| l.contains("▶redis")).unwrap_or_default();
    // 15 of 16 characters with CPU and MEM figures on screen (it was 3 or 4).
    assert!(redis.contains("wharf-test/redi"), "IMAGE cut: {redis:?}\n{screen}");
    insta::assert_snapshot!("stats_box_80x24", screen);
}
