//! Writing files so that a reader never sees half of one and a power cut loses nothing that
//! was reported written: temp file, fsync, rename, fsync of the directory. A set of files
//! (the feeds) is staged whole before any of them replaces the old one.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Removes `.` and `name/..` from a path without touching the file system, so that messages
/// show `../corpus/x.md` rather than `tests/fixtures/../../corpus/x.md`.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// Whether `path`, relative to `root` or absolute, names a place inside `root` (or `root`
/// itself), by its words alone: a relative path never climbs above its start.
pub fn stays_inside(root: &Path, path: &Path) -> bool {
    if path.is_absolute() {
        return root.is_absolute() && normalize(path).starts_with(normalize(root));
    }
    let mut depth = 0usize;
    for part in path.components() {
        match part {
            std::path::Component::Normal(_) => depth += 1,
            std::path::Component::ParentDir => match depth.checked_sub(1) {
                Some(up) => depth = up,
                None => return false,
            },
            std::path::Component::CurDir => {}
            _ => return false,
        }
    }
    true
}

/// Opens `path` for reading if it is a regular file (following symlinks). A FIFO, device or
/// socket is refused before anything is read from it: opening one to read could block
/// forever, so it is opened without blocking and its type checked first.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        Ok(file)
    } else {
        Err(not_regular(kind))
    }
}

/// The error for a path that is not a regular file.
pub fn not_regular(kind: std::fs::FileType) -> std::io::Error {
    use std::os::unix::fs::FileTypeExt as _;
    let what = if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    };
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("{what}, not a file: not read"),
    )
}

/// [`std::fs::read_to_string`] for regular files only (see [`open_regular`]).
pub fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut text = String::new();
    open_regular(path)?.read_to_string(&mut text)?;
    Ok(text)
}

