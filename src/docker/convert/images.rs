//! `GET /images/json` (the image list), `GET /images/{id}/json` (the ports an image
//! exposes) and `GET /images/{id}/history` (its layers), read leniently: an image or a
//! layer in an odd shape is skipped, not the list.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::inspect::parse_port_key;
use super::lenient;
use crate::model::{ImageRow, Protocol};
use crate::text::sanitize;

/// One element of the image list, as wharf reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ImageSummary {
    pub id: Option<String>,
    /// Null on Docker for an untagged image.
    #[serde(deserialize_with = "lenient::list")]
    pub repo_tags: Vec<String>,
    #[serde(deserialize_with = "lenient::value")]
    pub size: i64,
    #[serde(deserialize_with = "lenient::value")]
    pub created: i64,
}

/// An image's inspect answer, the part wharf reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ImageInspect {
    #[serde(deserialize_with = "lenient::value")]
    pub config: ImageConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ImageConfig {
    /// `80/tcp` -> `{}`.
    #[serde(deserialize_with = "lenient::value")]
    pub exposed_ports: HashMap<String, IgnoredAny>,
}

/// One layer of an image's history.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct HistoryItem {
    /// The build step (`/bin/sh -c #(nop) CMD ["sh"]`).
    #[serde(deserialize_with = "lenient::value")]
    pub created_by: String,
    #[serde(deserialize_with = "lenient::value")]
    pub size: i64,
}

/// Converts the daemon's image list. Only an answer that is not a list is an error.
pub fn image_rows(json: &[u8]) -> Result<Vec<ImageRow>, serde_json::Error> {
    let summaries: Vec<ImageSummary> = lenient::each_raw(json, "an image")?;
    Ok(summaries.iter().filter_map(image_row).collect())
}

/// An image without an id is nothing wharf can act on.
pub fn image_row(summary: &ImageSummary) -> Option<ImageRow> {
    // Dangling images carry `<none>:<none>` (older engines) or no tags at all.
    let tags = summary.repo_tags.iter().filter(|t| t.as_str() != "<none>:<none>").map(|t| sanitize(t)).collect();
    Some(ImageRow {
        id: sanitize(summary.id.as_deref()?),
        tags,
        size: summary.size,
        created: summary.created,
        containers: 0,
    })
}

/// The ports an image exposes (`EXPOSE`), sorted. An answer that is not an object
/// is an error.
pub fn exposed_ports(json: &[u8]) -> Result<Vec<(u16, Protocol)>, serde_json::Error> {
    let inspect: ImageInspect = lenient::object(json)?;
    let mut ports: Vec<(u16, Protocol)> =
        inspect.config.exposed_ports.keys().filter_map(|spec| parse_port_key(spec)).collect();
    ports.sort();
    Ok(ports)
}

/// An image's layers, newest first as the daemon sends them: (created by, size).
pub fn history(json: &[u8]) -> Result<Vec<(String, i64)>, serde_json::Error> {
    let layers: Vec<HistoryItem> = lenient::each_raw(json, "an image layer")?;
    Ok(layers.iter().map(|l| (sanitize(&l.created_by), l.size)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::convert::test_fixtures::fixture_bytes as fixture;

    #[test]
    fn captured_lists_convert_from_docker_and_podman() {
        let docker = image_rows(&fixture("images.json")).unwrap();
        let raw: Vec<serde_json::Value> = serde_json::from_slice(&fixture("images.json")).unwrap();
        assert_eq!(docker.len(), raw.len());
        assert!(docker.iter().any(|i| i.tags == ["wharf-test/mysql:5.7"]));
        assert!(docker.iter().all(|i| i.id.starts_with("sha256:") && i.size > 0));
        let podman = image_rows(&fixture("images-podman.json")).unwrap();
        assert_eq!(podman[0].tags, ["localhost/wharf-test/busybox:latest"]);
    }

    #[test]
    fn one_odd_image_does_not_empty_the_list() {
        let json = br#"[
            {"Id": "sha256:a", "RepoTags": ["<none>:<none>"], "Size": 10, "Created": 5},
            {"Id": ["not", "text"]},
            {"RepoTags": ["no-id:1"]},
            {"Id": "sha256:b\u001b[2J", "RepoTags": null, "Size": "big", "Created": 7, "Containers": "n/a"}
        ]"#;
        let rows = image_rows(json).unwrap();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows[0].tags.is_empty(), "dangling");
        assert_eq!((rows[0].size, rows[0].created), (10, 5));
        assert_eq!((rows[1].id.as_str(), rows[1].size, rows[1].created), ("sha256:b", 0, 7));
        assert!(image_rows(b"{}").is_err());
    }

    #[test]
    fn history_keeps_the_layers_that_read() {
        let json = br#"[
            {"Id": "sha256:1", "Created": 5, "CreatedBy": "/bin/sh -c #(nop) CMD [\"sh\"]\u001b[2J", "Size": 0},
            "odd",
            {"Id": "<missing>", "CreatedBy": null, "Size": 4096, "Tags": null}
        ]"#;
        assert_eq!(history(json).unwrap(), [("/bin/sh -c #(nop) CMD [\"sh\"]".to_string(), 0), (String::new(), 4096)]);
        assert!(history(b"{}").is_err());
    }

    #[test]
    fn exposed_ports_come_sorted() {
        let json = br#"{"Config": {"ExposedPorts": {"8080/tcp": {}, "53/udp": {}, "junk": {}}, "Entrypoint": "sh"}}"#;
        assert_eq!(exposed_ports(json).unwrap(), [(53, Protocol::Udp), (8080, Protocol::Tcp)]);
        assert_eq!(exposed_ports(br#"{"Config": null}"#).unwrap(), []);
        assert!(exposed_ports(b"[]").is_err());
    }
}
