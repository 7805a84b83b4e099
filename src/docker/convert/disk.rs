//! What the daemon's disk holds (`/system/df`) and what a prune freed.

use crate::model::{DiskUsage, PruneReport};
use crate::text::sanitize;

/// `/system/df`, read leniently: API 1.41 lists every image, container and volume;
/// newer APIs send totals. Either gives the same figures.
pub fn disk_usage(json: &serde_json::Value) -> DiskUsage {
    let int = |v: Option<&serde_json::Value>| v.and_then(serde_json::Value::as_i64).unwrap_or(0);
    let list = |key: &str| json.get(key).and_then(|v| v.as_array()).cloned().unwrap_or_default();
    let volume_sizes: Vec<(String, i64)> = json
        .get("Volumes")
        .or_else(|| json.pointer("/VolumeUsage/Items"))
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let size = v.pointer("/UsageData/Size")?.as_i64().filter(|s| *s >= 0)?;
            Some((sanitize(v.get("Name")?.as_str()?), size))
        })
        .collect();
    if let Some(usage) = json.get("ImageUsage") {
        return DiskUsage {
            images: int(usage.get("TotalSize")),
            images_reclaimable: int(usage.get("Reclaimable")),
            containers: int(json.pointer("/ContainerUsage/TotalSize")),
            volumes: int(json.pointer("/VolumeUsage/TotalSize")),
            build_cache: int(json.pointer("/BuildCacheUsage/TotalSize")),
            volume_sizes,
        };
    }
    let images = list("Images");
    let unused: i64 = images
        .iter()
        .filter(|i| int(i.get("Containers")) == 0)
        .map(|i| int(i.get("Size")) - int(i.get("SharedSize")).max(0))
        .sum();
    DiskUsage {
        images: json
            .get("LayersSize")
            .map_or_else(|| images.iter().map(|i| int(i.get("Size"))).sum(), |v| int(Some(v))),
        images_reclaimable: unused.max(0),
        containers: list("Containers").iter().map(|c| int(c.get("SizeRw"))).sum(),
        volumes: list("Volumes").iter().map(|v| int(v.pointer("/UsageData/Size")).max(0)).sum(),
        build_cache: list("BuildCache").iter().map(|b| int(b.get("Size"))).sum(),
        volume_sizes,
    }
}

/// A prune's answer: `ContainersDeleted` / `ImagesDeleted` / `VolumesDeleted` /
/// `NetworksDeleted`, and `SpaceReclaimed`.
pub fn prune_report(json: &serde_json::Value) -> PruneReport {
    let mut deleted = Vec::new();
    for key in ["ContainersDeleted", "VolumesDeleted", "NetworksDeleted"] {
        for item in json.get(key).and_then(|v| v.as_array()).into_iter().flatten() {
            if let Some(s) = item.as_str() {
                deleted.push(sanitize(s));
            }
        }
    }
    for item in json.get("ImagesDeleted").and_then(|v| v.as_array()).into_iter().flatten() {
        if let Some(s) = item.get("Untagged").or_else(|| item.get("Deleted")).and_then(|s| s.as_str()) {
            deleted.push(sanitize(s));
        }
    }
    PruneReport { deleted, reclaimed_bytes: json.get("SpaceReclaimed").and_then(|s| s.as_i64()).unwrap_or(0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_usage_in_both_api_shapes() {
        let old = serde_json::json!({
            "LayersSize": 1000,
            "Images": [{"Size": 600, "SharedSize": 100, "Containers": 0}, {"Size": 400, "SharedSize": 0, "Containers": 2}],
            "Containers": [{"SizeRw": 5}, {"SizeRw": 7}],
            "Volumes": [{"Name": "data", "UsageData": {"Size": 30}}, {"Name": "x", "UsageData": {"Size": -1}}],
            "BuildCache": []
        });
        assert_eq!(
            disk_usage(&old),
            DiskUsage {
                images: 1000,
                images_reclaimable: 500,
                containers: 12,
                volumes: 30,
                build_cache: 0,
                volume_sizes: vec![("data".into(), 30)],
            }
        );
        let new =
            serde_json::json!({"ImageUsage": {"TotalSize": 9, "Reclaimable": 4}, "ContainerUsage": {"TotalSize": 3}});
        assert_eq!(disk_usage(&new).images, 9);
        assert_eq!(disk_usage(&new).containers, 3);
    }

    #[test]
    fn prune_reports_list_what_went() {
        let report = prune_report(&serde_json::json!({
            "ImagesDeleted": [{"Untagged": "old:1"}, {"Deleted": "sha256:abc"}], "SpaceReclaimed": 1234
        }));
        assert_eq!(report.deleted, ["old:1", "sha256:abc"]);
        assert_eq!(report.reclaimed_bytes, 1234);
        assert_eq!(prune_report(&serde_json::json!({"VolumesDeleted": null})), PruneReport::default());
    }
}
