//! Each generator's own rules for a post's date, URL and publication, as Hugo, Jekyll and
//! Zola apply them, so every post gets the URL and date its generator gives it.

use chrono::{DateTime, Datelike, FixedOffset, NaiveTime, Timelike, Utc};
use serde_json::Value;

use super::dates::{date_from_file_name, parse_date};
use super::front_matter::{key_line, LineError, Split};
use super::layout::Located;
use super::permalink::{fill as expand, hugo_slug};
use crate::config::generator::{text as scalar, HugoRules, JekyllRules, Slugify, ZolaRules};
use crate::config::{in_zone, Site};

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
    front.get(key).is_some_and(crate::config::generator::truthy)
}

/// The first of `keys` that the front matter sets, read as a date in `site`'s zone.
fn front_date(
    site: &Site,
    split: &Split<'_>,
    keys: &[&str],
) -> Result<Option<(DateTime<FixedOffset>, usize)>, LineError> {
    for key in keys {
        if let Some(value) = split.front.get(*key).and_then(scalar) {
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
    // `[frontmatter] date`: front-matter keys, and `:filename` for the file name's date.
    let keys: Vec<&str> = rules
        .date_keys
        .iter()
        .map(String::as_str)
        .filter(|k| !k.starts_with(':'))
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
        Some(url) => format!("/{}", url.trim_start_matches('/')),
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
            url_path(&expanded, rules.lowercase_paths)
        }
    };
    let expiry = front_date(site, split, &["expiryDate"])?;
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
    let (published, date_line) =
        match front_date_or_name(site, split, &["date"], name_date, &mut warnings)? {
            Some((date, line)) => (date.with_timezone(&site.tz).fixed_offset(), line),
            None => match from_name {
                Some((date, _)) => (midnight(date, site), split.front_line),
                None => {
                    return Err(NotPost::Error((
                        1,
                        "a Jekyll post's file name starts with its date: YYYY-MM-DD-title.md"
                            .into(),
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
    let pattern = front
        .get("permalink")
        .and_then(scalar)
        .unwrap_or_else(|| rules.permalink.clone());
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
        .is_some_and(|v| !crate::config::generator::truthy(v));
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

/// Zola: the date from the front matter (a local date is midnight UTC) or a `YYYY-MM-DD-`
/// file or folder prefix (a page without one is not a post); the URL from `path`, else the
/// folders and the page's slug, slugified as configured.
pub(crate) fn zola(
    site: &Site,
    rules: &ZolaRules,
    at: &Located,
    split: &Split<'_>,
) -> Result<Facts, NotPost> {
    let front = &split.front;
    let name = at.bundle.clone().unwrap_or_else(|| stem(at));
    let from_name = date_from_file_name(&name);
    let mut warnings = Vec::new();
    let name_date = from_name.map(|(d, _)| d);
    let (published, date_line) =
        match front_date_or_name(site, split, &["date"], name_date, &mut warnings)? {
            Some(found) => found,
            None => match from_name {
                Some((date, _)) => (midnight(date, site), split.front_line),
                None => return Err(NotPost::Page),
            },
        };
    let name = from_name
        .map_or(name.as_str(), |(_, rest)| rest)
        .to_string();
    let path = match front.get("path").and_then(scalar) {
        Some(path) => {
            let path = path.trim_matches('/');
            if path.is_empty() {
                "/".to_string()
            } else {
                format!("/{path}/")
            }
        }
        None => {
            let slug = front.get("slug").and_then(scalar).unwrap_or(name);
            let mut path = String::from("/");
            for part in at.dirs.iter().chain(std::iter::once(&slug)) {
                path.push_str(&zola_slug(part, rules.slugify));
                path.push('/');
            }
            path
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

/// The file name without its extension.
fn stem(at: &Located) -> String {
    at.path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("post")
        .to_string()
}

/// Hugo's final URL path: each segment made URL-safe, lower-cased unless disabled.
fn url_path(path: &str, lowercase: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_whitespace() {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else if c.is_alphanumeric() || "./_-~+#@:!$&'()*,;=".contains(c) {
            if lowercase {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        } else if c == '/' {
            out.push('/');
        }
    }
    while out.contains("//") {
        out = out.replace("//", "/");
    }
    out
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

/// Zola's path slugs: `on` is lower-case ASCII words joined by `-`; `safe` only drops the
/// characters unsafe in a path and joins words with `-`; `off` keeps the name.
fn zola_slug(text: &str, mode: Slugify) -> String {
    match mode {
        Slugify::Off => text.to_string(),
        Slugify::Safe => text
            .chars()
            .filter(|c| !"<>:/|?*#\\\"".contains(*c))
            .map(|c| if c.is_whitespace() { '-' } else { c })
            .collect(),
        Slugify::On => {
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                if c.is_ascii_alphanumeric() {
                    out.push(c.to_ascii_lowercase());
                } else if !out.ends_with('-') {
                    out.push('-');
                }
            }
            out.trim_matches('-').to_string()
        }
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
    fn an_unknown_token_is_named() {
        let mut value = |t: &str| (t == "year").then(|| "2020".to_string());
        assert_eq!(
            expand("/:year/:section/", &mut value),
            Err("section".to_string())
        );
        assert_eq!(expand("/:year/", &mut value), Ok("/2020/".to_string()));
    }
}
