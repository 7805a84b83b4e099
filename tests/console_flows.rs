//! The console through `update()` and on screen: which effects keys produce, the detach
//! prefix, resizes, and the pane drawn from recorded byte streams.

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, buffer_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wharf::app::effect::Effect;
use wharf::app::effect::{Change, Stream};
use wharf::app::msg::Msg;
use wharf::app::msg::Streamed;
use wharf::state::{Console, ConsoleStatus, ConsoleTarget, Pane, SessionId};
use wharf::ui::console::ScreenWidget;

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// A harness with a console open on redis; returns the session and the TTY size asked.
fn console_on_redis() -> (Harness, SessionId, (u16, u16)) {
    let mut h = Harness::new(120, 36);
    h.connect_with_fixtures();
    h.select_container("redis");
    let effects = h.char('e');
    let open = effects.iter().find_map(|e| match e {
        Effect::Change(Change::OpenConsole { session, target, cols, rows, .. }) => {
            Some((*session, target.clone(), (*cols, *rows)))
        }
        _ => None,
    });
    let (session, target, size) = open.expect("a console opens");
    assert_eq!(target, ConsoleTarget::Exec { commands: vec![vec!["bash".into()], vec!["sh".into()]] });
    h.send(Msg::Stream(Streamed::ConsoleStarted { session, label: "bash".into() }));
    (h, session, size)
}

fn inputs(effects: &[Effect]) -> Vec<Vec<u8>> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Stream(Stream::ConsoleInput { bytes, .. }) => Some(bytes.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_tty_is_the_size_of_the_pane_and_follows_it() {
    let (mut h, session, size) = console_on_redis();
    // 120x36 window: the log pane's place is 64% of 120 wide, 55% of the body high.
    let layout = wharf::layout::ScreenLayout::of(&h.state).unwrap();
    assert_eq!(size, (layout.logs.width - 2, layout.logs.height - 2));
    let effects = h.send(Msg::Resize { width: 160, height: 50 });
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Stream(Stream::ConsoleResize { session: s, .. }) if *s == session)),
        "{effects:?}"
    );
    // The zoom makes it full-screen, and the size follows.
    h.send(ctrl(']'));
    let effects = h.char('z');
    // Full screen: the whole window but the header, the status line and the borders.
    assert_eq!(effects, vec![Effect::Stream(Stream::ConsoleResize { session, cols: 160 - 2, rows: 50 - 2 - 2 })]);
}

#[test]
fn keys_go_to_the_container_and_ctrl_c_does_not_quit() {
    let (mut h, _, _) = console_on_redis();
    let mut typed = Vec::new();
    for c in "ls".chars() {
        typed.extend(inputs(&h.char(c)));
    }
    typed.extend(inputs(&h.key(KeyCode::Enter)));
    typed.extend(inputs(&h.send(ctrl('c'))));
    typed.extend(inputs(&h.key(KeyCode::Up)));
    assert_eq!(typed, vec![b"l".to_vec(), b"s".to_vec(), b"\r".to_vec(), b"\x03".to_vec(), b"\x1b[A".to_vec()]);
    assert!(!h.state.screen.quit, "Ctrl-C interrupts in the container, it does not quit wharf");
    // q, ? and the other dashboard keys are just text here.
    assert_eq!(inputs(&h.char('q')), vec![b"q".to_vec()]);
    assert!(!h.state.screen.quit);
    // A paste goes in, bracketed when the shell asked for it.
    assert_eq!(inputs(&h.send(Msg::Paste("echo hi\n".into()))), vec![b"echo hi\r".to_vec()]);
}

#[test]
fn the_prefix_detaches_and_coming_back_finds_the_same_session() {
    let (mut h, session, _) = console_on_redis();
    assert!(h.send(ctrl(']')).is_empty(), "the prefix alone sends nothing");
    assert!(h.state.console.prefix_pending);
    insta::assert_snapshot!("console_prefix_pending", h.render());
    h.char('d');
    assert!(!h.state.console.shown);
    assert_eq!(h.state.screen.focus, Pane::Containers);
    assert!(h.state.console.session.as_ref().unwrap().status.is_live(), "the session keeps running");
    let effects = h.char('e');
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Change(Change::OpenConsole { .. }))),
        "no new session: {effects:?}"
    );
    assert!(h.state.console.shown);
    assert_eq!(h.state.screen.focus, Pane::Console);
    // The prefix twice sends it literally.
    h.send(ctrl(']'));
    assert_eq!(inputs(&h.send(ctrl(']'))), vec![vec![0x1d]]);
    // And x closes the session.
    h.send(ctrl(']'));
    assert_eq!(h.char('x'), vec![Effect::Stream(Stream::CloseConsole { session })]);
    assert!(h.state.console.session.is_none());
}

