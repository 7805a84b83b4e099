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
//! - Streaming fields, for answers read by the thousand (the container list): [`text`],
//!   [`number`], [`port`], [`text_map`], [`keys`], [`record`] and [`records`] take a
//!   field as it streams past, with no tree of it built first (`value` and `list`
//!   build one, then read it), and read anything of another shape as empty.

use std::collections::HashMap;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
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

/// What a streaming reader takes from each shape of JSON value. A shape it does not
/// take is skipped over and reads as `Value::default()`.
trait Take<'de> {
    type Value: Default;
    fn text(_text: &str) -> Self::Value {
        Self::Value::default()
    }
    fn integer(_number: i128) -> Self::Value {
        Self::Value::default()
    }
    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Self::Value::default())
    }
    fn list<A: SeqAccess<'de>>(mut list: A) -> Result<Self::Value, A::Error> {
        while list.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Self::Value::default())
    }
}

/// The visitor behind every streaming reader: hands each shape to `T`.
struct Lenient<T>(PhantomData<T>);

impl<T> Lenient<T> {
    fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, T: Take<'de>> Visitor<'de> for Lenient<T> {
    type Value = T::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T::Value, E> {
        Ok(T::text(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T::Value, E> {
        Ok(T::integer(v.into()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T::Value, E> {
        Ok(T::integer(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<T::Value, E> {
        Ok(T::Value::default())
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<T::Value, E> {
        Ok(T::Value::default())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<T::Value, E> {
        Ok(T::Value::default())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<T::Value, E> {
        Ok(T::Value::default())
    }
    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<T::Value, D::Error> {
        inner.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T::Value, A::Error> {
        T::map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, list: A) -> Result<T::Value, A::Error> {
        T::list(list)
    }
}

impl<'de, T: Take<'de>> DeserializeSeed<'de> for Lenient<T> {
    type Value = T::Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn stream<'de, T: Take<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<T::Value, D::Error> {
    deserializer.deserialize_any(Lenient::<T>::new())
}

/// A text field: a string, or empty.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    stream::<Text, D>(deserializer)
}

/// A whole number (a timestamp, a count): 0 for anything else or out of range.
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    stream::<Number, D>(deserializer)
}

/// A port number: none for anything else or out of range.
pub fn port<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u16>, D::Error> {
    stream::<Port, D>(deserializer)
}

/// Text by name (labels): the entries whose value is text; the rest are left out.
pub fn text_map<'de, D: Deserializer<'de>>(deserializer: D) -> Result<HashMap<String, String>, D::Error> {
    stream::<TextMap, D>(deserializer)
}

/// The names of an object (networks by name), what each holds skipped over.
pub fn keys<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    stream::<Keys, D>(deserializer)
}

/// An object read as `T`, or `T`'s default for anything else. Every field of `T` must
/// read leniently itself (these readers, or `Option` of a plain type): a field that
/// fails fails the whole answer, as it is read in the same pass.
pub fn record<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(deserializer: D) -> Result<T, D::Error> {
    Ok(stream::<Record<T>, D>(deserializer)?.unwrap_or_default())
}

/// A list of objects read as `T` (each as [`record`] says); elements that are not
/// objects are left out, and anything but a list reads as empty.
pub fn records<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
    stream::<Records<T>, D>(deserializer)
}

enum Text {}
impl Take<'_> for Text {
    type Value = String;
    fn text(text: &str) -> String {
        text.to_owned()
    }
}

/// Text or nothing: a label's value.
enum MaybeText {}
impl Take<'_> for MaybeText {
    type Value = Option<String>;
    fn text(text: &str) -> Option<String> {
        Some(text.to_owned())
    }
}

enum Number {}
impl Take<'_> for Number {
    type Value = i64;
    fn integer(number: i128) -> i64 {
        i64::try_from(number).unwrap_or_default()
    }
}

enum Port {}
impl Take<'_> for Port {
    type Value = Option<u16>;
    fn integer(number: i128) -> Option<u16> {
        u16::try_from(number).ok()
    }
}

enum TextMap {}
impl<'de> Take<'de> for TextMap {
    type Value = HashMap<String, String>;
    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = HashMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if let Some(value) = map.next_value_seed(Lenient::<MaybeText>::new())? {
                out.insert(key, value);
            }
        }
        Ok(out)
    }
}

enum Keys {}
impl<'de> Take<'de> for Keys {
    type Value = Vec<String>;
    fn map<A: MapAccess<'de>>(mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            map.next_value::<IgnoredAny>()?;
            out.push(key);
        }
        Ok(out)
    }
}

struct Record<T>(PhantomData<T>);
impl<'de, T: Deserialize<'de>> Take<'de> for Record<T> {
    type Value = Option<T>;
    fn map<A: MapAccess<'de>>(map: A) -> Result<Option<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }
}

