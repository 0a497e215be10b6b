//! `[digest]` and `[[digests]]`: each digest's list, selection of posts, schedule,
//! templates, list headers and archive.

use std::path::PathBuf;

use chrono::Weekday;
use lettre::message::Mailbox;
use serde::Deserialize;

/// `[digest]` in the config: the site's digest, and what each `[[digests]]` takes from it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DigestConfig {
    /// Whether this digest is sent; `false` leaves only the `[[digests]]`.
    pub enabled: bool,
    /// Sender of every digest, e.g. `Apache Flink <news@flink.apache.org>`.
    pub from: String,
    /// The list address the digest goes to.
    pub to: String,
    /// How often it goes out: `weekly` (the default), `monthly` or `daily`.
    pub schedule: Schedule,
    /// The day weekly digests' weeks start on, and so the day they are sent from.
    pub week_starts: WeekStart,
    /// Only posts with one of these tags (case-insensitive); empty: any.
    pub tags: Vec<String>,
    /// Only posts in one of these sections (the first folder under the content folder).
    pub sections: Vec<String>,
    /// Only posts of these blogs (`""` is the main one); empty: every blog.
    pub blogs: Vec<String>,
    /// Only posts in these languages (`en` takes `en-us` too); empty: the default one.
    pub languages: Vec<String>,
    /// Handlebars template of the subject.
    pub subject: String,
    /// Directory whose `digest.html.hbs` / `digest.txt.hbs` override the built-in ones.
    pub templates_dir: PathBuf,
    /// Where `herald digest` writes, relative to the config file.
    pub out_dir: PathBuf,
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

/// What the command line calls `[digest]` (`--digest main`); no `[[digests]]` may take it.
pub const MAIN_DIGEST: &str = "main";

/// The subject unless one is set: `Apache Flink Blog weekly digest: 31 August – 6 September
/// 2020`, `… monthly digest: September 2020`.
pub const DEFAULT_SUBJECT: &str = "{{site.title}} {{period.cadence}} digest: {{period.label}}";

impl Default for DigestConfig {
    fn default() -> Self {
        DigestConfig {
            enabled: true,
            from: "herald <herald@example.com>".into(),
            to: "list@example.com".into(),
            schedule: Schedule::Weekly,
            week_starts: WeekStart::Monday,
            tags: Vec::new(),
            sections: Vec::new(),
            blogs: Vec::new(),
            languages: Vec::new(),
            subject: DEFAULT_SUBJECT.into(),
            templates_dir: PathBuf::from("templates"),
            // Never under the public folder: the .eml names the list's address.
            out_dir: PathBuf::from(".herald/digest"),
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

/// One more digest, `[[digests]]`: a list of its own with its own selection and schedule.
/// What it does not set it takes from `[digest]`, except what belongs to a list (the list
/// headers) and to a selection, which start empty, and its subject, which is the default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestEntry {
    /// Its name: lower-case letters, digits and `-`; it keys its journal records
    /// (`releases:2020-09`), its archive folder and its Message-IDs.
    pub name: String,
    /// The list address it goes to.
    pub to: String,
    /// Whether it is sent.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `weekly` (the default), `monthly` or `daily`.
    #[serde(default)]
    pub schedule: Schedule,
    /// For a weekly digest, the day its weeks start on (default: `[digest]`'s).
    pub week_starts: Option<WeekStart>,
    /// Only posts with one of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Only posts in one of these sections.
    #[serde(default)]
    pub sections: Vec<String>,
    /// Only posts of these blogs.
    #[serde(default)]
    pub blogs: Vec<String>,
    /// Only posts in these languages.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Its subject template (default: [`DEFAULT_SUBJECT`]).
    pub subject: Option<String>,
    /// Its templates (default: `[digest]`'s).
    pub templates_dir: Option<PathBuf>,
    /// Its largest HTML part (default: `[digest]`'s).
    pub max_html_bytes: Option<usize>,
    /// Its list's `List-Id`.
    pub list_id: Option<String>,
    /// Its list's unsubscribe URIs.
    #[serde(default)]
    pub list_unsubscribe: Vec<String>,
    /// Its list's archive.
    pub list_archive: Option<String>,
    /// Its list's posting address.
    pub list_post: Option<String>,
    /// Whether it is published in the archive (default: `[digest]`'s).
    pub archive: Option<bool>,
    /// Its archive folder below `[feeds] out_dir` (default: `[digest] archive_dir`/name).
    pub archive_dir: Option<PathBuf>,
}

fn yes() -> bool {
    true
}

impl DigestEntry {
    /// Its settings: its own over `[digest]`'s, as the type's documentation says.
    pub fn over(&self, base: &DigestConfig) -> DigestConfig {
        DigestConfig {
            enabled: self.enabled,
            from: base.from.clone(),
            to: self.to.clone(),
            schedule: self.schedule,
            week_starts: self.week_starts.unwrap_or(base.week_starts),
            tags: self.tags.clone(),
            sections: self.sections.clone(),
            blogs: self.blogs.clone(),
            languages: self.languages.clone(),
            subject: self
                .subject
                .clone()
                .unwrap_or_else(|| DEFAULT_SUBJECT.into()),
            templates_dir: self
                .templates_dir
                .clone()
                .unwrap_or_else(|| base.templates_dir.clone()),
            out_dir: base.out_dir.clone(),
            max_html_bytes: self.max_html_bytes.unwrap_or(base.max_html_bytes),
            list_id: self.list_id.clone(),
            list_unsubscribe: self.list_unsubscribe.clone(),
            list_archive: self.list_archive.clone(),
            list_post: self.list_post.clone(),
            archive: self.archive.unwrap_or(base.archive),
            archive_dir: self
                .archive_dir
                .clone()
                .unwrap_or_else(|| base.archive_dir.join(&self.name)),
        }
    }
}

/// How often a digest goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    /// Each day's posts, the next day.
    Daily,
    /// Each week's posts, from the day after it.
    #[default]
    Weekly,
    /// Each calendar month's posts, from the first of the next.
    Monthly,
}

/// The day a digest week starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum WeekStart {
    /// ISO weeks: Monday to Sunday.
    #[default]
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    /// Sunday to Saturday. Every week is named after the ISO week of the Monday in it.
    Sunday,
}

