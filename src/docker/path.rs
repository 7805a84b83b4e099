//! Paths wharf writes by hand (raw GETs, logs, exec and attach upgrades). An id or a
//! name put into a path is percent-encoded, and a path whose segments the daemon would
//! fold (`.`, `..`, empty) is refused before it is sent. The daemon's router decodes a
//! path before it cleans it, so an encoded `..` can still make it answer with a
//! redirect to another path: wharf never follows one (any answer but 2xx is an error),
//! so a hostile id fails its request and never gets another endpoint's answer.

use crate::model::{DaemonError, DaemonErrorKind};
use crate::text::sanitize;

/// `text` as one path segment (or one query value): anything but the characters ids
/// and names use is percent-encoded, so a name cannot reach another path.
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Checks a path-and-query built by hand: it starts with `/`, and no segment of its
/// path is empty, `.` or `..` once decoded (the daemon would clean those away and
/// answer for a different path). The query is not looked at.
pub fn checked(path_and_query: &str) -> Result<&str, DaemonError> {
    let path = path_and_query.split(['?', '#']).next().unwrap_or_default();
    let refused = || {
        DaemonError::new(
            DaemonErrorKind::NotFound,
            format!("no such object: {} is not a path wharf sends", sanitize(path_and_query)),
        )
    };
    let Some(rest) = path.strip_prefix('/') else {
        return Err(refused());
    };
    for part in rest.split('/') {
        let decoded = decode(part);
        if decoded.is_empty() || decoded == "." || decoded == ".." {
            return Err(refused());
        }
    }
    Ok(path_and_query)
}

/// `%2E` -> `.`; a broken escape stays as it is (it cannot make a dot).
fn decode(part: &str) -> String {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(value)) => {
                out.push(value);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path's segments as the daemon's router sees them.
    fn segments(path_and_query: &str) -> Vec<String> {
        let uri: http::Uri = path_and_query.parse().unwrap();
        uri.path().trim_start_matches('/').split('/').map(decode).collect()
    }

    #[test]
    fn an_id_cannot_change_the_path() {
        for id in ["a/../../info", "x?all=1", "x#frag", "../../v1.41/info", "a/b", "%2e%2e", "sp ace", "é"] {
            let path = format!("/containers/{}/logs?stdout=1", segment(id));
            let checked = checked(&path).unwrap_or_else(|e| panic!("{id}: {e}"));
            let uri: http::Uri = checked.parse().unwrap();
            assert_eq!(uri.query(), Some("stdout=1"), "{id}");
            let parts = segments(&path);
            assert_eq!(parts.len(), 3, "{id}: {parts:?}");
            assert_eq!(parts[0], "containers");
            assert_eq!(parts[1], id, "the id is one segment, decoded back whole");
            assert_eq!(parts[2], "logs");
        }
    }

    #[test]
    fn dot_segments_are_refused_before_sending() {
        for id in ["..", ".", ""] {
            let path = format!("/containers/{}/json", segment(id));
            let err = checked(&path).unwrap_err();
            assert_eq!(err.kind, DaemonErrorKind::NotFound, "{id:?}");
        }
        assert!(checked("/containers/%2E%2E/json").is_err(), "encoded dots are dots to the daemon");
        assert!(checked("/containers/%2e/json").is_err());
        assert!(checked("containers/json").is_err(), "a path starts with /");
        assert!(checked("/containers/json?filters=..").is_ok(), "the query is not a path");
        assert!(checked("/containers/a..b/json").is_ok());
    }

    #[test]
    fn ids_and_names_stay_readable() {
        assert_eq!(segment("0123abcdef"), "0123abcdef");
        assert_eq!(segment("my_app-1.web:2"), "my_app-1.web:2");
        assert_eq!(segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(segment("%"), "%25");
    }
}
