//! What reading a generator's configuration yields: its rules for URLs, dates and
//! publication, and the values mapped to herald's settings (for `herald init`).

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The rules a site's generator gives its posts' URLs, dates and publication.
#[derive(Debug, Clone, Default)]
pub enum Rules {
    /// herald's own `config.toml` with `permalink` and `permalink_title`.
    #[default]
    Herald,
    /// Hugo's.
    Hugo(HugoRules),
    /// Jekyll's.
    Jekyll(JekyllRules),
    /// Zola's.
    Zola(ZolaRules),
}

impl Rules {
    /// The site's languages (empty: one language, no translations).
    pub fn languages(&self) -> &Languages {
        static NONE: Languages = Languages {
            default: String::new(),
            list: Vec::new(),
            shared_dir: None,
            disabled: Vec::new(),
        };
        match self {
            Rules::Hugo(rules) => &rules.languages,
            Rules::Zola(rules) => &rules.languages,
            Rules::Herald | Rules::Jekyll(_) => &NONE,
        }
    }

    /// How the site's generator renders Markdown, with the site's own settings.
    pub fn markdown(&self) -> Markdown {
        match self {
            Rules::Herald => Markdown::herald(),
            Rules::Hugo(rules) => rules.markdown,
            Rules::Jekyll(rules) => rules.markdown,
            Rules::Zola(rules) => rules.markdown,
        }
    }
}

/// The Markdown dialect a generator renders, and the templating its posts hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flavour {
    /// herald's own posts: CommonMark with every extension, any tag expanded.
    #[default]
    Herald,
    /// Hugo's Goldmark, with Hugo's shortcodes.
    Goldmark,
    /// Jekyll's kramdown (its GFM input), with Liquid.
    Kramdown,
    /// Zola's pulldown-cmark, with Zola's shortcodes and `@/` links.
    Zola,
}

/// How a site renders Markdown: its generator's defaults changed by its settings
/// (`markup.goldmark` in Hugo, `kramdown:` in Jekyll, `[markdown]` in Zola).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Markdown {
    /// The dialect.
    pub flavour: Flavour,
    /// Quotes, dashes and ellipses made typographic (Goldmark's `typographer`, kramdown's
    /// `smart_quotes`, Zola's `smart_punctuation`).
    pub smart_punctuation: bool,
    /// Bare URLs become links (Goldmark's `linkify`).
    pub linkify: bool,
    /// The scheme a linked `www.` address gets (Hugo's `linkifyProtocol`, `https` by default):
    /// `true` for `https`.
    pub linkify_https: bool,
    /// Raw HTML is kept (Goldmark's `renderer.unsafe`); else it is left out.
    pub raw_html: bool,
    /// Footnotes at the end of the post (Goldmark and kramdown always, Zola with
    /// `bottom_footnotes`), else where they are written.
    pub bottom_footnotes: bool,
    /// Attribute lines (`{.class}`, `{:.class}`) below a block apply to it (Goldmark's
    /// `parser.attribute.block`, always in kramdown); else they are text.
    pub block_attributes: bool,
    /// A line break in a paragraph is a break (`renderer.hardWraps`, kramdown's `hard_wrap`).
    pub hard_wraps: bool,
    /// The quotes kramdown prints for `'`, `'`, `"`, `"` (`smart_quotes`).
    pub quotes: [char; 4],
    /// Definition lists (`term` then `: definition`): kramdown always, Goldmark's
    /// `definitionList` (on by default), Zola's `definition_list`.
    pub definition_lists: bool,
    /// `:name:` emoji codes become emoji (Hugo's `enableEmoji` over the whole body, Zola's
    /// `render_emoji` over text).
    pub emoji: bool,
    /// kramdown's typographic symbols printed as written (`typographic_symbols: {ndash: --}`):
    /// bit 0 `---`, 1 `--`, 2 `...`, 3 `<<`, 4 `>>`.
    pub plain_symbols: u8,
}

/// Typographic quotes: `‘`, `’`, `“`, `”`.
pub(crate) const CURLY_QUOTES: [char; 4] = ['\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}'];

impl Markdown {
    /// herald's own posts.
    pub const fn herald() -> Markdown {
        Markdown {
            flavour: Flavour::Herald,
            smart_punctuation: false,
            linkify: false,
            linkify_https: true,
            raw_html: true,
            bottom_footnotes: false,
            block_attributes: true,
            hard_wraps: false,
            quotes: CURLY_QUOTES,
            plain_symbols: 0,
            emoji: false,
            definition_lists: false,
        }
    }

    /// Hugo's defaults.
    pub const fn goldmark() -> Markdown {
        Markdown {
            definition_lists: true,
            flavour: Flavour::Goldmark,
            smart_punctuation: true,
            linkify: true,
            linkify_https: true,
            raw_html: false,
            bottom_footnotes: true,
            block_attributes: false,
            hard_wraps: false,
            quotes: CURLY_QUOTES,
            plain_symbols: 0,
            emoji: false,
        }
    }

