//! Reading the daemon's JSON without trusting its shape. Docker's own versions,
//! Podman and engines to come all answer a little differently: a list element or a
//! field in a shape wharf does not expect is set aside, never the whole answer.
//!
//! - Objects: [`object`] reads an answer that must be one object.
//! - Lists: [`each_in`] and [`each_raw`] read every element on its own and skip (and
//!   log, without its values) the ones that do not fit.
//! - Fields: `#[serde(deserialize_with = "lenient::value")]` reads a field that is null
//!   or of another shape as its default; `lenient::list` keeps the elements of a list
//!   field that fit.
//! - [`Words`]: a command (`Entrypoint`, `Cmd`) sent as a list or as one string.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// Reads each element of a JSON list on its own. Anything but a list reads as empty.
pub fn each_in<T: DeserializeOwned>(list: &serde_json::Value, what: &str) -> Vec<T> {
    list.as_array().into_iter().flatten().filter_map(|item| kept(T::deserialize(item), what)).collect()
}

/// Reads each element of a JSON list on its own, from the answer's bytes. Each element
/// stays raw text until it is read: no tree of the whole list is built (with hundreds
/// of containers it would be most of wharf's memory peak). Only an answer that is not
/// a list at all is an error.
pub fn each_raw<T: DeserializeOwned>(json: &[u8], what: &str) -> Result<Vec<T>, serde_json::Error> {
    let items: Vec<&RawValue> = serde_json::from_slice(json)?;
    Ok(items.into_iter().filter_map(|raw| kept(serde_json::from_str(raw.get()), what)).collect())
}

/// Reads an answer that must be one object (an inspect). serde would also read a
/// struct from a list, field by field; a list here is no answer to the question asked.
pub fn object<T: DeserializeOwned>(json: &[u8]) -> Result<T, serde_json::Error> {
    let raw: &RawValue = serde_json::from_slice(json)?;
    if !raw.get().starts_with('{') {
        return Err(serde::de::Error::custom("the answer is not a JSON object"));
    }
    serde_json::from_str(raw.get())
}

/// An element that did not fit is logged by where it failed, not by what it held: the
/// message of a serde error quotes the value, which may be an env value or a secret.
fn kept<T>(read: Result<T, serde_json::Error>, what: &str) -> Option<T> {
    match read {
        Ok(item) => Some(item),
        Err(e) => {
            tracing::warn!(kind = ?e.classify(), line = e.line(), column = e.column(), "skipping {what} in an unexpected shape");
            None
        }
    }
}

/// A field that is null, or of a shape other than expected, reads as its default.
pub fn value<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    let raw = serde_json::Value::deserialize(deserializer)?;
    Ok(T::deserialize(raw).unwrap_or_default())
}

/// A list field: the elements that fit, in order. Null or not a list reads as empty.
pub fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let raw = serde_json::Value::deserialize(deserializer)?;
    Ok(match raw {
        serde_json::Value::Array(items) => items.into_iter().filter_map(|item| T::deserialize(item).ok()).collect(),
        _ => Vec::new(),
    })
}

/// A command as the daemon sends it: Docker sends `Entrypoint` and `Cmd` as lists
/// (or null), Podman may send one string. A string is one word: wharf shows commands,
/// it does not run them, so it does not split them as a shell would.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "OneOrMany")]
pub struct Words(pub Vec<String>);

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl From<OneOrMany> for Words {
    fn from(raw: OneOrMany) -> Self {
        match raw {
            OneOrMany::One(word) => Self(vec![word]),
            OneOrMany::Many(words) => Self(words),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, rename_all = "PascalCase")]
    struct Sample {
        #[serde(deserialize_with = "value")]
        count: u32,
        #[serde(deserialize_with = "list")]
        names: Vec<String>,
        #[serde(deserialize_with = "value")]
        cmd: Words,
    }

    #[test]
    fn odd_fields_read_as_their_defaults() {
        let s: Sample =
            serde_json::from_str(r#"{"Count": "seven", "Names": ["a", 2, "b"], "Cmd": "sleep 1"}"#).unwrap();
        assert_eq!(s.count, 0);
        assert_eq!(s.names, ["a", "b"]);
        assert_eq!(s.cmd, Words(vec!["sleep 1".into()]));
        let s: Sample = serde_json::from_str(r#"{"Count": null, "Names": null, "Cmd": ["sh", "-c", "x"]}"#).unwrap();
        assert_eq!((s.count, s.names.len()), (0, 0));
        assert_eq!(s.cmd.0, ["sh", "-c", "x"]);
        let s: Sample = serde_json::from_str(r#"{"Count": 3, "Names": {"a": 1}, "Cmd": 5}"#).unwrap();
        assert_eq!((s.count, s.names.len(), s.cmd.0.len()), (3, 0, 0));
    }

    #[test]
    fn an_odd_element_is_skipped_not_the_list() {
        let read: Vec<Sample> = each_raw(br#"[{"Count": 1}, 7, {"Count": 2}, "x"]"#, "a sample").unwrap();
        assert_eq!(read.iter().map(|s| s.count).collect::<Vec<_>>(), [1, 2]);
        assert!(each_raw::<Sample>(br#"{"not": "a list"}"#, "a sample").is_err());
        let read: Vec<Sample> = each_in(&serde_json::json!([{"Count": 4}, null]), "a sample");
        assert_eq!(read.len(), 1);
        assert!(each_in::<Sample>(&serde_json::json!({"Count": 4}), "a sample").is_empty());
    }

    #[test]
    fn an_object_answer_must_be_an_object() {
        let read: Sample = object(b" {\"Count\": 2} ").unwrap();
        assert_eq!(read.count, 2);
        assert!(object::<Sample>(b"[2]").is_err());
        assert!(object::<Sample>(b"not json").is_err());
    }
}
