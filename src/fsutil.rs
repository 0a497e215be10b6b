//! Writing files so that a reader never sees half of one and a power cut loses nothing that
//! was reported written: temp file, fsync, rename, fsync of the directory. A set of files
//! (the feeds) is staged whole before any of them replaces the old one.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Writes `bytes` to `path` atomically: a temp file in the same directory, flushed to disk,
/// renamed over the target, and the directory synced. Parent directories are created.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, &mut |out| {
        out.write_all(bytes).map_err(anyhow::Error::from)
    })
}

/// Like [`write_atomic`], with the content streamed by `write` into a buffered temp file, so a
/// large file never has to be in memory whole.
pub fn write_atomic_with(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let staged = Staged::write(path, write)?;
    staged.commit()?;
    sync_dir(parent(path))
}

/// A file written and synced under a temporary name beside its target, not yet in place.
/// Dropping it without [`Staged::commit`] removes the temporary file.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl Staged {
    /// Writes the content of `path` into a synced temporary file beside it.
    pub fn write(
        path: &Path,
        write: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
    ) -> Result<Staged> {
        let dir = parent(path);
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create {}", dir.display()))?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
        let (tmp, file) = create_temp(dir, name)
            .with_context(|| format!("failed to write {}", path.display()))?;
        let staged = Staged {
            tmp,
            path: path.to_path_buf(),
            committed: false,
        };
        let result = (|| -> Result<()> {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut out)?;
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            Ok(())
        })();
        result.with_context(|| format!("failed to write {}", path.display()))?;
        Ok(staged)
    }

    /// The temporary file, to read back what was written before it is put in place.
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// Whether the target already holds exactly the staged bytes.
    fn same_as_target(&self) -> bool {
        let (Ok(old), Ok(new)) = (std::fs::metadata(&self.path), std::fs::metadata(&self.tmp))
        else {
            return false;
        };
        old.is_file()
            && old.len() == new.len()
            && std::fs::read(&self.path).ok() == std::fs::read(&self.tmp).ok()
    }

    /// Renames the temporary file over its target (the directory is not synced: see
    /// [`commit_all`]).
    pub fn commit(mut self) -> Result<()> {
        std::fs::rename(&self.tmp, &self.path)
            .with_context(|| format!("failed to write {}", self.path.display()))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Puts a set of staged files in place, one rename each, then syncs their directories. Only
/// called once every file of the set is staged, so a failure while writing leaves the old
/// set whole.
pub fn commit_all(staged: Vec<Staged>) -> Result<()> {
    let mut dirs: Vec<PathBuf> = staged
        .iter()
        .map(|s| parent(&s.path).to_path_buf())
        .collect();
    for file in staged {
        // A file whose bytes did not change is left alone (its temporary copy dropped), so
        // its modification time and inode stay: web servers' ETags and feed readers'
        // conditional GETs keep working across a rebuild that changes nothing.
        if !file.same_as_target() {
            file.commit()?;
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs.iter().try_for_each(|dir| sync_dir(dir))
}

/// A new temporary file beside the target: `.<name>.<pid>.<n>.tmp`, never one that exists.
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut n = 0u32;
    loop {
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(e),
        }
    }
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Syncs a directory, so that a rename in it survives a power cut.
fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("failed to sync the directory {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_and_replaces_without_leaving_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/feed.xml");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(names(path.parent().unwrap()), ["feed.xml"]);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.xml");
        write_atomic(&path, b"old").unwrap();
        let err = write_atomic_with(&path, &mut |out| {
            out.write_all(b"half")?;
            anyhow::bail!("disk full")
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("disk full"), "{err:#}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["feed.xml"]);
    }

    #[test]
    fn a_set_is_replaced_only_when_every_file_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.xml"), dir.path().join("b.xml"));
        write_atomic(&a, b"old a").unwrap();
        write_atomic(&b, b"old b").unwrap();
        let first = Staged::write(&a, &mut |out| Ok(out.write_all(b"new a")?)).unwrap();
        let second = Staged::write(&b, &mut |_| anyhow::bail!("disk full"));
        assert!(second.is_err());
        drop(first);
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert_eq!(std::fs::read(&b).unwrap(), b"old b");
        assert_eq!(names(dir.path()), ["a.xml", "b.xml"]);
        let staged = vec![
            Staged::write(&a, &mut |out| Ok(out.write_all(b"new a")?)).unwrap(),
            Staged::write(&b, &mut |out| Ok(out.write_all(b"new b")?)).unwrap(),
        ];
        commit_all(staged).unwrap();
        assert_eq!(std::fs::read(&b).unwrap(), b"new b");
        assert_eq!(names(dir.path()), ["a.xml", "b.xml"]);
    }
}
