//! The log pane's state: a bounded ring of lines, the containers they come from, and
//! how the user is reading them (following or scrolled, wrap, search, filter).
//!
//! Lines are numbered in arrival order (`seq`); the ring keeps the newest `capacity`
//! and counts what it dropped, so memory stays flat however much a container prints.

use std::collections::VecDeque;

use unicode_width::UnicodeWidthStr;

use crate::logs::LogLine;

/// Columns continuation rows of a wrapped line are indented by.
pub const WRAP_INDENT: usize = 2;

/// Identifies one log stream wharf asked for; lines of a stream that was replaced are
/// recognised by it and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(pub u64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceStatus {
    /// Waiting for the container's details (whether it has a TTY) before asking.
    Waiting,
    Streaming,
    /// The stream ended because the container stopped, at this time (Unix seconds).
    Ended {
        at: i64,
    },
    /// The daemon went away or stopped answering at `at` while the stream ran: the
    /// container may well still run. Resumed (after the last line seen) on reconnecting.
    Interrupted {
        at: i64,
    },
    /// The stream broke (daemon error, timeout) at `at`; tried again at `retry_at`.
    Retrying {
        at: i64,
        retry_at: i64,
        reason: String,
    },
    /// The logs cannot be read; the reason, in words. Not retried.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSource {
    /// The container's id, or the swarm service's when `service` is set.
    pub container_id: String,
    /// `Some(tty)`: a swarm service's logs (its tasks' TTY setting decides the framing).
    pub service: Option<bool>,
    pub name: String,
    pub stream: Option<StreamId>,
    pub status: SourceStatus,
}

/// Bytes the ring may hold, whatever the line count: 10,000 capped lines of 64 KiB
/// would otherwise be over half a gigabyte.
pub const MAX_BUFFER_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    capacity: usize,
    /// Approximate heap bytes of the lines held.
    bytes: usize,
    /// `seq` of `lines[0]`.
    first_seq: u64,
    pub dropped: u64,
    /// Times a stream skipped ahead: its lines came faster than they can be read, so
    /// it started again from the newest (lines in between were never read).
    pub skipped_ahead: u64,
}

impl LogBuffer {
    pub fn new(capacity: usize) -> Self {
        Self { lines: VecDeque::new(), capacity: capacity.max(1), bytes: 0, first_seq: 0, dropped: 0, skipped_ahead: 0 }
    }

    fn size_of(line: &LogLine) -> usize {
        line.text.len() + line.runs.len() * std::mem::size_of::<crate::logs::StyleRun>() + 64
    }

    pub fn push(&mut self, line: LogLine) {
        self.bytes += Self::size_of(&line);
        self.lines.push_back(line);
        while self.lines.len() > self.capacity || (self.bytes > MAX_BUFFER_BYTES && self.lines.len() > 1) {
            if let Some(old) = self.lines.pop_front() {
                self.bytes -= Self::size_of(&old);
                self.first_seq += 1;
                self.dropped += 1;
            }
        }
    }

    pub fn is_full(&self) -> bool {
        self.lines.len() >= self.capacity || self.bytes >= MAX_BUFFER_BYTES
    }

    pub fn clear(&mut self) {
        self.first_seq += self.lines.len() as u64;
        self.lines.clear();
        self.bytes = 0;
        self.dropped = 0;
        self.skipped_ahead = 0;
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// One past the last line's `seq`.
    pub fn end_seq(&self) -> u64 {
        self.first_seq + self.lines.len() as u64
    }

    pub fn get(&self, seq: u64) -> Option<&LogLine> {
        let i = seq.checked_sub(self.first_seq)?;
        self.lines.get(usize::try_from(i).ok()?)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, &LogLine)> + '_ {
        self.lines.iter().enumerate().map(|(i, l)| (self.first_seq + i as u64, l))
    }

