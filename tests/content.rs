//! Shortcodes and tags rendered as the generators render them. The expected HTML is what
//! Debian's Hugo 0.111 and Jekyll 4.3 rendered for the same input, recorded in
//! tests/fixtures/shortcodes/{hugo-0.111,jekyll-4.3}/. herald differs on purpose in two
//! ways: every URL is absolute (feeds and mail have no base), and an embed (an iframe or a
//! script, which readers and mail clients drop) becomes a link to the same video or gist.

mod common;

use common::{herald, root, stderr};
use herald::markup::{each_token, Token};

/// The content of the post titled `title` in the site at `site`.
fn content(site: &str, title: &str) -> String {
    let site = root().join(site);
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
    assert!(out.status.success(), "{}", stderr(&out));
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    entries
        .iter()
        .find(|e| e["title"] == title)
        .unwrap_or_else(|| panic!("no post {title}"))["content_html"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Every value of an attribute on an element, in order.
fn attrs(html: &str, element: &str, attr: &str) -> Vec<String> {
    let mut found = Vec::new();
    each_token(html, |token| {
        if let Token::Start(tag) = token {
            if tag.name == element {
                if let Some(value) = tag.attr(attr) {
                    found.push(value.to_string());
                }
            }
        }
    });
    found
}

/// The text outside `<pre>`.
fn prose(html: &str) -> String {
    let mut text = String::new();
    let mut pre = 0;
    each_token(html, |token| match token {
        Token::Start(tag) if tag.name == "pre" => pre += 1,
        Token::End("pre") => pre -= 1,
        Token::Text(t) if pre == 0 => text.push_str(t),
        _ => {}
    });
    text
}

/// Hugo's figure, as herald writes HTML: no whitespace between tags, `>` not `/>`, URLs
/// absolute against the site, links with `rel="noopener"`.
fn as_herald_writes(figure: &str, base: &str) -> String {
    let mut html = figure.split_whitespace().collect::<Vec<_>>().join(" ");
    html = html
        .replace("> <", "><")
        .replace(" />", ">")
        .replace("/>", ">");
    html = html.replace("src=\"/", &format!("src=\"{base}/"));
    html.replace(
        "<a href=\"https://example.org/big.png\">",
        "<a href=\"https://example.org/big.png\" rel=\"noopener\">",
    )
}

#[test]
fn hugo_built_in_shortcodes_as_hugo_renders_them() {
    let hugo = std::fs::read_to_string(
        root().join("tests/fixtures/shortcodes/hugo-0.111/every-shortcode.html"),
    )
    .unwrap();
    let ours = content("tests/fixtures/shortcodes/hugo", "Every shortcode");
    let base = "https://sc.example.org";

    // The figure, element for element.
    let start = hugo.find("<figure>").unwrap();
    let end = hugo.find("</figure>").unwrap() + "</figure>".len();
    let figure = as_herald_writes(&hugo[start..end], base);
    assert!(ours.contains(&figure), "wanted {figure}\nin {ours}");

    // Each embed: the same video or gist, as a link.
    for src in attrs(&hugo, "iframe", "src") {
        let link = if let Some(id) = src.strip_prefix("https://www.youtube.com/embed/") {
            format!("https://www.youtube.com/watch?v={id}")
        } else if let Some(id) = src.strip_prefix("https://player.vimeo.com/video/") {
            format!("https://vimeo.com/{id}")
        } else {
            panic!("an embed the test does not know: {src}")
        };
        assert!(
            attrs(&ours, "a", "href").contains(&link),
            "{link} in {ours}"
        );
    }
    for src in attrs(&hugo, "script", "src") {
        let gist = src.trim_end_matches(".js").to_string();
        assert!(
            attrs(&ours, "a", "href").contains(&gist),
            "{gist} in {ours}"
        );
    }

    // param (site, page, dotted) and relref, to the same values and page.
    let their_text = prose(&hugo);
    for value in [
        "site https://docs.example.org/",
        "https://canonical.example.org/x",
        "dotted docker compose v2.",
    ] {
        assert!(their_text.contains(value), "Hugo: {value}");
        assert!(prose(&ours).contains(value), "herald: {value} in {ours}");
    }
    let relref = attrs(&hugo, "a", "href")
        .into_iter()
        .find(|h| h.contains("the-target"))
        .unwrap();
    assert_eq!(relref, "/2024/01/the-target/#anchor");
    assert!(attrs(&ours, "a", "href").contains(&format!("{base}{relref}")));

    // The indented closing highlight closes the block: what follows is prose in both.
    assert!(prose(&hugo).contains("After the code."));
    assert!(prose(&ours).contains("After the code."));
    assert!(
        !prose(&ours).contains("Println"),
        "the code stays in its block"
    );
}

#[test]
fn jekyll_tags_and_filters_as_jekyll_renders_them() {
    let jekyll =
        std::fs::read_to_string(root().join("tests/fixtures/shortcodes/jekyll-4.3/tags.html"))
            .unwrap();
    let ours = content("tests/fixtures/shortcodes/jekyll", "Every tag");
    // post_url and link: the same pages, absolute.
    let theirs: Vec<String> = attrs(&jekyll, "a", "href")
        .into_iter()
        .map(|h| format!("https://tags.example.org{h}"))
        .collect();
    assert_eq!(theirs.len(), 3);
    assert_eq!(attrs(&ours, "a", "href"), theirs);
    // Filters and variables, to the same text.
    for text in [
        "relative /blog/docs/",
        "absolute https://tags.example.org/blog/docs/",
        "Every tag by Ada at https://docs.example.org/.",
        "{{ kept }}",
        "After the code.",
    ] {
        assert!(prose(&jekyll).contains(text), "Jekyll: {text}");
        assert!(prose(&ours).contains(text), "herald: {text} in {ours}");
    }
    assert!(
        !prose(&ours).contains("puts"),
        "the highlighted code stays in its block"
    );
}

#[test]
fn noscript_images_are_kept_and_zola_links_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    std::fs::create_dir_all(site.join("content/blog")).unwrap();
    std::fs::write(
        site.join("config.toml"),
        "base_url = \"https://z.example.org\"\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/blog/_index.md"),
        "+++\ntitle = \"Blog\"\n+++\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/blog/2024-01-01-one.md"),
        "+++\ntitle = \"One\"\n+++\n## Part {#part}\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/blog/2024-01-02-two.md"),
        "+++\ntitle = \"Two\"\n+++\nSee [one](@/blog/2024-01-01-one.md#part) and [blog](@/blog/_index.md).\n\n<img data-src=\"/lazy.png\" class=\"lazy\"><noscript><img src=\"/real.png\" alt=\"Real\"></noscript>\n",
    )
    .unwrap();
    let out = herald(
        site,
        &[
            "--site",
            ".",
            "--now",
            "2026-01-01T00:00:00Z",
            "entries",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let two = entries.iter().find(|e| e["title"] == "Two").unwrap()["content_html"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        attrs(&two, "a", "href"),
        [
            "https://z.example.org/blog/one/#part",
            "https://z.example.org/blog/"
        ]
    );
    assert_eq!(
        attrs(&two, "img", "src"),
        ["https://z.example.org/real.png"]
    );
    assert!(!two.contains("&lt;img"), "{two}");
    // A link to a page that is not there is an error, as in Zola.
    std::fs::write(
        site.join("content/blog/2024-01-03-three.md"),
        "+++\ntitle = \"Three\"\n+++\n[gone](@/blog/nope.md)\n",
    )
    .unwrap();
    let out = herald(
        site,
        &["--site", ".", "--now", "2026-01-01T00:00:00Z", "check"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("2024-01-03-three.md:4: error: internal link `@/blog/nope.md`: no such page in the site"),
        "{}",
        stderr(&out)
    );
}
