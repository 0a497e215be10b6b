//! Both real corpora (209 Flink posts in Hugo form and in Jekyll form): every post loads,
//! every permalink is the real one, and every byte of HTML is clean.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::{corpus, herald, root, stderr, stdout};

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
            assert_clean_html(entry[field].as_str().unwrap(), &format!("{file} {field}"));
        }
        assert_clean_text(entry["title"].as_str().unwrap(), file);
    }
    assert!(wrong.is_empty(), "wrong permalinks:\n{}", wrong.join("\n"));
    assert_eq!(matched.len(), real.len(), "every post of the CSV, once");
}

/// Removes `<pre>…</pre>` and `<code>…</code>` so only prose is left.
fn outside_code(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    loop {
        let next = ["<pre", "<code"]
            .iter()
            .filter_map(|t| rest.find(t).map(|i| (i, *t)))
            .min();
        let Some((at, tag)) = next else { break };
        out.push_str(&rest[..at]);
        let close = if tag == "<pre" { "</pre>" } else { "</code>" };
        match rest[at..].find(close) {
            Some(end) => rest = &rest[at + end + close.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
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
    let prose = outside_code(html);
    for tag in ["{{<", "{{%", "{%", "%}", ">}}", "{{ site", "{{site", "{:"] {
        assert!(!prose.contains(tag), "{what}: unexpanded `{tag}`");
    }
    for (element, attributes) in tags(html) {
        assert!(
            !["script", "style", "iframe", "object", "embed", "form"].contains(&element.as_str()),
            "{what}: <{element}> survived sanitising"
        );
        for attr in attributes {
            assert!(
                attr != "style" && attr != "class" && !attr.starts_with("on"),
                "{what}: {attr}= on <{element}> survived sanitising"
            );
        }
    }
    // Every URL is absolute http(s) or mailto, which also rules out javascript:, vbscript:, data:.
    for attr in [" href=\"", " src=\"", " srcset=\""] {
        for (at, _) in html.match_indices(attr) {
            let value = &html[at + attr.len()..];
            assert!(
                value.starts_with("https://")
                    || value.starts_with("http://")
                    || value.starts_with("mailto:"),
                "{what}: relative URL {}",
                &value[..value.find('"').unwrap_or(value.len()).min(80)]
            );
        }
    }
}

/// Every tag's element name and attribute names. Serialised HTML escapes `<` in text, so
/// each `<` starts a tag; attribute values are double-quoted.
fn tags(html: &str) -> Vec<(String, Vec<String>)> {
    html.split('<')
        .skip(1)
        .filter(|t| !t.starts_with('/'))
        .map(|tag| {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            let name = tag
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let mut attributes = Vec::new();
            for (i, part) in tag.split('"').enumerate() {
                if i % 2 == 0 {
                    for word in part.split_whitespace().filter(|w| w.ends_with('=')) {
                        attributes.push(word.trim_end_matches('=').to_ascii_lowercase());
                    }
                }
            }
            (name, attributes)
        })
        .collect()
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
fn html_checker_catches_what_it_looks_for() {
    let caught =
        |html: &str| std::panic::catch_unwind(|| assert_clean_html(html, "probe")).is_err();
    assert!(caught("<a href=\"/x\">x</a>"));
    assert!(caught("<p>{{< param X >}}</p>"));
    assert!(caught("<img src=\"https://x/\" onerror=\"y\">"));
    assert!(caught("<p class=\"x\">y</p>"));
    assert!(caught("<a href=\"javascript:alert(1)\">x</a>"));
    assert!(!caught(
        "<pre><code>{% raw %}</code></pre><a href=\"https://x/\">x</a>"
    ));
}
