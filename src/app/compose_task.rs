//! Carrying out a compose operation on the daemon, step by step, reporting each step
//! per service: networks and volumes first, then services in dependency order, each
//! waiting for the conditions its `depends_on` names.
//!
//! What to do is decided by `crate::compose::plan` (pure); this only asks the daemon
//! and waits. Progress goes to a callback, as for launches.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::app::build_task::{self, BuildOutput};
use crate::app::launcher;
use crate::app::runner::credentials::Credentials;
use crate::compose::plan::{self, Step};
use crate::compose::{Condition, Project, Service, ServiceBuild};
use crate::docker::DockerApi;
use crate::model::{
    BuildEvent, BuildSpec, ComposeProgress, ContainerAction, ContainerState, DaemonError, DaemonErrorKind,
    ProjectContainer, wants_login,
};

/// What to do to a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeOp {
    /// Create what is missing, recreate what differs from the file, start the rest:
    /// all active services when `services` is empty, else those and their dependencies.
    Up {
        services: Vec<String>,
    },
    /// Stop and remove the project's containers and networks; its volumes too when
    /// `volumes` (after the user confirmed them by name).
    Down {
        volumes: bool,
    },
    Start {
        services: Vec<String>,
    },
    Stop {
        services: Vec<String>,
    },
    Restart {
        services: Vec<String>,
    },
    /// Recreate these services' containers even if they match the file.
    Recreate {
        services: Vec<String>,
    },
    Pull {
        services: Vec<String>,
    },
    /// Build these services' images from their `build:` (all that have one when
    /// `services` is empty).
    Build {
        services: Vec<String>,
    },
    /// Set a service's number of containers.
    Scale {
        service: String,
        replicas: u32,
    },
}

impl ComposeOp {
    pub fn verb(&self) -> &'static str {
        match self {
            ComposeOp::Up { .. } => "up",
            ComposeOp::Down { .. } => "down",
            ComposeOp::Start { .. } => "start",
            ComposeOp::Stop { .. } => "stop",
            ComposeOp::Restart { .. } => "restart",
            ComposeOp::Recreate { .. } => "recreate",
            ComposeOp::Pull { .. } => "pull",
            ComposeOp::Build { .. } => "build",
            ComposeOp::Scale { .. } => "scale",
        }
    }
}

/// How long `up` waits for one dependency's condition before it gives up.
pub const DEPENDENCY_TIMEOUT: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(300);

pub struct ComposeRun<'a, D: DockerApi> {
    docker: &'a D,
    project: &'a Project,
    cancel: &'a CancellationToken,
    dependency_timeout: Duration,
    /// Where pulls find registry credentials; none, they pull without.
    credentials: Option<&'a Credentials>,
    /// The image whose registry refused a pull for lack of credentials, if one did:
    /// the screen offers the login for it.
    refused: Mutex<Option<String>>,
}

fn fail(message: impl Into<String>) -> DaemonError {
    DaemonError::new(DaemonErrorKind::Api, message)
}

/// A daemon error with what wharf was doing in front of it.
fn context(what: String) -> impl FnOnce(DaemonError) -> DaemonError {
    move |mut e| {
        e.message = format!("{what}: {}", e.message);
        e
    }
}

impl<'a, D: DockerApi> ComposeRun<'a, D> {
    pub fn new(docker: &'a D, project: &'a Project, cancel: &'a CancellationToken) -> Self {
        ComposeRun {
            docker,
            project,
            cancel,
            dependency_timeout: DEPENDENCY_TIMEOUT,
            credentials: None,
            refused: Mutex::new(None),
        }
    }

    pub fn dependency_timeout(self, dependency_timeout: Duration) -> Self {
        ComposeRun { dependency_timeout, ..self }
    }

    pub fn credentials(self, credentials: &'a Credentials) -> Self {
        ComposeRun { credentials: Some(credentials), ..self }
    }

