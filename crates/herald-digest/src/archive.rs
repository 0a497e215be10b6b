//! The web archive of one digest's sent issues, under the feeds' output folder: one page per
//! period (`digests/2020-W36/index.html`, the email as its subscribers saw it, less the
//! list's addresses and the way to leave it), an index, and an Atom feed of them.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use atom_syndication::{Content, Entry as AtomEntry, Feed as AtomFeed, Link, Person, Text};
use chrono::{DateTime, Utc};
use handlebars::Handlebars;
use serde::Serialize;

use super::context::plural;
use super::period::Period;
use super::render::{render_page, template_source};
use herald_config::{DigestSpec, Site};
use herald_entry::markup::escape_html as escape;
use herald_entry::Entry;

const INDEX_TEMPLATE: &str = include_str!("../../../templates/digests.html.hbs");

/// One sent digest: its period, when it went out, and the entries it showed.
pub struct Archived<'a> {
    /// The period.
    pub period: Period,
    /// When the list accepted it.
    pub sent_at: DateTime<Utc>,
    /// The period's entries, newest first.
    pub entries: &'a [Entry],
}

/// `spec`'s archive files, paths relative to the feeds' output folder. `digests` in any
/// order.
pub fn render(
    site: &Site,
    spec: &DigestSpec,
    digests: &[Archived<'_>],
) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let dir = &spec.config.archive_dir;
    let mut digests: Vec<&Archived<'_>> = digests.iter().collect();
    digests.sort_by_key(|d| std::cmp::Reverse(d.period.start));
    let mut files = Vec::new();
    let mut listed = Vec::new();
    for digest in &digests {
        let key = digest.period.key();
        let (subject, page) = render_page(site, spec, digest.period, digest.entries)?;
        files.push((dir.join(&key).join("index.html"), page.into_bytes()));
        listed.push(Listed {
            url: site.digest_archive_url(spec, Some(&key)),
            subject,
            posts: plural(digest.entries.len(), "post"),
            sent: digest.sent_at.format("%-d %B %Y").to_string(),
            sent_at: digest.sent_at,
            entries: digest.entries,
        });
    }
    let index = Index {
        lang: site.config.language.clone(),
        title: format!(
            "{}: every {}{} digest",
            site.config.title,
            spec.cadence().adjective(),
            spec.name
                .as_ref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default()
        ),
        site_title: site.config.title.clone(),
        site_url: format!("{}/", site.base()),
        feed: site.feed_url(&dir.join("atom.xml")),
        digests: &listed,
    };
    let mut handlebars = Handlebars::new();
    handlebars.set_strict_mode(true);
    let source = template_source(site, spec, "digests.html.hbs", INDEX_TEMPLATE)?;
    handlebars
        .register_template_string("index", source)
        .context("digests.html.hbs is not a valid template")?;
    let html = handlebars
        .render("index", &index)
        .context("failed to render digests.html.hbs")?;
    files.push((dir.join("index.html"), html.into_bytes()));
    files.push((dir.join("atom.xml"), atom(site, spec, &index)?));
    Ok(files)
}

#[derive(Serialize)]
struct Index<'a> {
    lang: String,
    title: String,
    site_title: String,
    site_url: String,
    feed: String,
    digests: &'a [Listed<'a>],
}

#[derive(Serialize)]
struct Listed<'a> {
    url: String,
    subject: String,
    posts: String,
    sent: String,
    #[serde(skip)]
    sent_at: DateTime<Utc>,
    #[serde(skip)]
    entries: &'a [Entry],
}

/// The Atom feed of a digest: an entry per period, linking its page, listing its posts.
fn atom(site: &Site, spec: &DigestSpec, index: &Index<'_>) -> Result<Vec<u8>> {
    let updated = index
        .digests
        .iter()
        .map(|d| d.sent_at)
        .max()
        .unwrap_or_default()
        .fixed_offset();
    let author = Person {
        name: site
            .config
            .author
            .clone()
            .unwrap_or_else(|| site.config.title.clone()),
        ..Person::default()
    };
    let link = |href: &str, rel: &str, mime: &str| Link {
        href: href.into(),
        rel: rel.into(),
        mime_type: Some(mime.into()),
        ..Link::default()
    };
    let entries = index
        .digests
        .iter()
        .map(|d| {
            let mut list = String::from("<ul>");
            for entry in d.entries {
                list.push_str(&format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    escape(&entry.permalink),
                    escape(&entry.title)
                ));
            }
            list.push_str("</ul>");
            let titles: Vec<&str> = d.entries.iter().map(|e| e.title.as_str()).collect();
            AtomEntry {
                id: d.url.clone(),
                title: Text::plain(d.subject.clone()),
                updated: d.sent_at.fixed_offset(),
                published: Some(d.sent_at.fixed_offset()),
                authors: vec![author.clone()],
                links: vec![link(&d.url, "alternate", "text/html")],
                summary: Some(Text::plain(format!("{}: {}", d.posts, titles.join("; ")))),
                content: Some(Content {
                    value: Some(list),
                    content_type: Some("html".into()),
                    ..Content::default()
                }),
                ..AtomEntry::default()
            }
        })
        .collect();
    let feed = AtomFeed {
        id: index.feed.clone(),
        title: Text::plain(index.title.clone()),
        updated,
        authors: vec![author.clone()],
        links: vec![
            link(
                &site.digest_archive_url(spec, None),
                "alternate",
                "text/html",
            ),
            link(&index.feed, "self", "application/atom+xml"),
        ],
        lang: Some(site.config.language.clone()),
        entries,
        ..AtomFeed::default()
    };
    let config = atom_syndication::WriteConfig {
        write_document_declaration: false,
        indent_size: Some(2),
    };
    let declaration = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_vec();
    let mut out = feed
        .write_with_config(declaration, config)
        .context("failed to write the digests' Atom feed")?;
    out.push(b'\n');
    Ok(out)
}
