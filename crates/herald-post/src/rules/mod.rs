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

mod hugo;
mod jekyll;
mod zola;

pub(crate) use hugo::hugo;
#[cfg(test)]
use jekyll::jekyll_slug;
pub(crate) use jekyll::{jekyll, jekyll_defaults};
pub(crate) use zola::zola;
#[cfg(test)]
use zola::{zola_dated_name, zola_slug};

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

/// The warning of a Zola page dated by its `path` (one per site is shown).
pub(crate) const PATH_DATE_RULE: &str =
    "no `date`: dated by the YYYY/MM/DD in its `path`, as the site's own feed template reads it";

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
