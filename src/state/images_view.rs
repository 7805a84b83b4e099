//! How the images pane shows its list: the sort, which images (all, dangling,
//! unused), and an image to select once it is listed (the one a build made).

use crate::model::ImageRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImageSort {
    /// Newest first.
    #[default]
    Age,
    /// A to Z.
    Name,
    /// Biggest first.
    Size,
}

impl ImageSort {
    pub fn next(self) -> Self {
        match self {
            ImageSort::Age => ImageSort::Name,
            ImageSort::Name => ImageSort::Size,
            ImageSort::Size => ImageSort::Age,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ImageSort::Age => "age",
            ImageSort::Name => "name",
            ImageSort::Size => "size",
        }
    }
}

/// Which images the pane lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImageShow {
    #[default]
    All,
    /// Untagged (`<none>:<none>`): what `docker image prune` removes.
    Dangling,
    /// No container (running or not) uses them: what `docker image prune -a` removes.
    Unused,
}

impl ImageShow {
    pub fn next(self) -> Self {
        match self {
            ImageShow::All => ImageShow::Dangling,
            ImageShow::Dangling => ImageShow::Unused,
            ImageShow::Unused => ImageShow::All,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ImageShow::All => "all",
            ImageShow::Dangling => "dangling",
            ImageShow::Unused => "unused",
        }
    }

    /// The list's filter for this choice.
    pub fn retain(self) -> Option<fn(&ImageRow) -> bool> {
        match self {
            ImageShow::All => None,
            ImageShow::Dangling => Some(|i: &ImageRow| i.tags.is_empty()),
            ImageShow::Unused => Some(|i: &ImageRow| i.containers == 0),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImagesView {
    pub sort: ImageSort,
    pub reverse: bool,
    pub show: ImageShow,
    /// An image to select once the list holds it (the one a build just made).
    pub select: Option<String>,
}

impl ImagesView {
    /// Sorts `rows` as chosen; ties by id, so equal rows keep their places.
    pub fn sort_rows(&self, rows: &mut [ImageRow]) {
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        match self.sort {
            ImageSort::Age => rows.sort_by_key(|i| std::cmp::Reverse(i.created)),
            ImageSort::Name => rows.sort_by_cached_key(|i| (i.tags.is_empty(), i.display_name().to_lowercase())),
            ImageSort::Size => rows.sort_by_key(|i| std::cmp::Reverse(i.size)),
        }
        if self.reverse {
            rows.reverse();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: &str, tag: Option<&str>, size: i64, created: i64, containers: usize) -> ImageRow {
        ImageRow {
            id: id.into(),
            tags: tag.map(|t| vec![t.to_string()]).unwrap_or_default(),
            size,
            created,
            containers,
        }
    }

    #[test]
    fn images_sort_by_age_name_and_size_and_reverse() {
        let rows = vec![
            image("a", Some("zeta:1"), 10, 300, 0),
            image("b", Some("alpha:1"), 30, 100, 1),
            image("c", None, 20, 200, 0),
        ];
        let order = |view: &ImagesView| {
            let mut r = rows.clone();
            view.sort_rows(&mut r);
            r.iter().map(|i| i.id.clone()).collect::<Vec<_>>().join("")
        };
        let mut view = ImagesView::default();
        assert_eq!(order(&view), "acb", "newest first");
        view.sort = ImageSort::Name;
        assert_eq!(order(&view), "bac", "A to Z, untagged last");
        view.sort = ImageSort::Size;
        assert_eq!(order(&view), "bca", "biggest first");
        view.reverse = true;
        assert_eq!(order(&view), "acb");
    }

    #[test]
    fn dangling_and_unused_filters() {
        let tagged_used = image("a", Some("x:1"), 1, 1, 2);
        let dangling = image("b", None, 1, 1, 0);
        let unused = image("c", Some("y:1"), 1, 1, 0);
        let keep = ImageShow::Dangling.retain().unwrap();
        assert!(!keep(&tagged_used) && keep(&dangling) && !keep(&unused));
        let keep = ImageShow::Unused.retain().unwrap();
        assert!(!keep(&tagged_used) && keep(&dangling) && keep(&unused));
        assert!(ImageShow::All.retain().is_none());
    }
}
