//! The inspect view: the daemon's whole JSON about an object, for reading.

use crate::text::sanitize;

/// The daemon's JSON, pretty-printed and sanitised line by line: what the inspect view
/// shows. Not JSON any more where a value held control characters, which is the point.
pub fn pretty_json(raw: &[u8]) -> Result<Vec<String>, String> {
    let value: serde_json::Value = serde_json::from_slice(raw).map_err(|e| format!("unreadable answer: {e}"))?;
    let pretty = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    Ok(pretty.lines().map(sanitize).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_json_is_pretty_and_harmless() {
        let lines = pretty_json(br#"{"Name":"x\u001b]52;c;AA==\u0007y","N":[1,2]}"#).unwrap();
        assert_eq!(lines[0], "{");
        assert!(lines.iter().all(|l| !l.contains('\u{1b}') && !l.contains('\u{7}')), "{lines:?}");
        assert!(pretty_json(b"not json").is_err());
    }
}
