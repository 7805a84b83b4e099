//! Docker's status texts ("Up 3 minutes", "Exited (0) 2 hours ago") hold a duration
//! as of the moment the list was read. wharf lists again only when an event says
//! something changed, so a quiet container's text would freeze ("Up Less than a
//! second" for hours). The duration is read once, and the clock on screen advances it.

use std::borrow::Cow;

/// Where the duration sits in a status text and what it was when listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusAge {
    /// Byte range of the duration phrase in the status text.
    start: usize,
    end: usize,
    /// The duration the phrase stood for, in seconds (its lower bound: "5 minutes" is
    /// 5:00 to 5:59), and how far above it the truth may be.
    seconds: i64,
    span: i64,
    /// When the daemon said so (Unix seconds); 0 until the docker layer stamps it.
    pub listed_at: i64,
}

impl StatusAge {
    /// Finds the duration in a status text; `None` when it has none ("Created") or
    /// words wharf does not know (another engine's).
    pub fn parse(status: &str) -> Option<Self> {
        let (start, end, phrase) = find_phrase(status)?;
        let (seconds, span) = match phrase {
            Phrase::LessThanASecond => (0, 1),
            Phrase::AboutAMinute => (60, 60),
            Phrase::AboutAnHour => (3600, 1800),
            // Hours are rounded to the nearest; every other unit is cut down.
            Phrase::Count(n, 3600) => (n * 3600 - 1800, 3600),
            Phrase::Count(n, unit) => (n * unit, unit),
        };
        Some(Self { start, end, seconds, span, listed_at: 0 })
    }

    /// Stamps the time the daemon said it (`now`). An "Up …" text is then narrowed with
    /// the container's creation time: most containers start the moment they are
    /// created, so their uptime is `now - created` when the daemon's words allow it (a
    /// container started later keeps the daemon's lower bound). "Up About a minute" read
    /// 110 s after creation ages into "Up 2 minutes" 10 s later, as `docker ps` does.
    pub fn stamp(&mut self, status: &str, created: i64, now: i64) {
        self.listed_at = now;
        let since_created = now - created;
        if status.starts_with("Up ") && created > 0 && (self.seconds..self.seconds + self.span).contains(&since_created)
        {
            self.seconds = since_created;
        }
    }

    /// The status text as it reads at `now`: the same words, the duration grown by the
    /// time since it was listed. Unstamped, or with a clock gone backwards, the text as
    /// the daemon gave it.
    pub fn text<'a>(&self, status: &'a str, now: i64) -> Cow<'a, str> {
        let elapsed = now - self.listed_at;
        if self.listed_at == 0 || elapsed <= 0 {
            return Cow::Borrowed(status);
        }
        let (Some(before), Some(after)) = (status.get(..self.start), status.get(self.end..)) else {
            return Cow::Borrowed(status);
        };
        Cow::Owned(format!("{before}{}{after}", human_duration(self.seconds + elapsed)))
    }
}

/// A duration phrase of the daemon's (go-units' `HumanDuration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phrase {
    LessThanASecond,
    AboutAMinute,
    AboutAnHour,
    /// A count and its unit in seconds.
    Count(i64, i64),
}

/// The units of a counted duration, with their length in seconds.
const UNITS: [(&str, i64); 7] = [
    ("second", 1),
    ("minute", 60),
    ("hour", 3600),
    ("day", 86_400),
    ("week", 7 * 86_400),
    ("month", 30 * 86_400),
    ("year", 365 * 86_400),
];

