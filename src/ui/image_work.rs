//! The images pane's dialogs: the build (form, then output), tag, push and login.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::format::size;
use super::pull_progress;
use super::theme::Theme;
use super::widgets::{centered, key_hints, modal_block, wrapped_rows};
use crate::state::{BuildField, BuildPhase, BuildView, LoginField, LoginPrompt, PushView, TagPrompt};

pub fn draw_build(frame: &mut Frame, area: Rect, view: &BuildView, theme: &Theme) {
    let popup = centered(area, area.width.saturating_sub(4).max(20), area.height.saturating_sub(2).max(6));
    let hints: &[(&str, &str)] = match &view.phase {
        BuildPhase::Form { .. } => &[("Tab", "next field"), ("Space", "toggle"), ("Ctrl-s", "build"), ("Esc", "close")],
        BuildPhase::Running { .. } => &[("Esc", "cancel the build")],
        BuildPhase::Succeeded(_) => &[("Enter/n", "run this image"), ("e", "edit and build again"), ("Esc", "close")],
        BuildPhase::Failed { .. } => &[("Enter/e", "back to the form"), ("Esc", "close")],
    };
    let block = modal_block("Build an image", theme).title_bottom(key_hints(hints, theme));
    frame.render_widget(Clear, popup);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    match &view.phase {
        BuildPhase::Form { error } => draw_form(frame, inner, view, error.as_ref(), theme),
        _ => draw_output(frame, inner, view, theme),
    }
}

fn draw_form(frame: &mut Frame, area: Rect, view: &BuildView, error: Option<&(BuildField, String)>, theme: &Theme) {
    let mut lines = Vec::new();
    for field in BuildField::ALL {
        let focused = view.focus == field;
        let label = Span::styled(format!("{:<13}", field.label()), if focused { theme.key } else { theme.title });
        let mut spans = vec![label, Span::raw(view.draft.text(field))];
        if focused && !field.is_toggle() {
            spans.push(Span::styled("█", theme.key));
        }
        if field == BuildField::Dockerfile && view.draft.dockerfile.is_empty() && !focused {
            spans.push(Span::styled("Dockerfile in the context", theme.dim));
        }
        lines.push(Line::from(spans));
        if let Some((bad, message)) = error
            && *bad == field
        {
            lines.push(Line::styled(format!("             ✗ {message}"), theme.error));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Tags: space-separated repo[:tag]; build args: NAME=VALUE words (quote spaces).",
        theme.dim,
    ));
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_output(frame: &mut Frame, area: Rect, view: &BuildView, theme: &Theme) {
    let status = match &view.phase {
        BuildPhase::Running { .. } => {
            Line::styled(format!("building… {}", view.step.as_deref().unwrap_or("sending the context")), theme.title)
        }
        BuildPhase::Succeeded(summary) => Line::styled(
            format!(
                "✓ built {} (context sent: {} files, {})",
                summary
                    .image_id
                    .strip_prefix("sha256:")
                    .unwrap_or(&summary.image_id)
                    .chars()
                    .take(12)
                    .collect::<String>(),
                summary.context_files,
                size(i64::try_from(summary.context_bytes).unwrap_or(i64::MAX)),
            ),
            theme.ok,
        ),
        BuildPhase::Failed { error, step } => {
            let at = step.as_deref().map(|s| format!(" at {s}")).unwrap_or_default();
            Line::styled(format!("✗ the build failed{at}: {error}"), theme.error)
        }
        BuildPhase::Form { .. } => Line::raw(""),
    };
    let status_rows = wrapped_rows(&status.to_string(), area.width.max(1)).clamp(1, 4);
    let pull_rows = if view.pull.layers().next().is_some() { pull_progress::wanted_height(&view.pull, 4) } else { 0 };
    let [top, pull, body] =
        Layout::vertical([Constraint::Length(status_rows), Constraint::Length(pull_rows), Constraint::Fill(1)])
            .areas(area);
    frame.render_widget(Paragraph::new(status).wrap(Wrap { trim: true }), top);
    if pull_rows > 0 {
        pull_progress::draw(frame, pull, &view.pull, theme);
    }
    // The newest lines that fit: a build is read as it goes, its end matters most.
    let rows = usize::from(body.height);
    let skip = view.lines.len().saturating_sub(rows);
    let lines: Vec<Line> = view
        .lines
        .iter()
        .skip(skip)
        .map(|line| {
            if crate::model::step_of(line).is_some() {
                Line::styled(line.clone(), theme.title)
            } else {
                Line::raw(line.clone())
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

pub fn draw_tag(frame: &mut Frame, area: Rect, prompt: &TagPrompt, theme: &Theme) {
    let popup = centered(area, 70, 6);
    let block = modal_block(&format!("Tag {}", prompt.name), theme)
        .title_bottom(key_hints(&[("Enter", "tag"), ("Esc", "close")], theme));
    let mut lines = vec![Line::from(vec![
        Span::styled("New name: ", theme.title),
        Span::raw(prompt.input.clone()),
        Span::styled("█", theme.key),
    ])];
    lines.push(match &prompt.error {
        Some(e) => Line::styled(format!("✗ {e}"), theme.error),
        None => Line::styled("e.g. 127.0.0.1:5000/app:1 to push it to that registry", theme.dim),
    });
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: true }), popup);
}

pub fn draw_push(frame: &mut Frame, area: Rect, view: &PushView, theme: &Theme) {
    const WIDTH: u16 = 76;
    let inner_width = WIDTH.min(area.width).saturating_sub(2).max(1);
    let error = view.error.as_ref().map(|e| format!("✗ {e}"));
    let message_rows = error.as_ref().map_or(1, |e| wrapped_rows(e, inner_width).min(6));
    let progress_rows = pull_progress::wanted_height(&view.progress, 8);
    let popup = centered(area, WIDTH, 1 + message_rows + progress_rows + 2);
    let esc = if view.running.is_some() { "cancel" } else { "close" };
    let block = modal_block(&format!("Push {}", view.reference), theme).title_bottom(key_hints(&[("Esc", esc)], theme));
    frame.render_widget(Clear, popup);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [head, message, progress] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(message_rows), Constraint::Length(progress_rows)])
            .areas(inner);
    let state = if view.running.is_some() { "pushing…" } else { "stopped" };
    frame.render_widget(Paragraph::new(Line::styled(state, theme.title)), head);
    if let Some(error) = error {
        frame.render_widget(Paragraph::new(Line::styled(error, theme.error)).wrap(Wrap { trim: true }), message);
    }
    pull_progress::draw(frame, progress, &view.progress, theme);
}

