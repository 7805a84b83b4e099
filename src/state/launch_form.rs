//! The launch form: one text area per text field, the choices and toggles, and what
//! the last submit said. The text the user typed lives here until the form is closed;
//! nothing (a validation error, a daemon error, a failed pull) ever clears it.

use ratatui_textarea::{CursorMove, TextArea};

use super::RequestId;
use super::pull::PullStatus;
use crate::launch::from_inspect::Purpose;
use crate::launch::{Field, FieldError, LaunchDraft};
use crate::model::{DaemonError, RestartPolicy};

/// The text fields, in the order of `LaunchForm::areas`.
const TEXT_FIELDS: [Field; 8] = [
    Field::Image,
    Field::Name,
    Field::Ports,
    Field::Env,
    Field::Command,
    Field::Volumes,
    Field::Network,
    Field::ExtraHosts,
];

#[derive(Debug, Clone)]
pub struct LaunchForm {
    /// What the form is for: "New container", "Preset redis", ...
    pub title: String,
    /// It creates a swarm service (replicas asked for after it validates).
    pub service: bool,
    areas: Vec<TextArea<'static>>,
    pub restart: RestartPolicy,
    pub auto_remove: bool,
    pub interactive_tty: bool,
    /// With `-it`: start in the background instead of attaching at once.
    pub detach: bool,
    pub all_interfaces: bool,
    pub focus: Field,
    /// Validation errors of the last submit, one per field at most.
    pub errors: Vec<FieldError>,
    /// What the daemon said about the last submit.
    pub daemon_error: Option<DaemonError>,
    /// Esc was pressed with something typed: waiting for a yes to throw it away.
    pub confirm_discard: bool,
    /// What the form opened with (empty, or a preset): Esc asks before closing only
    /// when the user changed it, since closing otherwise loses nothing.
    opened_with: LaunchDraft,
    /// The launch in flight, if submitted.
    pub submitting: Option<Submitting>,
    /// The container the form was filled from (edit, duplicate), and what it carries.
    pub origin: Option<Box<FormOrigin>>,
    /// The steps of a recreate in flight, as they began.
    pub steps: Vec<String>,
    /// What the console of this `-it` launch is for, shown in its border (`T`'s client:
    /// where its service is).
    pub console_hint: Option<String>,
}

/// A form filled from a container (`R` edit and recreate, `Y` duplicate).
#[derive(Debug, Clone, PartialEq)]
pub struct FormOrigin {
    pub purpose: Purpose,
    pub id: String,
    pub name: String,
    /// Everything the form does not show, sent with it unchanged.
    pub carried: serde_json::Value,
    /// What the form showed when it opened: the container as it is.
    pub original: LaunchDraft,
    pub running: bool,
    pub has_healthcheck: bool,
    /// What is carried, said in a few words (sanitised) for the form to show.
    pub kept: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitting {
    pub request: RequestId,
    pub pull: PullStatus,
    /// A `-it` launch: the console session opened on the container as soon as it
    /// starts, and its size (cols, rows).
    pub attach: Option<(super::SessionId, (u16, u16))>,
}

/// What an empty field shows: an example of what it takes.
fn placeholder(field: Field, service: bool) -> &'static str {
    match field {
        Field::Ports if service => "8080:80 (one per line; published:target[/udp], on every node)",
        Field::Command if service => "empty: the image's own command (given as its arguments)",
        Field::Image => "redis, mysql:5.7, ghcr.io/owner/app:tag",
        Field::Name => "empty: the daemon picks one",
        Field::Ports => "1234:6379 (one per line; [ip:]host:container[/udp])",
        Field::Env => "KEY=VALUE (one per line)",
        Field::Command => "empty: the image's own command",
        Field::Volumes => "/host/path:/in/container[:ro] or volume:/path",
        Field::Network => "empty: the default bridge; a network, or container:NAME to share one",
        Field::ExtraHosts => "NAME:ADDRESS per line; host.docker.internal:host-gateway = the host",
        _ => "",
    }
}

impl LaunchForm {
    pub fn new(title: impl Into<String>, draft: &LaunchDraft) -> Self {
        Self::build(title.into(), draft, false)
    }

    /// The form for a swarm service: only the fields a service takes.
    pub fn for_service(title: impl Into<String>, draft: &LaunchDraft) -> Self {
        Self::build(title.into(), draft, true)
    }

    fn build(title: String, draft: &LaunchDraft, service: bool) -> Self {
        let areas = TEXT_FIELDS
            .iter()
            .map(|f| {
                let text = draft.text(*f).unwrap_or_default();
                let mut area = TextArea::new(text.lines().map(str::to_string).collect());
                area.move_cursor(CursorMove::Bottom);
                area.move_cursor(CursorMove::End);
                area.set_cursor_line_style(ratatui::style::Style::default());
                area.set_placeholder_text(placeholder(*f, service));
                area
            })
            .collect();
        Self {
            service,
            title,
            areas,
            restart: draft.restart,
            auto_remove: draft.auto_remove,
            interactive_tty: draft.interactive_tty,
            detach: draft.detach,
            all_interfaces: draft.all_interfaces,
            focus: Field::Image,
            errors: Vec::new(),
            daemon_error: None,
            confirm_discard: false,
            submitting: None,
            console_hint: None,
            opened_with: draft.clone(),
            origin: None,
            steps: Vec::new(),
        }
    }

