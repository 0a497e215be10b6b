//! The fast path renders only the posts an output shows; its feeds and digests must be
//! byte-identical to those made by rendering every post first (the unoptimised path).

mod common;

use herald::app::{Herald, Options};
use herald::digest::{Digest, PeriodArg};

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
        .digest(&PeriodArg::iso(2022, 28).unwrap(), None, Some(out.path()))
        .unwrap();
    assert!(
        report.lines[0].starts_with("2022-W28: 3 posts:"),
        "{:?}",
        report.lines
    );
    let fast = std::fs::read(out.path().join("digest-2022-W28.eml")).unwrap();

    let (every_entry, _) = herald.entries();
    let spec = &herald.site.digests[0];
    let week = herald
        .period(spec, &PeriodArg::iso(2022, 28).unwrap())
        .unwrap();
    let in_week: Vec<_> = every_entry
        .into_iter()
        .filter(|e| week.contains(e.published))
        .collect();
    let now = "2022-07-20T00:00:00Z".parse().unwrap();
    let slow = Digest::render(&herald.site, spec, week, &in_week, now).unwrap();
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

/// A copy of a folder tree.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Loads a site (a generator's site root, or herald's `config.toml` folder) as of `now`.
fn load_at(root: &std::path::Path, site: bool, now: &str) -> Herald {
    Herald::load(&Options {
        config: root.join("config.toml"),
        site: site.then(|| root.to_path_buf()),
        posts: None,
        drafts: false,
        future: false,
        now: now.parse().unwrap(),
    })
    .unwrap_or_else(|d| panic!("{d:?}"))
}

/// Everything loading gives, as text: the posts (every field) and the problems.
fn loaded(herald: &Herald) -> String {
    format!("{:#?}\n{:#?}", herald.posts(), herald.problems())
}

/// Dates the cache file ahead, as if it had been written long after the posts last changed
/// (entries of files changed just before the cache was written are not trusted).
fn settle_cache(root: &std::path::Path) {
    let cache = root.join(".herald/cache/posts.bin");
    let file = std::fs::File::options().write(true).open(&cache).unwrap();
    let written = file.metadata().unwrap().modified().unwrap();
    file.set_modified(written + std::time::Duration::from_secs(3600))
        .unwrap();
}

#[test]
fn the_cache_gives_what_reading_gives_on_every_carried_corpus() {
    let flink = tempfile::tempdir().unwrap();
    copy_tree(
        &common::corpus().join("flink-hugo"),
        &flink.path().join("posts"),
    );
    let config = std::fs::read_to_string(common::root().join("tests/fixtures/flink-hugo.toml"))
        .unwrap()
        .replace(
            "posts_dir = \"../corpus/flink-hugo\"",
            "posts_dir = \"posts\"",
        );
    std::fs::write(flink.path().join("config.toml"), config).unwrap();
    let mut sites = vec![(flink, false)];
    for name in ["hugo-linkerd", "jekyll-cordova", "zola-rust-osdev"] {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&common::corpus().join("sites").join(name), dir.path());
        sites.push((dir, true));
    }
    for (dir, site) in &sites {
        let root = dir.path();
        let now = "2030-01-01T00:00:00Z";
        let read = load_at(root, *site, now);
        assert_eq!(read.cached(), 0, "{}", root.display());
        assert!(
            read.posts().len() >= 5,
            "{}: {} posts",
            root.display(),
            read.posts().len()
        );
        settle_cache(root);
        let kept = load_at(root, *site, now);
        assert!(
            kept.cached() >= kept.posts().len(),
            "{}: {} kept of {} posts",
            root.display(),
            kept.cached(),
            kept.posts().len()
        );
        assert_eq!(loaded(&kept), loaded(&read), "{}", root.display());
        // And the same with no cache at all.
        let config = if *site {
            root.join("herald.toml")
        } else {
            root.join("config.toml")
        };
        let mut text = std::fs::read_to_string(&config).unwrap_or_default();
        text.insert_str(0, "cache = \"\"\n");
        std::fs::write(&config, text).unwrap();
        let uncached = load_at(root, *site, now);
        assert_eq!(uncached.cached(), 0);
        assert_eq!(loaded(&uncached), loaded(&read), "{}", root.display());
    }
}

