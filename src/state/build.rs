//! The build dialog: its form (what `docker build` takes), then the build's output as
//! it comes, the step it is on, and how it ended.

use std::collections::VecDeque;

use super::{PullStatus, RequestId};
use crate::model::BuildSummary;

/// Output lines the dialog keeps; older ones are dropped and counted.
pub const MAX_BUILD_LINES: usize = 5_000;

/// The form's fields, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildField {
    Context,
    Dockerfile,
    Tags,
    BuildArgs,
    Target,
    NoCache,
    Pull,
}

impl BuildField {
    pub const ALL: [BuildField; 7] = [
        BuildField::Context,
        BuildField::Dockerfile,
        BuildField::Tags,
        BuildField::BuildArgs,
        BuildField::Target,
        BuildField::NoCache,
        BuildField::Pull,
    ];

    pub fn label(self) -> &'static str {
        match self {
            BuildField::Context => "Context dir",
            BuildField::Dockerfile => "Dockerfile",
            BuildField::Tags => "Tags",
            BuildField::BuildArgs => "Build args",
            BuildField::Target => "Target stage",
            BuildField::NoCache => "No cache",
            BuildField::Pull => "Pull base",
        }
    }

    pub fn is_toggle(self) -> bool {
        matches!(self, BuildField::NoCache | BuildField::Pull)
    }
}

/// What the user typed; kept whole whatever happens to the build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildDraft {
    pub context: String,
    /// Empty: `Dockerfile` in the context.
    pub dockerfile: String,
    /// Space-separated `repo[:tag]`s.
    pub tags: String,
    /// `NAME=VALUE` words, quoted as in a shell when a value has spaces.
    pub build_args: String,
    pub target: String,
    pub no_cache: bool,
    pub pull: bool,
}

impl BuildDraft {
    pub fn text_mut(&mut self, field: BuildField) -> Option<&mut String> {
        match field {
            BuildField::Context => Some(&mut self.context),
            BuildField::Dockerfile => Some(&mut self.dockerfile),
            BuildField::Tags => Some(&mut self.tags),
            BuildField::BuildArgs => Some(&mut self.build_args),
            BuildField::Target => Some(&mut self.target),
            BuildField::NoCache | BuildField::Pull => None,
        }
    }

    pub fn text(&self, field: BuildField) -> String {
        match field {
            BuildField::Context => self.context.clone(),
            BuildField::Dockerfile => self.dockerfile.clone(),
            BuildField::Tags => self.tags.clone(),
            BuildField::BuildArgs => self.build_args.clone(),
            BuildField::Target => self.target.clone(),
            BuildField::NoCache => if self.no_cache { "[x]" } else { "[ ]" }.into(),
            BuildField::Pull => if self.pull { "[x]" } else { "[ ]" }.into(),
        }
    }
}

/// Where the build dialog is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildPhase {
    /// Filling the form; `error` is the field to fix and why.
    Form {
        error: Option<(BuildField, String)>,
    },
    Running {
        request: RequestId,
    },
    Succeeded(BuildSummary),
    /// The build failed: the daemon's words, and the step it failed at.
    Failed {
        error: String,
        step: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildView {
    pub draft: BuildDraft,
    pub focus: BuildField,
    pub phase: BuildPhase,
    pub lines: VecDeque<String>,
    /// Lines dropped from the front to keep `MAX_BUILD_LINES`.
    pub dropped: usize,
    /// The last `Step n/m : ...` line.
    pub step: Option<String>,
    /// A base image being pulled for the build.
    pub pull: PullStatus,
}

impl BuildView {
    pub fn new(draft: BuildDraft) -> Self {
        Self {
            draft,
            focus: BuildField::Context,
            phase: BuildPhase::Form { error: None },
            lines: VecDeque::new(),
            dropped: 0,
            step: None,
            pull: PullStatus::default(),
        }
    }

    pub fn push_line(&mut self, line: String) {
        if crate::model::step_of(&line).is_some() {
            self.step = Some(line.clone());
        }
        if self.lines.len() >= MAX_BUILD_LINES {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(line);
    }

    /// Back to the form, with what was typed, for another try.
    pub fn reset_output(&mut self) {
        self.lines.clear();
        self.dropped = 0;
        self.step = None;
        self.pull = PullStatus::default();
    }
}
