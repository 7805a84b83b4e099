//! `docker top`: the processes running in a container.

use crate::model::ProcessTable;
use crate::text::sanitize;

/// `docker top`'s answer: `Titles` and `Processes`, every cell sanitised (a process
/// can name itself anything, escapes included).
pub fn process_table(json: &serde_json::Value) -> ProcessTable {
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().into_iter().flatten().map(|c| sanitize(c.as_str().unwrap_or_default())).collect()
    };
    ProcessTable {
        titles: json.get("Titles").map(strings).unwrap_or_default(),
        rows: json.get("Processes").and_then(|p| p.as_array()).into_iter().flatten().map(strings).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_is_sanitised() {
        let top = serde_json::json!({
            "Titles": ["PID", "CMD"],
            "Processes": [["1", "sleep 60"], ["7", "sh -c \u{1b}]0;x\u{7}echo"]]
        });
        let table = process_table(&top);
        assert_eq!(table.titles, vec!["PID", "CMD"]);
        assert_eq!(table.rows.len(), 2);
        assert!(!table.rows[1][1].contains('\u{1b}'), "{:?}", table.rows[1][1]);
        assert_eq!(process_table(&serde_json::json!({})), ProcessTable::default());
    }
}