/// [`std::fs::read`] for regular files only (see [`open_regular`]).
pub fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    open_regular(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

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

/// A file written and synced under a temporary name beside its target, not yet in place;
/// or, when the target already holds exactly the new bytes, nothing at all (they are
/// compared as they are produced, so an unchanged file is neither written nor read twice).
/// Dropping it without [`Staged::commit`] removes the temporary file.
#[derive(Debug)]
pub struct Staged {
    /// The temporary file; `None` when the target already holds the bytes.
    tmp: Option<PathBuf>,
    path: PathBuf,
    committed: bool,
}

impl Staged {
    /// Writes the content of `path` into a synced temporary file beside it, unless the
    /// target already holds exactly that content.
    pub fn write(
        path: &Path,
        write: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
    ) -> Result<Staged> {
        Staged::write_in(path, None, write)
    }

    /// [`Staged::write`] with the temporary file in `temp_dir` (when given) rather than
    /// beside the target: a folder the site is published from never holds one.
    pub fn write_in(
        path: &Path,
        temp_dir: Option<&Path>,
        write: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
    ) -> Result<Staged> {
        let mut staging = Staging::begin_in(path, temp_dir)?;
        // A temporary file is removed by dropping the Staging, also on failure.
        write(&mut staging).with_context(|| format!("failed to write {}", path.display()))?;
        staging.finish()
    }

    /// Where the staged content can be read back before it is put in place: the temporary
    /// file, or the target when it already held the content. (The feeds are now linted as
    /// they are written, not read back; only the tests read it.)
    #[cfg(test)]
    fn content_path(&self) -> &Path {
        self.tmp.as_deref().unwrap_or(&self.path)
    }

    /// Whether the target already holds exactly the staged bytes (committing does nothing).
    #[cfg(test)]
    fn unchanged(&self) -> bool {
        self.tmp.is_none()
    }

    /// The folder the file goes into.
    pub fn dir(&self) -> &Path {
        parent(&self.path)
    }

    /// Renames the temporary file over its target (the directory is not synced: see
    /// [`commit_all`]); does nothing when the target already held the content.
    pub fn commit(mut self) -> Result<()> {
        if let Some(tmp) = &self.tmp {
            let failed = || format!("failed to write {}", self.path.display());
            match std::fs::rename(tmp, &self.path) {
                Ok(()) => {}
                // The temporary folder is on another file system than the target: the
                // bytes go to a temporary file beside it, synced, and that is renamed.
                Err(e) if e.raw_os_error() == Some(rustix::io::Errno::XDEV.raw_os_error()) => {
                    let (beside, mut file) =
                        create_temp(parent(&self.path), &file_name(&self.path))
                            .with_context(failed)?;
                    let copied = std::fs::File::open(tmp)
                        .and_then(|mut from| std::io::copy(&mut from, &mut file))
                        .and_then(|_| file.sync_all())
                        .and_then(|()| std::fs::rename(&beside, &self.path));
                    if let Err(e) = copied {
                        let _ = std::fs::remove_file(&beside);
                        return Err(e).with_context(failed);
                    }
                    let _ = std::fs::remove_file(tmp);
                }
                Err(e) => return Err(e).with_context(failed),
            }
        }
        self.committed = true;
        Ok(())
    }
}

/// A file being staged, written a piece at a time: [`Staged::write`] for content that can be
/// written in one go, this for content that comes in pieces (a feed, as its posts are
/// rendered). Writes are compared with the target as they come; dropping it before
/// [`Staging::finish`] removes the temporary file.
pub struct Staging {
    out: Compare,
    /// Bytes written to the temporary file since its last sync was started.
    unsynced: u64,
    /// The sync of what was written so far, run beside the writing so that the last one
    /// has little left to do (an error is kept: a later sync may not report it again).
    syncing: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

/// A large file is synced every this many bytes while it is written.
const SYNC_AHEAD: u64 = 32 << 20;

impl Staging {
    /// Starts staging the content of `path`, creating its folder.
    pub fn begin(path: &Path) -> Result<Staging> {
        Staging::begin_in(path, None)
    }

    /// [`Staging::begin`] with the temporary file in `temp_dir` (when given), created if
    /// need be, rather than beside the target.
    pub fn begin_in(path: &Path, temp_dir: Option<&Path>) -> Result<Staging> {
        let dir = parent(path);
        for dir in std::iter::once(dir).chain(temp_dir) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("failed to create {}", dir.display()))?;
        }
        let old = std::fs::File::open(path)
            .ok()
            .filter(|f| f.metadata().is_ok_and(|m| m.is_file()));
        Ok(Staging {
            out: Compare {
                path: path.to_path_buf(),
                old: old.map(|f| std::io::BufReader::with_capacity(1 << 16, f)),
                matched: 0,
                scratch: Vec::new(),
                new: None,
                temp_dir: temp_dir.map(Path::to_path_buf),
            },
            unsynced: 0,
            syncing: None,
        })
    }

    /// Starts syncing what was written so far, beside the writing, unless a sync is still
    /// running; gives the error of the one before.
    fn sync_ahead(&mut self) -> std::io::Result<()> {
        if self.syncing.as_ref().is_some_and(|s| !s.is_finished()) {
            return Ok(());
        }
        let Some((_, out)) = &self.out.new else {
            return Ok(());
        };
        let file = out.get_ref().try_clone()?;
        self.synced()?;
        self.syncing = Some(std::thread::spawn(move || file.sync_data()));
        self.unsynced = 0;
        Ok(())
    }

    /// Waits for the sync running beside the writing, if any, and gives its error.
    fn synced(&mut self) -> std::io::Result<()> {
        match self.syncing.take() {
            None => Ok(()),
            Some(sync) => sync
                .join()
                .map_err(|_| std::io::Error::other("syncing the file failed"))?,
        }
    }

    /// After the last write: the content is synced under its temporary name (or found to be
    /// the target's already), ready to be committed.
    pub fn finish(mut self) -> Result<Staged> {
        let path = self.out.path.clone();
        let failed = |e: anyhow::Error| e.context(format!("failed to write {}", path.display()));
        self.out.finish().map_err(failed)?;
        self.synced().map_err(|e| failed(e.into()))?;
        let Some((tmp, out)) = self.out.new.take() else {
            return Ok(Staged {
                tmp: None,
                path,
                committed: false,
            });
        };
        // From here the Staged owns the temporary file: dropped on failure, it removes it.
        let staged = Staged {
            tmp: Some(tmp),
            path,
            committed: false,
        };
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
            .with_context(|| format!("failed to write {}", staged.path.display()))?;
        Ok(staged)
    }
}

