//! Compose projects from their files, without the compose CLI: finding the files as
//! `docker compose` does (`find`), reading them with their positions (`node`),
//! interpolating variables (`interpolate`), merging overrides and `extends`
//! (`merge`), reading what wharf supports and refusing the rest (`read`), the config
//! hash compose labels containers with (`hash`), and what it takes to bring a project
//! up or down against what the daemon has (`plan`).
//!
//! Nothing here does I/O on the daemon: the plan is data that the runner carries out.
//! Reading the files is the only I/O, done when the user asks for a project.

mod build;
pub mod find;
pub mod hash;
pub mod interpolate;
mod merge;
pub mod node;
pub mod plan;
mod read;
pub mod types;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

pub use find::{ProjectOptions, ProjectSource, discover, normalize_project_name};
pub use read::SERVICE_KEYS;
pub use types::{Condition, Healthcheck, Mount, MountKind, Network, Port, Project, Service, ServiceBuild, Volume};

use node::{Node, Pos, Value};

/// What is wrong with a project's files, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeError {
    pub pos: Option<Pos>,
    pub message: String,
}

impl ComposeError {
    pub fn at(pos: &Pos, message: impl Into<String>) -> Self {
        ComposeError { pos: Some(pos.clone()), message: message.into() }
    }

    pub fn plain(message: impl Into<String>) -> Self {
        ComposeError { pos: None, message: message.into() }
    }

    /// (line, column), both from 1, when the error has a place.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        self.pos.as_ref().map(|p| (p.line, p.column))
    }
}

impl fmt::Display for ComposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pos {
            Some(pos) => write!(f, "{pos}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ComposeError {}

/// Finds and reads the project `options` name from `cwd`, with the process environment.
pub fn open(options: &ProjectOptions, cwd: &Path) -> Result<Project, ComposeError> {
    let env: interpolate::Vars = std::env::vars().collect();
    load(&discover(options, cwd, &env)?)
}

/// Reads a found project's files.
pub fn load(source: &ProjectSource) -> Result<Project, ComposeError> {
    let mut docs = Vec::new();
    let mut unset = Vec::new();
    for file in &source.files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| ComposeError::plain(format!("cannot read {}: {e}", file.display())))?;
        let label: Arc<str> = Arc::from(file.display().to_string());
        let doc = node::read_yaml(&text, &label)?;
        let doc = interpolate_node(doc, &source.vars, &mut unset)?;
        read::check_top(&doc)?;
        docs.push(doc);
    }
    if docs.is_empty() {
        return Err(ComposeError::plain("no compose file to read"));
    }
    let mut doc = merge::merge_files(docs);
    merge::resolve_extends(&mut doc)?;
    let name_in_file = match doc.get("name").map(|n| &n.value) {
        Some(Value::Scalar(s)) => Some(s.clone()),
        _ => None,
    };
    let name = find::project_name(source, name_in_file.as_deref())?;
    let ctx = read::ReadContext { project: &name, working_dir: &source.working_dir, vars: &source.vars };
    let mut networks = read::read_networks(&doc, &ctx)?;
    let volumes = read::read_volumes(&doc, &ctx)?;
    let Some(service_nodes) = doc.get("services") else {
        return Err(ComposeError::at(&doc.pos, "the files have no services"));
    };
    let Some(entries) = service_nodes.map() else {
        return Err(ComposeError::at(&service_nodes.pos, "services must be a mapping"));
    };
    let mut services = Vec::new();
    for (key, node) in entries {
        let mut service = read::read_service(key, node, &ctx, &volumes)?;
        service.active = service.profiles.is_empty()
            || service.profiles.iter().any(|p| source.profiles.iter().any(|a| a == p || a == "*"));
        services.push(service);
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    let project_pos = |name: &str| read::pos_of_key(&doc, "services", name);
    for service in services.iter().filter(|s| s.active) {
        for dep in service.depends_on.keys() {
            match services.iter().find(|s| &s.name == dep) {
                None => {
                    return Err(ComposeError::at(
                        &project_pos(&service.name),
                        format!("service {:?} depends on {dep:?}, which is not in the files", service.name),
                    ));
                }
                Some(d) if !d.active => {
                    return Err(ComposeError::at(
                        &project_pos(&service.name),
                        format!(
                            "service {:?} depends on {dep:?}, which runs only with profile {}: add --profile {}",
                            service.name,
                            d.profiles.join(" or "),
                            d.profiles.first().cloned().unwrap_or_default()
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        for net in service.networks.keys() {
            if net != "default" && !networks.contains_key(net) {
                return Err(ComposeError::at(
                    &project_pos(&service.name),
                    format!(
                        "service {:?} uses network {net:?}, which is not under the top-level networks",
                        service.name
                    ),
                ));
            }
        }
    }
    if services.iter().any(|s| s.networks.contains_key("default")) && !networks.contains_key("default") {
        networks.insert(
            "default".into(),
            Network {
                name: format!("{name}_default"),
                external: false,
                driver: None,
                internal: false,
                attachable: false,
                labels: Default::default(),
            },
        );
    }
    let project = Project {
        name,
        working_dir: source.working_dir.clone(),
        config_files: source.files.clone(),
        services,
        networks,
        volumes,
        profiles: source.profiles.clone(),
        unset_variables: unset,
    };
    if let Err(cycle) = plan::start_order(&project, &[]) {
        return Err(ComposeError::plain(cycle));
    }
    Ok(project)
}

/// Interpolates every value (never a key), each error placed at its value.
fn interpolate_node(node: Node, vars: &interpolate::Vars, unset: &mut Vec<String>) -> Result<Node, ComposeError> {
    let pos = node.pos;
    let value = match node.value {
        Value::Scalar(s) => {
            Value::Scalar(interpolate::interpolate(&s, vars, unset).map_err(|e| ComposeError::at(&pos, e))?)
        }
        Value::Seq(items) => {
            Value::Seq(items.into_iter().map(|n| interpolate_node(n, vars, unset)).collect::<Result<_, _>>()?)
        }
        Value::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| interpolate_node(v, vars, unset).map(|v| (k, v)))
                .collect::<Result<_, _>>()?,
        ),
        Value::Null => Value::Null,
    };
    Ok(Node::new(value, pos))
}
