//! Hostile and broken posts: each gives a clear `path:line` error or clean output, never a
//! panic, and the other posts are still read.

mod common;

use common::{entries_json, herald, site_with, stderr, stdout};

const GOOD: &[u8] = b"---\ntitle: Good\ndate: 2020-09-01\n---\nFine.\n";

/// Runs `check` on the good post plus `bad`, returning (exit code, stdout, stderr).
fn check_with(name: &str, bad: &[u8]) -> (i32, String, String) {
    let site = site_with(&[("2020-09-01-good.md", GOOD), (name, bad)]);
    let out = herald(site.path(), &["check"]);
    let code = out.status.code().expect("exited, not killed by a signal");
    (code, stdout(&out), stderr(&out))
}

#[test]
fn broken_posts_are_reported_with_path_and_line() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("unclosed.md", b"---\ntitle: x\ndate: 2020-01-01\nbody\n", "posts/unclosed.md:1: error: front matter opened with `---` is never closed"),
        ("yaml.md", b"---\ntitle: x\nauthors: [a\ndate: 2020-01-01\n---\n", "posts/yaml.md:4: error: invalid YAML front matter: did not find expected ',' or ']'"),
        ("date.md", b"---\ntitle: x\n\ndate: next tuesday\n---\n", "posts/date.md:4: error: cannot read `date: next tuesday` as a date"),
        ("binary.md", b"---\ntitle: x\n---\n\x00\x01\x02\x7f\x00garbage", "posts/binary.md:4: error: file holds NUL bytes: not a text post"),
        ("utf8.md", b"---\ntitle: x\n---\nline\n\xff\xfe bad", "posts/utf8.md:5: error: file is not valid UTF-8 text"),
        ("nodate.md", b"---\ntitle: x\n---\ntext", "posts/nodate.md:2: error: no date: add `date:` to the front matter or name the file YYYY-MM-DD-slug.md"),
        ("toml.md", b"+++\ntitle = \"x\"\ndate = \n+++\n", "posts/toml.md:3: error: invalid TOML front matter"),
    ];
    for (name, content, want) in cases {
        let (code, out, err) = check_with(name, content);
        assert_eq!(code, 1, "{name}: {err}");
        assert!(
            err.lines().any(|l| l.starts_with(want)),
            "{name}: wanted `{want}` in\n{err}"
        );
        assert_eq!(out, "2 posts, 1 errors, 0 warnings\n", "{name}");
    }
}

#[test]
fn empty_and_huge_posts_load_cleanly() {
    let huge = format!(
        "---\ntitle: Huge\ndate: 2020-09-02\n---\n{}",
        "Some *words* and [a link](/x).\n\n".repeat(170_000)
    );
    assert!(huge.len() > 5_000_000);
    let site = site_with(&[
        ("2020-09-03-empty.md", b""),
        ("2020-09-02-huge.md", huge.as_bytes()),
    ]);
    // Over the default bound of 2 MB: a clear error, and the other post is still read.
    let out = herald(site.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "posts/2020-09-02-huge.md:1: error: the post is larger than max_post_bytes (2000000 bytes): not read\n"
    );
    assert_eq!(stdout(&out), "2 posts, 1 errors, 0 warnings\n");
    // Within a bound the site raises, it is read.
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("max_post_bytes = 8_000_000\n{text}")).unwrap();
    let out = herald(site.path(), &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let entries = entries_json(site.path(), &[]);
    assert_eq!(entries[0]["title"], "empty");
    assert_eq!(entries[0]["content_html"], "");
    assert_eq!(entries[1]["title"], "Huge");
    assert!(entries[1]["content_html"]
        .as_str()
        .unwrap()
        .contains("href=\"https://blog.example.org/x\""));
}

