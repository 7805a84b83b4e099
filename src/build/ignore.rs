//! `.dockerignore`, matched as Docker matches it (moby's `patternmatcher` and the
//! CLI's `dockerignore` reader):
//! - one pattern a line; `#` in the first column starts a comment line; surrounding
//!   spaces are trimmed; a UTF-8 BOM before the first line is dropped;
//! - each pattern is cleaned like a path (`a//b/./c` is `a/b/c`) and a leading `/` is
//!   dropped: patterns are always relative to the context's root;
//! - `*` is any run of characters but `/`, `?` one character but `/`, `[...]` a class,
//!   `\` escapes the next character, `**` any number of directories (zero included);
//! - a pattern that matches a directory excludes everything under it;
//! - `!` makes a pattern an exception: it lets back in what an earlier one excluded.
//!   The last pattern that matches a path decides.

use regex::Regex;

#[derive(Debug, Clone)]
struct Pattern {
    regex: Regex,
    exception: bool,
    /// The cleaned pattern as written (without `!`): Docker's walk reads it literally.
    text: String,
}

/// The patterns of one `.dockerignore`.
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    patterns: Vec<Pattern>,
}

impl Ignore {
    /// Reads a `.dockerignore`'s text. A pattern Docker would reject (an unclosed
    /// class, a lone `!`) is an error naming its line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut patterns = Vec::new();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (number, raw) in text.lines().enumerate() {
            // As the CLI reads it: `#` is a comment only in the first column.
            if raw.starts_with('#') {
                continue;
            }
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            let (exception, body) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            if body.is_empty() {
                return Err(format!(".dockerignore line {}: `!` needs a pattern after it", number + 1));
            }
            let mut cleaned = clean(body);
            if cleaned.len() > 1 {
                cleaned = cleaned.trim_start_matches('/').to_string();
            }
            let regex = to_regex(&cleaned)
                .map_err(|e| format!(".dockerignore line {}: bad pattern {body:?}: {e}", number + 1))?;
            patterns.push(Pattern { regex, exception, text: cleaned });
        }
        Ok(Self { patterns })
    }

    /// Adds an exception (`!path`), as the docker CLI does for the Dockerfile and
    /// `.dockerignore` so the daemon always gets them.
    pub fn add_exception(&mut self, path: &str) -> Result<(), String> {
        let cleaned = clean(path).trim_start_matches('/').to_string();
        let regex = to_regex(&cleaned).map_err(|e| format!("bad exception {path:?}: {e}"))?;
        self.patterns.push(Pattern { regex, exception: true, text: cleaned });
        Ok(())
    }

    /// Whether an excluded directory must still be walked: the docker CLI's rule,
    /// which reads each exception literally and walks `dir` only when one starts
    /// with `dir/` (so `node_modules` + `!**/package.json` skips `node_modules`).
    pub fn walks_excluded_dir(&self, dir: &str) -> bool {
        let dir_slash = format!("{dir}/");
        self.patterns.iter().any(|p| p.exception && format!("{}/", p.text).starts_with(&dir_slash))
    }

    /// Whether `path` (relative to the context, `/`-separated) is left out: the last
    /// pattern matching it or one of its parent directories decides.
    pub fn excludes(&self, path: &str) -> bool {
        let parents: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
        let mut excluded = false;
        for pattern in &self.patterns {
            // As moby does: a pattern can only change the answer it does not give yet.
            if pattern.exception != excluded {
                continue;
            }
            let matched = pattern.regex.is_match(path) || parents.iter().any(|p| pattern.regex.is_match(p));
            if matched {
                excluded = !pattern.exception;
            }
        }
        excluded
    }
}

