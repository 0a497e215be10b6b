//! Which files of a site are posts, as its generator decides: Jekyll's `_posts` folders
//! (with the categories of the folders above them), Hugo's and Zola's pages with page
//! bundles as one post (`index.md`; the bundle's other Markdown files are its resources),
//! never a section's `_index.md`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::Rules;

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
}

impl Located {
    /// The top-level section (Hugo) or the folders (Zola) the post is in.
    pub fn section(&self) -> &str {
        self.dirs.first().map_or("", String::as_str)
    }
}

/// The posts among `paths`, every Markdown file found below `content`.
pub(crate) fn locate(rules: &Rules, content: &Path, paths: Vec<PathBuf>) -> Vec<Located> {
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
                let at = parts.iter().position(|p| p == "_posts")?;
                let categories = parts[..at].to_vec();
                Some(Located {
                    path,
                    dirs: Vec::new(),
                    bundle: None,
                    categories,
                    rel: String::new(),
                })
            })
            .collect(),
        Rules::Hugo(_) | Rules::Zola(_) => {
            // A folder with an `index.md` is a leaf bundle: that file is the post, every
            // other Markdown file below it a resource.
            let bundles: HashSet<PathBuf> = paths
                .iter()
                .filter(|p| p.file_name().is_some_and(|n| n == "index.md"))
                .filter_map(|p| p.parent().map(Path::to_path_buf))
                .collect();
            paths
                .into_iter()
                .filter_map(|path| {
                    let is_index = path.file_name().is_some_and(|n| n == "index.md");
                    let in_bundle = path
                        .ancestors()
                        .skip(1)
                        .take_while(|a| a.starts_with(content) && *a != content)
                        .any(|a| bundles.contains(a));
                    if in_bundle && !is_index {
                        return None;
                    }
                    let mut dirs = relative(&path);
                    dirs.pop();
                    let bundle = if is_index { dirs.pop() } else { None };
                    Some(Located {
                        path,
                        dirs,
                        bundle,
                        categories: Vec::new(),
                        rel: String::new(),
                    })
                })
                .collect()
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
