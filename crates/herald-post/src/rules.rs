//! Each generator's own rules for a post's date, URL and publication, as Hugo, Jekyll and
//! Zola apply them, so every post gets the URL and date its generator gives it.

use chrono::{DateTime, Datelike, FixedOffset, NaiveTime, Timelike, Utc};
use serde_json::Value;

use super::dates::{date_from_file_name, parse_date, parse_date_loose};
use super::front_matter::{key_line, LineError, Split};
use super::layout::Located;
use super::permalink::{fill as expand, hugo_slug};
use herald_config::generator::{text as scalar, HugoRules, JekyllRules, Slugify, ZolaRules};
use herald_config::{in_zone, Site};

/// What a generator decides about one post.
#[derive(Debug)]
pub(crate) struct Facts {
    /// Publication time.
    pub published: DateTime<FixedOffset>,
    /// The line the date is on.
    pub date_line: usize,
    /// The URL path below the site's base URL (or an absolute URL).
    pub path: String,
    /// Not published unless drafts are asked for.
    pub draft: bool,
    /// Published even when dated in the future.
    pub future_ok: bool,
    /// When it expires (Hugo's `expiryDate`), unless the site builds expired pages.
    pub expires: Option<DateTime<Utc>>,
    /// Warnings with their lines (a date that could not be read, so the file name's is used).
    pub warnings: Vec<(usize, String)>,
}

/// Why a file is not a post: an error, or not a post at all (a Zola page without a date).
pub(crate) enum NotPost {
    /// The file is broken.
    Error(LineError),
    /// The file is a page, not a post.
    Page,
}

impl From<LineError> for NotPost {
    fn from(e: LineError) -> Self {
        NotPost::Error(e)
    }
}

fn truthy(front: &serde_json::Map<String, Value>, key: &str) -> bool {
    front.get(key).is_some_and(herald_config::generator::truthy)
}

/// The first of `keys` that the front matter sets, read as a date in `site`'s zone.
fn front_date(
    site: &Site,
    split: &Split<'_>,
    keys: &[&str],
) -> Result<Option<(DateTime<FixedOffset>, usize)>, LineError> {
    for key in keys {
        // An empty value is no date, as the generators read it (`lastmod:`).
        if let Some(value) = split
            .front
            .get(*key)
            .and_then(scalar)
            .filter(|v| !v.trim().is_empty())
        {
            let line = key_line(split, key);
            let date = parse_date(&value, site.tz).ok_or_else(|| {
                (
                    line,
                    format!("cannot read `{key}: {value}` as a date (expected e.g. 2020-09-04T08:00:00Z or 2020-09-04 10:00:00)"),
                )
            })?;
            return Ok(Some((date, line)));
        }
    }
    Ok(None)
}

/// Like [`front_date`], but a date that cannot be read falls back to the file name's date,
/// as the generators do, with a warning.
fn front_date_or_name(
    site: &Site,
    split: &Split<'_>,
    keys: &[&str],
    name_date: Option<chrono::NaiveDate>,
    warnings: &mut Vec<(usize, String)>,
) -> Result<Option<(DateTime<FixedOffset>, usize)>, LineError> {
    match (front_date(site, split, keys), name_date) {
        (Err((line, message)), Some(date)) => {
            warnings.push((
                line,
                format!("{message}; the date in the file name is used"),
            ));
            Ok(Some((midnight(date, site), line)))
        }
        (result, _) => result,
    }
}

fn midnight(date: chrono::NaiveDate, site: &Site) -> DateTime<FixedOffset> {
    in_zone(date.and_time(NaiveTime::MIN), site.tz)
}

