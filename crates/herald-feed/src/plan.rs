//! Which feeds are written and what each shows: the main feed and, with `per_tag`, one per
//! tag, each a [`Feed`] of entries with its own path, URL, title and `updated` time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use herald_config::{ContentMode, FeedConfig, Format, Site};
use herald_entry::{slug, Author, Entry};

/// Which items the feeds show, by position in a list sorted newest first: the one rule,
/// used both to choose the posts worth rendering and to fill the feeds from the entries.
#[derive(Debug, Default)]
pub struct Selection {
    /// The main feed's items: the main blog's.
    pub all: Vec<usize>,
    /// The feeds of the site's other blogs, by blog path, each at that path.
    pub blogs: Vec<(String, Vec<usize>)>,
    /// One feed per tag (only with `per_tag`), in the order of their folders' names.
    pub tags: Vec<TagFeed>,
}

/// The feed of one tag. Tags that differ only in case (`Go`, `go`) are one tag; tags that
/// differ otherwise but make the same slug (`C`, `C++`) get distinct folders (`c`, `c-2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFeed {
    /// The tag as written (the first spelling in sort order when several differ in case).
    pub name: String,
    /// The folder below `tags/`, unique among the tags.
    pub slug: String,
    /// Its items.
    pub items: Vec<usize>,
}

impl Selection {
    /// Selects from items given newest first by their blog and tags: the first `limit` (0:
    /// all) of the main blog for the main feed, of each other blog for its feed and, with
    /// `per_tag`, the first `limit` carrying each tag.
    pub fn of<'t>(
        items: impl IntoIterator<Item = (&'t str, &'t [String])>,
        config: &FeedConfig,
    ) -> Selection {
        let shown = |count: usize| config.limit == 0 || count < config.limit;
        let mut selection = Selection::default();
        // By the tag in lower case: its spellings and its items.
        let mut by_tag: BTreeMap<String, (Vec<&str>, Vec<usize>)> = BTreeMap::new();
        let mut by_blog: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, (blog, item_tags)) in items.into_iter().enumerate() {
            let feed = if blog.is_empty() {
                &mut selection.all
            } else {
                by_blog.entry(blog).or_default()
            };
            if shown(feed.len()) {
                feed.push(i);
            }
            if config.per_tag {
                let mut seen: Vec<String> = Vec::new();
                for tag in item_tags {
                    let key = tag.to_lowercase();
                    if seen.contains(&key) {
                        continue;
                    }
                    let (names, items) = by_tag.entry(key.clone()).or_default();
                    if !names.contains(&tag.as_str()) {
                        names.push(tag);
                    }
                    if shown(items.len()) {
                        items.push(i);
                    }
                    seen.push(key);
                }
            }
        }
        let mut slugs: std::collections::HashSet<String> = std::collections::HashSet::new();
        for (_, (mut names, items)) in by_tag {
            names.sort_unstable();
            let base = bounded(slug(names[0]));
            let mut unique = base.clone();
            let mut n = 1;
            while slugs.contains(&unique) {
                n += 1;
                unique = format!("{base}-{n}");
            }
            slugs.insert(unique.clone());
            selection.tags.push(TagFeed {
                name: names[0].to_string(),
                slug: unique,
                items,
            });
        }
        selection.tags.sort_by(|a, b| a.slug.cmp(&b.slug));
        selection.blogs = by_blog
            .into_iter()
            .map(|(blog, items)| (blog.to_string(), items))
            .collect();
        selection
    }

    /// Every item some feed shows, in order.
    pub fn shown(&self) -> Vec<usize> {
        let mut shown: Vec<usize> = self
            .all
            .iter()
            .chain(self.tags.iter().flat_map(|t| &t.items))
            .chain(self.blogs.iter().flat_map(|(_, items)| items))
            .copied()
            .collect();
        shown.sort_unstable();
        shown.dedup();
        shown
    }
}

/// The longest tag folder name, in bytes: far under any file system's 255, with room for a
/// `-N` that tells apart tags cut to the same start.
const MAX_SLUG_BYTES: usize = 96;

/// `slug` cut to [`MAX_SLUG_BYTES`] at a character's end.
fn bounded(mut slug: String) -> String {
    if slug.len() > MAX_SLUG_BYTES {
        let mut end = MAX_SLUG_BYTES;
        while !slug.is_char_boundary(end) {
            end -= 1;
        }
        slug.truncate(end);
    }
    slug
}

/// One feed's own data (not its items): what its document says outside them.
pub(crate) struct Feed<'a> {
    /// The settings.
    pub site: &'a Site,
    /// How many items it shows: the document declares the namespaces items use when it has
    /// any, so the document can be written before its items are known.
    pub count: usize,
    /// Absolute URL of the feed file itself.
    pub self_url: String,
    /// Title, with the tag for per-tag feeds.
    pub title: String,
    /// The newest `updated` of the entries: the feed's own `updated`, never the build time.
    pub updated: DateTime<FixedOffset>,
}

/// A feed to write: its path below the output directory, its format, its own data and its
/// items, by position in the list of items (newest first) it was planned from.
pub(crate) struct Planned<'a> {
    pub path: PathBuf,
    pub format: Format,
    pub feed: Feed<'a>,
    pub items: Vec<usize>,
}

