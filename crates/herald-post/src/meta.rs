//! Front matter → a checked [`Post`]: title, dates, authors, tags, permalink and id, each
//! read from every shape real Hugo and Jekyll posts use.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Map, Value};
use url::Url;

use super::dates::{date_from_file_name, parse_date, writable};
use super::front_matter::{authors, key_line, strings, LineError, Split};
use super::html::plain;
use super::layout::Located;
use super::permalink::{self, hugo_slug, Parts};
use super::rules::NotPost;
use herald_config::generator::{text as scalar, truthy};
use herald_config::{in_zone, Rules, Site, TitleSource};
use herald_entry::markup::decode_entities;
use herald_entry::Author;

/// A post whose front matter has been read and checked, but whose body is not yet rendered.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Post {
    /// The file it came from.
    #[serde(skip)] // the cache keeps it beside the post
    pub path: PathBuf,
    /// Stable id.
    pub id: String,
    /// Plain-text title.
    pub title: String,
    /// Absolute permalink, checked as a URL when the post was loaded. Kept as text: parsing
    /// it again as every cached post is loaded was slow on a large blog (see BENCHMARKS.md,
    /// Profiling notes), and only the posts an output shows need its parts.
    pub permalink: String,
    /// Publication time.
    #[serde(with = "date_as_numbers")]
    pub published: DateTime<FixedOffset>,
    /// The line the publication date is on (the front matter's first line when the date comes
    /// from the file name).
    pub date_line: usize,
    /// Last change.
    #[serde(with = "date_as_numbers")]
    pub updated: DateTime<FixedOffset>,
    /// Authors.
    #[serde(with = "authors_as_tuples")]
    pub authors: Vec<Author>,
    /// Tags and categories.
    pub tags: Vec<String>,
    /// Whether the post is a draft (or, in Jekyll, `published: false`).
    pub draft: bool,
    /// Published even when dated in the future (the generator's `future` setting).
    pub future_ok: bool,
    /// When it expires (from then on it is left out), as the generator's rules say.
    pub expires: Option<DateTime<Utc>>,
    /// The section (Hugo) or first folder it is in, empty at the top.
    pub section: String,
    /// The blog it belongs to (see [`herald_entry::Entry::blog`]).
    pub blog: String,
    /// Its language's code on a multilingual site, else empty.
    pub lang: String,
    /// Its path below the content folder (`posts/x.md`), the name links use.
    #[serde(skip)] // the cache keeps where the file sits beside the post
    pub rel: String,
    /// Front-matter summary and the line it is on.
    pub(crate) excerpt: Option<(String, usize)>,
    /// Front-matter keys herald does not interpret (kept as JSON text by the cache, whose
    /// compact format cannot hold a value of any shape).
    #[serde(with = "extra_as_json")]
    pub(crate) extra: Map<String, Value>,
    /// Warnings found in the front matter, each with its line.
    pub(crate) warnings: Vec<(usize, String)>,
}

/// A date serialised as seconds, nanoseconds and offset, which the cache reads back far
/// faster than RFC 3339 text.
mod date_as_numbers {
    use chrono::{DateTime, FixedOffset};
    use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(
        date: &DateTime<FixedOffset>,
        out: S,
    ) -> Result<S::Ok, S::Error> {
        (
            date.timestamp(),
            date.timestamp_subsec_nanos(),
            date.offset().local_minus_utc(),
        )
            .serialize(out)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        input: D,
    ) -> Result<DateTime<FixedOffset>, D::Error> {
        let (seconds, nanos, offset) = <(i64, u32, i32)>::deserialize(input)?;
        let offset = FixedOffset::east_opt(offset).ok_or_else(|| D::Error::custom("offset"))?;
        let utc =
            DateTime::from_timestamp(seconds, nanos).ok_or_else(|| D::Error::custom("date"))?;
        Ok(utc.with_timezone(&offset))
    }
}

/// [`Post::authors`] serialised with every field, as the cache's format needs (an entry's
/// JSON leaves out the empty ones).
mod authors_as_tuples {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use herald_entry::Author;

    type Fields = (String, Option<String>, Option<String>, Option<String>);