pub fn draw_login(frame: &mut Frame, area: Rect, prompt: &LoginPrompt, theme: &Theme) {
    let popup = centered(area, 76, 11);
    let hints = if prompt.running.is_some() {
        key_hints(&[("", "logging in…")], theme)
    } else {
        key_hints(&[("Tab", "next"), ("Space", "toggle"), ("Ctrl-s", "log in"), ("Esc", "close")], theme)
    };
    let block = modal_block(&format!("Log in to {}", prompt.server), theme).title_bottom(hints);
    let field = |label: &str, value: String, which: LoginField| {
        let focused = prompt.focus == which;
        let mut spans =
            vec![Span::styled(format!("{label:<18}"), if focused { theme.key } else { theme.title }), Span::raw(value)];
        if focused && which != LoginField::Keep {
            spans.push(Span::styled("█", theme.key));
        }
        Line::from(spans)
    };
    // The password's length is not shown either: a fixed mask once anything is typed.
    let mask = if prompt.password.is_empty() { String::new() } else { "••••••••".into() };
    let keep =
        if prompt.keep { "[x] keep it as docker login does".to_string() } else { "[ ] this session only".to_string() };
    let mut lines = vec![
        Line::styled(format!("The registry said: {}", prompt.reason), theme.dim),
        Line::raw(""),
        field("User", prompt.user.clone(), LoginField::User),
        field("Password / token", mask, LoginField::Password),
        field("Keep", keep, LoginField::Keep),
    ];
    if let Some(error) = &prompt.error {
        lines.push(Line::styled(format!("✗ {error}"), theme.error));
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: true }), popup);
}