/// Hugo: the date (`date`, `publishDate`, `lastmod`, then a file-name date), the URL from
/// `url`, else the section's permalink pattern, else the page's path; lower-cased.
pub(crate) fn hugo(
    site: &Site,
    rules: &HugoRules,
    at: &Located,
    split: &Split<'_>,
    title: &str,
) -> Result<Facts, NotPost> {
    let front = &split.front;
    let filename = at.bundle.clone().unwrap_or_else(|| stem(at));
    let mut warnings = Vec::new();
    let name_date = date_from_file_name(&filename).map(|(d, _)| d);
    // `[frontmatter] date`: front-matter keys (each with Hugo's aliases, in any case, as
    // the front matter writes it), and `:filename` for the file name's date.
    let keys: Vec<&str> = rules
        .date_keys
        .iter()
        .map(String::as_str)
        .filter(|k| !k.starts_with(':'))
        .flat_map(|k| std::iter::once(k).chain(hugo_aliases(k).iter().copied()))
        .filter_map(|k| {
            front
                .keys()
                .find(|f| f.eq_ignore_ascii_case(k))
                .map(String::as_str)
        })
        .collect();
    let by_name = rules.date_keys.is_empty()
        || rules
            .date_keys
            .iter()
            .any(|k| k.eq_ignore_ascii_case(":filename"))
        || rules.date_keys == ["date", "publishDate", "lastmod"];
    let name_date = name_date.filter(|_| by_name);
    let (published, date_line) =
        match front_date_or_name(site, split, &keys, name_date, &mut warnings)? {
            Some(found) => found,
            None => match date_from_file_name(&filename) {
                Some((date, _)) => (midnight(date, site), split.front_line),
                None => return Err(NotPost::Page),
            },
        };
    let slug = front.get("slug").and_then(scalar).filter(|s| !s.is_empty());
    let path = match front.get("url").and_then(scalar) {
        // A `url` from the root is the page's own; a relative one is below its language's.
        Some(url) if url.starts_with('/') => page_url(url),
        Some(url) => rules
            .languages
            .path_in(&at.lang, &page_url(format!("/{url}"))),
        None => {
            let pattern = rules
                .permalinks
                .get(at.section())
                .cloned()
                .unwrap_or_else(|| {
                    // Hugo's default: the page's folders, then its slug or file name.
                    let mut path = String::from("/");
                    for dir in &at.dirs {
                        path.push_str(dir);
                        path.push('/');
                    }
                    path.push_str(":slugorfilename/");
                    path
                });
            let mut value = |token: &str| -> Option<String> {
                let d = &published;
                Some(match token {
                    "year" => format!("{:04}", d.year()),
                    "month" => format!("{:02}", d.month()),
                    "monthname" => d.format("%B").to_string(),
                    "day" => format!("{:02}", d.day()),
                    "weekday" => d.weekday().num_days_from_sunday().to_string(),
                    "weekdayname" => d.format("%A").to_string(),
                    "yearday" => d.ordinal().to_string(),
                    "section" => at.section().to_string(),
                    "sections" => at.dirs.join("/"),
                    "title" => hugo_slug(title),
                    "slug" => slug.clone().unwrap_or_else(|| hugo_slug(title)),
                    "filename" | "contentbasename" => filename.clone(),
                    "slugorfilename" | "slugorcontentbasename" => {
                        slug.clone().unwrap_or_else(|| filename.clone())
                    }
                    _ => return None,
                })
            };
            let expanded = expand(&pattern, &mut value).map_err(|token| {
                NotPost::Error((
                    split.front_line,
                    format!("the permalink pattern {pattern:?} has a token Hugo does not know: `:{token}`"),
                ))
            })?;
            let path = url_path(&expanded, rules.lowercase_paths);
            let path = match path.strip_suffix('/') {
                Some(page) if rules.ugly_urls && !page.is_empty() => format!("{page}.html"),
                _ => path,
            };
            rules.languages.path_in(&at.lang, &path)
        }
    };
    let expiry_key = ["expiryDate", "unpublishdate"]
        .iter()
        .find_map(|k| front.keys().find(|f| f.eq_ignore_ascii_case(k)))
        .map(String::as_str);
    let expiry = match expiry_key {
        Some(key) => front_date(site, split, &[key])?,
        None => None,
    };
    Ok(Facts {
        published,
        date_line,
        path,
        draft: truthy(front, "draft"),
        future_ok: rules.build_future,
        expires: expiry
            .filter(|_| !rules.build_expired)
            .map(|(d, _)| d.to_utc()),
        warnings,
    })
}

/// A front-matter `url` as Hugo publishes it: one whose last part has no extension is a
/// folder (`/blog/x` is `/blog/x/`).
fn page_url(url: String) -> String {
    let last = url.rsplit('/').next().unwrap_or("");
    if last.is_empty() || last.contains('.') {
        url
    } else {
        format!("{url}/")
    }
}

/// Hugo's other names for its date keys (`published` is `publishDate`).
fn hugo_aliases(key: &str) -> &'static [&'static str] {
    match key.to_ascii_lowercase().as_str() {
        "publishdate" => &["pubdate", "published"],
        "lastmod" => &["modified"],
        "expirydate" => &["unpublishdate"],
        _ => &[],
    }
}

