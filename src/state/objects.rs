//! Volumes, networks and the events timeline.

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
        e.name.to_lowercase().contains(needle)
            || e.id.starts_with(needle)
            || e.action.to_lowercase().contains(needle)
            || e.container.as_deref().is_some_and(|c| c.to_lowercase().contains(needle))
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
    /// Puts an event on the timeline, which stays bounded. `fallback_name` names its object when the event
    /// does not; `container` names the container a network or volume event is about.
    pub fn record(&mut self, event: &DaemonEvent, fallback_name: Option<&str>, container: Option<&str>) {
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
                container: container.map(str::to_string),
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
            objects.record(&event, Some("web"), None);
        }
        let items = objects.timeline.items();
        assert_eq!(items.len(), TIMELINE_CAPACITY);
        assert_eq!(items[0].event.id, format!("id{}", TIMELINE_CAPACITY + 4));
        assert_eq!(items[0].event.name, "web");
    }
}
