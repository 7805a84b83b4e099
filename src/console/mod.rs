//! The embedded console's pure parts: keys to bytes.

mod keys;

pub use keys::{InputModes, key_to_bytes, paste_to_bytes};

/// The console's detach prefix: Ctrl-] (telnet's escape key), which shells leave alone.
/// After it, `d` detaches, `x` closes, `z` zooms, and Ctrl-] again sends Ctrl-] itself.
pub const PREFIX_LABEL: &str = "Ctrl-]";
