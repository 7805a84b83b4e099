//! Images end to end against the real daemon and the test registries of
//! `scripts/registries.sh` (addresses in /tmp/wharf-registries/env): a build with a
//! build arg and a `.dockerignore` (the context sent is measured), a failing step, a
//! tag and a push with credentials from a test `config.json`, a pull back with
//! per-layer progress, a wrong password (the login prompt, then a clear refusal), a
//! credential helper on the helper path, and no secret in the log at trace level.
//! Run by `scripts/test.sh` (see tests/live/mod.rs for why these are `#[ignore]`d).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod live;

use std::path::Path;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use live::headless::App;
use live::{BUSYBOX, docker, host};
use wharf::app::msg::Msg;
use wharf::credentials::DockerConfig;
use wharf::state::{AppState, BuildPhase, Modal};

const WAIT: Duration = Duration::from_secs(60);

/// A key of the registries' env file.
fn registry(key: &str) -> String {
    let text = std::fs::read_to_string("/tmp/wharf-registries/env")
        .expect("/tmp/wharf-registries/env: run scripts/registries.sh (scripts/test.sh does)");
    let value = text.lines().find_map(|l| l.strip_prefix(&format!("{key}="))).unwrap_or_default();
    assert!(!value.is_empty(), "{key} is not set in /tmp/wharf-registries/env");
    value.to_string()
}