    /// Takes a batch of one stream (in its own time order) into the buffer in time
    /// order: the lines already there that are newer than the batch's first are taken
    /// off the end and merged with it. Merged logs then read as one timeline even
    /// though each container's history arrives on its own, in one piece. Lines without
    /// a timestamp go at the end, as they come.
    pub fn merge_in(&mut self, batch: Vec<LogLine>) {
        let Some(first) = batch.first().and_then(|l| time_key(l.timestamp.as_deref()?)) else {
            batch.into_iter().for_each(|l| self.push(l));
            return;
        };
        let mut newer = VecDeque::new();
        while let Some(last) = self.lines.back() {
            match line_key(last) {
                Some(key) if key > first => {}
                _ => break,
            }
            if let Some(line) = self.lines.pop_back() {
                self.bytes -= Self::size_of(&line);
                newer.push_front(line);
            }
        }
        let mut batch = batch.into_iter().peekable();
        loop {
            let take_batch = match (batch.peek(), newer.front()) {
                (Some(b), Some(n)) => line_key(b) <= line_key(n),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let line = if take_batch { batch.next() } else { newer.pop_front() };
            if let Some(line) = line {
                self.push(line);
            }
        }
    }
}

fn line_key(line: &LogLine) -> Option<(&str, u32)> {
    line.timestamp.as_deref().and_then(time_key)
}

/// A daemon timestamp (`2024-05-01T10:00:00.123Z`, RFC 3339 in UTC with up to nine
/// fractional digits) as a key that sorts in time order: the fraction padded to nine
/// digits, since "…00.5Z" is later than "…00.123Z" though it sorts first as text.
fn time_key(stamp: &str) -> Option<(&str, u32)> {
    let stamp = stamp.strip_suffix('Z')?;
    let (whole, fraction) = stamp.split_once('.').unwrap_or((stamp, ""));
    let digits = fraction.get(..fraction.len().min(9))?;
    let nanos: u32 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    Some((whole, nanos * 10u32.pow(9 - digits.len() as u32)))
}

/// A daemon timestamp (`2024-05-01T10:00:00.123Z`, UTC) in whole Unix seconds.
fn stamp_seconds(stamp: &str) -> Option<i64> {
    time_key(stamp)?;
    crate::model::parse_rfc3339(stamp)
}

/// How far back a stream starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Since {
    /// The last `tail` lines (the default: never the whole history).
    #[default]
    Tail,
    Minutes5,
    Hour1,
    /// As much as the buffer holds.
    Everything,
}

impl Since {
    pub fn next(self) -> Self {
        match self {
            Since::Tail => Since::Minutes5,
            Since::Minutes5 => Since::Hour1,
            Since::Hour1 => Since::Everything,
            Since::Everything => Since::Tail,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Since::Tail => "latest",
            Since::Minutes5 => "5m",
            Since::Hour1 => "1h",
            Since::Everything => "all",
        }
    }

    /// Seconds to look back, if bounded by time.
    pub fn seconds(self) -> Option<i64> {
        match self {
            Since::Minutes5 => Some(300),
            Since::Hour1 => Some(3600),
            Since::Tail | Since::Everything => None,
        }
    }
}

/// What the log pane's filter keeps: lines containing a text, or matching a regular
/// expression (case-insensitive).
#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    pub text: String,
    pub is_regex: bool,
    /// The expression, compiled; `None` when the filter is plain text or the
    /// expression does not compile (then `error` says why).
    pub regex: Option<regex::Regex>,
    pub error: Option<String>,
}

impl LineFilter {
    pub fn new(text: &str, is_regex: bool) -> Self {
        let mut filter = Self { text: text.to_string(), is_regex, ..Self::default() };
        if is_regex && !text.is_empty() {
            match regex::RegexBuilder::new(text).case_insensitive(true).size_limit(1 << 20).build() {
                Ok(re) => filter.regex = Some(re),
                Err(e) => filter.error = Some(e.to_string().lines().last().unwrap_or("invalid").trim().to_string()),
            }
        }
        filter
    }

    /// Whether a line's `text`, or the name of the container it came from (`source`,
    /// empty when not merged), passes.
    pub fn passes(&self, text: &str, source: &str) -> bool {
        if self.text.is_empty() {
            return true;
        }
        match (&self.regex, self.is_regex) {
            (Some(re), true) => re.is_match(text) || (!source.is_empty() && re.is_match(source)),
            // An expression that does not compile filters nothing out (and says why).
            (None, true) => true,
            _ => contains_ignore_case(text, &self.text) || contains_ignore_case(source, &self.text),
        }
    }
}

