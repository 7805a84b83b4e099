//! Times as the user reads them: in the local time zone, as `date` and `docker events`
//! print them. The zone is read once, at start, on the runner's side (`Zone::system`);
//! `update` and the UI only convert with the zone they are given, so they read no
//! files and a test can pick any zone.
//!
//! Why `jiff`: the offset of a zone with daylight saving depends on the date, which
//! takes the zone's rules (`/etc/localtime`, or `TZ`) to know; jiff reads them in
//! safe Rust. The `time` crate asks libc instead, which is unsound in a threaded
//! program on Linux (it reads the environment), and chrono brings more than this needs.

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

/// A time zone; UTC unless the runner's side gave the system's.
#[derive(Debug, Clone)]
pub struct Zone(TimeZone);

impl Default for Zone {
    fn default() -> Self {
        Self(TimeZone::UTC)
    }
}

impl Zone {
    /// The system's zone: `TZ` if set, else `/etc/localtime`; UTC when neither can be
    /// read. Reads files: call it on the runner's side, never from `update`.
    pub fn system() -> Self {
        Self(TimeZone::system())
    }

    /// A zone `seconds` east of UTC, without daylight saving (tests).
    pub fn fixed(seconds: i32) -> Self {
        Self(Offset::from_seconds(seconds).map(TimeZone::fixed).unwrap_or(TimeZone::UTC))
    }

    /// `HH:MM:SS` of a Unix time (seconds), local.
    pub fn clock(&self, unix: i64) -> String {
        self.format(unix, "%H:%M:%S")
    }

    /// `2026-12-02T09-41-07` of a Unix time (seconds), local: for file names, which
    /// sort by it and keep no colon (some tools read one as a drive or a host).
    pub fn file_stamp(&self, unix: i64) -> String {
        self.format(unix, "%Y-%m-%dT%H-%M-%S")
    }

    fn format(&self, unix: i64, pattern: &str) -> String {
        // Out of jiff's range (years past ±9999): the epoch rather than nothing.
        let at = Timestamp::from_second(unix).unwrap_or(Timestamp::UNIX_EPOCH);
        self.0.to_datetime(at).strftime(pattern).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_and_file_stamp_are_local() {
        // 2024-05-01T10:00:00Z
        let at = 1_714_557_600;
        assert_eq!(Zone::default().clock(at), "10:00:00");
        assert_eq!(Zone::fixed(2 * 3600).clock(at), "12:00:00");
        assert_eq!(Zone::fixed(-5 * 3600).clock(at), "05:00:00");
        assert_eq!(Zone::fixed(2 * 3600).file_stamp(at), "2024-05-01T12-00-00");
        assert_eq!(Zone::fixed(-11 * 3600).file_stamp(at), "2024-04-30T23-00-00");
        assert_eq!(Zone::default().clock(i64::MAX), "00:00:00", "out of range: no panic");
    }
}