    /// After a failed run: the image whose registry wants a login, if that is why.
    pub fn refused_image(&self) -> Option<String> {
        self.refused.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub async fn run(
        &self,
        op: &ComposeOp,
        on_progress: &mut (impl FnMut(ComposeProgress) + Send),
    ) -> Result<(), DaemonError> {
        match op {
            ComposeOp::Up { services } => self.up(services, &[], on_progress).await,
            ComposeOp::Recreate { services } => self.up(services, services, on_progress).await,
            ComposeOp::Down { volumes } => self.down(*volumes, on_progress).await,
            ComposeOp::Start { services } => self.each_container(services, ContainerAction::Start, on_progress).await,
            ComposeOp::Stop { services } => self.each_container(services, ContainerAction::Stop, on_progress).await,
            ComposeOp::Restart { services } => {
                self.each_container(services, ContainerAction::Restart, on_progress).await
            }
            ComposeOp::Pull { services } => self.pull(services, on_progress).await,
            ComposeOp::Build { services } => self.build(services, on_progress).await,
            ComposeOp::Scale { service, replicas } => {
                let Some(s) = self.project.service(service) else {
                    return Err(fail(format!("service {service} is not in the project")));
                };
                let mut scaled = s.clone();
                scaled.replicas = *replicas;
                let existing = self.containers().await?;
                self.prepare(on_progress).await?;
                self.converge(&scaled, &existing, false, on_progress).await
            }
        }
    }

    async fn containers(&self) -> Result<Vec<ProjectContainer>, DaemonError> {
        self.docker
            .list_project_containers(&self.project.name)
            .await
            .map_err(context(format!("cannot list project {}", self.project.name)))
    }

    fn service(&self, name: &str) -> Result<&Service, DaemonError> {
        self.project.service(name).ok_or_else(|| fail(format!("service {name} is not in the project")))
    }

    /// Networks and volumes: created when missing, external ones checked.
    async fn prepare(&self, on_progress: &mut (impl FnMut(ComposeProgress) + Send)) -> Result<(), DaemonError> {
        let say = |text: String| ComposeProgress { service: String::new(), text };
        let networks: Vec<String> = self.docker.list_networks().await?.into_iter().map(|n| n.name).collect();
        for (key, n) in &self.project.networks {
            if n.external && !networks.contains(&n.name) {
                return Err(fail(format!(
                    "network {} is declared external (networks.{key}) but does not exist: create it first",
                    n.name
                )));
            }
        }
        for spec in plan::network_specs(self.project) {
            if networks.contains(&spec.name) {
                continue;
            }
            match self.docker.create_compose_network(&spec).await {
                Ok(()) => on_progress(say(format!("network {} created", spec.name))),
                Err(e) if e.kind == DaemonErrorKind::Conflict => {}
                Err(e) => return Err(context(format!("cannot create network {}", spec.name))(e)),
            }
        }
        let volumes: Vec<String> = self.docker.list_volumes().await?.into_iter().map(|v| v.name).collect();
        for (key, v) in &self.project.volumes {
            if v.external && !volumes.contains(&v.name) {
                return Err(fail(format!(
                    "volume {} is declared external (volumes.{key}) but does not exist: create it first",
                    v.name
                )));
            }
        }
        for spec in plan::volume_specs(self.project) {
            if volumes.contains(&spec.name) {
                continue;
            }
            self.docker
                .create_compose_volume(&spec)
                .await
                .map_err(context(format!("cannot create volume {}", spec.name)))?;
            on_progress(say(format!("volume {} created", spec.name)));
        }
        Ok(())
    }

    async fn up(
        &self,
        selected: &[String],
        force: &[String],
        on_progress: &mut (impl FnMut(ComposeProgress) + Send),
    ) -> Result<(), DaemonError> {
        let order = plan::start_order(self.project, selected).map_err(fail)?;
        for name in &order {
            let s = self.service(name)?;
            if !s.active {
                return Err(fail(format!(
                    "service {name} runs only with profile {}: open the project with --profile",
                    s.profiles.join(" or ")
                )));
            }
        }
        self.prepare(on_progress).await?;
        for name in &order {
            let service = self.service(name)?;
            for (dep, condition) in &service.depends_on {
                on_progress(ComposeProgress {
                    service: name.clone(),
                    text: format!("waiting for {dep} {}", plan::condition_words(*condition)),
                });
                self.wait_for(name, dep, *condition).await?;
            }
            if !self.docker.image_exists(&service.image).await? {
                match &service.build {
                    Some(build) => self.build_one(service, build, on_progress).await?,
                    None => self.pull_one(service, on_progress).await?,
                }
            }
            let existing = self.containers().await?;
            self.converge(service, &existing, force.contains(name), on_progress).await?;
        }
        Ok(())
    }

    /// Brings one service's containers to its file.
    async fn converge(
        &self,
        service: &Service,
        existing: &[ProjectContainer],
        force: bool,
        on_progress: &mut (impl FnMut(ComposeProgress) + Send),
    ) -> Result<(), DaemonError> {
        let say = |text: String| ComposeProgress { service: service.name.clone(), text };
        for step in plan::service_steps(self.project, service, existing, force) {
            if self.cancel.is_cancelled() {
                return Err(fail("cancelled"));
            }
            match step {
                Step::Keep { running: true, .. } => on_progress(say("running, as in the file".into())),
                Step::Keep { id, running: false } => {
                    self.docker
                        .container_action(&id, ContainerAction::Start)
                        .await
                        .map_err(context(format!("cannot start {}", service.name)))?;
                    on_progress(say("started".into()));
                }
                Step::Create { number } => {
                    let spec = plan::container_spec(self.project, service, number);
                    let id = self
                        .docker
                        .create_compose_container(&spec)
                        .await
                        .map_err(context(format!("cannot create {}", spec.name)))?;
                    self.docker
                        .container_action(&id, ContainerAction::Start)
                        .await
                        .map_err(context(format!("cannot start {}", spec.name)))?;
                    on_progress(say(format!("{} created and started", spec.name)));
                }
                Step::Recreate { id, name, number } => {
                    self.recreate(service, &id, &name, number).await?;
                    on_progress(say(format!("{name} recreated")));
                }
                Step::Remove { id, name } => {
                    self.docker.container_action(&id, ContainerAction::Stop).await?;
                    self.docker.container_action(&id, ContainerAction::Remove { force: true, volumes: false }).await?;
                    on_progress(say(format!("{name} removed (scaled down)")));
                }
            }
        }
        Ok(())
    }

    /// The new container replaces the old one only once it is created and started: the
    /// old one is renamed aside first, and put back when the new one fails.
    async fn recreate(&self, service: &Service, old_id: &str, old_name: &str, number: u32) -> Result<(), DaemonError> {
        let d = self.docker;
        let spec = plan::container_spec(self.project, service, number);
        let short = old_id.get(..12).unwrap_or(old_id);
        let aside = format!("{short}_{old_name}");
        d.rename_container(old_id, &aside).await.map_err(context(format!("cannot rename {old_name} aside")))?;
        let new_id = match d.create_compose_container(&spec).await {
            Ok(id) => id,
            Err(e) => {
                let _ = d.rename_container(old_id, old_name).await;
                return Err(context(format!("cannot create the new {} (the old one keeps running)", spec.name))(e));
            }
        };
        d.container_action(old_id, ContainerAction::Stop).await?;
        if let Err(e) = d.container_action(&new_id, ContainerAction::Start).await {
            let _ = d.container_action(&new_id, ContainerAction::Remove { force: true, volumes: true }).await;
            let _ = d.rename_container(old_id, old_name).await;
            let _ = d.container_action(old_id, ContainerAction::Start).await;
            return Err(context(format!("cannot start the new {} (the old one was put back)", spec.name))(e));
        }
        d.container_action(old_id, ContainerAction::Remove { force: true, volumes: false }).await?;
        Ok(())
    }

    /// Waits until `dep`'s containers meet `condition`, or says why they never will.
    async fn wait_for(&self, service: &str, dep: &str, condition: Condition) -> Result<(), DaemonError> {
        let deadline = tokio::time::Instant::now() + self.dependency_timeout;
        loop {
            if self.cancel.is_cancelled() {
                return Err(fail("cancelled"));
            }
            let mine: Vec<ProjectContainer> =
                self.containers().await?.into_iter().filter(|c| c.service == dep && !c.oneoff).collect();
            let mut all_met = !mine.is_empty();
            for c in &mine {
                let status = self.docker.container_status(&c.id).await?;
                let met = match condition {
                    Condition::Started => status.state.is_running() || status.state == ContainerState::Exited,
                    Condition::Healthy => match status.health.as_deref() {
                        Some("healthy") => true,
                        Some("unhealthy") => {
                            return Err(fail(format!(
                                "{service} needs {dep} healthy, and {} is unhealthy: {}",
                                c.name, status.health_output
                            )));
                        }
                        None => {
                            return Err(fail(format!("{service} needs {dep} healthy, but {dep} has no healthcheck")));
                        }
                        Some(_) if !status.state.is_running() => {
                            return Err(fail(format!(
                                "{service} needs {dep} healthy, and {} is {} (exit code {})",
                                c.name, status.state, status.exit_code
                            )));
                        }
                        Some(_) => false,
                    },
                    Condition::CompletedSuccessfully => match status.state {
                        ContainerState::Exited if status.exit_code == 0 => true,
                        ContainerState::Exited | ContainerState::Dead => {
                            return Err(fail(format!(
                                "{service} needs {dep} to complete successfully, and {} exited with code {}",
                                c.name, status.exit_code
                            )));
                        }
                        _ => false,
                    },
                };
                all_met &= met;
            }
            if all_met {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(DaemonError::new(
                    DaemonErrorKind::Timeout,
                    format!(
                        "{service} waited {} s for {dep} {}, in vain",
                        self.dependency_timeout.as_secs(),
                        plan::condition_words(condition)
                    ),
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn down(
        &self,
        volumes: bool,
        on_progress: &mut (impl FnMut(ComposeProgress) + Send),
    ) -> Result<(), DaemonError> {
        let existing = self.containers().await?;
        let mut order = plan::stop_order(self.project);
        // Containers of services no longer in the file (orphans) go too, last.
        for c in &existing {
            if !order.contains(&c.service) {
                order.push(c.service.clone());
            }
        }
        for service in &order {
            for c in existing.iter().filter(|c| &c.service == service) {
                self.docker.container_action(&c.id, ContainerAction::Stop).await?;
                match self.docker.container_action(&c.id, ContainerAction::Remove { force: true, volumes: false }).await
                {
                    Ok(()) => {}
                    Err(e) if e.kind == DaemonErrorKind::NotFound => {}
                    Err(e) => return Err(context(format!("cannot remove {}", c.name))(e)),
                }
                on_progress(ComposeProgress { service: service.clone(), text: format!("{} removed", c.name) });
            }
        }
        let say = |text: String| ComposeProgress { service: String::new(), text };
        for (_, n) in self.project.networks.iter().filter(|(_, n)| !n.external) {
            match self.docker.remove_network(&n.name).await {
                Ok(()) => on_progress(say(format!("network {} removed", n.name))),
                Err(e) if e.kind == DaemonErrorKind::NotFound => {}
                Err(e) => return Err(context(format!("cannot remove network {}", n.name))(e)),
            }
        }
        if volumes {
            for (_, v) in self.project.volumes.iter().filter(|(_, v)| !v.external) {
                match self.docker.remove_volume(&v.name).await {
                    Ok(()) => on_progress(say(format!("volume {} removed", v.name))),
                    Err(e) if e.kind == DaemonErrorKind::NotFound => {}
                    Err(e) => return Err(context(format!("cannot remove volume {}", v.name))(e)),
                }
            }
        }
        Ok(())
    }

    async fn each_container(
        &self,
        services: &[String],
        action: ContainerAction,
        on_progress: &mut (impl FnMut(ComposeProgress) + Send),
    ) -> Result<(), DaemonError> {
        let existing = self.containers().await?;
        let mut order = if action == ContainerAction::Stop {
            plan::stop_order(self.project)
        } else {
            plan::start_order(self.project, &[]).map_err(fail)?
        };
        if !services.is_empty() {
            order.retain(|s| services.contains(s));
        }
        for service in &order {
            for c in existing.iter().filter(|c| &c.service == service && !c.oneoff) {
                self.docker.container_action(&c.id, action).await.map_err(context(format!(
                    "cannot {} {}",
                    action.verb(),
                    c.name
                )))?;
                on_progress(ComposeProgress {
                    service: service.clone(),
                    text: format!("{} {}", c.name, action.past()),
                });
            }
        }
        Ok(())
    }

    async fn pull_one(
        &self,
        service: &Service,
        on_progress: &mut (impl FnMut(ComposeProgress) + Send),
    ) -> Result<(), DaemonError> {
        let name = service.name.clone();
        let mut report = |p: crate::model::PullProgress| {
            let text = if p.total > 0 {
                format!("pulling {}: {} {} {}/{}", service.image, p.layer, p.status, p.current, p.total)
            } else {
                format!("pulling {}: {} {}", service.image, p.layer, p.status)
            };
            on_progress(ComposeProgress { service: name.clone(), text });
        };
        // Looked up only now that the pull is sure to happen: a helper may be slow.
        let auth = match self.credentials {
            Some(credentials) => credentials.for_reference(&service.image).await,
            None => None,
        };
        let pulled = launcher::pull(self.docker, &service.image, auth.as_ref(), self.cancel, &mut report).await;
        if let Err(e) = &pulled
            && wants_login(e)
        {
            *self.refused.lock().unwrap_or_else(PoisonError::into_inner) = Some(service.image.clone());
        }
        pulled
    }

    async fn pull(
        &self,
        services: &[String],
        on_progress: &mut (impl FnMut(ComposeProgress) + Send),
    ) -> Result<(), DaemonError> {
        let mut done: Vec<&str> = Vec::new();
        for service in self.project.active_services().filter(|s| services.is_empty() || services.contains(&s.name)) {
            if done.contains(&service.image.as_str()) {
                continue;
            }
            if service.build.is_some() {
                let text = format!("{} is built here (B), not pulled", service.image);
                on_progress(ComposeProgress { service: service.name.clone(), text });
                continue;
            }
            self.pull_one(service, on_progress).await?;
            on_progress(ComposeProgress { service: service.name.clone(), text: format!("{} pulled", service.image) });
            done.push(&service.image);
        }
        Ok(())
    }

    /// Builds the services' images: those named, else every active one with a `build:`.
    async fn build(
        &self,
        services: &[String],
        on_progress: &mut (impl FnMut(ComposeProgress) + Send),
    ) -> Result<(), DaemonError> {
        for name in services {
            if self.service(name)?.build.is_none() {
                return Err(fail(format!("service {name} has no build: section; its image is pulled (p)")));
            }
        }
        let chosen: Vec<&Service> = self
            .project
            .active_services()
            .filter(|s| services.is_empty() || services.contains(&s.name))
            .filter(|s| s.build.is_some())
            .collect();
        if chosen.is_empty() {
            return Err(fail(format!("no service of {} has a build: section", self.project.name)));
        }
        for service in chosen {
            if let Some(build) = &service.build {
                self.build_one(service, build, on_progress).await?;
            }
        }
        Ok(())
    }

    /// Builds one service's image from its `build:`, named as the service's image; the
    /// daemon's output goes to the project's progress, line by line.
    async fn build_one(
        &self,
        service: &Service,
        build: &ServiceBuild,
        on_progress: &mut (impl FnMut(ComposeProgress) + Send),
    ) -> Result<(), DaemonError> {
        let spec = BuildSpec {
            context: build.context.clone(),
            dockerfile: build.dockerfile.clone(),
            tags: vec![service.image.clone()],
            build_args: build.args.clone(),
            target: build.target.clone(),
            no_cache: build.no_cache,
            pull: build.pull,
        };
        let name = service.name.clone();
        let text = format!("building {} from {}", service.image, build.context.display());
        on_progress(ComposeProgress { service: name.clone(), text });
        let mut output = ToProgress { service: &name, on_progress: &mut *on_progress };
        build_task::build(self.docker, &spec, self.credentials, self.cancel, &mut output)
            .await
            .map_err(context(format!("cannot build {} for {name}", service.image)))?;
        on_progress(ComposeProgress { service: name, text: format!("built {}", service.image) });
        Ok(())
    }
}

/// A compose build's output, as the service's progress lines. Progress is a report:
/// when the screen is busy a line may be dropped (the build's own failure is not: it
/// ends the operation).
struct ToProgress<'a, F> {
    service: &'a str,
    on_progress: &'a mut F,
}

impl<F: FnMut(ComposeProgress) + Send> BuildOutput for ToProgress<'_, F> {
    async fn send(&mut self, event: BuildEvent) {
        let texts: Vec<String> = match event {
            BuildEvent::Output(text) => {
                text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).map(String::from).collect()
            }
            BuildEvent::Pull(p) => vec![format!("pulling the base image: {} {}", p.layer, p.status)],
            BuildEvent::Built(_) => Vec::new(),
        };
        for text in texts {
            (self.on_progress)(ComposeProgress { service: self.service.to_string(), text });
        }
    }
}
