//! Logs go to a file: stdout belongs to the TUI. Never log env values or anything a
//! container printed (see HOSTILE.md, "Secrets").

mod daily_file;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// The levels `--log-level` accepts, quietest first.
pub const LEVELS: [&str; 5] = ["error", "warn", "info", "debug", "trace"];

/// How many daily log files are kept.
const KEEP_DAYS: usize = 7;

/// Starts logging to a daily file (a week kept; the directory 0700, the files 0600).
/// Returns the guard that flushes the file on drop, or `None` when no log directory
/// can be made (wharf then runs without a log rather than not at all).
pub fn init(level: &str) -> Option<WorkerGuard> {
    let file = daily_file::DailyFile::new(&crate::paths::state_dir()?, KEEP_DAYS).ok()?;
    // A small queue: the default (128,000 lines) is allocated up front and would be
    // most of wharf's memory; wharf logs little, and a full queue drops lines, never waits.
    let (writer, guard) =
        tracing_appender::non_blocking::NonBlockingBuilder::default().buffered_lines_limit(1024).finish(file);
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter(level)).try_init().ok()?;
    Some(guard)
}

/// wharf's own events at `level`; every other crate's at `warn`, whatever `level` is.
///
/// Why: the subscriber also takes the `log` records of the libraries (tracing-log),
/// and the Docker API library logs every request's URI at debug, every response body
/// at debug ("Decoded into string: ..." -- a container inspect, env values included)
/// and the query of each request at trace (tests/cli.rs checks each level with its
/// log targets); hyper's and rustls' details say nothing a user needs. None of them logs at warn or
/// above what a request or answer carried. wharf's own events name hosts, ids and
/// error texts, never env values, registry credentials or bodies.
pub fn filter(level: &str) -> EnvFilter {
    let level = if LEVELS.contains(&level) { level } else { "info" };
    EnvFilter::try_new(format!("warn,wharf={level}")).unwrap_or_else(|_| EnvFilter::new("warn"))
}