    /// Jekyll's defaults.
    pub const fn kramdown() -> Markdown {
        Markdown {
            definition_lists: true,
            flavour: Flavour::Kramdown,
            smart_punctuation: true,
            linkify: false,
            linkify_https: true,
            raw_html: true,
            bottom_footnotes: true,
            block_attributes: true,
            hard_wraps: false,
            quotes: CURLY_QUOTES,
            plain_symbols: 0,
            emoji: false,
        }
    }

    /// Zola's defaults.
    pub const fn zola() -> Markdown {
        Markdown {
            flavour: Flavour::Zola,
            smart_punctuation: false,
            linkify: false,
            linkify_https: true,
            raw_html: true,
            bottom_footnotes: false,
            block_attributes: false,
            hard_wraps: false,
            quotes: CURLY_QUOTES,
            plain_symbols: 0,
            emoji: false,
            definition_lists: false,
        }
    }
}

impl Markdown {
    /// What kramdown prints for the typographic symbol numbered `bit` (see
    /// [`Markdown::plain_symbols`]): `printed`, or what was `written`.
    pub fn symbol(&self, bit: u8, written: &'static str, printed: &'static str) -> &'static str {
        if self.plain_symbols & (1 << bit) != 0 {
            written
        } else {
            printed
        }
    }
}

impl Default for Markdown {
    fn default() -> Markdown {
        Markdown::herald()
    }
}

/// The languages of a multilingual Hugo or Zola site. Each is a blog of its own, with its
/// feeds at its URL prefix.
#[derive(Debug, Clone, Default)]
pub struct Languages {
    /// The default language's code (Hugo's `defaultContentLanguage`, Zola's
    /// `default_language`); empty when the site declares no languages.
    pub default: String,
    /// Every language, the default one included, by weight (Hugo) or as written (Zola).
    pub list: Vec<Language>,
    /// The folder the languages without one of their own share, relative to the site's
    /// root (Hugo's top-level `contentDir`); `None`: the posts folder.
    pub shared_dir: Option<PathBuf>,
    /// Languages declared but disabled (Hugo's `disableLanguages`, `disabled`): their
    /// pages are not published.
    pub disabled: Vec<String>,
}

impl Languages {
    /// The language whose code is `code`.
    pub fn get(&self, code: &str) -> Option<&Language> {
        self.list.iter().find(|l| l.code == code)
    }

    /// `path` (below the base URL) under language `code`'s prefix (`/fr/…`), or under its
    /// own base URL (then absolute); as it is for a language the site does not declare.
    pub fn path_in(&self, code: &str, path: &str) -> String {
        match self.get(code) {
            Some(language) => match &language.base_url {
                Some(base) => format!("{}{path}", base.trim_end_matches('/')),
                None if language.prefix.is_empty() => path.to_string(),
                None => format!("/{}{path}", language.prefix),
            },
            None => path.to_string(),
        }
    }

    /// Whether `code` names one of the site's languages other than the default.
    pub fn is_other(&self, code: &str) -> bool {
        code != self.default && self.get(code).is_some()
    }
}

/// One language of a multilingual site.
#[derive(Debug, Clone, Default)]
pub struct Language {
    /// Its code (`en`, `zh-cn`), as the configuration names it.
    pub code: String,
    /// Its site title, when it sets one.
    pub title: Option<String>,
    /// The URL path its pages are under, below the base URL (`fr`), empty for none.
    pub prefix: String,
    /// Its own content folder, relative to the site's root (Hugo's per-language
    /// `contentDir`); `None`: the shared one, translations named `post.<code>.md`.
    pub content_dir: Option<PathBuf>,
    /// Its own base URL (Hugo's per-language `baseURL`).
    pub base_url: Option<String>,
}

/// Hugo: sections, `[permalinks]`, build flags.
#[derive(Debug, Clone, Default)]
pub struct HugoRules {
    /// The languages (`languages`, `defaultContentLanguage`).
    pub languages: Languages,
    /// `uglyURLs`: a page's URL ends in `.html` instead of `/`.
    pub ugly_urls: bool,
    /// The sections whose pages are blog posts (`mainSections`); empty: the section with the
    /// most dated pages.
    pub sections: Vec<String>,
    /// Permalink pattern per section (`[permalinks]`, old form or `page:`).
    pub permalinks: BTreeMap<String, String>,
    /// `buildDrafts`, `buildFuture`, `buildExpired`.
    pub build_drafts: bool,
    /// Publish posts dated in the future.
    pub build_future: bool,
    /// Publish posts past their `expiryDate`.
    pub build_expired: bool,
    /// Hugo lower-cases URL paths unless `disablePathToLower`.
    pub lowercase_paths: bool,
    /// `removePathAccents`: `é` becomes `e` in URL paths.
    pub remove_path_accents: bool,
    /// `[frontmatter] date`: where a post's date comes from, in order (front-matter keys,
    /// and `:filename` for a `YYYY-MM-DD-` file name).
    pub date_keys: Vec<String>,
    /// How it renders Markdown (`markup.goldmark`).
    pub markdown: Markdown,
}

