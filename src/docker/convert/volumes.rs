//! `GET /volumes`: `{"Volumes": [...]}`, read leniently: a volume in an odd shape, or
//! without a name, is skipped, not the list.

use serde::Deserialize;

use super::lenient;
use crate::model::VolumeRow;
use crate::model::parse_rfc3339;
use crate::text::sanitize;

/// One volume, as wharf reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Volume {
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::value")]
    pub driver: String,
    #[serde(deserialize_with = "lenient::value")]
    pub mountpoint: String,
    #[serde(deserialize_with = "lenient::value")]
    pub created_at: String,
    #[serde(deserialize_with = "lenient::value")]
    pub usage_data: UsageData,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct UsageData {
    /// -1 when the daemon has not measured it.
    #[serde(deserialize_with = "lenient::value")]
    pub size: Option<i64>,
}

pub fn volume_rows(json: &serde_json::Value) -> Vec<VolumeRow> {
    let volumes: Vec<Volume> = json.get("Volumes").map(|list| lenient::each_in(list, "a volume")).unwrap_or_default();
    let mut rows: Vec<VolumeRow> = volumes.iter().filter_map(volume_row).collect();
    // By name: the daemon's order changes from one answer to the next.
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

fn volume_row(volume: &Volume) -> Option<VolumeRow> {
    Some(VolumeRow {
        name: sanitize(volume.name.as_deref()?),
        driver: sanitize(&volume.driver),
        mountpoint: sanitize(&volume.mountpoint),
        size: volume.usage_data.size.filter(|s| *s >= 0),
        used_by: Vec::new(),
        created: parse_rfc3339(&volume.created_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes_read_leniently() {
        let volumes = serde_json::json!({"Volumes": [
            {"Name": "data", "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/data/_data",
             "CreatedAt": "2024-05-01T10:00:00Z", "UsageData": {"Size": 2048, "RefCount": 1}},
            {"Driver": "local"},
            {"Name": "evil\u{1b}]0;x\u{7}", "Driver": "local", "Mountpoint": "/m", "UsageData": {"Size": -1}},
            "not a volume",
            {"Name": "odd", "Driver": 3, "CreatedAt": 12, "UsageData": {"Size": "big"}, "Labels": null}
        ], "Warnings": null});
        let rows = volume_rows(&volumes);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["data", "evil", "odd"]);
        assert_eq!(rows[0].size, Some(2048));
        assert_eq!(rows[0].created, Some(1_714_557_600));
        assert_eq!(rows[1].size, None, "-1 means unknown");
        assert_eq!((rows[2].driver.as_str(), rows[2].size, rows[2].created), ("", None, None));
    }

    #[test]
    fn an_answer_without_volumes_is_an_empty_list() {
        assert!(volume_rows(&serde_json::json!({"Volumes": null, "Warnings": []})).is_empty());
        assert!(volume_rows(&serde_json::json!([])).is_empty());
    }
}