impl WeekStart {
    /// The day as chrono has it.
    pub fn weekday(self) -> Weekday {
        match self {
            WeekStart::Monday => Weekday::Mon,
            WeekStart::Tuesday => Weekday::Tue,
            WeekStart::Wednesday => Weekday::Wed,
            WeekStart::Thursday => Weekday::Thu,
            WeekStart::Friday => Weekday::Fri,
            WeekStart::Saturday => Weekday::Sat,
            WeekStart::Sunday => Weekday::Sun,
        }
    }
}

/// A digest's periods: a day, a week starting on a given day, or a calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    /// One day.
    Daily,
    /// Seven days from the given day.
    Weekly(Weekday),
    /// A calendar month.
    Monthly,
}

impl Cadence {
    /// `daily`, `weekly`, `monthly`.
    pub fn adjective(self) -> &'static str {
        match self {
            Cadence::Daily => "daily",
            Cadence::Weekly(_) => "weekly",
            Cadence::Monthly => "monthly",
        }
    }
}

/// One digest as it is sent: `[digest]` or one of `[[digests]]`, its settings complete and
/// its recipient parsed.
#[derive(Debug, Clone)]
pub struct DigestSpec {
    /// `None` for `[digest]`, else the `[[digests]]` name.
    pub name: Option<String>,
    /// Its settings, `[digest]`'s filled in.
    pub config: DigestConfig,
    /// Its list, parsed.
    pub to: Mailbox,
    /// Where its settings are in the config, for diagnostics: `digest` or `digests.1`.
    pub key: String,
}

impl DigestSpec {
    /// How often it goes out, and (weekly) from which day.
    pub fn cadence(&self) -> Cadence {
        match self.config.schedule {
            Schedule::Daily => Cadence::Daily,
            Schedule::Weekly => Cadence::Weekly(self.config.week_starts.weekday()),
            Schedule::Monthly => Cadence::Monthly,
        }
    }

    /// Its record key for a period key: `2020-W36` for `[digest]`, `releases:2020-09`.
    pub fn journal_key(&self, period_key: &str) -> String {
        match &self.name {
            None => period_key.to_string(),
            Some(name) => format!("{name}:{period_key}"),
        }
    }

