//! A firmware file chosen in the page, read in slices (`Blob.slice` + `arrayBuffer`),
//! never loaded whole: the engine asks for at most 1 MiB at a time.

use js_sys::Uint8Array;
use modemflash_core::image::{ByteSource, SourceError};
use web_sys::Blob;

use super::dom_error;

/// A `Blob` (or `File`) as the engine's byte source.
pub struct BlobSource {
    blob: Blob,
    len: u64,
}

impl BlobSource {
    /// Reads from `blob`.
    pub fn new(blob: Blob) -> Self {
        let len = blob.size() as u64;
        BlobSource { blob, len }
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
        let slice = self
            .blob
            .slice_with_f64_and_f64(offset as f64, end as f64)
            .map_err(|e| SourceError::Io(dom_error(&e).1))?;
        let data = slice.array_buffer().await.map_err(|e| {
            let (name, message) = dom_error(&e);
            SourceError::Io(format!("{name}: {message}"))
        })?;
        let bytes = Uint8Array::new(&data);
        if bytes.length() as usize != buf.len() {
            return Err(SourceError::Io("the file changed while it was read".into()));
        }
        bytes.copy_to(buf);
        Ok(())
    }
}