#[test]
fn a_console_needs_a_running_container() {
    let mut h = Harness::new(120, 36);
    h.connect_with_fixtures();
    h.select_container("finished");
    assert!(h.char('e').is_empty());
    assert!(h.render().contains("cannot open a console: finished is not running"));
}

#[test]
fn output_is_drawn_and_the_end_shows_the_exit_code() {
    let (mut h, session, _) = console_on_redis();
    h.send(Msg::Stream(Streamed::ConsoleOutput {
        session,
        bytes: b"root@redis:/# echo \x1b[1;32mhello\x1b[0m\r\nhello\r\nroot@redis:/# exit 7\r\n".to_vec(),
    }));
    h.send(Msg::Stream(Streamed::ConsoleEnded { session, exit_code: Some(7), error: None }));
    assert_eq!(h.state.console.session.as_ref().unwrap().status, ConsoleStatus::Exited(7));
    let screen = h.render();
    assert!(screen.contains("[exited: 7]"), "{screen}");
    insta::assert_snapshot!("console_exited", screen);
    // Enter closes an ended session's pane.
    h.key(KeyCode::Enter);
    assert!(!h.state.console.shown);
}

/// Draws a console fed with `bytes` into a `cols` x `rows` buffer.
fn draw(bytes: &[u8], cols: u16, rows: u16) -> (String, ratatui::buffer::Buffer) {
    let mut console = Console::new(SessionId(1), "id".into(), "name".into(), "sh".into(), (cols, rows));
    console.feed(bytes);
    let mut terminal = Terminal::new(TestBackend::new(cols, rows)).unwrap();
    terminal.draw(|f| f.render_widget(ScreenWidget { console: &console }, f.area())).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (buffer_text(&buffer), buffer)
}

#[test]
fn recorded_streams_render_colours_full_screen_frames_and_wide_glyphs() {
    // Colours and attributes.
    let (text, buffer) =
        draw(b"\x1b[31mred\x1b[0m \x1b[1;4mbold-under\x1b[0m \x1b[7minv\x1b[0m \x1b[38;5;208m208\x1b[m", 40, 3);
    insta::assert_snapshot!("console_colours", text);
    assert_eq!(buffer[(0, 0)].fg, ratatui::style::Color::Indexed(1));
    assert!(buffer[(4, 0)].modifier.contains(ratatui::style::Modifier::BOLD | ratatui::style::Modifier::UNDERLINED));
    assert!(buffer[(15, 0)].modifier.contains(ratatui::style::Modifier::REVERSED));

    // A full-screen program's frame (alternate screen, cursor moves, clear), as top draws.
    let frame = b"\x1b[?1049h\x1b[H\x1b[2JMem: 100K used\x1b[2;1HCPU:  3% usr\x1b[4;1H\x1b[7m  PID USER  COMMAND \x1b[0m\x1b[5;1H    1 root  sleep\x1b[6;1H   22 root  top";
    let (text, _) = draw(frame, 30, 8);
    insta::assert_snapshot!("console_full_screen_frame", text);

    // Wide glyphs keep their columns, also across the last column.
    let (text, _) = draw("日本語 ok\r\n🐳🐳🐳🐳🐳".as_bytes(), 9, 3);
    insta::assert_snapshot!("console_wide_glyphs", text);

    // A one-column pane.
    let (text, _) = draw("abc 日本 \x1b[31mz".as_bytes(), 1, 4);
    insta::assert_snapshot!("console_one_column", text);
}

