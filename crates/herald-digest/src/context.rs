//! The typed template context of the digest.

use serde::Serialize;

use super::period::Period;
use herald_config::{DigestSpec, Site};
use herald_entry::Entry;

/// Everything the digest templates can use.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Context {
    pub site: SiteInfo,
    /// The period the digest covers.
    pub period: PeriodInfo,
    /// The same, by the name templates written for weekly digests use.
    pub week: PeriodInfo,
    pub entries: Vec<EntryInfo>,
    pub counts: Counts,
    pub links: Links,
    /// Hidden preview text shown by mail clients after the subject.
    pub preheader: String,
    /// Rendering the archive's web page of the digest rather than the email.
    pub web: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct SiteInfo {
    pub title: String,
    pub url: String,
    pub description: String,
    /// The language tag of the content, for `<html lang>`.
    pub lang: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PeriodInfo {
    /// `2020-W36`, `2020-09`, `2020-09-04`.
    pub key: String,
    /// `31 August – 6 September 2020`, `September 2020`, `Friday, 4 September 2020`.
    pub label: String,
    pub start: String,
    pub end: String,
    /// `weekly`, `monthly`, `daily`.
    pub cadence: &'static str,
    /// `This week: 31 August – 6 September 2020`, `This month: September 2020`, or the
    /// day's label.
    pub heading: String,
    /// `this week`, `this month`, `that day`.
    pub this: &'static str,
    /// The heading within a line: `this week, 31 August – 6 September 2020`.
    pub lead: String,
}

impl PeriodInfo {
    fn new(period: &Period) -> PeriodInfo {
        let label = period.label();
        let this = period.this();
        let (heading, lead) = match period.cadence {
            herald_config::Cadence::Daily => (label.clone(), label.clone()),
            _ => (
                format!("{}{}: {label}", this[..1].to_uppercase(), &this[1..]),
                format!("{this}, {label}"),
            ),
        };
        PeriodInfo {
            key: period.key(),
            label,
            start: period.start.to_rfc3339(),
            end: period.end.to_rfc3339(),
            cadence: period.cadence.adjective(),
            heading,
            this,
            lead,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct EntryInfo {
    pub title: String,
    pub permalink: String,
    pub authors: String,
    pub published: String,
    pub summary_html: String,
    /// The summary for the text part: its HTML as text that keeps what the HTML says
    /// (links as numbered references under it, list items, headings, table rows, code).
    pub summary_text: String,
    /// What the email's summary leaves out, said where it stops (`The post goes on with a
    /// table.`), when a part that no phone shows well was cut; else empty.
    pub cut: String,
    /// The summary's plain words alone, which a shorter summary is cut from.
    #[serde(skip)]
    pub words: String,
    pub reading_minutes: usize,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Counts {
    pub posts: usize,
    /// Posts left out because the email would be too large (0 almost always).
    pub omitted: usize,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Links {
    /// The mailing list's own archive (`List-Archive`).
    pub archive: Option<String>,
    /// This digest's page in the digest archive ("View in your browser").
    pub web: Option<String>,
    /// The digest archive's index.
    pub digests: Option<String>,
    /// How to leave the list: the first configured unsubscribe URI.
    pub unsubscribe: Option<Unsubscribe>,
    pub feeds: Vec<FeedLink>,
}

/// One way to leave the list: the URI, and what to show for it (a `mailto:`'s address).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Unsubscribe {
    pub url: String,
    pub label: String,
    /// Whether it is an address to write to rather than a page to open.
    pub mail: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FeedLink {
    pub name: &'static str,
    pub url: String,
}

impl Context {
    pub(crate) fn new(
        site: &Site,
        spec: &DigestSpec,
        period: &Period,
        entries: &[Entry],
    ) -> Context {
        let config = &site.config;
        let digest = &spec.config;
        let feeds = config
            .feeds
            .formats
            .iter()
            .map(|&format| FeedLink {
                name: format.name(),
                url: site.feed_url(std::path::Path::new(config.feeds.file_name(format))),
            })
            .collect();
        let titles: Vec<&str> = entries.iter().map(|e| e.title.as_str()).collect();
        let period_info = PeriodInfo::new(period);
        Context {
            site: SiteInfo {
                title: config.title.clone(),
                url: format!("{}/", site.base()),
                description: config.description.clone(),
                lang: config.language.clone(),
            },
            week: period_info.clone(),
            period: period_info,
            entries: entries.iter().map(EntryInfo::new).collect(),
            counts: Counts {
                posts: entries.len(),
                omitted: 0,
            },
            links: Links {
                archive: digest.list_archive.clone(),
                web: digest
                    .archive
                    .then(|| site.digest_archive_url(spec, Some(&period.key()))),
                digests: digest.archive.then(|| site.digest_archive_url(spec, None)),
                unsubscribe: digest.list_unsubscribe.first().map(|url| {
                    let address = url
                        .strip_prefix("mailto:")
                        .map(|a| a.split('?').next().unwrap_or(a).to_string());
                    Unsubscribe {
                        url: url.clone(),
                        label: address.clone().unwrap_or_else(|| url.clone()),
                        mail: address.is_some(),
                    }
                }),
                feeds,
            },
            preheader: format!("New {}: {}", period.this(), titles.join(" · ")),
            web: false,
        }
    }
}

impl EntryInfo {
    fn new(e: &Entry) -> EntryInfo {
        let names: Vec<&str> = e.authors.iter().map(|a| a.name.as_str()).collect();
        let (html, cut) = super::text::fit_for_phones(&e.summary_html);
        EntryInfo {
            title: e.title.clone(),
            permalink: e.permalink.clone(),
            authors: join_names(&names),
            published: e.published.format("%A, %-d %B %Y").to_string(),
            summary_html: html,
            cut,
            summary_text: super::text::plain(&e.summary_html)
                .unwrap_or_else(|| e.summary_text.clone()),
            words: e.summary_text.clone(),
            reading_minutes: e.words.div_ceil(200).max(1),
            tags: e.tags.clone(),
        }
    }
}

/// `A`, `A and B`, `A, B and C`.
fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `1 post`, `2 posts`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
