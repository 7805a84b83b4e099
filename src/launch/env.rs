//! Env lines as `docker run -e` takes them.

/// Parses one env line. `KEY=VALUE` and `KEY=` are taken as written; a bare `KEY` takes
/// its value from wharf's own environment (`lookup`), as `docker run -e KEY` does, and is
/// an error when that has none (the daemon would store it verbatim and never set it).
pub fn parse_env_line(line: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let (key, value) = match line.split_once('=') {
        Some((key, value)) => (key, Some(value)),
        None => (line.trim(), None),
    };
    if key.is_empty() {
        return Err(format!("{line:?} has no name before ="));
    }
    if let Some(bad) = key.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("the name {key:?} contains {bad:?}: names cannot hold spaces or control characters"));
    }
    match value {
        Some(value) => Ok(format!("{key}={value}")),
        None => match lookup(key) {
            Some(value) => Ok(format!("{key}={value}")),
            None => Err(format!("{key} is not set in wharf's environment: write {key}= for an empty value")),
        },
    }
}

/// Parses the env field: one entry per line; blank lines and `#` comments are skipped.
/// Returns the entries, or the first error with its line number (0-based).
pub fn parse_env_lines(text: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Vec<String>, (usize, String)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| parse_env_line(l, &lookup).map_err(|e| (i, e)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(key: &str) -> Option<String> {
        (key == "HOME_DIR").then(|| "/home/me".to_string())
    }

    #[test]
    fn env_lines() {
        let ok: &[(&str, &str)] = &[
            ("KEY=VALUE", "KEY=VALUE"),
            ("KEY=", "KEY="),
            ("MYSQL_ALLOW_EMPTY_PASSWORD=true", "MYSQL_ALLOW_EMPTY_PASSWORD=true"),
            ("A=b=c", "A=b=c"),
            ("SPACED=a value with spaces", "SPACED=a value with spaces"),
            ("HOME_DIR", "HOME_DIR=/home/me"),
        ];
        for (line, expected) in ok {
            assert_eq!(parse_env_line(line, lookup).as_deref(), Ok(*expected), "{line}");
        }
        let bad: &[(&str, &str)] = &[
            ("=x", "no name"),
            ("MY KEY=x", "cannot hold spaces"),
            ("TAB\tKEY=x", "cannot hold spaces"),
            ("UNSET_THING", "not set in wharf's environment"),
        ];
        for (line, needle) in bad {
            let err = parse_env_line(line, lookup).expect_err(line);
            assert!(err.contains(needle), "{line}: {err}");
        }
    }

    #[test]
    fn env_field_reports_the_bad_line() {
        let text = "A=1\n\n# comment\nB=2\n=bad\n";
        assert_eq!(parse_env_lines(text, lookup).unwrap_err().0, 4);
        assert_eq!(parse_env_lines("A=1\nB=\n", lookup).unwrap(), vec!["A=1", "B="]);
    }
}
