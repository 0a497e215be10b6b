//! What loading found in each post, kept between runs (`.herald/cache/posts.bin`), so a run
//! over a large blog reads only the posts that changed. A file's entry is used only while its
//! size, modification time, change time and inode are as they were, it sits in the site as
//! it did, and the settings and herald that made it are the same; anything that depends on
//! the time of the run (future posts, expiry) is decided after loading, never kept.

use std::hash::{Hash, Hasher as _};
use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::layout::Located;
use super::meta::Post;
use super::walk::path_order;
use herald_config::diag::Diagnostic;
use herald_config::Site;

/// What loading one file gave: a post, its problem, or nothing (a page, not a post).
pub(super) type Outcome = Option<Result<Post, Diagnostic>>;

/// A file as the file system describes it: when any part changes, it is read again. The
/// change time moves on every write, even one that puts the modification time back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Stamp {
    len: u64,
    modified: (i64, u32),
    changed: (i64, u32),
    inode: u64,
}

impl Stamp {
    /// The stamp of every file, in parallel, each `None` when it cannot be read (the file is
    /// then loaded, and loading reports the problem). On Unix each folder is opened once and
    /// its files are stamped by name within it, sparing the lookup of every path.
    pub(super) fn all(located: &[Located]) -> Vec<Option<Stamp>> {
        located
            .par_chunks(1024)
            .flat_map_iter(|chunk| {
                let mut folder = Folder::default();
                chunk.iter().map(move |at| folder.stamp(&at.path))
            })
            .collect()
    }
}

/// The folder files were last stamped in, kept open.
#[derive(Default)]
struct Folder {
    #[cfg(unix)]
    open: Option<(PathBuf, rustix::fd::OwnedFd)>,
}

impl Folder {
    #[cfg(unix)]
    #[allow(
        clippy::useless_conversion,
        reason = "the stat fields' types differ between platforms"
    )]
    fn stamp(&mut self, path: &Path) -> Option<Stamp> {
        use rustix::fs::{AtFlags, Mode, OFlags};
        use std::os::unix::ffi::OsStrExt as _;
        // The folder and name split at the last `/` by their bytes: `Path::parent` and
        // `file_name` parse components, which is slow when every cached post is loaded (see
        // BENCHMARKS.md, Profiling notes). The walk gives plain paths of files; anything else
        // is split the component-wise way.
        let bytes = path.as_os_str().as_bytes();
        let split = memchr::memrchr(b'/', bytes)
            .filter(|&at| at > 0 && !matches!(&bytes[at + 1..], b"" | b"." | b".."))
            .map(|at| {
                (
                    Path::new(std::ffi::OsStr::from_bytes(&bytes[..at])),
                    std::ffi::OsStr::from_bytes(&bytes[at + 1..]),
                )
            });
        let (parent, name) = match split {
            Some(split) => split,
            None => (path.parent()?, path.file_name()?),
        };
        let same = |open: &PathBuf| open.as_os_str().as_bytes() == parent.as_os_str().as_bytes();
        if self.open.as_ref().is_none_or(|(open, _)| !same(open)) {
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let fd = rustix::fs::open(parent, flags, Mode::empty()).ok()?;
            self.open = Some((parent.to_path_buf(), fd));
        }
        let (_, fd) = self.open.as_ref()?;
        // Symlinks are followed, as reading the file does.
        let stat = rustix::fs::statat(fd, name, AtFlags::empty()).ok()?;
        Some(Stamp {
            len: u64::try_from(stat.st_size).ok()?,
            modified: (
                i64::from(stat.st_mtime),
                u32::try_from(stat.st_mtime_nsec).ok()?,
            ),
            changed: (
                i64::from(stat.st_ctime),
                u32::try_from(stat.st_ctime_nsec).ok()?,
            ),
            inode: u64::from(stat.st_ino),
        })
    }

    #[cfg(not(unix))]
    fn stamp(&mut self, path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified: seconds(meta.modified().ok()?),
            changed: (0, 0),
            inode: 0,
        })
    }
}

/// Seconds and nanoseconds since 1970 (before it, the seconds are negative).
fn seconds(t: std::time::SystemTime) -> (i64, u32) {
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => (after.as_secs() as i64, after.subsec_nanos()),
        Err(before) => (
            -(before.duration().as_secs() as i64),
            before.duration().subsec_nanos(),
        ),
    }
}

