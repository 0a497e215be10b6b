//! Thousands of generated posts (random front matter, nesting, entities, control characters,
//! URLs of every scheme, raw HTML) through `check`, `build` and `digest`: never a panic,
//! every output well-formed XML, JSON or MIME, nothing executable anywhere, and time that
//! stays bounded by the input's size.

use std::path::Path;
use std::time::{Duration, Instant};

use herald::app::{Herald, Options, PeriodArg};
use herald::markup::{each_token, Token};
use proptest::prelude::*;

/// Pieces of Markdown and HTML that real attacks and real posts are made of.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 .,!?]{0,40}",
        "\\PC{0,20}",
        (1usize..300).prop_map(|n| "- ".repeat(n)),
        (1usize..300).prop_map(|n| "> ".repeat(n)),
        (1usize..200).prop_map(|n| format!("{}x{}", "*".repeat(n), "*".repeat(n))),
        (1usize..60).prop_map(|n| "<div>".repeat(n)),
        prop::sample::select(vec![
            "&amp;", "&lt;script&gt;", "&#0;", "&#x1;", "&#xFFFE;", "&bogus;", "&#128512;",
            "\u{1}", "\u{8}", "\u{b}", "\u{fffe}", "\u{ffff}", "\r", "\t", "\u{200b}",
        ])
        .prop_map(str::to_string),
        (
            prop::sample::select(vec![
                "javascript:alert(1)",
                "JaVaScRiPt:alert(1)",
                " javascript:alert(1)",
                "vbscript:msgbox(1)",
                "data:text/html,<script>alert(1)</script>",
                "https://example.org/a?b=1&c=2",
                "//cdn.example.org/x.png",
                "/root/relative",
                "relative/path.html",
                "#fragment",
                "mailto:a@example.org",
            ]),
            "[a-z ]{0,10}",
        )
            .prop_map(|(url, text)| format!("[{text}]({url}) ![{text}]({url}) <a href=\"{url}\">{text}</a> <img src=\"{url}\" srcset=\"{url} 2x\">")),
        prop::sample::select(vec![
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<style>body{display:none}</style>",
            "<svg onload=alert(1)><use href=\"javascript:alert(1)\"/></svg>",
            "<form action=\"https://evil.example\"><input type=password></form>",
            "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
            "<p style=\"color:red\" class=\"x\" onclick=\"alert(1)\">p</p>",
            "<noscript><img src=\"/a.png\"></noscript>",
            "<table><tr><td>a<td>b</table>",
            "<!-- comment --><!--more-->",
            "{{< param Docs >}}",
            "{{% unknown %}}x{{% /unknown %}}",
            "{% raw %}{{ x }}{% endraw %}",
            "{{ site.title }}",
            "```\ncode <script>\n```",
            "    indented code",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "[^1]\n\n[^1]: note",
        ])
        .prop_map(str::to_string),
    ]
}

/// A string as a YAML double-quoted scalar (JSON's quoting is valid YAML).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

#[derive(Debug, Clone)]
struct GeneratedPost {
    title: String,
    date: String,
    tags: Vec<String>,
    id: Option<String>,
    url: Option<String>,
    lastmod: Option<String>,
    excerpt: Option<String>,
    author: String,
    body: String,
    raw_front: bool,
}

/// Dates at and past the edges of what feeds can write: negative and five-digit years,
/// offsets that carry a date over a year's end in UTC.
fn extreme_date() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            -9999i32..=-1,
            0i32..=2,
            2019i32..=2021,
            9998i32..=10001,
            10002i32..=99999
        ],
        prop_oneof![Just((1u32, 1u32)), Just((12, 31)), (1u32..13, 1u32..29)],
        prop_oneof![Just("00:00:00"), Just("23:59:59"), Just("12:00:00")],
        -14i32..=14,
    )
        .prop_map(|(year, (month, day), time, offset)| {
            format!("{year:04}-{month:02}-{day:02}T{time}{offset:+03}:00")
        })
}