#[derive(Debug, Clone)]
pub struct LogView {
    pub sources: Vec<LogSource>,
    pub buffer: LogBuffer,
    /// Showing the newest lines as they come. Scrolling up pauses it; `G` resumes.
    pub follow: bool,
    /// `seq` of the first line shown while not following.
    pub top: u64,
    pub wrap: bool,
    /// Columns scrolled right while not wrapping.
    pub hscroll: usize,
    pub timestamps: bool,
    pub since: Since,
    /// Lines asked for when a stream starts.
    pub tail: u32,
    pub search: LogSearch,
    pub filter: LineFilter,
    pub zoomed: bool,
    /// The sources were chosen on purpose (a swarm service, a task's container): they
    /// stay until the user moves in the containers pane, whatever the list does.
    pub pinned: bool,
    /// Lines that arrived while the view was paused on a full buffer: not kept, so what
    /// the user is reading does not scroll away under a flood. Counted and shown.
    pub skipped_while_paused: u64,
    /// The timestamp of the newest line taken from each source (by container or
    /// service id): a stream resumed after an interruption starts at that second, and
    /// what it sends up to and including that line is dropped as already shown.
    pub last_seen: std::collections::HashMap<String, Box<str>>,
    /// Saving the container's whole log (`W`).
    pub save: WholeLogSave,
}

/// What the log pane's search (`/`) looks for, and where it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSearch {
    pub text: String,
    /// The line of the current match.
    pub current: Option<u64>,
}

/// Saving a container's whole log to a file: one at a time, and at most so much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WholeLogSave {
    /// The save under way, if one is.
    pub running: Option<FullSave>,
    /// Bytes a save writes at most (`logs.save_limit_mib`).
    pub limit: u64,
}

/// Default of `save_limit`: 100 MiB.
pub const DEFAULT_SAVE_LIMIT: u64 = 100 * 1024 * 1024;

/// A whole-log save under way, as far as it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullSave {
    pub save: StreamId,
    pub name: String,
    pub bytes: u64,
}

impl FullSave {
    /// What the status line says while it runs.
    pub fn progress(&self) -> String {
        format!("saving the log of {}: {} (W or Esc stops)", self.name, mib(self.bytes))
    }
}

/// Bytes in MiB, as the save limit is given: `0.4 MiB`, `37 MiB`.
pub fn mib(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib >= 10.0 { format!("{mib:.0} MiB") } else { format!("{mib:.1} MiB") }
}

impl LogView {
    pub fn new(capacity: usize, tail: u32) -> Self {
        Self {
            sources: Vec::new(),
            buffer: LogBuffer::new(capacity),
            follow: true,
            top: 0,
            wrap: true,
            hscroll: 0,
            timestamps: false,
            since: Since::Tail,
            tail,
            search: LogSearch::default(),
            filter: LineFilter::default(),
            zoomed: false,
            pinned: false,
            skipped_while_paused: 0,
            last_seen: std::collections::HashMap::new(),
            save: WholeLogSave { running: None, limit: DEFAULT_SAVE_LIMIT },
        }
    }

    /// Starts over for another daemon: its lines, sources, streams, search matches
    /// and saves were the old one's. What the user set stays: the buffer's size, the
    /// tail asked for, the save limit, wrapping, timestamps, where streams start, the
    /// filter and the zoom.
    pub fn forget_daemon(&mut self) {
        let fresh = Self::new(self.buffer.capacity(), self.tail);
        let old = std::mem::replace(self, fresh);
        self.save.limit = old.save.limit;
        self.wrap = old.wrap;
        self.timestamps = old.timestamps;
        self.since = old.since;
        self.filter = old.filter;
        self.zoomed = old.zoomed;
    }

    /// Forgets every line, and where each source's stream had got to.
    pub fn clear_lines(&mut self) {
        self.buffer.clear();
        self.last_seen.clear();
    }

    /// Drops from a batch of `id`'s stream the lines already shown (at or before the
    /// last one seen: a resumed stream starts at that whole second), and remembers the
    /// newest line's time. Lines without a timestamp are kept.
    pub fn drop_seen(&mut self, id: &str, lines: &mut Vec<LogLine>) {
        if let Some(last) = self.last_seen.get(id).and_then(|l| time_key(l)) {
            lines.retain(|line| line.timestamp.as_deref().and_then(time_key).is_none_or(|key| key > last));
        }
        if let Some(newest) = lines.iter().rev().find_map(|l| l.timestamp.clone().filter(|t| time_key(t).is_some())) {
            self.last_seen.insert(id.to_string(), newest);
        }
    }

