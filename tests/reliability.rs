//! The third round of reliability findings: each test holds one of them. No post, relay,
//! setting or file type can panic a run, hold its lock or write outside its folders.

mod common;

use common::{herald, site_with, stderr, stdout};

const GOOD: &[u8] = b"---\ntitle: Good\ndate: 2020-09-01\n---\nFine.\n";

#[test]
fn a_date_no_feed_can_write_is_an_error_on_its_line_never_a_panic() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "negative.md",
            b"---\ntitle: x\ndate: -2020-09-02\n---\nx\n",
            "posts/negative.md:3: error: -2020-09-02T00:00:00",
        ),
        (
            "lastmod.md",
            b"---\ntitle: x\ndate: 2020-09-02\n\nlastmod: 9999-12-31T23:59:59-14:00\n---\nx\n",
            "posts/lastmod.md:5: error: 9999-12-31T23:59:59-14:00 is outside the years 0001 to 9999",
        ),
    ];
    for (name, content, want) in cases {
        let site = site_with(&[("2020-09-01-good.md", GOOD), (name, content)]);
        for command in [
            &["check"][..],
            &["build"],
            &["digest", "--week", "2020-W36"],
        ] {
            let out = herald(site.path(), command);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{name} {command:?}: {err}");
            assert!(
                err.lines().any(|l| l.starts_with(want)),
                "{name} {command:?}: wanted `{want}` in\n{err}"
            );
        }
        let out = herald(site.path(), &["check"]);
        assert_eq!(stdout(&out), "2 posts, 1 errors, 0 warnings\n", "{name}");
        // The good post's feed is still written.
        let out = herald(site.path(), &["build"]);
        let rss = std::fs::read_to_string(site.path().join("public/rss.xml")).unwrap();
        assert!(rss.contains("<title>Good</title>"), "{}", stderr(&out));
    }
}
