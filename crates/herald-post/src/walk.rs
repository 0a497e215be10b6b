//! Finding the posts: every Markdown file below the posts folder, each once. Nothing from
//! outside the folder is read: a symlink is followed only when it resolves inside it, a
//! link back to a folder already read (a loop) is reported and skipped, and a folder that
//! cannot be read is an error, never a silent gap.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use herald_config::diag::{Diagnostic, Severity};

/// The post files below `dir`, sorted, and the problems met on the way.
pub(crate) fn post_paths(dir: &Path) -> Result<(Vec<PathBuf>, Vec<Diagnostic>)> {
    if !dir.is_dir() {
        bail!("posts directory {} does not exist", dir.display());
    }
    let root = dir
        .canonicalize()
        .with_context(|| format!("cannot resolve the posts directory {}", dir.display()))?;
    // A file is reached twice only through a symlink: until one is met, files need not be
    // remembered, and when one is, the walk starts again remembering them.
    let mut walk = walk_from(dir, &root, false);
    if walk.links {
        walk = walk_from(dir, &root, true);
    }
    walk.paths.sort_unstable_by(|a, b| path_order(a, b));
    walk.problems.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((walk.paths, walk.problems))
}

fn walk_from(dir: &Path, root: &Path, remember_files: bool) -> Walk {
    let mut walk = Walk {
        root: root.to_path_buf(),
        folders: HashSet::from([root.as_os_str().to_owned()]),
        files: HashSet::new(),
        remember_files,
        links: false,
        paths: Vec::new(),
        problems: Vec::new(),
    };
    // Each folder with its real (canonical) path, so that files reached without a symlink
    // need no system call to be known.
    let mut pending = vec![(dir.to_path_buf(), root.to_path_buf())];
    while let Some((folder, real)) = pending.pop() {
        walk.folder(&folder, &real, &mut pending);
        if walk.links && !walk.remember_files {
            break;
        }
    }
    walk
}

/// The order of paths below one folder: the order of their components (as `Path`'s own
/// comparison gives it for such paths), from their bytes with the separator lowest, without
/// splitting them into components (sorting 100,000 paths took a tenth of a second that way).
pub(crate) fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    // The common start, sixteen bytes at a time (the paths of a folder share their folder
    // and often a date, so byte by byte was slow when every cached post is loaded; see
    // BENCHMARKS.md, Profiling notes).
    let shorter = a.len().min(b.len());
    let mut same = 0;
    while same + 16 <= shorter && a[same..same + 16] == b[same..same + 16] {
        same += 16;
    }
    while same < shorter && a[same] == b[same] {
        same += 1;
    }
    let key = |bytes: &[u8]| {
        bytes.get(same).map(|&c| {
            if std::path::is_separator(char::from(c)) {
                0
            } else {
                c
            }
        })
    };
    key(a).cmp(&key(b))
}

struct Walk {
    root: PathBuf,
    // Real paths, by their bytes (hashing a `Path` walks its components).
    folders: HashSet<OsString>,
    files: HashSet<OsString>,
    /// Whether `files` is kept (else the walk stops at the first symlink, setting `links`).
    remember_files: bool,
    links: bool,
    paths: Vec<PathBuf>,
    problems: Vec<Diagnostic>,
}

impl Walk {
    fn problem(&mut self, path: &Path, severity: Severity, message: String) {
        self.problems
            .push(Diagnostic::new(path, None, severity, message));
    }

