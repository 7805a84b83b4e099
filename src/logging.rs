//! Logs go to a file: stdout belongs to the TUI. Never log env values or anything a
//! container printed (see HOSTILE.md, "Secrets").

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts logging to a daily-rotated file (a week kept). Returns the guard that
/// flushes the file on drop, or `None` when no log directory can be made (wharf then
/// runs without a log rather than not at all).
pub fn init(level: &str) -> Option<WorkerGuard> {
    let dir = crate::paths::state_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("wharf")
        .filename_suffix("log")
        .max_log_files(7)
        .build(&dir)
        .ok()?;
    // A small queue: the default (128,000 lines) is allocated up front and would be
    // most of wharf's memory; wharf logs little, and a full queue drops lines, never waits.
    let (writer, guard) =
        tracing_appender::non_blocking::NonBlockingBuilder::default().buffered_lines_limit(1024).finish(appender);
    let filter = EnvFilter::try_new(format!("warn,wharf={level}")).unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter).try_init().ok()?;
    Some(guard)
}