    /// The whole second (Unix) of the last line seen from `id`, where its stream resumes.
    pub fn resume_second(&self, id: &str) -> Option<i64> {
        self.last_seen.get(id).and_then(|stamp| stamp_seconds(stamp))
    }

    pub fn passes_filter(&self, line: &LogLine) -> bool {
        // Merged, a line also answers to the container it came from (its prefix).
        self.filter.passes(&line.text, self.merged_source(line).unwrap_or_default())
    }

    /// The name of the container a line came from, when several are merged.
    pub fn merged_source(&self, line: &LogLine) -> Option<&str> {
        (self.sources.len() > 1).then(|| self.sources.get(usize::from(line.source)).map(|s| s.name.as_str())).flatten()
    }

    /// Sets the filter, as plain text or as a regular expression.
    pub fn set_filter(&mut self, text: &str, regex: bool) {
        self.filter = LineFilter::new(text, regex);
    }

    /// Columns a line's prefix takes: stream marker, container name (merged), timestamp.
    pub fn prefix_width(&self, line: &LogLine) -> usize {
        let mut width = 2;
        if self.sources.len() > 1 {
            width += self.sources.get(usize::from(line.source)).map_or(0, |s| s.name.width() + 1);
        }
        if self.timestamps {
            width += line.timestamp.as_deref().map_or(0, |t| t.width() + 1);
        }
        width
    }

    /// Screen rows a line takes at `width` columns. Continuation rows are indented by
    /// `WRAP_INDENT` so a wrapped line reads as one.
    pub fn rows_of(&self, line: &LogLine, width: usize) -> usize {
        if !self.wrap || width <= WRAP_INDENT {
            return 1;
        }
        let total = self.prefix_width(line) + line.text.width() + cut_note(line).width();
        if total <= width { 1 } else { 1 + (total - width).div_ceil(width - WRAP_INDENT) }
    }

    /// The lines to draw in a `width` x `height` pane, top to bottom, with the rows each
    /// takes. Only the visible lines are looked at (bounded by the pane, not the buffer).
    pub fn visible(&self, width: usize, height: usize) -> Vec<u64> {
        let mut out = Vec::new();
        if height == 0 || self.buffer.is_empty() {
            return out;
        }
        let mut used = 0;
        if self.follow {
            for (seq, line) in self.buffer.iter().rev() {
                if !self.passes_filter(line) {
                    continue;
                }
                // The line that reaches the top is taken even when only its end fits
                // (the pane cuts it from the top): a line taller than what is left,
                // a 1 MiB one, shows its last rows instead of an empty space.
                used += self.rows_of(line, width);
                out.push(seq);
                if used >= height {
                    break;
                }
            }
            out.reverse();
        } else {
            let start = self.top.max(self.buffer.first_seq());
            for seq in start..self.buffer.end_seq() {
                let Some(line) = self.buffer.get(seq) else { break };
                if !self.passes_filter(line) {
                    continue;
                }
                if used >= height {
                    break;
                }
                used += self.rows_of(line, width);
                out.push(seq);
            }
        }
        out
    }

    /// Scrolls by `delta` shown lines. Scrolling pauses following; scrolling down to
    /// the end resumes it.
    pub fn scroll(&mut self, delta: isize, width: usize, height: usize) {
        if self.follow {
            if delta >= 0 {
                return;
            }
            // From the first line shown whole: the top one may show only its end.
            let shown = self.visible(width, height);
            let rows: usize = shown.iter().filter_map(|s| self.buffer.get(*s)).map(|l| self.rows_of(l, width)).sum();
            let whole = if rows > height && shown.len() > 1 { shown.get(1) } else { shown.first() };
            self.top = whole.copied().unwrap_or(self.buffer.first_seq());
            self.follow = false;
        }
        let mut top = self.top.max(self.buffer.first_seq());
        let mut steps = delta.unsigned_abs();
        while steps > 0 {
            let next = if delta < 0 { self.prev_shown(top) } else { self.next_shown(top) };
            match next {
                Some(seq) => top = seq,
                None => break,
            }
            steps -= 1;
        }
        self.top = top;
        // At the end: back to following.
        if delta > 0 && self.bottom_reached(width, height) {
            self.follow = true;
        }
    }

