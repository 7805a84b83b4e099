//! The compose project view: the project read from its files, its containers as the
//! daemon has them, and the progress of what wharf is doing to it.

use std::collections::VecDeque;
use std::path::PathBuf;

use crate::compose::{Project, ProjectOptions};
use crate::model::ProjectContainer;

use super::RequestId;

/// Progress lines kept; older ones are dropped.
pub const PROGRESS_LINES: usize = 200;

#[derive(Debug, Clone, Default)]
pub struct ProjectState {
    /// What the command line said (`-f`, `-p`, `--profile`), and where wharf runs.
    pub options: ProjectOptions,
    pub cwd: PathBuf,
    /// The view was asked for (`y`, or a compose flag): read the files when connected.
    pub wanted: bool,
    pub reading: bool,
    pub project: Option<Project>,
    /// Why the files could not be read (with file, line and column).
    pub error: Option<String>,
    pub containers: Vec<ProjectContainer>,
    pub containers_loaded: bool,
    /// A read of the containers is in flight.
    pub listing: bool,
    /// Another read is wanted once this one answers (events came meanwhile).
    pub list_again: bool,
    /// Index into `project.services`.
    pub selected: usize,
    pub offset: usize,
    /// `service: what happened`, newest last.
    pub progress: VecDeque<(String, String)>,
    /// The operation in flight: its request and its verb (`up`, `down`, ...).
    pub running: Option<(RequestId, String)>,
}

impl ProjectState {
    pub fn selected_service(&self) -> Option<&crate::compose::Service> {
        self.project.as_ref()?.services.get(self.selected)
    }

    pub fn push_progress(&mut self, service: String, text: String) {
        if self.progress.len() >= PROGRESS_LINES {
            self.progress.pop_front();
        }
        self.progress.push_back((service, text));
    }

    /// The containers of `service` on the daemon.
    pub fn containers_of<'a>(&'a self, service: &'a str) -> impl Iterator<Item = &'a ProjectContainer> + 'a {
        self.containers.iter().filter(move |c| c.service == service && !c.oneoff)
    }

    /// What was learned from the daemon goes; the files and the options stay.
    pub fn forget_daemon(&mut self) {
        self.containers.clear();
        self.containers_loaded = false;
        self.listing = false;
        self.list_again = false;
        self.running = None;
    }

    /// What the view says about a service's containers: (state, replicas, health).
    pub fn summary(&self, service: &crate::compose::Service) -> (String, String, String) {
        let mine: Vec<&ProjectContainer> = self.containers_of(&service.name).collect();
        let running = mine.iter().filter(|c| c.state.is_running()).count();
        let state_text = if !service.active {
            format!("off (profile {})", service.profiles.join(", "))
        } else if !self.containers_loaded {
            String::new()
        } else if mine.is_empty() {
            "not created".to_string()
        } else if running == mine.len() {
            "running".to_string()
        } else if running == 0 {
            mine[0].status.clone()
        } else {
            format!("{running} running")
        };
        let replicas = format!("{running}/{}", service.replicas);
        let health = mine.iter().filter_map(|c| c.health).map(|h| h.as_str()).next().unwrap_or("-").to_string();
        (state_text, replicas, health)
    }
}