#[test]
fn script_payloads_are_removed_everywhere() {
    let post = br#"---
title: "<script>alert(1)</script>Hello <img src=x onerror=alert(2)>world"
date: 2020-09-01
author: "<b onmouseover=alert(3)>Mallory</b><script>alert(4)</script>"
excerpt: "<a href=\"javascript:alert(5)\">click</a> <iframe src=\"https://evil.example\"></iframe>"
---
<script>alert(6)</script>
<img src="/a.png" onerror="alert(7)">
<a href="javascript:alert(8)">j</a> <a href="vbscript:x">v</a> <a href="data:text/html;base64,xx">d</a>
<svg onload="alert(9)"></svg><object data="x"></object><embed src="x"><form action="/x"><input></form>
<p style="background:url(javascript:alert(10))" onclick="alert(11)">text</p>

[md link](javascript:alert(12))
"#;
    let site = site_with(&[("2020-09-01-evil.md", post)]);
    let entries = entries_json(site.path(), &[]);
    let entry = serde_json::to_string(&entries[0]).unwrap().to_lowercase();
    for bad in [
        "<script",
        "alert(",
        "onerror",
        "onmouseover",
        "onclick",
        "onload",
        "javascript:",
        "vbscript:",
        "data:text",
        "<iframe",
        "<svg",
        "<object",
        "<embed",
        "<form",
        "style=",
    ] {
        assert!(!entry.contains(bad), "`{bad}` survived: {entry}");
    }
    assert_eq!(entries[0]["title"], "Hello world");
    assert_eq!(entries[0]["authors"][0]["name"], "Mallory");
    assert!(
        entry.contains("src=\\\"https://blog.example.org/a.png\\\""),
        "{entry}"
    );
}

#[test]
fn drafts_and_future_posts_are_left_out_unless_asked_for() {
    let site = site_with(&[
        ("2020-09-01-draft.md", b"---\ntitle: D\ndraft: true\n---\n"),
        (
            "2020-09-02-unpublished.md",
            b"---\ntitle: U\npublished: false\n---\n",
        ),
        (
            "2020-09-03-future.md",
            b"---\ntitle: F\ndate: 2030-01-01\n---\n",
        ),
        ("2020-09-04-normal.md", b"---\ntitle: N\n---\n"),
    ]);
    let titles = |args: &[&str]| -> Vec<String> {
        entries_json(site.path(), args)
            .iter()
            .map(|e| e["title"].as_str().unwrap().to_string())
            .collect()
    };
    let now = ["--now", "2021-01-01T00:00:00Z"];
    assert_eq!(titles(&now), ["N"]);
    assert_eq!(titles(&[&now[..], &["--drafts"]].concat()), ["N", "U", "D"]);
    assert_eq!(titles(&[&now[..], &["--future"]].concat()), ["F", "N"]);
}

#[test]
fn front_matter_variants_all_load() {
    let site = site_with(&[
        ("2020-01-01-crlf.md", b"\xef\xbb\xbf--- \r\ntitle: CRLF &amp; BOM\r\ndate: 2016-08-11 9:00:00\r\n---\r\nbody\r\n"),
        ("toml.md", b"+++\ntitle = \"TOML\"\ndate = 2020-01-02T03:04:05Z\ntags = [\"a\", \"b\"]\n+++\nbody"),
        ("2020-01-03-no-front-matter.md", b"# From the heading\n\ntext"),
        ("2020-01-04-dots.md", b"---\ntitle: Dots\ncategories: news release\nlastmod: 2020-02-01 10:00:00 -0700\nmy_key: kept\n...\nbody"),
    ]);
    let entries = entries_json(site.path(), &[]);
    let by_title = |t: &str| {
        entries
            .iter()
            .find(|e| e["title"] == t)
            .unwrap_or_else(|| panic!("{t} missing"))
    };
    assert_eq!(
        by_title("CRLF & BOM")["published"],
        "2016-08-11T09:00:00+02:00"
    );
    assert_eq!(by_title("TOML")["tags"], serde_json::json!(["a", "b"]));
    assert_eq!(by_title("TOML")["published"], "2020-01-02T04:04:05+01:00");
    assert_eq!(
        by_title("From the heading")["published"],
        "2020-01-03T00:00:00+01:00"
    );
    let dots = by_title("Dots");
    assert_eq!(dots["tags"], serde_json::json!(["news", "release"]));
    assert_eq!(dots["updated"], "2020-02-01T18:00:00+01:00");
    assert_eq!(dots["extra"]["my_key"], "kept");
    assert_eq!(
        dots["permalink"],
        "https://blog.example.org/2020/01/04/dots/"
    );
}

#[test]
fn unknown_shortcode_is_a_warning_with_its_line() {
    let (code, out, err) = check_with(
        "2020-09-02-sc.md",
        b"---\ntitle: S\n---\n\nText {{< mytheme abc >}} more.\n",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.trim(), "posts/2020-09-02-sc.md:5: warning: unknown shortcode `mytheme` in `{{< mytheme abc >}}`: tags removed, inner text kept");
    assert_eq!(out, "2 posts, 0 errors, 1 warnings\n");
}