#[test]
fn hostile_output_stays_inside_the_emulator() {
    let hostile: &[u8] =
        b"\x1b]2;pwned\x07\x1b]52;c;aGk=\x07\x1b[6n\x1b[c\x1b[?1000h\x1b[?2004hsafe\x1bP+q544e\x1b\\\x9b31m";
    let (text, buffer) = draw(hostile, 30, 2);
    // Everything but the text is taken by the emulator; a raw 8-bit C1 byte is not
    // UTF-8, so it is dropped and what followed it shows as plain, inert text.
    let first = text.lines().next().unwrap().trim();
    assert_eq!(first, "safe31m");
    assert!(!text.contains("pwned") && !text.contains("52;"), "{text}");
    for cell in buffer.content() {
        assert!(!cell.symbol().chars().any(|c| c.is_control()), "control character in a cell: {:?}", cell.symbol());
    }
}

#[test]
fn shells_and_the_prefix_come_from_the_config() {
    let mut h = Harness::new(120, 36);
    h.state.console.config.shells_by_container.insert("redis".into(), vec![vec!["redis-cli".into()]]);
    h.state.console.config.prefix = 'b';
    h.connect_with_fixtures();
    h.select_container("redis");
    let effects = h.char('e');
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Change(Change::OpenConsole { target: ConsoleTarget::Exec { commands }, .. })
            if *commands == vec![vec!["redis-cli".to_string()]])),
        "{effects:?}"
    );
    assert!(h.render().contains("Ctrl-b d detach"));
    // Ctrl-] is an ordinary key now; Ctrl-b is the prefix.
    assert_eq!(inputs(&h.send(ctrl(']'))), vec![vec![0x1d]]);
    assert!(h.send(ctrl('b')).is_empty());
    assert_eq!(inputs(&h.send(ctrl('b'))), vec![vec![0x02]]);
}

#[test]
fn a_custom_command_opens_in_the_console() {
    let mut h = Harness::new(120, 36);
    h.connect_with_fixtures();
    h.select_container("redis");
    h.char('E');
    h.type_text("sh -c 'top -b'");
    let effects = h.key(KeyCode::Enter);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Change(Change::OpenConsole { target: ConsoleTarget::Exec { commands }, .. })
            if *commands == vec![vec!["sh".to_string(), "-c".into(), "top -b".into()]])),
        "{effects:?}"
    );
}

#[test]
fn coming_back_after_a_resize_while_detached_resizes_the_tty() {
    let (mut h, session, size) = console_on_redis();
    h.send(ctrl(']'));
    h.char('d');
    h.send(Msg::Resize { width: 160, height: 50 });
    let effects = h.char('e');
    let resized = effects.iter().find_map(|e| match e {
        Effect::Stream(Stream::ConsoleResize { session: s, cols, rows }) if *s == session => Some((*cols, *rows)),
        _ => None,
    });
    assert!(resized.is_some_and(|r| r != size), "the TTY follows the pane on return: {effects:?}");
}

#[test]
fn the_wheel_over_the_console_scrolls_its_scrollback() {
    let (mut h, session, _) = console_on_redis();
    let text: String = (0..200).map(|i| format!("line {i}\r\n")).collect();
    h.send(Msg::Stream(Streamed::ConsoleOutput { session, bytes: text.into_bytes() }));
    let layout = wharf::layout::ScreenLayout::of(&h.state).unwrap();
    let wheel = crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::ScrollUp,
        column: layout.logs.x + 5,
        row: layout.logs.y + 5,
        modifiers: KeyModifiers::NONE,
    };
    h.send(Msg::Mouse(wheel));
    assert!(h.state.console.session.as_ref().unwrap().scrollback > 0);
    assert!(h.state.logs.follow, "the hidden log pane is untouched");
}

/// Sends the answer to the containers read among `effects`, with `rows`; when the read
/// waits out the rest after the last list (lists are coalesced), the rest ends first.
fn list_with(h: &mut Harness, effects: Vec<Effect>, rows: Vec<wharf::model::ContainerRow>) -> Vec<Effect> {
    let read = |effects: &[Effect]| {
        effects.iter().find_map(|e| match e {
            Effect::Read(wharf::app::effect::Read::Containers { request }) => Some(*request),
            _ => None,
        })
    };
    let request = read(&effects).or_else(|| read(&h.send(Msg::ListRested))).expect("a containers read");
    h.send(Msg::Answer(wharf::app::msg::Answer::Containers { request, result: Ok(rows) }))
}

