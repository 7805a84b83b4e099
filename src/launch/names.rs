//! Container names, image references, volume specs and restart policies.

use crate::model::{RestartPolicy, VolumeMount};

/// `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, as the daemon requires; empty means "let the daemon
/// choose". Returns the name to use.
///
/// One leading `/` is accepted and dropped, as the daemon does (`docker run --name /web`
/// names the container `web`; the API lists names as `/web`, so a user may copy one from
/// there). What is left must still be a name: `/` alone is a mistake, not a request for
/// a name the daemon picks (that is the empty field).
pub fn parse_container_name(text: &str) -> Result<Option<String>, String> {
    let typed = text.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let name = typed.strip_prefix('/').unwrap_or(typed);
    if name.is_empty() {
        return Err(format!(
            "{typed:?} is not a name: a leading / is dropped (docker lists names as /name), leaving nothing; \
             leave the field empty to let the daemon pick one"
        ));
    }
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !first_ok || !rest_ok || name.len() < 2 {
        return Err(format!("{name:?}: a name needs 2+ of a-z A-Z 0-9 _ . - and starts with a letter or digit"));
    }
    Ok(Some(name.to_string()))
}

/// Checks an image reference: `[registry[:port]/]repo/path[:tag][@algo:hex]`, with a
/// lower-case repository, as the docker CLI's reference grammar has it.
pub fn parse_image_ref(text: &str) -> Result<String, String> {
    let reference = text.trim();
    if reference.is_empty() {
        return Err("an image is required, e.g. redis or mysql:5.7".into());
    }
    if reference.chars().any(char::is_whitespace) {
        return Err("an image reference cannot contain spaces".into());
    }
    let (name_and_tag, digest) = match reference.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (reference, None),
    };
    if let Some(digest) = digest {
        check_digest(digest)?;
    }
    // A tag is the part after the last ':' when that part holds no '/' (else the ':'
    // belongs to a registry port).
    let (name, tag) = match name_and_tag.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, Some(t)),
        _ => (name_and_tag, None),
    };
    if let Some(tag) = tag {
        let valid = !tag.is_empty()
            && tag.len() <= 128
            && tag.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && tag.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid {
            return Err(format!("{tag:?} is not a valid tag: use letters, digits, _ . - (at most 128)"));
        }
    }
    if name.is_empty() {
        return Err("the image reference has no repository name".into());
    }
    if name.len() > 255 {
        return Err("the repository name is longer than 255 characters".into());
    }
    let mut components: Vec<&str> = name.split('/').collect();
    // The first component is a registry when it looks like a host: it has a '.' or a
    // ':' or is `localhost` (docker's rule).
    if components.len() > 1 {
        let first = components[0];
        if first.contains('.') || first.contains(':') || first == "localhost" {
            check_registry(first)?;
            components.remove(0);
        }
    }
    for component in components {
        check_path_component(component)?;
    }
    Ok(reference.to_string())
}

fn check_registry(host: &str) -> Result<(), String> {
    let (hostname, port) = match host.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (host, None),
    };
    if let Some(port) = port
        && port.parse::<u16>().is_err()
    {
        return Err(format!("registry port {port:?} is not a number"));
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if hostname.is_empty() || !hostname.split('.').all(label_ok) {
        return Err(format!("{host:?} is not a valid registry host"));
    }
    Ok(())
}

fn check_path_component(component: &str) -> Result<(), String> {
    if component.is_empty() {
        return Err("the repository name has an empty path component (//)".into());
    }
    if component.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!("repository name {component:?} must be lowercase"));
    }
    // [a-z0-9]+ joined by separators `.`, `_`, `__` or runs of `-`.
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let valid_chars = bytes.iter().all(|&b| alnum(b) || matches!(b, b'.' | b'_' | b'-'));
    let ends_ok = alnum(bytes[0]) && alnum(bytes[bytes.len() - 1]);
    let separators_ok = !component.contains("..")
        && !component.contains("___")
        && !component.contains(".-")
        && !component.contains("-.")
        && !component.contains("._")
        && !component.contains("_.")
        && !component.contains("_-")
        && !component.contains("-_");
    if !valid_chars || !ends_ok || !separators_ok {
        return Err(format!(
            "{component:?} is not a valid repository name: use a-z, 0-9 and single . _ - between them"
        ));
    }
    Ok(())
}

fn check_digest(digest: &str) -> Result<(), String> {
    let (algo, hex) = digest.split_once(':').ok_or("a digest looks like sha256:<64 hex digits>")?;
    let algo_ok = algo.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && algo.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '_' | '-'));
    let hex_ok = hex.len() >= 32 && hex.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
    if !algo_ok || !hex_ok {
        return Err(format!("{digest:?} is not a valid digest (sha256:<64 hex digits>)"));
    }
    Ok(())
}