/// How close to the cache's own writing a file's change may be for its entry to be trusted:
/// file systems stamp times from a coarse clock, so a file changed again in the same tick as
/// it was read, and to the same size, would keep its stamp (git calls such entries racy).
const RACY_SECONDS: i64 = 2;

/// One file's entry, as read back.
#[derive(Deserialize)]
struct Record {
    path: PathBuf,
    stamp: Stamp,
    /// Where the file sits in the site (its folders, bundle, categories), hashed.
    located: u64,
    outcome: Outcome,
}

/// One file's entry, as written (the same fields as [`Record`], borrowed).
#[derive(Serialize)]
struct RecordRef<'a> {
    path: &'a Path,
    stamp: Stamp,
    located: u64,
    outcome: &'a Outcome,
}

/// The file begins with this and the key (the herald version, the settings and the posts
/// folder its entries were made under, hashed: 8 bytes, little-endian); then come groups
/// of entries, each its length (8 bytes, little-endian) and its entries in postcard, so that
/// groups are decoded in parallel.
const MAGIC: &[u8; 8] = b"herald\x01\n";

/// Entries per group.
const GROUP: usize = 2048;

/// More bytes than any one entry takes (a post is at most `max_post_bytes`, and its front
/// matter a part of it), to refuse a broken group length.
const MAX_RECORD: usize = 1 << 20;

/// Groups decoded or encoded at once: enough to keep every core busy, few enough that the
/// file is never in memory whole.
fn batch() -> usize {
    rayon::current_num_threads()
}

/// The cache file opened for reading, past its header; `None` when it is missing, cannot
/// be read, or was made under another key.
fn open_file(path: &Path, key: u64) -> Option<std::fs::File> {
    use std::io::Read as _;
    // Unbuffered: groups are read whole, each in one call.
    let mut file = herald_config::fsutil::open_regular(path).ok()?;
    let mut head = [0u8; 16];
    file.read_exact(&mut head).ok()?;
    (head[..8] == MAGIC[..] && u64::from_le_bytes(head[8..].try_into().ok()?) == key)
        .then_some(file)
}

/// The next few groups of entries, as bytes; empty at the end of the file, and `None` when
/// what follows is not a whole group.
fn next_groups(file: &mut impl std::io::Read) -> Option<Vec<Vec<u8>>> {
    let mut groups: Vec<Vec<u8>> = Vec::new();
    while groups.len() < batch() {
        let mut len = [0u8; 8];
        match file.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(_) => return None,
        }
        let len = usize::try_from(u64::from_le_bytes(len)).ok()?;
        // A length no group can have (a broken file) is refused before anything is allocated.
        if len > GROUP * MAX_RECORD {
            return None;
        }
        let mut group = vec![0; len];
        file.read_exact(&mut group).ok()?;
        groups.push(group);
    }
    Some(groups)
}

/// FNV-1a: stable across runs and builds, and far quicker than SipHash for the short keys
/// hashed once per file here (a collision would also need the same path and stamp).
fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = fnv::FnvHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Where a file sits in the site, hashed (its path is compared on its own).
fn place_of(at: &Located) -> u64 {
    hash_of(&(
        &at.dirs,
        &at.bundle,
        &at.categories,
        &at.rel,
        &at.lang,
        &at.stem,
        &at.collection,
    ))
}

/// The cache of one run: where it lives, the key of this run's settings, and how many
/// entries it held.
pub(super) struct Cache {
    path: PathBuf,
    key: u64,
    /// How many entries were read.
    old_len: usize,
    /// How many entries matched their file but were too close to the cache's writing.
    racy: usize,
}

impl Cache {
    /// The cache at `path` for loading `dir` under `site`'s settings.
    pub(super) fn new(path: PathBuf, site: &Site, dir: &Path) -> Cache {
        let key = hash_of(&(env!("CARGO_PKG_VERSION"), format!("{:?}", site.config), dir));
        Cache {
            path,
            key,
            old_len: 0,
            racy: 0,
        }
    }

