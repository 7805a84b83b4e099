//! The header (the daemon at a glance) and the selected container's stats and charts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Sparkline};
use unicode_width::UnicodeWidthStr;

use super::format::size;
use super::theme::Theme;
use crate::config::keymap::{Action, Keymap};
use crate::model::ContainerState;
use crate::state::{AppState, Preview};

/// `wharf │ containers 12 ● 8 running … │ images 15 │ stats every 5s (i) │ sort … │ disk`.
/// Parts that do not fit the width are left out whole, the least needed first: the
/// line never ends in a part cut in two (`disk usage:` with no key after it).
pub fn draw_header(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let rows = state.containers.list.items();
    let running = rows.iter().filter(|c| c.state.is_running()).count();
    let paused = rows.iter().filter(|c| c.state == ContainerState::Paused).count();
    let stopped = rows.len() - running - paused;
    // Hints name the keys in force (the user may have rebound them).
    let hint = |action| keymap.label_of(action).map(|k| format!(" ({k})")).unwrap_or_default();
    // (how much it is needed: lower is kept longer, the spans)
    let counts = if state.refresh.preview == Preview::Head {
        // Only the newest are read yet: counts by state would be the head's, not the daemon's.
        vec![Span::raw(format!("containers {}+ ", rows.len())), Span::styled("listing…", theme.dim)]
    } else {
        vec![
            Span::raw(format!("containers {} ", rows.len())),
            Span::styled(format!("● {running} running "), theme.ok),
            Span::styled(format!("‖ {paused} paused "), theme.warn),
            Span::styled(format!("■ {stopped} stopped"), theme.dim),
        ]
    };
    let mut parts: Vec<(u8, Vec<Span>)> = vec![(0, counts)];
    parts.push((2, vec![Span::raw(format!("images {}", state.images.items().len()))]));
    parts.push((
        4,
        vec![match state.stats.interval_secs {
            0 => Span::styled(format!("stats off{}", hint(Action::StatsInterval)), theme.dim),
            n => Span::raw(format!("stats every {n}s{}", hint(Action::StatsInterval))),
        }],
    ));
    let arrow = if state.containers.sort.reverse { "↑" } else { "↓" };
    let sort = format!("sort {} {arrow}{}", state.containers.sort.key.label(), hint(Action::SortNext));
    parts.push((5, vec![Span::raw(sort)]));
    // The total on disk; the whole reading is in its own dialog (the key opens it).
    match (&state.stats.disk, keymap.label_of(Action::DiskUsage)) {
        (Some(d), key) => {
            let total = d.total();
            let key = key.map(|k| format!(" ({k})")).unwrap_or_default();
            parts.push((1, vec![Span::raw(format!("disk {}{key}", size(total)))]));
        }
        // A hint about a key is the least needed of all.
        (None, Some(key)) => parts.push((6, vec![Span::styled(format!("disk usage: {key}"), theme.dim)])),
        (None, None) => {}
    }
    let width = |parts: &[(u8, Vec<Span>)]| -> usize {
        " wharf".width()
            + parts.iter().map(|(_, spans)| 3 + spans.iter().map(|s| s.width()).sum::<usize>()).sum::<usize>()
    };
    while width(&parts) > usize::from(area.width) {
        let Some(least) = parts.iter().enumerate().max_by_key(|(_, (need, _))| *need).map(|(i, _)| i) else { break };
        parts.remove(least);
    }
    let mut spans = vec![Span::styled(" wharf", theme.title)];
    for (_, part) in parts {
        spans.push(Span::styled(" │ ", theme.dim));
        spans.extend(part);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// CPU and memory charts and the network and disk figures of the selected container.
pub fn draw_selected(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    if area.height < 3 || area.width < 10 {
        return;
    }
    let block = Block::default().borders(Borders::ALL).border_style(theme.border).title(Line::from(vec![
        Span::styled(" Stats ", theme.title),
        Span::styled(state.selected_container().map(|c| format!("{} ", c.name)).unwrap_or_default(), theme.dim),
    ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(container) = state.selected_container() else { return };
    let stats = state.stats.by_id.get(&container.id);
    let message = if !state.stats.enabled() {
        Some("stats are off (i turns them on)")
    } else if !container.state.is_running() {
        Some("not running")
    } else if stats.is_none() {
        Some("reading…")
    } else {
        None
    };
    let stats = match (message, stats) {
        (None, Some(stats)) => stats,
        (text, _) => {
            let text = Line::styled(text.unwrap_or_default(), theme.dim);
            frame.render_widget(Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }), inner);
            return;
        }
    };
    let f = &stats.figures;
    let rows = Layout::vertical([Constraint::Length(1); 3]).split(inner);
    let cpu = f.cpu_percent.map_or_else(|| "-".to_string(), |c| format!("{c:.1}%"));
    // A narrow box (80 columns) keeps the figures and the charts, and leaves out the
    // limit and the block I/O: what is used, and how it moves, is what a user watches.
    let compact = inner.width < 40;
    let mem = match f.mem_percent() {
        Some(p) if compact => format!("{} {p:.0}%", size(f.mem_used as i64)),
        Some(p) => format!("{} / {} ({p:.1}%)", size(f.mem_used as i64), size(f.mem_limit as i64)),
        None => size(f.mem_used as i64),
    };
    let (cpu, mem) = (format!("CPU {cpu}"), format!("MEM {mem}"));
    // The charts start one column after the longer label: a figure is never cut.
    let longest = cpu.width().max(mem.width()) + 1;
    let steady = if compact { 14 } else { 26 };
    let label_width = u16::try_from(longest).unwrap_or(u16::MAX).max(steady).min(inner.width);
    // CPU bars are absolute (a full bar is one busy CPU, or the busiest reading when
    // higher); memory bars are relative to the window's highest reading.
    let cpu_max = stats.cpu_history.iter().copied().max().unwrap_or(0).max(1000);
    let chart = |history, max, style| Chart { history, max, label_width, style };
    chart(&stats.cpu_history, Some(cpu_max), theme.ok).draw(frame, rows[0], &cpu, theme);
    chart(&stats.mem_history, None, theme.warn).draw(frame, rows[1], &mem, theme);
    let rate = |r: Option<f64>| r.map_or_else(|| "-".into(), |r| format!("{}/s", size(r as i64)));
    let io = if compact {
        format!("NET ↓{} ↑{}", rate(f.net_rx_rate), rate(f.net_tx_rate))
    } else {
        format!(
            "NET ↓{} ↑{}  BLK r {} w {}",
            rate(f.net_rx_rate),
            rate(f.net_tx_rate),
            size(f.blk_read as i64),
            size(f.blk_write as i64)
        )
    };
    frame.render_widget(Paragraph::new(Line::raw(io)), rows[2]);
}

/// A label and a sparkline of the newest readings that fit.
struct Chart<'a> {
    history: &'a std::collections::VecDeque<u64>,
    /// A fixed top of the scale, or the highest reading shown.
    max: Option<u64>,
    label_width: u16,
    style: Style,
}

impl Chart<'_> {
    fn draw(&self, frame: &mut Frame, area: Rect, label: &str, theme: &Theme) {
        let [text, chart] = Layout::horizontal([Constraint::Length(self.label_width), Constraint::Min(0)]).areas(area);
        frame.render_widget(Paragraph::new(Line::styled(label.to_string(), theme.title)), text);
        // The newest readings that fit, oldest on the left.
        let width = usize::from(chart.width);
        let data: Vec<u64> = self.history.iter().skip(self.history.len().saturating_sub(width)).copied().collect();
        let mut sparkline = Sparkline::default().data(&data).style(self.style);
        if let Some(max) = self.max {
            sparkline = sparkline.max(max);
        }
        frame.render_widget(sparkline, chart);
    }
}
