//! The weekly digest: the right posts, a message a real email parser accepts, templates.

mod common;

use std::path::Path;

use common::{herald, root, run_python, stderr, stdout};

/// Runs `digest` for `week` into a temp dir; returns the dir and stdout.
fn digest(site: &Path, args: &[&str], week: &str) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let mut all = args.to_vec();
    all.extend([
        "digest",
        "--week",
        week,
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let run = herald(site, &all);
    assert!(run.status.success(), "digest failed: {}", stderr(&run));
    (out, stdout(&run))
}

/// Checks a .eml with Python's email parser; returns its JSON summary.
fn check_eml(path: &Path) -> serde_json::Value {
    let report = run_python("check_eml.py", &[path.as_os_str()]);
    serde_json::from_str(report.lines().last().unwrap()).unwrap()
}

#[test]
fn week_36_holds_exactly_its_two_posts_newest_first() {
    let (out, printed) = digest(&root(), &[], "2020-W36");
    assert_eq!(
        printed.lines().next().unwrap(),
        "2020-W36: 2 posts: Apache Flink Blog weekly digest: 31 August – 6 September 2020"
    );
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "digest-2020-W36.eml",
            "digest-2020-W36.html",
            "digest-2020-W36.txt"
        ]
    );

    let text = std::fs::read_to_string(out.path().join("digest-2020-W36.txt")).unwrap();
    let seed = text
        .find("\n\nFlink Community Update - August'20\n")
        .expect("the seed post");
    let memory = text
        .find("\n\nMemory Management improvements for Flink’s JobManager")
        .expect("the memory post");
    assert!(seed < memory, "newest first");
    assert_eq!(
        text.matches("\nRead it:").count(),
        2,
        "exactly two posts:\n{text}"
    );
    assert!(
        text.lines()
            .all(|l| l.chars().count() <= 72 || l.contains("https://")),
        "{text}"
    );

    let summary = check_eml(&out.path().join("digest-2020-W36.eml"));
    assert_eq!(summary["message_id"], "<2020-W36.digest@flink.apache.org>");
    assert_eq!(
        summary["subject"],
        "Apache Flink Blog weekly digest: 31 August – 6 September 2020"
    );
    assert_eq!(
        summary["parts"],
        serde_json::json!(["text/plain", "text/html"])
    );
    assert_eq!(
        summary["list_headers"],
        serde_json::json!({
            "List-Id": "<community.flink.apache.org>",
            "List-Unsubscribe": "<mailto:community-unsubscribe@flink.apache.org>",
            "List-Archive": "<https://lists.apache.org/list.html?community@flink.apache.org>",
            "List-Post": "<mailto:community@flink.apache.org>",
        })
    );
    assert!(summary["html_bytes"].as_u64().unwrap() < 100_000);
    let html = summary["html"].as_str().unwrap();
    assert!(html.contains("https://flink.apache.org/2020/09/04/flink-community-update-august20/"));
    assert!(html.contains("role=\"presentation\""));
    assert!(html.contains("<meta name=\"color-scheme\" content=\"light dark\">"));
    let text = summary["text"].as_str().unwrap();
    assert!(
        text.contains("Read it: https://flink.apache.org/2020/09/04/"),
        "{text}"
    );
    // Both parts say how to leave; the text part's signature separator is "-- ".
    assert!(text.contains("To leave the list, write to community-unsubscribe@flink.apache.org"));
    assert!(html.contains("write to <a href=\"mailto:community-unsubscribe@flink.apache.org\""));
    assert!(
        text.contains("\r\n-- \r\nApache Flink Blog: https://flink.apache.org/\r\n"),
        "{text}"
    );
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"en-us\""),
        "lang from the config"
    );
    assert!(
        html.contains("<head><meta charset=\"utf-8\">"),
        "the charset first"
    );
    assert!(
        !html.contains("transparent") && !html.contains("opacity"),
        "no hidden text"
    );
    assert!(html.contains("max-width: 600px"), "fluid up to 600 px");
}

