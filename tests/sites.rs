//! `--site`: Hugo, Jekyll and Zola sites read as their generators read them. Each site's
//! expected URLs and dates are the generator's own: fixture sites written for these tests
//! (their truth made by Debian's `hugo` and `jekyll`; Zola's from its documented rules, as
//! Debian has no Zola) and subsets of three real blogs with the rows of their generators'
//! truth (tests/corpus/sites, see NOTICE).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::DateTime;
use common::{herald, root, stderr, stdout};

const NOW: &str = "2026-11-25T12:00:00Z";

/// Rows of a truth CSV: source → (url, date). Handles quoted fields.
fn truth(path: &Path) -> BTreeMap<String, (String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut rows = Vec::new();
    let (mut field, mut row, mut quoted) = (String::new(), Vec::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows.into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), (r[1].clone(), r[2].clone())))
        .collect()
}

/// Compares `entries --json` of the site at `site` with its truth: every post, no other,
/// the same URL and the same instant.
fn assert_matches_truth(site: &Path, truth_file: &Path) {
    let truth = truth(truth_file);
    assert!(!truth.is_empty(), "{}", truth_file.display());
    let out = herald(
        &root(),
        &[
            "--site",
            site.to_str().unwrap(),
            "--now",
            NOW,
            "entries",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut found = BTreeMap::new();
    for entry in &entries {
        let source = Path::new(entry["source"].as_str().unwrap())
            .strip_prefix(site)
            .unwrap()
            .display()
            .to_string();
        found.insert(
            source,
            (
                entry["permalink"].as_str().unwrap().to_string(),
                entry["published"].as_str().unwrap().to_string(),
            ),
        );
    }
    let mut wrong = Vec::new();
    for (source, (url, date)) in &truth {
        match found.get(source) {
            None => wrong.push(format!("{source}: missing")),
            Some((got_url, got_date)) => {
                let same_time = DateTime::parse_from_rfc3339(got_date).unwrap()
                    == DateTime::parse_from_rfc3339(date).unwrap();
                if got_url != url || !same_time {
                    wrong.push(format!(
                        "{source}: {got_url} {got_date}, truth {url} {date}"
                    ));
                }
            }
        }
    }
    for source in found.keys().filter(|s| !truth.contains_key(*s)) {
        wrong.push(format!(
            "{source}: published by herald, not by the generator"
        ));
    }
    assert!(
        wrong.is_empty(),
        "{}:\n{}",
        site.display(),
        wrong.join("\n")
    );
}

#[test]
fn fixture_sites_get_their_generators_urls_and_dates() {
    let sites = root().join("tests/fixtures/sites");
    // hugo-multi: translations by suffix, uglyURLs, a relative and a root `url`,
    // config/production's permalinks (truth from Hugo 0.111).
    // hugo-subdir: the default language in its own folder, weights, a disabled language
    // whose pages are not published.
    // hugo-multihost: each language on its own host (per-language baseURL).
    for name in [
        "hugo",
        "jekyll",
        "zola",
        "hugo-multi",
        "hugo-subdir",
        "hugo-multihost",
    ] {
        assert_matches_truth(&sites.join(name), &sites.join(format!("{name}-truth.csv")));
    }
}

#[test]
fn real_blogs_get_their_generators_urls_and_dates() {
    let sites = root().join("tests/corpus/sites");
    for name in [
        "hugo-linkerd",
        "jekyll-cordova",
        "zola-rust-osdev",
        // Multilingual Hugo: per-language contentDir (cloudwego); a top-level contentDir
        // for the default language and a base URL given in herald.toml (jx).
        "hugo-cloudwego",
        "hugo-jx",
        // Jekyll's `collections: posts: permalink:` and a time zone that moves the day.
        "jekyll-jekyll",
        // A second Jekyll collection read as posts (`collections` in herald.toml), with
        // its permalink from `defaults` scoped by its type.
        "jekyll-crystal",
        // Zola pages dated only by their `path`, two feed sections.
        "zola-rust-blog",
        // Zola's slugs of a non-ASCII folder name.
        "zola-mnt-io",
        // Hugo: `url` without a trailing slash and a base URL given in herald.toml (flux);
        // dates only in `published:` and a second language (vitess); Chinese as the default
        // language and folder names with `&` and `|` (sofa); Docsy's content/en (grpc).
        "hugo-flux",
        "hugo-vitess",
        "hugo-sofa",
        "hugo-grpc",
        // Jekyll `defaults`: a permalink for `type: posts` without a leading slash (brew),
        // over `permalink: none` (elixir); a front-matter permalink without a slash
        // (neovim); `post_url` to a post in a year folder (twbs).
        "jekyll-brew",
        "jekyll-elixir",
        "jekyll-neovim",
        "jekyll-twbs",
        // Zola: offsets that move the UTC day, milliseconds.
        "zola-pierrezemb",
        // Multilingual Zola: `page.es.md` translations under `/es/`, a base URL with a
        // path.
        "zola-devlog",
    ] {
        assert_matches_truth(&sites.join(name), &sites.join(format!("{name}-truth.csv")));
    }
}

/// A copy of a site to write into.
fn copy(site: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("cp")
        .args([
            "-r",
            &format!("{}/.", site.display()),
            dir.path().to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

#[test]
fn init_maps_the_site_and_a_dry_run_works_with_what_it_wrote() {
    for name in [
        "fixtures/sites/hugo",
        "fixtures/sites/jekyll",
        "corpus/sites/zola-rust-osdev",
    ] {
        let site = copy(&root().join("tests").join(name));
        let init = herald(site.path(), &["--now", NOW, "init"]);
        assert!(init.status.success(), "{name}: {}", stderr(&init));
        let printed = stdout(&init);
        assert!(printed.contains(" site; posts in "), "{printed}");
        assert!(
            printed.contains("→ base_url = https://"),
            "{name}: {printed}"
        );
        assert!(site.path().join("herald.toml").is_file());
        let check = herald(site.path(), &["--site", ".", "--now", NOW, "check"]);
        assert!(check.status.success(), "{name}: {}", stderr(&check));
        let run = herald(
            site.path(),
            &["--site", ".", "--now", NOW, "run", "--dry-run"],
        );
        assert!(run.status.success(), "{name}: {}", stderr(&run));
        assert!(site.path().join("public/atom.xml").is_file());
        // A second init leaves the maintainer's herald.toml alone.
        let again = herald(site.path(), &["init"]);
        assert!(stdout(&again).contains("herald.toml exists: left as it is"));
    }
}

#[test]
fn herald_toml_overrides_what_the_site_says() {
    let site = copy(&root().join("tests/fixtures/sites/hugo"));
    std::fs::write(
        site.path().join("herald.toml"),
        "title = \"Overridden\"\n\n[feeds]\nlimit = 2\n",
    )
    .unwrap();
    let out = herald(site.path(), &["--site", ".", "--now", NOW, "build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let atom = std::fs::read_to_string(site.path().join("public/atom.xml")).unwrap();
    assert!(atom.contains("<title>Overridden</title>"), "{atom}");
    assert_eq!(atom.matches("<entry>").count(), 2);
    // A typo in herald.toml is an error on its line.
    std::fs::write(site.path().join("herald.toml"), "[feeds]\nlimt = 2\n").unwrap();
    let out = herald(site.path(), &["--site", ".", "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("herald.toml:2: error: unknown field `limt`")
            || stderr(&out).contains("/herald.toml:2: error: unknown field `limt`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn in_a_sites_root_every_command_finds_the_site_without_site() {
    // As `hugo`, `zola` and `jekyll` find their site where they are run, so does herald: the
    // README's cron line (`cd /srv/blog && herald run`) has no `--site`.
    for name in ["hugo", "zola", "jekyll"] {
        let site = copy(&root().join("tests/fixtures/sites").join(name));
        let with = herald(
            site.path(),
            &["--site", ".", "--now", NOW, "entries", "--json"],
        );
        let without = herald(site.path(), &["--now", NOW, "entries", "--json"]);
        assert!(with.status.success(), "{name}: {}", stderr(&with));
        assert!(without.status.success(), "{name}: {}", stderr(&without));
        assert_eq!(stdout(&with), stdout(&without), "{name}");
        assert!(stdout(&without).contains("\"permalink\""), "{name}");
        // init, check and build count the same posts.
        let counts: Vec<String> = [vec!["init"], vec!["check"], vec!["build"]]
            .iter()
            .map(|args| {
                let mut all = vec!["--now", NOW];
                all.extend(args);
                let out = herald(site.path(), &all);
                let text = stdout(&out);
                // The number before the first " posts" that follows a number.
                let at = text
                    .match_indices(" posts")
                    .map(|(at, _)| at)
                    .find(|&at| text[..at].ends_with(|c: char| c.is_ascii_digit()))
                    .unwrap_or_else(|| panic!("{name} {args:?}: {text}"));
                text[..at].rsplit([' ', '(']).next().unwrap().to_string()
            })
            .collect();
        assert!(counts.iter().all(|c| c == &counts[0]), "{name}: {counts:?}");
    }
    // A Zola config.toml with a key herald does not know is still the site's, and a herald
    // config.toml with a typo is still herald's (its line reported), never taken for a site.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "base_url = 'https://x.org'\nlimt = 5\n",
    )
    .unwrap();
    let out = herald(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("config.toml:2: error: unknown field `limt`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unknown_permalink_token_is_an_error_not_url_text() {
    let site = copy(&root().join("tests/fixtures/sites/hugo"));
    std::fs::write(
        site.path().join("config/_default/permalinks.yaml"),
        "page:\n  news: /:year/:sectionname/:slug/\n",
    )
    .unwrap();
    let out = herald(site.path(), &["--site", ".", "--now", NOW, "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: the permalink pattern \"/:year/:sectionname/:slug/\" has a token Hugo does not know: `:sectionname`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_second_blog_in_the_site_gets_its_own_feeds_at_its_path() {
    let site = copy(&root().join("tests/fixtures/sites/zola"));
    let out = herald(
        site.path(),
        &["--site", ".", "--now", NOW, "entries", "--json"],
    );
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let blog_of =
        |title: &str| entries.iter().find(|e| e["title"] == title).unwrap()["blog"].clone();
    assert_eq!(blog_of("Compiler news"), "inside-rust");
    assert_eq!(
        blog_of("First post"),
        serde_json::Value::Null,
        "the main blog is unnamed"
    );
    let built = herald(site.path(), &["--site", ".", "--now", NOW, "build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let main = std::fs::read_to_string(site.path().join("public/atom.xml")).unwrap();
    let inner = std::fs::read_to_string(site.path().join("public/inside-rust/atom.xml")).unwrap();
    assert!(main.contains("First post") && !main.contains("Compiler news"));
    assert!(inner.contains("Compiler news") && !inner.contains("First post"));
    assert!(
        inner.contains("href=\"https://zola.example.org/inside-rust/atom.xml\" rel=\"self\""),
        "{inner}"
    );

    // In Hugo, herald.toml names the sections that are blogs of their own.
    let site = copy(&root().join("tests/fixtures/sites/hugo"));
    std::fs::create_dir_all(site.path().join("content/inside")).unwrap();
    std::fs::write(
        site.path().join("content/inside/post.md"),
        "---\ntitle: Inside post\ndate: 2024-05-01\n---\nx\n",
    )
    .unwrap();
    std::fs::write(site.path().join("herald.toml"), "blogs = [\"inside\"]\n").unwrap();
    let built = herald(site.path(), &["--site", ".", "--now", NOW, "build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let inner = std::fs::read_to_string(site.path().join("public/inside/rss.xml")).unwrap();
    assert!(inner.contains("Inside post"));
    let main = std::fs::read_to_string(site.path().join("public/rss.xml")).unwrap();
    assert!(!main.contains("Inside post") && main.contains("A bundle"));
}

#[test]
fn what_the_generators_accept_herald_accepts() {
    let site = copy(&root().join("tests/fixtures/sites/jekyll"));
    std::fs::write(
        site.path().join("_posts/2024-06-07-bad-date.md"),
        "---\ntitle: Bad date\ndate: next tuesday\n---\nx\n",
    )
    .unwrap();
    let check = herald(site.path(), &["--site", ".", "--now", NOW, "check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stderr(&check).contains(
            "_posts/2024-06-07-bad-date.md:3: warning: cannot read `date: next tuesday` as a date"
        ) && stderr(&check).contains("the date in the file name is used"),
        "{}",
        stderr(&check)
    );
    let hugo = copy(&root().join("tests/fixtures/sites/hugo"));
    std::fs::write(
        hugo.path().join("content/news/dashes.md"),
        "------\ntitle: Six dashes\ndate: 2024-05-05\n------\nBody.\n",
    )
    .unwrap();
    let out = herald(
        hugo.path(),
        &["--site", ".", "--now", NOW, "entries", "--json"],
    );
    assert!(
        stdout(&out).contains("https://hugo.example.org/site/2024/05/six-dashes/"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn init_never_lets_herald_overwrite_the_sites_own_feed() {
    // rust-osdev's Zola config has `feed_filenames = ["rss.xml"]`: herald's default
    // public/rss.xml would be the same file.
    let site = copy(&root().join("tests/corpus/sites/zola-rust-osdev"));
    let out = herald(site.path(), &["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("rss.xml: herald's feed would overwrite the zola site's own feed"),
        "{}",
        stderr(&out)
    );
    let written = std::fs::read_to_string(site.path().join("herald.toml")).unwrap();
    assert!(
        written.contains("rss_file = \"herald-rss.xml\""),
        "{written}"
    );
    let again = herald(site.path(), &["init"]);
    assert!(!stderr(&again).contains("overwrite"), "{}", stderr(&again));
}

#[test]
fn a_setting_herald_does_not_honour_is_a_warning_on_its_line() {
    // Each setting changes which pages are posts, or their URLs: herald says it does not
    // read it, in `init` and in `check`, with the file and line.
    let cases = [
        (
            "hugo",
            "hugo.toml",
            "ignoreFiles = ['\\.draft\\.md$']\n",
            1,
            "ignoreFiles",
        ),
        (
            "jekyll",
            "_config.yml",
            "collections:\n  releases:\n    output: true\n",
            // The line of the collection's own key.
            2,
            "collections.releases",
        ),
        (
            "zola",
            "config.toml",
            "ignored_content = ['*.draft.md']\n",
            1,
            "ignored_content",
        ),
    ];
    for (name, file, added, line, key) in cases {
        let site = copy(&root().join("tests/fixtures/sites").join(name));
        let path = site.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        // At the top, where a top-level key belongs in every format.
        std::fs::write(&path, format!("{added}{text}")).unwrap();
        for command in ["check", "init"] {
            let out = herald(site.path(), &["--now", NOW, command]);
            let err = stderr(&out);
            assert!(
                err.contains(&format!("{file}:{line}: warning: not used: {key}: ")),
                "{name} {command}: {err}"
            );
        }
    }
}

#[test]
fn pages_and_no_post_is_a_warning_that_says_why() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("config.toml"),
        "base_url = 'https://x.org'\ncompile_sass = false\n",
    )
    .unwrap();
    std::fs::create_dir_all(site.path().join("content/blog")).unwrap();
    std::fs::write(
        site.path().join("content/blog/a.md"),
        "+++\ntitle = 'A'\n+++\nNo date anywhere.\n",
    )
    .unwrap();
    let out = herald(site.path(), &["--now", NOW, "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("warning: 1 pages and no post: a Zola page is a post when it has a `date`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_post_in_markup_herald_does_not_read_is_a_warning() {
    // Jekyll publishes `_posts/*.html` (and AsciiDoc through a plugin); herald reads
    // Markdown only, and says so rather than leaving the post out in silence.
    let site = copy(&root().join("tests/fixtures/sites/jekyll"));
    let post = site.path().join("_posts/2024-02-02-written-in-html.html");
    std::fs::write(&post, "---\ntitle: In HTML\n---\n<p>Hello</p>\n").unwrap();
    let out = herald(site.path(), &["--now", NOW, "check"]);
    assert!(
        stderr(&out)
            .contains("2024-02-02-written-in-html.html: warning: a post herald does not read"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn each_language_is_a_blog_with_its_feeds_at_its_prefix() {
    let site = copy(&root().join("tests/fixtures/sites/hugo-multi"));
    let out = herald(site.path(), &["--now", NOW, "build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let main = std::fs::read_to_string(site.path().join("public/rss.xml")).unwrap();
    let french = std::fs::read_to_string(site.path().join("public/fr/rss.xml")).unwrap();
    // The main feed holds the default language's posts, the French one the French posts,
    // under that language's own title.
    assert!(main.contains("<title>Multi</title>"), "{main}");
    assert!(
        main.contains("2024/hello.html") && !main.contains("bonjour"),
        "{main}"
    );
    assert!(
        french.contains("<title>Multi en français</title>"),
        "{french}"
    );
    assert!(
        french.contains("fr/2024/bonjour.html") && !french.contains("2024/hello.html"),
        "{french}"
    );
    // The digest lists the default language's posts only.
    let digest = herald(
        site.path(),
        &[
            "--now", NOW, "digest", "--week", "2024-W01", "--out", "digest",
        ],
    );
    assert!(digest.status.success(), "{}", stderr(&digest));
    let text = std::fs::read_dir(site.path().join("digest"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .collect::<String>();
    assert!(
        text.contains("Hello") && !text.contains("Bonjour"),
        "{text}"
    );
}
