//! Defects found by attacking herald as an operator's worst week would, each pinned by the
//! test named after it: files from outside the posts, loops, hostile nesting, tags that slug
//! alike, unsafe ids, interrupted writes.

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;

use common::{herald, root, site_with, stderr, stdout};

const GOOD: &[u8] = b"---\ntitle: Good\ndate: 2020-09-01\ntags: [news]\n---\nFine.\n";

/// Every file below `dir`, with its bytes.
fn all_output(dir: &Path) -> Vec<(String, Vec<u8>)> {
    common::files_below(dir)
        .into_iter()
        .map(|(path, bytes)| (dir.join(path).display().to_string(), bytes))
        .collect()
}

#[test]
fn a_symlink_to_a_secret_outside_the_posts_is_never_published() {
    let site = site_with(&[("2020-09-01-good.md", GOOD)]);
    std::fs::create_dir(site.path().join("secret")).unwrap();
    std::fs::write(site.path().join("secret/smtp-password"), "hunter2-Pa55").unwrap();
    symlink(
        "../secret/smtp-password",
        site.path().join("posts/2020-09-03-notes.md"),
    )
    .unwrap();
    symlink(
        "/etc/passwd",
        site.path().join("posts/2020-09-04-passwd.md"),
    )
    .unwrap();
    let out = herald(site.path(), &["--now", "2020-09-07T09:00:00Z", "run"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("posts/2020-09-03-notes.md: error: a symlink to ")
            && err.contains("secret/smtp-password, outside the posts folder"),
        "{err}"
    );
    assert!(
        err.contains("posts/2020-09-04-passwd.md: error: a symlink to /etc/passwd"),
        "{err}"
    );
    let written = [
        all_output(&site.path().join("public")),
        all_output(&site.path().join("outbox")),
    ]
    .concat();
    assert!(written.len() > 3, "the good post was still published");
    for (path, bytes) in written {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("hunter2") && !text.contains("root:x:0"),
            "{path} leaks"
        );
    }
}

#[test]
fn a_symlink_loop_loads_each_post_once_and_ends() {
    let site = site_with(&[("2020-09-01-good.md", GOOD)]);
    symlink(".", site.path().join("posts/loop")).unwrap();
    symlink("..", site.path().join("posts/up")).unwrap();
    symlink(
        "2020-09-01-good.md",
        site.path().join("posts/2020-09-01-again.md"),
    )
    .unwrap();
    let out = herald(site.path(), &["check"]);
    let err = stderr(&out);
    assert!(err.contains("posts/loop: warning: leads back to"), "{err}");
    assert!(err.contains("posts/up: error: a symlink to"), "{err}");
    assert!(stdout(&out).starts_with("1 posts, "), "{}", stdout(&out));
}