/// What the plan needs to know of an item: its blog, its tags and when it was last updated.
/// Known before the item is rendered, so the feeds can be planned (and their documents
/// begun) before their items are.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// The blog it belongs to (empty: the main one).
    pub blog: &'a str,
    /// Its tags.
    pub tags: &'a [String],
    /// When it was last changed.
    pub updated: DateTime<FixedOffset>,
}

impl<'a> Head<'a> {
    /// An entry's head.
    pub fn of(entry: &'a Entry) -> Head<'a> {
        Head {
            blog: &entry.blog,
            tags: &entry.tags,
            updated: entry.updated,
        }
    }
}

impl Feed<'_> {
    /// The home page URL, with a trailing slash.
    pub(crate) fn home(&self) -> String {
        format!("{}/", self.site.base())
    }

    /// The entry's authors, or the site's author so that none is missing.
    pub(crate) fn authors_of<'e>(&self, entry: &'e Entry) -> std::borrow::Cow<'e, [Author]> {
        if entry.authors.is_empty() {
            let name = self
                .site
                .config
                .author
                .clone()
                .unwrap_or_else(|| self.site.config.title.clone());
            vec![Author::named(name)].into()
        } else {
            entry.authors.as_slice().into()
        }
    }

    /// Whether feeds carry full content.
    pub(crate) fn full(&self) -> bool {
        self.site.config.feeds.content == ContentMode::Full
    }
}

/// Every feed to write for items given newest first by their heads.
pub(crate) fn plan<'a>(site: &'a Site, heads: &[Head<'_>]) -> Vec<Planned<'a>> {
    let selection = Selection::of(heads.iter().map(|h| (h.blog, h.tags)), &site.config.feeds);
    let mut feeds = Vec::new();
    plan_set(
        site,
        heads,
        selection.all,
        Path::new(""),
        &site.config.title,
        &mut feeds,
    );
    for (blog, items) in selection.blogs {
        // A language's blog is called by its own title where the site gives it one.
        let title = site
            .config
            .rules
            .languages()
            .list
            .iter()
            .find(|l| l.prefix == blog)
            .and_then(|l| l.title.clone())
            .unwrap_or_else(|| format!("{}: {blog}", site.config.title));
        plan_set(site, heads, items, Path::new(&blog), &title, &mut feeds);
    }
    for tag in selection.tags {
        let dir = Path::new("tags").join(&tag.slug);
        let title = format!("{}: {}", site.config.title, tag.name);
        plan_set(site, heads, tag.items, &dir, &title, &mut feeds);
    }
    feeds
}

fn plan_set<'a>(
    site: &'a Site,
    heads: &[Head<'_>],
    items: Vec<usize>,
    dir: &Path,
    title: &str,
    feeds: &mut Vec<Planned<'a>>,
) {
    let config = &site.config.feeds;
    let updated = items
        .iter()
        .map(|&i| heads[i].updated)
        .max()
        .unwrap_or_else(|| DateTime::UNIX_EPOCH.fixed_offset());
    for &format in &config.formats {
        let path = dir.join(config.file_name(format));
        let feed = Feed {
            site,
            count: items.len(),
            self_url: site.feed_url(&path),
            title: title.to_string(),
            updated,
        };
        feeds.push(Planned {
            path,
            format,
            feed,
            items: items.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_that_slug_alike_never_share_a_folder_unless_they_are_one_tag() {
        let items: Vec<Vec<String>> = [
            &["C"][..],
            &["C++", "go"],
            &["Go"],
            &["c"],
            &["Rust", "rust"],
        ]
        .iter()
        .map(|tags| tags.iter().map(|t| t.to_string()).collect())
        .collect();
        let config = FeedConfig {
            per_tag: true,
            limit: 0,
            ..FeedConfig::default()
        };
        let selection = Selection::of(items.iter().map(|t| ("", t.as_slice())), &config);
        let feeds: Vec<(&str, &str, Vec<usize>)> = selection
            .tags
            .iter()
            .map(|t| (t.name.as_str(), t.slug.as_str(), t.items.clone()))
            .collect();
        assert_eq!(
            feeds,
            [
                ("C", "c", vec![0, 3]),
                ("C++", "c-2", vec![1]),
                ("Go", "go", vec![1, 2]),
                ("Rust", "rust", vec![4]),
            ]
        );
    }
}

#[cfg(test)]
mod blog_tests {
    use super::*;

    #[test]
    fn each_blog_has_its_own_feed_and_the_main_feed_only_its_own() {
        let items: Vec<(&str, Vec<String>)> = vec![
            ("", vec![]),
            ("inside-rust", vec![]),
            ("", vec![]),
            ("inside-rust", vec![]),
            ("inside-rust", vec![]),
        ];
        let config = FeedConfig {
            limit: 2,
            ..FeedConfig::default()
        };
        let selection = Selection::of(items.iter().map(|(b, t)| (*b, t.as_slice())), &config);
        assert_eq!(selection.all, [0, 2]);
        assert_eq!(selection.blogs, [("inside-rust".to_string(), vec![1, 3])]);
        assert_eq!(selection.shown(), [0, 1, 2, 3]);
    }
}
