//! A compose file as a tree of nodes that remember where they were written, so every
//! mistake found later (an unknown key, a bad port, a variable that must be set) can
//! name its file, line and column.
//!
//! saphyr reads the YAML (see `read_yaml`); this tree is wharf's own so the rest of the
//! compose module never names the YAML crate. Anchors and aliases are resolved by
//! saphyr (with its node budget against alias bombs); merge keys (`<<: *base`), which
//! compose files use a lot and YAML 1.2 dropped, are resolved here.

use std::fmt;
use std::sync::Arc;

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, YamlDataOwned};

use super::ComposeError;

/// Where a node was written: file, line and column, both counted from 1.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pos {
    pub file: Arc<str>,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Every scalar as text: compose reads numbers and booleans from their text too
    /// (`replicas: ${N}` is text until interpolated).
    Scalar(String),
    Seq(Vec<Node>),
    /// Keys in the order written.
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

impl Node {
    pub fn new(value: Value, pos: Pos) -> Self {
        Node { value, pos }
    }

    pub fn map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.map()?.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)
    }

    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Scalar(_) => "a value",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Reads one YAML document. An empty file is an empty mapping.
pub fn read_yaml(text: &str, file: &Arc<str>) -> Result<Node, ComposeError> {
    let docs = MarkedYamlOwned::load_from_str(text).map_err(|e| {
        let m = e.marker();
        ComposeError::at(
            &Pos { file: file.clone(), line: m.line(), column: m.col() + 1 },
            format!("YAML error: {}", e.info()),
        )
    })?;
    let start = Pos { file: file.clone(), line: 1, column: 1 };
    let Some(doc) = docs.into_iter().next() else {
        return Ok(Node::new(Value::Map(Vec::new()), start));
    };
    convert(doc, file)
}

fn pos_of(node: &MarkedYamlOwned, file: &Arc<str>) -> Pos {
    Pos { file: file.clone(), line: node.span.start.line(), column: node.span.start.col() + 1 }
}

fn convert(node: MarkedYamlOwned, file: &Arc<str>) -> Result<Node, ComposeError> {
    let pos = pos_of(&node, file);
    let value = match node.data {
        YamlDataOwned::Value(scalar) => match scalar {
            ScalarOwned::Null => Value::Null,
            ScalarOwned::Boolean(b) => Value::Scalar(b.to_string()),
            ScalarOwned::Integer(i) => Value::Scalar(i.to_string()),
            ScalarOwned::FloatingPoint(f) => Value::Scalar(f.to_string()),
            ScalarOwned::String(s) => Value::Scalar(s),
        },
        YamlDataOwned::Representation(s, _, _) => Value::Scalar(s),
        YamlDataOwned::Sequence(items) => {
            Value::Seq(items.into_iter().map(|n| convert(n, file)).collect::<Result<_, _>>()?)
        }
        YamlDataOwned::Mapping(map) => {
            let mut entries: Vec<(Key, Node)> = Vec::new();
            let mut merged: Vec<(Key, Node)> = Vec::new();
            for (k, v) in map {
                let key_pos = pos_of(&k, file);
                let name = match convert(k, file)?.value {
                    Value::Scalar(s) => s,
                    Value::Null => String::new(),
                    _ => return Err(ComposeError::at(&key_pos, "a key must be plain text")),
                };
                let value = convert(v, file)?;
                if name == "<<" {
                    merge_key_sources(&value, &mut merged)?;
                } else {
                    entries.push((Key { name, pos: key_pos }, value));
                }
            }
            // Keys written in the mapping win over those merged in.
            for (k, v) in merged {
                if !entries.iter().any(|(e, _)| e.name == k.name) {
                    entries.push((k, v));
                }
            }
            Value::Map(entries)
        }
        YamlDataOwned::Tagged(_, inner) => return convert(*inner, file),
        YamlDataOwned::Alias(_) | YamlDataOwned::BadValue => {
            return Err(ComposeError::at(&pos, "this value cannot be read"));
        }
    };
    Ok(Node::new(value, pos))
}

/// `<<: *a` or `<<: [*a, *b]`: earlier sources win over later ones, as YAML 1.1 says.
fn merge_key_sources(value: &Node, merged: &mut Vec<(Key, Node)>) -> Result<(), ComposeError> {
    let sources: Vec<&Node> = match &value.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![value],
    };
    for source in sources {
        let Some(entries) = source.map() else {
            return Err(ComposeError::at(&source.pos, "a merge key (<<) takes a mapping or a list of mappings"));
        };
        for (k, v) in entries {
            if !merged.iter().any(|(m, _)| m.name == k.name) {
                merged.push((k.clone(), v.clone()));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Arc<str> {
        Arc::from("compose.yaml")
    }

    #[test]
    fn positions_are_one_based() {
        let node = read_yaml("services:\n  web:\n    image: nginx\n", &file()).unwrap();
        let web = node.get("services").unwrap().get("web").unwrap();
        let (key, value) = &web.map().unwrap()[0];
        assert_eq!((key.pos.line, key.pos.column), (3, 5));
        assert_eq!(value.value, Value::Scalar("nginx".into()));
    }

    #[test]
    fn merge_keys_fill_in_what_the_mapping_lacks() {
        let text = "x: &base\n  a: 1\n  b: 2\ny:\n  <<: *base\n  b: 3\n";
        let node = read_yaml(text, &file()).unwrap();
        let y = node.get("y").unwrap();
        assert_eq!(y.get("a").unwrap().value, Value::Scalar("1".into()));
        assert_eq!(y.get("b").unwrap().value, Value::Scalar("3".into()));
    }

    #[test]
    fn yaml_errors_say_where() {
        let err = read_yaml("services:\n  web:\n    image: [nginx\n", &file()).unwrap_err();
        assert!(err.to_string().starts_with("compose.yaml:"), "{err}");
        assert!(err.to_string().contains("YAML error"), "{err}");
        let dup = read_yaml("a: 1\na: 2\n", &file()).unwrap_err();
        assert!(dup.to_string().contains("compose.yaml:"), "{dup}");
    }
}