#[test]
fn a_folder_past_the_path_limit_is_an_error_not_a_silent_gap() {
    let site = site_with(&[("2020-09-01-good.md", GOOD)]);
    // Folders of 200 characters, 25 deep: the path is longer than PATH_MAX (4096).
    let script = format!(
        "cd posts && for i in $(seq 1 25); do mkdir {n} && cd {n} || exit 1; done && printf -- '---\\ntitle: Deep\\ndate: 2020-09-02\\n---\\n' > deep.md",
        n = "d".repeat(200)
    );
    let made = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(site.path())
        .status()
        .unwrap();
    assert!(made.success());
    let out = herald(site.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: cannot read this folder"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn thirty_thousand_nested_markers_are_a_clear_error_in_bounded_time() {
    for marker in ["- ", "> ", "1. ", "- > "] {
        let body = format!(
            "---\ntitle: Deep\ndate: 2020-09-02\n---\n\nfine\n\n{}x\n",
            marker.repeat(30_000)
        );
        let site = site_with(&[
            ("2020-09-01-good.md", GOOD),
            ("2020-09-02-deep.md", body.as_bytes()),
        ]);
        let started = std::time::Instant::now();
        let out = herald(site.path(), &["check"]);
        // Not a benchmark: a guard against the quadratic blow-up (3 s for 16,000 markers).
        assert!(
            started.elapsed().as_secs() < 10,
            "{marker:?}: {:?}",
            started.elapsed()
        );
        assert_eq!(out.status.code(), Some(1), "{marker:?}");
        assert_eq!(
            stderr(&out),
            "posts/2020-09-02-deep.md:8: error: Markdown nested more than 100 levels deep (lists, quotes, emphasis): not rendered\n",
            "{marker:?}"
        );
    }
}

#[test]
fn raw_html_nested_thirty_thousand_deep_is_a_clear_error() {
    let body = format!(
        "---\ntitle: Deep\ndate: 2020-09-02\n---\n{}x\n",
        "<div>".repeat(30_000)
    );
    let table = format!(
        "---\ntitle: Cells\ndate: 2020-09-03\n---\n<table>{}</table>\n",
        "<tr><td>x".repeat(5_000)
    );
    let site = site_with(&[
        ("2020-09-01-good.md", GOOD),
        ("2020-09-02-deep.md", body.as_bytes()),
        ("2020-09-03-cells.md", table.as_bytes()),
    ]);
    let out = herald(site.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "posts/2020-09-02-deep.md:5: error: HTML nested more than 256 elements deep: not rendered\n",
        "cells that close themselves are not nesting"
    );
}

#[test]
fn tags_that_slug_alike_get_their_own_feeds_and_the_count_is_true() {
    let post = |tags: &str, day: u32| {
        format!("---\ntitle: T {tags}\ndate: 2020-09-0{day}\ntags: [{tags}]\n---\nx\n")
    };
    let (c, cpp) = (post("C", 1), post("C++", 2));
    let (go, go_lower) = (post("Go", 3), post("go", 4));
    let site = site_with(&[
        ("2020-09-01-c.md", c.as_bytes()),
        ("2020-09-02-cpp.md", cpp.as_bytes()),
        ("2020-09-03-go.md", go.as_bytes()),
        ("2020-09-04-go-lower.md", go_lower.as_bytes()),
    ]);
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n[feeds]\nper_tag = true\n")).unwrap();
    let out = herald(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = all_output(&site.path().join("public"));
    assert!(
        stdout(&out).starts_with(&format!("wrote {} feeds", files.len())),
        "{}",
        stdout(&out)
    );
    let feed = |dir: &str| {
        String::from_utf8(
            std::fs::read(site.path().join("public/tags").join(dir).join("atom.xml")).unwrap(),
        )
        .unwrap()
    };
    assert!(feed("c").contains("T C</title>") && !feed("c").contains("T C++"));
    assert!(feed("c-2").contains("T C++</title>"));
    assert!(feed("go").contains("T Go</title>") && feed("go").contains("T go</title>"));
    assert_eq!(files.len(), 4 * 3, "main, c, c-2, go: three formats each");
}

#[test]
fn an_id_that_is_not_an_identity_uri_is_an_error_and_an_off_site_url_a_warning() {
    let bad_id = b"---\ntitle: X\ndate: 2020-09-02\nid: javascript:alert(1)\n---\nx\n";
    let off_site = b"---\ntitle: Y\ndate: 2020-09-03\nurl: https://evil.example/phish\n---\ny\n";
    let tag_id = b"---\ntitle: Z\ndate: 2020-09-04\nid: tag:blog.example.org,2020:z\n---\nz\n";
    let site = site_with(&[
        ("2020-09-02-x.md", bad_id),
        ("2020-09-03-y.md", off_site),
        ("2020-09-04-z.md", tag_id),
    ]);
    let out = herald(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("posts/2020-09-02-x.md:4: error: id \"javascript:alert(1)\" is not an http, https, tag or urn URI"), "{err}");
    assert!(err.contains("posts/2020-09-03-y.md:4: warning: the permalink https://evil.example/phish is not on the site"), "{err}");
    let rss = std::fs::read_to_string(site.path().join("public/rss.xml")).unwrap();
    assert!(!rss.contains("javascript:"));
    assert!(rss.contains("tag:blog.example.org,2020:z"));
}

#[test]
fn a_feed_that_cannot_be_written_is_an_error_and_the_other_feeds_are_new() {
    let small = root().join("tests/fixtures/small");
    let site = common::copy_site(&small.join("config.toml"), &small.join("posts"));
    let build = |site: &Path| herald(site, &["build"]);
    assert!(build(site.path()).status.success());
    let before: Vec<_> = ["rss.xml", "atom.xml", "feed.json"]
        .iter()
        .map(|n| std::fs::read(site.path().join("public").join(n)).unwrap())
        .collect();
    // A new post changes every feed; the tag feeds' folder cannot be written.
    std::fs::write(
        site.path().join("posts/2024-03-09-new.md"),
        "---\ntitle: New\ndate: 2024-03-09\ntags: [news]\n---\nNew.\n",
    )
    .unwrap();
    std::fs::remove_dir_all(site.path().join("public/tags")).unwrap();
    std::fs::write(site.path().join("public/tags"), "in the way").unwrap();
    let out = build(site.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("public/tags/news/rss.xml: error: this feed could not be written"),
        "{}",
        stderr(&out)
    );
    for (name, old) in ["rss.xml", "atom.xml", "feed.json"].iter().zip(&before) {
        let new = std::fs::read(site.path().join("public").join(name)).unwrap();
        assert!(&new != old, "{name} did not get the new post");
    }
    let names: Vec<String> = std::fs::read_dir(site.path().join("public"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn a_full_outbox_leaves_no_partial_message() {
    let site = site_with(&[("2020-09-01-good.md", GOOD)]);
    // Where the message would go stands a folder: the write fails at its last step.
    std::fs::create_dir_all(
        site.path()
            .join("outbox/2020-W36.digest@blog.example.org.eml/x"),
    )
    .unwrap();
    let out = herald(site.path(), &["--now", "2020-09-07T09:00:00Z", "send"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write to the outbox"),
        "{}",
        stderr(&out)
    );
    let names: Vec<String> = std::fs::read_dir(site.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names,
        ["2020-W36.digest@blog.example.org.eml"],
        "no temp file left"
    );
    let journal = std::fs::read_to_string(site.path().join(".herald/state.json")).unwrap();
    assert!(!journal.contains("2020-W36"), "nothing recorded: {journal}");
    // Once the way is clear, the next run writes it whole.
    std::fs::remove_dir_all(site.path().join("outbox")).unwrap();
    let out = herald(site.path(), &["--now", "2020-09-07T09:00:00Z", "send"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let eml = std::fs::read_to_string(
        site.path()
            .join("outbox/2020-W36.digest@blog.example.org.eml"),
    )
    .unwrap();
    assert!(eml.contains("Message-ID: <2020-W36.digest@blog.example.org>"));
}

#[test]
fn a_permalink_with_characters_a_url_may_not_hold_is_an_error_on_its_line() {
    let post = b"---\ntitle: Brackets\ndate: 2020-09-02\nurl: /notes/a[1]/\n---\nx\n";
    let site = site_with(&[
        ("2020-09-01-good.md", GOOD),
        ("2020-09-02-brackets.md", post),
    ]);
    let out = herald(site.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "posts/2020-09-02-brackets.md:4: error: the permalink \"https://blog.example.org/notes/a[1]/\" holds '[', which a URL may not hold there (RFC 3986)\n"
    );
}