    fn bottom_reached(&self, width: usize, height: usize) -> bool {
        let shown = self.visible(width, height);
        let last_shown = shown.last().copied();
        let last_passing = self.buffer.iter().rev().find(|(_, l)| self.passes_filter(l)).map(|(s, _)| s);
        last_shown == last_passing
    }

    fn next_shown(&self, from: u64) -> Option<u64> {
        (from + 1..self.buffer.end_seq()).find(|s| self.buffer.get(*s).is_some_and(|l| self.passes_filter(l)))
    }

    fn prev_shown(&self, from: u64) -> Option<u64> {
        (self.buffer.first_seq()..from).rev().find(|s| self.buffer.get(*s).is_some_and(|l| self.passes_filter(l)))
    }

    pub fn scroll_to_top(&mut self) {
        self.follow = false;
        self.top = self.buffer.first_seq();
    }

    pub fn follow_again(&mut self) {
        self.follow = true;
        self.hscroll = 0;
        self.skipped_while_paused = 0;
    }

    /// Takes a line from a stream. While paused on a full buffer the line is counted and
    /// not kept: evicting would pull the lines being read out from under the reader.
    pub fn take_line(&mut self, line: LogLine) {
        if !self.follow && self.buffer.is_full() {
            self.skipped_while_paused += 1;
        } else {
            self.buffer.push(line);
        }
    }

    /// Lines a stream passed over unstyled because more came at once than the buffer
    /// keeps: as if they had been taken and pushed out again.
    pub fn count_passed_over(&mut self, count: u64) {
        if !self.follow && self.buffer.is_full() {
            self.skipped_while_paused += count;
        } else {
            self.buffer.dropped += count;
        }
    }

    /// A batch of lines from one stream. Several containers merged and following: placed
    /// in time order among the others' (their streams carry timestamps for this); while
    /// paused, appended, so that the lines being read do not move.
    pub fn take_lines(&mut self, lines: Vec<LogLine>) {
        if self.sources.len() > 1 && self.follow {
            self.buffer.merge_in(lines);
        } else {
            lines.into_iter().for_each(|line| self.take_line(line));
        }
    }

    /// Moves to the next (or previous) line matching the search, wrapping around.
    /// Returns whether there is one.
    pub fn find(&mut self, forward: bool) -> bool {
        if self.search.text.is_empty() {
            return false;
        }
        let first = self.buffer.first_seq();
        let end = self.buffer.end_seq();
        if end == first {
            return false;
        }
        let from = self.search.current.unwrap_or(if forward { self.top.max(first).saturating_sub(1) } else { end });
        let matches = |s: &u64| {
            self.buffer
                .get(*s)
                .is_some_and(|l| self.passes_filter(l) && contains_ignore_case(&l.text, &self.search.text))
        };
        let found = if forward {
            (from.saturating_add(1)..end).find(matches).or_else(|| (first..end).find(matches))
        } else {
            (first..from.min(end)).rev().find(matches).or_else(|| (first..end).rev().find(matches))
        };
        match found {
            Some(seq) => {
                self.search.current = Some(seq);
                self.follow = false;
                // Show the match with two lines of context above it.
                let mut top = seq;
                for _ in 0..2 {
                    match self.prev_shown(top) {
                        Some(p) => top = p,
                        None => break,
                    }
                }
                self.top = top;
                true
            }
            None => {
                self.search.current = None;
                false
            }
        }
    }
}

/// What a capped line shows at its end.
pub fn cut_note(line: &LogLine) -> String {
    if line.cut == 0 { String::new() } else { format!(" … [{} bytes cut]", line.cut) }
}