/// Go's `filepath.Clean` on a `/`-separated pattern: no doubled `/`, no `.` parts,
/// `..` climbs (never above the root), no trailing `/`.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// moby's pattern-to-regexp translation.
fn to_regex(pattern: &str) -> Result<Regex, regex::Error> {
    let mut out = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                // `**/` is `**`: the slash is part of "any number of directories".
                if chars.peek() == Some(&'/') {
                    chars.next();
                }
                if chars.peek().is_none() {
                    out.push_str(".*");
                } else {
                    out.push_str("(.*/)?");
                }
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '\\' => match chars.next() {
                Some(next) => out.push_str(&regex::escape(&next.to_string())),
                None => out.push_str(r"\\"),
            },
            '[' => {
                // A class is copied as it is; moby leaves it to Go's regexp, where only
                // `^` negates (`[!…]` is a class holding `!`).
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == ']' {
                        closed = true;
                        out.push(']');
                        break;
                    }
                    if c == '\\' || c == '[' {
                        out.push('\\');
                    }
                    out.push(c);
                }
                if !closed {
                    // Let the regex crate say what is wrong.
                    return Regex::new(&out);
                }
            }
            other => out.push_str(&regex::escape(&other.to_string())),
        }
    }
    out.push('$');
    Regex::new(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> Ignore {
        Ignore::parse(text).unwrap()
    }

    /// The examples of Docker's documentation (`.dockerignore file`).
    #[test]
    fn dockers_documented_examples() {
        let rules = ignore("# comment\n*/temp*\n*/*/temp*\ntemp?\n");
        assert!(rules.excludes("somedir/temporary.txt"));
        assert!(rules.excludes("somedir/temp"));
        assert!(rules.excludes("somedir/temp/inner.txt"), "a matched directory takes its files");
        assert!(rules.excludes("somedir/subdir/temporary.txt"));
        assert!(rules.excludes("tempa"));
        assert!(rules.excludes("tempb"));
        assert!(!rules.excludes("temp"), "temp? needs one character more");
        assert!(!rules.excludes("temporary.txt"), "*/temp* is one level down only");
        assert!(!rules.excludes("a/b/c/temp"), "*/*/temp* is two levels down only");
        assert!(!rules.excludes("# comment"), "a comment is not a pattern");

        let go = ignore("**/*.go");
        assert!(go.excludes("main.go"), "** matches zero directories");
        assert!(go.excludes("a/b/c/x.go"));
        assert!(!go.excludes("a/b/c/x.gox"));

        let md = ignore("*.md\n!README.md");
        assert!(md.excludes("CHANGES.md"));
        assert!(!md.excludes("README.md"));

        let secret_last = ignore("*.md\n!README*.md\nREADME-secret.md");
        assert!(secret_last.excludes("README-secret.md"));
        assert!(!secret_last.excludes("README-public.md"));
        assert!(secret_last.excludes("notes.md"));

        let exception_last = ignore("*.md\nREADME-secret.md\n!README*.md");
        assert!(!exception_last.excludes("README-secret.md"), "the last matching pattern decides");
        assert!(exception_last.excludes("notes.md"));
    }

    #[test]
    fn patterns_are_cleaned_and_rooted_at_the_context() {
        let rules = ignore("/build\n./dist//out/\n  spaced  \nlogs/../cache");
        assert!(rules.excludes("build"));
        assert!(rules.excludes("build/x.o"));
        assert!(!rules.excludes("src/build"), "a leading / is the context's root");
        assert!(rules.excludes("dist/out/a"));
        assert!(rules.excludes("spaced"));
        assert!(rules.excludes("cache/1"));
    }

    #[test]
    fn double_stars_classes_and_escapes() {
        let rules = ignore("**/node_modules\ndocs/**\n[ab].txt\n\\*.lit\nx[!0-9]\ny[^0-9]");
        assert!(rules.excludes("node_modules/lib.js"));
        assert!(rules.excludes("web/app/node_modules/lib.js"));
        assert!(rules.excludes("docs/a/b"));
        assert!(rules.excludes("a.txt") && rules.excludes("b.txt") && !rules.excludes("c.txt"));
        assert!(rules.excludes("*.lit") && !rules.excludes("x.lit"));
        assert!(rules.excludes("x!") && rules.excludes("x1") && !rules.excludes("xa"), "[!…] is not negation");
        assert!(rules.excludes("ya") && !rules.excludes("y1"), "[^…] is");
    }

    #[test]
    fn exceptions_reach_into_excluded_directories() {
        let rules = ignore("vendor\n!vendor/keep.txt");
        assert!(rules.walks_excluded_dir("vendor"));
        assert!(rules.excludes("vendor/other.txt"));
        assert!(!rules.excludes("vendor/keep.txt"));
        assert!(!ignore("a").walks_excluded_dir("a"));
    }

    #[test]
    fn hash_is_a_comment_only_in_the_first_column_and_a_bom_is_dropped() {
        let rules = ignore("\u{feff}first\n  #kept\n# gone\n");
        assert!(rules.excludes("first"), "the BOM is not part of the first pattern");
        assert!(rules.excludes("#kept"));
        assert!(!rules.excludes("# gone"));
    }

    #[test]
    fn excluded_directories_are_walked_as_the_cli_walks_them() {
        let rules = ignore("node_modules\n!**/package.json\nvendor\n!vendor/keep.txt");
        assert!(!rules.walks_excluded_dir("node_modules"));
        assert!(rules.walks_excluded_dir("vendor"));
        assert!(!rules.walks_excluded_dir("vend"));
    }

    #[test]
    fn bad_patterns_name_their_line() {
        let error = Ignore::parse("ok\n[abc").unwrap_err();
        assert!(error.contains("line 2"), "{error}");
        assert!(Ignore::parse("!").unwrap_err().contains("line 1"));
    }

    #[test]
    fn clean_behaves_like_gos() {
        assert_eq!(clean("a//b/./c/"), "a/b/c");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean("a/.."), ".");
        assert_eq!(clean("../a"), "../a");
    }
}
