//! The log file: one per day (UTC), a week of them kept, private to the user. The
//! directory is made 0700 and each file 0600, also when an older wharf left them open
//! to others: a log may name hosts, containers and daemon errors, which are nobody
//! else's business. (tracing-appender's rolling files take the umask's mode, hence
//! this small writer of wharf's own.)

use std::fs::{File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

const PREFIX: &str = "wharf.";
const SUFFIX: &str = ".log";

pub struct DailyFile {
    dir: PathBuf,
    keep: usize,
    /// Days since the Unix epoch of the open file.
    day: i64,
    file: File,
    /// Today, in days since the Unix epoch (a fixed day in tests).
    clock: fn() -> i64,
}

impl DailyFile {
    /// Opens (or creates) today's file in `dir`, which is created if missing.
    pub fn new(dir: &Path, keep: usize) -> io::Result<Self> {
        Self::with_clock(dir, keep, today)
    }

    fn with_clock(dir: &Path, keep: usize, clock: fn() -> i64) -> io::Result<Self> {
        let day = clock();
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        // `mode` applies to directories it creates only.
        std::fs::set_permissions(dir, Permissions::from_mode(0o700))?;
        let file = open_private(&dir.join(file_name(day)))?;
        let this = Self { dir: dir.to_path_buf(), keep, day, file, clock };
        this.prune();
        Ok(this)
    }

    fn roll_to(&mut self, day: i64) -> io::Result<()> {
        self.file = open_private(&self.dir.join(file_name(day)))?;
        self.day = day;
        self.prune();
        Ok(())
    }

    /// Removes all but the newest `keep` log files (their names sort by date).
    fn prune(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        let mut logs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_log_name))
            .collect();
        logs.sort();
        let excess = logs.len().saturating_sub(self.keep);
        for old in logs.iter().take(excess) {
            let _ = std::fs::remove_file(old);
        }
    }
}

impl Write for DailyFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let day = (self.clock)();
        if day != self.day {
            self.roll_to(day)?;
        }
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

fn open_private(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new().append(true).create(true).mode(0o600).open(path)?;
    file.set_permissions(Permissions::from_mode(0o600))?;
    Ok(file)
}

/// `wharf.2024-01-31.log`, the names tracing-appender's daily files had.
fn file_name(day: i64) -> String {
    let (y, m, d) = civil_date(day);
    format!("{PREFIX}{y:04}-{m:02}-{d:02}{SUFFIX}")
}

fn is_log_name(name: &str) -> bool {
    name.strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .is_some_and(|date| date.len() == 10 && date.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
}

fn today() -> i64 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    (secs / 86_400) as i64
}

/// Days since 1970-01-01 -> (year, month, day), proleptic Gregorian (Howard
/// Hinnant's `civil_from_days`).
fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn dates_name_the_files() {
        assert_eq!(file_name(0), "wharf.1970-01-01.log");
        assert_eq!(file_name(19_723), "wharf.2024-01-01.log");
        assert_eq!(file_name(19_782), "wharf.2024-02-29.log");
        assert_eq!(file_name(20_088), "wharf.2024-12-31.log");
    }

    #[test]
    fn the_directory_is_0700_and_files_0600_even_when_made_open_before() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("state/wharf");
        let mut log = DailyFile::with_clock(&dir, 7, || 19_723).unwrap();
        log.write_all(b"line\n").unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("wharf.2024-01-01.log")), 0o600);

        // Left open to others by an older wharf: closed again.
        std::fs::set_permissions(&dir, Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(dir.join("wharf.2024-01-01.log"), Permissions::from_mode(0o644)).unwrap();
        drop(DailyFile::with_clock(&dir, 7, || 19_723).unwrap());
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("wharf.2024-01-01.log")), 0o600);
        assert_eq!(std::fs::read_to_string(dir.join("wharf.2024-01-01.log")).unwrap(), "line\n", "appended, not cut");

        // The next day's file, made by rolling over, is private too.
        log.roll_to(19_724).unwrap();
        assert_eq!(mode(&dir.join("wharf.2024-01-02.log")), 0o600);
    }

    #[test]
    fn a_week_is_kept() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        std::fs::write(dir.join("notes.txt"), "").unwrap();
        let mut log = DailyFile::with_clock(dir, 7, || 19_723).unwrap();
        for day in 19_724..19_733 {
            log.roll_to(day).unwrap();
        }
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names.len(), 8, "{names:?}");
        assert_eq!(names[0], "notes.txt", "other files stay");
        assert_eq!(names[1], "wharf.2024-01-04.log");
        assert_eq!(names[7], "wharf.2024-01-10.log");
    }
}
