use std::collections::HashMap;

use super::ContainerRow;

/// A row of the images list. One row per image id; extra tags are listed in `tags`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRow {
    pub id: String,
    /// `repo:tag` references; empty for a dangling image.
    pub tags: Vec<String>,
    pub size: i64,
    /// Seconds since the Unix epoch.
    pub created: i64,
    /// How many containers use the image, counted from the container list.
    pub containers: usize,
}

impl ImageRow {
    /// `sha256:abcdef...` -> `abcdef123456`.
    pub fn short_id(&self) -> &str {
        let hex = self.id.strip_prefix("sha256:").unwrap_or(&self.id);
        hex.get(..12).unwrap_or(hex)
    }

    pub fn display_name(&self) -> String {
        match self.tags.first() {
            Some(tag) => tag.clone(),
            None => "<none>:<none>".to_string(),
        }
    }
}

/// Sets each image's `containers` to how many of `containers` use it.
pub fn count_image_users(images: &mut [ImageRow], containers: &[ContainerRow]) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in containers {
        *counts.entry(c.image_id.as_str()).or_default() += 1;
    }
    for image in images {
        image.containers = counts.get(image.id.as_str()).copied().unwrap_or(0);
    }
}