/// Case-insensitive substring test without allocating for ASCII needles.
pub fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if needle.is_ascii() {
        let n = needle.as_bytes();
        return haystack.as_bytes().windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::StreamKind;

    fn stamped(source: u8, at: &str, text: &str) -> LogLine {
        LogLine { source, timestamp: Some(at.into()), ..line(text) }
    }

    fn texts(buffer: &LogBuffer) -> Vec<&str> {
        buffer.iter().map(|(_, l)| l.text.as_str()).collect()
    }

    #[test]
    fn stamps_read_as_unix_seconds() {
        assert_eq!(stamp_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(stamp_seconds("2024-05-01T10:00:00.999999999Z"), Some(1_714_557_600));
        assert_eq!(stamp_seconds("2000-02-29T23:59:59Z"), Some(951_868_799));
        assert_eq!(stamp_seconds("yesterday"), None);
    }

    #[test]
    fn lines_up_to_the_last_seen_are_dropped_and_later_ones_kept() {
        let mut view = LogView::new(100, 10);
        let mut first = vec![stamped(0, "2026-11-28T10:00:01.100Z", "a"), stamped(0, "2026-11-28T10:00:01.2Z", "b")];
        view.drop_seen("c1", &mut first);
        assert_eq!(first.len(), 2);
        assert_eq!(view.resume_second("c1"), Some(1_795_860_001));
        // Resumed from the whole second: "a" and "b" again, then what is new.
        let mut resumed = vec![
            stamped(0, "2026-11-28T10:00:01.100Z", "a"),
            stamped(0, "2026-11-28T10:00:01.2Z", "b"),
            stamped(0, "2026-11-28T10:00:01.25Z", "c"),
            stamped(0, "2026-11-28T10:00:02Z", "d"),
        ];
        view.drop_seen("c1", &mut resumed);
        assert_eq!(resumed.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), vec!["c", "d"]);
        // Another source has its own place.
        let mut other = vec![stamped(1, "2026-11-28T10:00:01Z", "x")];
        view.drop_seen("c2", &mut other);
        assert_eq!(other.len(), 1);
    }

    #[test]
    fn merged_batches_fall_into_time_order() {
        let mut buffer = LogBuffer::new(100);
        // One container's history arrives whole, then the other's, older in part.
        buffer.merge_in(vec![
            stamped(0, "2026-11-28T10:00:01Z", "a1"),
            stamped(0, "2026-11-28T10:00:03.5Z", "a3"),
            stamped(0, "2026-11-28T10:00:05Z", "a5"),
        ]);
        buffer.merge_in(vec![
            stamped(1, "2026-11-28T10:00:02.25Z", "b2"),
            stamped(1, "2026-11-28T10:00:03.123456789Z", "b3"),
            stamped(1, "2026-11-28T10:00:04Z", "b4"),
        ]);
        assert_eq!(texts(&buffer), ["a1", "b2", "b3", "a3", "b4", "a5"]);
        // Newer lines go at the end; equal times keep the order they came in.
        buffer.merge_in(vec![stamped(0, "2026-11-28T10:00:05Z", "a5bis"), stamped(0, "2026-11-28T10:00:06Z", "a6")]);
        assert_eq!(texts(&buffer)[5..], ["a5", "a5bis", "a6"]);
        // A line without a timestamp goes at the end.
        buffer.merge_in(vec![line("plain")]);
        assert_eq!(texts(&buffer).last(), Some(&"plain"));
    }

    #[test]
    fn timestamps_compare_as_times_not_as_text() {
        assert!(time_key("2026-11-28T10:00:00.5Z") > time_key("2026-11-28T10:00:00.123Z"));
        assert!(time_key("2026-11-28T10:00:01Z") > time_key("2026-11-28T10:00:00.999999999Z"));
        assert_eq!(time_key("2026-11-28T10:00:00Z"), Some(("2026-11-28T10:00:00", 0)));
        assert_eq!(time_key("not a time"), None);
    }

    fn line(text: &str) -> LogLine {
        LogLine { stream: StreamKind::Stdout, source: 0, timestamp: None, text: text.into(), runs: Vec::new(), cut: 0 }
    }

    fn view_with(n: usize, capacity: usize) -> LogView {
        let mut v = LogView::new(capacity, 100);
        for i in 0..n {
            v.buffer.push(line(&format!("line {i}")));
        }
        v
    }

    #[test]
    fn the_ring_keeps_the_newest_and_counts_the_rest() {
        let v = view_with(25, 10);
        assert_eq!(v.buffer.len(), 10);
        assert_eq!(v.buffer.dropped, 15);
        assert_eq!(v.buffer.get(15).unwrap().text, "line 15");
        assert!(v.buffer.get(14).is_none());
    }

    #[test]
    fn following_shows_the_bottom_and_scrolling_up_pauses() {
        let mut v = view_with(100, 1000);
        assert_eq!(v.visible(80, 5), vec![95, 96, 97, 98, 99]);
        v.scroll(-3, 80, 5);
        assert!(!v.follow);
        assert_eq!(v.visible(80, 5), vec![92, 93, 94, 95, 96]);
        // New lines do not move a paused view.
        v.buffer.push(line("new"));
        assert_eq!(v.visible(80, 5)[0], 92);
        // Scrolling back down to the end follows again.
        v.scroll(10, 80, 5);
        assert!(v.follow);
    }

    #[test]
    fn a_paused_view_is_not_pulled_away_by_a_flood() {
        let mut v = view_with(10, 10);
        v.scroll(-3, 80, 5);
        for i in 0..100 {
            v.take_line(line(&format!("flood {i}")));
        }
        assert_eq!(v.skipped_while_paused, 100);
        assert_eq!(v.buffer.get(0).unwrap().text, "line 0", "what the reader sees stays");
        v.follow_again();
        v.take_line(line("new"));
        assert_eq!(v.buffer.dropped, 1);
    }

    /// Lines the log task passed over count as if they had come and been pushed out:
    /// dropped while following, not kept while paused on a full buffer.
    #[test]
    fn lines_passed_over_count_as_dropped_or_not_kept() {
        let mut v = view_with(10, 10);
        v.count_passed_over(500);
        assert_eq!((v.buffer.dropped, v.skipped_while_paused, v.buffer.len()), (500, 0, 10));
        v.scroll(-3, 80, 5);
        v.count_passed_over(7);
        assert_eq!((v.buffer.dropped, v.skipped_while_paused), (500, 7));
    }

    #[test]
    fn the_ring_is_bounded_by_bytes_too() {
        let mut b = LogBuffer::new(1_000_000);
        for _ in 0..2000 {
            b.push(line(&"x".repeat(64 * 1024)));
        }
        assert!(b.len() < 1100, "{} lines of 64 KiB kept", b.len());
        assert!(b.dropped > 900);
    }

    #[test]
    fn wrapped_lines_take_several_rows() {
        let mut v = view_with(0, 100);
        v.buffer.push(line(&"x".repeat(30)));
        v.buffer.push(line("short"));
        // 2 prefix columns + 30 = 32 columns: 10 on the first row, 8 on each next one.
        assert_eq!(v.rows_of(v.buffer.get(0).unwrap(), 10), 4);
        assert_eq!(v.rows_of(v.buffer.get(0).unwrap(), 12), 3);
        assert_eq!(v.visible(10, 4), vec![0, 1], "the long line shows its end above the short one");
        v.scroll(-1, 10, 4);
        assert_eq!(v.top, 0, "one line up from the first line shown whole");
        v.follow = true;
        assert_eq!(v.visible(10, 5), vec![0, 1]);
        v.wrap = false;
        assert_eq!(v.rows_of(v.buffer.get(0).unwrap(), 10), 1);
    }

    #[test]
    fn filter_and_search() {
        let mut v = view_with(50, 1000);
        v.set_filter("LINE 4", false);
        assert_eq!(v.visible(80, 20), vec![4, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
        v.set_filter("", false);
        v.search.text = "line 1".into();
        assert!(v.find(true));
        let first = v.search.current.unwrap();
        assert!(v.buffer.get(first).unwrap().text.starts_with("line 1"));
        assert!(v.find(true));
        assert!(v.search.current.unwrap() > first);
        assert!(v.find(false));
        assert_eq!(v.search.current, Some(first));
        v.search.text = "nothing like this".into();
        assert!(!v.find(true));
    }

    #[test]
    fn regex_filters() {
        let mut v = view_with(30, 1000);
        v.set_filter(r"line (1|2)\d$", true);
        assert_eq!(v.visible(80, 40).len(), 20);
        v.set_filter("line [", true);
        assert!(v.filter.error.is_some());
        assert_eq!(v.visible(80, 40).len(), 30, "a broken expression filters nothing out");
        v.set_filter("LINE 2", false);
        assert_eq!(v.visible(80, 40).len(), 1 + 10);
    }

    #[test]
    fn case_insensitive_matching() {
        assert!(contains_ignore_case("Hello World", "o w"));
        assert!(contains_ignore_case("ÄRGER", "ärger"));
        assert!(!contains_ignore_case("abc", "abcd"));
    }
}