/// Jekyll: the date from the front matter or the file name, in the site's zone; the URL
/// from a front-matter `permalink`, else the site's pattern with `:categories` lower-cased
/// and `:title` the file name's slug, case kept.
pub(crate) fn jekyll(
    site: &Site,
    rules: &JekyllRules,
    at: &Located,
    split: &Split<'_>,
) -> Result<Facts, NotPost> {
    let front = &split.front;
    let stem = stem(at);
    let from_name = date_from_file_name(&stem);
    let mut warnings = Vec::new();
    let name_date = from_name.map(|(d, _)| d);
    // Ruby reads a date leniently (`2023-01-29 18:30:22 2023 -0800`), and so does Jekyll.
    let loose = front
        .get("date")
        .and_then(scalar)
        .filter(|raw| parse_date(raw, site.tz).is_none())
        .and_then(|raw| parse_date_loose(&raw, site.tz))
        .map(|date| (date, key_line(split, "date")));
    let read = match loose {
        Some(found) => Some(found),
        None => front_date_or_name(site, split, &["date"], name_date, &mut warnings)?,
    };
    let (published, date_line) = match read {
        Some((date, line)) => (date.with_timezone(&site.tz).fixed_offset(), line),
        None => match from_name {
            Some((date, _)) => (midnight(date, site), split.front_line),
            None => {
                return Err(NotPost::Error((
                    1,
                    "a Jekyll post's file name starts with its date: YYYY-MM-DD-title.md".into(),
                )))
            }
        },
    };
    let name = from_name
        .map_or(stem.as_str(), |(_, rest)| rest)
        .to_string();
    let title = jekyll_slug(&front.get("slug").and_then(scalar).unwrap_or(name), true);
    let mut categories: Vec<String> = at.categories.clone();
    for key in ["categories", "category"] {
        match front.get(key) {
            Some(Value::Array(items)) => categories.extend(items.iter().filter_map(scalar)),
            Some(value) => {
                if let Some(s) = scalar(value) {
                    categories.extend(s.split_whitespace().map(str::to_string));
                }
            }
            None => {}
        }
    }
    let mut seen = Vec::new();
    for c in categories.iter().map(|c| c.to_lowercase()) {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    // A collection's document: its collection's pattern, else Jekyll's default for them.
    let pattern = front
        .get("permalink")
        .and_then(scalar)
        .unwrap_or_else(|| match &at.collection {
            Some(name) => rules
                .collection_permalinks
                .get(name)
                .cloned()
                .unwrap_or_else(|| "/:collection/:path:output_ext".into()),
            None => rules.permalink.clone(),
        });
    // `:path`: the document's path in its collection, without the extension.
    let in_collection = at
        .rel
        .split_once('/')
        .map_or("", |(_, rest)| rest)
        .rsplit_once('.')
        .map_or("", |(path, _)| path)
        .to_string();
    let d = published;
    let mut value = |token: &str| -> Option<String> {
        Some(match token {
            "year" => format!("{:04}", d.year()),
            "short_year" => format!("{:02}", d.year() % 100),
            "month" => format!("{:02}", d.month()),
            "i_month" => d.month().to_string(),
            "short_month" => d.format("%b").to_string(),
            "long_month" => d.format("%B").to_string(),
            "day" => format!("{:02}", d.day()),
            "i_day" => d.day().to_string(),
            "y_day" => format!("{:03}", d.ordinal()),
            "short_day" => d.format("%a").to_string(),
            "long_day" => d.format("%A").to_string(),
            "week" => format!("{:02}", d.iso_week().week()),
            "hour" => format!("{:02}", d.hour()),
            "minute" => format!("{:02}", d.minute()),
            "second" => format!("{:02}", d.second()),
            "title" => title.clone(),
            "slug" => jekyll_slug(&title, false),
            "name" => title.clone(),
            "categories" => seen.join("/"),
            "output_ext" => ".html".into(),
            "collection" => at.collection.clone().unwrap_or_else(|| "posts".into()),
            "path" => in_collection.clone(),
            _ => return None,
        })
    };
    let path = expand(&pattern, &mut value).map_err(|token| {
        NotPost::Error((
            split.front_line,
            format!(
                "the permalink pattern {pattern:?} has a token Jekyll does not know: `:{token}`"
            ),
        ))
    })?;
    let mut path = format!("/{}", path.trim_start_matches('/'));
    while path.contains("//") {
        path = path.replace("//", "/");
    }
    let unpublished = front
        .get("published")
        .is_some_and(|v| !herald_config::generator::truthy(v));
    Ok(Facts {
        published,
        date_line,
        path,
        draft: unpublished && !rules.unpublished,
        future_ok: rules.future,
        expires: None,
        warnings,
    })
}

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

/// The warning of a Zola page dated by its `path` (one per site is shown).
pub(crate) const PATH_DATE_RULE: &str =
    "no `date`: dated by the YYYY/MM/DD in its `path`, as the site's own feed template reads it";

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

/// The first `YYYY/MM/DD` in a page's `path` (`2019/10/15/Rustup-1.20.0`,
/// `inside-rust/2020/07/27/1.45.1-prerelease`).
pub(crate) fn date_of_path(path: &str) -> Option<chrono::NaiveDate> {
    let parts: Vec<&str> = path.split('/').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    parts.windows(3).find_map(|w| {
        if !(digits(w[0], 4) && digits(w[1], 2) && digits(w[2], 2)) {
            return None;
        }
        chrono::NaiveDate::from_ymd_opt(w[0].parse().ok()?, w[1].parse().ok()?, w[2].parse().ok()?)
    })
}

/// Zola's dated file names: `YYYY-MM-DD` (two-digit month and day), optionally with a time
/// (`T10:00:00Z`), then optionally `_` or `-` (a space before it allowed) and the slug. The
/// date is read as Zola reads it (a local date is midnight UTC), and the rest returned.
fn zola_dated_name(name: &str) -> Option<(DateTime<FixedOffset>, Option<&str>)> {
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

/// A Jekyll post's front matter over the `defaults` whose scope holds it: a scope's `path`
/// is a folder (or file) below the source folder, its `type` `posts`; where two scopes
/// match, the one with the longer path wins, then the one with a type, then the later one.
pub(crate) fn jekyll_defaults(
    rules: &JekyllRules,
    at: &Located,
    front: &serde_json::Map<String, Value>,
) -> serde_json::Map<String, Value> {
    let applies = |d: &herald_config::generator::JekyllDefault| {
        let path_ok = d.path.is_empty()
            || at.rel == d.path
            || at.rel.starts_with(&format!("{}/", d.path))
            || glob_prefix(&d.path, &at.rel);
        let kind_ok = d.kind.as_deref().is_none_or(|k| match &at.collection {
            Some(name) => k == name,
            None => matches!(k, "posts" | "post"),
        });
        path_ok && kind_ok
    };
    let mut merged = serde_json::Map::new();
    let mut old: Option<&herald_config::generator::JekyllDefault> = None;
    for set in rules.defaults.iter().filter(|d| applies(d)) {
        let wins = match old {
            None => true,
            Some(old) if set.path.len() != old.path.len() => set.path.len() > old.path.len(),
            Some(old) => set.kind.is_some() || old.kind.is_none(),
        };
        for (k, v) in &set.values {
            if wins || !merged.contains_key(k) {
                merged.insert(k.clone(), v.clone());
            }
        }
        if wins {
            old = Some(set);
        }
    }
    for (k, v) in front {
        merged.insert(k.clone(), v.clone());
    }
    merged
}

/// A scope path with `*` (Jekyll's glob scopes): `*` matches one folder name.
fn glob_prefix(pattern: &str, rel: &str) -> bool {
    if !pattern.contains('*') {
        return false;
    }
    let parts: Vec<&str> = pattern.split('/').collect();
    let names: Vec<&str> = rel.split('/').collect();
    names.len() >= parts.len()
        && parts.iter().zip(&names).all(|(p, n)| {
            *p == "*"
                || match p.split_once('*') {
                    Some((head, tail)) => n.starts_with(head) && n.ends_with(tail),
                    None => p == n,
                }
        })
}

/// The file name without its extension.
fn stem(at: &Located) -> String {
    if !at.stem.is_empty() {
        return at.stem.clone();
    }
    at.path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("post")
        .to_string()
}

/// Hugo's final URL path, as its `UnicodeSanitize` makes it: letters, digits, marks and
/// `./\\_#+~-@` (and `%XX`) kept, a run of spaces one `-` before the next kept character
/// unless a `-` is already there or comes next, everything else dropped (`&`, `,`, `(`,
/// `|`, `'`, `:`); lower-cased unless disabled.
fn url_path(path: &str, lowercase: bool) -> String {
    let chars: Vec<char> = path.chars().collect();
    let mut out = String::with_capacity(path.len());
    let mut hyphen = false;
    for (i, &c) in chars.iter().enumerate() {
        let hex = |at: usize| chars.get(at).is_some_and(char::is_ascii_hexdigit);
        let kept = c.is_alphanumeric()
            || is_mark(c)
            || "./\\_#+~-@".contains(c)
            || (c == '%' && hex(i + 1) && hex(i + 2));
        if kept {
            if hyphen && c != '-' && !out.ends_with('-') {
                out.push('-');
            }
            hyphen = false;
            if lowercase {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        } else if c.is_whitespace() && !out.is_empty() {
            hyphen = true;
        }
    }
    while out.contains("//") {
        out = out.replace("//", "/");
    }
    out
}

/// A combining mark (Unicode category M) in the blocks real titles use: accents, Indic
/// vowel signs, and the like.
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0x3099 | 0x309A | 0xFE20..=0xFE2F)
}

/// Jekyll's `slugify` in `pretty` mode: characters other than letters, digits and
/// `._~!$&'()+,;=@` become `-`, runs of `-` are one, none at the ends; lower-cased unless
/// `cased`.
fn jekyll_slug(text: &str, cased: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || "._~!$&'()+,;=@".contains(c) {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if cased {
        out
    } else {
        out.to_lowercase()
    }
}

/// Zola's path slugs (its `slugify_paths`): `on` is the `slug` crate's, as Zola uses it
/// (`日本` → `ri-ben`, `café` → `cafe`); `safe` trims spaces and dots at the end and drops
/// the characters NTFS forbids; `off` keeps the name.
fn zola_slug(text: &str, mode: Slugify) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_of_each_generator() {
        assert_eq!(
            jekyll_slug("0.x-4.x-deprecation-timeline", true),
            "0.x-4.x-deprecation-timeline"
        );
        assert_eq!(
            jekyll_slug("Deprecation of cordova", true),
            "Deprecation-of-cordova"
        );
        assert_eq!(zola_slug("2020-04", Slugify::On), "2020-04");
        assert_eq!(
            zola_slug("This Month: Rust", Slugify::On),
            "this-month-rust"
        );
        assert_eq!(
            url_path("/blog/Announcing Linkerd 2.20/", true),
            "/blog/announcing-linkerd-2.20/"
        );
    }

    #[test]
    fn zola_slugs_in_each_mode_as_zolas_own_cases() {
        // input, (on, safe, off): the cases of Zola 0.22.1's `utils::slugs` tests.
        let cases = [
            ("input", ("input", "input", "input")),
            ("test ", ("test", "test", "test ")),
            ("tes t", ("tes-t", "tes t", "tes t")),
            ("dot. ", ("dot", "dot", "dot. ")),
            ("日本", ("ri-ben", "日本", "日本")),
            ("héhé", ("hehe", "héhé", "héhé")),
            ("test (hey)", ("test-hey", "test (hey)", "test (hey)")),
        ];
        for (input, (on, safe, off)) in cases {
            assert_eq!(zola_slug(input, Slugify::On), on, "{input}");
            assert_eq!(zola_slug(input, Slugify::Safe), safe, "{input}");
            assert_eq!(zola_slug(input, Slugify::Off), off, "{input}");
        }
    }

    #[test]
    fn zola_dated_names_as_zolas_pattern_reads_them() {
        fn date(name: &str) -> Option<(String, Option<&str>)> {
            zola_dated_name(name).map(|(d, slug)| (d.to_rfc3339(), slug))
        }
        assert_eq!(
            date("2019-05-01"),
            Some(("2019-05-01T00:00:00+00:00".into(), None))
        );
        assert_eq!(
            date("2024-01-05-first-post"),
            Some(("2024-01-05T00:00:00+00:00".into(), Some("first-post")))
        );
        assert_eq!(
            date("2024-01-05T10:00:00Z_post"),
            Some(("2024-01-05T10:00:00+00:00".into(), Some("post")))
        );
        // One-digit days are not Zola's dates: the whole name is the slug.
        assert_eq!(date("2018-08-2-post"), None);
        assert_eq!(date("2018-08-2x-post"), None);
    }

    #[test]
    fn dates_in_paths() {
        assert_eq!(
            date_of_path("inside-rust/2020/07/27/1.45.1-prerelease").map(|d| d.to_string()),
            Some("2020-07-27".into())
        );
        assert_eq!(date_of_path("2019/13/15/x"), None);
        assert_eq!(date_of_path("blog/post"), None);
    }

    #[test]
    fn an_unknown_token_is_named() {
        let mut value = |t: &str| (t == "year").then(|| "2020".to_string());
        assert_eq!(
            expand("/:year/:section/", &mut value),
            Err("section".to_string())
        );
        assert_eq!(expand("/:year/", &mut value), Ok("/2020/".to_string()));
    }
}
