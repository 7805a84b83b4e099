//! The wharf binary: command line, logging, terminal set-up and tear-down, and wiring
//! the event loop to the daemon.

mod no_libm;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use wharf::app::runner::EffectRunner;
use wharf::app::{App, ExitReason, connection};
use wharf::config::Config;
use wharf::config::endpoint::{self, EndpointInputs, EndpointSource, host_address, resolve};
use wharf::config::keymap::Keymap;
use wharf::docker::{BollardDocker, connect};
use wharf::model::{DaemonAddress, EndpointChoice};
use wharf::state::AppState;
use wharf::ui::theme::Theme;
use wharf::{logging, terminal};

/// A terminal dashboard for Docker.
#[derive(Debug, Parser)]
#[command(version, about, after_help = after_help())]
struct Cli {
    /// Daemon address (unix:///path, tcp://host:port or ssh://user@host). Default:
    /// DOCKER_HOST (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), then the current docker
    /// context, then /var/run/docker.sock, rootless Docker's or Podman's socket.
    #[arg(short = 'H', long)]
    host: Option<String>,
    /// Docker context to use (overrides DOCKER_HOST and the current context).
    #[arg(short, long)]
    context: Option<String>,
    /// Config file (default: ~/.config/wharf/config.toml).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Log level for the log file: error, warn, info, debug or trace.
    #[arg(long, default_value = "info", value_parser = logging::LEVELS)]
    log_level: String,
    /// Change nothing on the daemon: no launches, pulls, lifecycle actions, removals or
    /// consoles. Enforced where requests are sent, not only by hiding keys.
    #[arg(long)]
    read_only: bool,
    /// Open the build form for this context directory (a Dockerfile in it is used
    /// unless the form names another).
    #[arg(long, value_name = "DIR")]
    build: Option<PathBuf>,
    /// Compose file of the project view (`y`); repeat it to override one file with the
    /// next. Default: COMPOSE_FILE, else compose.yaml, compose.yml, docker-compose.yaml
    /// or docker-compose.yml in this directory or a parent. Opens the project view.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    file: Vec<PathBuf>,
    /// Compose project name. Default: COMPOSE_PROJECT_NAME, the file's `name:`, else
    /// the directory's name. Opens the project view.
    #[arg(short = 'p', long = "project-name", value_name = "NAME")]
    project_name: Option<String>,
    /// Compose profile to enable (repeatable). Default: COMPOSE_PROFILES. Opens the
    /// project view.
    #[arg(long = "profile", value_name = "PROFILE")]
    profile: Vec<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Say which daemon wharf would use and why, whether it answers, its versions, and
    /// what is wrong when it does not. Prints and exits; no dashboard.
    Doctor,
}

fn after_help() -> String {
    let log = wharf::paths::state_dir().map(|d| d.display().to_string()).unwrap_or_else(|| "(none)".into());
    format!("Log files: {log}")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Everything that can be wrong with the user's input is reported before the
    // terminal is taken over.
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            terminal::report(format!("wharf: {e}"));
            return ExitCode::from(2);
        }
    };
    let inputs = EndpointInputs::from_environment(cli.host.clone(), cli.context.clone());
    let endpoint = match resolve(&inputs) {
        Ok(endpoint) => endpoint,
        Err(e) => {
            terminal::report(format!("wharf: {e}"));
            return ExitCode::from(2);
        }
    };
    let mut hosts = Vec::new();
    for host in &config.hosts {
        match host_address(&inputs, host) {
            Ok(address) => hosts.push((host.name.clone(), address)),
            Err(e) => {
                terminal::report(format!("wharf: config file, host {:?}: {e}", host.name));
                return ExitCode::from(2);
            }
        }
    }
    if let Some(name) = &cli.project_name
        && let Err(e) = wharf::compose::find::check_project_name(name)
    {
        terminal::report(format!("wharf: -p: {e}"));
        return ExitCode::from(2);
    }
    let compose = wharf::compose::ProjectOptions {
        files: cli.file.clone(),
        project_name: cli.project_name.clone(),
        profiles: cli.profile.clone(),
    };
    if let Some(Command::Doctor) = cli.command {
        return doctor(&endpoint, cli.config.as_deref(), &hosts);
    }
    logging::init(&cli.log_level);
    tracing::info!(host = %endpoint.host(), source = %endpoint.source, "starting");
    terminal::install_panic_hook();

    // One worker, and two threads for blocking work (cgroup reads for stats, files):
    // tokio's default of up to 512 let each stats round start a thread per container
    // read, each with its own stack and malloc arena (see BENCHMARKS.md).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            terminal::report(format!("wharf: cannot start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    // The address is shown on screen: it comes from the environment or a context file.
    let outcome = runtime.block_on(run(config, endpoint.address, inputs, hosts, cli.read_only, cli.build, compose));
    terminal::restore();
    match outcome {
        Ok(ExitReason::Signal(signo)) => ExitCode::from(128u8.saturating_add(signo as u8)),
        // The window was closed: as if by its hang-up signal, which usually comes too.
        Ok(ExitReason::TerminalGone) => ExitCode::from(129),
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            terminal::report(format!("wharf: {e}"));
            ExitCode::FAILURE
        }
    }
}

