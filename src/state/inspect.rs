//! The inspect view: an object's pretty-printed JSON with a cursor, folds and a search.
//!
//! Folding works on the shape serde_json's pretty printer gives: a line ending in `{`
//! or `[` opens a block, and the next line at the same indent starting with `}` or `]`
//! closes it. Text of any other shape (an image's layer history) simply has no folds.

/// Seconds between two readings of a followed view (a container's processes).
pub const PROCESSES_EVERY_SECS: i64 = 2;

/// The full JSON of one object, read-only, foldable and searchable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectView {
    pub title: String,
    lines: Vec<String>,
    /// For a line that opens a block, the line that closes it.
    closes: Vec<Option<usize>>,
    /// For every line, the opener of the innermost block it sits in (a closing line
    /// counts as part of its own block).
    parents: Vec<Option<usize>>,
    folded: Vec<bool>,
    /// Line numbers on screen, in order: a folded block leaves only its opener.
    shown: Vec<usize>,
    /// Position in `shown` of the cursor, and of the first row on screen.
    cursor: usize,
    top: usize,
    pub search: String,
    /// Typing a search (`/`) until Enter or Esc.
    pub typing: bool,
    /// A view read again while open (a container's processes): the container's id.
    pub follow: Option<String>,
    /// A read of it is on its way (no second one is sent meanwhile).
    pub reading: bool,
    /// The daemon has answered at least once.
    answered: bool,
    /// Secret-looking env values are masked on screen: a search must not find them.
    pub mask_secrets: bool,
    /// A table's header, shown above the rows and never scrolled away.
    pub header: Option<String>,
}

impl InspectView {
    pub fn new(title: String, lines: Vec<String>) -> Self {
        let mut view = Self {
            title,
            lines: Vec::new(),
            closes: Vec::new(),
            parents: Vec::new(),
            folded: Vec::new(),
            shown: Vec::new(),
            cursor: 0,
            top: 0,
            search: String::new(),
            typing: false,
            follow: None,
            reading: true,
            answered: false,
            mask_secrets: true,
            header: None,
        };
        view.set_lines(lines);
        view
    }

    /// A view that reads `id`'s processes again while it is open.
    pub fn following(mut self, id: String) -> Self {
        self.follow = Some(id);
        self
    }

    /// The daemon's answer: the first one shows from the top; a followed view's later
    /// ones keep the cursor where the user left it.
    pub fn answer(&mut self, lines: Vec<String>, height: usize) {
        self.reading = false;
        self.header = None;
        let again = std::mem::replace(&mut self.answered, true);
        if self.follow.is_some() && again {
            let cursor = self.cursor;
            let top = self.top;
            self.set_lines(lines);
            self.cursor = cursor.min(self.shown.len().saturating_sub(1));
            self.top = top;
            self.follow_cursor(height);
        } else {
            self.set_lines(lines);
        }
    }

    /// A table's answer (a followed view's): its first line is a header that stays on
    /// top, and the cursor stays on the row it was on, found again by its first two
    /// columns (a process's user and PID), wherever that row has moved.
    pub fn answer_table(&mut self, mut lines: Vec<String>, height: usize) {
        let row_key = |line: &str| line.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
        let was_on = self.answered.then(|| self.lines.get(self.cursor_line()).map(|l| row_key(l))).flatten();
        let header = (!lines.is_empty()).then(|| lines.remove(0));
        self.answer(lines, height);
        self.header = header;
        if let Some(key) = was_on
            && let Some(line) = self.lines.iter().position(|l| row_key(l) == key)
        {
            self.cursor = self.position_of(line);
            self.follow_cursor(height);
        }
    }

    /// Rows left for the text under a header, of `height`.
    pub fn body_height(&self, height: usize) -> usize {
        height.saturating_sub(usize::from(self.header.is_some())).max(1)
    }

    /// Replaces the text: everything unfolded, cursor on top.
    pub fn set_lines(&mut self, lines: Vec<String>) {
        let (closes, parents) = blocks(&lines);
        self.folded = vec![false; lines.len()];
        self.lines = lines;
        self.closes = closes;
        self.parents = parents;
        self.cursor = 0;
        self.top = 0;
        self.reshow();
    }