    /// Each file's kept outcome when it is still good (same stamp, same place); `None` for a
    /// file to read. `located` is in the walk's order, as the cache's entries are; they are
    /// read a few groups at a time and handed over, so the cache is never in memory whole.
    /// Entries made under other settings or by another herald, or a file that cannot be read
    /// or decoded, give nothing: those posts are then read.
    pub(super) fn take(
        &mut self,
        located: &[Located],
        stamps: &[Option<Stamp>],
    ) -> Vec<Option<Outcome>> {
        let mut outcomes: Vec<Option<Outcome>> = (0..located.len()).map(|_| None).collect();
        let Some(mut file) = open_file(&self.path, self.key) else {
            return outcomes;
        };
        // Entries of files changed within RACY_SECONDS of the cache's writing are not trusted.
        let Some((written, nanos)) = std::fs::metadata(&self.path)
            .and_then(|m| m.modified())
            .ok()
            .map(seconds)
        else {
            return outcomes;
        };
        let settled =
            |stamp: &Stamp| stamp.modified.max(stamp.changed) < (written - RACY_SECONDS, nanos);
        // Each group is decoded and its entries found among the files on all cores; an
        // entry is `Some((file, Some(outcome)))` when good, `(file, None)` when racy.
        // Entries are in the walk's order, so after one file the next entry is most often the
        // next file: looked at first, before searching all (the search's scattered reads of
        // paths are slow over every cached post; see BENCHMARKS.md, Profiling notes).
        let find = |record: &Record, next: Option<usize>| {
            let same = |at: usize| {
                located.get(at).is_some_and(|l| {
                    l.path.as_os_str().as_encoded_bytes()
                        == record.path.as_os_str().as_encoded_bytes()
                })
            };
            match next {
                Some(next) if same(next) => Some(next),
                _ => located
                    .binary_search_by(|at| path_order(&at.path, &record.path))
                    .ok(),
            }
        };
        let judge = |mut record: Record, next: Option<usize>| {
            let at_index = find(&record, next)?;
            let at = &located[at_index];
            if stamps[at_index] != Some(record.stamp) || record.located != place_of(at) {
                return None;
            }
            if !settled(&record.stamp) {
                return Some((at_index, None));
            }
            // What the cache does not keep twice: the file and its place.
            if let Some(Ok(post)) = &mut record.outcome {
                post.path = record.path;
                post.rel.clone_from(&at.rel);
            }
            Some((at_index, Some(record.outcome)))
        };
        while let Some(groups) = next_groups(&mut file).filter(|g| !g.is_empty()) {
            let judged: Option<Vec<(usize, Vec<_>)>> = groups
                .par_iter()
                .map(|group| {
                    let records: Vec<Record> = postcard::from_bytes(group).ok()?;
                    let count = records.len();
                    let mut next = None;
                    let found = records
                        .into_iter()
                        .filter_map(|record| {
                            let judged = judge(record, next);
                            next = judged.as_ref().map(|(at, _)| at + 1);
                            judged
                        })
                        .collect();
                    Some((count, found))
                })
                .collect();
            let Some(judged) = judged else {
                break;
            };
            for (count, found) in judged {
                self.old_len += count;
                for (at_index, outcome) in found {
                    match outcome {
                        Some(outcome) => outcomes[at_index] = Some(outcome),
                        None => self.racy += 1,
                    }
                }
            }
        }
        outcomes
    }

    /// Keeps this run's outcomes (one per file, in `located` order) for the next run, encoded
    /// a few groups at a time. Nothing is written when every file's entry was good and no
    /// file went away. After racy entries the file is written anew even when its bytes are
    /// the same, so its time moves past theirs and they are trusted next time.
    pub(super) fn save(
        &self,
        located: &[Located],
        stamps: &[Option<Stamp>],
        hits: usize,
        outcomes: &[Option<Outcome>],
    ) -> Result<()> {
        if hits == located.len() && self.old_len == located.len() {
            return Ok(());
        }
        if self.racy > 0 {
            // An unchanged file would not be written (nor its time moved) otherwise.
            let _ = std::fs::remove_file(&self.path);
        }
        let records: Vec<RecordRef<'_>> = located
            .iter()
            .zip(stamps)
            .zip(outcomes)
            .filter_map(|((at, stamp), outcome)| {
                Some(RecordRef {
                    path: &at.path,
                    stamp: (*stamp)?,
                    located: place_of(at),
                    outcome: outcome.as_ref()?,
                })
            })
            .collect();
        herald_config::fsutil::write_atomic_with(&self.path, &mut |out| {
            out.write_all(MAGIC)?;
            out.write_all(&self.key.to_le_bytes())?;
            for records in records.chunks(GROUP * batch()) {
                let groups: Vec<Vec<u8>> = records
                    .par_chunks(GROUP)
                    .map(postcard::to_stdvec)
                    .collect::<Result<_, _>>()?;
                for group in &groups {
                    out.write_all(&(group.len() as u64).to_le_bytes())?;
                    out.write_all(group)?;
                }
            }
            Ok(())
        })
    }
}
