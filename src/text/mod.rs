//! Text that comes from the daemon is untrusted: container names, labels, env values,
//! logs. Everything passes through `sanitize` before it is stored, measured or drawn.

mod sanitize;

pub use sanitize::{Token, sanitize, walk};
