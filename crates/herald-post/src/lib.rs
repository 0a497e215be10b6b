//! Posts → entries. Loading reads every file and parses its front matter (cheap, all posts);
//! rendering turns a loaded post into an [`Entry`] (Markdown, shortcodes, sanitising), and is
//! done only for the posts an output shows.

mod builtins;
mod cache;
mod dates;
mod dialect;
mod front_matter;
mod html;
mod layout;
mod linkify;
mod links;
mod markdown;
mod meta;
mod permalink;
mod read;
mod rules;
mod shortcodes;
mod typography;
mod walk;

use std::path::Path;

use anyhow::Result;
use chrono::{DateTime, Utc};
use rayon::prelude::*;

use herald_config::diag::{Diagnostic, Severity};
use herald_config::{Rules, Site};
use herald_entry::Entry;
use html::{
    summary_of_html, summary_text, text_and_first_image, too_deep, Bases, Sanitizer,
    MAX_HTML_NESTING,
};
pub use meta::Post;
use read::{read_head, read_text};

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
    /// How many files' front matter came from the cache rather than being read.
    pub cached: usize,
}

/// Reads every post below `dir`. A broken post becomes a diagnostic; the others still load.
pub fn load(site: &Site, dir: &Path, filter: &Filter) -> Result<Loaded> {
    let (paths, problems) = walk::post_paths(dir)?;
    let roots = layout::Roots::of(&site.config.rules, &site.root, dir);
    let located = layout::locate(
        &site.config.rules,
        &site.config.collections,
        &roots,
        dir,
        paths,
    );
    let mut cache = (!site.config.cache.as_os_str().is_empty())
        .then(|| cache::Cache::new(site.resolve(&site.config.cache), site, dir));
    // Each file's stamp is taken before it is read, so a change made while it is read shows
    // in the next run's stamp.
    let stamps: Vec<Option<cache::Stamp>> = match cache {
        Some(_) => cache::Stamp::all(&located),
        None => vec![None; located.len()],
    };
    let mut outcomes = match &mut cache {
        Some(cache) => cache.take(&located, &stamps),
        None => vec![None; located.len()],
    };
    let cached = outcomes.iter().filter(|k| k.is_some()).count();
    outcomes
        .par_iter_mut()
        .zip(&located)
        .filter(|(outcome, _)| outcome.is_none())
        .for_each(|(outcome, at)| *outcome = Some(load_one(site, at)));
    if let Some(cache) = &cache {
        if let Err(e) = cache.save(&located, &stamps, cached, &outcomes) {
            tracing::warn!("could not keep the loaded posts for the next run: {e:#}");
        }
    }
    // The errors are copied out with the section of their file, then the posts are moved
    // into their own allocation (an outcome is the size of a post), and every later step
    // filters in place.
    let mut errors: Vec<(String, Diagnostic)> = outcomes
        .iter()
        .zip(&located)
        .filter_map(|(o, at)| {
            let error = o.as_ref()?.as_ref()?.as_ref().err()?;
            Some((at.section().to_string(), error.clone()))
        })
        .collect();
    // Pages read that are not posts (no date): if nothing else is found, that is said.
    let pages = outcomes.iter().filter(|o| matches!(o, Some(None))).count();
    // Only the outcomes are needed from here: a large blog's posts are held once.
    drop((cache, located, stamps));
    let mut loaded = Loaded {
        diagnostics: problems,
        cached,
        ..Loaded::default()
    };
    let mut posts: Vec<Post> = outcomes
        .into_iter()
        .filter_map(|o| o.flatten()?.ok())
        .collect();
    // Hugo: only the blog sections' pages are posts, and only their problems count.
    if let Rules::Hugo(rules) = &site.config.rules {
        let mut sections: Vec<String> = if rules.sections.is_empty() {
            busiest_section(&posts).into_iter().collect()
        } else {
            rules.sections.clone()
        };
        sections.extend(site.config.blogs.iter().cloned());
        posts.retain(|p| sections.contains(&p.section));
        errors.retain(|(section, _)| sections.contains(section));
    }
    if posts.is_empty() && errors.is_empty() && pages > 0 {
        loaded.diagnostics.push(Diagnostic::new(
            dir,
            None,
            Severity::Warning,
            format!(
                "{pages} pages and no post: {}",
                why_no_posts(&site.config.rules)
            ),
        ));
    }
    let load_errors = errors.len();
    loaded
        .diagnostics
        .extend(errors.into_iter().map(|(_, d)| d));
    loaded.files = posts.len() + load_errors;
    let mut path_dated = 0;
    for post in &posts {
        for (line, message) in &post.warnings {
            // A rule that dates many pages is said once, at its first page.
            if message == rules::PATH_DATE_RULE {
                path_dated += 1;
                if path_dated > 1 {
                    continue;
                }
            }
            loaded
                .diagnostics
                .push(Diagnostic::warning(&post.path, *line, message));
        }
    }
    if path_dated > 1 {
        if let Some(first) = loaded
            .diagnostics
            .iter_mut()
            .find(|d| d.message == rules::PATH_DATE_RULE)
        {
            first.message = format!(
                "{} (this page and {} more)",
                rules::PATH_DATE_RULE,
                path_dated - 1
            );
        }
    }
    let before = posts.len();
    posts.retain(|post| keep(post, filter));
    loaded.filtered = before - posts.len();
    loaded.posts = posts;
    loaded
        .posts
        .sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));
    Ok(loaded)
}

