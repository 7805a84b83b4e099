//! Shared by the integration tests: captured daemon answers (tests/fixtures, recorded
//! from Docker Engine 20.10 / API 1.41) and a harness that drives `update` and renders
//! the screen the way the event loop does.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wharf::app::effect::Effect;
use wharf::app::effect::{Local, Read, Stream};
use wharf::app::msg::Answer;
use wharf::app::msg::Msg;
use wharf::app::update::update;
use wharf::config::keymap::Keymap;

use wharf::docker::convert;
use wharf::model::{ContainerDetails, ContainerRow, DaemonInfo, ImageRow};
use wharf::state::{AppState, Startup};
use wharf::ui::theme::Theme;

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn containers() -> Vec<ContainerRow> {
    convert::container_rows(fixture("containers.json").as_bytes()).unwrap()
}

pub fn images() -> Vec<ImageRow> {
    convert::image_rows(fixture("images.json").as_bytes()).unwrap()
}

pub fn inspect(name: &str) -> ContainerDetails {
    convert::container_details(fixture(&format!("inspect-{name}.json")).as_bytes()).unwrap()
}

pub fn daemon_info() -> DaemonInfo {
    DaemonInfo {
        host: "unix:///var/run/docker.sock".into(),
        engine: "Docker Engine".into(),
        version: "20.10.24+dfsg1".into(),
        api_version: "1.41".into(),
        swarm: Default::default(),
    }
}

/// A fixed "now" an hour after the newest fixture, so ages in snapshots never change.
pub fn fixture_now() -> i64 {
    containers().iter().map(|c| c.created).max().unwrap_or(0) + 3600
}

pub struct Harness {
    /// Log stream effects seen by `answer`, in order.
    pub log_effects: Vec<Effect>,
    pub state: AppState,
    pub keymap: Keymap,
    pub theme: Theme,
}

impl Harness {
    pub fn new(width: u16, height: u16) -> Self {
        let mut state = AppState::new("unix:///var/run/docker.sock", Startup::default(), fixture_now());
        state.screen.width = width;
        state.screen.height = height;
        Self { log_effects: Vec::new(), state, keymap: Keymap::default(), theme: Theme::default() }
    }

    pub fn send(&mut self, msg: Msg) -> Vec<Effect> {
        update(&mut self.state, &self.keymap, msg)
    }

    pub fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    pub fn char(&mut self, c: char) -> Vec<Effect> {
        self.key(KeyCode::Char(c))
    }

    pub fn ctrl(&mut self, c: char) -> Vec<Effect> {
        self.send(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))
    }

    pub fn select_container(&mut self, name: &str) {
        let effects = self.char('g');
        self.answer(effects);
        for _ in 0..self.state.containers.list.len() {
            if self.state.selected_container().is_some_and(|c| c.name == name) {
                return;
            }
            let effects = self.char('j');
            self.answer(effects);
        }
        panic!("no container named {name}");
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.char(c);
        }
    }

    /// Connects and answers the first list requests and inspects with the fixtures,
    /// the way the daemon would.
    pub fn connect_with_fixtures(&mut self) {
        let effects = self.send(Msg::Connected(daemon_info()));
        self.answer(effects);
    }

    /// Answers effects from the fixtures until none are left.
    pub fn answer(&mut self, mut effects: Vec<Effect>) {
        while let Some(effect) = effects.pop() {
            let msg = match effect.clone() {
                Effect::Read(Read::Containers { request }) => {
                    Msg::Answer(Answer::Containers { request, result: Ok(containers()) })
                }
                Effect::Read(Read::Images { request }) => Msg::Answer(Answer::Images { request, result: Ok(images()) }),
                Effect::Read(Read::Container { request, id }) => {
                    let name = containers().into_iter().find(|c| c.id == id).map(|c| c.name).unwrap_or_default();
                    let details = if std::path::Path::new(&format!(
                        "{}/tests/fixtures/inspect-{name}.json",
                        env!("CARGO_MANIFEST_DIR")
                    ))
                    .exists()
                    {
                        inspect(&name)
                    } else {
                        ContainerDetails { id: id.clone(), ..Default::default() }
                    };
                    Msg::Answer(Answer::Container { request, id, result: Ok(details) })
                }
                // Log streams stay open and silent; tests that want lines send them.
                Effect::Stream(Stream::FollowLogs { .. }) | Effect::Stream(Stream::StopLogs { .. }) => {
                    self.log_effects.push(effect);
                    continue;
                }
                // Stats streams stay open and silent too; tests send readings.
                Effect::Stream(Stream::Stats { .. }) | Effect::Stream(Stream::StopStats) => continue,
                // The settling list after events: tests that want it send `Msg::Settle`.
                Effect::Local(Local::Settle { .. }) => continue,
                // The rest between container lists passes at once here.
                Effect::Local(Local::ListRest { .. }) => Msg::ListRested,
                // Effects that change things are the test's to answer.
                other => panic!("answer() only answers reads; the test must handle {other:?}"),
            };
            effects.extend(self.send(msg));
        }
    }

    pub fn render(&self) -> String {
        buffer_text(&self.render_buffer())
    }

    /// The drawn cells, with their styles.
    #[allow(dead_code)]
    pub fn render_buffer(&self) -> ratatui::buffer::Buffer {
        let backend = TestBackend::new(self.state.screen.width, self.state.screen.height);
        let mut terminal = Terminal::new(backend).unwrap();
        terminal.draw(|frame| wharf::ui::draw(frame, &self.state, &self.keymap, &self.theme)).unwrap();
        terminal.backend().buffer().clone()
    }
}

/// The screen as text, one line per row, trailing spaces trimmed.
pub fn buffer_text(buffer: &ratatui::buffer::Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            // A wide glyph covers the cells after it; those hold a placeholder.
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