async fn run(
    config: Config,
    address: DaemonAddress,
    inputs: EndpointInputs,
    hosts: Vec<(String, DaemonAddress)>,
    read_only: bool,
    build: Option<PathBuf>,
    compose: wharf::compose::ProjectOptions,
) -> std::io::Result<ExitReason> {
    let (tx, rx) = mpsc::channel(1024);
    // Read once, off the event loop (`update` and the UI read no files), beside the
    // first screen rather than before it.
    let zone_tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        // Fails only when wharf is already ending.
        let _ = zone_tx.blocking_send(wharf::app::msg::Msg::LocalZone(wharf::local_time::Zone::system()));
    });
    let (slot_tx, slot_rx) = watch::channel::<Option<Arc<BollardDocker>>>(None);
    let cancel = CancellationToken::new();
    let timeout = Duration::from_secs(config.docker.request_timeout_secs.max(1));
    // Shown on screen: it comes from the environment or a context file.
    let host = wharf::text::sanitize(&address.host);

    let connect_to: connection::ConnectFn<BollardDocker> =
        Arc::new(move |address: DaemonAddress| Box::pin(async move { connect(&address, timeout).await }));
    // Whether the hosts overview is on screen: the watchers read stats only then.
    let (fleet_stats, stats_wanted) = watch::channel(false);
    for (index, (_, address)) in hosts.iter().enumerate() {
        let connect_to = connect_to.clone();
        let address = address.clone();
        let connect_once = move || connect_to(address.clone());
        let watcher =
            wharf::app::fleet::watch(index, connect_once, timeout, stats_wanted.clone(), tx.clone(), cancel.clone());
        tokio::spawn(watcher);
    }
    let config_hosts = hosts.clone();
    let choices = Box::new(move || {
        let mut list: Vec<EndpointChoice> = endpoint::choices(&inputs)
            .into_iter()
            .map(|e| EndpointChoice { origin: e.source.to_string(), address: e.address })
            .collect();
        for (name, address) in &config_hosts {
            if !list.iter().any(|c| &c.address == address) {
                list.push(EndpointChoice {
                    address: address.clone(),
                    origin: EndpointSource::Config(name.clone()).to_string(),
                });
            }
        }
        list
    });
    // The first container list goes out at once, not after the connection's round
    // trips, and asks for no more rows than the containers pane shows (the daemon's
    // time for it grows with the rows it converts).
    let screen_rows = crossterm::terminal::size().map_or(100, |(width, height)| {
        wharf::layout::ScreenLayout::compute(width, height, false).map_or(usize::from(height), |layout| {
            wharf::layout::table_rows(layout.rect_of(wharf::state::Pane::Containers)).max(1)
        })
    });
    let show_all = config.ui.show_all;
    let first_list: connection::FirstListFn = Arc::new(move |address: DaemonAddress| {
        Box::pin(async move { wharf::docker::first_containers(&address, timeout, screen_rows, show_all).await })
    });
    let connections = connection::Connections::start_with_first_list(
        address,
        slot_tx,
        tx.clone(),
        connect_to,
        Some(first_list),
        choices,
        cancel.clone(),
    );

    let mut app = App {
        state: AppState::new(&host, config.startup(), wharf::app::event_loop_now()),
        // Checked when the config loaded; the defaults stand in should it fail anyway.
        keymap: Keymap::with_overrides(&config.keys).unwrap_or_default(),
        // NO_COLOR (https://no-color.org): set and not empty means no colours.
        theme: Theme::pick(config.ui.theme, std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()))
            .with_colors(&config.ui.colors),
        runner: EffectRunner::new(tx, slot_rx, timeout)
            .read_only(read_only)
            .endpoints(Arc::new(connections))
            .docker_config(wharf::credentials::DockerConfig::from_environment())
            .fleet_stats(fleet_stats),
    };
    if let Some(dir) = build {
        wharf::app::update::open_build(&mut app.state, Some(dir.display().to_string()));
    }
    app.state.fleet = wharf::state::FleetState::new(hosts);
    app.state.screen.read_only = read_only;
    // A compose flag opens the project view; its files are read once connected.
    let compose_asked = compose != wharf::compose::ProjectOptions::default();
    app.state.project.options = compose;
    app.state.project.cwd = std::env::current_dir().unwrap_or_default();
    if compose_asked {
        app.state.project.wanted = true;
        app.state.screen.main_pane = wharf::state::Pane::Project;
        app.state.screen.focus = wharf::state::Pane::Project;
    }

    let mut tui = terminal::init()?;
    let size = tui.size().unwrap_or_default();
    app.state.launch.presets.extend(config.presets.iter().cloned());
    app.state.logs = wharf::state::LogView::new(config.logs.buffer_lines, config.logs.tail_lines);
    app.state.logs.save.limit = config.logs.save_limit_bytes();
    app.state.console.config = console_config(&config.console);
    app.state.stats = wharf::state::StatsState::new(config.stats.interval_secs);
    app.state.containers.sort = wharf::config::load_sort();
    // Variables that are not valid UTF-8 cannot be typed in the form anyway: skip them.
    app.state.launch.host_env =
        std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))).collect();
    app.state.screen.width = size.width;
    app.state.screen.height = size.height;
    let signals = signal_stream()?;
    let outcome = tokio::select! {
        outcome = wharf::app::run(&mut tui, &mut app, rx, crossterm::event::EventStream::new(), signals) => outcome,
        never = debug_panic_trigger() => match never {},
    };
    // The terminal is given back before anything else: ratatui's own clean-up, when
    // `tui` drops, then writes nothing (it reports a failure with `eprintln!`, which
    // panics once the terminal is gone).
    terminal::restore();
    drop(tui);
    // Open consoles hang up before the connection goes (no shell left behind).
    app.runner.close_consoles(wharf::app::HANG_UP_WITHIN + Duration::from_millis(500)).await;
    cancel.cancel();
    outcome
}