/// Jekyll: `permalink`, `future`, `unpublished`, `defaults`.
#[derive(Debug, Clone, Default)]
pub struct JekyllRules {
    /// The permalink pattern (a style name already expanded): the posts collection's own
    /// (`collections: posts: permalink:`) when it sets one, else the site's.
    pub permalink: String,
    /// `defaults`: front-matter values for the posts a scope matches, in the order written
    /// (a later match wins, as in Jekyll).
    pub defaults: Vec<JekyllDefault>,
    /// `excerpt_separator`.
    pub excerpt_separator: Option<String>,
    /// Each collection's own `permalink` (`collections: releases: permalink:`).
    pub collection_permalinks: BTreeMap<String, String>,
    /// Publish posts dated in the future (`future: true`).
    pub future: bool,
    /// Publish posts with `published: false` (`unpublished: true`).
    pub unpublished: bool,
    /// How it renders Markdown (`kramdown:`).
    pub markdown: Markdown,
    /// `jekyll-relative-links` is on (in `plugins`, or `relative_links:` set): a Markdown link
    /// to a post's or page's file goes to its URL.
    pub relative_links: bool,
}

/// One entry of Jekyll's `defaults`: a scope and the values it gives.
#[derive(Debug, Clone, Default)]
pub struct JekyllDefault {
    /// `scope: path`, relative to the source folder (empty: every file).
    pub path: String,
    /// `scope: type` (`posts`, `pages`, a collection), `None`: any.
    pub kind: Option<String>,
    /// The values, as front matter.
    pub values: serde_json::Map<String, serde_json::Value>,
}

/// Zola: how paths are slugified.
#[derive(Debug, Clone, Default)]
pub struct ZolaRules {
    /// `[slugify] paths`.
    pub slugify: Slugify,
    /// `[slugify] paths_keep_dates`: a dated file name keeps its date in the slug.
    pub keep_dates: bool,
    /// The languages (`default_language`, `[languages]`).
    pub languages: Languages,
    /// The site's own feed is on (`generate_feeds`, or `generate_feed` before 0.19): its
    /// pages are the main blog's.
    pub site_feeds: bool,
    /// Sections whose `_index.md` sets `generate_feeds` (or `generate_feed`): blogs of
    /// their own, as paths below the content folder (`inside-rust`).
    pub feed_sections: Vec<String>,
    /// Sections that sort their pages by date (`sort_by = "date"`), as paths below the
    /// content folder (`""` the root): Zola publishes no page without a date there.
    pub date_sorted: Vec<String>,
    /// How it renders Markdown (`[markdown]`).
    pub markdown: Markdown,
}

/// Zola's `slugify` modes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Slugify {
    /// Lower-case ASCII words joined by `-` (the default).
    #[default]
    On,
    /// Only characters unsafe in paths removed.
    Safe,
    /// Left as written.
    Off,
}

/// What a generator's configuration says, mapped to herald's settings.
#[derive(Debug)]
pub struct Generated {
    /// `hugo`, `jekyll` or `zola`.
    pub generator: &'static str,
    /// herald settings as a TOML table (`title`, `base_url`, `params`, …).
    pub settings: toml::Table,
    /// The generator's rules.
    pub rules: Rules,
    /// Where the posts are, relative to the site's root.
    pub content_dir: PathBuf,
    /// Each value mapped: (herald key, value, file, line).
    pub mapped: Vec<Mapped>,
    /// Each value herald saw and could not use.
    pub unmapped: Vec<Mapped>,
    /// The files the generator itself writes as feeds, relative to `out_dir` below.
    pub own_feeds: Vec<String>,
    /// The folder the generator writes the site into, relative to the site's root.
    pub out_dir: PathBuf,
}

/// One value read from a generator's configuration.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// The generator's key and the herald setting it became (`baseURL → base_url`).
    pub what: String,
    /// The value, as text.
    pub value: String,
    /// The file it came from.
    pub file: PathBuf,
    /// Its line there.
    pub line: usize,
}

impl Generated {
    /// Nothing mapped yet from a `generator` site whose posts are in `content_dir`.
    pub(crate) fn new(generator: &'static str, content_dir: &str) -> Generated {
        Generated {
            generator,
            settings: toml::Table::new(),
            rules: Rules::Herald,
            content_dir: PathBuf::from(content_dir),
            mapped: Vec::new(),
            unmapped: Vec::new(),
            own_feeds: Vec::new(),
            out_dir: PathBuf::from("public"),
        }
    }
}
