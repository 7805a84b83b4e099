//! Dialogs for registries: tagging an image, pushing one, and logging in when a
//! registry refuses. The password typed is held only until it is sent.

use super::{LaunchForm, PullStatus, RequestId};
use crate::model::Secret;

/// Naming an image again (`t`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagPrompt {
    /// The image's id.
    pub source: String,
    /// What the list calls it.
    pub name: String,
    pub input: String,
    pub error: Option<String>,
}

/// A push (`P`): which name, its progress, how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushView {
    pub reference: String,
    pub running: Option<RequestId>,
    pub progress: PullStatus,
    /// The registry's refusal, in its words.
    pub error: Option<String>,
}

/// What to do again once a login worked.
#[derive(Debug, Clone)]
pub enum Retry {
    Pull(String),
    Push(String),
    /// A launch whose pull the registry refused: the form, with everything typed, is
    /// shown again when the login ends (and sent again when it worked).
    Launch(Box<LaunchForm>),
}

impl Retry {
    /// The image the registry was asked for.
    pub fn reference(&self) -> String {
        match self {
            Retry::Pull(r) | Retry::Push(r) => r.clone(),
            Retry::Launch(form) => form.draft().image.trim().to_string(),
        }
    }
}

// Two launch retries are the same when their forms hold the same.
impl PartialEq for Retry {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Retry::Pull(a), Retry::Pull(b)) | (Retry::Push(a), Retry::Push(b)) => a == b,
            (Retry::Launch(a), Retry::Launch(b)) => a.draft() == b.draft(),
            _ => false,
        }
    }
}

impl Eq for Retry {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginField {
    User,
    Password,
    Keep,
}

/// The registry refused: who to be there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginPrompt {
    pub server: String,
    /// Why it is asked (the registry's words).
    pub reason: String,
    pub user: String,
    /// Shown as bullets, never as text.
    pub password: Secret,
    /// Keep the login as `docker login` does, or for this session only.
    pub keep: bool,
    pub focus: LoginField,
    pub error: Option<String>,
    pub running: Option<RequestId>,
    pub retry: Retry,
}
