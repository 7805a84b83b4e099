//! A build's context: which files go (`.dockerignore`, Docker's rules) and the tar
//! stream that carries them to the daemon, written as it is read, never whole in
//! memory.

pub mod context;
pub mod ignore;

pub use context::{CHUNK, ChannelWriter, ContextPlan, ContextSummary, plan, write_context};
pub use ignore::Ignore;
