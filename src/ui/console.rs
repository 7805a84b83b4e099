//! The console pane: the vt100 screen drawn cell by cell (colours, bold, italic,
//! underline, inverse, wide glyphs), the cursor, and the session's state in the border.
//! Everything the container printed went through the emulator; only cell contents are
//! drawn, never its escape sequences, so nothing reaches the host terminal.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Widget};

use super::theme::Theme;
use crate::state::{AppState, Console, ConsoleStatus, Pane};

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, prefix: &str) {
    let Some(session) = &state.console.session else { return };
    let focused = state.screen.focus == Pane::Console;
    let (status_text, status_style) = match &session.status {
        ConsoleStatus::Starting => ("starting…".to_string(), theme.warn),
        ConsoleStatus::Running => (String::new(), theme.ok),
        ConsoleStatus::Exited(code) => (format!("[exited: {code}]"), if *code == 0 { theme.ok } else { theme.error }),
        ConsoleStatus::Ended(why) | ConsoleStatus::Failed(why) => (why.clone(), theme.error),
    };
    let container_stopped = !session.status.is_live()
        && state.containers.list.items().iter().any(|c| c.id == session.container_id && !c.state.is_running());
    let mut title = vec![
        Span::styled(" [5] ", theme.key),
        Span::styled("Console ", theme.title),
        Span::raw(format!("{} ({}) ", session.container_name, session.label)),
    ];
    if !status_text.is_empty() && session.status.is_live() {
        title.push(Span::styled(format!("{status_text} "), status_style));
    }
    if let Some(hint) = &session.hint {
        title.push(Span::styled(format!("· {hint} "), theme.key));
    }
    if session.scrollback > 0 {
        title.push(Span::styled(format!("scrolled back {} (Shift-PgDn) ", session.scrollback), theme.warn));
    }
    let hint = if state.console.prefix_pending {
        Line::from(vec![
            Span::styled(format!(" {prefix} "), theme.warn),
            Span::raw("d detach · x close · z zoom · "),
            Span::styled(prefix.to_string(), theme.key),
            Span::raw(" send it "),
        ])
    } else if session.status.is_live() {
        Line::from(vec![
            Span::styled(format!(" {prefix} d"), theme.key),
            Span::raw(" detach · "),
            Span::styled(format!("{prefix} x"), theme.key),
            Span::raw(" close · "),
            Span::styled(format!("{prefix} z"), theme.key),
            Span::raw(" zoom "),
        ])
    } else {
        Line::from(vec![Span::styled(" Enter", theme.key), Span::raw(" close ")])
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(theme.border_of(crate::state::Pane::Console, focused))
        .title(Line::from(title))
        .title_bottom(hint);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if let ConsoleStatus::Failed(why) = &session.status {
        frame.render_widget(Paragraph::new(Line::styled(why.clone(), theme.error)), inner);
        return;
    }
    frame.render_widget(ScreenWidget { console: session }, inner);
    // An ended session says so on its last row, over the final screen.
    if !session.status.is_live() && inner.height > 0 {
        let mut spans = vec![Span::styled(status_text, status_style)];
        if container_stopped {
            spans.push(Span::styled(" the container stopped", theme.error));
        }
        spans.push(Span::styled(" (Enter closes)", theme.dim));
        let last = Rect { y: inner.y + inner.height - 1, height: 1, ..inner };
        frame.render_widget(ratatui::widgets::Clear, last);
        frame.render_widget(Paragraph::new(Line::from(spans)), last);
    }
    let screen = session.parser.screen();
    if focused && session.status.is_live() && session.scrollback == 0 && !screen.hide_cursor() {
        let (row, col) = screen.cursor_position();
        if row < inner.height && col < inner.width {
            frame.set_cursor_position(Position::new(inner.x + col, inner.y + row));
        }
    }
}

/// Draws a vt100 screen into a buffer area (clipped to both sizes).
pub struct ScreenWidget<'a> {
    pub console: &'a Console,
}

impl Widget for ScreenWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let screen = self.console.parser.screen();
        let (rows, cols) = screen.size();
        let rows = rows.get().min(area.height);
        let cols = cols.get().min(area.width);
        for row in 0..rows {
            let mut col = 0;
            while col < cols {
                let Some(cell) = screen.cell(row, col) else { break };
                if cell.is_wide_continuation() {
                    col += 1;
                    continue;
                }
                let contents = cell.contents();
                let wide = cell.is_wide();
                let target = &mut buf[(area.x + col, area.y + row)];
                // A wide glyph that does not fit the last column is left out; cells hold
                // printable text only (the emulator ate the escape sequences).
                let cut_off = wide && col + 1 >= cols;
                let printable = !contents.is_empty() && !contents.chars().any(char::is_control);
                target.set_symbol(if printable && !cut_off { contents } else { " " });
                target.set_style(cell_style(cell));
                col += if wide { 2 } else { 1 };
            }
        }
    }
}

fn cell_style(cell: &vt100::Cell) -> Style {
    let mut style = Style::new().fg(color(cell.fgcolor())).bg(color(cell.bgcolor()));
    let mut modifiers = Modifier::empty();
    if cell.bold() {
        modifiers |= Modifier::BOLD;
    }
    if cell.dim() {
        modifiers |= Modifier::DIM;
    }
    if cell.italic() {
        modifiers |= Modifier::ITALIC;
    }
    if cell.underline() {
        modifiers |= Modifier::UNDERLINED;
    }
    if cell.inverse() {
        modifiers |= Modifier::REVERSED;
    }
    style = style.add_modifier(modifiers);
    style
}

fn color(c: vt100::Color) -> Color {
    match c {
        vt100::Color::Default => Color::Reset,
        vt100::Color::Idx(i) => Color::Indexed(i),
        vt100::Color::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}
