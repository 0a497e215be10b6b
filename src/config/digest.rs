//! `[digest]`: the weekly email's addresses, templates, list headers and week.

use std::path::PathBuf;

use serde::Deserialize;

/// `[digest]` in the config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DigestConfig {
    /// Sender, e.g. `Apache Flink <news@flink.apache.org>`.
    pub from: String,
    /// The list address the digest goes to.
    pub to: String,
    /// Handlebars template of the subject.
    pub subject: String,
    /// Directory whose `digest.html.hbs` / `digest.txt.hbs` override the built-in ones.
    pub templates_dir: PathBuf,
    /// Where `herald digest` writes, relative to the config file.
    pub out_dir: PathBuf,
    /// The day weeks start on.
    pub week_starts: WeekStart,
    /// Largest HTML part in bytes; Gmail clips messages over about 100 KB.
    pub max_html_bytes: usize,
    /// `List-Id` header, e.g. `<community.flink.apache.org>`.
    pub list_id: Option<String>,
    /// `List-Unsubscribe` URIs (mailto: or https:); the first is shown in both parts.
    pub list_unsubscribe: Vec<String>,
    /// `List-Archive` URL, also linked in the footer.
    pub list_archive: Option<String>,
    /// `List-Post` address, e.g. `mailto:community@flink.apache.org`.
    pub list_post: Option<String>,
    /// Whether sent digests are published as web pages, with an index and an Atom feed.
    pub archive: bool,
    /// Where the archive goes, relative to `[feeds] out_dir` (and to its URL path).
    pub archive_dir: PathBuf,
}

impl Default for DigestConfig {
    fn default() -> Self {
        DigestConfig {
            from: "herald <herald@example.com>".into(),
            to: "list@example.com".into(),
            subject: "{{site.title}} weekly digest: {{week.label}}".into(),
            templates_dir: PathBuf::from("templates"),
            // Never under the public folder: the .eml names the list's address.
            out_dir: PathBuf::from(".herald/digest"),
            week_starts: WeekStart::Monday,
            max_html_bytes: 100_000,
            list_id: None,
            list_unsubscribe: Vec::new(),
            list_archive: None,
            list_post: None,
            archive: true,
            archive_dir: PathBuf::from("digests"),
        }
    }
}

/// The day a digest week starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum WeekStart {
    /// ISO weeks: Monday to Sunday.
    #[default]
    Monday,
    /// Sunday to Saturday; the week is named after the ISO week of its Monday.
    Sunday,
}
