//! Where firmware bytes come from: a random-access byte source read in bounded chunks
//! (DESIGN.md "image": nothing requires the whole file in memory).
//!
//! The page implements [`ByteSource`] over a `Blob` (`slice()` + `arrayBuffer()`), the CLI
//! over a file, tests and the virtual dongles over bytes in memory. Parsers only ever
//! ask for ranges inside [`ByteSource::len`], and never more than [`CHUNK`] bytes at once.

/// The most any parser asks of a source in one read: 1 MiB.
pub const CHUNK: usize = 1 << 20;

/// A firmware file, or one file of a folder, readable at any offset.
///
/// Futures are `!Send` in the browser, so no `Send` bounds are required.
#[allow(async_fn_in_trait)]
pub trait ByteSource {
    /// Size in bytes.
    fn len(&self) -> u64;

    /// Whether the source holds no bytes at all.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Fills all of `buf` with the bytes starting at `offset`.
    ///
    /// A range past the end is an error ([`SourceError::OutOfRange`]), never a short read.
    async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError>;
}

/// Why bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The range asked for does not lie inside the file.
    #[error("tried to read {len} bytes at offset {offset} of a {size}-byte file")]
    OutOfRange {
        /// Where the read started.
        offset: u64,
        /// How many bytes it asked for.
        len: usize,
        /// The file's size.
        size: u64,
    },
    /// The file could not be read, in the platform's own words.
    #[error("the firmware file could not be read: {0}")]
    Io(String),
}

impl SourceError {
    /// What the person at the computer should do about it.
    pub fn next_step(&self) -> &'static str {
        match self {
            SourceError::OutOfRange { .. } => "The file seems to have changed while it was read. Choose it again.",
            SourceError::Io(_) => "Check that the file is still there and readable, then choose it again.",
        }
    }
}

impl ByteSource for &[u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
        let out_of_range = || SourceError::OutOfRange { offset, len: buf.len(), size: ByteSource::len(self) };
        let start = usize::try_from(offset).map_err(|_| out_of_range())?;
        let bytes = start.checked_add(buf.len()).and_then(|end| self.get(start..end)).ok_or_else(out_of_range)?;
        buf.copy_from_slice(bytes);
        Ok(())
    }
}

impl ByteSource for Vec<u8> {
    fn len(&self) -> u64 {
        Vec::len(self) as u64
    }

    async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
        self.as_slice().read_at(offset, buf).await
    }
}

impl<S: ByteSource + ?Sized> ByteSource for &mut S {
    fn len(&self) -> u64 {
        (**self).len()
    }

    async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
        (**self).read_at(offset, buf).await
    }
}

/// Reads one range of a source front to back, [`CHUNK`] bytes per read.
///
/// Owns one buffer of at most [`CHUNK`] bytes; callers take the bytes in pieces of any
/// size without further reads or allocations.
#[derive(Debug)]
pub struct ChunkedReader {
    /// Source offset of the first byte not yet read into `buf`.
    next: u64,
    /// Source offset just past the range.
    end: u64,
    buf: Vec<u8>,
    /// Bytes of `buf` already handed out.
    taken: usize,
}

impl ChunkedReader {
    /// A reader for the `len` bytes starting at `offset`.
    pub fn new(offset: u64, len: u64) -> Self {
        ChunkedReader { next: offset, end: offset.saturating_add(len), buf: Vec::new(), taken: 0 }
    }

    /// Bytes of the range not yet handed out.
    pub fn remaining(&self) -> u64 {
        (self.end - self.next) + (self.buf.len() - self.taken) as u64
    }

    /// The next bytes of the range, at most `max` of them; empty only at its end.
    pub async fn next<S: ByteSource + ?Sized>(&mut self, src: &mut S, max: usize) -> Result<&[u8], SourceError> {
        if self.taken == self.buf.len() {
            let want = (self.end - self.next).min(CHUNK as u64) as usize;
            self.buf.resize(want, 0);
            self.taken = 0;
            if want > 0 {
                src.read_at(self.next, &mut self.buf).await?;
                self.next += want as u64;
            }
        }
        let start = self.taken;
        self.taken += max.min(self.buf.len() - start);
        Ok(&self.buf[start..self.taken])
    }

