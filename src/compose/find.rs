//! Finding a project as `docker compose` does: which files, which name, which
//! variables, which profiles.

use std::path::{Path, PathBuf};

use super::ComposeError;
use super::interpolate::{Vars, interpolate};

/// The file names compose looks for, in its order, in the current directory and then
/// in each parent.
pub const DEFAULT_FILES: [&str; 4] = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

/// What the command line said (`-f`, `-p`, `--profile`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectOptions {
    pub files: Vec<PathBuf>,
    pub project_name: Option<String>,
    pub profiles: Vec<String>,
}

/// Where a project's files are and what it is called, before its files are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSource {
    /// Absolute paths, in override order (later files override earlier ones).
    pub files: Vec<PathBuf>,
    /// The first file's directory: relative paths in the files start here.
    pub working_dir: PathBuf,
    /// The name given by `-p` or `COMPOSE_PROJECT_NAME`; else the file's `name:` or the
    /// directory's name decide (see `project_name`).
    pub explicit_name: Option<String>,
    /// The process environment over the project's `.env` file.
    pub vars: Vars,
    pub profiles: Vec<String>,
}

/// Finds the project for `options`, run from `cwd` with the environment `env`.
pub fn discover(options: &ProjectOptions, cwd: &Path, env: &Vars) -> Result<ProjectSource, ComposeError> {
    // COMPOSE_* settings may also come from a `.env` in the current directory.
    let cwd_dotenv = read_dotenv(&cwd.join(".env"), env)?;
    let setting = |name: &str| env.get(name).or_else(|| cwd_dotenv.get(name)).filter(|v| !v.is_empty()).cloned();
    let files: Vec<PathBuf> = if !options.files.is_empty() {
        options.files.iter().map(|f| absolute(cwd, f)).collect()
    } else if let Some(list) = setting("COMPOSE_FILE") {
        let separator = setting("COMPOSE_PATH_SEPARATOR").unwrap_or_else(|| ":".into());
        list.split(separator.as_str()).filter(|s| !s.is_empty()).map(|f| absolute(cwd, Path::new(f))).collect()
    } else {
        find_default_files(cwd)?
    };
    for file in &files {
        if !file.is_file() {
            return Err(ComposeError::plain(format!("compose file {} not found", file.display())));
        }
    }
    let working_dir =
        files.first().and_then(|f| f.parent()).map(Path::to_path_buf).unwrap_or_else(|| cwd.to_path_buf());
    let mut vars = read_dotenv(&working_dir.join(".env"), env)?;
    // The process environment wins over `.env`.
    for (k, v) in env {
        vars.insert(k.clone(), v.clone());
    }
    let explicit_name = match options.project_name.clone().or_else(|| setting("COMPOSE_PROJECT_NAME")) {
        Some(name) => Some(check_project_name(&name)?),
        None => None,
    };
    let profiles = if options.profiles.is_empty() {
        setting("COMPOSE_PROFILES")
            .map(|p| p.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect())
            .unwrap_or_default()
    } else {
        options.profiles.clone()
    };
    Ok(ProjectSource { files, working_dir, explicit_name, vars, profiles })
}

fn absolute(cwd: &Path, file: &Path) -> PathBuf {
    if file.is_absolute() { file.to_path_buf() } else { cwd.join(file) }
}

/// The first default file in `cwd` or a parent, with its override file beside it
/// (`compose.override.yaml` for `compose.yaml`, ...), which compose reads too.
fn find_default_files(cwd: &Path) -> Result<Vec<PathBuf>, ComposeError> {
    for dir in cwd.ancestors() {
        for name in DEFAULT_FILES {
            let file = dir.join(name);
            if file.is_file() {
                let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
                let mut files = vec![file];
                for ext in ["yaml", "yml"] {
                    let over = dir.join(format!("{stem}.override.{ext}"));
                    if over.is_file() {
                        files.push(over);
                        break;
                    }
                }
                return Ok(files);
            }
        }
    }
    Err(ComposeError::plain(format!(
        "no compose file in {} or its parents (looked for {}); name one with -f",
        cwd.display(),
        DEFAULT_FILES.join(", ")
    )))
}

