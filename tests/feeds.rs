//! Feeds read by a real feed parser, built deterministically, and snapshotted.

mod common;

use std::path::Path;

use common::{herald, root, run_python, stderr};

/// Builds feeds into `out` and writes `entries --json` beside them; returns the entries path.
fn build_with_entries(dir: &Path, config: &str, out: &Path) -> std::path::PathBuf {
    let built = herald(
        dir,
        &["--config", config, "build", "--out", out.to_str().unwrap()],
    );
    assert!(built.status.success(), "build failed: {}", stderr(&built));
    let entries = herald(dir, &["--config", config, "entries", "--json"]);
    assert!(entries.status.success(), "{}", stderr(&entries));
    let path = out.join("entries.json");
    std::fs::write(&path, &entries.stdout).unwrap();
    path
}

#[test]
fn feedparser_reads_the_shipped_feeds_as_herald_sees_them() {
    let out = tempfile::tempdir().unwrap();
    let entries = build_with_entries(&root(), "config.toml", out.path());
    let report = run_python(
        "check_feeds.py",
        &[
            out.path().as_os_str(),
            entries.as_os_str(),
            "The Apache Flink Community".as_ref(),
        ],
    );
    assert_eq!(report.trim(), "rss.xml=9 atom.xml=9 feed.json=9 problems=0");
}

#[test]
fn feedparser_reads_every_post_of_the_hugo_corpus() {
    let out = tempfile::tempdir().unwrap();
    let entries = build_with_entries(&root(), "tests/fixtures/flink-hugo.toml", out.path());
    let report = run_python(
        "check_feeds.py",
        &[
            out.path().as_os_str(),
            entries.as_os_str(),
            "The Apache Flink Community".as_ref(),
        ],
    );
    assert_eq!(
        report.trim(),
        "rss.xml=209 atom.xml=209 feed.json=209 problems=0"
    );
}

fn build_into(dir: &Path, out: &Path) {
    let built = herald(dir, &["build", "--out", out.to_str().unwrap()]);
    assert!(built.status.success(), "build failed: {}", stderr(&built));
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn two_builds_are_byte_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    build_into(&root(), a.path());
    build_into(&root(), b.path());
    for name in ["rss.xml", "atom.xml", "feed.json"] {
        assert_eq!(
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
            "{name}"
        );
    }
}

/// Copies the shipped site into a temp dir so a post can be changed.
fn copy_of_shipped_site() -> tempfile::TempDir {
    common::copy_site(&root().join("config.toml"), &root().join("posts"))
}

/// The feed split into its entries (`<item>` or `<entry>`), keyed by position.
fn pieces(feed: &str, tag: &str) -> Vec<String> {
    feed.split(tag).map(str::to_string).collect()
}