#[test]
fn a_config_typo_is_an_error_with_its_line() {
    let site = site_with(&[("2020-09-01-good.md", GOOD)]);
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n[feeds]\nlimt = 5\n")).unwrap();
    let out = herald(site.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("config.toml:9: error: unknown field `limt`"),
        "{err}"
    );

    std::fs::write(
        &config,
        text.replace(
            "timezone = \"Europe/Berlin\"",
            "timezone = \"Mars/Olympus\"",
        ),
    )
    .unwrap();
    let err = stderr(&herald(site.path(), &["check"]));
    assert_eq!(
        err,
        "config.toml:3: error: timezone \"Mars/Olympus\" is not an IANA time zone name\n"
    );
}

#[test]
fn every_bad_setting_is_reported_on_its_line_before_anything_runs() {
    let site = site_with(&[("2020-09-01-good.md", GOOD)]);
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replace(
        "[digest]\nlist_unsubscribe = [\"mailto:leave@example.org\"]\n",
        "[digest]\nto = \"list@example.org\"\nfrom = \"not an address\"\nlist_unsubscribe = [\"javascript:alert(1)\"]\n",
    );
    std::fs::write(&config, format!("{text}\n[feeds]\nlogo = \"/logo.png\"\n")).unwrap();
    for command in ["check", "digest", "build"] {
        let out = herald(site.path(), &[command]);
        assert_eq!(out.status.code(), Some(1), "{command}");
        let err = stderr(&out);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 3, "{command}: {err}");
        assert!(
            lines[0].starts_with(
                "config.toml:7: error: [digest] from \"not an address\" is not an email address"
            ),
            "{err}"
        );
        assert_eq!(lines[1], "config.toml:8: error: [digest] list_unsubscribe \"javascript:alert(1)\" is not an absolute https or mailto URL");
        assert_eq!(
            lines[2],
            "config.toml:11: error: [feeds] logo \"/logo.png\" is not an absolute https or http URL"
        );
        assert_eq!(stdout(&out), "", "{command} did nothing");
    }
    assert!(!site.path().join("public").exists());
}

#[test]
fn digest_with_a_broken_post_exits_1_and_still_sends_the_good_ones() {
    let site = site_with(&[
        ("2020-09-01-good.md", GOOD),
        (
            "2020-09-02-broken.md",
            b"---\ntitle: x\ndate: next tuesday\n---\n",
        ),
    ]);
    let out = herald(
        site.path(),
        &["--now", "2020-09-07T09:00:00Z", "digest", "--out", "out"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .starts_with("posts/2020-09-02-broken.md:3: error: cannot read `date: next tuesday`"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).starts_with("2020-W36: 1 post: "),
        "{}",
        stdout(&out)
    );
    let text = std::fs::read_to_string(site.path().join("out/digest-2020-W36.txt")).unwrap();
    assert!(text.contains("Good"), "{text}");
}

#[test]
fn bad_digests_are_reported_on_their_lines() {
    let site = site_with(&[("2020-09-01-good.md", GOOD)]);
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    // The tables start on lines 8, 12 and 17.
    let more = "\n[[digests]]\nname = \"Releases\"\nto = \"announce@example.org\"\n\n[[digests]]\nname = \"dev\"\nto = \"not an address\"\nschedule = \"monthly\"\n\n[[digests]]\nname = \"dev\"\nto = \"dev@example.org\"\nlist_archive = \"ftp://example.org\"\narchive_dir = \"digests/dev\"\n";
    std::fs::write(&config, format!("{text}{more}")).unwrap();
    let out = herald(site.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "config.toml:9: error: [[digests]] name \"Releases\" must be lower-case letters, digits and `-`, starting with a letter: it names the digest's journal records, archive folder and Message-IDs",
            "config.toml:14: error: [[digests]] #2 to \"not an address\" is not an email address: Invalid input",
            "config.toml:18: error: [[digests]] name \"dev\" is used twice: give each digest its own",
            "config.toml:20: error: [[digests]] #3 list_archive \"ftp://example.org\" is not an absolute https or http URL",
        ],
        "{err}"
    );
    // An unknown key in a [[digests]] table is named on its line too.
    let typo = format!(
        "{text}\n[[digests]]\nname = \"dev\"\nto = \"dev@example.org\"\nshedule = \"monthly\"\n"
    );
    std::fs::write(&config, typo).unwrap();
    let err = stderr(&herald(site.path(), &["check"]));
    assert!(
        err.starts_with("config.toml:11: error: unknown field `shedule`"),
        "{err}"
    );
}
