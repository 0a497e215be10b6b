//! The fast path renders only the posts an output shows; its feeds and digests must be
//! byte-identical to those made by rendering every post first (the unoptimised path).

mod common;

use herald::app::{Herald, Options};
use herald::digest::{Digest, WeekArg};

fn flink(now: &str) -> Herald {
    let dir = tempfile::tempdir().unwrap();
    let config = std::fs::read_to_string(common::root().join("tests/fixtures/flink-hugo.toml"))
        .unwrap()
        .replace("limit = 0", "limit = 20\nper_tag = true");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    let herald = Herald::load(&Options {
        config: path,
        site: None,
        posts: Some(common::corpus().join("flink-hugo")),
        drafts: false,
        future: false,
        now: now.parse().unwrap(),
    })
    .unwrap();
    assert_eq!(herald.site.config.feeds.limit, 20);
    herald
}

#[test]
fn rendering_only_shown_posts_changes_no_feed_on_the_flink_corpus() {
    let herald = flink("2030-01-01T00:00:00Z");
    // Unoptimised: every post rendered, the feeds pick their entries from all of them.
    let (every_entry, _) = herald.entries();
    assert_eq!(every_entry.len(), 209);
    let slow = herald::feed::render(&herald.site, &every_entry).unwrap();

    // Optimised: `build` renders only the posts a feed shows.
    let out = tempfile::tempdir().unwrap();
    let report = herald.build(Some(out.path())).unwrap();
    let line = &report.lines[0];
    let rendered: usize = line
        .split_once(" (")
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(rendered < 209 / 2, "{line}");
    assert!(
        line.starts_with(&format!("wrote {} feeds", slow.len())),
        "{line}"
    );
    for file in &slow {
        let fast = std::fs::read(out.path().join(&file.path)).unwrap();
        assert!(fast == file.bytes, "{} differs", file.path.display());
    }
}

#[test]
fn rendering_only_the_weeks_posts_changes_no_digest() {
    let herald = flink("2022-07-20T00:00:00Z");
    let out = tempfile::tempdir().unwrap();
    let report = herald
        .digest(&WeekArg::Iso(2022, 28), Some(out.path()))
        .unwrap();
    assert!(
        report.lines[0].starts_with("2022-W28: 3 posts:"),
        "{:?}",
        report.lines
    );
    let fast = std::fs::read(out.path().join("digest-2022-W28.eml")).unwrap();

    let (every_entry, _) = herald.entries();
    let week = herald.week(&WeekArg::Iso(2022, 28));
    let in_week: Vec<_> = every_entry
        .into_iter()
        .filter(|e| week.contains(e.published))
        .collect();
    let now = "2022-07-20T00:00:00Z".parse().unwrap();
    let slow = Digest::render(&herald.site, week, &in_week, now).unwrap();
    assert_eq!(slow.posts, 3);
    assert!(fast == slow.message.formatted(), "the .eml files differ");
}

/// Every carried corpus, loaded as the suite loads it: herald's own config for the Flink
/// posts, the generator's configuration for the three real sites.
fn every_corpus() -> Vec<(String, Herald)> {
    let now = "2030-01-01T00:00:00Z".parse().unwrap();
    let own = |config: &str, posts: &str| Options {
        config: common::root().join(config),
        site: None,
        posts: Some(common::corpus().join(posts)),
        drafts: false,
        future: false,
        now,
    };
    let site = |name: &str| Options {
        config: std::path::PathBuf::new(),
        site: Some(common::corpus().join("sites").join(name)),
        posts: None,
        drafts: false,
        future: false,
        now,
    };
    [
        (
            "flink-hugo",
            own("tests/fixtures/flink-hugo.toml", "flink-hugo"),
        ),
        (
            "flink-jekyll",
            own("tests/fixtures/flink-jekyll.toml", "flink-jekyll/_posts"),
        ),
        ("hugo-linkerd", site("hugo-linkerd")),
        ("jekyll-cordova", site("jekyll-cordova")),
        ("zola-rust-osdev", site("zola-rust-osdev")),
    ]
    .into_iter()
    .map(|(name, options)| {
        let herald = Herald::load(&options).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        (name.to_string(), herald)
    })
    .collect()
}

#[test]
fn streamed_feeds_are_byte_identical_to_whole_documents_on_every_corpus() {
    use herald::config::ContentMode;
    let mut compared = 0;
    for (name, mut herald) in every_corpus() {
        let (entries, _) = herald.entries();
        assert!(entries.len() >= 5, "{name}: {} entries", entries.len());
        for content in [ContentMode::Full, ContentMode::Summary] {
            let feeds = &mut herald.site.config.feeds;
            (feeds.limit, feeds.per_tag, feeds.content) = (0, true, content);
            let streamed = herald::feed::render(&herald.site, &entries).unwrap();
            let whole = herald::feed::render_whole(&herald.site, &entries).unwrap();
            assert_eq!(streamed.len(), whole.len());
            for (s, w) in streamed.iter().zip(&whole) {
                assert_eq!(s.path, w.path);
                assert!(
                    s.bytes == w.bytes,
                    "{name} {content:?}: {} differs",
                    s.path.display()
                );
                compared += 1;
            }
        }
    }
    // Per-tag feeds included: far more than the five corpora's main feeds.
    assert!(compared > 100, "{compared} feeds compared");
}
