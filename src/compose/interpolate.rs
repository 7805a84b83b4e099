//! Variable interpolation as compose does it: `$VAR`, `${VAR}`, `${VAR:-default}`
//! (unset or empty), `${VAR-default}` (unset), `${VAR:?error}`, `${VAR?error}`,
//! `${VAR:+other}`, `${VAR+other}`, and `$$` for a literal `$`. Defaults may hold
//! further variables (`${A:-${B}}`). A variable that is not set and has no default
//! becomes empty, and compose warns about it: so does wharf (`missing`).

use std::collections::BTreeMap;

/// The variables a project sees: the process environment over the `.env` file.
pub type Vars = BTreeMap<String, String>;

/// Interpolates `text`; unset variables without a default are pushed onto `missing`.
pub fn interpolate(text: &str, vars: &Vars, missing: &mut Vec<String>) -> Result<String, String> {
    if !text.contains('$') {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('$') => {
                out.push('$');
                i += 2;
            }
            Some('{') => {
                let close = matching_brace(&chars, i + 1)
                    .ok_or_else(|| format!("invalid interpolation format in {text:?}: a '${{' is not closed"))?;
                let inner: String = chars[i + 2..close].iter().collect();
                out.push_str(&expand_braced(&inner, text, vars, missing)?);
                i = close + 1;
            }
            Some(&n) if n == '_' || n.is_ascii_alphabetic() => {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && (chars[end] == '_' || chars[end].is_ascii_alphanumeric()) {
                    end += 1;
                }
                let name: String = chars[start..end].iter().collect();
                out.push_str(&lookup(&name, vars, missing));
                i = end;
            }
            // A lone `$` (at the end, or before something that starts no name) stays,
            // as compose leaves it.
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    Ok(out)
}

fn lookup(name: &str, vars: &Vars, missing: &mut Vec<String>) -> String {
    match vars.get(name) {
        Some(v) => v.clone(),
        None => {
            if !missing.iter().any(|m| m == name) {
                missing.push(name.to_string());
            }
            String::new()
        }
    }
}

/// The index of the `}` that closes the `{` at `open`, counting nested `${`.
fn matching_brace(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn expand_braced(inner: &str, whole: &str, vars: &Vars, missing: &mut Vec<String>) -> Result<String, String> {
    let name_end = inner.find(|c: char| !(c == '_' || c.is_ascii_alphanumeric())).unwrap_or(inner.len());
    let (name, rest) = inner.split_at(name_end);
    let valid_name = name.chars().next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic());
    if !valid_name {
        return Err(format!("invalid interpolation format in {whole:?}: ${{{inner}}} names no variable"));
    }
    let value = vars.get(name);
    let set = value.is_some();
    let non_empty = value.is_some_and(|v| !v.is_empty());
    let operand = |op_len: usize, missing: &mut Vec<String>| interpolate(&rest[op_len..], vars, missing);
    if rest.is_empty() {
        return Ok(lookup(name, vars, missing));
    }
    let current = value.cloned().unwrap_or_default();
    if rest.starts_with(":-") {
        return if non_empty { Ok(current) } else { operand(2, missing) };
    }
    if rest.starts_with('-') {
        return if set { Ok(current) } else { operand(1, missing) };
    }
    if rest.starts_with(":?") || rest.starts_with('?') {
        let (strict, len) = if rest.starts_with(":?") { (true, 2) } else { (false, 1) };
        let ok = if strict { non_empty } else { set };
        if ok {
            return Ok(current);
        }
        let message = operand(len, missing)?;
        let message = if message.is_empty() { "is not set".to_string() } else { message };
        return Err(format!("required variable {name} is missing a value: {message}"));
    }
    if rest.starts_with(":+") {
        return if non_empty { operand(2, missing) } else { Ok(String::new()) };
    }
    if rest.starts_with('+') {
        return if set { operand(1, missing) } else { Ok(String::new()) };
    }
    Err(format!("invalid interpolation format in {whole:?}: ${{{inner}}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        [("SET", "value"), ("EMPTY", ""), ("PORT", "8080")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn run(text: &str) -> Result<String, String> {
        interpolate(text, &vars(), &mut Vec::new())
    }

    #[test]
    fn every_form_compose_knows() {
        let table = [
            ("plain", "plain"),
            ("$SET", "value"),
            ("${SET}", "value"),
            ("a-${SET}-b", "a-value-b"),
            ("${UNSET:-dflt}", "dflt"),
            ("${EMPTY:-dflt}", "dflt"),
            ("${EMPTY-dflt}", ""),
            ("${UNSET-dflt}", "dflt"),
            ("${SET:-dflt}", "value"),
            ("${SET:+alt}", "alt"),
            ("${EMPTY:+alt}", ""),
            ("${EMPTY+alt}", "alt"),
            ("${UNSET+alt}", ""),
            ("$$SET", "$SET"),
            ("$${SET}", "${SET}"),
            ("${UNSET:-${PORT}}", "8080"),
            ("${UNSET:-a:b}", "a:b"),
            ("cost $5", "cost $5"),
            ("end$", "end$"),
            ("${PORT}:80", "8080:80"),
        ];
        for (input, want) in table {
            assert_eq!(run(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn required_variables_fail_with_their_message() {
        assert_eq!(run("${SET:?x}").as_deref(), Ok("value"));
        let err = run("${UNSET:?set UNSET to the admin password}").unwrap_err();
        assert!(err.contains("UNSET") && err.contains("admin password"), "{err}");
        assert!(run("${EMPTY:?no}").is_err());
        assert_eq!(run("${EMPTY?no}").as_deref(), Ok(""));
        assert!(run("${UNSET?no}").is_err());
    }

    #[test]
    fn unset_variables_are_empty_and_reported() {
        let mut missing = Vec::new();
        assert_eq!(interpolate("a${NOPE}b$NOPE", &vars(), &mut missing).as_deref(), Ok("ab"));
        assert_eq!(missing, vec!["NOPE".to_string()]);
    }

    #[test]
    fn malformed_references_are_errors() {
        assert!(run("${SET").is_err());
        assert!(run("${}").is_err());
        assert!(run("${1A}").is_err());
        assert!(run("${SET!x}").is_err());
    }
}
