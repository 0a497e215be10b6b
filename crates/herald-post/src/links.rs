//! Links between posts: every post by each name another post may use for it (Hugo's
//! `ref`/`relref` paths, Jekyll's `post_url` and `link`, Zola's `@/` paths), to its real URL.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use super::meta::Post;

/// Every loaded post by the names links use for it, and the site's other pages.
#[derive(Debug, Default)]
pub(crate) struct Index<'a> {
    posts: &'a [Post],
    /// Each name's post (the first post to have it), made on the first link that needs it:
    /// most posts link to no other, and the cron job renders twenty of a blog's posts.
    names: OnceLock<HashMap<String, usize>>,
    /// Each language's base URL and content folder (with `--site`; the default language's
    /// first), for links to pages and sections that are not posts: they exist when their
    /// file does.
    pages: Option<Vec<(String, PathBuf)>>,
    /// Each page's name (its file's stem, or its folder's for `index.md` and `_index.md`)
    /// and its path below the content folder, for names used alone: Hugo finds
    /// `relref "community"` anywhere in the site when one page has that name.
    page_names: OnceLock<HashMap<String, Option<(usize, String)>>>,
}

impl<'a> Index<'a> {
    /// The index of `posts`; `pages` are the site's base URLs and content folders.
    pub(crate) fn of(posts: &'a [Post], pages: Option<Vec<(String, PathBuf)>>) -> Index<'a> {
        Index {
            posts,
            names: OnceLock::new(),
            pages,
            page_names: OnceLock::new(),
        }
    }

    /// The URL of the post with `name`.
    fn get(&self, name: &str) -> Option<String> {
        let names = self.names.get_or_init(|| {
            let mut names = HashMap::new();
            for (i, post) in self.posts.iter().enumerate() {
                let stem = post
                    .path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("")
                    .to_string();
                // Jekyll's `post_url` names a post by its path below `_posts` (`2019/x`).
                let in_posts = post
                    .rel
                    .rsplit_once("_posts/")
                    .map(|(_, below)| normal(below))
                    .unwrap_or_default();
                for key in [post.rel.clone(), normal(&post.rel), stem, in_posts] {
                    if !key.is_empty() {
                        names.entry(key).or_insert(i);
                    }
                }
            }
            names
        });
        names
            .get(name)
            .map(|&i| self.posts[i].permalink.to_string())
    }

    /// Whether links whose target is not found are errors: only when the whole site is
    /// known (with `--site`).
    pub(crate) fn knows_the_site(&self) -> bool {
        self.pages.is_some()
    }

    /// The URL of the post a link names, and only a post (Jekyll's `post_url`).
    pub(crate) fn post(&self, target: &str) -> Option<String> {
        let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
        let found = self
            .get(path.trim())
            .or_else(|| self.get(&normal(path.trim())))
            // Jekyll's older match: the file name alone, whatever folder it is in.
            .or_else(|| self.get(normal(path.trim()).rsplit('/').next()?))?;
        Some(if anchor.is_empty() {
            found
        } else {
            format!("{found}#{anchor}")
        })
    }

    /// The URL of the post a link names (`posts/x.md`, `/posts/x`, `x`, `2020-09-04-x`),
    /// with its `#anchor`; `None` when no post has that name.
    pub(crate) fn url(&self, target: &str) -> Option<String> {
        let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
        let path = path.trim();
        let found = self
            .get(path)
            .or_else(|| self.get(&normal(path)))
            .or_else(|| {
                let last = normal(path);
                let last = last.rsplit('/').next().unwrap_or("");
                self.get(last)
            })
            .or_else(|| self.page_url(path))?;
        Some(if anchor.is_empty() {
            found
        } else {
            format!("{found}#{anchor}")
        })
    }
}

impl Index<'_> {
    /// A page or section of the site that is not a post, when its file exists: its URL is
    /// its path below the content folder.
    fn page_url(&self, path: &str) -> Option<String> {
        let relative = path.trim_start_matches("./").trim_start_matches('/');
        let pages = self.pages.as_ref()?;
        // The page's file, looked up once: the same four names in each content folder.
        let found = pages.iter().find_map(|(base, content)| {
            [
                relative.to_string(),
                format!("{relative}.md"),
                format!("{relative}/index.md"),
                format!("{relative}/_index.md"),
            ]
            .into_iter()
            .map(|candidate| content.join(candidate))
            .find(|file| file.is_file())
            .map(|file| (base, file))
        });
        let (base, path) = match found {
            Some((base, file)) => {
                if let Some(own) = own_path(&file, relative) {
                    return Some(format!("{base}/{own}"));
                }
                (base, normal(relative))
            }
            None if !relative.contains('/') => {
                let (root, path) = self.page_by_name(&normal(relative))?;
                (&pages[root].0, path)
            }
            None => return None,
        };
        Some(if path.is_empty() {
            format!("{base}/")
        } else {
            format!("{base}/{}/", path.to_lowercase())
        })
    }
}