fn post() -> impl Strategy<Value = GeneratedPost> {
    let text = prop_oneof!["\\PC{0,30}", "[<>&\"' a-z]{0,20}", fragment()];
    (
        (
            text.clone(),
            prop_oneof![
                (1u32..7, 0u32..24).prop_map(|(d, h)| format!("2020-09-0{d} {h:02}:00:00")),
                Just("2020-09-02T08:00:00+02:00".to_string()),
                "\\PC{0,12}",
                extreme_date(),
            ],
            prop_oneof![
                38 => prop::collection::vec("[A-Za-z+#]{1,6}", 0..4),
                // Tags longer than any file name, and more tags than a post keeps.
                1 => prop::collection::vec("\\PC{100,300}", 1..3),
                1 => prop::collection::vec("[a-z]{1,8}", 100..110),
            ],
            prop::option::of(prop_oneof![
                Just("javascript:alert(1)".to_string()),
                Just("urn:uuid:1".to_string()),
                Just("tag:blog.example.org,2020:x".to_string()),
                "\\PC{0,12}",
            ]),
            prop::option::of(prop_oneof![
                Just("https://evil.example/phish".to_string()),
                Just("javascript:alert(1)".to_string()),
                Just("/custom/path/".to_string()),
                "[a-z/]{0,12}",
            ]),
        ),
        (
            prop::option::of(text.clone()),
            text,
            prop::collection::vec(fragment(), 0..12).prop_map(|f| f.join("\n")),
            prop::bool::weighted(0.05),
            prop::option::weighted(0.2, extreme_date()),
        ),
    )
        .prop_map(
            |((title, date, tags, id, url), (excerpt, author, body, raw_front, lastmod))| {
                GeneratedPost {
                    title,
                    date,
                    lastmod,
                    tags,
                    id,
                    url,
                    excerpt,
                    author,
                    body,
                    raw_front,
                }
            },
        )
}

impl GeneratedPost {
    fn text(&self) -> String {
        if self.raw_front {
            return format!(
                "---\ntitle: {}\ndate: {}\n---\n{}",
                self.title, self.date, self.body
            );
        }
        let mut front = format!(
            "---\ntitle: {}\ndate: {}\nauthor: {}\ntags: [{}]\n",
            quoted(&self.title),
            quoted(&self.date),
            quoted(&self.author),
            self.tags
                .iter()
                .map(|t| quoted(t))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for (key, value) in [
            ("id", &self.id),
            ("url", &self.url),
            ("lastmod", &self.lastmod),
            ("excerpt", &self.excerpt),
        ] {
            if let Some(value) = value {
                front.push_str(&format!("{key}: {}\n", quoted(value)));
            }
        }
        format!("{front}---\n{}\n", self.body)
    }
}

const CONFIG: &str = "title = \"Prop <Site> & Co\"\nbase_url = \"https://blog.example.org\"\ntimezone = \"Europe/Berlin\"\n\n[params]\nDocs = \"//docs.example.org/\"\n\n[feeds]\nper_tag = true\nlimit = 0\n";

/// Checks one HTML fragment for anything a reader or mail client could run.
fn assert_inert(html: &str, what: &str, allow_style: bool) {
    each_token(html, |token| {
        if let Token::Start(tag) = token {
            let banned = ["script", "iframe", "object", "embed", "form", "svg", "math"];
            assert!(
                !banned.contains(&tag.name),
                "{what}: <{}> in {html}",
                tag.name
            );
            assert!(
                allow_style || tag.name != "style",
                "{what}: <style> in {html}"
            );
            for (name, value) in tag.attrs() {
                assert!(!name.starts_with("on"), "{what}: {name}= in {html}");
                let value = value.trim().to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(
                        !value.starts_with(scheme),
                        "{what}: {name}={value} in {html}"
                    );
                }
            }
        }
    });
}

/// Reads an XML document to its end; every entry's HTML is checked to be inert.
fn assert_feed_xml(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = quick_xml::Reader::from_reader(&bytes[..]);
    let mut buf = Vec::new();
    let mut depth = 0i64;
    let mut in_html = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e)) => {
                depth += 1;
                let name = e.name();
                in_html = matches!(
                    name.as_ref(),
                    b"description" | b"content:encoded" | b"content" | b"summary"
                );
            }
            Ok(quick_xml::events::Event::End(_)) => {
                depth -= 1;
                in_html = false;
            }
            Ok(quick_xml::events::Event::Text(t)) if in_html => {
                let text = t.xml10_content().unwrap();
                assert_inert(&text, &path.display().to_string(), false);
            }
            Ok(quick_xml::events::Event::CData(t)) if in_html => {
                let text = String::from_utf8_lossy(&t).into_owned();
                assert_inert(&text, &path.display().to_string(), false);
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{} is not well-formed XML: {e}", path.display()),
        }
        buf.clear();
    }
    assert_eq!(depth, 0, "{}: unclosed elements", path.display());
}