fn container_event(action: &str, id: &str) -> Msg {
    Msg::DaemonEvent(wharf::model::DaemonEvent {
        kind: wharf::model::EventKind::Container,
        action: action.into(),
        id: id.into(),
        ..Default::default()
    })
}

/// The ubuntu preset (`--rm -it`) as `docker run --rm -it` does it: the console opens
/// attached to the new container as soon as it runs, keys go to it, and when its shell
/// exits the status line says how, the pane returns to the list, and the container
/// leaving the list is no news from "another client".
#[test]
fn an_rm_it_launch_lands_in_its_console_and_says_how_it_ended() {
    let mut h = Harness::new(120, 36);
    h.connect_with_fixtures();
    h.char('p');
    let effects = h.char('3');
    let (request, attach) = effects
        .iter()
        .find_map(|e| match e {
            Effect::Change(Change::Launch { request, spec, attach }) => {
                assert!(spec.auto_remove && spec.interactive_tty, "{spec:?}");
                Some((*request, attach.expect("-it attaches at once")))
            }
            _ => None,
        })
        .expect("a launch");
    assert!(attach.cols > 10 && attach.rows > 5, "the TTY starts at the pane's size: {attach:?}");
    assert!(h.state.console.session.is_none(), "no console before the container exists");
    let id = "c0ffee00c0ffee00c0ffee00".to_string();
    let effects = h.send(Msg::Done(wharf::app::msg::Done::Launch { request, result: Ok(id.clone()) }));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Change(Change::OpenConsole { .. }))), "already attached");
    assert_eq!(h.state.screen.focus, Pane::Console, "keys go to the container at once");
    let session = attach.session;
    h.send(Msg::Stream(Streamed::ConsoleStarted { session, label: "attach".into() }));
    h.send(Msg::Stream(Streamed::ConsoleOutput { session, bytes: b"root@c0ffee00c0ff:/# ".to_vec() }));
    assert!(h.render().contains("Console c0ffee00c0ff (attach)"), "{}", h.render());
    let typed = h.char('l');
    assert_eq!(typed, vec![Effect::Stream(Stream::ConsoleInput { session, bytes: b"l".to_vec() })]);

    // The container is listed (and selected, being the one launched).
    let mut row = common::containers()[0].clone();
    row.id = id.clone();
    row.name = "c0ffee00c0ff-name".into();
    let mut with_it = common::containers();
    with_it.push(row);
    let effects = h.send(container_event("start", &id));
    let reads = list_with(&mut h, effects, with_it).into_iter().filter(|e| matches!(e, Effect::Read(_))).collect();
    h.answer(reads);
    assert_eq!(h.state.selected_container().map(|c| c.id.as_str()), Some(id.as_str()));
    // `exit`: the shell ends, --rm removes the container, the daemon says so.
    h.send(Msg::Stream(Streamed::ConsoleEnded { session, exit_code: Some(0), error: None }));
    let screen = h.render();
    assert!(screen.contains("c0ffee00c0ff exited 0 and was removed (--rm)"), "{screen}");
    assert!(!screen.contains("Console "), "no pane for a container that is no more:\n{screen}");
    assert!(h.state.console.session.is_none());
    assert_eq!(h.state.screen.focus, Pane::Containers);
    let effects = h.send(container_event("destroy", &id));
    list_with(&mut h, effects, common::containers());
    assert_ne!(h.state.selected_container().map(|c| c.id.as_str()), Some(id.as_str()), "it left the list");
    let screen = h.render();
    assert!(!screen.contains("another client"), "{screen}");
    assert!(screen.contains("exited 0 and was removed (--rm)"), "{screen}");
}

/// `-itd` (the form's third choice, or a preset's `detach`) runs in the background.
#[test]
fn an_itd_launch_does_not_attach() {
    let mut h = Harness::new(120, 36);
    h.connect_with_fixtures();
    h.char('p');
    h.char('j');
    h.char('j');
    h.char('e');
    // The -it choice: off -> -it -> -itd.
    while h.state.screen.modal.as_ref().is_some_and(|m| match m {
        wharf::state::Modal::Launch(f) => f.focus != wharf::launch::Field::InteractiveTty,
        _ => false,
    }) {
        h.key(KeyCode::Tab);
    }
    h.char(' ');
    let effects = h.ctrl('s');
    let attach = effects.iter().find_map(|e| match e {
        Effect::Change(Change::Launch { spec, attach, .. }) => Some((spec.interactive_tty, *attach)),
        _ => None,
    });
    assert_eq!(attach, Some((true, None)), "{effects:?}");
}

