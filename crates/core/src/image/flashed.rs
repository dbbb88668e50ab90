//! A partition's flashed bytes, streamed: stored bytes as they are, compressed ones
//! unpacked on the fly (specs/huawei-balong.md §11.5: the flasher sends the decompressed
//! image and announces its decompressed size).
//!
//! Memory stays bounded whatever the file claims: input is fed to the decompressor
//! [`INPUT_STEP`] bytes at a time, so one step yields at most about 1 MiB of zlib output;
//! LZMA additionally keeps its dictionary, capped at [`LZMA_MEMORY_LIMIT`] (the output
//! buffer `balong_flash` gives LZMA partitions), and releases output a dictionary at a time.

use std::io::Write;

use flate2::{Decompress, FlushDecompress, Status};

use super::source::{ByteSource, ChunkedReader};
use super::{Compression, ImageError, Partition};

/// Compressed bytes handed to the decompressor per step.
const INPUT_STEP: usize = 1024;

/// Room added to the output per zlib call.
const OUTPUT_STEP: usize = 32 * 1024;

/// Most bytes one partition may unpack to: 1 GiB, more than the flash of any Balong
/// stick, so a hostile file cannot keep the unpacker busy for long.
pub const MAX_FLASHED_SIZE: u64 = 1 << 30;

/// Memory LZMA may use for its dictionary: the 100 MB buffer `balong_flash` decodes
/// LZMA partitions into (§11.5), so any file it accepts unpacks here too.
pub const LZMA_MEMORY_LIMIT: usize = 100 * 1024 * 1024;

/// Reads one partition's flashed bytes front to back.
///
/// ```
/// use modemflash_core::image::{Compression, FlashedReader, Partition};
/// # futures::executor::block_on(async {
/// let mut file: &[u8] = b"HELLO, WORLD";
/// let partition = Partition {
///     index: 0, code: None, name: "demo".into(), source: 0, offset: 7, stored_size: 5,
///     flashed_size: Some(5), compression: Compression::None, version: None, built: None,
/// };
/// let mut reader = FlashedReader::new(&partition);
/// let mut block = [0; 4]; // the flasher uses 4096-byte blocks (§8)
/// let mut sent = Vec::new();
/// loop {
///     let n = reader.fill(&mut file, &mut block).await?;
///     if n == 0 {
///         break;
///     }
///     sent.extend_from_slice(&block[..n]);
/// }
/// assert_eq!(sent, b"WORLD");
/// # Ok::<(), modemflash_core::image::ImageError>(())
/// # }).unwrap();
/// ```
pub struct FlashedReader {
    index: usize,
    name: String,
    input: ChunkedReader,
    unpacker: Option<Unpacker>,
    /// Unpacked bytes not yet handed out, from `given` on.
    pending: Vec<u8>,
    given: usize,
    produced: u64,
    /// The compressed stream has ended (or the stored bytes are used up).
    ended: bool,
    /// Stored bytes left over after the end of the compressed stream.
    unused: u64,
}

impl FlashedReader {
    /// A reader for `partition`, starting at its first flashed byte.
    pub fn new(partition: &Partition) -> Self {
        let unpacker = match partition.compression {
            Compression::None => None,
            Compression::Zlib => Some(Unpacker::Zlib(Decompress::new(true))),
            Compression::Lzma => {
                let options = lzma_rs::decompress::Options { memlimit: Some(LZMA_MEMORY_LIMIT), ..Default::default() };
                let stream = lzma_rs::decompress::Stream::new_with_options(&options, Vec::new());
                Some(Unpacker::Lzma(Some(Box::new(stream))))
            }
        };
        FlashedReader {
            index: partition.index,
            name: partition.name.clone(),
            input: ChunkedReader::new(partition.offset, partition.stored_size),
            unpacker,
            pending: Vec::new(),
            given: 0,
            produced: 0,
            ended: false,
            unused: 0,
        }
    }

