//! The checks that cross settings: each digest resolved and its list's address parsed,
//! every URL of a scheme it may have, every path herald writes kept where it belongs. Each
//! problem is returned with the dotted key it is about, for its line.

use std::path::Path;

use lettre::message::Mailbox;
use url::Url;

use crate::{normalize, stays_inside, Config, DigestConfig, DigestSpec, MAIN_DIGEST};

/// The URLs of `[feeds]` and of each digest, each an absolute URL of a scheme it may have,
/// and each digest's archive folder.
pub(crate) fn url_problems(config: &Config, digests: &[DigestSpec]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut check = |key: String, value: &str, schemes: &[&str]| {
        let ok = Url::parse(value).is_ok_and(|url| {
            schemes.contains(&url.scheme()) && (url.scheme() == "mailto" || url.host().is_some())
        });
        if !ok {
            let message = format!(
                "{} {value:?} is not an absolute {} URL",
                setting_name(&key),
                schemes.join(" or ")
            );
            found.push((key, message));
        }
    };
    let feeds = &config.feeds;
    for (key, value) in [("feeds.icon", &feeds.icon), ("feeds.logo", &feeds.logo)] {
        if let Some(value) = value {
            check(key.into(), value, &["https", "http"]);
        }
    }
    for spec in digests {
        let digest = &spec.config;
        for value in &digest.list_unsubscribe {
            check(
                spec.setting("list_unsubscribe"),
                value,
                &["https", "mailto"],
            );
        }
        if let Some(value) = &digest.list_archive {
            check(spec.setting("list_archive"), value, &["https", "http"]);
        }
        if let Some(value) = &digest.list_post {
            check(
                spec.setting("list_post"),
                value,
                &["mailto", "https", "http"],
            );
        }
    }
    for spec in digests {
        let dir = &spec.config.archive_dir;
        if dir.as_os_str().is_empty()
            || !dir
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        {
            let key = spec.setting("archive_dir");
            let message = format!(
                "{} {:?} must be a folder inside [feeds] out_dir (relative, no `..`)",
                setting_name(&key),
                dir.display()
            );
            found.push((key, message));
        }
    }
    let mut archives: Vec<(&std::path::Path, &DigestSpec)> = Vec::new();
    for spec in digests.iter().filter(|d| d.enabled_archive()) {
        if let Some((_, other)) = archives
            .iter()
            .find(|(dir, _)| *dir == spec.config.archive_dir)
        {
            let key = spec.setting("archive_dir");
            let message = format!(
                "{} {:?} is also {}'s archive folder: give each digest its own",
                setting_name(&key),
                spec.config.archive_dir.display(),
                other.title()
            );
            found.push((key, message));
        }
        archives.push((&spec.config.archive_dir, spec));
    }
    found
}

/// `[digest] list_id`, `[[digests]] (2nd) to`: a setting as a reader finds it in the file.
pub(crate) fn setting_name(key: &str) -> String {
    match key.split_once('.') {
        Some(("digests", rest)) => match rest.split_once('.') {
            Some((n, setting)) => {
                let n: usize = n.parse().unwrap_or(0);
                format!("[[digests]] #{} {setting}", n + 1)
            }
            None => "[[digests]]".into(),
        },
        Some((table, setting)) => format!("[{table}] {setting}"),
        None => key.to_string(),
    }
}

/// Every digest, `[digest]` first, each `to` parsed and each name checked (lower-case
/// letters, digits and `-`, starting with a letter, each used once).
pub(crate) fn digest_specs(
    config: &Config,
    problems: &mut Vec<(String, String)>,
) -> Vec<DigestSpec> {
    let mut specs = Vec::new();
    let mut add = |name: Option<String>,
                   settings: DigestConfig,
                   key: String,
                   problems: &mut Vec<(String, String)>| {
        let to_key = format!("{key}.to");
        match settings.to.parse::<Mailbox>() {
            Ok(to) => specs.push(DigestSpec {
                name,
                config: settings,
                to,
                key,
            }),
            Err(e) => {
                let message = format!(
                    "{} {:?} is not an email address: {e}",
                    setting_name(&to_key),
                    settings.to
                );
                problems.push((to_key, message));
            }
        }
    };
    add(None, config.digest.clone(), "digest".into(), problems);
    let mut names: Vec<&str> = Vec::new();
    for (n, entry) in config.digests.iter().enumerate() {
        let key = format!("digests.{n}");
        let name = entry.name.as_str();
        let well_formed = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !well_formed {
            problems.push((
                format!("{key}.name"),
                format!("[[digests]] name {name:?} must be lower-case letters, digits and `-`, starting with a letter: it names the digest's journal records, archive folder and Message-IDs"),
            ));
        } else if name == MAIN_DIGEST {
            problems.push((
                format!("{key}.name"),
                format!("[[digests]] name {name:?} is what the command line calls [digest]: choose another"),
            ));
        } else if names.contains(&name) {
            problems.push((
                format!("{key}.name"),
                format!("[[digests]] name {name:?} is used twice: give each digest its own"),
            ));
        }
        names.push(name);
        add(
            Some(entry.name.clone()),
            entry.over(&config.digest),
            key,
            problems,
        );
    }
    specs
}

/// The paths herald writes to, each kept where it belongs: the feeds' folder inside the
/// site's, each feed file inside the feeds' folder.
pub(crate) fn path_problems(config: &Config, root: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let feeds = &config.feeds;
    let root = normalize(root);
    if !stays_inside(&root, &feeds.out_dir) {
        found.push((
            "feeds.out_dir".into(),
            format!(
                "[feeds] out_dir {:?} is outside the site's folder {}: give a folder inside it (`herald build --out` writes anywhere)",
                feeds.out_dir.display(),
                root.display()
            ),
        ));
    }
    for (key, file) in [
        ("feeds.rss_file", &feeds.rss_file),
        ("feeds.atom_file", &feeds.atom_file),
        ("feeds.json_file", &feeds.json_file),
    ] {
        let path = Path::new(file);
        if file.is_empty()
            || !path
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        {
            found.push((
                key.into(),
                format!(
                    "{} {file:?} must be a file inside [feeds] out_dir (relative, no `..`)",
                    setting_name(key)
                ),
            ));
        }
    }
    found
}