    /// Fills `out` with the next bytes of the range.
    pub async fn read_exact<S: ByteSource + ?Sized>(&mut self, src: &mut S, out: &mut [u8]) -> Result<(), SourceError> {
        let mut filled = 0;
        while filled < out.len() {
            let piece = self.next(src, out.len() - filled).await?;
            if piece.is_empty() {
                return Err(SourceError::OutOfRange { offset: self.end, len: out.len() - filled, size: src.len() });
            }
            out[filled..filled + piece.len()].copy_from_slice(piece);
            filled += piece.len();
        }
        Ok(())
    }
}

/// Sources read back to back as one: byte 0 of the second follows the last byte of
/// the first (the files of a folder or the entries of a package). A one-file image is a
/// chain of one.
#[derive(Debug)]
pub struct Chain<S> {
    /// Each source with the chain offset of its first byte.
    parts: Vec<(u64, S)>,
    len: u64,
}

impl<S: ByteSource> Chain<S> {
    /// Chains `parts` in the order given.
    pub fn new(parts: impl IntoIterator<Item = S>) -> Self {
        let mut len = 0;
        let parts = parts
            .into_iter()
            .map(|part| {
                let start = len;
                len += part.len();
                (start, part)
            })
            .collect();
        Chain { parts, len }
    }

    /// Where part `position` starts in the chain.
    pub fn start_of(&self, position: usize) -> u64 {
        self.parts.get(position).map_or(self.len, |(start, _)| *start)
    }
}

impl<S: ByteSource> ByteSource for Chain<S> {
    fn len(&self) -> u64 {
        self.len
    }

    async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
        if offset.checked_add(buf.len() as u64).is_none_or(|end| end > self.len) {
            return Err(SourceError::OutOfRange { offset, len: buf.len(), size: self.len });
        }
        let mut at = offset;
        let mut filled = 0;
        for (start, part) in &mut self.parts {
            if filled == buf.len() {
                break;
            }
            let end = *start + part.len();
            if at >= end {
                continue;
            }
            let n = ((end - at) as usize).min(buf.len() - filled);
            part.read_at(at - *start, &mut buf[filled..filled + n]).await?;
            filled += n;
            at += n as u64;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn slices_read_inside_and_refuse_outside() {
        let mut src: &[u8] = b"HELLO";
        let mut buf = [0; 3];
        block_on(src.read_at(2, &mut buf)).unwrap();
        assert_eq!(&buf, b"LLO");
        assert_eq!(block_on(src.read_at(3, &mut buf)), Err(SourceError::OutOfRange { offset: 3, len: 3, size: 5 }));
        assert!(block_on(src.read_at(u64::MAX, &mut buf)).is_err());
    }

    #[test]
    fn chunked_reader_hands_out_pieces_across_chunk_boundaries() {
        let mut data: Vec<u8> = (0..CHUNK + 10).map(|i| i as u8).collect();
        let mut reader = ChunkedReader::new(3, (CHUNK + 5) as u64);
        let mut seen = Vec::new();
        loop {
            let piece = block_on(reader.next(&mut data, 4096)).unwrap().to_vec();
            if piece.is_empty() {
                break;
            }
            assert!(piece.len() <= 4096);
            seen.extend(piece);
        }
        assert_eq!(seen, data[3..CHUNK + 8]);
        assert_eq!(reader.remaining(), 0);
    }

    #[test]
    fn read_exact_spans_chunks_and_reports_the_end_of_the_range() {
        let mut data = vec![7u8; CHUNK + 2];
        let mut reader = ChunkedReader::new(CHUNK as u64 - 1, 3);
        let mut two = [0; 2];
        block_on(reader.read_exact(&mut data, &mut two)).unwrap();
        assert_eq!(two, [7, 7]);
        assert!(block_on(reader.read_exact(&mut data, &mut two)).is_err());
    }
}