/// The first duration phrase that stands as whole words in `status`: its byte range
/// and what it says. Written out by hand rather than as a regular expression: it is
/// read for every listed container, and compiling an expression at the first list
/// cost memory and start-up time for one fixed pattern (see BENCHMARKS.md).
fn find_phrase(status: &str) -> Option<(usize, usize, Phrase)> {
    let fixed = [
        ("Less than a second", Phrase::LessThanASecond),
        ("About a minute", Phrase::AboutAMinute),
        ("About an hour", Phrase::AboutAnHour),
    ];
    for (start, _) in status.char_indices() {
        if !word_boundary(status, start) {
            continue;
        }
        let rest = &status[start..];
        for (text, phrase) in fixed {
            if rest.starts_with(text) && word_boundary(status, start + text.len()) {
                return Some((start, start + text.len(), phrase));
            }
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&digits) {
            continue;
        }
        let Some(after) = rest[digits..].strip_prefix(' ') else { continue };
        for (unit, seconds) in UNITS {
            let Some(tail) = after.strip_prefix(unit) else { continue };
            let unit_end = start + digits + 1 + unit.len();
            // The plural first, as the daemon writes it; then the singular.
            let end = if tail.starts_with('s') && word_boundary(status, unit_end + 1) {
                unit_end + 1
            } else if word_boundary(status, unit_end) {
                unit_end
            } else {
                continue;
            };
            let n: i64 = rest[..digits].parse().ok()?;
            return Some((start, end, Phrase::Count(n, seconds)));
        }
    }
    None
}

/// Whether a word starts or ends at byte `at` of `text` (a word character on exactly
/// one side, as a regular expression's `\b`).
fn word_boundary(text: &str, at: usize) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text[..at].chars().next_back().is_some_and(is_word);
    let after = text[at..].chars().next().is_some_and(is_word);
    before != after
}