/// Debug builds only: `WHARF_DEBUG_PANIC_MS=N` panics after N ms in a background task,
/// or, with `WHARF_DEBUG_PANIC_ON=main`, on the main thread (the one that draws), so the
/// end-to-end tests can check that a panic anywhere gives the terminal back. Never
/// ends otherwise; runs beside the event loop.
async fn debug_panic_trigger() -> std::convert::Infallible {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("WHARF_DEBUG_PANIC_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        let delay = Duration::from_millis(ms);
        if std::env::var("WHARF_DEBUG_PANIC_ON").is_ok_and(|on| on == "main") {
            tokio::time::sleep(delay).await;
            panic!("WHARF_DEBUG_PANIC_MS: forced panic on the main thread");
        }
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            panic!("WHARF_DEBUG_PANIC_MS: forced panic in a background task");
        });
    }
    futures::future::pending().await
}

/// SIGTERM, SIGHUP and SIGINT as one stream of signal numbers.
fn signal_stream() -> std::io::Result<impl futures::Stream<Item = i32> + Unpin> {
    let stream = |kind: SignalKind, number: i32| -> std::io::Result<_> {
        let mut s = signal(kind)?;
        Ok(futures::stream::poll_fn(move |cx| s.poll_recv(cx)).map(move |_| number))
    };
    Ok(futures::stream::select_all([
        stream(SignalKind::terminate(), 15)?,
        stream(SignalKind::hangup(), 1)?,
        stream(SignalKind::interrupt(), 2)?,
    ]))
}

