//! Zola's rules: a page's date from its front matter or its file or folder name, whether
//! its section is in the feed, its URL from its path and slug, and Zola's slugs.

use super::*;

/// Zola: the date from the front matter (a local date is midnight UTC) or a dated file or
/// folder name (`2019-05-01-name`, `2019-05-01`), or, in a section that has feeds, the
/// `YYYY/MM/DD` its `path` starts with, as such blogs' feed templates read it (a page without
/// any is not a post); the URL from `path`, else the folders and the page's slug.
pub(crate) fn zola(
    site: &Site,
    rules: &ZolaRules,
    at: &Located,
    split: &Split<'_>,
) -> Result<Facts, NotPost> {
    let front = &split.front;
    let name = at.bundle.clone().unwrap_or_else(|| stem(at));
    let from_name = zola_dated_name(&name);
    let mut warnings = Vec::new();
    let front_path = front.get("path").and_then(scalar);
    let (published, date_line) = match front_date(site, split, &["date"])? {
        Some(found) => found,
        None => match &from_name {
            Some((date, _)) => (*date, split.front_line),
            None => match front_path.as_deref().and_then(date_of_path) {
                Some(date)
                    if in_feed_section(rules, at)
                        && !rules.date_sorted.contains(&at.dirs.join("/")) =>
                {
                    let line = key_line(split, "path");
                    warnings.push((line, PATH_DATE_RULE.to_string()));
                    (midnight(date, site), line)
                }
                _ => return Err(NotPost::Page),
            },
        },
    };
    if front
        .get("render")
        .is_some_and(|v| v == &Value::Bool(false))
    {
        return Err(NotPost::Page);
    }
    let path = match &front_path {
        Some(path) => {
            let path = path.trim().trim_matches('/');
            if path.is_empty() {
                "/".to_string()
            } else {
                format!("/{path}/")
            }
        }
        None => {
            let slug = match (front.get("slug").and_then(scalar), &from_name) {
                (Some(slug), _) => zola_slug(&slug, rules.slugify),
                (None, Some((_, Some(rest)))) if !rules.keep_dates => {
                    zola_slug(rest, rules.slugify)
                }
                _ => zola_slug(&name, rules.slugify),
            };
            // The folders are kept as they are named; only the page's own slug is made.
            let mut path = String::from("/");
            for part in &at.dirs {
                path.push_str(part);
                path.push('/');
            }
            if !slug.is_empty() {
                path.push_str(&slug);
                path.push('/');
            }
            rules.languages.path_in(&at.lang, &path)
        }
    };
    Ok(Facts {
        published,
        date_line,
        path,
        draft: truthy(front, "draft"),
        future_ok: true,
        expires: None,
        warnings,
    })
}

/// Whether a page is in a section with feeds of its own (or the site has no such section,
/// so the main feed is the blog's).
fn in_feed_section(rules: &ZolaRules, at: &Located) -> bool {
    let folder = at.dirs.join("/");
    rules.site_feeds
        || rules.feed_sections.is_empty()
        || rules
            .feed_sections
            .iter()
            .any(|s| folder == *s || folder.starts_with(&format!("{s}/")))
}

/// Zola's dated file names: `YYYY-MM-DD` (two-digit month and day), optionally with a time
/// (`T10:00:00Z`), then optionally `_` or `-` (a space before it allowed) and the slug. The
/// date is read as Zola reads it (a local date is midnight UTC), and the rest returned.
pub(super) fn zola_dated_name(name: &str) -> Option<(DateTime<FixedOffset>, Option<&str>)> {
    let bytes = name.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    if !((0..4).all(digit) && bytes.get(4) == Some(&b'-') && digit(5) && digit(6))
        || bytes.get(7) != Some(&b'-')
        || !(digit(8) && digit(9))
    {
        return None;
    }
    let mut end = 10;
    // An RFC 3339 time: `T12:00:00`, optional fraction, then `Z` or an offset.
    if bytes.get(10) == Some(&b'T') {
        let rest = &name[10..];
        let time_len = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, ':' | '.' | 'Z' | '+' | '-')))
            .map_or(rest.len(), |(i, _)| i);
        // The time ends where the slug's separator begins: a `-` after the offset's minutes
        // is the separator, so the longest prefix that parses wins.
        let mut best = None;
        for len in (9..=time_len).rev() {
            if let Some(candidate) = rest.get(1..len) {
                if DateTime::parse_from_rfc3339(&format!("{}T{candidate}", &name[..10])).is_ok() {
                    best = Some(len);
                    break;
                }
            }
        }
        end = 10 + best?;
    }
    let date_text = &name[..end];
    let date = if end == 10 {
        let day = chrono::NaiveDate::parse_from_str(date_text, "%Y-%m-%d").ok()?;
        day.and_time(NaiveTime::MIN).and_utc().fixed_offset()
    } else {
        DateTime::parse_from_rfc3339(date_text).ok()?
    };
    let rest = &name[end..];
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let slug = rest.strip_prefix(['_', '-']).filter(|s| !s.is_empty());
    if slug.is_none() && !name[end..].is_empty() {
        // Something else follows the date: Zola's pattern does not match as a whole.
        return None;
    }
    Some((date, slug))
}

/// Zola's path slugs (its `slugify_paths`): `on` is the `slug` crate's, as Zola uses it
/// (`日本` → `ri-ben`, `café` → `cafe`); `safe` trims spaces and dots at the end and drops
/// the characters NTFS forbids; `off` keeps the name.
pub(super) fn zola_slug(text: &str, mode: Slugify) -> String {
    match mode {
        Slugify::Off => text.to_string(),
        Slugify::Safe => text
            .trim_end_matches([' ', '.'])
            .chars()
            .filter(|c| !"<>:\"/\\|?*".contains(*c))
            .collect(),
        Slugify::On => slug::slugify(text),
    }
}