#[test]
fn an_https_unsubscribe_gives_one_click_headers() {
    let site = tempfile::tempdir().unwrap();
    let config = std::fs::read_to_string(root().join("config.toml"))
        .unwrap()
        .replace(
            "list_unsubscribe = [\"mailto:community-unsubscribe@flink.apache.org\"]",
            "list_unsubscribe = [\"mailto:community-unsubscribe@flink.apache.org\", \"https://flink.apache.org/unsubscribe?list=community\"]",
        )
        .replace("posts_dir = \"posts\"", &format!("posts_dir = {:?}", root().join("posts")));
    std::fs::write(site.path().join("config.toml"), config).unwrap();
    let (out, _) = digest(site.path(), &[], "2020-W36");
    let summary = check_eml(&out.path().join("digest-2020-W36.eml"));
    assert_eq!(
        summary["list_headers"]["List-Unsubscribe"],
        "<https://flink.apache.org/unsubscribe?list=community>, <mailto:community-unsubscribe@flink.apache.org>"
    );
    let eml = std::fs::read_to_string(out.path().join("digest-2020-W36.eml")).unwrap();
    assert!(eml.contains("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
    let html = summary["html"].as_str().unwrap();
    assert!(
        html.contains("community-unsubscribe@flink.apache.org"),
        "the first URI shown"
    );
}

/// WCAG 2 relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn every_text_colour_is_readable_in_light_and_dark_mode() {
    let template = std::fs::read_to_string(root().join("templates/digest.html.hbs")).unwrap();
    let css = &template[template.find("<style>").unwrap()..template.find("</style>").unwrap()];
    let (light, dark) = css
        .split_once("@media (prefers-color-scheme: dark)")
        .unwrap();
    // Every `color:` (not `background-color:` or `border-top-color:`) and its value.
    let colours = |rules: &str| -> Vec<String> {
        rules
            .match_indices("color:")
            .filter(|(at, _)| !rules[..*at].ends_with('-'))
            .map(|(at, _)| {
                rules[at + 6..]
                    .trim_start()
                    .chars()
                    .take(7)
                    .collect::<String>()
            })
            .filter(|c| c.starts_with('#'))
            .collect()
    };
    let (light_text, dark_text) = (colours(light), colours(dark));
    assert!(
        light_text.len() >= 5 && dark_text.len() >= 3,
        "{light_text:?} {dark_text:?}"
    );
    for colour in &light_text {
        for background in ["#ffffff", "#f4f4f5"] {
            let ratio = contrast(colour, background);
            assert!(
                ratio >= 4.5,
                "light: {colour} on {background} is {ratio:.2}:1"
            );
        }
    }
    for colour in &dark_text {
        for background in ["#161b22", "#0d1117"] {
            let ratio = contrast(colour, background);
            assert!(
                ratio >= 4.5,
                "dark: {colour} on {background} is {ratio:.2}:1"
            );
        }
    }
    // The check can fail: the old dark footer grey on the dark card.
    assert!(contrast("#57606a", "#161b22") < 4.5);
}

#[test]
fn the_same_week_gives_the_same_message() {
    let now = ["--now", "2020-09-07T09:00:00Z"];
    let (a, _) = digest(&root(), &now, "last");
    let (b, _) = digest(&root(), &now, "2020-W36");
    let read = |d: &Path| std::fs::read(d.join("digest-2020-W36.eml")).unwrap();
    assert_eq!(read(a.path()), read(b.path()));
}

#[test]
fn an_empty_week_writes_nothing() {
    let (out, printed) = digest(&root(), &[], "2020-W33");
    assert_eq!(printed, "no posts in 2020-W33: nothing to send\n");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn the_checker_catches_what_it_looks_for() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.eml");
    std::fs::write(
        &bad,
        "From: a@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<a href=\"/rel\" onclick=\"x()\">x</a><script>1</script>\r\n",
    )
    .unwrap();
    let out = std::process::Command::new(common::python())
        .arg(root().join("tests/py/check_eml.py"))
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let report = stdout(&out);
    for want in [
        "missing header To",
        "missing header Date",
        "not multipart/alternative",
        "onclick",
        "<script>",
        "'/rel'",
    ] {
        assert!(report.contains(want), "{want} not reported:\n{report}");
    }
}

#[test]
fn snapshots_of_a_fixture_week() {
    let site = root().join("tests/fixtures/small");
    let (out, _) = digest(&site, &[], "2024-W09");
    let html = std::fs::read_to_string(out.path().join("digest-2024-W09.html")).unwrap();
    let text = std::fs::read_to_string(out.path().join("digest-2024-W09.txt")).unwrap();
    insta::assert_snapshot!("small_digest_html", html);
    insta::assert_snapshot!("small_digest_text", text);
    check_eml(&out.path().join("digest-2024-W09.eml"));
}

#[test]
fn a_template_in_the_templates_directory_overrides_the_built_in_one() {
    let small = root().join("tests/fixtures/small");
    let site = common::copy_site(&small.join("config.toml"), &small.join("posts"));
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/digest.txt.hbs"),
        "{{#each entries}}* {{title}} {{permalink}}\n{{/each}}",
    )
    .unwrap();
    let (out, _) = digest(site.path(), &[], "2024-W09");
    let text = std::fs::read_to_string(out.path().join("digest-2024-W09.txt")).unwrap();
    // Long only because of its closing URL: one line, the URL whole with its label.
    assert_eq!(
        text,
        "* Hello, world & friends https://blog.example.org/2024/03/hello-world-friends/\n"
    );
    // The HTML template was not overridden.
    let html = std::fs::read_to_string(out.path().join("digest-2024-W09.html")).unwrap();
    assert!(html.contains("role=\"presentation\""));

    // A template that uses an unknown field fails in strict mode, naming the template.
    std::fs::write(
        site.path().join("templates/digest.txt.hbs"),
        "{{no_such_field}}",
    )
    .unwrap();
    let run = herald(
        site.path(),
        &[
            "digest",
            "--week",
            "2024-W09",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(!run.status.success());
    assert!(
        stderr(&run).contains("failed to render digest.txt.hbs"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn the_busiest_corpus_week_lists_every_post_within_the_size_bound() {
    let (out, printed) = digest(
        &root(),
        &["--config", "tests/fixtures/flink-hugo.toml"],
        "2022-W28",
    );
    assert!(printed.starts_with("2022-W28: 3 posts:"), "{printed}");
    let summary = check_eml(&out.path().join("digest-2022-W28.eml"));
    assert!(summary["html_bytes"].as_u64().unwrap() < 100_000);
    let html = summary["html"].as_str().unwrap();
    assert_eq!(html.matches("Read “").count(), 3);
}

#[test]
fn summaries_are_shortened_before_any_post_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let config = std::fs::read_to_string(root().join("tests/fixtures/flink-hugo.toml")).unwrap();
    let config = config.replace(
        "../corpus/flink-hugo",
        &common::corpus().join("flink-hugo").to_string_lossy(),
    );
    std::fs::write(dir.path().join("config.toml"), &config).unwrap();
    let (out, _) = digest(dir.path(), &[], "2022-W28");
    let full = std::fs::read_to_string(out.path().join("digest-2022-W28.html"))
        .unwrap()
        .len();
    // A bound a little under the full size forces shorter summaries.
    let bound = full - 300;
    std::fs::write(
        dir.path().join("config.toml"),
        format!("{config}\n[digest]\nmax_html_bytes = {bound}\n"),
    )
    .unwrap();
    let (out, _) = digest(dir.path(), &[], "2022-W28");
    let html = std::fs::read_to_string(out.path().join("digest-2022-W28.html")).unwrap();
    assert!(html.len() <= bound, "{} bytes, bound {bound}", html.len());
    assert_eq!(html.matches("Read “").count(), 3, "no post was dropped");
    assert!(html.contains('…'), "summaries were shortened");
}

#[test]
fn spamassassin_scores_the_digest_at_or_below_zero() {
    let (out, _) = digest(&root(), &[], "2020-W36");
    let eml = std::fs::read(out.path().join("digest-2020-W36.eml")).unwrap();
    let (score, details) = common::spam_score(&eml);
    assert!(score <= 0.0, "score {score}:{details}");
    for rule in [
        "HTML_FONT_LOW_CONTRAST",
        "HTML_IMAGE_ONLY",
        "MIME_HTML_ONLY",
        "HTML_SHORT_LINK_IMG",
    ] {
        assert!(!details.contains(rule), "{rule}:{details}");
    }
}

#[test]
fn the_text_part_keeps_every_link_list_item_and_table_cell_of_the_summaries() {
    let site = root().join("tests/fixtures/rich");
    let (out, _) = digest(&site, &[], "2024-W10");
    let html = std::fs::read_to_string(out.path().join("digest-2024-W10.html")).unwrap();
    let text = std::fs::read_to_string(out.path().join("digest-2024-W10.txt")).unwrap();
    // Every link in a summary (found in the HTML part) is written out in the text part.
    let summaries: Vec<&str> = html
        .split("class=\"summary\"")
        .skip(1)
        .map(|s| s.split("</div>").next().unwrap())
        .collect();
    assert_eq!(summaries.len(), 2, "{html}");
    let mut links = 0;
    for summary in summaries {
        for href in summary.split("href=\"").skip(1) {
            let href = href.split('"').next().unwrap().replace("&amp;", "&");
            assert!(
                text.contains(&href),
                "{href} is missing from the text part:\n{text}"
            );
            links += 1;
        }
    }
    assert_eq!(links, 5, "{html}");
    // List items stay lines of their own; table cells stay apart.
    for item in ["smaller binaries", "a new `check` command"] {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with('*') && l.contains(item)),
            "{item} is not a list item:\n{text}"
        );
    }
    assert!(!text.contains("android24"), "{text}");
    assert!(!text.contains("platformminSdkVersion"), "{text}");
    let row = text
        .lines()
        .find(|l| l.contains("ios"))
        .expect("the ios row");
    assert!(row.contains("13") && row.contains("17"), "{row}");
    // 72 columns, but for a line holding a URL.
    for line in text.lines() {
        assert!(
            line.chars().count() <= 72 || line.contains("://"),
            "{line:?}"
        );
    }
}

#[test]
fn a_week_with_a_wide_table_a_long_code_block_and_a_wide_image_fits_a_phone() {
    let site = root().join("tests/fixtures/rich");
    let (out, _) = digest(&site, &[], "2024-W10");
    let page = out.path().join("digest-2024-W10.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // The summary stops before the table, and says so; the image stays, scaled.
    assert!(html.contains("The post goes on with a table"), "{html}");
    assert!(html.contains("<img"), "{html}");
    // Chromium at 375 px, every image made 1,200 px wide, with and without <style>.
    let report = run_python("page_width.py", &[page.as_os_str()]);
    let widths: serde_json::Value = serde_json::from_str(report.lines().last().unwrap()).unwrap();
    for kind in ["styled", "unstyled"] {
        let width = widths[kind].as_u64().unwrap();
        assert!(width <= 375, "{kind}: {width} px wide at 375 px: {report}");
    }
}