struct Records<T>(PhantomData<T>);
impl<'de, T: Deserialize<'de>> Take<'de> for Records<T> {
    type Value = Vec<T>;
    fn list<A: SeqAccess<'de>>(mut list: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        while let Some(element) = list.next_element_seed(Lenient::<Record<T>>::new())? {
            out.extend(element);
        }
        Ok(out)
    }
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

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, rename_all = "PascalCase")]
    struct Streamed {
        #[serde(deserialize_with = "text")]
        name: String,
        #[serde(deserialize_with = "number")]
        created: i64,
        #[serde(deserialize_with = "port")]
        port: Option<u16>,
        #[serde(deserialize_with = "text_map")]
        labels: HashMap<String, String>,
        #[serde(deserialize_with = "keys")]
        networks: Vec<String>,
        #[serde(deserialize_with = "records")]
        ports: Vec<Streamed>,
        #[serde(deserialize_with = "record")]
        inner: Inner,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, rename_all = "PascalCase")]
    struct Inner {
        #[serde(deserialize_with = "text")]
        name: String,
    }

    #[test]
    fn streaming_readers_take_their_shape_and_skip_any_other() {
        let good = r#"{"Name": "web", "Created": 1700000000, "Port": 8080, "Labels": {"a": "1", "b": 2, "c": "3"},
            "Networks": {"bridge": {"IPAddress": "172.17.0.2", "Deep": [1, {"x": null}]}, "db": null},
            "Ports": [{"Port": 80}, 7, "80/tcp", null, {"Port": "eighty", "Name": ["x"]}],
            "Inner": {"Name": "in", "Extra": {"skipped": true}}, "Unknown": [1, 2]}"#;
        let odd = r#"{"Name": {"a": ["b"]}, "Created": -1.5, "Port": 70000, "Labels": ["a"], "Networks": "bridge",
            "Ports": {"Port": 80}, "Inner": "text"}"#;
        // Read from the text as the lists are, and from a tree as `each_in` reads.
        let from_tree = |json: &str| -> Streamed {
            Streamed::deserialize(serde_json::from_str::<serde_json::Value>(json).unwrap()).unwrap()
        };
        for s in [serde_json::from_str::<Streamed>(good).unwrap(), from_tree(good)] {
            assert_eq!((s.name.as_str(), s.created, s.port), ("web", 1_700_000_000, Some(8080)));
            let mut labels: Vec<_> = s.labels.iter().collect();
            labels.sort();
            assert_eq!(labels, [(&"a".to_string(), &"1".to_string()), (&"c".to_string(), &"3".to_string())]);
            assert_eq!(s.networks, ["bridge", "db"]);
            assert_eq!(s.ports.iter().map(|p| p.port).collect::<Vec<_>>(), [Some(80), None]);
            assert_eq!(s.inner.name, "in");
        }
        for s in [serde_json::from_str::<Streamed>(odd).unwrap(), from_tree(odd)] {
            assert_eq!((s.name.as_str(), s.created, s.port), ("", 0, None));
            assert!(s.labels.is_empty() && s.networks.is_empty() && s.ports.is_empty() && s.inner.name.is_empty());
        }
        let nulls = r#"{"Name": null, "Created": null, "Port": null, "Labels": null, "Networks": null, "Ports": null}"#;
        let s: Streamed = serde_json::from_str(nulls).unwrap();
        assert_eq!((s.name.as_str(), s.created, s.port, s.labels.len(), s.ports.len()), ("", 0, None, 0, 0));
        assert!(serde_json::from_str::<Streamed>(r#"{"Name": "cut"#).is_err(), "broken JSON is still an error");
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