/// The blog's section when `mainSections` does not name it: the one named as blogs name
/// theirs (`blog`, `posts`, `post`, `news`, `articles`), else the section with the most
/// dated pages (Hugo's own `mainSections` default). A documentation section with dated
/// pages is larger than the blog on many project sites.
fn busiest_section(posts: &[Post]) -> Option<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for post in posts {
        *counts.entry(&post.section).or_default() += 1;
    }
    BLOG_SECTIONS
        .iter()
        .find(|name| counts.contains_key(**name))
        .map(|name| (*name).to_string())
        .or_else(|| {
            counts
                .into_iter()
                .max_by_key(|(_, n)| *n)
                .map(|(section, _)| section.to_string())
        })
}

/// Why a site's pages can all be pages rather than posts, by its generator's rule.
fn why_no_posts(rules: &Rules) -> &'static str {
    match rules {
        Rules::Zola(_) => "a Zola page is a post when it has a `date`, a dated file or folder name (2020-01-02-name), or, in a section with feeds that does not sort by date, a YYYY/MM/DD in its `path`",
        Rules::Hugo(_) => "a Hugo page is a post when it has a date (`date`, `publishDate`, `lastmod` or a dated file name)",
        Rules::Jekyll(_) | Rules::Herald => "no file has a date",
    }
}

/// The names blogs give their section, in the order one is preferred.
const BLOG_SECTIONS: &[&str] = &["blog", "posts", "post", "news", "articles"];

fn keep(post: &Post, filter: &Filter) -> bool {
    (filter.drafts || !post.draft)
        && (filter.future || post.future_ok || post.published <= filter.now)
        && post.expires.is_none_or(|expires| expires >= filter.now)
}

/// One post, or its problem; `None` for a file that is a page, not a post.
fn load_one(site: &Site, at: &layout::Located) -> Option<Result<Post, Diagnostic>> {
    let path = at.path.as_path();
    let max = site.config.max_post_bytes;
    let (mut text, whole) = match read_head(path, max) {
        Ok(head) => head,
        Err(d) => return Some(Err(d)),
    };
    let mut split = front_matter::split(&text);
    // The body is needed only for a title taken from its first heading.
    if !whole && split.as_ref().is_ok_and(|s| !meta::has_title(s)) {
        text = match read_text(path, max) {
            Ok(text) => text,
            Err(d) => return Some(Err(d)),
        };
        split = front_matter::split(&text);
    }
    let split = match split {
        Ok(split) => split,
        Err((line, msg)) => return Some(Err(Diagnostic::error(path, line, msg))),
    };
    match meta::post_from(site, at, &split) {
        Ok(post) => Some(Ok(post)),
        Err(rules::NotPost::Page) => None,
        Err(rules::NotPost::Error((line, msg))) => Some(Err(Diagnostic::error(path, line, msg))),
    }
}

