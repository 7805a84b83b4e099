//! The event loop, messages, effects, `update` and the effect runner.

pub mod build_task;
pub mod compose_task;
pub mod connection;
// Public for the fake-daemon tests (tests/fake_tasks.rs), which drive a session's task.
pub mod console_task;
pub use console_task::HANG_UP_WITHIN;
pub mod effect;
mod event_loop;
pub mod files_task;
pub mod fleet;
pub mod launcher;
pub mod log_task;
pub mod msg;
pub mod recreate;
pub mod runner;
pub mod update;

pub use event_loop::{App, ExitReason, run, unix_now as event_loop_now};