/// `T` on redis (published on 127.0.0.1 only): a `--rm -it` client sharing redis's
/// network opens attached at once, and says where redis is.
#[test]
fn t_opens_a_throw_away_client_beside_the_service_that_says_how_to_reach_it() {
    let mut h = Harness::new(120, 36);
    h.connect_with_fixtures();
    h.select_container("finished");
    h.char('T');
    assert!(h.render().contains("finished is not running"), "{}", h.render());
    h.select_container("redis");
    let effects = h.char('T');
    let (request, spec, attach) = effects
        .iter()
        .find_map(|e| match e {
            Effect::Change(Change::Launch { request, spec, attach }) => Some((*request, spec.clone(), *attach)),
            _ => None,
        })
        .expect("a launch");
    assert_eq!(spec.image, "busybox:latest", "the default client image (console.client_image)");
    assert_eq!(spec.network.as_deref(), Some("container:redis"));
    assert!(spec.ports.is_empty() && spec.auto_remove && spec.interactive_tty);
    assert_eq!(spec.name.as_deref(), Some("redis-client"));
    let session = attach.expect("attached at once").session;
    assert!(h.render().contains("opening a client beside redis…"));
    h.send(Msg::Done(wharf::app::msg::Done::Launch { request, result: Ok("c11e47c11e47c11e47".into()) }));
    h.send(Msg::Stream(Streamed::ConsoleStarted { session, label: "attach".into() }));
    h.send(Msg::Stream(Streamed::ConsoleOutput {
        session,
        bytes: b"reach redis at 127.0.0.1:6379 (e.g. nc 127.0.0.1 6379)\r\n/ # ".to_vec(),
    }));
    assert_eq!(h.state.screen.focus, Pane::Console);
    insta::assert_snapshot!("throw_away_client", h.render());
    assert!(h.render().contains("Console redis-client (attach) · reach redis at 127.0.0.1:6379"), "{}", h.render());
    h.send(Msg::Stream(Streamed::ConsoleEnded { session, exit_code: Some(130), error: None }));
    assert!(h.render().contains("redis-client exited 130 and was removed (--rm)"), "{}", h.render());
}

/// From the form: `-it` chosen, the form closes on the launch's answer and its console
/// has the keys; a launch that fails leaves no console behind and keeps the form.
#[test]
fn an_it_launch_from_the_form_opens_its_console_or_keeps_the_form() {
    let mut h = Harness::new(120, 36);
    h.connect_with_fixtures();
    h.char('n');
    for c in "wharf-test/busybox".chars() {
        h.char(c);
    }
    while h.state.screen.modal.as_ref().is_some_and(|m| match m {
        wharf::state::Modal::Launch(f) => f.focus != wharf::launch::Field::InteractiveTty,
        _ => false,
    }) {
        h.key(KeyCode::Tab);
    }
    h.char(' ');
    let launch = |effects: Vec<Effect>| {
        effects
            .iter()
            .find_map(|e| match e {
                Effect::Change(Change::Launch { request, attach: Some(attach), .. }) => Some((*request, *attach)),
                _ => None,
            })
            .expect("an attached launch")
    };
    let (request, _) = launch(h.ctrl('s'));
    let refused = wharf::model::DaemonError::new(wharf::model::DaemonErrorKind::Api, "no such image");
    h.send(Msg::Done(wharf::app::msg::Done::Launch { request, result: Err(refused) }));
    assert!(h.state.console.session.is_none(), "no console for a container that is not there");
    assert!(matches!(h.state.screen.modal, Some(wharf::state::Modal::Launch(_))), "the form stays");
    let (request, attach) = launch(h.ctrl('s'));
    h.send(Msg::Done(wharf::app::msg::Done::Launch { request, result: Ok("feedfeedfeedfeed".into()) }));
    assert!(h.state.screen.modal.is_none(), "the form closed");
    assert_eq!(h.state.console.session.as_ref().map(|s| s.id), Some(attach.session));
    assert_eq!(h.state.screen.focus, Pane::Console);
}
