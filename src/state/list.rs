//! One selectable, filterable list for every table in wharf (containers, images, ports,
//! env). Keeps the selection on the same row (by key) when the data is refreshed, and a
//! scroll offset that keeps the selection in view, so mouse clicks can be mapped to rows
//! without asking the renderer.

/// A row that can live in a `SelectableList`.
pub trait ListRow {
    /// Stable identity across refreshes (a container id, an image id, an env key).
    fn key(&self) -> std::borrow::Cow<'_, str>;
    /// Whether the row matches a lower-cased filter text.
    fn matches(&self, needle_lower: &str) -> bool;
}

#[derive(Debug, Clone)]
pub struct SelectableList<T> {
    items: Vec<T>,
    /// Indices into `items` of the rows that pass the filter, in display order.
    visible: Vec<usize>,
    /// Position in `visible` of the selected row.
    selected: usize,
    /// First visible row drawn (scroll position).
    offset: usize,
    filter: String,
    /// An extra condition rows must meet (e.g. "running only").
    retain: Option<fn(&T) -> bool>,
    /// Rows hidden by key (the members of a collapsed group).
    hidden: std::collections::BTreeSet<String>,
}

impl<T> Default for SelectableList<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            visible: Vec::new(),
            selected: 0,
            offset: 0,
            filter: String::new(),
            retain: None,
            hidden: Default::default(),
        }
    }
}

impl<T: ListRow> SelectableList<T> {
    /// The same list with no rows: its filter and what it retains are the user's and
    /// stay (a daemon switch empties the lists, nothing else).
    pub fn without_rows(mut self) -> Self {
        self.set_items(Vec::new());
        self
    }

    /// Replaces the rows, keeping the selection on the same key when it is still visible,
    /// otherwise on the same position (so a removed row selects its neighbour).
    pub fn set_items(&mut self, items: Vec<T>) {
        let previous_key = self.selected_item().map(|r| r.key().to_string());
        self.items = items;
        self.recompute(previous_key.as_deref());
    }

