//! Where each pane goes. A pure function of the terminal size, used both to draw and to
//! map mouse clicks to rows, so the two always agree.

use ratatui::layout::{Constraint, Layout, Position, Rect};

use crate::state::{AppState, Pane};

/// Below this size wharf shows a "window too small" notice instead of the panes.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenLayout {
    /// The big pane: containers or images.
    pub main: Rect,
    pub ports: Rect,
    pub env: Rect,
    pub logs: Rect,
    /// Stats and charts of the selected container (from 80 columns; else empty).
    pub stats: Rect,
    /// The one-line summary at the top (windows of 16 rows or more; else empty).
    pub header: Rect,
    /// The one-line status bar at the bottom.
    pub status: Rect,
}

impl ScreenLayout {
    /// The panes for a window size; `logs_zoomed` gives the log pane the whole body (the
    /// other panes get empty rectangles).
    pub fn compute(width: u16, height: u16, logs_zoomed: bool) -> Option<Self> {
        if width < MIN_WIDTH || height < MIN_HEIGHT {
            return None;
        }
        let area = Rect::new(0, 0, width, height);
        let header_rows = if height >= 16 { 1 } else { 0 };
        let [header, body, status] =
            Layout::vertical([Constraint::Length(header_rows), Constraint::Min(1), Constraint::Length(1)]).areas(area);
        let none = Rect::default();
        if logs_zoomed {
            return Some(Self { main: none, ports: none, env: none, logs: body, stats: none, header, status });
        }
        let (main, ports, env, logs);
        let mut stats = none;
        if width >= 100 {
            // Wide: containers on top; the selected container's stats, ports and env
            // beside the logs below.
            let [top, bottom] = Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
            let [details, right] =
                Layout::horizontal([Constraint::Percentage(36), Constraint::Percentage(64)]).areas(bottom);
            let details = if details.height >= 16 {
                let [s, rest] = Layout::vertical([Constraint::Length(5), Constraint::Min(1)]).areas(details);
                stats = s;
                rest
            } else {
                details
            };
            let [p, e] = Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(details);
            (main, ports, env, logs) = (top, p, e, right);
        } else {
            // Narrow: containers, then ports, env and stats side by side, then the logs.
            // The stats box keeps a place from 80 columns on (its 3 rows need the
            // middle row 5 high): CPU and memory over time are what a user watches.
            let [top, middle, bottom] =
                Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(25), Constraint::Percentage(35)])
                    .areas(body);
            let (p, e);
            if width >= 80 && middle.height >= 5 {
                let [pp, ee, s] = Layout::horizontal([
                    Constraint::Percentage(28),
                    Constraint::Percentage(36),
                    Constraint::Percentage(36),
                ])
                .areas(middle);
                (p, e, stats) = (pp, ee, s);
            } else {
                [p, e] = Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(middle);
            }
            (main, ports, env, logs) = (top, p, e, bottom);
        }
        Some(Self { main, ports, env, logs, stats, header, status })
    }

    /// The layout for the state's window size and zoom.
    pub fn of(state: &AppState) -> Option<Self> {
        Self::compute(state.screen.width, state.screen.height, bottom_zoomed(state))
    }

    /// The rectangle of a pane (the panes of the main place share one).
    pub fn rect_of(&self, pane: Pane) -> Rect {
        match pane {
            Pane::Ports => self.ports,
            Pane::Env => self.env,
            Pane::Logs | Pane::Console => self.logs,
            _ => self.main,
        }
    }

    /// Which pane's rectangle holds a point, given which pane the main area shows.
    pub fn pane_at(&self, x: u16, y: u16, main_pane: Pane) -> Option<Pane> {
        let p = Position::new(x, y);
        [(self.main, main_pane), (self.ports, Pane::Ports), (self.env, Pane::Env), (self.logs, Pane::Logs)]
            .into_iter()
            .find(|(rect, _)| rect.contains(p))
            .map(|(_, pane)| pane)
    }
}

/// The swarm place: services on top, the selected service's tasks below.
pub fn services_split(main: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(main)
}

/// Hosts side by side: the narrowest column a host gets before the sections are
/// stacked instead.
pub const HOST_COLUMN_MIN_WIDTH: u16 = 36;
/// Lines of a host's section above its containers: counts, CPU and memory, address;
/// in a low section, one line with the counts and figures; in a tiny one, none.
pub fn host_section_header_lines(section: Rect) -> u16 {
    match section.height.saturating_sub(2) {
        h if h >= 6 => 3,
        h if h >= 3 => 1,
        _ => 0,
    }
}

/// The sections of the hosts inside the hosts pane's inner area: columns side by side
/// when each is wide enough, else one under another, each as high as its `rows` (the
/// lines it has to show, borders included) ask for in proportion.
pub fn host_sections(inner: Rect, rows: &[usize]) -> Vec<Rect> {
    let n = u16::try_from(rows.len().max(1)).unwrap_or(u16::MAX);
    let sections = if inner.width / n >= HOST_COLUMN_MIN_WIDTH {
        Layout::horizontal(vec![Constraint::Ratio(1, u32::from(n)); usize::from(n)]).split(inner)
    } else {
        // A section of a few lines (a host's one-line note) gets them; the others
        // share the rest by what they hold.
        let wants = rows.iter().map(|r| match u16::try_from(*r).unwrap_or(u16::MAX) {
            small @ 0..=3 => Constraint::Length(small),
            lines => Constraint::Fill(lines),
        });
        Layout::vertical(wants.collect::<Vec<_>>()).split(inner)
    };
    sections.iter().copied().take(rows.len()).collect()
}

/// Where a section's container rows go (inside its border, under its header lines and
/// the table's header row).
pub fn host_section_rows(section: Rect) -> Rect {
    let inner = Rect::new(
        section.x.saturating_add(1),
        section.y.saturating_add(1),
        section.width.saturating_sub(2),
        section.height.saturating_sub(2),
    );
    let skip = (host_section_header_lines(section) + 1).min(inner.height);
    Rect::new(inner.x, inner.y + skip, inner.width, inner.height - skip)
}

/// The first of a section's rows on screen: 0, or further down so that the selected
/// row (`selected`, counted within the section) is drawn in `height` rows.
pub fn host_section_start(selected: Option<usize>, height: usize) -> usize {
    match selected {
        Some(s) if height > 0 && s >= height => s + 1 - height,
        _ => 0,
    }
}

/// Data rows a bordered table with a header row shows in `rect`.
pub fn table_rows(rect: Rect) -> usize {
    usize::from(rect.height.saturating_sub(3))
}

/// The data row (0-based, before scrolling) under screen row `y` of a bordered table
/// with a header in `rect`, if any.
pub fn table_row_at(rect: Rect, y: u16) -> Option<usize> {
    let first = rect.y + 2;
    let last_exclusive = rect.y + rect.height.saturating_sub(1);
    (y >= first && y < last_exclusive).then(|| usize::from(y - first))
}

/// Whether the pane in the log's place (the logs, or the console while it is shown)
/// has the whole screen.
pub fn bottom_zoomed(state: &AppState) -> bool {
    if state.console.shown { state.console.zoomed } else { state.logs.zoomed }
}
