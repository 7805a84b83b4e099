//! The container file browser's archive work, apart from the daemon: reading the
//! headers of a directory's tar (`listing`), the start of a file (`listing::read_text`),
//! unpacking a copy onto the host without ever writing outside the chosen place
//! (`extract`), and the tar a copy into a container is sent as (`upload`).
//!
//! The daemon's archive comes as an async stream of chunks; these parts read it as a
//! plain `Read` on a blocking thread (`ChannelReader`), so a 200 MB file crosses in
//! bounded chunks and is never held whole.

pub mod extract;
pub mod listing;
pub mod reader;
pub mod upload;

pub use extract::{Extracted, extract};
pub use listing::{LIST_BYTES_CAP, LIST_ENTRIES_CAP, TEXT_CAP, list_children, read_text};
pub use reader::ChannelReader;
pub use upload::{host_size, write_upload};

/// `dir` joined with `name`, container-style (always `/`).
pub fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') { format!("{dir}{name}") } else { format!("{dir}/{name}") }
}

/// The directory above `path` (`/` stays `/`).
pub fn parent(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => trimmed[..i].to_string(),
    }
}

/// The last part of `path` (`/` for the root).
pub fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    trimmed.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_and_climb_with_spaces_and_unicode() {
        assert_eq!(join("/", "etc"), "/etc");
        assert_eq!(join("/data/sp ace", "ü.txt"), "/data/sp ace/ü.txt");
        assert_eq!(parent("/data/sp ace/ü.txt"), "/data/sp ace");
        assert_eq!(parent("/etc"), "/");
        assert_eq!(parent("/"), "/");
        assert_eq!(base_name("/data/sp ace/"), "sp ace");
        assert_eq!(base_name("/"), "/");
    }
}