/// The console settings as the state uses them (already checked when the file loaded).
fn console_config(settings: &wharf::config::ConsoleSettings) -> wharf::state::ConsoleConfig {
    use wharf::config::ConsoleSettings;
    let defaults = wharf::state::ConsoleConfig::default();
    wharf::state::ConsoleConfig {
        shells: ConsoleSettings::commands(&settings.shells).unwrap_or(defaults.shells),
        shells_by_container: settings
            .shells_by_container
            .iter()
            .filter_map(|(name, list)| Some((name.clone(), ConsoleSettings::commands(list).ok()?)))
            .collect(),
        prefix: settings.prefix_char().unwrap_or(defaults.prefix),
        client_image: settings.client_image.clone(),
        client_command: ConsoleSettings::commands(std::slice::from_ref(&settings.client_command))
            .ok()
            .and_then(|mut c| c.pop())
            .unwrap_or(defaults.client_command),
    }
}

/// `wharf doctor`: the endpoint and why, whether it answers and what it runs, where the
/// config and the logs are, then each of the config's `[[hosts]]` and whether it
/// answers. Exit code 0 when the daemon in use answers, 1 when it does not (the hosts
/// overview is a side show: a host that is down is reported, and does not fail it).
fn doctor(
    endpoint: &wharf::config::endpoint::Endpoint,
    config: Option<&std::path::Path>,
    hosts: &[(String, DaemonAddress)],
) -> ExitCode {
    let config_path = config.map(std::path::Path::to_path_buf).or_else(wharf::paths::default_config_path);
    println!("endpoint:  {} (from {})", endpoint.host(), endpoint.source);
    if let Some(tls) = &endpoint.address.tls {
        println!("tls:       ca {}, cert {}, key {}", tls.ca.display(), tls.cert.display(), tls.key.display());
    }
    println!("config:    {}", config_path.map(|p| p.display().to_string()).unwrap_or_else(|| "(none)".into()));
    println!(
        "log files: {}",
        wharf::paths::state_dir().map(|d| d.display().to_string()).unwrap_or_else(|| "(none)".into())
    );
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wharf: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The hosts are asked at the same time as the daemon in use: one slow host costs
    // its own timeout, not the sum of them all.
    let (main, others) = runtime.block_on(futures::future::join(
        connect(&endpoint.address, Duration::from_secs(5)),
        futures::future::join_all(hosts.iter().map(|(_, address)| connect(address, Duration::from_secs(5)))),
    ));
    let code = doctor_report(main);
    for ((name, address), outcome) in hosts.iter().zip(others) {
        let name = wharf::text::sanitize(name);
        let host = wharf::text::sanitize(&address.host);
        match outcome {
            Ok(client) => {
                use wharf::docker::DockerApi;
                let info = client.info();
                println!(
                    "host:      {name} ({host}) answers: {} {}, API {}",
                    info.engine, info.version, info.api_version
                );
            }
            Err(error) => {
                let how = match error.kind {
                    wharf::model::DaemonErrorKind::Incompatible => "is incompatible",
                    _ => "does not answer",
                };
                println!("host:      {name} ({host}) {how}: {}", error.message);
                if let Some(hint) = error.hint {
                    println!("hint:      {hint}");
                }
            }
        }
    }
    code
}

/// What `doctor` says of the daemon in use; the exit code.
fn doctor_report(outcome: Result<BollardDocker, wharf::model::DaemonError>) -> ExitCode {
    match outcome {
        Ok(client) => {
            use wharf::docker::DockerApi;
            let info = client.info();
            println!("daemon:    answers: {} {}, API {} (negotiated)", info.engine, info.version, info.api_version);
            ExitCode::SUCCESS
        }
        // It answers, but not in any API version wharf speaks: nothing would work.
        Err(error) if error.kind == wharf::model::DaemonErrorKind::Incompatible => {
            println!("daemon:    incompatible: {}", error.message);
            if let Some(hint) = error.hint {
                println!("hint:      {hint}");
            }
            ExitCode::FAILURE
        }
        Err(error) => {
            println!("daemon:    does not answer: {}", error.message);
            if let Some(hint) = error.hint {
                println!("hint:      {hint}");
            }
            ExitCode::FAILURE
        }
    }
}