    pub(super) fn serialize<S: Serializer>(authors: &[Author], out: S) -> Result<S::Ok, S::Error> {
        let fields: Vec<Fields> = authors
            .iter()
            .map(|a| {
                let a = a.clone();
                (a.name, a.uri, a.email, a.twitter)
            })
            .collect();
        fields.serialize(out)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        input: D,
    ) -> Result<Vec<Author>, D::Error> {
        let fields = Vec::<Fields>::deserialize(input)?;
        Ok(fields
            .into_iter()
            .map(|(name, uri, email, twitter)| Author {
                name,
                uri,
                email,
                twitter,
            })
            .collect())
    }
}

/// [`Post::extra`] serialised as one JSON string.
mod extra_as_json {
    use serde::{de::Error as _, ser::Error as _, Deserialize, Deserializer, Serializer};
    use serde_json::{Map, Value};

    pub(super) fn serialize<S: Serializer>(
        extra: &Map<String, Value>,
        out: S,
    ) -> Result<S::Ok, S::Error> {
        out.serialize_str(&serde_json::to_string(extra).map_err(S::Error::custom)?)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        input: D,
    ) -> Result<Map<String, Value>, D::Error> {
        let text = <&str>::deserialize(input)?;
        if text == "{}" {
            return Ok(Map::new());
        }
        serde_json::from_str(text).map_err(D::Error::custom)
    }
}

/// Front-matter keys herald reads; all others are kept in `extra`.
const KNOWN: &[&str] = &[
    "title",
    "id",
    "date",
    "publishDate",
    "updated",
    "lastmod",
    "last_modified_at",
    "author",
    "authors",
    "author-twitter",
    "author_twitter",
    "tags",
    "categories",
    "category",
    "excerpt",
    "description",
    "summary",
    "draft",
    "published",
    "slug",
    "url",
];

/// The most tags a post keeps. With `per_tag` each tag is a feed, and each item repeats its
/// tags in every feed it is in: bounded, a site's output grows linearly with its posts.
pub(crate) const MAX_TAGS: usize = 100;