#[test]
fn changing_one_post_changes_only_its_entry() {
    let site = copy_of_shipped_site();
    let (before, after) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    build_into(site.path(), before.path());
    let post = site.path().join("posts/2020-08-20-flink-docker.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, format!("{text}\nOne more sentence at the end.\n")).unwrap();
    build_into(site.path(), after.path());

    let changed_id = "https://flink.apache.org/2020/08/20/the-state-of-flink-on-docker/";
    for (name, tag) in [("rss.xml", "<item>"), ("atom.xml", "<entry>")] {
        let (old, new) = (
            pieces(&read(before.path(), name), tag),
            pieces(&read(after.path(), name), tag),
        );
        assert_eq!(old.len(), new.len(), "{name}");
        let differing: Vec<usize> = (0..old.len()).filter(|&i| old[i] != new[i]).collect();
        assert_eq!(differing.len(), 1, "{name}: pieces {differing:?} changed");
        assert!(
            new[differing[0]].contains(changed_id),
            "{name}: the wrong entry changed"
        );
        assert!(new[differing[0]].contains("One more sentence at the end."));
    }
    let old: serde_json::Value = serde_json::from_str(&read(before.path(), "feed.json")).unwrap();
    let new: serde_json::Value = serde_json::from_str(&read(after.path(), "feed.json")).unwrap();
    let items = |v: &serde_json::Value| v["items"].as_array().unwrap().clone();
    for (o, n) in items(&old).iter().zip(items(&new).iter()) {
        if n["id"] == changed_id {
            assert_ne!(o["content_html"], n["content_html"]);
        } else {
            assert_eq!(o, n);
        }
    }
    assert_eq!(old["title"], new["title"]);
}

#[test]
fn an_interrupted_write_leaves_no_temp_file_and_says_which_file() {
    let out = tempfile::tempdir().unwrap();
    // A directory where atom.xml should go makes its rename fail after its temp file is
    // written: the write is interrupted at its last step.
    std::fs::create_dir_all(out.path().join("atom.xml/keep")).unwrap();
    let built = herald(&root(), &["build", "--out", out.path().to_str().unwrap()]);
    assert_eq!(built.status.code(), Some(1));
    let err = stderr(&built);
    assert!(
        err.contains("atom.xml: error: this feed could not be written")
            && err.contains("failed to write "),
        "{err}"
    );
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(
        names.iter().all(|n| !n.ends_with(".tmp")),
        "temp files left: {names:?}"
    );
    assert!(
        out.path().join("atom.xml/keep").is_dir(),
        "nothing was removed"
    );
}

#[test]
fn snapshots_of_a_small_site() {
    let site = root().join("tests/fixtures/small");
    let out = tempfile::tempdir().unwrap();
    build_into(&site, out.path());
    insta::assert_snapshot!("small_rss", read(out.path(), "rss.xml"));
    insta::assert_snapshot!("small_atom", read(out.path(), "atom.xml"));
    insta::assert_snapshot!("small_json", read(out.path(), "feed.json"));
    insta::assert_snapshot!(
        "small_tag_news_atom",
        read(out.path(), "tags/news/atom.xml")
    );
    let check = herald(&site, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

/// The text of an HTML fragment, whitespace collapsed.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    herald::markup::each_token(html, |token| {
        if let herald::markup::Token::Text(t) = token {
            text.push_str(t);
            text.push(' ');
        }
    });
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The decoded text of every `<name>` element of an XML document.
fn elements(xml: &str, name: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut found, mut inside, mut current) = (Vec::new(), false, String::new());
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == name.as_bytes() => {
                inside = true;
                current.clear();
            }
            quick_xml::events::Event::End(e) if e.name().as_ref() == name.as_bytes() => {
                inside = false;
                found.push(std::mem::take(&mut current));
            }
            quick_xml::events::Event::Text(t) if inside => {
                current.push_str(&t.xml10_content().unwrap())
            }
            quick_xml::events::Event::GeneralRef(r) if inside => {
                let entity = format!("&{};", r.decode().unwrap());
                current.push_str(&quick_xml::escape::unescape(&entity).unwrap());
            }
            quick_xml::events::Event::CData(t) if inside => {
                current.push_str(&String::from_utf8_lossy(&t))
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    found
}

#[test]
fn summaries_carry_no_escaped_links_and_agree_everywhere() {
    for config in [
        "tests/fixtures/flink-hugo.toml",
        "tests/fixtures/flink-jekyll.toml",
    ] {
        let out = tempfile::tempdir().unwrap();
        let built = herald(
            &root(),
            &[
                "--config",
                config,
                "build",
                "--out",
                out.path().to_str().unwrap(),
            ],
        );
        assert!(built.status.success(), "{}", stderr(&built));
        for name in ["rss.xml", "atom.xml", "feed.json"] {
            let feed = read(out.path(), name);
            assert!(!feed.contains("&lt;http"), "{config} {name}");
            if name == "feed.json" {
                let json: serde_json::Value = serde_json::from_str(&feed).unwrap();
                for item in json["items"].as_array().unwrap() {
                    let summary = item["summary"].as_str().unwrap();
                    assert!(!summary.contains("<http"), "{config}: {summary}");
                }
            }
        }
    }
    // The seed post's summary: the same words in the three feeds and the digest.
    let out = tempfile::tempdir().unwrap();
    let built = herald(&root(), &["build", "--out", out.path().to_str().unwrap()]);
    assert!(built.status.success());
    let digest = herald(
        &root(),
        &[
            "--now",
            "2020-09-07T09:00:00Z",
            "digest",
            "--week",
            "2020-W36",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(digest.status.success(), "{}", stderr(&digest));
    let rss = read(out.path(), "rss.xml");
    let atom = read(out.path(), "atom.xml");
    let json: serde_json::Value = serde_json::from_str(&read(out.path(), "feed.json")).unwrap();
    let seed = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "https://flink.apache.org/2020/09/04/flink-community-update-august20/")
        .unwrap();
    let words = seed["summary"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(words.len() > 100, "{words}");
    assert!(
        elements(&rss, "description")
            .iter()
            .any(|d| text_of(d) == words),
        "rss"
    );
    assert!(
        elements(&atom, "summary")
            .iter()
            .any(|d| text_of(d) == words),
        "atom"
    );
    let html = read(out.path(), "digest-2020-W36.html");
    assert!(text_of(&html).contains(&words), "digest html");
    let text = read(out.path(), "digest-2020-W36.txt");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&words), "digest text");
}

/// Every file below `dir` with its modification time and inode.
fn stamps(dir: &Path) -> Vec<(String, std::time::SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::metadata(&path).unwrap();
            if meta.is_dir() {
                pending.push(path);
            } else {
                found.push((
                    path.display().to_string(),
                    meta.modified().unwrap(),
                    meta.ino(),
                ));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_rebuild_that_changes_nothing_writes_nothing() {
    let site = root().join("tests/fixtures/small");
    let out = tempfile::tempdir().unwrap();
    build_into(&site, out.path());
    let first = stamps(out.path());
    assert!(first.len() >= 6, "{first:?}");
    // Let a rewrite show in the modification time.
    std::thread::sleep(std::time::Duration::from_millis(20));
    build_into(&site, out.path());
    assert_eq!(stamps(out.path()), first, "every file left as it was");
    // A changed feed is still replaced.
    std::fs::write(out.path().join("rss.xml"), "stale").unwrap();
    build_into(&site, out.path());
    assert_ne!(read(out.path(), "rss.xml"), "stale");
}