    /// The whole text, folded or not.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The rows a screen of `height` shows from the top: line number, text, and for a
    /// folded block how many lines it hides and how it closes (`}` or `],`).
    pub fn rows(&self, height: usize) -> impl Iterator<Item = ShownRow<'_>> {
        self.shown.iter().skip(self.top).take(height).map(|&i| {
            let fold = (self.folded[i]).then(|| {
                let close = self.closes[i].unwrap_or(i);
                (close - i - 1, self.lines[close].trim_start())
            });
            ShownRow { line: i, text: &self.lines[i], fold }
        })
    }

    /// The line the cursor is on.
    pub fn cursor_line(&self) -> usize {
        self.shown.get(self.cursor).copied().unwrap_or(0)
    }

    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        let last = self.shown.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        self.follow_cursor(height);
    }

    pub fn to_end(&mut self, height: usize) {
        self.move_cursor(isize::MAX / 2, height);
    }

    pub fn to_start(&mut self, height: usize) {
        self.move_cursor(isize::MIN / 2, height);
    }

    /// Folds the block the cursor opens or sits in; the cursor goes to its opener.
    pub fn fold(&mut self, height: usize) {
        let line = self.cursor_line();
        let opener = if self.closes.get(line).copied().flatten().is_some() && !self.folded[line] {
            Some(line)
        } else {
            self.parents.get(line).copied().flatten()
        };
        if let Some(opener) = opener {
            self.folded[opener] = true;
            self.reshow_keeping(opener, height);
        }
    }

    /// Unfolds the block under the cursor.
    pub fn unfold(&mut self, height: usize) {
        let line = self.cursor_line();
        if self.folded.get(line) == Some(&true) {
            self.folded[line] = false;
            self.reshow_keeping(line, height);
        }
    }

    /// Enter: folds an open block, unfolds a folded one.
    pub fn toggle(&mut self, height: usize) {
        let line = self.cursor_line();
        if self.folded.get(line) == Some(&true) {
            self.unfold(height);
        } else if self.closes.get(line).copied().flatten().is_some() {
            self.folded[line] = true;
            self.reshow_keeping(line, height);
        }
    }

    /// Folds every block below the outermost one: the object's top-level keys, one
    /// line each: the quickest overview of a long inspect.
    pub fn fold_all(&mut self, height: usize) {
        let keep = self.cursor_line();
        for i in 0..self.lines.len() {
            self.folded[i] = self.closes[i].is_some() && self.parents[i].is_some();
        }
        let mut target = keep;
        while let Some(p) = self.hidden_by(target) {
            target = p;
        }
        self.reshow_keeping(target, height);
    }

    pub fn unfold_all(&mut self, height: usize) {
        let keep = self.cursor_line();
        self.folded.iter_mut().for_each(|f| *f = false);
        self.reshow_keeping(keep, height);
    }

    /// Goes to the next (or previous) line containing the search, wrapping around,
    /// and opens the folds that hide it.
    pub fn find(&mut self, forward: bool, height: usize) -> bool {
        if self.search.is_empty() || self.lines.is_empty() {
            return false;
        }
        let needle = self.search.to_lowercase();
        let n = self.lines.len();
        let start = self.cursor_line();
        for step in 1..=n {
            let i = if forward { (start + step) % n } else { (start + n - step % n) % n };
            if self.searchable(i).to_lowercase().contains(&needle) {
                let mut open = Some(i);
                while let Some(line) = open {
                    if self.closes[line].is_some() && line != i {
                        self.folded[line] = false;
                    }
                    open = self.parents[line];
                }
                self.reshow();
                self.cursor = self.position_of(i);
                // Keep the match in view, a little below the top.
                if self.cursor < self.top || self.cursor >= self.top + height.max(1) {
                    self.top = self.cursor.saturating_sub(height / 3);
                }
                self.clamp_top(height);
                return true;
            }
        }
        false
    }

    /// Whether `line` contains the search (the view marks such lines).
    pub fn matches(&self, line: usize) -> bool {
        !self.search.is_empty() && self.searchable(line).to_lowercase().contains(&self.search.to_lowercase())
    }

    /// A line as the screen shows it: a masked value cannot be found by guessing it.
    fn searchable(&self, line: usize) -> std::borrow::Cow<'_, str> {
        let text = self.lines[line].as_str();
        match self.mask_secrets.then(|| masked_env_entry(text)).flatten() {
            Some(masked) => std::borrow::Cow::Owned(masked),
            None => std::borrow::Cow::Borrowed(text),
        }
    }

    /// The folded block hiding `line`, if any (the outermost is found by repeating).
    fn hidden_by(&self, line: usize) -> Option<usize> {
        let mut at = self.parents.get(line).copied().flatten();
        let mut hiding = None;
        while let Some(p) = at {
            if self.folded[p] && p != line {
                hiding = Some(p);
            }
            at = self.parents[p];
        }
        hiding
    }

    fn reshow(&mut self) {
        self.shown.clear();
        let mut i = 0;
        while i < self.lines.len() {
            self.shown.push(i);
            i = match (self.folded[i], self.closes[i]) {
                (true, Some(close)) => close + 1,
                _ => i + 1,
            };
        }
    }

    fn reshow_keeping(&mut self, line: usize, height: usize) {
        self.reshow();
        self.cursor = self.position_of(line);
        self.follow_cursor(height);
    }

    /// Position in `shown` of `line`, or of the last shown line before it.
    fn position_of(&self, line: usize) -> usize {
        self.shown.partition_point(|&l| l <= line).saturating_sub(1)
    }

    fn follow_cursor(&mut self, height: usize) {
        let height = height.max(1);
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if self.cursor >= self.top + height {
            self.top = self.cursor + 1 - height;
        }
        self.clamp_top(height);
    }

    fn clamp_top(&mut self, height: usize) {
        self.top = self.top.min(self.shown.len().saturating_sub(height.max(1)));
    }
}