pub(super) fn post_from(site: &Site, at: &Located, split: &Split<'_>) -> Result<Post, NotPost> {
    // Jekyll's `defaults` are front matter the post's own overrides.
    let with_defaults;
    let split = match &site.config.rules {
        Rules::Jekyll(rules) if !rules.defaults.is_empty() => {
            with_defaults = Split {
                front: super::rules::jekyll_defaults(rules, at, &split.front),
                key_lines: split.key_lines.clone(),
                front_line: split.front_line,
                body: split.body,
            };
            &with_defaults
        }
        _ => split,
    };
    let path = at.path.as_path();
    let front = &split.front;
    let file_stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("post");
    let file_date = date_from_file_name(file_stem);
    let name_slug = file_date.map_or(file_stem, |(_, rest)| rest);

    let title = match front.get("title").and_then(scalar) {
        Some(t) => plain(&t),
        // Jekyll titles a post from its file name: each word capitalised.
        None if matches!(site.config.rules, Rules::Jekyll(_)) => titleize(name_slug),
        None => first_heading(split.body).unwrap_or_else(|| name_slug.replace(['-', '_'], " ")),
    };
    let facts = match &site.config.rules {
        Rules::Herald => None,
        Rules::Hugo(rules) => Some(super::rules::hugo(site, rules, at, split, &title)?),
        Rules::Jekyll(rules) => Some(super::rules::jekyll(site, rules, at, split)?),
        Rules::Zola(rules) => Some(super::rules::zola(site, rules, at, split)?),
    };
    let (published, date_line) = match &facts {
        Some(facts) => (facts.published, facts.date_line),
        None => herald_date(site, split, file_date)?,
    };
    let (updated, updated_line) = match ["updated", "lastmod", "last_modified_at"]
        .iter()
        .find(|k| front.contains_key(**k))
    {
        Some(key) => (date_at(site, split, key)?, key_line(split, key)),
        None => (published, date_line),
    };
    let (published, updated) = if facts.is_none() {
        (
            published.with_timezone(&site.tz).fixed_offset(),
            updated.with_timezone(&site.tz).fixed_offset(),
        )
    } else {
        (published, updated)
    };
    // A date no feed can write (as it will be written: in the site's zone for herald's own
    // posts) is this post's error, never a panic in an output.
    writable(published).map_err(|message| (date_line, message))?;
    writable(updated).map_err(|message| (updated_line, message))?;

    let categories = strings(front.get("categories"))
        .into_iter()
        .chain(strings(front.get("category")));
    let categories: Vec<String> = categories.collect();
    let mut tags: Vec<String> = Vec::new();
    let mut more_tags = 0;
    for tag in strings(front.get("tags"))
        .into_iter()
        .chain(categories.iter().cloned())
    {
        let tag = plain(&tag);
        if tag.is_empty() || tags.contains(&tag) {
            continue;
        }
        if tags.len() < MAX_TAGS {
            tags.push(tag);
        } else {
            more_tags += 1;
        }
    }

    let permalink = match &facts {
        None => permalink_of(
            site,
            split,
            &title,
            name_slug,
            file_stem,
            published,
            &categories,
        )?,
        Some(facts) => joined_url(site, split, &facts.path)?,
    };
    let mut warnings = facts
        .as_ref()
        .map(|f| f.warnings.clone())
        .unwrap_or_default();
    if more_tags > 0 {
        let key = if front.contains_key("tags") {
            "tags"
        } else {
            "categories"
        };
        warnings.push((
            key_line(split, key),
            format!("{} tags: only the first {MAX_TAGS} are kept (each tag is a feed, and each feed repeats its items' tags)", MAX_TAGS + more_tags),
        ));
    }
    let id = match front.get("id").and_then(scalar) {
        Some(id) => {
            checked_id(&id).map_err(|message| (key_line(split, "id"), message))?;
            id
        }
        None => permalink.to_string(),
    };
    // A language on its own host (Hugo's per-language baseURL) is on the site.
    let own_host = site
        .config
        .rules
        .languages()
        .get(&at.lang)
        .is_some_and(|l| l.base_url.is_some());
    if permalink.host_str() != site.base_url.host_str() && !own_host {
        warnings.push((
            key_line(split, "url"),
            format!(
                "the permalink {permalink} is not on the site ({}): feeds and the digest link there",
                site.base()
            ),
        ));
    }
    let draft = match &facts {
        Some(facts) => facts.draft,
        None => {
            front.get("draft").is_some_and(truthy)
                || front.get("published").is_some_and(|v| !truthy(v))
        }
    };
    let excerpt = ["excerpt", "description", "summary"]
        .iter()
        .find_map(|k| {
            front
                .get(*k)
                .and_then(scalar)
                .map(|e| (e, key_line(split, k)))
        })
        .filter(|(e, _)| !e.trim().is_empty())
        .map(|(e, line)| (unescape_html(&e), line));
    let extra: Map<String, Value> = front
        .iter()
        .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();

    Ok(Post {
        path: path.to_path_buf(),
        id,
        title,
        permalink: permalink.into(),
        published,
        date_line,
        updated,
        authors: authors(front),
        tags,
        draft,
        future_ok: facts.as_ref().is_some_and(|f| f.future_ok),
        expires: facts.as_ref().and_then(|f| f.expires),
        section: at.section().to_string(),
        blog: blog_of(site, at),
        lang: at.lang.clone(),
        rel: at.rel.clone(),
        excerpt,
        extra,
        warnings,
    })
}

/// The blog a post belongs to: the deepest of the site's blogs (`blogs`, and Zola sections
/// with their own feeds) whose folder holds it; empty for the main blog.
fn blog_of(site: &Site, at: &Located) -> String {
    let mut blogs: Vec<&str> = site.config.blogs.iter().map(String::as_str).collect();
    if let Rules::Zola(rules) = &site.config.rules {
        blogs.extend(rules.feed_sections.iter().map(String::as_str));
    }
    let folder = at.dirs.join("/");
    let section = blogs
        .into_iter()
        .map(|b| b.trim_matches('/'))
        .filter(|b| !b.is_empty() && (folder == *b || folder.starts_with(&format!("{b}/"))))
        .max_by_key(|b| b.len())
        .unwrap_or("");
    // Each language other than the default is a blog of its own, at its URL prefix.
    // (One on a host of its own is a blog too, named by its code, never mixed into the
    // default language's feeds.)
    let languages = site.config.rules.languages();
    let prefix = languages.get(&at.lang).map_or("", |l| {
        if l.prefix.is_empty() && l.base_url.is_some() && l.code != languages.default {
            l.code.as_str()
        } else {
            l.prefix.as_str()
        }
    });
    match (prefix, section) {
        ("", section) => section.to_string(),
        (prefix, "") => prefix.to_string(),
        (prefix, section) => format!("{prefix}/{section}"),
    }
}