#[test]
fn a_changed_post_setting_or_cache_is_never_taken_from_the_cache() {
    let dir = common::site_with(&[
        (
            "2024-01-01-one.md",
            b"---\ntitle: One\ndate: 2024-01-01\n---\nBody.\n",
        ),
        (
            "2024-01-02-two.md",
            b"---\ntitle: Two\ndate: 2024-01-02\n---\nBody.\n",
        ),
        (
            "2024-01-03-three.md",
            b"---\ntitle: Six\ndate: 2024-01-03\n---\nBody.\n",
        ),
    ]);
    let root = dir.path();
    let now = "2030-01-01T00:00:00Z";
    load_at(root, false, now);
    settle_cache(root);
    assert_eq!(load_at(root, false, now).cached(), 3);

    // Same size, same modification time, new title: the change time gives it away.
    let three = root.join("posts/2024-01-03-three.md");
    let modified = std::fs::metadata(&three).unwrap().modified().unwrap();
    std::fs::write(&three, b"---\ntitle: Ten\ndate: 2024-01-03\n---\nBody.\n").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&three)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let herald = load_at(root, false, now);
    assert_eq!(herald.cached(), 2);
    assert_eq!(herald.posts()[0].title, "Ten");

    // A post gone is gone, and a new one is read.
    std::fs::remove_file(root.join("posts/2024-01-01-one.md")).unwrap();
    std::fs::write(
        root.join("posts/2024-01-04-four.md"),
        b"---\ntitle: Four\ndate: 2024-01-04\n---\nBody.\n",
    )
    .unwrap();
    settle_cache(root);
    let herald = load_at(root, false, now);
    let titles: Vec<&str> = herald.posts().iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Four", "Ten", "Two"]);
    assert_eq!(herald.cached(), 2);

    // Other settings: every post is read again, and the permalinks follow them.
    settle_cache(root);
    let config = root.join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("blog.example.org", "news.example.org"),
    )
    .unwrap();
    let herald = load_at(root, false, now);
    assert_eq!(herald.cached(), 0);
    assert!(herald.posts()[0]
        .permalink
        .as_str()
        .starts_with("https://news.example.org/"));

    // A cache file that is not one (cut short, or garbage) is read past, never trusted.
    settle_cache(root);
    assert_eq!(load_at(root, false, now).cached(), 3);
    let cache = root.join(".herald/cache/posts.bin");
    let bytes = std::fs::read(&cache).unwrap();
    for broken in [&bytes[..bytes.len() / 2], b"not a cache".as_slice()] {
        std::fs::write(&cache, broken).unwrap();
        settle_cache(root);
        let herald = load_at(root, false, now);
        assert!(
            herald.cached() < 3,
            "{} kept from a broken cache",
            herald.cached()
        );
        assert_eq!(herald.posts().len(), 3);
    }
}

#[test]
fn posts_changed_just_before_the_cache_was_written_are_read_again() {
    let dir = common::site_with(&[(
        "2024-01-01-one.md",
        b"---\ntitle: One\ndate: 2024-01-01\n---\nBody.\n",
    )]);
    let root = dir.path();
    let now = "2030-01-01T00:00:00Z";
    load_at(root, false, now);
    // The post was written moments before the cache: a same-size change in the same clock
    // tick would keep its stamp, so its entry is not trusted yet...
    assert_eq!(load_at(root, false, now).cached(), 0);
    // ...and the cache is written anew, so once the post is old enough it is.
    settle_cache(root);
    assert_eq!(load_at(root, false, now).cached(), 1);
}

#[test]
fn expiry_is_decided_at_each_run_not_kept_in_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &common::root().join("tests/fixtures/sites/hugo"),
        dir.path(),
    );
    let root = dir.path();
    let titles = |herald: &Herald| -> Vec<String> {
        herald.posts().iter().map(|p| p.title.clone()).collect()
    };
    let before = load_at(root, true, "2024-01-02T12:00:00Z");
    assert!(titles(&before).contains(&"Expired".to_string()));
    settle_cache(root);
    let after = load_at(root, true, "2024-01-04T00:00:00Z");
    assert!(after.cached() > 0);
    assert!(!titles(&after).contains(&"Expired".to_string()));
}

/// The feed files rendered from `entries` all at once, by path.
fn rendered(
    herald: &Herald,
    entries: &[herald::entry::Entry],
) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    herald::feed::render(&herald.site, entries)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect()
}

#[test]
fn feeds_streamed_a_few_entries_at_a_time_are_the_feeds_of_all_entries_at_once() {
    use herald::feed::{Head, Stream, Streamed};
    let mut streamed_files = 0;
    for (name, mut herald) in every_corpus() {
        let (entries, _) = herald.entries();
        for per_tag in [false, true] {
            let feeds = &mut herald.site.config.feeds;
            (feeds.limit, feeds.per_tag) = (0, per_tag);
            let heads: Vec<Head<'_>> = entries.iter().map(Head::of).collect();
            let out = tempfile::tempdir().unwrap();
            let Some(mut stream) = Stream::begin(&herald.site, &heads, out.path()).unwrap() else {
                // Too many per-tag feeds to stream: `build` renders every entry first.
                assert!(per_tag, "{name}: the main feeds are always streamed");
                continue;
            };
            // In runs of seven, as `build` pushes its runs (of many more).
            let all: Vec<Option<herald::entry::Entry>> =
                entries.iter().cloned().map(Some).collect();
            for (k, run) in all.chunks(7).enumerate() {
                stream.push(k * 7, run).unwrap();
            }
            let Streamed::Written(written) = stream.finish().unwrap() else {
                panic!("{name}: every entry rendered, yet the plan changed");
            };
            assert!(
                written.findings.is_empty(),
                "{name}: {:?}",
                written.findings
            );
            let expected = rendered(&herald, &entries);
            assert_eq!(written.feeds, expected.len(), "{name}");
            let got = common::files_below(out.path());
            assert_eq!(
                got.keys().collect::<Vec<_>>(),
                expected.keys().collect::<Vec<_>>(),
                "{name}"
            );
            for (path, bytes) in &expected {
                assert!(
                    got[path] == *bytes,
                    "{name} per_tag={per_tag}: {} differs",
                    path.display()
                );
                streamed_files += 1;
            }
        }
    }
    assert!(streamed_files >= 15, "{streamed_files} files streamed");
}