/// A message as RFC 5322 wants it: CRLF lines of at most 998 octets, header fields that
/// are `Name: value` or folded, one empty line before the body, no injected header.
fn assert_mime(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes).expect("the .eml is text");
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "bare LF in {}",
        path.display()
    );
    assert!(
        !text.replace("\r\n", "").contains('\r'),
        "bare CR in {}",
        path.display()
    );
    let (head, _body) = text
        .split_once("\r\n\r\n")
        .expect("headers end with an empty line");
    let mut names = Vec::new();
    for line in head.split("\r\n") {
        assert!(line.len() <= 998, "a line over 998 octets");
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let (name, _) = line.split_once(':').expect("a header field has a name");
        assert!(
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
            "bad header name {name:?}"
        );
        names.push(name.to_ascii_lowercase());
    }
    for once in ["from", "to", "subject", "message-id", "date"] {
        assert_eq!(
            names.iter().filter(|n| *n == once).count(),
            1,
            "{once} in {names:?}"
        );
    }
    assert!(!names.iter().any(|n| n == "bcc" || n == "cc"), "{names:?}");
}

fn run_case(posts: &[GeneratedPost]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    std::fs::create_dir(dir.path().join("posts")).unwrap();
    let mut size = 0;
    for (i, post) in posts.iter().enumerate() {
        let text = post.text();
        size += text.len();
        std::fs::write(
            dir.path()
                .join(format!("posts/2020-09-0{}-p{i}.md", i % 6 + 1)),
            text,
        )
        .unwrap();
    }
    let started = Instant::now();
    let herald = Herald::load(&Options {
        config: dir.path().join("config.toml"),
        site: None,
        posts: None,
        drafts: true,
        future: true,
        now: "2020-09-07T09:00:00Z".parse().unwrap(),
    })
    .expect("the config is valid");
    herald.check().expect("check runs");
    let (entries, _) = herald.entries();
    for entry in &entries {
        assert_inert(&entry.content_html, "content_html", false);
        assert_inert(&entry.summary_html, "summary_html", false);
        assert!(!entry
            .id
            .trim()
            .to_ascii_lowercase()
            .starts_with("javascript:"));
    }
    let out = dir.path().join("public");
    let built = herald.build(Some(&out)).expect("build runs");
    for problem in &built.diagnostics {
        let text = problem.to_string();
        assert!(!text.contains("could not be written"), "{text}");
    }
    // The main feed is written whenever the build reports no error on it.
    let feed_failed = built
        .diagnostics
        .iter()
        .any(|d| d.path.ends_with("rss.xml") && d.severity == herald::diag::Severity::Error);
    assert!(
        feed_failed || out.join("rss.xml").is_file(),
        "no rss.xml and no error about it: {:?}",
        built.diagnostics
    );
    {
        let mut pending = vec![out.clone()];
        while let Some(d) = pending.pop() {
            for file in std::fs::read_dir(&d).unwrap() {
                let path = file.unwrap().path();
                match path.extension().and_then(|e| e.to_str()) {
                    _ if path.is_dir() => pending.push(path),
                    Some("xml") => assert_feed_xml(&path),
                    Some("json") => {
                        let feed: serde_json::Value =
                            serde_json::from_slice(&std::fs::read(&path).unwrap())
                                .expect("the JSON feed parses");
                        for item in feed["items"].as_array().unwrap() {
                            assert_inert(item["content_html"].as_str().unwrap(), "json", false);
                        }
                    }
                    _ => panic!("unexpected file {}", path.display()),
                }
            }
        }
    }
    let digest_dir = dir.path().join("digest");
    herald
        .digest(&PeriodArg::iso(2020, 36).unwrap(), None, Some(&digest_dir))
        .expect("digest runs");
    let eml = digest_dir.join("digest-2020-W36.eml");
    let week = herald
        .period(&herald.site.digests[0], &PeriodArg::iso(2020, 36).unwrap())
        .unwrap();
    // A week with a rendered post has its digest; a week without one has none.
    let in_week = entries.iter().any(|e| week.contains(e.published));
    if in_week {
        assert!(
            eml.is_file(),
            "2020-W36 has posts but no digest was written"
        );
    }
    if eml.exists() {
        assert_mime(&eml);
        let html = std::fs::read_to_string(digest_dir.join("digest-2020-W36.html")).unwrap();
        assert_inert(&html, "digest html", true);
    }
    // Not a benchmark: a bound that only a blow-up (time quadratic in the input) breaks.
    let bound = Duration::from_secs(10) + Duration::from_micros(200) * size as u32;
    assert!(
        started.elapsed() < bound,
        "{size} bytes took {:?}",
        started.elapsed()
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_posts_never_panic_and_every_output_is_well_formed_and_inert(
        posts in prop::collection::vec(post(), 1..4)
    ) {
        run_case(&posts);
    }
}

#[test]
fn the_checks_catch_what_they_look_for() {
    let caught = |html: &'static str| {
        std::panic::catch_unwind(|| assert_inert(html, "probe", false)).is_err()
    };
    assert!(caught("<script>x</script>"));
    assert!(caught("<img src=x onerror=alert(1)>"));
    assert!(caught("<a href=\" JavaScript:alert(1)\">x</a>"));
    assert!(caught("<img src=\"data:image/png;base64,x\">"));
    assert!(caught("<style>p{}</style>"));
    assert!(!caught(
        "<p><a href=\"https://x.org/\">javascript: the good parts</a></p>"
    ));

    let dir = tempfile::tempdir().unwrap();
    let eml = dir.path().join("m.eml");
    let mime_caught = |text: &str| {
        std::fs::write(&eml, text).unwrap();
        std::panic::catch_unwind(|| assert_mime(&eml)).is_err()
    };
    let good = "From: a@x.org\r\nTo: b@x.org\r\nSubject: s\r\nMessage-ID: <a@x>\r\nDate: Mon, 7 Sep 2020 09:00:00 +0000\r\n\r\nbody\r\n";
    assert!(!mime_caught(good));
    assert!(mime_caught(&good.replace("body\r\n", "body\nbare")));
    assert!(mime_caught(
        &good.replace("Subject: s", "Subject: s\r\nBcc: c@x.org")
    ));
    assert!(mime_caught(&good.replace("Subject: s\r\n", "")));

    let xml = dir.path().join("f.xml");
    std::fs::write(&xml, "<rss><channel><item>").unwrap();
    assert!(std::panic::catch_unwind(|| assert_feed_xml(&xml)).is_err());
}