    /// Fills `buf` with the next flashed bytes; fewer only at the end of the partition,
    /// 0 once it is done.
    pub async fn fill<S: ByteSource + ?Sized>(&mut self, src: &mut S, buf: &mut [u8]) -> Result<usize, ImageError> {
        let mut filled = 0;
        while filled < buf.len() {
            if self.given < self.pending.len() {
                let n = (self.pending.len() - self.given).min(buf.len() - filled);
                buf[filled..filled + n].copy_from_slice(&self.pending[self.given..self.given + n]);
                self.given += n;
                filled += n;
            } else if self.ended {
                break;
            } else if self.unpacker.is_none() {
                let piece = self.input.next(src, buf.len() - filled).await?;
                self.ended = piece.is_empty();
                buf[filled..filled + piece.len()].copy_from_slice(piece);
                filled += piece.len();
                self.produced += piece.len() as u64;
            } else {
                self.unpack_step(src).await?;
            }
        }
        Ok(filled)
    }

    /// Skips `n` flashed bytes (unpacking them, for compressed partitions); returns how
    /// many there were.
    pub async fn skip<S: ByteSource + ?Sized>(&mut self, src: &mut S, n: u64) -> Result<u64, ImageError> {
        let mut scratch = vec![0; INPUT_STEP * 64];
        let mut skipped = 0;
        while skipped < n {
            let want = (n - skipped).min(scratch.len() as u64) as usize;
            let got = self.fill(src, &mut scratch[..want]).await?;
            if got == 0 {
                break;
            }
            skipped += got as u64;
        }
        Ok(skipped)
    }

    /// Flashed bytes handed out or unpacked so far.
    pub fn produced(&self) -> u64 {
        self.produced
    }

    /// Stored bytes that followed the end of the compressed stream (they are not flashed).
    /// Final once [`Self::fill`] has returned 0.
    pub fn unused_input(&self) -> u64 {
        self.unused
    }

    /// Unpacks the next step of input into `pending`.
    async fn unpack_step<S: ByteSource + ?Sized>(&mut self, src: &mut S) -> Result<(), ImageError> {
        self.pending.clear();
        self.given = 0;
        let (index, name) = (self.index, &self.name);
        let unpack_error = |reason: String| ImageError::Unpack { index, name: name.clone(), reason };
        let Some(unpacker) = self.unpacker.as_mut() else { return Ok(()) };
        let piece = self.input.next(src, INPUT_STEP).await?;
        let piece_len = piece.len();
        if piece_len == 0 {
            unpacker.finish(&mut self.pending).map_err(unpack_error)?;
            self.ended = true;
        } else {
            if let Some(used) = unpacker.feed(piece, &mut self.pending).map_err(unpack_error)? {
                self.ended = true;
                self.unused = (piece_len - used) as u64 + self.input.remaining();
            }
        }
        self.produced += self.pending.len() as u64;
        if self.produced > MAX_FLASHED_SIZE {
            return Err(ImageError::TooLarge { index, name: name.clone(), limit: MAX_FLASHED_SIZE });
        }
        Ok(())
    }
}

/// Reads `buf.len()` flashed bytes of `partition` from flashed offset `offset`: stored
/// partitions straight from the source, compressed ones by unpacking up to there.
pub async fn read_at<S: ByteSource + ?Sized>(
    src: &mut S,
    partition: &Partition,
    offset: u64,
    buf: &mut [u8],
) -> Result<(), ImageError> {
    let wanted = offset.saturating_add(buf.len() as u64);
    let short = || ImageError::Unpack {
        index: partition.index,
        name: partition.name.clone(),
        reason: format!("it holds fewer than {wanted} bytes"),
    };
    if partition.compression == Compression::None {
        if wanted > partition.stored_size {
            return Err(short());
        }
        return Ok(src.read_at(partition.offset + offset, buf).await?);
    }
    let mut reader = FlashedReader::new(partition);
    if reader.skip(src, offset).await? < offset || reader.fill(src, buf).await? < buf.len() {
        return Err(short());
    }
    Ok(())
}

