//! The embedded console's pure parts: keys to bytes.

mod keys;

pub use keys::{InputModes, ctrl_byte, key_to_bytes, paste_to_bytes};