/// A configuration file of a site: keys the readers look for, with values and lines of any
/// text (non-ASCII where a byte count would cut a character: `支` after a key's length).
fn site_config() -> impl Strategy<Value = (String, String)> {
    let value = prop_oneof![
        "\\PC{0,12}",
        Just("支持多语言".to_string()),
        Just("\"/\"".to_string()),
        Just("[\"a\", 1, {b = 2}]".to_string()),
        "[0-9]{1,4}",
    ];
    let key = prop::sample::select(vec![
        "baseURL",
        "base_url",
        "title",
        "languages",
        "defaultContentLanguage",
        "contentDir",
        "permalinks",
        "url",
        "baseurl",
        "permalink",
        "collections",
        "defaults",
        "timezone",
        "default_language",
        "slugify",
        "feed_filenames",
        "支",
        "titl支",
        "é",
    ]);
    let line = prop_oneof![
        (key.clone(), value.clone()).prop_map(|(k, v)| format!("{k} = {v}")),
        (key.clone(), value.clone()).prop_map(|(k, v)| format!("{k}: {v}")),
        (key, "\\PC{0,6}").prop_map(|(k, v)| format!("[{k}.{v}]")),
        "\\PC{0,30}",
    ];
    (
        prop::sample::select(vec!["config.toml", "hugo.toml", "hugo.yaml", "_config.yml"])
            .prop_map(str::to_string),
        prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n")),
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 500,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any text in any generator's configuration file is read without a panic: it is a
    /// site, or an error on its line.
    #[test]
    fn any_text_in_a_site_config_is_read_without_a_panic((name, text) in site_config()) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(&name), &text).unwrap();
        std::fs::create_dir_all(dir.path().join("content/blog")).unwrap();
        std::fs::write(dir.path().join("content/blog/2020-01-02-a.md"), "---\ntitle: A\n---\nx\n").unwrap();
        let _ = herald::config::site_at(dir.path());
        if let Ok((site, _)) = herald::config::Site::load_site(dir.path()) {
            let filter = herald::post::Filter { drafts: false, future: false, now: "2026-11-25T12:00:00Z".parse().unwrap() };
            let _ = herald::post::load(&site, &site.posts_dir(), &filter);
        }
    }
}
