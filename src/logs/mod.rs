//! Container logs: decoding the daemon's byte stream into lines, and making each line
//! safe and colourful. Pure code; the log task in the effect runner drives it.

pub mod decode;
pub mod style;

pub use decode::{LogDecoder, RawLine, StreamKind};
pub use style::{LogLine, StyleRun, style_line};
