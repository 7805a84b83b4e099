//! Several files (`-f a.yaml -f b.yaml`, or a file and its `.override.yaml`) and
//! `extends` merge as compose merges them: mappings key by key, the later value
//! winning; `command`, `entrypoint` and `healthcheck.test` replaced whole; lists of
//! ports, volumes, expose and env files appended (later volumes replace earlier ones
//! on the same target when read); `environment`, `labels`, `depends_on` and service
//! `networks`, whether written as lists or mappings, merged by key.

use super::ComposeError;
use super::node::{Key, Node, Value};

/// Service keys whose value replaces the earlier one whole.
const REPLACED: [&str; 3] = ["command", "entrypoint", "test"];
/// Service keys that are merged by key whether written as a list or a mapping.
const KEYED: [&str; 4] = ["environment", "labels", "depends_on", "networks"];

/// Merges the top-level documents of several files, later over earlier.
pub fn merge_files(mut docs: Vec<Node>) -> Node {
    let mut base = docs.remove(0);
    for over in docs {
        base = merge(base, over, 0, "");
    }
    base
}

/// `depth`: 0 the document, 1 a top-level section, 2 an entry (a service), 3 a
/// service's key.
fn merge(base: Node, over: Node, depth: usize, key: &str) -> Node {
    if depth == 3 && KEYED.contains(&key) {
        let base = keyed(base);
        let over = keyed(over);
        return merge_maps(base, over, 4);
    }
    if depth >= 3 && REPLACED.contains(&key) {
        return over;
    }
    match (&base.value, &over.value) {
        (Value::Map(_), Value::Map(_)) => merge_maps(base, over, depth + 1),
        (Value::Seq(a), Value::Seq(b)) => {
            let mut items = a.clone();
            for item in b {
                if !items.contains(item) {
                    items.push(item.clone());
                }
            }
            Node::new(Value::Seq(items), over.pos)
        }
        _ => over,
    }
}

fn merge_maps(base: Node, over: Node, depth: usize) -> Node {
    let (Value::Map(mut entries), Value::Map(over_entries)) = (base.value, &over.value) else {
        // Not two mappings (one is malformed): the later one stands, and reading it
        // says what is wrong.
        return over;
    };
    let over_entries = over_entries.clone();
    for (k, v) in over_entries {
        match entries.iter().position(|(e, _)| e.name == k.name) {
            Some(i) => {
                let (_, old) = entries.remove(i);
                let merged = merge(old, v, depth, &k.name);
                entries.insert(i, (k, merged));
            }
            None => entries.push((k, v)),
        }
    }
    Node::new(Value::Map(entries), over.pos)
}

/// A list written for a keyed section, as a mapping: `KEY=VALUE` (environment,
/// labels) or a bare name (depends_on, networks: a null value).
pub fn keyed(node: Node) -> Node {
    let Value::Seq(items) = node.value else { return node };
    let mut entries: Vec<(Key, Node)> = Vec::new();
    for item in items {
        let Value::Scalar(text) = &item.value else {
            // Left as it is: reading it later says what is wrong.
            return Node::new(Value::Seq(Vec::new()), node.pos);
        };
        let (name, value) = match text.split_once('=') {
            Some((k, v)) => (k.to_string(), Value::Scalar(v.to_string())),
            None => (text.clone(), Value::Null),
        };
        let key = Key { name, pos: item.pos.clone() };
        entries.retain(|(k, _)| k.name != key.name);
        entries.push((key, Node::new(value, item.pos)));
    }
    Node::new(Value::Map(entries), node.pos)
}

/// Resolves `extends: {service: base}` (or `extends: base`) within the merged file:
/// the service is its base with its own keys merged over it.
pub fn resolve_extends(doc: &mut Node) -> Result<(), ComposeError> {
    let Some(services) = doc.get("services").and_then(Node::map) else { return Ok(()) };
    let names: Vec<String> = services.iter().map(|(k, _)| k.name.clone()).collect();
    let original: Vec<(Key, Node)> = services.to_vec();
    let mut resolved: Vec<(Key, Node)> = Vec::new();
    for name in &names {
        let mut chain = Vec::new();
        let node = resolve_one(name, &original, &mut chain)?;
        let key = original.iter().find(|(k, _)| &k.name == name).map(|(k, _)| k.clone());
        if let Some(key) = key {
            resolved.push((key, node));
        }
    }
    if let Value::Map(entries) = &mut doc.value
        && let Some((_, services)) = entries.iter_mut().find(|(k, _)| k.name == "services")
    {
        services.value = Value::Map(resolved);
    }
    Ok(())
}