impl Write for Staging {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)?;
        self.unsynced += buf.len() as u64;
        if self.unsynced >= SYNC_AHEAD {
            self.sync_ahead()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = self.synced();
        if let Some((tmp, _)) = self.out.new.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// A writer that compares what it is given with the old file and, from the first byte that
/// differs, writes a temporary file instead (starting with the old bytes that matched).
struct Compare {
    path: PathBuf,
    old: Option<std::io::BufReader<std::fs::File>>,
    matched: u64,
    scratch: Vec<u8>,
    new: Option<(PathBuf, std::io::BufWriter<std::fs::File>)>,
    /// Where the temporary file goes (else beside the target).
    temp_dir: Option<PathBuf>,
}

impl Compare {
    /// Leaves the compared prefix for a temporary file that holds it.
    fn diverge(&mut self) -> std::io::Result<&mut std::io::BufWriter<std::fs::File>> {
        if self.new.is_none() {
            let dir = self
                .temp_dir
                .as_deref()
                .unwrap_or_else(|| parent(&self.path));
            let (tmp, file) = create_temp(dir, &file_name(&self.path))?;
            // Small: a feed comes in pieces of up to 64 KiB, which pass the buffer straight to
            // the file; only small writes (a digest's, a cache's) are gathered in it.
            let mut out = std::io::BufWriter::with_capacity(1 << 14, file);
            if self.matched > 0 {
                use std::io::Read as _;
                let mut old = std::fs::File::open(&self.path)?.take(self.matched);
                std::io::copy(&mut old, &mut out)?;
            }
            self.old = None;
            self.new = Some((tmp, out));
        }
        Ok(&mut self.new.as_mut().expect("set above").1)
    }

    /// After the last write: the old file must end where the new content does.
    fn finish(&mut self) -> Result<()> {
        if let Some(old) = &mut self.old {
            use std::io::BufRead as _;
            if !old.fill_buf()?.is_empty() {
                self.diverge()?;
            }
        } else if self.new.is_none() {
            self.diverge()?;
        }
        if let Some((_, out)) = &mut self.new {
            out.flush()?;
        }
        Ok(())
    }
}

impl Write for Compare {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(old) = &mut self.old {
            use std::io::Read as _;
            self.scratch.resize(buf.len(), 0);
            let mut got = 0;
            while got < buf.len() {
                match old.read(&mut self.scratch[got..])? {
                    0 => break,
                    n => got += n,
                }
            }
            if got == buf.len() && self.scratch[..got] == *buf {
                self.matched += buf.len() as u64;
                return Ok(buf.len());
            }
        }
        self.diverge()?.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.new {
            Some((_, out)) => out.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let (false, Some(tmp)) = (self.committed, &self.tmp) {
            let _ = std::fs::remove_file(tmp);
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
        // A file whose bytes did not change was never written, so its modification time
        // and inode stay: web servers' ETags and feed readers' conditional GETs keep working
        // across a rebuild that changes nothing.
        file.commit()?;
    }
    dirs.sort();
    dirs.dedup();
    dirs.iter().try_for_each(|dir| sync_dir(dir))
}

/// The file name of `path`, for its temporary file's name.
fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("out")
        .to_string()
}

/// Removes from `dir` (not below it) the temporary files that runs killed before they could
/// remove them left: `.<name>.<pid>.<n>.tmp` whose process is gone. Gives how many.
pub fn sweep(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        let alive = rustix::process::Pid::from_raw(pid)
            .is_some_and(|pid| rustix::process::test_kill_process(pid).is_ok());
        if !alive && entry.file_type().is_ok_and(|t| t.is_file()) {
            removed += usize::from(std::fs::remove_file(entry.path()).is_ok());
        }
    }
    removed
}

/// The process id in a temporary file's name (`.rss.xml.4242.0.tmp`).
fn temp_pid(name: &str) -> Option<i32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let mut parts = rest.rsplitn(3, '.');
    let (n, pid) = (parts.next()?, parts.next()?);
    parts.next()?;
    n.parse::<u32>().ok()?;
    pid.parse().ok()
}

/// A new temporary file in `dir`: `.<name>.<pid>.<n>.tmp`, never one that exists.
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
pub fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("failed to sync the directory {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_removes_only_the_temporary_files_of_dead_processes() {
        let dir = tempfile::tempdir().unwrap();
        let mine = format!(".rss.xml.{}.0.tmp", std::process::id());
        // No process has this id: Linux's ids stop at 2^22.
        let dead = ".atom.xml.99999999.3.tmp";
        for name in [mine.as_str(), dead, "rss.xml", ".hidden.tmp", "x.1.2.tmp"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        assert_eq!(sweep(dir.path()), 1);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".hidden.tmp", mine.as_str(), "rss.xml", "x.1.2.tmp"]);
        assert_eq!(temp_pid(".state.json.12.0.tmp"), Some(12));
    }

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

    #[test]
    fn unchanged_content_is_compared_not_written_and_any_change_is_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.xml");
        let old: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        std::fs::write(&path, &old).unwrap();
        // In uneven pieces, as a serialiser writes.
        let write_in_pieces = |bytes: Vec<u8>| {
            Staged::write(&path, &mut move |out| {
                for piece in bytes.chunks(7_777) {
                    out.write_all(piece)?;
                }
                Ok(())
            })
            .unwrap()
        };
        let same = write_in_pieces(old.clone());
        assert!(same.unchanged());
        assert_eq!(names(dir.path()), ["feed.xml"], "no temporary file");
        same.commit().unwrap();

        let mut changed_late = old.clone();
        *changed_late.last_mut().unwrap() ^= 1;
        let shorter = old[..old.len() - 3].to_vec();
        let mut longer = old.clone();
        longer.extend(b"more");
        for new in [changed_late, shorter, longer, Vec::new()] {
            std::fs::write(&path, &old).unwrap();
            let staged = write_in_pieces(new.clone());
            assert!(!staged.unchanged());
            assert_eq!(std::fs::read(staged.content_path()).unwrap(), new);
            assert_eq!(
                std::fs::read(&path).unwrap(),
                old,
                "the old file stays until commit"
            );
            commit_all(vec![staged]).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), new);
        }
    }
}