#[test]
fn build_streams_every_corpus_into_the_feeds_of_all_entries_at_once() {
    for (name, mut herald) in every_corpus() {
        for per_tag in [false, true] {
            let feeds = &mut herald.site.config.feeds;
            (feeds.limit, feeds.per_tag) = (0, per_tag);
            let (entries, _) = herald.entries();
            let out = tempfile::tempdir().unwrap();
            let report = herald.build(Some(out.path())).unwrap();
            let expected = rendered(&herald, &entries);
            assert!(
                report.lines[0].starts_with(&format!("wrote {} feeds", expected.len())),
                "{name}: {:?}",
                report.lines
            );
            assert_eq!(
                common::files_below(out.path()),
                expected,
                "{name} per_tag={per_tag}"
            );
        }
    }
}

/// A post whose HTML nests too deep: it loads, but rendering it fails.
fn too_deep(date: &str, tags: &str) -> Vec<u8> {
    format!(
        "---\ntitle: Deep\ndate: {date}\ntags: [{tags}]\n---\n\n{}x\n",
        "> ".repeat(600)
    )
    .into_bytes()
}

#[test]
fn a_post_that_fails_to_render_leaves_the_feeds_those_of_the_entries_that_rendered() {
    let post = |title: &str, date: &str, tags: &str| {
        format!("---\ntitle: {title}\ndate: {date}\ntags: [{tags}]\n---\n\nAbout {title}.\n")
            .into_bytes()
    };
    // The failing post newest (the feeds' `updated` is another post's: the plan changes),
    // in the middle (nothing else changes), and the only post of its tag's feed.
    for (deep_date, deep_tags) in [
        ("2024-03-09", "a"),
        ("2024-03-04", "a"),
        ("2024-03-04", "lonely"),
    ] {
        let deep = too_deep(deep_date, deep_tags);
        let site = common::site_with(&[
            ("2024-03-01-one.md", &post("One", "2024-03-01", "a, b")),
            ("2024-03-02-two.md", &post("Two", "2024-03-02", "b")),
            ("2024-03-05-three.md", &post("Three", "2024-03-05", "a")),
            ("deep.md", &deep),
        ]);
        let config = site.path().join("config.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(
            &config,
            format!("{text}\n[feeds]\nlimit = 0\nper_tag = true\n"),
        )
        .unwrap();
        let herald = load_at(site.path(), false, "2030-01-01T00:00:00Z");
        assert_eq!(herald.posts().len(), 4, "{:?}", herald.problems());
        let (entries, _) = herald.entries();
        assert_eq!(entries.len(), 3, "the deep post renders no entry");
        let out = tempfile::tempdir().unwrap();
        let report = herald.build(Some(out.path())).unwrap();
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.message.contains("nested")),
            "{:?}",
            report.diagnostics
        );
        assert!(
            report.lines[0].contains("(3 of 4 posts rendered"),
            "{:?}",
            report.lines
        );
        assert_eq!(
            common::files_below(out.path()),
            rendered(&herald, &entries),
            "deep post dated {deep_date} tagged {deep_tags}"
        );
    }
}

#[test]
fn linting_feeds_as_they_are_written_finds_what_linting_their_bytes_finds() {
    use herald::config::Format;
    use herald::feed::lint;
    for (name, herald) in every_corpus() {
        let (mut entries, _) = herald.entries();
        // A second copy of the newest entry: its id is then not unique in either XML feed.
        entries.insert(1, entries[0].clone());
        let expected: Vec<(std::path::PathBuf, lint::Finding)> =
            herald::feed::render(&herald.site, &entries)
                .unwrap()
                .into_iter()
                .flat_map(|file| {
                    let found = match file.format {
                        Format::Rss => lint::rss(&file.bytes[..]),
                        Format::Atom => lint::atom(&file.bytes[..]),
                        Format::Json => Vec::new(),
                    };
                    found.into_iter().map(move |f| (file.path.clone(), f))
                })
                .collect();
        assert!(
            expected
                .iter()
                .any(|(_, f)| f.message.contains("not unique")),
            "{name}: {expected:?}"
        );
        assert_eq!(
            herald::feed::lint_all(&herald.site, &entries).unwrap(),
            expected,
            "{name}"
        );
    }
}
