//! Linting a feed as it is written: its bytes go, a piece at a time, to a thread that reads
//! them as one stream with [`lint::rss`] or [`lint::atom`], so a feed is linted without
//! being read back from its file or held whole in memory.

use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::thread::JoinHandle;

use anyhow::{anyhow, Result};

use super::commit::Findings;
use super::lint;
use herald_config::fsutil::{Staged, Staging};
use herald_config::Format;

/// What the lint reads at a time, and how many such pieces may wait for it.
const PIECE: usize = 1 << 16;
const WAITING: usize = 64;

/// The lint's thread and what goes to it: the piece being filled, and the channel. Pieces
/// the lint has read come back to be filled again: a new one for every piece was fresh
/// memory each time, a page fault for every 4 KiB written.
pub(crate) struct Linting {
    piece: Vec<u8>,
    send: SyncSender<Vec<u8>>,
    read: Receiver<Vec<u8>>,
    thread: JoinHandle<Vec<lint::Finding>>,
}

impl Linting {
    /// Starts the lint of a feed in `format`; `None` for JSON Feed, which has none.
    pub(crate) fn start(format: Format) -> Result<Option<Linting>> {
        if format == Format::Json {
            return Ok(None);
        }
        let (send, receive) = sync_channel(WAITING);
        let (done, read) = channel();
        let reader = Pieced {
            receive,
            done,
            piece: Vec::new(),
            at: 0,
        };
        let thread = std::thread::Builder::new()
            .name("herald-lint".into())
            .spawn(move || match format {
                Format::Rss => lint::rss(reader),
                _ => lint::atom(reader),
            })?;
        Ok(Some(Linting {
            piece: Vec::with_capacity(PIECE),
            send,
            read,
            thread,
        }))
    }

    /// What the lint found, once it has read everything written, each finding with the
    /// feed's `path` (below the output directory).
    pub(crate) fn finish(self, path: &Path) -> Result<Findings> {
        let Linting {
            piece,
            send,
            thread,
            ..
        } = self;
        // The lint reads to the end: a send fails only if its thread has ended.
        if !piece.is_empty() {
            let _ = send.send(piece);
        }
        drop(send);
        let found = thread.join().map_err(|_| anyhow!("the feed lint failed"))?;
        Ok(found.into_iter().map(|f| (path.to_path_buf(), f)).collect())
    }

    /// Sends a full piece to the lint; gives an empty one to fill next, one the lint has
    /// read when there is one.
    fn send_piece(&mut self, full: Vec<u8>) -> Vec<u8> {
        // A lint that stopped early (its thread ended) has its findings already.
        let _ = self.send.send(full);
        match self.read.try_recv() {
            Ok(mut read) => {
                read.clear();
                read
            }
            Err(_) => Vec::with_capacity(PIECE),
        }
    }
}

/// Bytes written a piece at a time: a piece is sent before it would outgrow its buffer
/// (growing it copied every byte again), and a write larger than a piece goes as a piece
/// of its own. `send` takes each full piece and gives back an empty one.
fn write_pieces(
    piece: &mut Vec<u8>,
    buf: &[u8],
    mut send: impl FnMut(Vec<u8>) -> std::io::Result<Vec<u8>>,
) -> std::io::Result<()> {
    if piece.len() + buf.len() > PIECE && !piece.is_empty() {
        let full = std::mem::take(piece);
        *piece = send(full)?;
    }
    if buf.len() >= PIECE {
        send(buf.to_vec())?;
    } else {
        piece.extend_from_slice(buf);
    }
    Ok(())
}

impl Write for Linting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut piece = std::mem::take(&mut self.piece);
        write_pieces(&mut piece, buf, |full| Ok(self.send_piece(full)))?;
        self.piece = piece;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The lint's side: the pieces sent, read as one stream, each given back once read.
struct Pieced {
    receive: Receiver<Vec<u8>>,
    done: Sender<Vec<u8>>,
    piece: Vec<u8>,
    at: usize,
}

impl Read for Pieced {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Pieced {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.at == self.piece.len() {
            match self.receive.recv() {
                Ok(piece) => {
                    let read = std::mem::replace(&mut self.piece, piece);
                    // Only pieces of the usual size are worth keeping; the writer may be gone.
                    if read.capacity() == PIECE {
                        let _ = self.done.send(read);
                    }
                    self.at = 0;
                }
                Err(_) => return Ok(&[]),
            }
        }
        Ok(&self.piece[self.at..])
    }

    fn consume(&mut self, amount: usize) {
        self.at = (self.at + amount).min(self.piece.len());
    }
}

/// A feed's file being staged, with what is written also sent to the lint's thread. Both
/// take the same pieces: the file is written a whole piece at a time, straight from it
/// (writing each item through the file's own buffer copied every byte once more).
pub(crate) struct Tee {
    piece: Vec<u8>,
    staging: Staging,
    lint: Option<Linting>,
}

impl Tee {
    /// Starts staging the feed file at `path` in `format` and its lint.
    pub(crate) fn begin(path: &Path, format: Format, temp_dir: &Path) -> Result<Tee> {
        Ok(Tee {
            piece: Vec::with_capacity(PIECE),
            staging: Staging::begin_in(path, Some(temp_dir))?,
            lint: Linting::start(format)?,
        })
    }

    /// The staged file and what the lint found in it, each finding with the feed's `path`
    /// (below the output directory).
    pub(crate) fn finish(mut self, path: &Path) -> Result<(Staged, Findings)> {
        let last = std::mem::take(&mut self.piece);
        if !last.is_empty() {
            self.send(last)?;
        }
        let found = match self.lint {
            None => Vec::new(),
            Some(linting) => linting.finish(path)?,
        };
        Ok((self.staging.finish()?, found))
    }

    /// Writes a piece to the file and sends it to the lint; gives an empty one back.
    fn send(&mut self, mut full: Vec<u8>) -> std::io::Result<Vec<u8>> {
        self.staging.write_all(&full)?;
        Ok(match &mut self.lint {
            Some(linting) => linting.send_piece(full),
            None => {
                full.clear();
                full
            }
        })
    }
}

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut piece = std::mem::take(&mut self.piece);
        write_pieces(&mut piece, buf, |full| self.send(full))?;
        self.piece = piece;
        Ok(buf.len())
    }

    /// Sends the piece being filled on, to the file and the lint.
    fn flush(&mut self) -> std::io::Result<()> {
        let piece = std::mem::take(&mut self.piece);
        self.piece = if piece.is_empty() {
            piece
        } else {
            self.send(piece)?
        };
        self.staging.flush()
    }
}