fn resolve_one(name: &str, services: &[(Key, Node)], chain: &mut Vec<String>) -> Result<Node, ComposeError> {
    let Some((_, node)) = services.iter().find(|(k, _)| k.name == name) else {
        return Err(ComposeError::plain(format!("service {name:?} is not in the file")));
    };
    let Some(extends) = node.get("extends") else { return Ok(node.clone()) };
    let base_name = match &extends.value {
        Value::Scalar(s) => s.clone(),
        Value::Map(entries) => {
            for (k, _) in entries {
                match k.name.as_str() {
                    "service" => {}
                    "file" => {
                        return Err(ComposeError::at(
                            &k.pos,
                            format!(
                                "services.{name}.extends.file: extending a service of another file is not supported by wharf"
                            ),
                        ));
                    }
                    other => {
                        return Err(ComposeError::at(
                            &k.pos,
                            format!("services.{name}.extends.{other} is not a key of extends"),
                        ));
                    }
                }
            }
            match extends.get("service").map(|n| &n.value) {
                Some(Value::Scalar(s)) => s.clone(),
                _ => return Err(ComposeError::at(&extends.pos, format!("services.{name}.extends needs a service"))),
            }
        }
        _ => return Err(ComposeError::at(&extends.pos, format!("services.{name}.extends needs a service"))),
    };
    if chain.iter().any(|c| c == name) {
        chain.push(name.to_string());
        return Err(ComposeError::at(
            &extends.pos,
            format!("services extend each other in a circle: {}", chain.join(" -> ")),
        ));
    }
    if !services.iter().any(|(k, _)| k.name == base_name) {
        return Err(ComposeError::at(
            &extends.pos,
            format!("services.{name}.extends names service {base_name:?}, which is not in the file"),
        ));
    }
    chain.push(name.to_string());
    let base = resolve_one(&base_name, services, chain)?;
    let mut own = node.clone();
    if let Value::Map(entries) = &mut own.value {
        entries.retain(|(k, _)| k.name != "extends");
    }
    Ok(merge(base, own, 2, name))
}

#[cfg(test)]
mod tests {
    use super::super::node::read_yaml;
    use super::*;
    use std::sync::Arc;

    fn doc(text: &str) -> Node {
        read_yaml(text, &Arc::from("t.yaml")).unwrap()
    }

    fn scalar(node: &Node) -> &str {
        match &node.value {
            Value::Scalar(s) => s,
            other => panic!("not a scalar: {other:?}"),
        }
    }

    #[test]
    fn later_files_override_and_lists_merge_as_compose_merges_them() {
        let base = doc(
            "services:\n  web:\n    image: a\n    command: [x, y]\n    ports: ['80:80']\n    environment: [A=1, B=2]\n",
        );
        let over = doc(
            "services:\n  web:\n    image: b\n    command: [z]\n    ports: ['443:443']\n    environment:\n      B: 3\n",
        );
        let merged = merge_files(vec![base, over]);
        let web = merged.get("services").unwrap().get("web").unwrap();
        assert_eq!(scalar(web.get("image").unwrap()), "b");
        let Value::Seq(cmd) = &web.get("command").unwrap().value else { panic!() };
        assert_eq!(cmd.len(), 1);
        let Value::Seq(ports) = &web.get("ports").unwrap().value else { panic!() };
        assert_eq!(ports.len(), 2);
        let env = web.get("environment").unwrap();
        assert_eq!(scalar(env.get("A").unwrap()), "1");
        assert_eq!(scalar(env.get("B").unwrap()), "3");
    }

    #[test]
    fn extends_within_the_file() {
        let mut d = doc(
            "services:\n  base:\n    image: busybox\n    environment: {A: '1'}\n  app:\n    extends: base\n    environment: {B: '2'}\n  deep:\n    extends: {service: app}\n    image: other\n",
        );
        resolve_extends(&mut d).unwrap();
        let services = d.get("services").unwrap();
        let app = services.get("app").unwrap();
        assert_eq!(scalar(app.get("image").unwrap()), "busybox");
        assert!(app.get("extends").is_none());
        assert_eq!(scalar(app.get("environment").unwrap().get("A").unwrap()), "1");
        let deep = services.get("deep").unwrap();
        assert_eq!(scalar(deep.get("image").unwrap()), "other");
        assert_eq!(scalar(deep.get("environment").unwrap().get("B").unwrap()), "2");
    }

    #[test]
    fn extends_in_a_circle_or_to_another_file_is_an_error() {
        let mut circle = doc("services:\n  a:\n    extends: b\n  b:\n    extends: a\n");
        let err = resolve_extends(&mut circle).unwrap_err().to_string();
        assert!(err.contains("circle"), "{err}");
        let mut other = doc("services:\n  a:\n    extends:\n      file: other.yaml\n      service: b\n");
        let err = resolve_extends(&mut other).unwrap_err().to_string();
        assert!(err.contains("t.yaml:4:7") && err.contains("extends.file"), "{err}");
    }
}
