//! Which files of a site are posts, as its generator decides: Jekyll's `_posts` folders
//! (with the categories of the folders above them), Hugo's and Zola's pages with page
//! bundles as one post (`index.md`; the bundle's other Markdown files are its resources),
//! never a section's `_index.md`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use herald_config::generator::Languages;
use herald_config::{normalize, Rules};

/// `path` below `content` with `/` between its parts, read straight from the text when both
/// are UTF-8 and the rest is plain names (as a walk makes it); `None` to split it into
/// components instead.
fn plain_rel<'a>(path: &'a Path, content: &Path) -> Option<&'a str> {
    if !cfg!(unix) {
        return None;
    }
    let rest = path.to_str()?.strip_prefix(content.to_str()?)?;
    let rest = if content.to_str()?.ends_with('/') {
        rest
    } else {
        rest.strip_prefix('/')?
    };
    rest.split('/')
        .all(|part| !matches!(part, "" | "." | ".."))
        .then_some(rest)
}

/// A post file and where it sits in the site.
#[derive(Debug, Clone, Default)]
pub(crate) struct Located {
    /// The file.
    pub path: PathBuf,
    /// Its folders below the content folder, outermost first (without a bundle's own).
    pub dirs: Vec<String>,
    /// The bundle's folder name when the post is a bundle's `index.md`.
    pub bundle: Option<String>,
    /// Jekyll: the categories of the folders above `_posts`.
    pub categories: Vec<String>,
    /// The file's path below the content folder, with `/` (`posts/x.md`).
    pub rel: String,
    /// Jekyll: the collection it is a document of, when not `posts`.
    pub collection: Option<String>,
    /// Its language's code (multilingual Hugo and Zola sites), empty for a site with one.
    pub lang: String,
    /// The file name without its extension and without a language suffix (`post` of
    /// `post.fr.md`), empty where no language suffix was removed.
    pub stem: String,
}

impl Located {
    /// The top-level section (Hugo) or the folders (Zola) the post is in.
    pub(crate) fn section(&self) -> &str {
        self.dirs.first().map_or("", String::as_str)
    }
}

/// Where each language's content is: a folder of its own (Hugo's per-language
/// `contentDir`), or the shared folder, where a file's language is in its name.
#[derive(Debug, Default)]
pub(crate) struct Roots {
    /// Each language's own folder, absolute, with its code.
    pub own: Vec<(PathBuf, String)>,
    /// The shared folder, absolute, when some language (or the only one) uses it.
    pub shared: Option<PathBuf>,
}

impl Roots {
    /// The roots of a site whose posts folder is `content`, its root `site_root`.
    pub(crate) fn of(rules: &Rules, site_root: &Path, content: &Path) -> Roots {
        let languages = rules.languages();
        let mut roots = Roots::default();
        for language in &languages.list {
            match &language.content_dir {
                Some(dir) => roots
                    .own
                    .push((normalize(&site_root.join(dir)), language.code.clone())),
                None => {
                    roots.shared = Some(match &languages.shared_dir {
                        Some(dir) => normalize(&site_root.join(dir)),
                        None => normalize(content),
                    });
                }
            }
        }
        if languages.list.is_empty() {
            roots.shared = Some(normalize(content));
        }
        // The deepest folder first, so a language's folder inside another's is found first.
        roots
            .own
            .sort_by_key(|(dir, _)| std::cmp::Reverse(dir.components().count()));
        roots
    }

    /// The content folder `path` is in and its language (`None`: read from the name).
    fn of_path(&self, path: &Path) -> Option<(&Path, Option<&str>)> {
        self.own
            .iter()
            .find(|(dir, _)| path.starts_with(dir))
            .map(|(dir, code)| (dir.as_path(), Some(code.as_str())))
            .or_else(|| {
                let shared = self.shared.as_deref()?;
                path.starts_with(shared).then_some((shared, None))
            })
    }
}

/// A file name's language suffix (`post.fr.md` → `post`, `fr`), when `fr` is one of the
/// site's languages.
fn language_suffix<'a>(name: &'a str, languages: &Languages) -> Option<(&'a str, &'a str)> {
    let stem = name
        .strip_suffix(".md")
        .or_else(|| name.strip_suffix(".markdown"))?;
    let (base, code) = stem.rsplit_once('.')?;
    languages
        .list
        .iter()
        .any(|l| l.code.eq_ignore_ascii_case(code))
        .then_some((base, code))
}