/// A push decompressor.
enum Unpacker {
    Zlib(Decompress),
    /// `None` once finished. lzma-rs refuses bytes after the end marker, so an LZMA
    /// stream must fill its partition exactly.
    Lzma(Option<Box<lzma_rs::decompress::Stream<Vec<u8>>>>),
}

impl Unpacker {
    /// Unpacks `input`, appending the output to `out`. `Some(used)` when the compressed
    /// stream ended after `used` bytes of it.
    fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<Option<usize>, String> {
        match self {
            Unpacker::Zlib(zlib) => {
                let mut used = 0;
                loop {
                    out.reserve(OUTPUT_STEP);
                    let (in_before, out_before) = (zlib.total_in(), zlib.total_out());
                    let status = zlib.decompress_vec(&input[used..], out, FlushDecompress::None);
                    let status = status.map_err(|e| format!("the zlib data is damaged ({e})"))?;
                    used += (zlib.total_in() - in_before) as usize;
                    if status == Status::StreamEnd {
                        return Ok(Some(used));
                    }
                    if used == input.len() {
                        return Ok(None);
                    }
                    if (zlib.total_in(), zlib.total_out()) == (in_before, out_before) {
                        return Err("the zlib data is damaged (no progress)".into());
                    }
                }
            }
            Unpacker::Lzma(stream) => {
                let decoder = stream.as_mut().ok_or("the LZMA stream already failed")?;
                let result = decoder.write_all(input);
                result.map_err(|e| format!("the LZMA data is damaged ({e})"))?;
                if let Some(output) = decoder.get_output_mut() {
                    out.append(output);
                }
                Ok(None)
            }
        }
    }