/// A name given with `-p` must already be one compose accepts.
pub fn check_project_name(name: &str) -> Result<String, ComposeError> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(name.to_string())
    } else {
        Err(ComposeError::plain(format!(
            "project name {name:?} is not valid: it must be lowercase letters, digits, '_' and '-', \
             and start with a letter or digit"
        )))
    }
}

/// A directory's name as compose makes a project name of it: lowercase, only
/// `[a-z0-9_-]`, and what is left before the first letter or digit dropped.
pub fn normalize_project_name(raw: &str) -> String {
    let kept: String = raw
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit())).to_string()
}

/// The project's name: the explicit one, else the file's `name:`, else the directory's.
pub fn project_name(source: &ProjectSource, name_in_file: Option<&str>) -> Result<String, ComposeError> {
    if let Some(name) = &source.explicit_name {
        return Ok(name.clone());
    }
    if let Some(name) = name_in_file.filter(|n| !n.is_empty()) {
        return check_project_name(name);
    }
    let dir = source.working_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = normalize_project_name(&dir);
    if name.is_empty() {
        return Err(ComposeError::plain(format!(
            "the directory name {dir:?} leaves no project name: give one with -p or COMPOSE_PROJECT_NAME"
        )));
    }
    Ok(name)
}

/// Reads a `.env` file (none is fine). Values may be quoted; unquoted and double-quoted
/// ones are interpolated with what is known so far, as compose does.
pub fn read_dotenv(path: &Path, env: &Vars) -> Result<Vars, ComposeError> {
    let Ok(text) = std::fs::read_to_string(path) else { return Ok(Vars::new()) };
    parse_dotenv(&text, env)
        .map_err(|(line, message)| ComposeError::plain(format!("{}:{line}: {message}", path.display())))
}

pub fn parse_dotenv(text: &str, env: &Vars) -> Result<Vars, (usize, String)> {
    let mut vars = Vars::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            return Err((n + 1, format!("{line:?} is not KEY=VALUE")));
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c == '_' || c == '.' || c == '-' || c.is_ascii_alphanumeric()) {
            return Err((n + 1, format!("{key:?} is not a variable name")));
        }
        let value = value.trim();
        let value = if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            inner.to_string()
        } else {
            let (text, quoted) = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(inner) => (inner.replace("\\n", "\n").replace("\\\"", "\""), true),
                None => (value.to_string(), false),
            };
            // An unquoted value ends at ` #`.
            let text = if quoted { text } else { text.split(" #").next().unwrap_or_default().trim_end().to_string() };
            let mut known = env.clone();
            known.extend(vars.clone());
            interpolate(&text, &known, &mut Vec::new()).map_err(|e| (n + 1, e))?
        };
        vars.insert(key.to_string(), value);
    }
    Ok(vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names_become_project_names_as_compose_makes_them() {
        assert_eq!(normalize_project_name("My App"), "myapp");
        assert_eq!(normalize_project_name("__web.site-2"), "website-2");
        assert_eq!(normalize_project_name("-_x_"), "x_");
        assert_eq!(normalize_project_name("Ünïcode"), "ncode");
        assert_eq!(normalize_project_name("..."), "");
    }

    #[test]
    fn explicit_names_must_be_valid_already() {
        assert!(check_project_name("shop-2_a").is_ok());
        assert!(check_project_name("Shop").is_err());
        assert!(check_project_name("_x").is_err());
        assert!(check_project_name("").is_err());
    }

    #[test]
    fn dotenv_quotes_comments_and_interpolation() {
        let env: Vars = [("HOME".to_string(), "/root".to_string())].into();
        let text = "# comment\nA=1\nexport B = two words # note\nC='$A literal'\nD=\"${A}-x\"\nE=$HOME/data\n\nF=\n";
        let vars = parse_dotenv(text, &env).unwrap();
        assert_eq!(vars["A"], "1");
        assert_eq!(vars["B"], "two words");
        assert_eq!(vars["C"], "$A literal");
        assert_eq!(vars["D"], "1-x");
        assert_eq!(vars["E"], "/root/data");
        assert_eq!(vars["F"], "");
        assert_eq!(parse_dotenv("oops\n", &env).unwrap_err().0, 1);
    }
}