/// A name unique to this run.
fn unique(what: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("wharf-test-{what}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// Removes the images a test made, whatever happens to it.
struct Images(Vec<String>);

impl Drop for Images {
    fn drop(&mut self) {
        for image in &self.0 {
            let _ = std::process::Command::new("docker").args(["rmi", "-f", image]).output();
        }
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.send(key(KeyCode::Char(c)));
    }
}

async fn connected(config: Option<DockerConfig>) -> App {
    let mut app = App::start(&host());
    app.runner.set_docker_config(config);
    app.run_until(WAIT, |s| s.refresh.loaded).await.expect("connected and the lists read");
    app
}

fn build_phase(state: &AppState) -> Option<&BuildPhase> {
    match &state.screen.modal {
        Some(Modal::Build(view)) => Some(&view.phase),
        _ => None,
    }
}

/// Builds `dir` tagged `tag` through the build form; the dialog's final phase.
async fn build(app: &mut App, dir: &Path, tag: &str, args: &str) -> BuildPhase {
    wharf::app::update::open_build(&mut app.state, Some(dir.display().to_string()));
    // The focus starts on the tags when the context is given.
    type_text(app, tag);
    app.send(key(KeyCode::Tab));
    type_text(app, args);
    app.send(ctrl('s'));
    assert!(matches!(build_phase(&app.state), Some(BuildPhase::Running { .. })), "the build started");
    app.run_until(WAIT, |s| !matches!(build_phase(s), Some(BuildPhase::Running { .. })))
        .await
        .expect("the build ended");
    build_phase(&app.state).cloned().expect("the build dialog is open")
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn a_build_with_a_build_arg_sends_a_small_context_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        &format!("FROM {BUSYBOX}\nARG GREETING=unset\nRUN echo \"$GREETING\" > /greeting\nCOPY . /ctx/\n"),
    );
    write(dir.path(), ".dockerignore", "big.bin\n");
    write(dir.path(), "small.txt", "small");
    std::fs::write(dir.path().join("big.bin"), vec![0u8; 8 * 1024 * 1024]).unwrap();
    let tag = format!("{}:1", unique("built"));
    let _cleanup = Images(vec![tag.clone()]);
    let mut app = connected(None).await;

    let phase = build(&mut app, dir.path(), &tag, "GREETING=\"hello there\"").await;
    let BuildPhase::Succeeded(summary) = phase else { panic!("the build failed: {phase:?}") };
    assert!(summary.context_bytes < 64 * 1024, "the 8 MiB file stayed home: {} bytes sent", summary.context_bytes);
    assert_eq!(summary.context_files, 3, "Dockerfile, .dockerignore, small.txt");
    let greeting = docker(&["run", "--rm", &tag, "cat", "/greeting"]);
    assert_eq!(greeting.trim(), "hello there");
    assert_eq!(
        docker(&["run", "--rm", &tag, "ls", "/ctx"]).split_whitespace().collect::<Vec<_>>(),
        ["Dockerfile", "small.txt"]
    );
    // The new image is selected once the list holds it; Enter opens the launch form.
    app.run_until(WAIT, |s| s.images.selected_item().is_some_and(|i| i.id == summary.image_id))
        .await
        .expect("the new image is selected");
    app.send(key(KeyCode::Enter));
    app.run_until(WAIT, |s| matches!(&s.screen.modal, Some(Modal::Launch(_)))).await.expect("the launch form");
    let Some(Modal::Launch(form)) = &app.state.screen.modal else { unreachable!() };
    assert_eq!(form.draft().image, tag);
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn a_failing_step_is_named_with_the_daemons_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", &format!("FROM {BUSYBOX}\nRUN echo fine\nRUN exit 3\nRUN echo never\n"));
    let tag = format!("{}:1", unique("failing"));
    let _cleanup = Images(vec![tag.clone()]);
    let mut app = connected(None).await;
    let phase = build(&mut app, dir.path(), &tag, "").await;
    let BuildPhase::Failed { error, step } = phase else { panic!("the build did not fail: {phase:?}") };
    assert_eq!(step.as_deref(), Some("Step 3/4 : RUN exit 3"), "{error}");
    assert!(error.contains("returned a non-zero code: 3"), "{error}");
    let shown = live_render(&app.state);
    assert!(shown.contains("Step 3/4 : RUN exit 3") && shown.contains("non-zero code: 3"), "{shown}");
}

fn live_render(state: &AppState) -> String {
    let backend = ratatui::backend::TestBackend::new(120, 30);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    let theme = wharf::ui::theme::Theme::default();
    let keymap = wharf::config::keymap::Keymap::default();
    terminal.draw(|f| wharf::ui::draw(f, state, &keymap, &theme)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// A config directory whose `config.json` holds `json`.
fn docker_config(json: &str) -> (tempfile::TempDir, DockerConfig) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "config.json", json);
    let config = DockerConfig { dir: dir.path().to_path_buf(), helper_path: None };
    (dir, config)
}

fn auths_json(server: &str, user: &str, password: &str) -> String {
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!(r#"{{"auths":{{"{server}":{{"auth":"{auth}"}}}}}}"#)
}

/// An image of its own (a layer no other image has, so a pull after its removal
/// downloads it), built with the docker CLI.
fn unique_image(tag: &str) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", &format!("FROM {BUSYBOX}\nRUN echo {tag} > /unique\n"));
    let out = std::process::Command::new("docker")
        .args(["build", "-q", "-t", tag, &dir.path().display().to_string()])
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .unwrap();
    assert!(out.status.success(), "docker build: {}", String::from_utf8_lossy(&out.stderr));
}

/// Tags image `source` as `target` through `t` on the images pane.
async fn tag_through_wharf(app: &mut App, source: &str, target: &str) {
    app.send(key(KeyCode::Char('2')));
    let id = docker(&["image", "inspect", "--format", "{{.Id}}", source]).trim().to_string();
    let listed = id.clone();
    app.run_until(WAIT, |s| s.images.items().iter().any(|i| i.id == listed)).await.expect("the image is listed");
    assert!(app.state.images.select_key(&id), "the image is listed");
    app.send(key(KeyCode::Char('t')));
    app.send(ctrl('u'));
    type_text(app, target);
    app.send(key(KeyCode::Enter));
    let target = target.to_string();
    app.run_until(WAIT, |s| s.images.items().iter().any(|i| i.tags.contains(&target))).await.expect("tagged");
}

fn push_modal(state: &AppState) -> Option<&wharf::state::PushView> {
    match &state.screen.modal {
        Some(Modal::Push(view)) => Some(view),
        _ => None,
    }
}

/// Pushes the selected image with `P` until it ends; the flash or the dialog says how.
async fn push_selected(app: &mut App, reference: &str) {
    let reference = reference.to_string();
    assert!(app.state.images.items().iter().any(|i| i.tags.contains(&reference)));
    let id = app.state.images.items().iter().find(|i| i.tags.contains(&reference)).unwrap().id.clone();
    app.state.images.select_key(&id);
    app.send(key(KeyCode::Char('P')));
    app.run_until(WAIT, |s| push_modal(s).is_none_or(|v| v.running.is_none())).await.expect("the push ended");
}

#[tokio::test]
#[ignore = "needs a Docker daemon and scripts/registries.sh"]
async fn push_with_config_credentials_then_pull_back_with_layer_progress() {
    init_trace_log();
    let server = registry("WHARF_REGISTRY_AUTH");
    let (user, password) = (registry("WHARF_REGISTRY_USER"), registry("WHARF_REGISTRY_PASSWORD"));
    let source = format!("{}:1", unique("source"));
    let reference = format!("{server}/{}:1", unique("pushed"));
    let _cleanup = Images(vec![reference.clone(), source.clone()]);
    unique_image(&source);
    let (_dir, config) = docker_config(&auths_json(&server, &user, &password));
    let mut app = connected(Some(config)).await;
    tag_through_wharf(&mut app, &source, &reference).await;
    // Tagged as the only name with a registry in it: that is what `P` pushes.
    push_selected(&mut app, &reference).await;
    assert!(push_modal(&app.state).is_none(), "{:?}", app.state.screen.modal);
    let flash = app.state.screen.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert_eq!(flash, format!("pushed {reference}"));

    // Gone from the daemon entirely: the pull must fetch its own layer.
    docker(&["rmi", &reference, &source]);
    app.send(key(KeyCode::Char('p')));
    type_text(&mut app, &reference);
    app.send(key(KeyCode::Enter));
    let mut layers = 0;
    app.run_until(WAIT, |s| match &s.screen.modal {
        Some(Modal::Pull(prompt)) => prompt.running.is_none(),
        _ => true,
    })
    .await
    .expect("the pull ended");
    for line in &app.seen {
        if line.contains("PullProgress") && line.contains("Pull complete") {
            layers += 1;
        }
    }
    assert!(app.state.screen.modal.is_none(), "{:?}", app.state.screen.modal);
    assert!(layers >= 1, "per-layer progress came: {layers}");
    assert!(docker(&["image", "inspect", "--format", "{{.Id}}", &reference]).starts_with("sha256:"));
    assert_no_secret_logged(&password);
}

#[tokio::test]
#[ignore = "needs a Docker daemon and scripts/registries.sh"]
async fn a_wrong_password_opens_the_login_then_says_it_was_refused() {
    init_trace_log();
    let server = registry("WHARF_REGISTRY_AUTH");
    let user = registry("WHARF_REGISTRY_USER");
    let reference = format!("{server}/{}:1", unique("refused"));
    let _cleanup = Images(vec![reference.clone()]);
    let (_dir, config) = docker_config(&auths_json(&server, &user, "not-the-password"));
    let mut app = connected(Some(config)).await;
    tag_through_wharf(&mut app, BUSYBOX, &reference).await;
    push_selected(&mut app, &reference).await;
    let Some(Modal::Login(prompt)) = &app.state.screen.modal else {
        panic!("a refused push opens the login: {:?}", app.state.screen.modal)
    };
    assert_eq!(prompt.server, server);
    assert!(wharf::model::is_auth_refusal(&prompt.reason), "{}", prompt.reason);
    type_text(&mut app, &user);
    app.send(key(KeyCode::Tab));
    type_text(&mut app, "still-wrong");
    let shown = live_render(&app.state);
    assert!(!shown.contains("still-wrong"), "the password is hidden:\n{shown}");
    app.send(ctrl('s'));
    app.run_until(WAIT, |s| matches!(&s.screen.modal, Some(Modal::Login(p)) if p.running.is_none()))
        .await
        .expect("the login ended");
    let Some(Modal::Login(prompt)) = &app.state.screen.modal else { panic!("{:?}", app.state.screen.modal) };
    let error = prompt.error.clone().unwrap_or_default();
    assert!(error.contains(&format!("{server} refused the login")), "{error}");
    assert!(prompt.password.is_empty(), "a refused password is not kept");
}

#[tokio::test]
#[ignore = "needs a Docker daemon and scripts/registries.sh"]
async fn a_credential_helper_supplies_the_password() {
    init_trace_log();
    let server = registry("WHARF_REGISTRY_AUTH");
    let (user, password) = (registry("WHARF_REGISTRY_USER"), registry("WHARF_REGISTRY_PASSWORD"));
    let reference = format!("{server}/{}:1", unique("helper"));
    let _cleanup = Images(vec![reference.clone()]);
    let (dir, mut config) = docker_config(&format!(r#"{{"credHelpers":{{"{server}":"wharftest"}}}}"#));
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-wharftest");
    // Answers `get` for our server only, as real helpers do.
    write(
        &bin,
        "docker-credential-wharftest",
        &format!(
            "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread server\n[ \"$server\" = \"{server}\" ] || {{ echo 'credentials not found in native keychain'; exit 1; }}\nprintf '{{\"ServerURL\":\"%s\",\"Username\":\"{user}\",\"Secret\":\"{password}\"}}' \"$server\"\n"
        ),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::var("PATH").unwrap_or_default();
    config.helper_path = Some(format!("{}:{path}", bin.display()).into());
    let mut app = connected(Some(config)).await;
    tag_through_wharf(&mut app, BUSYBOX, &reference).await;
    push_selected(&mut app, &reference).await;
    assert!(push_modal(&app.state).is_none(), "{:?}", app.state.screen.modal);
    let flash = app.state.screen.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert_eq!(flash, format!("pushed {reference}"));
    assert_no_secret_logged(&password);
}

/// Removes what carries a compose project's label, and only that.
struct ProjectGuard(String);

impl Drop for ProjectGuard {
    fn drop(&mut self) {
        let label = format!("label=com.docker.compose.project={}", self.0);
        let list = |args: &[&str]| {
            let out = std::process::Command::new("docker").args(args).output().unwrap();
            String::from_utf8_lossy(&out.stdout).split_whitespace().map(String::from).collect::<Vec<_>>()
        };
        for id in list(&["ps", "-aq", "--filter", &label]) {
            let _ = std::process::Command::new("docker").args(["rm", "-f", "-v", &id]).output();
        }
        for id in list(&["network", "ls", "-q", "--filter", &label]) {
            let _ = std::process::Command::new("docker").args(["network", "rm", &id]).output();
        }
    }
}

/// An image of its own pushed to the auth registry with the docker CLI (reading the
/// test config's credentials), then removed here: only the registry has it.
fn only_in_the_auth_registry(config_dir: &Path, what: &str) -> String {
    let server = registry("WHARF_REGISTRY_AUTH");
    let source = format!("{}:1", unique(&format!("{what}-source")));
    let reference = format!("{server}/{}:1", unique(what));
    unique_image(&source);
    docker(&["tag", &source, &reference]);
    let pushed = std::process::Command::new("docker")
        .args(["push", &reference])
        .env("DOCKER_CONFIG", config_dir)
        .output()
        .unwrap();
    assert!(pushed.status.success(), "docker push: {}", String::from_utf8_lossy(&pushed.stderr));
    docker(&["rmi", &reference, &source]);
    reference
}

/// Opens the compose project in `dir` (named `name`) in the project view.
async fn open_project(app: &mut App, dir: &Path, name: &str) {
    app.state.project.options.project_name = Some(name.to_string());
    app.state.project.cwd = dir.to_path_buf();
    app.send(key(KeyCode::Char('y')));
    app.run_until(WAIT, |s| s.project.project.is_some() || s.project.error.is_some()).await.expect("the files read");
    assert!(app.state.project.error.is_none(), "{:?}", app.state.project.error);
}

/// `u` on the project view, until the operation ends; what the last progress line says.
async fn compose_up(app: &mut App) -> String {
    app.send(key(KeyCode::Char('u')));
    assert!(app.state.project.running.is_some(), "up started");
    app.run_until(WAIT, |s| s.project.running.is_none()).await.expect("up ended");
    app.state.project.progress.back().map(|(_, text)| text.clone()).unwrap_or_default()
}

#[tokio::test]
#[ignore = "needs a Docker daemon and scripts/registries.sh"]
async fn compose_up_pulls_a_private_image_with_the_configs_credentials() {
    let server = registry("WHARF_REGISTRY_AUTH");
    let (user, password) = (registry("WHARF_REGISTRY_USER"), registry("WHARF_REGISTRY_PASSWORD"));
    let (config_dir, config) = docker_config(&auths_json(&server, &user, &password));
    let reference = only_in_the_auth_registry(config_dir.path(), "compose-private");
    let _images = Images(vec![reference.clone()]);
    let project = tempfile::tempdir().unwrap();
    let name = unique("compose-auth");
    let _guard = ProjectGuard(name.clone());
    write(
        project.path(),
        "compose.yaml",
        &format!("services:\n  app:\n    image: {reference}\n    command: [\"sleep\", \"300\"]\n"),
    );

    // Without credentials the registry refuses, and the login is offered for it.
    let mut app = connected(None).await;
    open_project(&mut app, project.path(), &name).await;
    let said = compose_up(&mut app).await;
    assert!(said.contains("log in"), "{said}");
    let Some(Modal::Login(prompt)) = &app.state.screen.modal else {
        panic!("a refused compose pull opens the login: {:?}", app.state.screen.modal)
    };
    assert_eq!(prompt.server, server);
    drop(app);

    // With the test config's credentials the pull goes through and the service runs.
    let mut app = connected(Some(config)).await;
    open_project(&mut app, project.path(), &name).await;
    let said = compose_up(&mut app).await;
    assert!(said.ends_with(": done"), "{said}");
    let running = docker(&[
        "ps",
        "--filter",
        &format!("label=com.docker.compose.project={name}"),
        "--format",
        "{{.Image}} {{.State}}",
    ]);
    assert_eq!(running, format!("{reference} running"));
}

#[tokio::test]
#[ignore = "needs a Docker daemon"]
async fn compose_up_builds_a_services_image_from_its_build_section() {
    let project = tempfile::tempdir().unwrap();
    let name = unique("compose-build");
    let _guard = ProjectGuard(name.clone());
    let named = format!("{}:1", unique("compose-named"));
    // `project-service` when the file names no image, as Compose v2 does.
    let _images = Images(vec![format!("{name}-app"), named.clone()]);
    let app_dir = project.path().join("app");
    std::fs::create_dir_all(&app_dir).unwrap();
    write(
        &app_dir,
        "Dockerfile",
        &format!("FROM {BUSYBOX}\nARG GREETING=none\nRUN echo \"$GREETING\" > /greeting\nCMD [\"sleep\", \"300\"]\n"),
    );
    write(project.path(), "Dockerfile.plain", &format!("FROM {BUSYBOX}\nCMD [\"sleep\", \"300\"]\n"));
    write(
        project.path(),
        "compose.yaml",
        &format!(
            "services:\n  app:\n    build:\n      context: ./app\n      args:\n        GREETING: hello-from-compose\n  plain:\n    image: {named}\n    build:\n      dockerfile: Dockerfile.plain\n"
        ),
    );
    let mut app = connected(None).await;
    open_project(&mut app, project.path(), &name).await;
    let said = compose_up(&mut app).await;
    assert!(said.ends_with(": done"), "{said}");
    let progress: Vec<String> = app.state.project.progress.iter().map(|(s, t)| format!("{s}: {t}")).collect();
    assert!(progress.iter().any(|l| l.starts_with("app: Step") && l.contains("RUN echo")), "{progress:#?}");
    assert!(progress.iter().any(|l| l == &format!("app: built {name}-app")), "{progress:#?}");

    let container = |service: &str| {
        docker(&[
            "ps",
            "-q",
            "--filter",
            &format!("label=com.docker.compose.project={name}"),
            "--filter",
            &format!("label=com.docker.compose.service={service}"),
        ])
    };
    let app_id = container("app");
    assert_eq!(
        docker(&["inspect", "--format", "{{.Config.Image}} {{.State.Status}}", &app_id]),
        format!("{name}-app running")
    );
    assert_eq!(docker(&["exec", &app_id, "cat", "/greeting"]), "hello-from-compose", "the build arg reached the build");
    let plain_id = container("plain");
    assert_eq!(
        docker(&["inspect", "--format", "{{.Config.Image}} {{.State.Status}}", &plain_id]),
        format!("{named} running")
    );
}

static LOG: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// wharf's log filter at its most talkative level, into a file of this test run.
fn init_trace_log() {
    LOG.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("wharf-live-images-{}.log", std::process::id()));
        let file = std::fs::File::create(&path).unwrap();
        tracing::subscriber::set_global_default(wharf::logging::subscriber(std::sync::Mutex::new(file), "trace"))
            .unwrap();
        path
    });
}

fn assert_no_secret_logged(password: &str) {
    use base64::Engine;
    let path = LOG.get().expect("the trace log was set up");
    let log = std::fs::read_to_string(path).unwrap();
    assert!(log.lines().count() > 0, "wharf logged at trace level (else this proves nothing)");
    let user = registry("WHARF_REGISTRY_USER");
    let pair = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    for needle in [password.to_string(), pair] {
        assert!(!log.contains(&needle), "a credential reached the log {}", path.display());
    }
    // X-Registry-Auth is JSON in URL-safe base64 (padded or not): any token of the
    // log that decodes to text holding the password is a leak.
    let engines = [
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
    ];
    let tokens = log.split(|c: char| !(c.is_ascii_alphanumeric() || "-_+/=".contains(c)));
    for token in tokens.filter(|t| t.len() >= 16) {
        for engine in &engines {
            if let Ok(bytes) = engine.decode(token) {
                let text = String::from_utf8_lossy(&bytes);
                assert!(!text.contains(password), "an encoded credential reached the log {}", path.display());
            }
        }
    }
}