    /// The input is used up: flush what is left, or say why the stream is incomplete.
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), String> {
        match self {
            Unpacker::Zlib(_) => Err("the zlib data ends before its end marker".into()),
            Unpacker::Lzma(stream) => {
                let decoder = stream.take().ok_or("the LZMA stream already failed")?;
                let mut rest = decoder.finish().map_err(|e| format!("the LZMA data is incomplete ({e:?})"))?;
                out.append(&mut rest);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    fn partition(compression: Compression, stored: &[u8]) -> Partition {
        Partition {
            index: 4,
            code: Some(0x0003_0000),
            name: "Kernel".into(),
            source: 0,
            offset: 3,
            stored_size: stored.len() as u64,
            flashed_size: None,
            compression,
            version: None,
            built: None,
        }
    }

    /// Reads everything through `buf_len`-byte fills, checking each fill is full but the last.
    fn read_all(compression: Compression, stored: &[u8], buf_len: usize) -> Result<(Vec<u8>, u64), ImageError> {
        let mut file = [&b"xyz"[..], stored, b"trailing file bytes"].concat();
        let mut reader = FlashedReader::new(&partition(compression, stored));
        let mut out = Vec::new();
        let mut buf = vec![0; buf_len];
        loop {
            let n = block_on(reader.fill(&mut file, &mut buf))?;
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(reader.produced(), out.len() as u64);
        Ok((out, reader.unused_input()))
    }

    fn sample() -> Vec<u8> {
        (0..300_000u32).map(|i| (i * 7 / 1000) as u8).collect()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn lzma(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        lzma_rs::lzma_compress(&mut &data[..], &mut out).unwrap();
        out
    }

    #[test]
    fn stored_bytes_come_out_unchanged() {
        let data = sample();
        assert_eq!(read_all(Compression::None, &data, 4096).unwrap(), (data, 0));
    }

    #[test]
    fn zlib_partitions_unpack_in_any_fill_size() {
        let data = sample();
        let packed = zlib(&data);
        assert_eq!(&packed[..2], &[0x78, 0xDA]);
        for buf_len in [1, 4096, 100_000] {
            assert_eq!(read_all(Compression::Zlib, &packed, buf_len).unwrap(), (data.clone(), 0));
        }
    }

    #[test]
    fn lzma_partitions_unpack_in_any_fill_size() {
        let data = sample();
        let packed = lzma(&data);
        assert_eq!(packed[0], 0x5D);
        assert_eq!(&packed[5..13], &[0xFF; 8]);
        for buf_len in [1, 4096, 100_000] {
            assert_eq!(read_all(Compression::Lzma, &packed, buf_len).unwrap(), (data.clone(), 0));
        }
    }

    #[test]
    fn bytes_after_a_zlib_stream_are_counted_not_flashed() {
        let data = sample();
        let mut packed = zlib(&data);
        packed.extend_from_slice(&[0xAB; 5000]);
        assert_eq!(read_all(Compression::Zlib, &packed, 4096).unwrap(), (data, 5000));
    }

    #[test]
    fn bytes_after_an_lzma_end_marker_are_refused() {
        let mut packed = lzma(&sample());
        packed.extend_from_slice(&[0xAB; 5000]);
        let err = read_all(Compression::Lzma, &packed, 4096).unwrap_err();
        assert!(matches!(&err, ImageError::Unpack { reason, .. } if reason.contains("end-of-stream")), "{err}");
    }

    #[test]
    fn truncated_compressed_data_is_an_unpack_error() {
        let data = sample();
        for (compression, packed) in [(Compression::Zlib, zlib(&data)), (Compression::Lzma, lzma(&data))] {
            let cut = &packed[..packed.len() / 2];
            let err = read_all(compression, cut, 4096).unwrap_err();
            assert!(matches!(&err, ImageError::Unpack { index: 4, name, .. } if name == "Kernel"), "{err}");
        }
    }

    #[test]
    fn garbage_after_a_compression_signature_is_an_unpack_error_not_a_panic() {
        let mut fake_lzma = vec![0x5D, 0xFF, 0xFF, 0xFF, 0xFF];
        fake_lzma.extend_from_slice(&[0xFF; 8]);
        fake_lzma.extend((0..5000u32).map(|i| (i * 31) as u8));
        assert!(matches!(read_all(Compression::Lzma, &fake_lzma, 4096), Err(ImageError::Unpack { .. })));
        let fake_zlib = [&[0x78, 0xDA][..], &[0xFF; 100]].concat();
        assert!(matches!(read_all(Compression::Zlib, &fake_zlib, 4096), Err(ImageError::Unpack { .. })));
        assert!(matches!(read_all(Compression::Lzma, &[0x5D; 15], 4096), Err(ImageError::Unpack { .. })));
    }

    #[test]
    fn read_at_reaches_the_same_bytes_stored_or_packed() {
        let data = sample();
        for (compression, stored) in [(Compression::None, data.clone()), (Compression::Lzma, lzma(&data))] {
            let mut file = [&b"xyz"[..], &stored].concat();
            let p = partition(compression, &stored);
            let mut buf = [0; 6];
            block_on(read_at(&mut file, &p, 250_000, &mut buf)).unwrap();
            assert_eq!(buf, data[250_000..250_006]);
            let past_end = block_on(read_at(&mut file, &p, data.len() as u64 - 3, &mut buf));
            assert!(matches!(past_end, Err(ImageError::Unpack { .. })), "{compression:?}");
        }
    }

    #[test]
    fn skip_moves_to_a_flashed_offset() {
        let data = sample();
        let packed = zlib(&data);
        let mut file = [&b"xyz"[..], &packed].concat();
        let mut reader = FlashedReader::new(&partition(Compression::Zlib, &packed));
        assert_eq!(block_on(reader.skip(&mut file, 123_456)).unwrap(), 123_456);
        let mut four = [0; 4];
        block_on(reader.fill(&mut file, &mut four)).unwrap();
        assert_eq!(four, data[123_456..123_460]);
        assert_eq!(block_on(reader.skip(&mut file, u64::MAX)).unwrap(), (data.len() - 123_460) as u64);
    }
}