/// `host-path:container-path[:ro|rw]`, `volume:container-path[:ro|rw]`, or
/// `container-path` for an anonymous volume.
pub fn parse_volume_spec(spec: &str) -> Result<VolumeMount, String> {
    let spec = spec.trim();
    let parts: Vec<&str> = spec.split(':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [target] => (None, *target, None),
        [source, target] => (Some(*source), *target, None),
        [source, target, mode] => (Some(*source), *target, Some(*mode)),
        _ => return Err(format!("{spec:?}: use host-path:container-path[:ro] or volume:container-path[:ro]")),
    };
    if !target.starts_with('/') {
        return Err(format!("the container path {target:?} must be absolute (start with /)"));
    }
    let read_only = match mode {
        None | Some("rw") => false,
        Some("ro") => true,
        Some(other) => return Err(format!("unknown volume mode {other:?}: use ro or rw")),
    };
    if let Some(source) = source {
        let is_path = source.starts_with('/');
        if !is_path && parse_container_name(source).ok().flatten().is_none() {
            return Err(format!(
                "{source:?} is neither an absolute host path nor a volume name (letters, digits, _ . -)"
            ));
        }
    }
    Ok(VolumeMount { source: source.map(str::to_string), target: target.to_string(), read_only })
}

/// `no`, `on-failure[:N]`, `always`, `unless-stopped`.
pub fn parse_restart_policy(text: &str) -> Result<RestartPolicy, String> {
    match text.trim() {
        "" | "no" => Ok(RestartPolicy::No),
        "always" => Ok(RestartPolicy::Always),
        "unless-stopped" => Ok(RestartPolicy::UnlessStopped),
        "on-failure" => Ok(RestartPolicy::OnFailure(None)),
        other => match other.strip_prefix("on-failure:") {
            Some(n) => n
                .parse::<u32>()
                .map(|n| RestartPolicy::OnFailure(Some(n)))
                .map_err(|_| format!("{n:?} is not a retry count")),
            None => Err(format!("unknown restart policy {other:?}: use no, on-failure[:N], always or unless-stopped")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names() {
        assert_eq!(parse_container_name(""), Ok(None));
        assert_eq!(parse_container_name("redis"), Ok(Some("redis".into())));
        assert_eq!(parse_container_name("my_app.v2-test"), Ok(Some("my_app.v2-test".into())));
        assert_eq!(
            parse_container_name("/slash"),
            Ok(Some("slash".into())),
            "one leading / is dropped, as docker does"
        );
        for bad in ["a", "-lead", "_lead", ".lead", "has space", "semi;colon", "ünï", "a/b", "//two", "/a"] {
            assert!(parse_container_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_lone_slash_is_a_mistake_not_a_name_the_daemon_picks() {
        for lone in ["/", " / "] {
            let err = parse_container_name(lone).expect_err(lone);
            assert!(err.contains("leading / is dropped") && err.contains("leave the field empty"), "{err}");
        }
    }

    #[test]
    fn image_references() {
        for good in [
            "redis",
            "mysql:5.7",
            "ubuntu:16.04",
            "subicura/docker-workshop-app:2",
            "ghcr.io/owner/app:v1.2.3",
            "localhost:5000/team/app",
            "localhost/app",
            "registry.example.com:443/a/b/c:latest",
            "wharf-test/busybox:latest",
            "my__app",
            "a-----b",
            "redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "redis:7@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(parse_image_ref(good), Ok(good.to_string()), "{good}");
        }
        let bad: &[(&str, &str)] = &[
            ("", "required"),
            ("  ", "required"),
            ("Redis", "lowercase"),
            ("user/Repo", "lowercase"),
            ("redis:", "not a valid tag"),
            ("redis:-x", "not a valid tag"),
            ("redis:a b", "spaces"),
            ("-redis", "not a valid repository"),
            ("re..dis", "not a valid repository"),
            ("a//b", "empty path"),
            ("redis@sha256:xyz", "not a valid digest"),
            ("redis@nodigest", "digest"),
            ("bad_host.-x.com/app", "not a valid registry"),
            ("host.com:port/app", "not a number"),
        ];
        for (reference, needle) in bad {
            let err = parse_image_ref(reference).expect_err(reference);
            assert!(err.contains(needle), "{reference}: {err}");
        }
    }

    #[test]
    fn volume_specs() {
        let v = parse_volume_spec("/srv/data:/data:ro").unwrap();
        assert_eq!((v.source.as_deref(), v.target.as_str(), v.read_only), (Some("/srv/data"), "/data", true));
        assert_eq!(v.bind_string().as_deref(), Some("/srv/data:/data:ro"));
        let v = parse_volume_spec("pgdata:/var/lib/postgresql/data").unwrap();
        assert_eq!(v.source.as_deref(), Some("pgdata"));
        let v = parse_volume_spec("/cache").unwrap();
        assert_eq!((v.source.clone(), v.bind_string()), (None, None));
        for (bad, needle) in [
            ("relative:data", "must be absolute"),
            ("/a:/b:rx", "unknown volume mode"),
            ("/a:/b:ro:x", "use host-path"),
            ("bad name:/x", "neither an absolute host path"),
            ("data", "must be absolute"),
        ] {
            let err = parse_volume_spec(bad).expect_err(bad);
            assert!(err.contains(needle), "{bad}: {err}");
        }
    }

    #[test]
    fn restart_policies() {
        assert_eq!(parse_restart_policy("no"), Ok(RestartPolicy::No));
        assert_eq!(parse_restart_policy("on-failure:3"), Ok(RestartPolicy::OnFailure(Some(3))));
        assert_eq!(parse_restart_policy("unless-stopped"), Ok(RestartPolicy::UnlessStopped));
        assert!(parse_restart_policy("sometimes").is_err());
        assert!(parse_restart_policy("on-failure:x").is_err());
    }
}