/// A duration in the daemon's own words (go-units' `HumanDuration`), so that aged
/// texts read like fresh ones.
pub fn human_duration(seconds: i64) -> String {
    let minutes = seconds / 60;
    // The daemon rounds hours to the nearest.
    let hours = (seconds + 1800) / 3600;
    match seconds {
        s if s < 1 => "Less than a second".into(),
        1 => "1 second".into(),
        s if s < 60 => format!("{s} seconds"),
        _ if minutes == 1 => "About a minute".into(),
        _ if minutes < 60 => format!("{minutes} minutes"),
        _ if hours == 1 => "About an hour".into(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        s => format!("{} years", s / 3600 / 24 / 365),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aged(status: &str, elapsed: i64) -> String {
        let mut age = StatusAge::parse(status).unwrap_or_else(|| panic!("no duration in {status:?}"));
        age.listed_at = 1_000_000;
        age.text(status, 1_000_000 + elapsed).into_owned()
    }

    #[test]
    fn durations_age_in_the_daemons_words() {
        assert_eq!(aged("Up Less than a second", 0), "Up Less than a second");
        assert_eq!(aged("Up Less than a second", 1), "Up 1 second");
        assert_eq!(aged("Up Less than a second", 45), "Up 45 seconds");
        assert_eq!(aged("Up 59 seconds", 1), "Up About a minute");
        assert_eq!(aged("Up 5 minutes (healthy)", 600), "Up 15 minutes (healthy)");
        assert_eq!(aged("Up About a minute (Paused)", 3600), "Up About an hour (Paused)");
        assert_eq!(aged("Exited (137) 2 hours ago", 3600), "Exited (137) 3 hours ago");
        assert_eq!(aged("Restarting (1) 3 seconds ago", 2), "Restarting (1) 5 seconds ago");
        assert_eq!(aged("Up 47 hours", 3600), "Up 2 days");
        assert_eq!(aged("Up 13 days", 86_400), "Up 2 weeks");
        assert_eq!(aged("Up 8 weeks", 7 * 86_400), "Up 2 months");
        assert_eq!(aged("Up 23 months", 40 * 86_400), "Up 2 years");
    }

    #[test]
    fn texts_without_a_known_duration_stay_as_they_are() {
        for status in ["Created", "Dead", "Removal In Progress", "Exited (0)", "Up 3 fortnights", ""] {
            assert_eq!(StatusAge::parse(status), None, "{status}");
        }
        // Not stamped (a fixture), or a clock that went backwards: the daemon's text.
        let age = StatusAge::parse("Up 5 minutes").unwrap();
        assert_eq!(age.text("Up 5 minutes", 2_000_000), "Up 5 minutes");
        let stamped = StatusAge { listed_at: 2_000_000, ..age };
        assert_eq!(stamped.text("Up 5 minutes", 1_999_000), "Up 5 minutes");
    }

    #[test]
    fn an_uptime_is_narrowed_by_the_creation_time_within_the_daemons_words() {
        let status = "Up About a minute";
        let mut age = StatusAge::parse(status).unwrap();
        // Created 110 s before the list: 10 s later it reads as `docker ps` would.
        age.stamp(status, 1_000_000 - 110, 1_000_000);
        assert_eq!(age.text(status, 1_000_010), "Up 2 minutes");
        // Created long before it started (a restart): the daemon's bounds hold.
        let mut age = StatusAge::parse(status).unwrap();
        age.stamp(status, 1_000_000 - 86_400, 1_000_000);
        assert_eq!(age.text(status, 1_000_001), "Up About a minute");
        // Hours are rounded by the daemon: "2 hours" is 1.5 h to 2.5 h.
        let status = "Up 2 hours";
        let mut age = StatusAge::parse(status).unwrap();
        age.stamp(status, 1_000_000 - 8999, 1_000_000);
        assert_eq!(age.text(status, 1_000_000 + 1), "Up 3 hours");
        // An exit time has nothing to do with the creation time.
        let status = "Exited (0) 5 minutes ago";
        let mut age = StatusAge::parse(status).unwrap();
        age.stamp(status, 1_000_000 - 86_400, 1_000_000);
        assert_eq!(age.text(status, 1_000_001), "Exited (0) 5 minutes ago");
    }

    #[test]
    fn phrases_count_only_as_whole_words() {
        let found = |status: &str| StatusAge::parse(status).map(|a| (a.start, a.end, a.seconds));
        assert_eq!(found("Up 5 seconds"), Some((3, 12, 5)));
        assert_eq!(found("Up 1 second"), Some((3, 11, 1)));
        assert_eq!(found("Up 3 days (healthy)"), Some((3, 9, 3 * 86_400)));
        assert_eq!(found("Exited (0) About an hour ago"), Some((11, 24, 3600)));
        assert_eq!(found("Up 12345 years"), Some((3, 14, 12_345 * 365 * 86_400)));
        // Inside another word, too many digits, or a unit that goes on: not a duration.
        assert_eq!(found("Up x5 seconds"), None);
        assert_eq!(found("Up 1234567890 seconds"), None);
        assert_eq!(found("Up 5 secondsx"), None);
        assert_eq!(found("Up 5 minutely"), None);
        assert_eq!(found("NotAbout a minute"), None);
        // The first whole phrase wins, wherever it is.
        assert_eq!(found("Up 5x 7 hours"), Some((6, 13, 7 * 3600 - 1800)));
        assert_eq!(found("Up é5 seconds"), None);
        assert_eq!(found("Up _5 seconds"), None);
    }

    #[test]
    fn the_exit_code_is_not_taken_for_a_duration() {
        let age = StatusAge::parse("Exited (3) 5 seconds ago").unwrap();
        assert_eq!(age.seconds, 5);
        assert_eq!(aged("Exited (3) 5 seconds ago", 10), "Exited (3) 15 seconds ago");
    }

    #[test]
    fn human_duration_matches_the_daemon_at_its_boundaries() {
        assert_eq!(human_duration(0), "Less than a second");
        assert_eq!(human_duration(59), "59 seconds");
        assert_eq!(human_duration(119), "About a minute");
        assert_eq!(human_duration(120), "2 minutes");
        assert_eq!(human_duration(3599), "59 minutes");
        assert_eq!(human_duration(5399), "About an hour");
        assert_eq!(human_duration(5400), "2 hours");
        assert_eq!(human_duration(47 * 3600), "47 hours");
        assert_eq!(human_duration(48 * 3600), "2 days");
        assert_eq!(human_duration(3 * 365 * 86_400), "3 years");
    }
}