/// The path a page's front matter gives it, below the base URL, with a trailing `/`: Zola's
/// and Hugo's `path`/`url`, Jekyll's `permalink`, or its folder and `slug`.
fn own_path(file: &std::path::Path, relative: &str) -> Option<String> {
    let front = front_matter_of(file)?;
    let text_of = |key: &str| front.get(key).and_then(|v| v.as_str()).map(str::trim);
    let slash = |path: &str| {
        let path = path.trim_matches('/');
        if path.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        }
    };
    if let Some(path) = text_of("path").or(text_of("url")).or(text_of("permalink")) {
        return Some(slash(path));
    }
    let slug = text_of("slug")?;
    let folder = normal(relative);
    let parent = folder.rsplit_once('/').map_or("", |(parent, _)| parent);
    Some(slash(&format!("{parent}/{slug}")))
}

/// The front matter of the page at `file`, if it can be read.
pub(crate) fn front_matter_of(
    file: &std::path::Path,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    let text = herald_config::fsutil::read_text(file).ok()?;
    Some(super::front_matter::split(&text).ok()?.front)
}

impl Index<'_> {
    /// The one page named `name` in the site: its content root and path (`None` when no
    /// page or several have that name).
    fn page_by_name(&self, name: &str) -> Option<(usize, String)> {
        let names = self.page_names.get_or_init(|| {
            let mut names: HashMap<String, Option<(usize, String)>> = HashMap::new();
            for (root, (_, content)) in self.pages.iter().flatten().enumerate() {
                let mut stack = vec![content.clone()];
                let mut seen = 0usize;
                while let Some(dir) = stack.pop() {
                    let Ok(entries) = std::fs::read_dir(&dir) else {
                        continue;
                    };
                    for entry in entries.flatten() {
                        seen += 1;
                        // Bounded: a site is not walked past 100,000 entries for a link.
                        if seen > 100_000 {
                            break;
                        }
                        let path = entry.path();
                        let Ok(kind) = entry.file_type() else {
                            continue;
                        };
                        if kind.is_dir() {
                            stack.push(path);
                            continue;
                        }
                        let Some(below) = path
                            .strip_prefix(content)
                            .ok()
                            .and_then(|p| p.to_str())
                            .filter(|p| p.ends_with(".md"))
                        else {
                            continue;
                        };
                        let below = normal(&below.replace('\\', "/"));
                        let name = below.rsplit('/').next().unwrap_or("").to_string();
                        names
                            .entry(name)
                            .and_modify(|slot| *slot = None)
                            .or_insert(Some((root, below)));
                    }
                }
            }
            names
        });
        names.get(name).cloned().flatten()
    }
}

/// A content path as links write it: no leading `/` or `./`, no `.md`, no `/index` or
/// `/_index`.
fn normal(path: &str) -> String {
    let path = path.trim_start_matches("./").trim_start_matches('/');
    let path = path
        .strip_suffix(".md")
        .or_else(|| path.strip_suffix(".markdown"))
        .unwrap_or(path);
    let path = path
        .strip_suffix("/index")
        .or_else(|| path.strip_suffix("/_index"))
        .unwrap_or(path);
    path.trim_end_matches('/').to_string()
}
