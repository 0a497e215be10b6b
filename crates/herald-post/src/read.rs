//! Reading a post's file: only a regular file, at most `max_post_bytes`, as UTF-8 (a
//! byte-order mark dropped), each problem a diagnostic on the file.

use std::path::Path;

use herald_config::diag::Diagnostic;

use crate::{front_matter, HEAD_CHUNK};

/// A post's text: at most `max_bytes`, UTF-8 without NUL bytes, BOM removed, line ends
/// normalised to `\n`.
pub(crate) fn read_text(path: &Path, max_bytes: u64) -> Result<String, Diagnostic> {
    use std::io::Read as _;
    let (file, len) = open_post_len(path, max_bytes)?;
    // Room for the whole file and the byte that shows its end, so it is read without the
    // buffer growing (and being copied) on the way.
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    // Read one byte past the bound, so a file that grows meanwhile is still caught.
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(path, e))?;
    decode(path, bytes, max_bytes)
}

/// The start of a post, up to at least the line that closes its front matter, checked as
/// [`read_text`] checks the whole; `true` when that is the whole post. Loading needs only
/// the front matter, so a large blog's bodies are not read until a post is rendered.
pub(crate) fn read_head(path: &Path, max_bytes: u64) -> Result<(String, bool), Diagnostic> {
    use std::io::Read as _;
    let mut file = open_post(path, max_bytes)?.take(max_bytes.saturating_add(1));
    let mut bytes = Vec::new();
    loop {
        let before = bytes.len();
        (&mut file)
            .take(HEAD_CHUNK as u64)
            .read_to_end(&mut bytes)
            .map_err(|e| cannot_read(path, e))?;
        if bytes.len() - before < HEAD_CHUNK {
            return decode(path, bytes, max_bytes).map(|text| (text, true));
        }
        // Whole lines only: a line end or a character may be cut at the chunk's end.
        let lines = bytes
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |at| at + 1);
        let text = decode(path, bytes[..lines].to_vec(), max_bytes)?;
        if front_matter::closed(&text) {
            return Ok((text, false));
        }
    }
}

pub(crate) fn cannot_read(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(path, 1, format!("cannot read file: {e}"))
}

/// Opens a post, refusing one larger than `max_bytes`.
pub(crate) fn open_post(path: &Path, max_bytes: u64) -> Result<std::fs::File, Diagnostic> {
    open_post_len(path, max_bytes).map(|(file, _)| file)
}

/// [`open_post`] and the file's length.
pub(crate) fn open_post_len(
    path: &Path,
    max_bytes: u64,
) -> Result<(std::fs::File, u64), Diagnostic> {
    let file = herald_config::fsutil::open_regular(path).map_err(|e| cannot_read(path, e))?;
    let len = file.metadata().map_err(|e| cannot_read(path, e))?.len();
    if len > max_bytes {
        return Err(too_large(path, max_bytes));
    }
    Ok((file, len))
}

pub(crate) fn too_large(path: &Path, max_bytes: u64) -> Diagnostic {
    Diagnostic::error(
        path,
        1,
        format!("the post is larger than max_post_bytes ({max_bytes} bytes): not read"),
    )
}

/// Checks and normalises a post's bytes (or the whole lines at its start).
pub(crate) fn decode(path: &Path, bytes: Vec<u8>, max_bytes: u64) -> Result<String, Diagnostic> {
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(path, max_bytes));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let bytes = e.as_bytes();
            let line = bytes[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            return Err(Diagnostic::error(
                path,
                line,
                "file is not valid UTF-8 text",
            ));
        }
    };
    if let Some(nul) = memchr::memchr(0, text.as_bytes()) {
        let line = text[..nul].matches('\n').count() + 1;
        return Err(Diagnostic::error(
            path,
            line,
            "file holds NUL bytes: not a text post",
        ));
    }
    // Most posts need no change: they are the text as read, without a copy.
    let bom = text.starts_with('\u{feff}');
    if !bom && memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return Ok(text);
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}