/// An `Env` entry of the JSON (`"DB_PASSWORD=secret",`) whose key looks secret, with
/// its value masked as the env pane masks it; `None` for any other line.
pub fn masked_env_entry(text: &str) -> Option<String> {
    let indent = text.len() - text.trim_start().len();
    let body = text.trim();
    let (body, comma) = match body.strip_suffix(',') {
        Some(b) => (b, ","),
        None => (body, ""),
    };
    let entry = body.strip_prefix('"')?.strip_suffix('"')?;
    // A key, not a JSON key (`"Name": …` has no `=` before its quote).
    let (key, _) = entry.split_once('=')?;
    if key.is_empty() || key.contains(['"', ' ', ':']) {
        return None;
    }
    let var = crate::model::EnvVar::parse(entry);
    var.looks_secret().then(|| format!("{}\"{key}=••••••••\"{comma}", &text[..indent]))
}

/// One row of the inspect view on screen.
pub struct ShownRow<'a> {
    pub line: usize,
    pub text: &'a str,
    /// A folded block: the lines it hides and its closing text.
    pub fold: Option<(usize, &'a str)>,
}

/// Matches openers to closers by indent; returns each opener's closer and each line's
/// innermost enclosing opener.
fn blocks(lines: &[String]) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let mut closes = vec![None; lines.len()];
    let mut parents = vec![None; lines.len()];
    let mut open: Vec<(usize, usize)> = Vec::new(); // (line, indent)
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        if body.starts_with(['}', ']'])
            && let Some(&(opener, at)) = open.last()
            && at == indent
        {
            open.pop();
            closes[opener] = Some(i);
            parents[i] = Some(opener);
            continue;
        }
        parents[i] = open.last().map(|&(l, _)| l);
        if body.ends_with(['{', '[']) {
            open.push((i, indent));
        }
    }
    // Openers never closed (not JSON after all) fold nothing and enclose nothing.
    for i in 0..lines.len() {
        while let Some(p) = parents[i]
            && closes[p].is_none()
        {
            parents[i] = parents[p];
        }
    }
    (closes, parents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(pretty: &str) -> InspectView {
        InspectView::new("t".into(), pretty.lines().map(String::from).collect())
    }

    fn screen(view: &InspectView) -> Vec<String> {
        view.rows(100)
            .map(|r| match r.fold {
                Some((n, close)) => format!("{} … {close} ({n})", r.text),
                None => r.text.to_string(),
            })
            .collect()
    }

    /// What the daemon's JSON looks like pretty-printed (in the daemon's key order).
    const JSON: &str = r#"{
  "Id": "abc",
  "State": {
    "Status": "running",
    "Health": {
      "Status": "healthy"
    }
  },
  "Mounts": [
    {
      "Type": "volume"
    }
  ],
  "Name": "/web"
}"#;

    #[test]
    fn blocks_fold_to_their_opener_and_unfold_again() {
        let mut v = view(JSON);
        let all = v.line_count();
        assert_eq!(v.rows(100).count(), all);
        v.move_cursor(2, 10); // "State": {
        assert_eq!(v.rows(100).nth(2).unwrap().text.trim(), r#""State": {"#);
        v.toggle(10);
        assert_eq!(screen(&v)[2], r#"  "State": { … }, (4)"#);
        assert_eq!(v.rows(100).count(), all - 5, "four inside and the closer");
        v.toggle(10);
        assert_eq!(v.rows(100).count(), all);
    }

    #[test]
    fn folding_inside_a_block_folds_that_block_and_moves_the_cursor_to_it() {
        let mut v = view(JSON);
        v.move_cursor(3, 10); // "Status": "running" inside State
        v.fold(10);
        assert_eq!(v.cursor_line(), 2);
        assert!(screen(&v)[2].ends_with("(4)"));
        // Folding again goes out one level: the whole object.
        v.fold(10);
        assert_eq!(v.cursor_line(), 0);
        assert_eq!(screen(&v), vec![format!("{{ … }} ({})", v.line_count() - 2)]);
        v.unfold(10);
        assert!(screen(&v)[2].ends_with("(4)"), "the inner fold stays: {:?}", screen(&v));
    }

    #[test]
    fn fold_all_leaves_the_top_level_keys() {
        let mut v = view(JSON);
        v.move_cursor(5, 10); // inside Health
        v.fold_all(10);
        assert_eq!(
            screen(&v),
            vec![
                "{",
                r#"  "Id": "abc","#,
                r#"  "State": { … }, (4)"#,
                r#"  "Mounts": [ … ], (3)"#,
                r#"  "Name": "/web""#,
                "}"
            ]
        );
        assert_eq!(v.cursor_line(), 2, "the cursor stays on what hid it");
        v.unfold_all(10);
        assert_eq!(v.rows(100).count(), v.line_count());
    }

    #[test]
    fn search_opens_the_folds_that_hide_a_match_and_wraps() {
        let mut v = view(JSON);
        v.fold_all(10);
        v.search = "healthy".into();
        assert!(v.find(true, 10));
        assert_eq!(v.lines[v.cursor_line()].trim(), r#""Status": "healthy""#);
        assert!(v.matches(v.cursor_line()));
        assert!(screen(&v).iter().any(|l| l.contains("healthy")));
        assert!(screen(&v).iter().any(|l| l.contains("Mounts") && l.contains('…')), "others stay folded");
        v.search = "status".into();
        let first = {
            assert!(v.find(true, 10));
            v.cursor_line()
        };
        assert!(v.find(true, 10));
        assert!(v.find(true, 10), "wraps around");
        assert_eq!(v.cursor_line(), first);
        v.search = "absent".into();
        assert!(!v.find(true, 10));
    }

    #[test]
    fn the_cursor_keeps_in_view_of_a_long_text() {
        let lines: Vec<String> = (0..100).map(|i| format!("line {i}")).collect();
        let mut v = InspectView::new("t".into(), lines);
        v.move_cursor(50, 10);
        let first = v.rows(10).next().unwrap().line;
        assert!(first <= 50 && 50 < first + 10);
        v.to_end(10);
        assert_eq!(v.cursor_line(), 99);
        assert_eq!(v.rows(10).count(), 10);
        v.to_start(10);
        assert_eq!(v.rows(10).next().unwrap().line, 0);
        // Plain text has no folds: folding does nothing.
        v.fold(10);
        assert_eq!(v.rows(1000).count(), 100);
    }

    #[test]
    fn a_followed_view_keeps_the_cursor_through_new_answers() {
        let rows = |n: usize| (0..n).map(|i| format!("process {i}")).collect::<Vec<_>>();
        let mut v = InspectView::new("processes".into(), vec!["Reading…".into()]).following("id".into());
        v.answer(rows(30), 10);
        v.move_cursor(12, 10);
        v.reading = true;
        v.answer(rows(30), 10);
        assert_eq!(v.cursor_line(), 12);
        assert!(!v.reading);
        // Fewer processes than the cursor's row: it stays on the last.
        v.answer(rows(5), 10);
        assert_eq!(v.cursor_line(), 4);
        // A view that is not followed starts over.
        let mut once = InspectView::new("inspect".into(), vec!["Reading…".into()]);
        once.answer(rows(30), 10);
        once.move_cursor(12, 10);
        once.answer(rows(30), 10);
        assert_eq!(once.cursor_line(), 0);
    }

    #[test]
    fn a_table_keeps_its_header_on_top_and_the_cursor_on_its_row() {
        let table = |pids: &[u32]| {
            let mut lines = vec!["UID  PID  CMD".to_string()];
            lines.extend(pids.iter().map(|p| format!("root {p} sleep {p}")));
            lines
        };
        let mut v = InspectView::new("processes".into(), vec!["Reading…".into()]).following("id".into());
        v.answer_table(table(&[1, 601, 602, 603, 605]), 10);
        assert_eq!(v.header.as_deref(), Some("UID  PID  CMD"));
        assert_eq!(v.rows(10).next().unwrap().text, "root 1 sleep 1", "the header is no row");
        v.move_cursor(3, 10);
        assert_eq!(v.lines()[v.cursor_line()], "root 603 sleep 603");
        // Two processes above it end: the cursor stays on 603.
        v.answer_table(table(&[1, 603, 605]), 10);
        assert_eq!(v.lines()[v.cursor_line()], "root 603 sleep 603");
        // It ends too: the cursor stays where it was, on what is there now.
        v.answer_table(table(&[1, 605]), 10);
        assert_eq!(v.lines()[v.cursor_line()], "root 605 sleep 605");
        // An error replaces the table, header and all.
        v.answer(vec!["Cannot read it: not running".into()], 10);
        assert_eq!(v.header, None);
    }

    #[test]
    fn an_empty_view_takes_every_key_without_a_panic() {
        let mut v = InspectView::new("processes".into(), Vec::new());
        v.fold_all(10);
        v.unfold_all(10);
        v.fold(10);
        v.unfold(10);
        v.toggle(10);
        v.move_cursor(5, 10);
        v.to_end(10);
        v.search = "x".into();
        assert!(!v.find(true, 10));
        assert_eq!(v.rows(10).count(), 0);
        let mut table = InspectView::new("processes".into(), vec!["Reading…".into()]).following("id".into());
        table.answer_table(vec!["UID PID CMD".into()], 10);
        table.fold_all(10);
        assert_eq!(table.rows(10).count(), 0);
    }

    #[test]
    fn unmatched_brackets_fold_nothing() {
        // An image's details: a layer whose command ends in `{`, then the JSON.
        let mut lines = vec!["  12 B  sh -c 'f() {".to_string(), "  a".to_string()];
        lines.extend(view(JSON).lines);
        let mut v = InspectView::new("t".into(), lines);
        v.toggle(10);
        assert_eq!(v.rows(100).count(), v.line_count());
        v.move_cursor(2, 10); // the JSON's opening brace
        v.fold(10);
        v.fold(10);
        assert_eq!(v.rows(100).count(), 3, "the JSON folds, the layer line stays");
    }
}
