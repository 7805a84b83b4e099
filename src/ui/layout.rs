//! Where each pane goes. A pure function of the terminal size, used both to draw and to
//! map mouse clicks to rows, so the two always agree.

use ratatui::layout::{Constraint, Layout, Position, Rect};

use crate::state::Pane;

/// Below this size wharf shows a "window too small" notice instead of the panes.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenLayout {
    /// The big pane: containers or images.
    pub main: Rect,
    pub ports: Rect,
    pub env: Rect,
    /// The one-line status bar at the bottom.
    pub status: Rect,
}

impl ScreenLayout {
    pub fn compute(width: u16, height: u16) -> Option<Self> {
        if width < MIN_WIDTH || height < MIN_HEIGHT {
            return None;
        }
        let area = Rect::new(0, 0, width, height);
        let [body, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        let [main, details] = Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body);
        let [ports, env] = Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(details);
        Some(Self { main, ports, env, status })
    }

    /// The rectangle of a pane (Containers and Images share the main one).
    pub fn rect_of(&self, pane: Pane) -> Rect {
        match pane {
            Pane::Containers | Pane::Images => self.main,
            Pane::Ports => self.ports,
            Pane::Env => self.env,
        }
    }

    /// Which pane's rectangle holds a point, given which pane the main area shows.
    pub fn pane_at(&self, x: u16, y: u16, main_pane: Pane) -> Option<Pane> {
        let p = Position::new(x, y);
        if self.main.contains(p) {
            Some(main_pane)
        } else if self.ports.contains(p) {
            Some(Pane::Ports)
        } else if self.env.contains(p) {
            Some(Pane::Env)
        } else {
            None
        }
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
