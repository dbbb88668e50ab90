//! A partition's flashed bytes in pieces for sending: what every family's write step
//! streams, never past the size verification found, and checked whole at the end.

use super::{FlashError, PlannedPartition, Progress};
use crate::event::{Event, Observer};
use crate::image::{ByteSource, FlashedReader, ImageError, Partition};

/// Reads `partition`'s flashed (unpacked) bytes, `piece` bytes at a time.
pub(super) struct Pieces {
    reader: FlashedReader,
    buf: Vec<u8>,
    size: u64,
    read: u64,
}

impl Pieces {
    /// Pieces of `planned.size` bytes in all.
    pub(super) fn new(partition: &Partition, planned: &PlannedPartition, piece: usize) -> Self {
        Pieces { reader: FlashedReader::new(partition), buf: vec![0; piece], size: planned.size, read: 0 }
    }

    /// The next piece, or `None` at the end of the partition, or where it would run past
    /// the verified size (the data is then short or long, which [`Self::finish`] reports):
    /// nothing past the partition is ever sent.
    pub(super) async fn next<S: ByteSource>(&mut self, source: &mut S) -> Result<Option<&[u8]>, FlashError> {
        let len = self.reader.fill(source, &mut self.buf).await?;
        if len == 0 || self.read + len as u64 > self.size {
            return Ok(None);
        }
        self.read += len as u64;
        Ok(Some(&self.buf[..len]))
    }

    /// Fails unless exactly the verified size was read.
    pub(super) fn finish(&self, partition: &Partition) -> Result<(), FlashError> {
        if self.read == self.size {
            return Ok(());
        }
        Err(ImageError::Unpack {
            index: partition.index,
            name: partition.name.clone(),
            reason: format!("it gave {} bytes instead of the verified {}", self.read, self.size),
        }
        .into())
    }
}

impl Progress {
    /// Counts `bytes` more as acknowledged and reports it.
    pub(super) fn advance<O: Observer + ?Sized>(&mut self, bytes: u64, observer: &mut O) {
        self.written += bytes;
        self.total_written += bytes;
        observer.on_event(&Event::Progress(*self));
    }
}
