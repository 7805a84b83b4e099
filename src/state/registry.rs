//! Dialogs for registries: tagging an image, pushing one, and logging in when a
//! registry refuses. The password typed is held only until it is sent.

use super::{PullStatus, RequestId};
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    Pull(String),
    Push(String),
}

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
