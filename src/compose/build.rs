//! A service's `build:`, in its two forms: a string (the context directory) or a map
//! with `context`, `dockerfile`, `args`, `target`, `no_cache` and `pull`. The
//! context is relative to the project directory, the Dockerfile to the context, as in
//! `docker compose`. Other build keys are refused by name.

use std::path::PathBuf;

use super::ComposeError;
use super::node::{Node, Value};
use super::read::{ReadContext, bind_source, boolean, check_keys, key_values, opt_text};
use super::types::ServiceBuild;

pub const BUILD_KEYS: &[&str] = &["context", "dockerfile", "args", "target", "no_cache", "pull"];

/// The image a built service gets when the file names none: `project-service`.
pub fn default_image(project: &str, service: &str) -> String {
    format!("{project}-{service}")
}

pub fn read_build(node: &Node, path: &str, ctx: &ReadContext) -> Result<ServiceBuild, ComposeError> {
    let p = |k: &str| format!("{path}.{k}");
    let (context, dockerfile, args, target, no_cache, pull) = match &node.value {
        Value::Scalar(context) => (context.clone(), None, Default::default(), None, false, false),
        Value::Map(_) => {
            check_keys(node, path, BUILD_KEYS)?;
            let flag = |k: &str| node.get(k).map(|n| boolean(n, &p(k))).transpose().map(|b| b.unwrap_or(false));
            (
                opt_text(node.get("context"), &p("context"))?.unwrap_or_else(|| ".".into()),
                opt_text(node.get("dockerfile"), &p("dockerfile"))?,
                node.get("args").map(|n| key_values(n, &p("args"))).transpose()?.unwrap_or_default(),
                opt_text(node.get("target"), &p("target"))?,
                flag("no_cache")?,
                flag("pull")?,
            )
        }
        _ => {
            return Err(ComposeError::at(
                &node.pos,
                format!("{path} must be a context directory or a mapping, not {}", node.kind()),
            ));
        }
    };
    let context = context.trim();
    if context.is_empty() {
        return Err(ComposeError::at(&node.pos, format!("{} is empty", p("context"))));
    }
    if context.contains("://") || context.starts_with("git@") {
        return Err(ComposeError::at(
            &node.get("context").unwrap_or(node).pos,
            format!(
                "{}: a remote context ({context}) is not supported by wharf yet: clone it and name the directory",
                p("context")
            ),
        ));
    }
    let dockerfile = dockerfile.unwrap_or_else(|| "Dockerfile".into());
    if dockerfile.trim().is_empty() {
        return Err(ComposeError::at(&node.pos, format!("{} is empty", p("dockerfile"))));
    }
    // A bare `NAME` takes the value wharf runs with; unset there, it is left out.
    let args = args.into_iter().filter_map(|(k, v)| v.or_else(|| ctx.vars.get(&k).cloned()).map(|v| (k, v))).collect();
    Ok(ServiceBuild {
        context: PathBuf::from(bind_source(context, ctx.working_dir)),
        dockerfile,
        args,
        target: target.unwrap_or_default(),
        no_cache,
        pull,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::compose::interpolate::Vars;
    use crate::compose::node::read_yaml;

    fn read(yaml: &str, vars: &Vars) -> Result<ServiceBuild, ComposeError> {
        let doc = read_yaml(yaml, &std::sync::Arc::from("compose.yaml")).unwrap();
        let ctx = ReadContext { project: "shop", working_dir: Path::new("/srv/shop"), vars };
        read_build(doc.get("build").unwrap(), "services.app.build", &ctx)
    }

    #[test]
    fn the_string_form_is_the_context_with_the_default_dockerfile() {
        let build = read("build: ./app\n", &Vars::new()).unwrap();
        assert_eq!(build.context, PathBuf::from("/srv/shop/app"));
        assert_eq!(build.dockerfile, "Dockerfile");
        assert!(build.args.is_empty() && build.target.is_empty() && !build.no_cache && !build.pull);
        assert_eq!(read("build: .\n", &Vars::new()).unwrap().context, PathBuf::from("/srv/shop"));
        assert_eq!(read("build: ../lib\n", &Vars::new()).unwrap().context, PathBuf::from("/srv/lib"));
        assert_eq!(read("build: /abs/ctx\n", &Vars::new()).unwrap().context, PathBuf::from("/abs/ctx"));
    }

    #[test]
    fn the_map_form_reads_context_dockerfile_args_and_target() {
        let vars: Vars = [("FROM_SHELL".to_string(), "shell".to_string())].into_iter().collect();
        let yaml = "build:\n  context: web\n  dockerfile: docker/Dockerfile.dev\n  args:\n    GREETING: hi there\n    FROM_SHELL:\n    UNSET:\n  target: final\n  no_cache: true\n";
        let build = read(yaml, &vars).unwrap();
        assert_eq!(build.context, PathBuf::from("/srv/shop/web"));
        assert_eq!(build.dockerfile, "docker/Dockerfile.dev");
        assert_eq!(
            build.args,
            vec![("FROM_SHELL".into(), "shell".into()), ("GREETING".into(), "hi there".into())],
            "a bare name takes the shell's value; unset, it is left out"
        );
        assert_eq!(build.target, "final");
        assert!(build.no_cache && !build.pull);
        // Args as a list, and no context: the project directory.
        let build = read("build:\n  args: [A=1, B]\n", &Vars::new()).unwrap();
        assert_eq!(build.context, PathBuf::from("/srv/shop"));
        assert_eq!(build.args, vec![("A".into(), "1".into())]);
    }

    #[test]
    fn other_build_keys_remote_contexts_and_odd_forms_are_refused_where_they_are() {
        let err = read("build:\n  context: .\n  ssh: [default]\n", &Vars::new()).unwrap_err();
        assert_eq!(err.line_column(), Some((3, 3)), "{err}");
        assert!(err.message.contains("services.app.build.ssh is not supported by wharf's builds yet"), "{err}");
        let err = read("build:\n  contxt: .\n", &Vars::new()).unwrap_err();
        assert!(err.message.contains("services.app.build.contxt is not a key wharf knows here"), "{err}");
        let err = read("build: https://github.com/x/y.git\n", &Vars::new()).unwrap_err();
        assert!(err.message.contains("remote context"), "{err}");
        let err = read("build: [a]\n", &Vars::new()).unwrap_err();
        assert!(err.message.contains("must be a context directory or a mapping"), "{err}");
        let err = read("build:\n  dockerfile: ''\n", &Vars::new()).unwrap_err();
        assert!(err.message.contains("dockerfile is empty"), "{err}");
    }
}