/// Whether a file name is a leaf bundle's page: `index.md`, or `index.<lang>.md`.
fn is_bundle_index(path: &Path, languages: &Languages) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name == "index.md"
        || name == "index.markdown"
        || language_suffix(name, languages).is_some_and(|(base, _)| base == "index")
}

/// The posts among `paths`, every Markdown file found below `content`.
pub(crate) fn locate(
    rules: &Rules,
    collections: &[String],
    roots: &Roots,
    content: &Path,
    paths: Vec<PathBuf>,
) -> Vec<Located> {
    let languages = rules.languages();
    let relative = |path: &Path| -> Vec<String> {
        path.strip_prefix(content)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect()
    };
    let rel_of = |path: &Path| {
        plain_rel(path, content).map_or_else(|| relative(path).join("/"), str::to_string)
    };
    let located: Vec<Located> = match rules {
        Rules::Herald => paths
            .into_iter()
            .map(|path| Located {
                path,
                ..Located::default()
            })
            .collect(),
        Rules::Jekyll(_) => paths
            .into_iter()
            .filter_map(|path| {
                let parts = relative(&path);
                // A document of another collection named in `collections`: `_releases/…`.
                if let Some(name) = parts.first().and_then(|p| p.strip_prefix('_')) {
                    if collections.iter().any(|c| c == name) {
                        let collection = Some(name.to_string());
                        return Some(Located {
                            path,
                            collection,
                            ..Located::default()
                        });
                    }
                }
                let at = parts.iter().position(|p| p == "_posts")?;
                let categories = parts[..at].to_vec();
                Some(Located {
                    path,
                    categories,
                    ..Located::default()
                })
            })
            .collect(),
        Rules::Hugo(_) | Rules::Zola(_) => {
            // A folder with an `index.md` (or `index.<lang>.md`) is a leaf bundle: that file
            // is the post, every other Markdown file below it a resource.
            let bundles: HashSet<PathBuf> = paths
                .iter()
                .filter(|p| is_bundle_index(p, languages))
                .filter_map(|p| {
                    p.strip_prefix(".")
                        .unwrap_or(p)
                        .parent()
                        .map(Path::to_path_buf)
                })
                .collect();
            let located = paths
                .into_iter()
                .filter_map(|path| {
                    // A walk from the site's root `.` gives `./content/…`.
                    let plain = path.strip_prefix(".").unwrap_or(&path).to_path_buf();
                    let (root, own_lang) = roots.of_path(&plain)?;
                    let is_index = is_bundle_index(&path, languages);
                    let in_bundle = plain
                        .ancestors()
                        .skip(1)
                        .take_while(|a| a.starts_with(root) && *a != root)
                        .any(|a| bundles.contains(a));
                    if in_bundle && !is_index {
                        return None;
                    }
                    let name = path.file_name()?.to_str()?;
                    // A page in a disabled language is not published.
                    if name
                        .strip_suffix(".md")
                        .and_then(|stem| stem.rsplit_once('.'))
                        .is_some_and(|(_, code)| {
                            languages
                                .disabled
                                .iter()
                                .any(|d| d.eq_ignore_ascii_case(code))
                        })
                    {
                        return None;
                    }
                    let (stem, lang) = match (own_lang, language_suffix(name, languages)) {
                        (Some(code), _) => (String::new(), code.to_string()),
                        (None, Some((base, code))) => (base.to_string(), code.to_lowercase()),
                        (None, None) => (String::new(), languages.default.clone()),
                    };
                    let parts: Vec<String> = plain
                        .strip_prefix(root)
                        .unwrap_or(&plain)
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    let rel = parts.join("/");
                    let mut dirs = parts;
                    dirs.pop();
                    let bundle = if is_index { dirs.pop() } else { None };
                    Some(Located {
                        path,
                        dirs,
                        bundle,
                        categories: Vec::new(),
                        rel,
                        lang,
                        stem,
                        collection: None,
                    })
                })
                .collect();
            return located;
        }
    };
    located
        .into_iter()
        .map(|mut at| {
            at.rel = rel_of(&at.path);
            at
        })
        .collect()
}