    fn folder(&mut self, folder: &Path, real: &Path, pending: &mut Vec<(PathBuf, PathBuf)>) {
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(e) => {
                self.problem(
                    folder,
                    Severity::Error,
                    format!("cannot read this folder: {e}"),
                );
                return;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    self.problem(
                        folder,
                        Severity::Error,
                        format!("cannot read this folder: {e}"),
                    );
                    continue;
                }
            };
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name.starts_with("_index.") {
                continue;
            }
            let file_type = match entry.file_type() {
                Ok(file_type) => file_type,
                Err(e) => {
                    self.problem(&path, Severity::Error, format!("cannot read: {e}"));
                    continue;
                }
            };
            // A FIFO, device or socket is never opened: reading one can block forever.
            if !(file_type.is_file() || file_type.is_dir() || file_type.is_symlink()) {
                if is_post(&name) {
                    let message = herald_config::fsutil::not_regular(file_type).to_string();
                    self.problem(
                        &path,
                        Severity::Warning,
                        message.replace("not read", "skipped"),
                    );
                }
                continue;
            }
            let (target, is_dir) = if file_type.is_symlink() {
                self.links = true;
                if !self.remember_files {
                    return;
                }
                match self.link_target(&path) {
                    Some(found) => found,
                    None => continue,
                }
            } else if file_type.is_dir() || self.remember_files {
                (real.join(&*name), file_type.is_dir())
            } else {
                (PathBuf::new(), false)
            };
            if is_dir {
                if self.folders.insert(target.clone().into_os_string()) {
                    pending.push((path, target));
                } else {
                    let message = format!(
                        "leads back to {}, a folder already read (a symlink loop): skipped",
                        target.display()
                    );
                    self.problem(&path, Severity::Warning, message);
                }
            } else if is_post(&name)
                && (!self.remember_files || self.files.insert(target.into_os_string()))
            {
                self.paths.push(path);
            } else if folder.file_name().is_some_and(|f| f == "_posts") && is_other_markup(&name) {
                // Jekyll publishes these (HTML, or another markup through a plugin): a post
                // missing from the feeds is said, never silent.
                self.problem(
                    &path,
                    Severity::Warning,
                    "a post herald does not read: it reads Markdown posts only, so this one is not in the feeds or the digest".into(),
                );
            }
        }
    }

    /// Where a symlink leads, and whether it is a folder: `None` (with an error) when it is
    /// broken or leads outside the posts folder.
    fn link_target(&mut self, path: &Path) -> Option<(PathBuf, bool)> {
        let target = match path.canonicalize() {
            Ok(target) => target,
            Err(e) => {
                self.problem(
                    path,
                    Severity::Error,
                    format!("a symlink that cannot be followed: {e}"),
                );
                return None;
            }
        };
        if !target.starts_with(&self.root) {
            let message = format!(
                "a symlink to {}, outside the posts folder {}: not read",
                target.display(),
                self.root.display()
            );
            self.problem(path, Severity::Error, message);
            return None;
        }
        Some((target.clone(), target.is_dir()))
    }
}

/// A post Jekyll publishes in another markup than Markdown: HTML, or AsciiDoc or Textile
/// through their plugins.
fn is_other_markup(name: &str) -> bool {
    [".html", ".htm", ".adoc", ".asciidoc", ".textile"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

fn is_post(name: &str) -> bool {
    name.ends_with(".md") || name.ends_with(".markdown")
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    proptest::proptest! {
        /// Paths made by joining names to one folder sort as `Path` sorts them.
        #[test]
        fn paths_sort_as_path_sorts_them(
            names in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(vec![
                    "a", "a.md", "a-b", "a b", "ab", "b", "é", "2020", "2020-01", "_posts", "A", "~",
                ]), 1..4),
                0..30,
            )
        ) {
            let base = Path::new("/site/./content");
            let mut paths: Vec<PathBuf> = names
                .iter()
                .map(|parts| parts.iter().fold(base.to_path_buf(), |p, n| p.join(n)))
                .collect();
            let mut by_path = paths.clone();
            by_path.sort();
            paths.sort_by(|a, b| path_order(a, b));
            proptest::prop_assert_eq!(paths, by_path);
        }
    }

    #[test]
    fn links_inside_are_read_once_and_links_outside_never() {
        let dir = tempfile::tempdir().unwrap();
        let posts = dir.path().join("posts");
        std::fs::create_dir_all(posts.join("2020")).unwrap();
        std::fs::write(posts.join("2020/a.md"), "a").unwrap();
        std::fs::write(dir.path().join("secret"), "password").unwrap();
        symlink("../secret", posts.join("b.md")).unwrap();
        symlink("2020/a.md", posts.join("c.md")).unwrap();
        symlink(".", posts.join("loop")).unwrap();
        symlink("/usr", posts.join("ext")).unwrap();
        symlink("nowhere.md", posts.join("broken.md")).unwrap();
        let (paths, problems) = post_paths(&posts).unwrap();
        let names: Vec<String> = paths
            .iter()
            .map(|p| p.strip_prefix(&posts).unwrap().display().to_string())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(names[0] == "2020/a.md" || names[0] == "c.md", "{names:?}");
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        let about = |name: &str| {
            problems
                .iter()
                .find(|p| p.starts_with(&posts.join(name).display().to_string()))
                .unwrap_or_else(|| panic!("nothing about {name} in {problems:#?}"))
                .clone()
        };
        assert!(
            about("b.md").contains("error: a symlink to "),
            "{problems:#?}"
        );
        assert!(
            about("b.md").contains("secret, outside the posts folder"),
            "{problems:#?}"
        );
        assert!(about("ext").contains("error: a symlink to /usr, outside the posts folder"));
        assert!(
            about("loop").contains("warning: leads back to"),
            "{problems:#?}"
        );
        assert!(about("broken.md").contains("error: a symlink that cannot be followed"));
    }
}
