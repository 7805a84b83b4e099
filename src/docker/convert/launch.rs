//! Launching: pulling an image (the create request is `crate::launch::create_request`).

use bollard::models::CreateImageInfo;

use crate::model::PullProgress;
use crate::text::sanitize;

/// Splits an image reference into what `/images/create` wants: the repository and a
/// tag or digest. Without one the daemon would pull every tag, so `latest` is implied.
pub fn pull_parts(reference: &str) -> (String, String) {
    if let Some((repo, digest)) = reference.split_once('@') {
        let repo = repo.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map_or(repo, |(r, _)| r);
        return (repo.to_string(), digest.to_string());
    }
    match reference.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo.to_string(), tag.to_string()),
        _ => (reference.to_string(), "latest".to_string()),
    }
}

/// One progress message of a pull, or the error the daemon put inside the stream.
pub fn pull_progress(info: &CreateImageInfo) -> Result<PullProgress, String> {
    if let Some(detail) = &info.error_detail {
        return Err(sanitize(detail.message.as_deref().unwrap_or("the pull failed")));
    }
    let detail = info.progress_detail.as_ref();
    Ok(PullProgress {
        layer: sanitize(info.id.as_deref().unwrap_or_default()),
        status: sanitize(info.status.as_deref().unwrap_or_default()),
        current: detail.and_then(|d| d.current).and_then(|c| u64::try_from(c).ok()).unwrap_or(0),
        total: detail.and_then(|d| d.total).and_then(|t| u64::try_from(t).ok()).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_parts_imply_latest() {
        assert_eq!(pull_parts("redis"), ("redis".into(), "latest".into()));
        assert_eq!(pull_parts("mysql:5.7"), ("mysql".into(), "5.7".into()));
        assert_eq!(pull_parts("localhost:5000/app"), ("localhost:5000/app".into(), "latest".into()));
        assert_eq!(pull_parts("localhost:5000/app:v2"), ("localhost:5000/app".into(), "v2".into()));
        assert_eq!(pull_parts("a/b@sha256:00"), ("a/b".into(), "sha256:00".into()));
    }

    #[test]
    fn pull_progress_and_errors_inside_the_stream() {
        let info: CreateImageInfo = serde_json::from_str(
            r#"{"id": "a1", "status": "Downloading", "progressDetail": {"current": 10, "total": 100}}"#,
        )
        .unwrap();
        let progress = pull_progress(&info).unwrap();
        assert_eq!((progress.layer.as_str(), progress.current, progress.total), ("a1", 10, 100));
        let failed: CreateImageInfo =
            serde_json::from_str(r#"{"errorDetail": {"message": "manifest unknown\u001b[2J"}, "error": "x"}"#).unwrap();
        assert_eq!(pull_progress(&failed), Err("manifest unknown".into()));
    }
}
