//! wharf's performance budget, measured (never asserted by timed tests): frame render
//! time with many rows and a full log buffer, the cost of `update()` for a list refresh,
//! and log ingest throughput (decode + sanitise + style + buffer). Run with
//! `cargo bench`; the figures are kept in BENCHMARKS.md.

// A benchmark fails loudly on a broken setup, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wharf::app::msg::Answer;
use wharf::app::msg::Msg;
use wharf::app::msg::Streamed;
use wharf::app::update::update;
use wharf::config::keymap::Keymap;

use wharf::logs::{LogDecoder, style_line};
use wharf::model::{ContainerDetails, ContainerRow, ContainerState, DaemonInfo, ImageRow, PortMapping, Protocol};
use wharf::state::{AppState, Pane, RequestId, Startup, StreamId};
use wharf::ui::theme::Theme;

fn containers(n: usize) -> Vec<ContainerRow> {
    (0..n)
        .map(|i| ContainerRow {
            id: format!("{i:064x}"),
            name: format!("service-{i}-worker"),
            image: format!("registry.example.com/team/app-{}:v{}", i % 37, i % 5),
            image_id: format!("sha256:{:064x}", i % 1000),
            state: if i % 3 == 0 { ContainerState::Exited } else { ContainerState::Running },
            status: format!("Up {} minutes", i % 59),
            // Listed a while ago: every row's text is aged on each frame, as on screen.
            status_age: wharf::model::StatusAge::parse(&format!("Up {} minutes", i % 59)).map(|mut age| {
                age.listed_at = 1_700_000_000;
                age
            }),
            created: 1_700_000_000 + i as i64,
            ports: vec![PortMapping {
                container_port: 8080,
                protocol: Protocol::Tcp,
                host_ip: "127.0.0.1".into(),
                host_port: Some(20_000 + i as u16),
            }],
            project: None,
            service: None,
            volumes: Vec::new(),
            networks: Vec::new(),
            health: None,
        })
        .collect()
}

fn images(n: usize) -> Vec<ImageRow> {
    (0..n)
        .map(|i| ImageRow {
            id: format!("sha256:{i:064x}"),
            tags: vec![format!("registry.example.com/team/app-{i}:latest")],
            size: 50_000_000 + i as i64,
            created: 1_700_000_000,
            containers: i % 3,
        })
        .collect()
}

/// A container list as the daemon sends it, `n` elements long.
fn container_list_json(n: usize) -> Vec<u8> {
    let captured: Vec<serde_json::Value> =
        serde_json::from_slice(include_bytes!("../tests/fixtures/containers.json")).expect("the fixture");
    let list: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut element = captured[i % captured.len()].clone();
            element["Id"] = format!("{i:064x}").into();
            element["Names"] = serde_json::json!([format!("/service-{i}")]);
            element
        })
        .collect();
    serde_json::to_vec(&list).expect("JSON")
}

fn state() -> AppState {
    let mut s = AppState::new("unix:///var/run/docker.sock", Startup::default(), 1_700_100_000);
    s.screen.width = 200;
    s.screen.height = 50;
    s
}

fn connected(keymap: &Keymap) -> AppState {
    connected_with(keymap, 1000)
}

/// Connected, with `n` containers and 1,000 images listed.
fn connected_with(keymap: &Keymap, n: usize) -> AppState {
    let mut s = state();
    let info = DaemonInfo {
        host: "unix:///var/run/docker.sock".into(),
        engine: "Docker Engine".into(),
        version: "1".into(),
        api_version: "1.41".into(),
        swarm: Default::default(),
    };
    let _ = update(&mut s, keymap, Msg::Connected(info));
    let _ =
        update(&mut s, keymap, Msg::Answer(Answer::Containers { request: RequestId(1), result: Ok(containers(n)) }));
    let _ = update(&mut s, keymap, Msg::Answer(Answer::Images { request: RequestId(2), result: Ok(images(1000)) }));
    s
}

/// Runs `f` until `budget` is spent (at least 10 times); returns the mean time per call.
fn measure(budget: Duration, mut f: impl FnMut()) -> Duration {
    let started = Instant::now();
    let mut runs = 0u32;
    while runs < 10 || started.elapsed() < budget {
        f();
        runs += 1;
    }
    started.elapsed() / runs
}

fn report(name: &str, per: Duration) {
    println!("{name:<58} {:>10.1} µs", per.as_secs_f64() * 1e6);
}

