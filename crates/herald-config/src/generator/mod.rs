//! A site's own generator configuration (Hugo, Jekyll, Zola), read as that generator reads
//! it: which generator, where the posts are, and the rules its URLs and dates follow. What
//! it maps becomes herald's settings, which `herald.toml` may override.

mod hugo;
mod jekyll;
mod model;
mod values;
mod zola;

use std::path::Path;

use crate::diag::Diagnostic;
pub use model::{
    Flavour, Generated, HugoRules, JekyllDefault, JekyllRules, Language, Languages, Mapped,
    Markdown, Rules, Slugify, ZolaRules,
};
pub use values::{text, truthy};

/// Detects the generator of the site at `root` and reads its configuration.
pub fn read(root: &Path) -> Result<Generated, Vec<Diagnostic>> {
    if let Some(found) = hugo::detect(root) {
        return hugo::read(root, found);
    }
    if let Some(config) = zola::detect(root) {
        return zola::read(root, &config);
    }
    if let Some(configs) = jekyll::detect(root) {
        return jekyll::read(&configs);
    }
    Err(vec![Diagnostic::file_error(
        root,
        "no Hugo (hugo.toml, config/_default/), Zola (config.toml with base_url) or Jekyll (_config.yml) configuration here: is this the site's root?",
    )])
}

/// The generator whose configuration is at `root`, if any (herald's own `config.toml`,
/// which has a `base_url` too, is told apart by [`crate::site_at`]).
pub fn detect(root: &Path) -> Option<&'static str> {
    if hugo::detect(root).is_some() {
        Some("hugo")
    } else if zola::detect(root).is_some() {
        Some("zola")
    } else if jekyll::detect(root).is_some() {
        Some("jekyll")
    } else {
        None
    }
}

/// Which generator a `config.toml` belongs to, when it is not herald's.
pub fn foreign_config(text: &str) -> Option<&'static str> {
    let table: toml::Table = text.parse().ok()?;
    let has = |key: &str| table.keys().any(|k| k.eq_ignore_ascii_case(key));
    if has("baseURL") && !table.contains_key("base_url") {
        return Some("Hugo");
    }
    let zola = [
        "compile_sass",
        "generate_feeds",
        "generate_feed",
        "build_search_index",
        "markdown",
        "default_language",
        "taxonomies",
        "extra",
    ];
    (table.contains_key("base_url") && zola.iter().any(|k| table.contains_key(*k)))
        .then_some("Zola")
}
