//! Streaming a feed whose crate writes only whole documents: the document without items
//! and each item in a document of its own, spliced together.

use anyhow::Result;

/// Streams a document whose items its crate can only serialise inside a whole document:
/// `empty` is the document without items, `items` each item alone in the same document. The
/// first item shows where items go (where it and `empty` part); every item is cut out of its
/// document there and written in turn, so the output is the whole document's bytes without
/// the whole document, or its items' copies, ever being in memory.
pub(crate) fn splice(
    empty: &[u8],
    items: impl Iterator<Item = Result<Vec<u8>>>,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    // (head, tail): the bytes of `empty` before and after the place of the items.
    let mut cut: Option<(usize, usize)> = None;
    for document in items {
        let document = document?;
        let (head, tail) = match cut {
            Some(cut) => cut,
            None => {
                let head = empty
                    .iter()
                    .zip(&document)
                    .take_while(|(a, b)| a == b)
                    .count();
                out.write_all(&empty[..head])?;
                *cut.insert((head, empty.len() - head))
            }
        };
        let fits = document.len() >= head + tail
            && document[..head] == empty[..head]
            && document[document.len() - tail..] == empty[head..];
        anyhow::ensure!(
            fits,
            "an item's document differs from the feed's outside the item: cannot stream it"
        );
        out.write_all(&document[head..document.len() - tail])?;
    }
    match cut {
        None => out.write_all(empty)?,
        Some((head, _)) => out.write_all(&empty[head..])?,
    }
    Ok(())
}
