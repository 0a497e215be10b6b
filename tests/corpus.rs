//! Both real corpora (209 Flink posts in Hugo form and in Jekyll form): every post loads,
//! every permalink is the real one, and every byte of HTML is clean.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::{corpus, herald, root, stderr, stdout};
use herald::markup::{each_token, Token};

fn real_permalinks(csv: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(csv)
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| {
            let (file, url) = line.split_once(',').unwrap();
            (file.to_string(), url.to_string())
        })
        .collect()
}

fn check_corpus(name: &str) {
    let config = format!("tests/fixtures/{name}.toml");
    let out = herald(&root(), &["--config", &config, "check"]);
    assert!(out.status.success(), "check failed:\n{}", stderr(&out));
    let summary = stdout(&out);
    assert!(summary.starts_with("209 posts, 0 errors, "), "{summary}");

    // `entries` at the default level prints nothing on stderr: the four warnings are shown
    // by `check` (and -v), and the HTML parser's own notes never reach the user.
    let out = herald(&root(), &["--config", &config, "entries", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "entries printed to stderr");
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(entries.len(), 209);
    let real = real_permalinks(&corpus().join(format!("{name}-permalinks.csv")));
    assert_eq!(real.len(), 209, "the CSV lists every post");
    let mut matched = HashSet::new();
    let mut wrong = Vec::new();
    for entry in &entries {
        let source = entry["source"].as_str().unwrap();
        let file = Path::new(source).file_name().unwrap().to_str().unwrap();
        let permalink = entry["permalink"].as_str().unwrap();
        if real.get(file).map(String::as_str) == Some(permalink) {
            matched.insert(file.to_string());
        } else {
            wrong.push(format!("{file}: {permalink} (real: {:?})", real.get(file)));
        }
        for field in ["summary_html", "content_html"] {
            let html = entry[field].as_str().unwrap();
            assert_clean_html(html, &format!("{file} {field}"));
        }
        assert_clean_text(entry["title"].as_str().unwrap(), file);
    }
    assert!(wrong.is_empty(), "wrong permalinks:\n{}", wrong.join("\n"));
    assert_eq!(matched.len(), real.len(), "every post of the CSV, once");
}

fn assert_clean_text(text: &str, what: &str) {
    assert!(
        !text
            .chars()
            .any(|c| (c < ' ' && !"\t\n\r".contains(c)) || c == '\u{fffe}' || c == '\u{ffff}'),
        "{what}: a character XML forbids"
    );
}

fn assert_clean_html(html: &str, what: &str) {
    assert_clean_text(html, what);
    let (prose, tags) = read(html);
    for tag in ["{{<", "{{%", "{%", "%}", ">}}", "{{ site", "{{site", "{:"] {
        assert!(!prose.contains(tag), "{what}: unexpanded `{tag}`");
    }
    for (element, attributes) in tags {
        assert!(
            !["script", "style", "iframe", "object", "embed", "form"].contains(&element.as_str()),
            "{what}: <{element}> survived sanitising"
        );
        for (name, value) in attributes {
            assert!(
                name != "style" && name != "class" && !name.starts_with("on"),
                "{what}: {name}= on <{element}> survived sanitising"
            );
            // Every URL is absolute http(s) or mailto, which also rules out javascript:,
            // vbscript: and data:.
            if matches!(name.as_str(), "href" | "src" | "srcset") {
                assert!(
                    value.starts_with("https://")
                        || value.starts_with("http://")
                        || value.starts_with("mailto:"),
                    "{what}: relative URL {}",
                    &value[..value.len().min(80)]
                );
            }
        }
    }
}

/// The text outside `<pre>` and `<code>` (decoded, so `&lt;` counts as `<`) and every start
/// tag with its attributes, read by herald's one HTML tokenizer.
#[allow(clippy::type_complexity, reason = "a test's own shape")]
fn read(html: &str) -> (String, Vec<(String, Vec<(String, String)>)>) {
    let mut prose = String::new();
    let mut tags = Vec::new();
    let mut in_code = 0usize;
    each_token(html, |token| match token {
        Token::Start(tag) => {
            if matches!(tag.name, "pre" | "code") {
                in_code += 1;
            }
            let attributes = tag
                .attrs()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            tags.push((tag.name.to_string(), attributes));
        }
        Token::End(name) => {
            if matches!(name, "pre" | "code") {
                in_code = in_code.saturating_sub(1);
            }
        }
        Token::Text(text) if in_code == 0 => prose.push_str(text),
        Token::Text(_) => {}
    });
    (prose, tags)
}

#[test]
fn flink_hugo_corpus_loads_with_real_permalinks_and_clean_html() {
    check_corpus("flink-hugo");
}

#[test]
fn flink_jekyll_corpus_loads_with_real_permalinks_and_clean_html() {
    check_corpus("flink-jekyll");
}

#[test]
fn the_streaming_post_renders_its_docs_links_outside_code() {
    // An indented `{{< / highlight >}}` once left an indented fence open: 110 lines of
    // prose and three `{{< param DocsBaseUrl >}}` links went into one <pre>.
    let out = herald(
        &root(),
        &[
            "--config",
            "tests/fixtures/flink-hugo.toml",
            "entries",
            "--json",
        ],
    );
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let post = entries
        .iter()
        .find(|e| {
            e["source"]
                .as_str()
                .unwrap()
                .ends_with("2015-02-09-streaming-example.md")
        })
        .unwrap();
    let html = post["content_html"].as_str().unwrap();
    let (prose, tags) = read(html);
    let docs_links = tags
        .iter()
        .filter(|(name, attrs)| {
            name == "a"
                && attrs.iter().any(|(k, v)| {
                    k == "href"
                        && v.starts_with("https://nightlies.apache.org/flink/flink-docs-master/")
                })
        })
        .count();
    let source =
        std::fs::read_to_string(corpus().join("flink-hugo/2015-02-09-streaming-example.md"))
            .unwrap();
    let written = source.matches("{{< param DocsBaseUrl >}}").count();
    assert_eq!(written, 6);
    assert_eq!(
        docs_links, written,
        "every DocsBaseUrl link is a link: {html}"
    );
    assert!(
        prose.contains("Flink, of course, has support for reading in streams"),
        "prose outside code"
    );
}

#[test]
fn html_checker_catches_what_it_looks_for() {
    let caught =
        |html: &str| std::panic::catch_unwind(|| assert_clean_html(html, "probe")).is_err();
    assert!(caught("<a href=\"/x\">x</a>"));
    assert!(caught("<p>{{< param X >}}</p>"));
    assert!(caught("<img src=\"https://x/\" onerror=\"y\">"));
    assert!(caught("<p class=\"x\">y</p>"));
    assert!(caught("<a href=\"javascript:alert(1)\">x</a>"));
    assert!(caught("<p>{{&lt; param X &gt;}}</p>"));
    assert!(caught("<img src=\"data:image/png;base64,x\">"));
    assert!(caught("<p><script>x</script></p>"));
    assert!(!caught(
        "<pre><code>{% raw %}</code></pre><a href=\"https://x/\">x</a>"
    ));
}