/// Jekyll's `Utils.titleize_slug`: the words between `-` with each one's first letter
/// upper-cased and the rest lower-cased (Ruby's `capitalize`).
fn titleize(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// herald's own date rule: `date` or `publishDate`, else the file name's date.
fn herald_date(
    site: &Site,
    split: &Split<'_>,
    file_date: Option<(chrono::NaiveDate, &str)>,
) -> Result<(DateTime<FixedOffset>, usize), LineError> {
    let date_key = ["date", "publishDate"]
        .iter()
        .find(|k| split.front.contains_key(**k));
    let date_line = date_key.map_or(split.front_line, |key| key_line(split, key));
    let published =
        match date_key {
            Some(key) => date_at(site, split, key)?,
            None => match file_date {
                Some((date, _)) => {
                    in_zone(date.and_hms_opt(0, 0, 0).expect("midnight exists"), site.tz)
                }
                None => return Err((
                    split.front_line,
                    "no date: add `date:` to the front matter or name the file YYYY-MM-DD-slug.md"
                        .into(),
                )),
            },
        };
    Ok((published, date_line))
}

fn date_at(site: &Site, split: &Split<'_>, key: &str) -> Result<DateTime<FixedOffset>, LineError> {
    let value = split.front.get(key).and_then(scalar).unwrap_or_default();
    parse_date(&value, site.tz).ok_or_else(|| {
        (
            key_line(split, key),
            format!("cannot read `{key}: {value}` as a date (expected e.g. 2020-09-04T08:00:00Z or 2020-09-04 10:00:00)"),
        )
    })
}

#[allow(
    clippy::too_many_arguments,
    reason = "each part of the permalink is its own input"
)]
fn permalink_of(
    site: &Site,
    split: &Split<'_>,
    title: &str,
    name_slug: &str,
    file_stem: &str,
    published: DateTime<FixedOffset>,
    categories: &[String],
) -> Result<Url, LineError> {
    let front = &split.front;
    let path = match front.get("url").and_then(scalar) {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => url,
        Some(url) => format!("/{}", url.trim_start_matches('/')),
        None => {
            let slug = match (
                front.get("slug").and_then(scalar),
                site.config.permalink_title,
            ) {
                (Some(slug), _) => slug,
                (None, TitleSource::Title) => hugo_slug(title),
                (None, TitleSource::Filename) => name_slug.to_string(),
            };
            let parts = Parts {
                date: published,
                title: &slug,
                categories,
                filename: file_stem,
            };
            permalink::expand(&site.config.permalink, &parts).map_err(|token| {
                (
                    split.front_line,
                    format!(
                        "the permalink pattern {:?} has a token herald does not know: `:{token}`",
                        site.config.permalink
                    ),
                )
            })?
        }
    };
    joined_url(site, split, &path)
}

/// A permalink path below the site's base URL (or an absolute URL) as a URL.
fn joined_url(site: &Site, split: &Split<'_>, path: &str) -> Result<Url, LineError> {
    let joined = if path.starts_with('/') {
        format!("{}{path}", site.base())
    } else {
        path.to_string()
    };
    let url = Url::parse(&joined).map_err(|e| {
        (
            key_line(split, "url"),
            format!("permalink {joined:?} is not a URL: {e}"),
        )
    })?;
    match herald_entry::uri_problem(url.as_str()) {
        Some(problem) => Err((key_line(split, "url"), format!("the permalink {problem}"))),
        None => Ok(url),
    }
}

/// A front-matter `id` becomes the feeds' entry id (RSS guid, Atom id, JSON id): it must
/// be a URI of a scheme feed readers treat as an identity, never one they might follow.
fn checked_id(id: &str) -> Result<(), String> {
    match Url::parse(id.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https" | "tag" | "urn") => Ok(()),
        _ => Err(format!(
            "id {id:?} is not an http, https, tag or urn URI: feeds use it as the entry's identity"
        )),
    }
}

/// Whether the front matter gives the title (else it comes from the body's first heading).
pub(crate) fn has_title(split: &Split<'_>) -> bool {
    split.front.get("title").and_then(scalar).is_some()
}

fn first_heading(body: &str) -> Option<String> {
    body.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|h| plain(h.trim()))
        .filter(|h| !h.is_empty())
}

/// An excerpt that holds only escaped HTML (`&lt;p&gt;…`) is unescaped once.
fn unescape_html(text: &str) -> String {
    if text.contains("&lt;") && !text.contains('<') {
        decode_entities(text)
    } else {
        text.to_string()
    }
}
