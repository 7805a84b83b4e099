//! Building an image from a Dockerfile: what to build, and what the build says.

use std::path::PathBuf;

/// `docker build` as wharf sends it (the classic builder, API `/build`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildSpec {
    /// The context directory; everything in it not excluded by `.dockerignore` is sent.
    pub context: PathBuf,
    /// The Dockerfile: relative to the context, or absolute (it may lie outside it).
    pub dockerfile: String,
    /// `repo[:tag]` references; the first goes with the build, the rest are tagged after.
    pub tags: Vec<String>,
    /// `--build-arg NAME=VALUE`.
    pub build_args: Vec<(String, String)>,
    /// `--target STAGE` (empty: the last stage).
    pub target: String,
    pub no_cache: bool,
    /// `--pull`: always look for a newer base image.
    pub pull: bool,
}

/// One thing a build said, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildEvent {
    /// Output lines (already sanitised); `Step 2/5 : RUN ...` lines among them.
    Output(String),
    /// Progress of a base image being pulled for the build.
    Pull(crate::model::PullProgress),
    /// The image the build made (`sha256:...`).
    Built(String),
}

/// What a finished build made and what it sent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildSummary {
    /// The new image's id (`sha256:...`).
    pub image_id: String,
    /// Files and bytes of the context as sent (the tar stream).
    pub context_files: u64,
    pub context_bytes: u64,
}

/// The step a line announces: `Step 2/5 : RUN make` gives (2, 5).
pub fn step_of(line: &str) -> Option<(u32, u32)> {
    let rest = line.strip_prefix("Step ")?;
    let (counts, _) = rest.split_once(" :")?;
    let (n, total) = counts.split_once('/')?;
    Some((n.trim().parse().ok()?, total.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_read_from_the_classic_builders_lines() {
        assert_eq!(step_of("Step 2/5 : RUN make"), Some((2, 5)));
        assert_eq!(step_of("Step 10/12 : COPY . /src"), Some((10, 12)));
        assert_eq!(step_of(" ---> Running in 1234"), None);
        assert_eq!(step_of("Step x/5 : RUN"), None);
    }
}
