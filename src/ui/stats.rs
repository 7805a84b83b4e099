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
use crate::state::AppState;

/// `containers 12: 8 running · 1 paused · 3 stopped │ images 15 │ stats 5s │ sort …`.
pub fn draw_header(frame: &mut Frame, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let rows = state.containers.list.items();
    let running = rows.iter().filter(|c| c.state.is_running()).count();
    let paused = rows.iter().filter(|c| c.state == ContainerState::Paused).count();
    let stopped = rows.len() - running - paused;
    let sep = || Span::styled(" │ ", theme.dim);
    let mut spans = vec![
        Span::styled(" wharf", theme.title),
        sep(),
        Span::raw(format!("containers {} ", rows.len())),
        Span::styled(format!("● {running} running "), theme.ok),
        Span::styled(format!("‖ {paused} paused "), theme.warn),
        Span::styled(format!("■ {stopped} stopped"), theme.dim),
        sep(),
        Span::raw(format!("images {}", state.images.items().len())),
        sep(),
    ];
    // Hints name the keys in force (the user may have rebound them).
    let hint = |action| keymap.label_of(action).map(|k| format!(" ({k})")).unwrap_or_default();
    spans.push(match state.stats.interval_secs {
        0 => Span::styled(format!("stats off{}", hint(Action::StatsInterval)), theme.dim),
        n => Span::raw(format!("stats every {n}s{}", hint(Action::StatsInterval))),
    });
    spans.push(sep());
    let arrow = if state.containers.sort.reverse { "↑" } else { "↓" };
    spans.push(Span::raw(format!("sort {} {arrow}{}", state.containers.sort.key.label(), hint(Action::SortNext))));
    spans.push(sep());
    match &state.stats.disk {
        Some(d) => spans.push(Span::raw(format!(
            "disk: images {} ({} unused), containers {}, volumes {}, build cache {}",
            size(d.images),
            size(d.images_reclaimable),
            size(d.containers),
            size(d.volumes),
            size(d.build_cache)
        ))),
        None => match keymap.label_of(Action::DiskUsage) {
            Some(key) => spans.push(Span::styled(format!("disk usage: {key}"), theme.dim)),
            // Nothing to press: drop the separator before it too.
            None => {
                spans.pop();
            }
        },
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
            frame.render_widget(Paragraph::new(Line::styled(text.unwrap_or_default(), theme.dim)), inner);
            return;
        }
    };
    let f = &stats.figures;
    let rows = Layout::vertical([Constraint::Length(1); 3]).split(inner);
    let cpu = f.cpu_percent.map_or_else(|| "-".to_string(), |c| format!("{c:.1}%"));
    let mem = match f.mem_percent() {
        Some(p) => format!("{} / {} ({p:.1}%)", size(f.mem_used as i64), size(f.mem_limit as i64)),
        None => size(f.mem_used as i64),
    };
    let (cpu, mem) = (format!("CPU {cpu}"), format!("MEM {mem}"));
    // The charts start one column after the longer label: a figure is never cut.
    let longest = cpu.width().max(mem.width()) + 1;
    let label_width = u16::try_from(longest).unwrap_or(u16::MAX).max(26).min(inner.width);
    // CPU bars are absolute (a full bar is one busy CPU, or the busiest reading when
    // higher); memory bars are relative to the window's highest reading.
    let cpu_max = stats.cpu_history.iter().copied().max().unwrap_or(0).max(1000);
    let chart = |history, max, style| Chart { history, max, label_width, style };
    chart(&stats.cpu_history, Some(cpu_max), theme.ok).draw(frame, rows[0], &cpu, theme);
    chart(&stats.mem_history, None, theme.warn).draw(frame, rows[1], &mem, theme);
    let rate = |r: Option<f64>| r.map_or_else(|| "-".into(), |r| format!("{}/s", size(r as i64)));
    let io = format!(
        "NET ↓{} ↑{}  BLK r {} w {}",
        rate(f.net_rx_rate),
        rate(f.net_tx_rate),
        size(f.blk_read as i64),
        size(f.blk_write as i64)
    );
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