/// The number of words, as `text.split_whitespace().count()` counts them, over the bytes:
/// decoding every character was costly, as every post is counted (see BENCHMARKS.md,
/// Profiling notes). Unless the text holds a whitespace character beyond ASCII (then each
/// such character is decoded), a word starts at every byte that is not ASCII whitespace
/// after one that is, which is counted in one pass the compiler vectorises.
fn word_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    // Space, tab, line feed, vertical tab, form feed, carriage return.
    let ascii_space = |b: u8| b == b' ' || (b'\t'..=b'\r').contains(&b);
    if !has_unicode_space(bytes) {
        let Some(&first) = bytes.first() else {
            return 0;
        };
        // Each byte is looked at beside the one before it, not after a flag carried from
        // it, so that the compiler vectorises the count: nine times faster than carrying.
        let mut words = usize::from(!ascii_space(first));
        let mut blocks = bytes[1..].chunks_exact(64);
        let mut before = 0;
        for block in &mut blocks {
            let previous = &bytes[before..before + 64];
            let mut starts = 0u8;
            for (&p, &b) in previous.iter().zip(block) {
                starts += u8::from(ascii_space(p) & !ascii_space(b));
            }
            words += usize::from(starts);
            before += 64;
        }
        for (&p, &b) in bytes[before..].iter().zip(blocks.remainder()) {
            words += usize::from(ascii_space(p) & !ascii_space(b));
        }
        return words;
    }
    let mut words = 0;
    let mut in_word = false;
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        let (space, len) = if b.is_ascii() {
            (ascii_space(b), 1)
        } else {
            let c = text[at..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
        at += len;
    }
    words
}

/// Whether UTF-8 `bytes` hold a whitespace character beyond ASCII: U+0085 and U+00A0
/// (C2 85, C2 A0), U+1680 (E1 9A 80), U+2000 to U+200A, U+2028, U+2029 and U+202F (E2 80
/// 80-8A, A8, A9, AF), U+205F (E2 81 9F) and U+3000 (E3 80 80).
fn has_unicode_space(bytes: &[u8]) -> bool {
    memchr::memchr3_iter(0xC2, 0xE1, 0xE2, bytes)
        .chain(memchr::memchr_iter(0xE3, bytes))
        .any(|at| {
            let byte = |i: usize| bytes.get(at + i).copied().unwrap_or(0);
            match (bytes[at], byte(1), byte(2)) {
                (0xC2, second, _) => matches!(second, 0x85 | 0xA0),
                (0xE1, 0x9A, 0x80) | (0xE2, 0x81, 0x9F) | (0xE3, 0x80, 0x80) => true,
                (0xE2, 0x80, third) => matches!(third, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF),
                _ => false,
            }
        })
}

/// How much of a post is read at a time when only its front matter is wanted.
const HEAD_CHUNK: usize = 4096;

/// Each language's base URL and content folder, the default language's first (a shared
/// folder is the default language's); the site's own when it has one language.
fn page_roots(site: &Site) -> Vec<(String, std::path::PathBuf)> {
    let languages = site.config.rules.languages();
    let roots = layout::Roots::of(&site.config.rules, &site.root, &site.posts_dir());
    let base_of = |code: &str| {
        let at = languages.path_in(code, "");
        if at.starts_with('/') || at.is_empty() {
            format!("{}{at}", site.base())
        } else {
            at
        }
    };
    let mut own: Vec<(bool, String, std::path::PathBuf)> = roots
        .own
        .into_iter()
        .map(|(dir, code)| (code != languages.default, base_of(&code), dir))
        .collect();
    own.sort_by_key(|(other, _, _)| *other);
    roots
        .shared
        .map(|dir| (base_of(&languages.default), dir))
        .into_iter()
        .chain(own.into_iter().map(|(_, base, dir)| (base, dir)))
        .collect()
}

/// Renders loaded posts into entries, using one sanitiser for the whole run.
pub struct Renderer<'a> {
    site: &'a Site,
    sanitizer: Sanitizer,
    index: links::Index<'a>,
}

