//! What an image pull has done so far, per layer: a total for a progress bar and a row
//! per layer (id, state, bytes), in the order the daemon announced them.

use crate::model::PullProgress;

/// Layers of an image are few (tens at most), so a list searched by id stays cheap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullStatus {
    layers: Vec<(String, PullProgress)>,
    /// The latest message about the pull as a whole (`Pulling from library/redis`).
    pub last_status: String,
}

impl PullStatus {
    pub fn record(&mut self, progress: PullProgress) {
        // Messages about the pull as a whole carry the tag (`Pulling from library/redis`
        // with id `latest`), a digest or nothing as their id: they are not layers.
        let about_the_pull = progress.layer.is_empty()
            || progress.layer.contains(' ')
            || progress.status.starts_with("Pulling from")
            || progress.status.starts_with("Digest")
            || progress.status.starts_with("Status");
        if about_the_pull {
            self.last_status = progress.status;
            return;
        }
        let index = match self.layers.iter().position(|(id, _)| *id == progress.layer) {
            Some(index) => index,
            None => {
                self.layers.push((progress.layer.clone(), PullProgress::default()));
                self.layers.len() - 1
            }
        };
        let Some((_, entry)) = self.layers.get_mut(index) else { return };
        match progress.status.as_str() {
            // Byte counts of the download are the progress; extraction counts the same
            // bytes again and would send the bar backwards.
            "Downloading" if progress.total > 0 => {
                entry.current = progress.current;
                entry.total = progress.total;
            }
            "Download complete" | "Extracting" | "Pull complete" | "Verifying Checksum" => {
                entry.current = entry.total;
            }
            _ => {}
        }
        entry.status = progress.status;
        self.last_status = format!("{} {}", entry.status, progress.layer);
    }

    /// Each layer with its latest progress, in the order the daemon announced them.
    pub fn layers(&self) -> impl Iterator<Item = (&str, &PullProgress)> + '_ {
        self.layers.iter().map(|(id, p)| (id.as_str(), p))
    }

    /// Whether a layer needs nothing more from the registry.
    pub fn is_done(layer: &PullProgress) -> bool {
        matches!(layer.status.as_str(), "Pull complete" | "Already exists" | "Download complete")
    }

    /// (layers done, layers known).
    pub fn layers_done(&self) -> (usize, usize) {
        let done = self.layers.iter().filter(|(_, l)| Self::is_done(l)).count();
        (done, self.layers.len())
    }

    /// (bytes downloaded, bytes to download) over the layers that reported sizes.
    pub fn bytes(&self) -> (u64, u64) {
        self.layers
            .iter()
            .map(|(_, l)| l)
            .fold((0u64, 0u64), |(c, t), l| (c.saturating_add(l.current.min(l.total)), t.saturating_add(l.total)))
    }

    /// 0.0..=1.0, by bytes when known, else by layers.
    pub fn ratio(&self) -> f64 {
        let (current, total) = self.bytes();
        if total > 0 {
            return current as f64 / total as f64;
        }
        let (done, known) = self.layers_done();
        if known > 0 { done as f64 / known as f64 } else { 0.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(layer: &str, status: &str, current: u64, total: u64) -> PullProgress {
        PullProgress { layer: layer.into(), status: status.into(), current, total }
    }

    #[test]
    fn progress_adds_up_per_layer() {
        let mut s = PullStatus::default();
        s.record(p("", "Pulling from library/redis", 0, 0));
        s.record(p("a", "Downloading", 50, 100));
        s.record(p("b", "Downloading", 0, 300));
        s.record(p("a", "Downloading", 100, 100));
        s.record(p("a", "Extracting", 3, 100));
        assert_eq!(s.bytes(), (100, 400), "extraction does not send the bar backwards");
        s.record(p("a", "Pull complete", 0, 0));
        s.record(p("latest", "Pulling from library/redis", 0, 0));
        assert_eq!(s.layers_done(), (1, 2), "the tag is not a layer");
        assert_eq!(s.bytes(), (100, 400));
        assert!((s.ratio() - 0.25).abs() < 1e-9);
        let order: Vec<&str> = s.layers().map(|(id, _)| id).collect();
        assert_eq!(order, ["a", "b"], "layers keep the order the daemon announced them in");
    }
}