    /// The period key of one of its journal keys; `None` for another digest's.
    pub fn period_key<'k>(&self, journal_key: &'k str) -> Option<&'k str> {
        match (&self.name, journal_key.split_once(':')) {
            (None, None) => Some(journal_key),
            (Some(name), Some((of, key))) if of == name => Some(key),
            _ => None,
        }
    }

    /// Whether it is sent and published in the archive.
    pub fn enabled_archive(&self) -> bool {
        self.config.enabled && self.config.archive
    }

    /// `the digest`, `the releases digest`, for messages.
    pub fn title(&self) -> String {
        match &self.name {
            None => "the digest".into(),
            Some(name) => format!("the {name} digest"),
        }
    }

    /// The dotted config key of one of its settings, for [`super::Site::diagnostic`].
    pub fn setting(&self, key: &str) -> String {
        format!("{}.{key}", self.key)
    }

    /// Whether it lists a post of these tags, section, blog and language (`lang` empty on a
    /// site of one language, `default_lang` the site's default).
    pub fn selects(
        &self,
        tags: &[String],
        section: &str,
        blog: &str,
        lang: &str,
        default_lang: &str,
    ) -> bool {
        let c = &self.config;
        let lang = if lang.is_empty() { default_lang } else { lang };
        let language_ok = if c.languages.is_empty() {
            lang == default_lang
        } else {
            c.languages.iter().any(|want| {
                want.eq_ignore_ascii_case(lang)
                    || lang
                        .split_once(['-', '_'])
                        .is_some_and(|(primary, _)| want.eq_ignore_ascii_case(primary))
            })
        };
        language_ok
            && (c.tags.is_empty()
                || tags
                    .iter()
                    .any(|t| c.tags.iter().any(|want| want.eq_ignore_ascii_case(t))))
            && (c.sections.is_empty() || c.sections.iter().any(|s| s == section))
            && (c.blogs.is_empty() || c.blogs.iter().any(|b| b == blog))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(config: DigestConfig) -> DigestSpec {
        DigestSpec {
            name: Some("x".into()),
            to: "a@b.org".parse().unwrap(),
            config,
            key: "digests.0".into(),
        }
    }

    #[test]
    fn selections() {
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let any = spec(DigestConfig::default());
        assert!(any.selects(&[], "blog", "", "", "en"));
        assert!(
            !any.selects(&[], "blog", "", "zh", "en"),
            "the default language only"
        );
        let releases = spec(DigestConfig {
            tags: vec!["release".into()],
            languages: vec!["en".into(), "zh".into()],
            sections: vec!["news".into()],
            ..DigestConfig::default()
        });
        assert!(releases.selects(&tags(&["Release"]), "news", "", "en-us", "en-us"));
        assert!(releases.selects(&tags(&["x", "RELEASE"]), "news", "", "zh", "en"));
        assert!(!releases.selects(&tags(&["releases"]), "news", "", "en", "en"));
        assert!(!releases.selects(&tags(&["release"]), "blog", "", "en", "en"));
        assert!(!releases.selects(&tags(&["release"]), "news", "", "fr", "en"));
        let blogs = spec(DigestConfig {
            blogs: vec!["inside-rust".into()],
            ..DigestConfig::default()
        });
        assert!(blogs.selects(&[], "", "inside-rust", "", "en"));
        assert!(!blogs.selects(&[], "", "", "", "en"));
    }

    #[test]
    fn a_digest_takes_the_sender_and_templates_but_not_the_list() {
        let base = DigestConfig {
            list_id: Some("<community.example.org>".into()),
            list_unsubscribe: vec!["mailto:leave@example.org".into()],
            templates_dir: "mine".into(),
            subject: "Weekly: {{week.label}}".into(),
            ..DigestConfig::default()
        };
        let entry: DigestEntry =
            toml::from_str("name = \"releases\"\nto = \"a@example.org\"\nschedule = \"monthly\"")
                .unwrap();
        let over = entry.over(&base);
        assert_eq!(over.templates_dir, std::path::Path::new("mine"));
        assert_eq!(over.archive_dir, std::path::Path::new("digests/releases"));
        assert_eq!(over.subject, DEFAULT_SUBJECT);
        assert_eq!(over.list_id, None);
        assert!(over.list_unsubscribe.is_empty());
        assert_eq!(over.schedule, Schedule::Monthly);
    }
}
