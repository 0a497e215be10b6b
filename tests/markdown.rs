//! Markdown rendered as each site's generator renders it: typography, bare URLs, footnotes,
//! HTML blocks and references. tests/fixtures/markdown/{hugo,jekyll,zola} are three small
//! sites with the same posts; expected/ holds the body each real generator rendered for each
//! post (Debian's Hugo 0.111.3 and Jekyll 4.3.1, Zola 0.22.1 built from its source; each
//! site's default settings, layouts printing `.Content`, `{{ content }}` and
//! `page.content`). herald's body must say what the generator's says: the same visible text
//! and the same link targets. Three differences are herald's on purpose: URLs are absolute,
//! a reference that does not resolve is an error and its link is dropped (Hugo, warned by
//! `refLinksErrorLevel = "WARNING"`, prints `href=""`: a link to the page itself), and the
//! ids the generators give footnotes are not compared (only where the links go).

mod common;

use std::collections::BTreeSet;

use common::{herald, root, stderr};
use herald::markup::{decode_entities, each_token, Token};

const POSTS: [&str; 5] = [
    "typography",
    "autolinks",
    "footnotes",
    "html-blocks",
    "references",
];

/// Visible text without whitespace (layouts add it between tags), and link targets made
/// absolute against `page`.
fn reading(html: &str, page: &url::Url) -> (String, BTreeSet<String>) {
    let mut text = String::new();
    let mut links = BTreeSet::new();
    each_token(html, |token| match token {
        Token::Text(t) => text.push_str(&decode_entities(t)),
        Token::Start(tag) if tag.name == "a" => {
            if let Some(href) = tag.attr("href").filter(|h| !h.is_empty()) {
                links.insert(page.join(&decode_entities(href)).unwrap().to_string());
            }
        }
        _ => {}
    });
    text.retain(|c| !c.is_whitespace());
    (text, links)
}

/// Each post's (title, permalink, content) from `herald entries --json`, and the warnings.
fn entries(generator: &str) -> (Vec<(String, String, String)>, String) {
    let site = root().join("tests/fixtures/markdown").join(generator);
    let out = herald(
        &root(),
        &[
            "--site",
            site.to_str().unwrap(),
            "--now",
            "2026-01-01T00:00:00Z",
            "entries",
            "--json",
        ],
    );
    let entries: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    let posts = entries
        .iter()
        .map(|e| {
            let field = |k: &str| e[k].as_str().unwrap().to_string();
            (field("title"), field("permalink"), field("content_html"))
        })
        .collect();
    (posts, stderr(&out))
}

fn check(generator: &str) -> String {
    let (posts, warnings) = entries(generator);
    for name in POSTS {
        let (_, permalink, content) = posts
            .iter()
            .find(|(title, _, _)| title == name)
            .unwrap_or_else(|| panic!("{generator}: no post {name}"));
        let page = url::Url::parse(permalink).unwrap();
        let expected = std::fs::read_to_string(
            root()
                .join("tests/fixtures/markdown/expected")
                .join(generator)
                .join(format!("{name}.html")),
        )
        .unwrap();
        let (text, links) = reading(content, &page);
        let (want_text, want_links) = reading(&expected, &page);
        assert_eq!(text, want_text, "{generator}/{name}: text\n{content}");
        assert_eq!(links, want_links, "{generator}/{name}: links\n{content}");
    }
    warnings
}

#[test]
fn hugo_posts_read_as_goldmark_renders_them() {
    let warnings = check("hugo");
    // The one reference that does not resolve is an error on its line, and its link is
    // gone rather than pointing at the post.
    assert!(
        warnings.contains("references.md:9: error: `{{< relref \"/plugins/dnstap.md\" >}}`"),
        "{warnings}"
    );
    let (posts, _) = entries("hugo");
    let (_, permalink, references) = posts.iter().find(|p| p.0 == "references").unwrap();
    assert!(
        !references.contains(&format!("href=\"{permalink}\"")),
        "{references}"
    );
    assert!(references.contains("missing one"), "{references}");
}

#[test]
fn jekyll_posts_read_as_kramdown_renders_them() {
    check("jekyll");
    // `check` says what Jekyll does with a Hugo shortcode in a Jekyll post.
    let site = root().join("tests/fixtures/markdown/jekyll");
    let out = herald(&root(), &["--site", site.to_str().unwrap(), "check"]);
    let said = stderr(&out);
    assert!(
        said.contains(
            "2024-01-05-references.md:7: warning: `{{< relref \"x\" >}}` is a Hugo shortcode"
        ),
        "{said}"
    );
}

#[test]
fn zola_posts_read_as_zola_renders_them() {
    check("zola");
}

#[test]
fn a_reference_that_does_not_resolve_never_links_to_its_own_post() {
    for (config, post, body) in [
        (
            ("config.toml", "baseURL = \"https://example.org/\"\n"),
            "content/posts/a.md",
            "---\ntitle: A\ndate: 2024-01-01\n---\nSee [the plugin]({{< relref \"/plugins/nope.md\" >}}).\n",
        ),
        (
            ("_config.yml", "url: https://example.org\n"),
            "_posts/2024-01-01-a.md",
            "---\ntitle: A\n---\nSee [the plugin]({% post_url 2023-01-01-nope %}).\n",
        ),
        (
            ("config.toml", "base_url = \"https://example.org\"\ntitle = \"x\"\n"),
            "content/blog/a.md",
            "+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nSee [the plugin](@/blog/nope.md).\n",
        ),
    ] {
        let site = tempfile::tempdir().unwrap();
        for (name, text) in [config, (post, body)] {
            let path = site.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let out = herald(
            site.path(),
            &["--site", ".", "--now", "2026-01-01T00:00:00Z", "entries", "--json"],
        );
        let entries: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        let html = entries[0]["content_html"].as_str().unwrap();
        assert!(html.contains("the plugin"), "{post}: {html}");
        assert!(!html.contains("href"), "{post}: the link should be gone: {html}");
        let errors = stderr(&out);
        let line = body.lines().position(|l| l.starts_with("See")).unwrap() + 1;
        assert!(errors.contains(&format!("{post}:{line}: error:")), "{post}: {errors}");
    }
}

#[test]
fn jekyll_relative_links_go_to_the_linked_posts_url() {
    let site = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "_config.yml",
            "url: https://example.org\nrelative_links:\n  enabled: true\n",
        ),
        (
            "_posts/2024-01-01-a.md",
            "---\ntitle: A\n---\nSee [B](2024-01-02-b.md#part) and [the page](../about.md).\n",
        ),
        ("_posts/2024-01-02-b.md", "---\ntitle: B\n---\nB.\n"),
        (
            "about.md",
            "---\ntitle: About\npermalink: /about/\n---\nAbout.\n",
        ),
    ] {
        let path = site.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let entries = common::entries_json(
        site.path(),
        &["--site", ".", "--now", "2026-01-01T00:00:00Z"],
    );
    let a = entries.iter().find(|e| e["title"] == "A").unwrap();
    let html = a["content_html"].as_str().unwrap();
    assert!(
        html.contains("href=\"https://example.org/2024/01/02/b.html#part\""),
        "{html}"
    );
    assert!(
        html.contains("href=\"https://example.org/about/\""),
        "{html}"
    );
}
