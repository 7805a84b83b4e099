//! Logs go to a file: stdout belongs to the TUI. Never log env values or anything a
//! container printed (see HOSTILE.md, "Secrets").

mod daily_file;

use std::sync::Mutex;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The levels `--log-level` accepts, quietest first.
pub const LEVELS: [&str; 5] = ["error", "warn", "info", "debug", "trace"];

/// How many daily log files are kept.
const KEEP_DAYS: usize = 7;

/// Starts logging to a daily file (a week kept; the directory 0700, the files 0600).
/// Returns whether it could: when no log directory can be made, wharf runs without a
/// log rather than not at all.
///
/// Each event is written to the file as it happens, by the thread that logs it (one
/// `write` of one formatted line, to the page cache). wharf logs a few lines an hour:
/// a writer thread of its own (tracing-appender's `non_blocking`) cost a thread stack,
/// a malloc arena and a queue allocated up front, for nothing (see BENCHMARKS.md).
/// The event loop and `update` log nothing on the way to a frame.
pub fn init(level: &str) -> bool {
    let Some(dir) = crate::paths::state_dir() else { return false };
    let Ok(file) = daily_file::DailyFile::new(&dir, KEEP_DAYS) else { return false };
    subscriber(Mutex::new(file), level).try_init().is_ok()
}

/// What wharf logs with: plain lines (no colour codes) to `writer`, through `filter`.
pub fn subscriber<W>(writer: W, level: &str) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let layer = tracing_subscriber::fmt::layer().with_writer(writer).with_ansi(false);
    tracing_subscriber::registry().with(layer).with(filter(level))
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
///
/// A `Targets` filter, not an `EnvFilter`: the latter parses its directives with a
/// regular expression compiled at start-up (memory and time for a fixed string).
pub fn filter(level: &str) -> Targets {
    let level = match level {
        "error" => LevelFilter::ERROR,
        "warn" => LevelFilter::WARN,
        "debug" => LevelFilter::DEBUG,
        "trace" => LevelFilter::TRACE,
        _ => LevelFilter::INFO,
    };
    Targets::new().with_default(LevelFilter::WARN).with_target("wharf", level)
}
