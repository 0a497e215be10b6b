//! Posts → entries. Loading reads every file and parses its front matter (cheap, all posts);
//! rendering turns a loaded post into an [`Entry`] (Markdown, shortcodes, sanitising), and is
//! done only for the posts an output shows.

mod dates;
mod front_matter;
mod html;
mod markdown;
mod meta;
mod permalink;
mod shortcodes;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;
use serde_json::{Map, Value};
use url::Url;

use crate::config::Site;
use crate::diag::Diagnostic;
use crate::entry::{Author, Entry};
pub(crate) use dates::in_zone;
pub(crate) use html::{attribute, decode_entities, plain, to_text};
use html::{Bases, Sanitizer};
pub(crate) use markdown::slug;

/// Which posts to keep.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// Keep drafts (`draft: true`, `published: false`).
    pub drafts: bool,
    /// Keep posts dated after `now`.
    pub future: bool,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// A post whose front matter has been read and checked, but whose body is not yet rendered.
#[derive(Debug, Clone)]
pub struct Post {
    /// The file it came from.
    pub path: PathBuf,
    /// Stable id.
    pub id: String,
    /// Plain-text title.
    pub title: String,
    /// Absolute permalink.
    pub permalink: Url,
    /// Publication time.
    pub published: DateTime<FixedOffset>,
    /// Last change.
    pub updated: DateTime<FixedOffset>,
    /// Authors.
    pub authors: Vec<Author>,
    /// Tags and categories.
    pub tags: Vec<String>,
    /// Whether the post is a draft.
    pub draft: bool,
    /// Front-matter summary and the line it is on.
    excerpt: Option<(String, usize)>,
    extra: Map<String, Value>,
}

/// The result of loading a posts directory.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Posts that loaded and passed the filter, newest first.
    pub posts: Vec<Post>,
    /// Every problem found, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read.
    pub files: usize,
    /// How many loaded posts the filter left out (drafts, future posts).
    pub filtered: usize,
}

/// Reads every post below `dir`. A broken post becomes a diagnostic; the others still load.
pub fn load(site: &Site, dir: &Path, filter: &Filter) -> Result<Loaded> {
    let paths = post_paths(dir)?;
    let results: Vec<Result<Post, Diagnostic>> =
        paths.par_iter().map(|p| load_one(site, p)).collect();
    let mut loaded = Loaded {
        files: paths.len(),
        ..Loaded::default()
    };
    for result in results {
        match result {
            Ok(post) if keep(&post, filter) => loaded.posts.push(post),
            Ok(_) => loaded.filtered += 1,
            Err(diagnostic) => loaded.diagnostics.push(diagnostic),
        }
    }
    loaded
        .posts
        .sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));
    Ok(loaded)
}

/// The posts that feeds of `limit` entries (0: all) show, overall and per tag when asked:
/// only these need rendering. `posts` is sorted newest first and so is the result.
pub fn shown_in_feeds(posts: &[Post], limit: usize, per_tag: bool) -> Vec<&Post> {
    if limit == 0 {
        return posts.iter().collect();
    }
    let mut per_tag_count: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::new();
    posts
        .iter()
        .enumerate()
        .filter(|(i, post)| {
            let mut shown = *i < limit;
            if per_tag {
                for tag in &post.tags {
                    let count = per_tag_count.entry(tag).or_default();
                    *count += 1;
                    shown |= *count <= limit;
                }
            }
            shown
        })
        .map(|(_, post)| post)
        .collect()
}

fn keep(post: &Post, filter: &Filter) -> bool {
    (filter.drafts || !post.draft) && (filter.future || post.published <= filter.now)
}

/// Every Markdown file below `dir`, sorted, leaving out Hugo's section `_index.md` files.
fn post_paths(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        bail!("posts directory {} does not exist", dir.display());
    }
    let mut paths = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .with_context(|| format!("failed to read directory {}", dir.display()))?;
        for entry in entries {
            let path = entry
                .with_context(|| format!("failed to read directory {}", dir.display()))?
                .path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') || name.starts_with("_index.") {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("md" | "markdown")
            ) {
                paths.push(path);
            }
        }
    }
    paths.sort();
    Ok(paths)
}

fn load_one(site: &Site, path: &Path) -> Result<Post, Diagnostic> {
    let text = read_text(path)?;
    let split =
        front_matter::split(&text).map_err(|(line, msg)| Diagnostic::error(path, line, msg))?;
    meta::post_from(site, path, &split).map_err(|(line, msg)| Diagnostic::error(path, line, msg))
}

