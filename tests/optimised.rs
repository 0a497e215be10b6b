//! The fast path renders only the posts an output shows; its feeds and digests must be
//! byte-identical to those made by rendering every post first (the unoptimised path).

mod common;

use herald::config::Site;
use herald::digest::{Digest, Week, WeekStart};
use herald::post::{self, Filter, Renderer};

#[test]
fn rendering_only_shown_posts_changes_no_output_on_the_flink_corpus() {
    common::corpus();
    let mut site = Site::load(&common::root().join("tests/fixtures/flink-hugo.toml")).unwrap();
    site.config.feeds.limit = 20;
    site.config.feeds.per_tag = true;
    let filter = Filter {
        drafts: false,
        future: false,
        now: "2030-01-01T00:00:00Z".parse().unwrap(),
    };
    let loaded = post::load(&site, &site.posts_dir(), &filter).unwrap();
    let renderer = Renderer::new(&site);

    // Unoptimised: every post rendered, the feeds pick their entries from all of them.
    let all: Vec<_> = loaded.posts.iter().collect();
    let (every_entry, _) = renderer.render_all(&all);
    let slow = herald::feed::render(&site, &every_entry).unwrap();

    // Optimised: only the posts a feed shows are rendered.
    let shown = post::shown_in_feeds(&loaded.posts, 20, true);
    assert!(
        shown.len() < all.len() / 2,
        "{} of {} rendered",
        shown.len(),
        all.len()
    );
    let (shown_entries, _) = renderer.render_all(&shown);
    let out = tempfile::tempdir().unwrap();
    let written = herald::feed::write(&site, &shown_entries, out.path()).unwrap();
    assert_eq!(written, slow.len());
    for file in &slow {
        let fast = std::fs::read(out.path().join(&file.path)).unwrap();
        assert!(fast == file.bytes, "{} differs", file.path.display());
    }

    // Digests: rendering the week's posts only equals picking them from every entry.
    let now = "2022-07-20T00:00:00Z".parse().unwrap();
    let week = Week::from_iso(2022, 28, WeekStart::Monday, site.tz).unwrap();
    let fast = Digest::for_week(&site, &loaded.posts, week, now)
        .unwrap()
        .unwrap();
    let in_week: Vec<_> = every_entry
        .iter()
        .filter(|e| week.contains(e.published))
        .cloned()
        .collect();
    let slow = Digest::render(&site, week, &in_week, now).unwrap();
    assert_eq!(fast.posts, 3);
    assert_eq!(fast.message.formatted(), slow.message.formatted());
}
