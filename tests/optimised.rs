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