/// 100,000 log lines as a flooding container's multiplexed stream delivers them.
/// What `seq` prints, as the daemon sends it with timestamps: one frame per line.
fn plain_flood_bytes(lines: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..lines {
        let line = format!("2026-12-02T12:00:{:02}.{:09}Z {i}\n", i % 60, i);
        out.extend_from_slice(&[1, 0, 0, 0]);
        out.extend_from_slice(&(line.len() as u32).to_be_bytes());
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn flood_bytes(lines: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chunk = Vec::new();
    for i in 0..lines {
        chunk.extend_from_slice(
            format!(
                "2024-05-01 10:00:{:02} INFO \x1b[32mrequest\x1b[0m id={i} path=/api/v1/items status=200\n",
                i % 60
            )
            .as_bytes(),
        );
        if chunk.len() > 16 * 1024 {
            out.extend_from_slice(&[1, 0, 0, 0]);
            out.extend_from_slice(&(chunk.len() as u32).to_be_bytes());
            out.append(&mut chunk);
        }
    }
    out.extend_from_slice(&[1, 0, 0, 0]);
    out.extend_from_slice(&(chunk.len() as u32).to_be_bytes());
    out.append(&mut chunk);
    out
}

fn main() {
    let keymap = Keymap::default();
    let theme = Theme::default();
    let budget = Duration::from_secs(2);
    println!("wharf benchmarks (mean per operation)\n");

    // Rendering: the containers pane with 1,000 rows, then the images pane with 1,000.
    let mut s = connected(&keymap);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test backend");
    report(
        "render 200x50, 1,000 containers (containers pane)",
        measure(budget, || {
            terminal.draw(|f| wharf::ui::draw(f, black_box(&s), &keymap, &theme)).expect("draw");
        }),
    );
    s.screen.focus = Pane::Images;
    s.screen.main_pane = Pane::Images;
    report(
        "render 200x50, 1,000 images (images pane)",
        measure(budget, || {
            terminal.draw(|f| wharf::ui::draw(f, black_box(&s), &keymap, &theme)).expect("draw");
        }),
    );

    // update(): a full refresh of 1,000 containers (selection kept by id, images recounted).
    let rows = containers(1000);
    let mut s = connected(&keymap);
    report(
        "update(): container list refresh, 1,000 rows",
        measure(budget, || {
            s.refresh.requests.containers = Default::default();
            let request = s.refresh.requests.containers.want(&mut s.ids).expect("free");
            black_box(update(&mut s, &keymap, Msg::Answer(Answer::Containers { request, result: Ok(rows.clone()) })));
        }),
    );
    report("  (of which cloning the 1,000 input rows)", measure(budget, || drop(black_box(rows.clone()))));

    // Reading the daemon's list of 2,000 containers: the elements of a list captured
    // from a real daemon (tests/fixtures/containers.json), repeated with new ids.
    let list = container_list_json(2000);
    report(
        "convert the daemon's list of 2,000 containers (JSON to rows)",
        measure(budget, || {
            black_box(wharf::docker::convert::container_rows(black_box(&list)).expect("a list"));
        }),
    );

    // Sorting and filtering with 2,000 containers, a keystroke at a time as typed
    // (issue 20: under 2 ms a keystroke). `o` moves to the next column, so the mean is
    // over every column; a filter keystroke is measured as one typed and one erased.
    let mut s = connected_with(&keymap, 2000);
    let key = |code: KeyCode| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    report(
        "key `o` with 2,000 containers: sort by the next column",
        measure(budget, || {
            black_box(update(&mut s, &keymap, key(KeyCode::Char('o'))));
        }),
    );
    let _ = update(&mut s, &keymap, key(KeyCode::Char('/')));
    let _ = update(&mut s, &keymap, key(KeyCode::Char('4')));
    assert_eq!(s.containers.list.filter(), "4", "the bench types into the containers' filter");
    report(
        "a filter keystroke with 2,000 containers (typed or erased)",
        measure(budget, || {
            black_box(update(&mut s, &keymap, key(KeyCode::Char('2'))));
            black_box(update(&mut s, &keymap, key(KeyCode::Backspace)));
        }) / 2,
    );

    // Logs: ingest a flood through decode + style (the log task) and update (the UI task).
    let bytes = flood_bytes(100_000);
    let mut styled = Vec::with_capacity(100_000);
    let ingest = measure(budget, || {
        styled.clear();
        let mut decoder = LogDecoder::new(false);
        let mut raw = Vec::new();
        for chunk in bytes.chunks(32 * 1024) {
            decoder.feed(chunk, &mut raw);
            styled.extend(raw.drain(..).map(|r| style_line(r, 0, false)));
        }
    });
    report("log task: decode + sanitise + style 100,000 lines", ingest);
    println!("{:<58} {:>10.0} lines/s", "  throughput", 100_000.0 / ingest.as_secs_f64());

    // The same for plain lines as a flood prints them (`seq`), with the daemon's
    // timestamps, as wharf asks for them: the shortcut for printable ASCII.
    let plain = plain_flood_bytes(100_000);
    let mut styled_plain = Vec::with_capacity(100_000);
    let plain_ingest = measure(budget, || {
        styled_plain.clear();
        let mut decoder = LogDecoder::new(false);
        let mut raw = Vec::new();
        for chunk in plain.chunks(32 * 1024) {
            decoder.feed(chunk, &mut raw);
            styled_plain.extend(raw.drain(..).map(|r| style_line(r, 0, true)));
        }
    });
    report("log task: decode + style 100,000 plain timestamped lines", plain_ingest);
    println!("{:<58} {:>10.0} lines/s", "  throughput", 100_000.0 / plain_ingest.as_secs_f64());
    // A batch of 100,000 lines read at once when the pane keeps 10,000: all decoded,
    // only the newest 10,000 styled (the log task passes over the rest).
    let passed_over = measure(budget, || {
        styled_plain.clear();
        let mut decoder = LogDecoder::new(false);
        let mut raw = Vec::new();
        let mut pending = std::collections::VecDeque::new();
        for chunk in plain.chunks(32 * 1024) {
            decoder.feed(chunk, &mut raw);
            pending.extend(raw.drain(..));
            let excess = pending.len().saturating_sub(10_000);
            pending.drain(..excess);
        }
        styled_plain.extend(pending.drain(..).map(|r| style_line(r, 0, true)));
    });
    report("log task: 100,000 plain lines, the newest 10,000 styled", passed_over);
    println!("{:<58} {:>10.0} lines/s", "  throughput", 100_000.0 / passed_over.as_secs_f64());

    let mut s = connected(&keymap);
    s.containers.details.by_id.insert(s.containers.list.items()[0].id.clone(), ContainerDetails::default());
    let batches: Vec<Vec<_>> = styled.chunks(256).map(|c| c.to_vec()).collect();
    let ui_ingest = measure(budget, || {
        s.logs.sources = vec![wharf::state::LogSource {
            container_id: "x".into(),
            service: None,
            name: "x".into(),
            stream: Some(StreamId(1)),
            status: wharf::state::SourceStatus::Streaming,
        }];
        for batch in &batches {
            black_box(update(
                &mut s,
                &keymap,
                Msg::Stream(Streamed::LogLines { stream: StreamId(1), lines: batch.clone() }),
            ));
        }
    });
    report("UI task: update() with 100,000 lines in batches of 256", ui_ingest);
    println!("{:<58} {:>10.0} lines/s", "  throughput", 100_000.0 / ui_ingest.as_secs_f64());
    let kept: usize = s.logs.buffer.iter().map(|(_, l)| l.text.capacity() + std::mem::size_of_val(l)).sum();
    println!(
        "{:<58} {:>10} lines, ~{:.1} MiB",
        "  ring buffer after the flood (bounded)",
        s.logs.buffer.len(),
        kept as f64 / (1024.0 * 1024.0)
    );

    // Rendering with a full log buffer, following and zoomed.
    s.screen.focus = Pane::Logs;
    report(
        "render 200x50 with a full log buffer (following)",
        measure(budget, || {
            terminal.draw(|f| wharf::ui::draw(f, black_box(&s), &keymap, &theme)).expect("draw");
        }),
    );
    s.logs.zoomed = true;
    s.logs.set_filter("id=99", false);
    report(
        "render 200x50, logs zoomed, filter matching 1 line in 100",
        measure(budget, || {
            terminal.draw(|f| wharf::ui::draw(f, black_box(&s), &keymap, &theme)).expect("draw");
        }),
    );

    // Events: a burst into a full timeline (each event keeps the list bounded), then
    // the events pane drawn with it; the compose grouping of 1,000 containers.
    let mut s = connected(&keymap);
    let event = |i: usize| wharf::model::DaemonEvent {
        kind: wharf::model::EventKind::Container,
        action: "start".into(),
        id: format!("{i:064x}"),
        name: format!("service-{i}"),
        time: 1_700_100_000 + i as i64,
        exit_code: None,
        container: None,
    };
    for i in 0..wharf::state::TIMELINE_CAPACITY {
        s.objects.record(&event(i), None, None);
    }
    let mut i = 0;
    report(
        "timeline: one event into a full timeline (1,000 kept)",
        measure(budget, || {
            i += 1;
            s.objects.record(black_box(&event(i)), None, None);
        }),
    );
    s.screen.focus = Pane::Events;
    s.screen.main_pane = Pane::Events;
    report(
        "render 200x50, events pane with 1,000 events",
        measure(budget, || {
            terminal.draw(|f| wharf::ui::draw(f, black_box(&s), &keymap, &theme)).expect("draw");
        }),
    );
    let mut s = connected(&keymap);
    let mut grouped = containers(1000);
    for (i, c) in grouped.iter_mut().enumerate() {
        c.project = Some(format!("project-{}", i % 50));
        c.service = Some(format!("svc-{}", i % 7));
    }
    s.containers.list.set_items(grouped);
    s.containers.group_projects = true;
    report(
        "render 200x50, 1,000 containers in 50 compose projects",
        measure(budget, || {
            terminal.draw(|f| wharf::ui::draw(f, black_box(&s), &keymap, &theme)).expect("draw");
        }),
    );
}