    /// The form filled from a container: its fields as the container has them.
    pub fn from_container(title: impl Into<String>, draft: &LaunchDraft, origin: FormOrigin) -> Self {
        let mut form = Self::build(title.into(), draft, false);
        form.origin = Some(Box::new(origin));
        form
    }

    /// Whether `field` differs from the container the form was filled from (an edit
    /// shows these highlighted: they are what the recreate changes).
    pub fn changed(&self, field: Field) -> bool {
        let Some(origin) = self.origin.as_ref().filter(|o| o.purpose == Purpose::Recreate) else { return false };
        let (now, then) = (self.draft(), LaunchForm::new_areas_only(&origin.original));
        match field {
            Field::Restart => now.restart != then.restart,
            Field::AutoRemove => now.auto_remove != then.auto_remove,
            Field::InteractiveTty => now.interactive_tty != then.interactive_tty,
            Field::AllInterfaces => now.all_interfaces != then.all_interfaces,
            text => now.text(text).map(lines_of) != then.text(text).map(lines_of),
        }
    }

    /// The fields an edit changes, in form order.
    pub fn changes(&self) -> Vec<Field> {
        self.fields().iter().copied().filter(|f| self.changed(*f)).collect()
    }

    /// Lines of a multi-line field the container did not have (shown marked).
    pub fn added_lines(&self, field: Field) -> Vec<usize> {
        let Some(origin) = self.origin.as_ref().filter(|o| o.purpose == Purpose::Recreate) else { return Vec::new() };
        let before = lines_of(origin.original.text(field).unwrap_or_default());
        let now = self.draft();
        // Indexes of the lines as the text area holds them (blank ones included).
        now.text(field)
            .unwrap_or_default()
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !before.iter().any(|b| b == l.trim()))
            .map(|(i, _)| i)
            .collect()
    }

    /// Lines the container had that the form no longer holds.
    pub fn removed_lines(&self, field: Field) -> Vec<String> {
        let Some(origin) = self.origin.as_ref().filter(|o| o.purpose == Purpose::Recreate) else { return Vec::new() };
        let now = lines_of(self.draft().text(field).unwrap_or_default());
        lines_of(origin.original.text(field).unwrap_or_default()).into_iter().filter(|l| !now.contains(l)).collect()
    }

    /// Whether the user changed anything since the form opened (closing would lose it).
    pub fn is_edited(&self) -> bool {
        // Compared as the form holds it: text areas keep lines, not a trailing newline.
        let opened = LaunchForm::new_areas_only(&self.opened_with);
        self.draft() != opened
    }

    /// `draft` as the form would hold it once opened.
    fn new_areas_only(draft: &LaunchDraft) -> LaunchDraft {
        let mut held = draft.clone();
        for field in TEXT_FIELDS {
            let text = draft.text(field).unwrap_or_default().lines().collect::<Vec<_>>().join("\n");
            held.set_text(field, text);
        }
        held
    }

    /// Validates the form and adds what it carries from its container.
    pub fn spec(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<crate::model::LaunchSpec, Vec<FieldError>> {
        let mut spec = self.validate(lookup)?;
        spec.carried = self.origin.as_ref().map(|o| o.carried.clone());
        Ok(spec)
    }

    fn index(field: Field) -> Option<usize> {
        TEXT_FIELDS.iter().position(|f| *f == field)
    }

    pub fn area(&self, field: Field) -> Option<&TextArea<'static>> {
        Self::index(field).and_then(|i| self.areas.get(i))
    }

    pub fn area_mut(&mut self, field: Field) -> Option<&mut TextArea<'static>> {
        Self::index(field).and_then(|i| self.areas.get_mut(i))
    }

    /// The form's content as a draft, exactly as typed.
    pub fn draft(&self) -> LaunchDraft {
        let mut draft = LaunchDraft {
            restart: self.restart,
            auto_remove: self.auto_remove,
            interactive_tty: self.interactive_tty,
            detach: self.detach,
            all_interfaces: self.all_interfaces,
            ..Default::default()
        };
        for field in TEXT_FIELDS {
            if let Some(area) = self.area(field) {
                draft.set_text(field, area.lines().join("\n"));
            }
        }
        draft
    }

    pub fn error_for(&self, field: Field) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == field)
    }

    /// Puts the focus, and the cursor, on the first error.
    pub fn focus_first_error(&mut self) {
        let Some(error) = self.errors.first().cloned() else { return };
        self.focus = error.field;
        if let (Some(line), Some(area)) = (error.line, self.area_mut(error.field)) {
            area.move_cursor(CursorMove::Jump(u16::try_from(line).unwrap_or(u16::MAX), 0));
            area.move_cursor(CursorMove::End);
        }
    }

    /// The fields this form shows, in Tab order.
    pub fn fields(&self) -> &'static [Field] {
        if self.service { &Field::SERVICE } else { &Field::ALL }
    }

    /// Checks the form as what it creates: a container, or a service.
    pub fn validate(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<crate::model::LaunchSpec, Vec<FieldError>> {
        if self.service { self.draft().validate_service(lookup) } else { self.draft().validate(lookup) }
    }

    pub fn move_focus(&mut self, delta: isize) {
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = fields.len() as isize;
        self.focus = fields[(i + delta).rem_euclid(n) as usize];
    }
}

/// A field's non-blank lines, trimmed: what a difference is about.
fn lines_of(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}
