//! The file browser of one container (`F`): where it stands, what it lists, the file
//! on view, the copy prompt, the copy under way and the question a copy asks.

use std::path::PathBuf;

use super::{RequestId, StreamId};
use crate::model::{FileEntry, FileText, Listing};

#[derive(Debug, Clone)]
pub struct FilesView {
    pub container_id: String,
    /// Sanitised, for the title.
    pub container_name: String,
    /// The directory listed (absolute, `/`-separated, as the container names it).
    pub path: String,
    pub listing: Listing,
    pub selected: usize,
    /// The open in flight: its answer is the one taken (newest wins).
    pub loading: Option<Loading>,
    /// Why the last open failed (the listing stays as it was).
    pub error: Option<String>,
    pub viewer: Option<Box<FileViewer>>,
    pub prompt: Option<CopyPrompt>,
    pub copy: Option<CopyRun>,
    /// A yes/no a copy waits for.
    pub question: Option<CopyQuestion>,
    /// The host directory copies start from (wharf's working directory).
    pub host_dir: PathBuf,
}

/// An open in flight, and the entry to select once a directory comes (the one just
/// left, going up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loading {
    pub request: RequestId,
    pub path: String,
    pub select: Option<String>,
}

impl FilesView {
    pub fn new(container_id: String, container_name: String, host_dir: PathBuf) -> Self {
        Self {
            container_id,
            container_name,
            path: "/".into(),
            listing: Listing::default(),
            selected: 0,
            loading: None,
            error: None,
            viewer: None,
            prompt: None,
            copy: None,
            question: None,
            host_dir,
        }
    }

    pub fn selected_entry(&self) -> Option<&FileEntry> {
        self.listing.entries.get(self.selected)
    }
}

/// A file on view: its sanitised lines, scrolled; `/` searches (case-insensitive).
#[derive(Debug, Clone)]
pub struct FileViewer {
    pub path: String,
    pub text: FileText,
    pub scroll: usize,
    /// Being typed after `/`.
    pub typing: Option<String>,
    /// The search in force (`n`/`N` move between its lines).
    pub needle: Option<String>,
}

impl FileViewer {
    pub fn lines(&self) -> &[String] {
        match &self.text {
            FileText::Text { lines, .. } => lines,
            _ => &[],
        }
    }

    /// The next line (after the top one, or before with `back`) holding the needle,
    /// wrapping around.
    pub fn next_match(&self, back: bool) -> Option<usize> {
        let needle = self.needle.as_deref()?.to_lowercase();
        let lines = self.lines();
        let n = lines.len();
        (1..=n)
            .map(|step| if back { (self.scroll + n * 2 - step) % n } else { (self.scroll + step) % n })
            .find(|&i| lines[i].to_lowercase().contains(&needle))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyDirection {
    /// From the container to the host (`o`).
    Out,
    /// From the host into the container directory on screen (`i`).
    In,
}

/// Where a copy goes, being typed.
#[derive(Debug, Clone)]
pub struct CopyPrompt {
    pub direction: CopyDirection,
    /// Out: the container path copied (raw). In: the container directory.
    pub container_path: String,
    /// Shown (sanitised) in the prompt.
    pub shown: String,
    /// Out: the host path it lands at. In: the host path copied.
    pub input: String,
    /// The size when known (a file's), said before the copy starts.
    pub size: Option<u64>,
    pub is_dir: bool,
    pub error: Option<String>,
}

/// A copy under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyRun {
    pub copy: StreamId,
    pub pending: PendingCopy,
    pub bytes: u64,
    pub total: Option<u64>,
}

/// Everything needed to send a copy (again, once confirmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingCopy {
    Out { path: String, target: PathBuf, total: Option<u64> },
    In { dir: String, host: PathBuf, name: String },
}

impl PendingCopy {
    /// What the status says is being copied.
    pub fn describe(&self) -> String {
        match self {
            PendingCopy::Out { path, target, .. } => {
                format!("{} → {}", crate::text::sanitize(path), crate::text::sanitize(&target.display().to_string()))
            }
            PendingCopy::In { dir, host, name } => format!(
                "{} → {}",
                crate::text::sanitize(&host.display().to_string()),
                crate::text::sanitize(&crate::files::join(dir, name))
            ),
        }
    }
}

/// A question a copy asks before it goes (`y` sends it confirmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyQuestion {
    pub text: String,
    pub pending: PendingCopy,
}
