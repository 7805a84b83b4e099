//! Volumes, networks, the events timeline and the inspect view.

use std::borrow::Cow;

use super::list::{ListRow, SelectableList};
use crate::model::{DaemonEvent, NetworkRow, TimelineEvent, VolumeRow};

/// Events the timeline keeps; older ones are dropped.
pub const TIMELINE_CAPACITY: usize = 1000;

impl ListRow for VolumeRow {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.name)
    }
    fn matches(&self, needle: &str) -> bool {
        self.name.to_lowercase().contains(needle) || self.used_by.iter().any(|c| c.to_lowercase().contains(needle))
    }
}

impl ListRow for NetworkRow {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn matches(&self, needle: &str) -> bool {
        self.name.to_lowercase().contains(needle) || self.containers.iter().any(|c| c.to_lowercase().contains(needle))
    }
}

/// A timeline line with its place in arrival order (its identity in the list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineRow {
    pub seq: u64,
    pub event: TimelineEvent,
}

impl ListRow for TimelineRow {
    fn key(&self) -> Cow<'_, str> {
        Cow::Owned(self.seq.to_string())
    }
    /// The filter is how the timeline is narrowed to one container: by its name or id.
    fn matches(&self, needle: &str) -> bool {
        let e = &self.event;
        e.name.to_lowercase().contains(needle) || e.id.starts_with(needle) || e.action.to_lowercase().contains(needle)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ObjectsState {
    pub volumes: SelectableList<VolumeRow>,
    pub networks: SelectableList<NetworkRow>,
    /// Newest first.
    pub timeline: SelectableList<TimelineRow>,
    next_seq: u64,
    /// Whether each list has been filled since connecting.
    pub volumes_loaded: bool,
    pub networks_loaded: bool,
}

impl ObjectsState {
    /// Records an event; the list stays bounded. `names` finds a container's name when the
    /// event itself has none.
    pub fn record(&mut self, event: &DaemonEvent, fallback_name: Option<&str>) {
        self.next_seq += 1;
        let name =
            if event.name.is_empty() { fallback_name.unwrap_or_default().to_string() } else { event.name.clone() };
        let row = TimelineRow {
            seq: self.next_seq,
            event: TimelineEvent {
                time: event.time,
                kind: event.kind.as_str().to_string(),
                action: event.action.clone(),
                id: event.id.clone(),
                name,
                exit_code: event.exit_code,
            },
        };
        // On the newest line, the selection stays on the newest: the timeline follows.
        let following = self.timeline.selected_index().is_none_or(|i| i == 0);
        let mut rows = Vec::with_capacity((self.timeline.items().len() + 1).min(TIMELINE_CAPACITY));
        rows.push(row);
        rows.extend(self.timeline.items().iter().take(TIMELINE_CAPACITY - 1).cloned());
        self.timeline.set_items(rows);
        if following {
            self.timeline.select_first();
        }
    }
}

/// The full JSON of one object, read-only, searchable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectView {
    pub title: String,
    pub lines: Vec<String>,
    /// First line shown.
    pub top: usize,
    pub search: String,
    /// Typing a search (`/`) until Enter or Esc.
    pub typing: bool,
    /// The line of the current match.
    pub current: Option<usize>,
}

impl InspectView {
    pub fn new(title: String, lines: Vec<String>) -> Self {
        Self { title, lines, top: 0, search: String::new(), typing: false, current: None }
    }

    pub fn scroll(&mut self, delta: isize, height: usize) {
        let max = self.lines.len().saturating_sub(height.max(1));
        self.top = self.top.saturating_add_signed(delta).min(max);
    }

    /// Goes to the next (or previous) line containing the search, wrapping around.
    pub fn find(&mut self, forward: bool, height: usize) -> bool {
        if self.search.is_empty() || self.lines.is_empty() {
            return false;
        }
        let needle = self.search.to_lowercase();
        let n = self.lines.len();
        let start = self.current.map_or(if forward { n - 1 } else { 0 }, |c| c);
        for step in 1..=n {
            let i = if forward { (start + step) % n } else { (start + n - step % n) % n };
            if self.lines[i].to_lowercase().contains(&needle) {
                self.current = Some(i);
                // Keep the match in view, a little below the top.
                if i < self.top || i >= self.top + height.max(1) {
                    self.top = i.saturating_sub(height / 3).min(n.saturating_sub(height.max(1)));
                }
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventKind;

    #[test]
    fn the_timeline_is_bounded_and_newest_first() {
        let mut objects = ObjectsState::default();
        for i in 0..(TIMELINE_CAPACITY + 5) {
            let event = DaemonEvent {
                kind: EventKind::Container,
                action: "start".into(),
                id: format!("id{i}"),
                ..Default::default()
            };
            objects.record(&event, Some("web"));
        }
        let items = objects.timeline.items();
        assert_eq!(items.len(), TIMELINE_CAPACITY);
        assert_eq!(items[0].event.id, format!("id{}", TIMELINE_CAPACITY + 4));
        assert_eq!(items[0].event.name, "web");
    }

    #[test]
    fn search_wraps_and_keeps_the_match_in_view() {
        let lines: Vec<String> =
            (0..100).map(|i| if i % 40 == 5 { format!("\"Key{i}\": 1") } else { "x".into() }).collect();
        let mut view = InspectView::new("t".into(), lines);
        view.search = "key".into();
        assert!(view.find(true, 10));
        assert_eq!(view.current, Some(5));
        assert!(view.find(true, 10));
        assert_eq!(view.current, Some(45));
        assert!(view.top <= 45 && 45 < view.top + 10);
        assert!(view.find(true, 10) && view.find(true, 10));
        assert_eq!(view.current, Some(5), "wraps around");
        assert!(view.find(false, 10));
        assert_eq!(view.current, Some(85));
        view.search = "absent".into();
        assert!(!view.find(true, 10));
    }
}
