//! A firmware file chosen in the page, read in slices (`Blob.slice` + `arrayBuffer`),
//! never loaded whole. The engine asks for at most 1 MiB at a time; each browser read
//! fetches [`READ_AHEAD`] bytes, because a Blob read costs about as much per call as per
//! byte: 8 MiB slices read a file twice as fast as 1 MiB ones (`scripts/bench`).

use js_sys::Uint8Array;
use modemflash_core::image::{ByteSource, SourceError};
use web_sys::Blob;

use super::dom_error;

/// Bytes fetched per browser read.
pub const READ_AHEAD: u64 = 8 << 20;

/// A `Blob` (or `File`) as the engine's byte source.
pub struct BlobSource {
    blob: Blob,
    len: u64,
    /// The last slice read, and where it starts in the file.
    window: Vec<u8>,
    window_start: u64,
}

impl BlobSource {
    /// Reads from `blob`.
    pub fn new(blob: Blob) -> Self {
        let len = blob.size() as u64;
        BlobSource { blob, len, window: Vec::new(), window_start: 0 }
    }

    /// Reads `[start, end)` into the window.
    async fn fetch(&mut self, start: u64, end: u64) -> Result<(), SourceError> {
        let slice =
            self.blob.slice_with_f64_and_f64(start as f64, end as f64).map_err(|e| SourceError::Io(dom_error(&e).1))?;
        let data = slice.array_buffer().await.map_err(|e| {
            let (name, message) = dom_error(&e);
            SourceError::Io(format!("{name}: {message}"))
        })?;
        let bytes = Uint8Array::new(&data);
        if u64::from(bytes.length()) != end - start {
            return Err(SourceError::Io("the file changed while it was read".into()));
        }
        self.window.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut self.window);
        self.window_start = start;
        Ok(())
    }
}

impl ByteSource for BlobSource {
    fn len(&self) -> u64 {
        self.len
    }

    async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
        let end = offset.saturating_add(buf.len() as u64);
        if end > self.len {
            return Err(SourceError::OutOfRange { offset, len: buf.len(), size: self.len });
        }
        let window_end = self.window_start + self.window.len() as u64;
        if offset < self.window_start || end > window_end {
            let fetch_end = end.max(offset.saturating_add(READ_AHEAD)).min(self.len);
            self.fetch(offset, fetch_end).await?;
        }
        let at = (offset - self.window_start) as usize;
        buf.copy_from_slice(&self.window[at..at + buf.len()]);
        Ok(())
    }
}