impl<'a> Renderer<'a> {
    /// A renderer for one site whose posts are `posts` (every one, for links between them).
    pub fn new(site: &'a Site, posts: &'a [Post]) -> Renderer<'a> {
        // With a generator's rules the whole site is known: links to its other pages too.
        let pages = (!matches!(site.config.rules, Rules::Herald)).then(|| page_roots(site));
        Renderer {
            site,
            sanitizer: Sanitizer::new(),
            index: links::Index::of(posts, pages),
        }
    }

    /// Renders posts in parallel, keeping their order. A post whose file can no longer be
    /// read gives no entry and an error; warnings are returned beside the entries.
    pub fn render_all(&self, posts: &[&Post]) -> (Vec<Entry>, Vec<Diagnostic>) {
        let (entries, diagnostics) = self.render_each(posts);
        (entries.into_iter().flatten().collect(), diagnostics)
    }

    /// [`Renderer::render_all`] with an entry, or `None`, for every post, in their order.
    pub fn render_each(&self, posts: &[&Post]) -> (Vec<Option<Entry>>, Vec<Diagnostic>) {
        let rendered: Vec<_> = posts.par_iter().map(|p| self.render(p)).collect();
        let mut diagnostics = Vec::new();
        let mut entries = Vec::with_capacity(rendered.len());
        for result in rendered {
            match result {
                Ok((entry, mut warnings)) => {
                    entries.push(Some(entry));
                    diagnostics.append(&mut warnings);
                }
                Err(error) => {
                    entries.push(None);
                    diagnostics.push(error);
                }
            }
        }
        (entries, diagnostics)
    }

    /// Renders one post: its entry and the warnings found, or an error when its file can no
    /// longer be read as it was at loading.
    pub fn render(&self, post: &Post) -> Result<(Entry, Vec<Diagnostic>), Diagnostic> {
        let bases = Bases {
            site: self.site.base().to_string(),
            page: url::Url::parse(&post.permalink).map_err(|e| {
                Diagnostic::error(
                    &post.path,
                    1,
                    format!("the permalink {} is not a URL: {e}", post.permalink),
                )
            })?,
        };
        let mut warnings = Vec::new();
        // Bodies are read again here rather than kept from loading: only the posts an output
        // shows are rendered, and a large blog's bodies need not all sit in memory.
        let text = read_text(&post.path, self.site.config.max_post_bytes)?;
        let (body, body_line) = front_matter::body(&text)
            .map_err(|(line, message)| Diagnostic::error(&post.path, line, message))?;
        let path = &post.path;
        let settings = self.site.config.rules.markdown();
        let mut html_of = |markdown: &str, first_line: usize| -> Result<_, Diagnostic> {
            let page = shortcodes::Page {
                site: self.site,
                title: &post.title,
                params: &post.extra,
                index: &self.index,
                rel: &post.rel,
            };
            let mut expanded = shortcodes::expand(markdown, &page);
            for (line, severity, message) in std::mem::take(&mut expanded.warnings) {
                warnings.push(Diagnostic::new(
                    path,
                    Some(first_line + line),
                    severity,
                    message,
                ));
            }
            let render = |markdown: &str| {
                let rendered =
                    markdown::render(markdown, &settings).map_err(|(line, message)| {
                        Diagnostic::error(path, first_line + line, message)
                    })?;
                let html = expanded.fill(rendered.html);
                // The scan of every tag only where the renderer's bound allows the depth.
                if rendered.depth_bound > MAX_HTML_NESTING && too_deep(&html) {
                    return Err(Diagnostic::error(
                        path,
                        first_line,
                        format!(
                            "HTML nested more than {MAX_HTML_NESTING} elements deep: not rendered"
                        ),
                    ));
                }
                Ok(self.sanitizer.clean(&html, &bases))
            };
            // memchr's search: str's own was slower, and most posts do not have the marker,
            // so each is searched to its end (see BENCHMARKS.md, Profiling notes).
            let marker: &[u8] = match &self.site.config.rules {
                Rules::Jekyll(rules) => rules
                    .excerpt_separator
                    .as_deref()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or("<!--more-->")
                    .as_bytes(),
                _ => b"<!--more-->",
            };
            let more = match memchr::memmem::find(expanded.text.as_bytes(), marker) {
                Some(at) => Some(render(&expanded.text[..at])?),
                None => None,
            };
            Ok((render(&expanded.text)?, more))
        };
        let (content_html, more) = html_of(body, body_line)?;
        let (content_text, image) = text_and_first_image(&content_html);
        let summary_html = match (&post.excerpt, more) {
            (Some((excerpt, line)), _) => html_of(excerpt, *line)?.0,
            (None, Some(more)) => more,
            (None, None) => summary_of_html(&content_html, self.site.config.summary_length),
        };
        let summary_text = summary_text(&summary_html);
        let entry = Entry {
            id: post.id.clone(),
            title: post.title.clone(),
            permalink: post.permalink.clone(),
            published: post.published,
            updated: post.updated,
            authors: post.authors.clone(),
            tags: post.tags.clone(),
            blog: post.blog.clone(),
            lang: post.lang.clone(),
            words: word_count(&content_text),
            summary_html,
            summary_text,
            content_html,
            content_text,
            image,
            source: post.path.clone(),
            extra: post.extra.clone(),
        };
        Ok((entry, warnings))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// Every post file the suite carries (and any text file beside them).
    fn corpus_files() -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path
                    .extension()
                    .is_some_and(|e| e == "md" || e == "markdown" || e == "html")
                {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
        walk(&root.join("corpus"), &mut files);
        walk(&root.join("fixtures"), &mut files);
        files
    }

    proptest::proptest! {
        #[test]
        fn words_are_counted_as_split_whitespace_counts_them_on_any_text(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{85}', '\u{a0}',
                '\u{1680}', '\u{2000}', '\u{200a}', '\u{200b}', '\u{2028}', '\u{2029}',
                '\u{202f}', '\u{205f}', '\u{3000}', '\u{3001}', '\u{201c}', '\u{2060}', 'é',
                '€', '𝄞',
            ]), 0..40)
        ) {
            let text: String = chars.iter().collect();
            proptest::prop_assert_eq!(word_count(&text), text.split_whitespace().count());
        }

        /// Long ASCII text, counted in blocks of 64 bytes.
        #[test]
        fn words_are_counted_as_split_whitespace_counts_them_on_long_text(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'b', ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '.', 'é',
            ]), 0..400)
        ) {
            let text: String = chars.iter().collect();
            proptest::prop_assert_eq!(word_count(&text), text.split_whitespace().count());
        }
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            " ",
            "a",
            " a b  c ",
            "x\u{a0}y\u{3000}z\tw\n",
            "é ü\u{2028}ß",
        ] {
            assert_eq!(
                word_count(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
        for path in corpus_files() {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            assert_eq!(word_count(&text), text.split_whitespace().count());
        }
    }

    #[test]
    fn plain_text_from_the_scan_is_plain_text_from_the_tokenizer_on_every_carried_post() {
        let sanitizer = Sanitizer::new();
        let bases = Bases {
            site: "https://x.org".to_string(),
            page: url::Url::parse("https://x.org/2020/09/04/post/").unwrap(),
        };
        let (mut compared, mut scanned) = (0, 0);
        for path in corpus_files() {
            let Ok(text) = read_text(&path, 2_000_000) else {
                continue;
            };
            let body = front_matter::body(&text).map_or(text.as_str(), |(body, _)| body);
            let Ok(markdown::Rendered { html, .. }) =
                markdown::render(body, &herald_config::generator::Markdown::herald())
            else {
                continue;
            };
            let clean = sanitizer.clean(&html, &bases);
            assert_eq!(
                text_and_first_image(&clean),
                html::text_and_first_image_by(&clean, html::tokenized).unwrap(),
                "{}",
                path.display()
            );
            compared += 1;
            scanned += usize::from(herald_entry::markup::reads_as_serialized(&clean));
        }
        assert!(compared > 400, "{compared} posts compared");
        // The scan, not the tokenizer, read the sanitiser's output.
        assert_eq!(scanned, compared, "{scanned} of {compared} posts scanned");
    }

    type OwnedSplit = Result<
        (
            serde_json::Map<String, serde_json::Value>,
            Vec<(String, usize)>,
            usize,
        ),
        (usize, String),
    >;

    /// What splitting `text` found, owning its text.
    fn owned_split(text: &str) -> OwnedSplit {
        front_matter::split(text).map(|s| {
            let lines = s
                .key_lines
                .iter()
                .map(|&(k, l)| (k.to_string(), l))
                .collect();
            (s.front.clone(), lines, s.front_line)
        })
    }

    #[test]
    fn reading_only_the_front_matter_gives_what_reading_the_whole_post_gives() {
        let mut heads = 0;
        for path in corpus_files() {
            let whole = read_text(&path, 2_000_000).map(|t| {
                let split = owned_split(&t);
                (split, t)
            });
            let head = read_head(&path, 2_000_000).map(|(t, complete)| {
                let split = owned_split(&t);
                (split, t, complete)
            });
            match (whole, head) {
                (Ok((whole_split, whole_text)), Ok((head_split, head_text, complete))) => {
                    assert_eq!(whole_split, head_split, "{}", path.display());
                    assert!(whole_text.starts_with(&head_text), "{}", path.display());
                    assert_eq!(complete, whole_text == head_text, "{}", path.display());
                    if !complete {
                        heads += 1;
                    }
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{}", path.display()),
                (a, b) => panic!("{}: {a:?} / {b:?}", path.display()),
            }
        }
        // The fast path was taken, not only files shorter than one chunk.
        assert!(
            heads > 100,
            "{heads} posts read only up to their front matter"
        );
    }
}