/// A post's text: UTF-8 without NUL bytes, BOM removed, line ends normalised to `\n`.
fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(path, 1, format!("cannot read file: {e}")))?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            return Err(Diagnostic::error(
                path,
                line,
                "file is not valid UTF-8 text",
            ));
        }
    };
    if text.contains('\0') {
        let line = text[..text.find('\0').unwrap_or(0)].matches('\n').count() + 1;
        return Err(Diagnostic::error(
            path,
            line,
            "file holds NUL bytes: not a text post",
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    })
}

/// Renders loaded posts into entries, using one sanitiser for the whole run.
pub struct Renderer<'a> {
    site: &'a Site,
    sanitizer: Sanitizer,
}

impl<'a> Renderer<'a> {
    /// A renderer for one site.
    pub fn new(site: &'a Site) -> Renderer<'a> {
        Renderer {
            site,
            sanitizer: Sanitizer::new(),
        }
    }

    /// Renders posts in parallel, keeping their order; warnings are returned beside them.
    pub fn render_all(&self, posts: &[&Post]) -> (Vec<Entry>, Vec<Diagnostic>) {
        let rendered: Vec<(Entry, Vec<Diagnostic>)> =
            posts.par_iter().map(|p| self.render(p)).collect();
        let mut diagnostics = Vec::new();
        let entries = rendered
            .into_iter()
            .map(|(entry, mut d)| {
                diagnostics.append(&mut d);
                entry
            })
            .collect();
        (entries, diagnostics)
    }

    /// Renders one post.
    pub fn render(&self, post: &Post) -> (Entry, Vec<Diagnostic>) {
        let bases = Bases {
            site: self.site.base().to_string(),
            page: post.permalink.clone(),
        };
        let mut warnings = Vec::new();
        // Bodies are read again here rather than kept from loading: only the posts an output
        // shows are rendered, and a large blog's bodies need not all sit in memory.
        let text = read_text(&post.path).unwrap_or_else(|d| {
            warnings.push(d);
            String::new()
        });
        let (body, body_line) = front_matter::body(&text).unwrap_or_else(|(line, message)| {
            warnings.push(Diagnostic::error(&post.path, line, message));
            ("", 1)
        });
        let mut html_of = |markdown: &str, first_line: usize| {
            let expanded = shortcodes::expand(markdown, self.site);
            for (line, message) in expanded.warnings {
                warnings.push(Diagnostic::warning(&post.path, first_line + line, message));
            }
            let (before_more, _) = expanded
                .text
                .split_once("<!--more-->")
                .unwrap_or((&expanded.text, ""));
            let more = (before_more.len() < expanded.text.len())
                .then(|| self.sanitizer.clean(&markdown::render(before_more), &bases));
            (
                self.sanitizer
                    .clean(&markdown::render(&expanded.text), &bases),
                more,
            )
        };
        let (content_html, more) = html_of(body, body_line);
        let content_text = to_text(&content_html);
        let summary_html = match (&post.excerpt, more) {
            (Some((excerpt, line)), _) => html_of(excerpt, *line).0,
            (None, Some(more)) => more,
            (None, None) => summary_of_text(&content_text, self.site.config.summary_length).0,
        };
        let summary_text = to_text(&summary_html);
        let image = first_image(&content_html);
        let entry = Entry {
            id: post.id.clone(),
            title: post.title.clone(),
            permalink: post.permalink.to_string(),
            published: post.published,
            updated: post.updated,
            authors: post.authors.clone(),
            tags: post.tags.clone(),
            words: content_text.split_whitespace().count(),
            summary_html,
            summary_text,
            content_html,
            content_text,
            image,
            source: post.path.clone(),
            extra: post.extra.clone(),
        };
        (entry, warnings)
    }
}

/// A summary made from plain text: the words that fit in about `length` characters (with
/// `…` when cut), as (HTML paragraph, text). The feeds' automatic summaries and the digest's
/// shortened ones both come from here. `length` 0 gives no summary at all.
pub(crate) fn summary_of_text(text: &str, length: usize) -> (String, String) {
    let mut summary = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let word_chars = word.chars().count();
        if chars + word_chars + 1 > length && (!summary.is_empty() || length == 0) {
            summary.push('…');
            break;
        }
        if !summary.is_empty() {
            summary.push(' ');
            chars += 1;
        }
        summary.push_str(word);
        chars += word_chars;
    }
    if length == 0 {
        summary.clear();
    }
    let mut html = String::new();
    if !summary.is_empty() {
        html.push_str("<p>");
        pulldown_cmark_escape::escape_html_body_text(&mut html, &summary)
            .expect("writing to a String");
        html.push_str("</p>");
    }
    (html, summary)
}

fn first_image(html: &str) -> Option<String> {
    let start = html.find("<img ")?;
    let end = html[start..].find('>')? + start;
    attribute(&html[start..end], "src")
}