    pub fn items(&self) -> &[T] {
        &self.items
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// Applies a filter; the selection goes to the first match. Clearing the filter
    /// keeps the row that was selected (the one the user filtered for).
    pub fn set_filter(&mut self, filter: &str) {
        let previous_key = self.selected_item().map(|r| r.key().to_string());
        self.filter = filter.to_string();
        self.offset = 0;
        if filter.is_empty() {
            self.recompute(previous_key.as_deref());
            return;
        }
        self.recompute(None);
        self.selected = 0;
    }

    pub fn set_retain(&mut self, retain: Option<fn(&T) -> bool>) {
        let previous_key = self.selected_item().map(|r| r.key().to_string());
        self.retain = retain;
        self.recompute(previous_key.as_deref());
    }

    /// Whether a row passes the filter and the extra condition (hidden rows aside).
    pub fn passes(&self, row: &T) -> bool {
        let needle = self.filter.to_lowercase();
        self.retain.is_none_or(|keep| keep(row)) && (needle.is_empty() || row.matches(&needle))
    }

    /// Hides the rows with these keys (a collapsed group's members), keeping the
    /// selection on its row when it stays visible.
    pub fn set_hidden(&mut self, hidden: std::collections::BTreeSet<String>) {
        if hidden == self.hidden {
            return;
        }
        let previous_key = self.selected_item().map(|r| r.key().to_string());
        self.hidden = hidden;
        self.recompute(previous_key.as_deref());
    }

    fn recompute(&mut self, keep_key: Option<&str>) {
        let needle = self.filter.to_lowercase();
        let retain = self.retain;
        let hidden = &self.hidden;
        self.visible = self
            .items
            .iter()
            .enumerate()
            .filter(|(_, row)| retain.is_none_or(|keep| keep(row)))
            .filter(|(_, row)| hidden.is_empty() || !hidden.contains(row.key().as_ref()))
            .filter(|(_, row)| needle.is_empty() || row.matches(&needle))
            .map(|(i, _)| i)
            .collect();
        if let Some(key) = keep_key
            && let Some(pos) = self.visible.iter().position(|&i| self.items[i].key() == key)
        {
            self.selected = pos;
            return;
        }
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    pub fn len(&self) -> usize {
        self.visible.len()
    }

    pub fn is_empty(&self) -> bool {
        self.visible.is_empty()
    }

    /// The rows that pass the filter, in display order.
    pub fn visible(&self) -> impl ExactSizeIterator<Item = &T> + '_ {
        self.visible.iter().map(|&i| &self.items[i])
    }

    pub fn selected_index(&self) -> Option<usize> {
        (!self.visible.is_empty()).then_some(self.selected)
    }

    pub fn selected_item(&self) -> Option<&T> {
        self.visible.get(self.selected).map(|&i| &self.items[i])
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Moves the selection by `delta` rows, stopping at either end.
    pub fn move_by(&mut self, delta: isize) {
        if self.visible.is_empty() {
            return;
        }
        let last = self.visible.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Selects the visible row with this key; false when no visible row has it.
    pub fn select_key(&mut self, key: &str) -> bool {
        match self.visible.iter().position(|&i| self.items[i].key() == key) {
            Some(position) => {
                self.selected = position;
                true
            }
            None => false,
        }
    }

    pub fn select_first(&mut self) {
        self.selected = 0;
    }

    pub fn select_last(&mut self) {
        self.selected = self.visible.len().saturating_sub(1);
    }

    /// Selects the row at a visible position (e.g. from a mouse click); ignores positions
    /// past the end.
    pub fn select_visible(&mut self, position: usize) -> bool {
        if position < self.visible.len() {
            self.selected = position;
            true
        } else {
            false
        }
    }

    /// Adjusts the scroll offset so the selection is inside a viewport of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        let max_offset = self.visible.len().saturating_sub(height);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(max_offset);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone)]
    struct Row(&'static str);
    impl ListRow for Row {
        fn key(&self) -> std::borrow::Cow<'_, str> {
            self.0.into()
        }
        fn matches(&self, needle: &str) -> bool {
            self.0.contains(needle)
        }
    }

    fn list(keys: &[&'static str]) -> SelectableList<Row> {
        let mut l = SelectableList::default();
        l.set_items(keys.iter().map(|k| Row(k)).collect());
        l
    }

    #[test]
    fn selection_follows_its_key_across_refreshes() {
        let mut l = list(&["a", "b", "c"]);
        l.move_by(2);
        l.set_items(vec![Row("x"), Row("a"), Row("b"), Row("c")]);
        assert_eq!(l.selected_item().unwrap().0, "c");
        // The selected row disappears: the selection stays at its position.
        l.set_items(vec![Row("x"), Row("a"), Row("b")]);
        assert_eq!(l.selected_item().unwrap().0, "b");
        l.set_items(vec![]);
        assert!(l.selected_item().is_none());
        l.move_by(3);
        assert_eq!(l.selected_index(), None);
    }

    #[test]
    fn filter_selects_the_first_match() {
        let mut l = list(&["redis", "mysql", "redis-2", "web"]);
        l.select_last();
        l.set_filter("REDIS".to_lowercase().as_str());
        assert_eq!(l.len(), 2);
        assert_eq!(l.selected_item().unwrap().0, "redis");
        l.set_filter("");
        assert_eq!(l.len(), 4);
    }

    #[test]
    fn scroll_keeps_the_selection_in_view() {
        let mut l = list(&["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        l.move_by(7);
        l.scroll_into_view(3);
        assert_eq!(l.offset(), 5);
        l.select_first();
        l.scroll_into_view(3);
        assert_eq!(l.offset(), 0);
        l.move_by(-5);
        assert_eq!(l.selected_index(), Some(0));
    }
}
