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
            "posts/lastmod.md:5: error: ",
        ),
        // Year 9999 in UTC, 10000 in the site's zone (Europe/Berlin), where herald's own
        // posts' dates are written.
        (
            "late.md",
            b"---\ntitle: x\ndate: 2020-09-02\nlastmod: 9999-12-31T23:30:00Z\n---\nx\n",
            "posts/late.md:4: error: ",
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
                err.lines().any(|l| l.starts_with(want)
                    && l.contains("outside the years 0001 to 9999 that RSS and Atom can write")),
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

/// Makes a FIFO at `path` (with the system's `mkfifo`).
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

#[test]
fn a_fifo_named_like_a_post_or_a_config_file_is_skipped_never_opened() {
    let site = site_with(&[("2020-09-01-good.md", GOOD)]);
    mkfifo(&site.path().join("posts/2020-09-02-fifo.md"));
    let out = herald(site.path(), &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("posts/2020-09-02-fifo.md: warning: a FIFO, not a file: skipped"),
        "{err}"
    );
    assert_eq!(stdout(&out), "1 posts, 0 errors, 1 warnings\n");

    // A Zola site whose herald.toml and a section's _index.md are FIFOs.
    let zola = zola_site(None);
    mkfifo(&zola.path().join("content/blog/_index.md"));
    mkfifo(&zola.path().join("herald.toml"));
    let out = herald(zola.path(), &["--site", ".", "check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("herald.toml") && err.contains("a FIFO, not a file"),
        "{err}"
    );
    std::fs::remove_file(zola.path().join("herald.toml")).unwrap();
    let out = herald(zola.path(), &["--site", ".", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "1 posts, 0 errors, 1 warnings\n");
}

/// A Zola site with one post in `content/blog`, and that section's `_index.md` if given.
fn zola_site(index: Option<&str>) -> tempfile::TempDir {
    let zola = tempfile::tempdir().unwrap();
    let blog = zola.path().join("content/blog");
    std::fs::create_dir_all(&blog).unwrap();
    std::fs::write(
        zola.path().join("config.toml"),
        "base_url = \"https://example.org\"\ntitle = \"x\"\n",
    )
    .unwrap();
    std::fs::write(
        blog.join("a.md"),
        "+++\ntitle = \"A\"\ndate = 2020-09-01\n+++\nHello\n",
    )
    .unwrap();
    if let Some(index) = index {
        std::fs::write(blog.join("_index.md"), index).unwrap();
    }
    zola
}

#[test]
fn a_zola_site_with_symlinks_to_itself_is_read_once_and_ends() {
    let zola = zola_site(Some("+++\ntitle = \"Blog\"\nsort_by = \"date\"\n+++\n"));
    let content = zola.path().join("content");
    for (link, to) in [
        ("l1", "."),
        ("l2", "."),
        ("blog/l3", ".."),
        ("blog/l4", "."),
    ] {
        std::os::unix::fs::symlink(to, content.join(link)).unwrap();
    }
    let started = std::time::Instant::now();
    for command in [&["check"][..], &["run", "--dry-run"]] {
        let mut args = vec!["--site", "."];
        args.extend(command);
        let out = herald(zola.path(), &args);
        assert!(out.status.code().is_some(), "{command:?} was killed");
        assert!(
            stdout(&out).contains("1 posts") || command[0] == "run",
            "{}",
            stdout(&out)
        );
    }
    let out = herald(zola.path(), &["--site", ".", "init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Not a benchmark: an exponential walk takes minutes here, a linear one milliseconds.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

/// A site of `files` with one feed per tag.
fn site_per_tag(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let site = site_with(files);
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n[feeds]\nper_tag = true\n")).unwrap();
    site
}

#[test]
fn tags_make_bounded_file_names_and_output_linear_in_the_posts() {
    let long = format!(
        "---\ntitle: Long\ndate: 2020-09-02\ntags: [\"{}\"]\n---\nx\n",
        "é".repeat(300)
    );
    let many: Vec<String> = (0..5000).map(|i| format!("t{i}")).collect();
    let many = format!(
        "---\ntitle: Many\ndate: 2020-09-03\n\ntags: [{}]\n---\nx\n",
        many.join(", ")
    );
    let site = site_per_tag(&[
        ("2020-09-01-good.md", GOOD),
        ("2020-09-02-long.md", long.as_bytes()),
        ("2020-09-03-many.md", many.as_bytes()),
    ]);
    let out = herald(site.path(), &["check"]);
    let err = stderr(&out);
    assert!(
        err.contains("posts/2020-09-03-many.md:5: warning: 5000 tags: only the first 100 are kept"),
        "{err}"
    );
    let out = herald(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (mut files, mut bytes, mut longest) = (0, 0, 0);
    let mut pending = vec![site.path().join("public")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            longest = longest.max(entry.file_name().len());
            if entry.file_type().unwrap().is_dir() {
                pending.push(entry.path());
            } else {
                files += 1;
                bytes += entry.metadata().unwrap().len();
            }
        }
    }
    // The main feeds and 101 tags' feeds, three formats each.
    assert_eq!(files, 3 * (1 + 1 + 100), "{}", stdout(&out));
    assert!(longest <= 100, "a name of {longest} bytes");
    // Each tag feed holds one item with at most 100 categories: a few kilobytes each.
    assert!(bytes < 5_000_000, "{bytes} bytes");
}

#[test]
fn a_feed_that_cannot_be_written_is_its_own_error_and_the_rest_still_happens() {
    let tagged = b"---\ntitle: Tagged\ndate: 2020-09-02\ntags: [news]\n---\nx\n";
    for many in [false, true] {
        let mut files: Vec<(String, Vec<u8>)> = vec![
            ("2020-09-01-good.md".into(), GOOD.to_vec()),
            ("2020-09-02-tagged.md".into(), tagged.to_vec()),
        ];
        // Past 48 feeds the feeds are written after every entry is rendered, not streamed.
        if many {
            files.extend((0..60).map(|i| {
                let post = format!("---\ntitle: T{i}\ndate: 2020-09-03\ntags: [t{i}]\n---\nx\n");
                (format!("2020-09-03-t{i}.md"), post.into_bytes())
            }));
        }
        let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), &b[..])).collect();
        let site = site_per_tag(&files);
        // The tag feeds' folder is a file: no tag feed can be written there.
        std::fs::create_dir(site.path().join("public")).unwrap();
        std::fs::write(site.path().join("public/tags"), "in the way").unwrap();
        let out = herald(site.path(), &["--now", "2020-09-08T09:00:00Z", "run"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("public/tags/news/rss.xml: error: this feed could not be written"),
            "{err}"
        );
        let rss = std::fs::read_to_string(site.path().join("public/rss.xml")).unwrap();
        let newest = if many {
            "<title>T"
        } else {
            "<title>Tagged</title>"
        };
        assert!(rss.contains(newest), "the main feed is written");
        assert!(
            stdout(&out).contains("could not be written"),
            "{}",
            stdout(&out)
        );
        // The digest still went out (to the outbox, as there is no [smtp]).
        assert!(stdout(&out).contains("2020-W36: sent"), "{}", stdout(&out));
    }
}

#[test]
fn temporary_files_wait_outside_the_published_folder_and_leftovers_are_removed() {
    let site = site_per_tag(&[("2020-09-01-good.md", GOOD)]);
    let public = site.path().join("public");
    let temp = site.path().join(".herald/tmp");
    std::fs::create_dir_all(&public).unwrap();
    std::fs::create_dir_all(&temp).unwrap();
    // What a killed run left (no process has an id this large on Linux).
    let left = [
        public.join(".rss.xml.99999999.0.tmp"),
        temp.join(".atom.xml.99999999.1.tmp"),
        site.path().join(".herald/.state.json.99999999.0.tmp"),
    ];
    for file in &left {
        std::fs::write(file, "half a feed").unwrap();
    }
    let out = herald(site.path(), &["--now", "2020-09-08T09:00:00Z", "run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for file in &left {
        assert!(!file.exists(), "{} is still there", file.display());
    }
    // The temporary files are made in .herald/tmp: where it cannot be, no feed is written,
    // and public/ never holds one.
    std::fs::remove_dir_all(&temp).unwrap();
    std::fs::write(&temp, "in the way").unwrap();
    std::fs::write(
        site.path().join("posts/2020-09-02-new.md"),
        "---\ntitle: New\ndate: 2020-09-02\n---\nNew.\n",
    )
    .unwrap();
    let out = herald(site.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("public/rss.xml: error: this feed could not be written")
            && err.contains(".herald/tmp"),
        "{err}"
    );
    let mut pending = vec![public];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let name = entry.file_name().into_string().unwrap();
            assert!(!name.ends_with(".tmp"), "{name} in public/");
            if entry.file_type().unwrap().is_dir() {
                pending.push(entry.path());
            }
        }
    }
}

#[test]
fn settings_that_name_a_place_outside_the_site_are_errors_on_their_lines() {
    // herald's own settings.
    for (setting, want) in [
        ("[feeds]\nrss_file = \"../../escaped-rss.xml\"\n", "config.toml:9: error: [feeds] rss_file \"../../escaped-rss.xml\" must be a file inside [feeds] out_dir"),
        ("[feeds]\natom_file = \"/tmp/escaped-atom.xml\"\n", "config.toml:9: error: [feeds] atom_file \"/tmp/escaped-atom.xml\" must be a file inside"),
        ("[feeds]\nout_dir = \"/\"\n", "config.toml:9: error: [feeds] out_dir \"/\" is outside the site's folder"),
        ("[feeds]\nout_dir = \"../public\"\n", "config.toml:9: error: [feeds] out_dir \"../public\" is outside the site's folder"),
    ] {
        let site = site_with(&[("2020-09-01-good.md", GOOD)]);
        let config = site.path().join("config.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("{text}\n{setting}")).unwrap();
        let out = herald(site.path(), &["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(want), "wanted `{want}` in\n{err}");
        assert!(!site.path().parent().unwrap().join("escaped-rss.xml").exists());
    }

    // A generator's settings: Hugo's contentDir and module mounts, Jekyll's source.
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("victim/posts")).unwrap();
    std::fs::write(
        outside.path().join("victim/posts/secret.md"),
        "---\ntitle: AWS_SECRET=hunter2\ndate: 2020-09-01\n---\nAWS_SECRET=hunter2\n",
    )
    .unwrap();
    let victim = outside.path().join("victim");
    let cases: Vec<(&str, String, &str)> = vec![
        ("hugo.toml", "baseURL = \"https://example.org/\"\ncontentDir = \"../victim\"\n".into(), "hugo.toml:2: error: contentDir \"../victim\" is outside the site's folder"),
        ("hugo.toml", format!("baseURL = \"https://example.org/\"\ncontentDir = {:?}\n", victim.display().to_string()), "hugo.toml:2: error: contentDir"),
        ("hugo.toml", "baseURL = \"https://example.org/\"\n[module]\n[[module.mounts]]\nsource = \"../victim\"\ntarget = \"content\"\n".into(), "hugo.toml:4: error: module.mounts.source \"../victim\" is outside"),
        ("_config.yml", "url: https://example.org\nsource: /\n".into(), "_config.yml:2: error: source \"/\" is outside the site's folder"),
    ];
    for (file, text, want) in cases {
        let site = outside.path().join("site");
        let _ = std::fs::remove_dir_all(&site);
        std::fs::create_dir_all(site.join("content/posts")).unwrap();
        std::fs::write(site.join(file), text).unwrap();
        for command in ["check", "build"] {
            let out = herald(&site, &["--site", ".", command]);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{file} {command}: {err}");
            assert!(
                err.contains(want),
                "{file} {command}: wanted `{want}` in\n{err}"
            );
        }
        assert!(!site.join("public").exists(), "{file}: nothing written");
    }
}

#[test]
fn a_reader_that_stops_reading_ends_the_command_quietly_with_0() {
    let posts: Vec<(String, String)> = (0..300)
        .map(|i| {
            (
                format!("2020-09-01-p{i}.md"),
                format!(
                    "---\ntitle: P{i}\ndate: 2020-09-01\n---\n{}\n",
                    "Words. ".repeat(200)
                ),
            )
        })
        .collect();
    let files: Vec<(&str, &[u8])> = posts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_bytes()))
        .collect();
    let site = site_with(&files);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["entries", "--json"])
        .current_dir(site.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // As `head -c 100` does: read a little, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 100];
    std::io::Read::read_exact(&mut stdout, &mut head).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
