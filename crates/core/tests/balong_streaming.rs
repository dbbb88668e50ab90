//! Big files stream through bounded memory: no read larger than [`CHUNK`], and no
//! allocation sized by the file or by a length field inside it.
//!
//! A counting global allocator ([`support::peak_memory`]) measures the most memory the
//! code under test holds at once.

mod support;

use futures::executor::block_on;
use modemflash_core::image::balong::inspect;
use modemflash_core::image::source::CHUNK;
use modemflash_core::image::InspectOptions;
use modemflash_core::image::{ByteSource, Compression, FlashedReader, Partition, Sha256Digest, SourceError};
use modemflash_sim::image::balong::{BalongImageBuilder, HeaderField};
use sha2::{Digest, Sha256};
use support::peak_memory;

const MIB: usize = 1 << 20;

/// A source that remembers the largest read asked of it.
struct Recording<'a> {
    bytes: &'a [u8],
    largest_read: usize,
}

impl ByteSource for Recording<'_> {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
        self.largest_read = self.largest_read.max(buf.len());
        self.bytes.read_at(offset, buf).await
    }
}

/// Streams a partition's flashed bytes in 4096-byte blocks, as the flasher sends them,
/// and returns their SHA-256.
fn stream_flashed(src: &mut Recording<'_>, partition: &Partition) -> [u8; 32] {
    let mut reader = FlashedReader::new(partition);
    let mut block = [0u8; 4096];
    let mut hasher = Sha256::new();
    loop {
        let n = block_on(reader.fill(src, &mut block)).unwrap();
        if n == 0 {
            return hasher.finalize().into();
        }
        hasher.update(&block[..n]);
    }
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3]).collect()
}

#[test]
fn a_64_mib_file_is_verified_and_streamed_in_bounded_chunks() {
    let data = pattern(64 * MIB);
    let file = BalongImageBuilder::new().partition(0x0010_0000, &data).build();
    let mut src = Recording { bytes: &file, largest_read: 0 };

    let (inspection, held) = peak_memory(|| block_on(inspect(&mut src, &InspectOptions::default())).unwrap());
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    assert_eq!(inspection.image.sha256, Some(Sha256Digest(Sha256::digest(&file).into())));
    assert!(src.largest_read <= CHUNK, "largest read {}", src.largest_read);
    assert!(held <= 4 * MIB, "inspection held {held} bytes at once");

    let system = &inspection.image.partitions[0];
    let (streamed, held) = peak_memory(|| stream_flashed(&mut src, system));
    assert_eq!(streamed, <[u8; 32]>::from(Sha256::digest(&data)));
    assert!(held <= 2 * MIB, "streaming held {held} bytes at once");
    assert!(src.largest_read <= CHUNK);
}

#[test]
fn a_claimed_4_gib_partition_allocates_nothing_for_it() {
    let built = BalongImageBuilder::new().partition(0x0003_0000, &pattern(5000)).build_with_layout();
    for field in [HeaderField::PSize, HeaderField::HdSize] {
        let file = built.with_header_field(0, field, u32::MAX);
        let mut src = Recording { bytes: &file, largest_read: 0 };
        let (inspection, held) = peak_memory(|| block_on(inspect(&mut src, &InspectOptions::default())).unwrap());
        assert!(!inspection.report.passed());
        assert!(held <= 2 * MIB, "{field:?}: held {held} bytes at once");
        assert!(src.largest_read <= file.len(), "{field:?}: read {} bytes at once", src.largest_read);
    }
}

#[test]
fn a_compressed_64_mib_partition_unpacks_in_bounded_memory() {
    let data: Vec<u8> = pattern(64 * MIB).into_iter().map(|b| b & 0x03).collect();
    let file = BalongImageBuilder::new().compressed_zlib(0x0010_0000, &data).build();
    let mut src = Recording { bytes: &file, largest_read: 0 };
    let (inspection, held) = peak_memory(|| block_on(inspect(&mut src, &InspectOptions::default())).unwrap());
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    let system = &inspection.image.partitions[0];
    assert_eq!((system.compression, system.flashed_size), (Compression::Zlib, Some(data.len() as u64)));
    assert!(held <= 4 * MIB, "inspection held {held} bytes at once");

    let (streamed, held) = peak_memory(|| stream_flashed(&mut src, system));
    assert_eq!(streamed, <[u8; 32]>::from(Sha256::digest(&data)));
    assert!(held <= 4 * MIB, "streaming held {held} bytes at once");
}
