//! A pull's progress, as the launch form and the pull prompt show it: the total on a
//! gauge, then a row per layer (id, state, bytes), like `docker pull` prints them.
//! Layers that still move come first; done ones follow as room allows, and a last row
//! counts the ones that did not fit, so no layer vanishes without a trace.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Gauge, Paragraph};

use super::format::size;
use super::theme::Theme;
use crate::model::PullProgress;
use crate::state::PullStatus;

/// The rows `pull` would like: the total, and one per layer up to `max_layers`.
pub fn wanted_height(pull: &PullStatus, max_layers: usize) -> u16 {
    let layers = pull.layers().count().min(max_layers);
    u16::try_from(1 + layers).unwrap_or(u16::MAX)
}

pub fn draw(frame: &mut Frame, rect: Rect, pull: &PullStatus, theme: &Theme) {
    if rect.height == 0 {
        return;
    }
    let (done, known) = pull.layers_done();
    let (current, total) = pull.bytes();
    let label = if known == 0 {
        format!("checking the image… {}", pull.last_status)
    } else if total > 0 {
        format!("pulling: {done}/{known} layers, {} of {}", size(current as i64), size(total as i64))
    } else {
        format!("pulling: {done}/{known} layers")
    };
    let gauge = Gauge::default().gauge_style(theme.ok).ratio(pull.ratio().clamp(0.0, 1.0)).label(label);
    frame.render_widget(gauge, Rect { height: 1, ..rect });

    let room = usize::from(rect.height - 1);
    if room == 0 {
        return;
    }
    let mut layers: Vec<(&str, &PullProgress)> = pull.layers().collect();
    // Stable: moving layers first, each group in the daemon's order.
    layers.sort_by_key(|(_, p)| PullStatus::is_done(p));
    let shown = if layers.len() > room { room - 1 } else { layers.len() };
    let mut lines: Vec<Line> = layers.iter().take(shown).map(|(id, p)| layer_line(id, p, theme)).collect();
    let hidden = &layers[shown..];
    if !hidden.is_empty() {
        let hidden_done = hidden.iter().filter(|(_, p)| PullStatus::is_done(p)).count();
        lines.push(Line::styled(format!("  … {} more layers ({hidden_done} done)", hidden.len()), theme.dim));
    }
    frame.render_widget(Paragraph::new(lines), Rect { y: rect.y + 1, height: rect.height - 1, ..rect });
}

/// `  a1b2c3d4e5f6  Downloading         3.0MB / 10.0MB`
fn layer_line(id: &str, p: &PullProgress, theme: &Theme) -> Line<'static> {
    let short: String = id.chars().take(12).collect();
    let bytes = match (p.total > 0, PullStatus::is_done(p)) {
        (false, _) => String::new(),
        (true, true) => size(p.total as i64),
        (true, false) => format!("{} / {}", size(p.current.min(p.total) as i64), size(p.total as i64)),
    };
    let style = if PullStatus::is_done(p) { theme.dim } else { theme.title };
    Line::styled(format!("  {short:<12}  {:<18}  {bytes}", p.status), style)
}
