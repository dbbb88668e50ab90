//! Huawei Balong `.bin`/`.exe` files (specs/huawei-balong.md §11), built to order, and
//! damaged copies of them.
//!
//! ```
//! use modemflash_sim::image::balong::BalongImageBuilder;
//! let bin = BalongImageBuilder::new().partition(0x0003_0000, b"HELLO").build();
//! assert_eq!(bin.len(), 200); // the worked example of §11.8
//! ```

use std::io::Write;

use modemflash_core::framing::hdlc::X25;
use modemflash_core::image::balong::header::{field, Header, HEADER_LEN, PREFIX_LEN};
use modemflash_core::image::balong::signature::{KEY_HASH_AT, KEY_HASH_LEN, MARKER, TAIL_LEN};

/// How a partition is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Packing {
    Stored,
    Zlib,
    Lzma,
}

#[derive(Clone, Debug)]
struct Part {
    code: u32,
    flashed: Vec<u8>,
    packing: Packing,
}

/// Builds a Balong firmware file. Defaults are those of the worked example (§11.8):
/// `dload_id` 1, header version 2, platform `TESTPLAT`, date `2016.01.01`, time
/// `12:00:00`, version `:TESTPLAT:21.100.00.00.000`, 4096-byte CRC blocks.
#[derive(Clone, Debug)]
pub struct BalongImageBuilder {
    dload_id: u8,
    hdversion: u32,
    platform: [u8; 8],
    date: [u8; 16],
    time: [u8; 16],
    version: [u8; 32],
    blocksize: u32,
    parts: Vec<Part>,
    signature: Option<([u8; KEY_HASH_LEN], u32)>,
    exe_prefix: Option<usize>,
}

impl Default for BalongImageBuilder {
    fn default() -> Self {
        BalongImageBuilder {
            dload_id: 1,
            hdversion: 2,
            platform: field("TESTPLAT"),
            date: field("2016.01.01"),
            time: field("12:00:00"),
            version: field(":TESTPLAT:21.100.00.00.000"),
            blocksize: 4096,
            parts: Vec::new(),
            signature: None,
            exe_prefix: None,
        }
    }
}

impl BalongImageBuilder {
    /// A builder with the defaults and no partitions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Byte 0 of the file header (§11.2). Bit 3 marks a signed file; set it together
    /// with [`Self::signed`] for a consistent file.
    pub fn dload_id(mut self, id: u8) -> Self {
        self.dload_id = id;
        self
    }

    /// Header version of every partition.
    pub fn hdversion(mut self, version: u32) -> Self {
        self.hdversion = version;
        self
    }

    /// The 8-byte platform field of every partition (cut to 8 bytes).
    pub fn platform(mut self, platform: &str) -> Self {
        self.platform = field(platform);
        self
    }

    /// Build date of every partition.
    pub fn date(mut self, date: &str) -> Self {
        self.date = field(date);
        self
    }

    /// Build time of every partition.
    pub fn time(mut self, time: &str) -> Self {
        self.time = field(time);
        self
    }

    /// Version text of every partition (cut to 32 bytes), e.g. `:E3372HM:22.333.01.00.00`.
    pub fn version(mut self, version: &str) -> Self {
        self.version = field(version);
        self
    }

    /// Data bytes per CRC table entry.
    ///
    /// # Panics
    /// If `blocksize` is 0; build a file with a zero block size with
    /// [`BuiltImage::with_header_field`].
    pub fn blocksize(mut self, blocksize: u32) -> Self {
        assert!(blocksize > 0, "a zero block size cannot be built; patch it in with with_header_field");
        self.blocksize = blocksize;
        self
    }

    /// Adds a partition stored as it is flashed.
    pub fn partition(self, code: u32, data: &[u8]) -> Self {
        self.part(code, data, Packing::Stored)
    }

    /// Adds a partition stored zlib-compressed (`78 DA`, best compression), §11.5.
    pub fn compressed_zlib(self, code: u32, data: &[u8]) -> Self {
        self.part(code, data, Packing::Zlib)
    }

    /// Adds a partition stored LZMA-alone-compressed (`5D`, unknown size, end marker), §11.5.
    pub fn compressed_lzma(self, code: u32, data: &[u8]) -> Self {
        self.part(code, data, Packing::Lzma)
    }

    /// Signs the first partition: appends a [`signature_block`] to its flashed bytes
    /// (before any compression, as `balong_flash` looks for it after unpacking), §11.4.
    ///
    /// # Panics
    /// If `siglen` is below 50 bytes, too short to hold the key hash and the trailer.
    pub fn signed(mut self, key_hash: [u8; KEY_HASH_LEN], siglen: u32) -> Self {
        assert!(siglen as usize >= MIN_SIGLEN, "a signature block needs at least {MIN_SIGLEN} bytes");
        self.signature = Some((key_hash, siglen));
        self
    }

    /// Embeds the container in an updater program: `prefix_len` bytes of program before
    /// it and some after, as a `.exe` carries it (§11.1).
    ///
    /// # Panics
    /// If `prefix_len` is not a multiple of 4: the container must sit 4-aligned.
    pub fn exe_wrapped(mut self, prefix_len: usize) -> Self {
        assert!(prefix_len.is_multiple_of(4), "the container must start 4-aligned");
        self.exe_prefix = Some(prefix_len);
        self
    }

    /// The file's bytes.
    pub fn build(&self) -> Vec<u8> {
        self.build_with_layout().bytes
    }

    /// The file's bytes and where each partition went, for damaging it on purpose.
    pub fn build_with_layout(&self) -> BuiltImage {
        let mut bytes = Vec::new();
        if let Some(len) = self.exe_prefix {
            bytes.extend(program_bytes(b"MZ", len));
        }
        bytes.push(self.dload_id);
        bytes.resize(bytes.len() + PREFIX_LEN - 1, 0);
        let mut partitions = Vec::with_capacity(self.parts.len());
        for (index, part) in self.parts.iter().enumerate() {
            let stored = self.stored_bytes(index, part);
            let table: Vec<u8> =
                stored.chunks(self.blocksize as usize).flat_map(|block| X25.checksum(block).to_le_bytes()).collect();
            let header = Header {
                hdsize: (HEADER_LEN + table.len()) as u32,
                hdversion: self.hdversion,
                platform: self.platform,
                code: part.code,
                psize: stored.len() as u32,
                date: self.date,
                time: self.time,
                version: self.version,
                crc: 0,
                blocksize: self.blocksize,
            }
            .sealed();
            let header_at = bytes.len();
            bytes.extend_from_slice(&header.to_bytes());
            bytes.extend_from_slice(&table);
            let data_at = bytes.len();
            bytes.extend_from_slice(&stored);
            bytes.resize(bytes.len().next_multiple_of(4), 0);
            partitions.push(Placement { header_at, data_at, stored_len: stored.len() });
        }
        if self.exe_prefix.is_some() {
            bytes.extend(program_bytes(b"PE overlay", 300));
        }
        BuiltImage { bytes, partitions }
    }

    fn part(mut self, code: u32, data: &[u8], packing: Packing) -> Self {
        self.parts.push(Part { code, flashed: data.to_vec(), packing });
        self
    }

    /// Partition `index` as stored: signed if it is the first, then compressed.
    fn stored_bytes(&self, index: usize, part: &Part) -> Vec<u8> {
        let mut flashed = part.flashed.clone();
        if let (0, Some((key_hash, siglen))) = (index, &self.signature) {
            flashed.extend(signature_block(key_hash, *siglen));
        }
        match part.packing {
            Packing::Stored => flashed,
            Packing::Zlib => {
                let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
                encoder.write_all(&flashed).expect("writing to memory");
                encoder.finish().expect("writing to memory")
            }
            Packing::Lzma => {
                let mut out = Vec::new();
                lzma_rs::lzma_compress(&mut flashed.as_slice(), &mut out).expect("writing to memory");
                out
            }
        }
    }
}

/// Shortest signature block that holds the key hash before the length and marker.
const MIN_SIGLEN: usize = KEY_HASH_AT as usize + KEY_HASH_LEN + TAIL_LEN;

/// A signature block of `siglen` bytes as §11.4 reads it: the key hash at offset 6, the
/// length (u32 LE) 12 bytes before the end, the marker `0xFFAAAFFA` (u32 LE) last. The
/// rest is filler: these signatures verify nothing.
pub fn signature_block(key_hash: &[u8; KEY_HASH_LEN], siglen: u32) -> Vec<u8> {
    let len = siglen as usize;
    let mut block: Vec<u8> = (0..len).map(|i| (i * 13 + 7) as u8).collect();
    let hash_at = KEY_HASH_AT as usize;
    block[hash_at..hash_at + KEY_HASH_LEN].copy_from_slice(key_hash);
    block[len - 12..len - 8].copy_from_slice(&siglen.to_le_bytes());
    block[len - 4..].copy_from_slice(&MARKER.to_le_bytes());
    block
}

/// `len` bytes of stand-in program code starting with `start`; no 4-aligned word of it
/// is the partition magic.
fn program_bytes(start: &[u8], len: usize) -> Vec<u8> {
    let mut bytes = vec![0x90; len];
    let n = start.len().min(len);
    bytes[..n].copy_from_slice(&start[..n]);
    bytes
}

/// Where one partition of a built file lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// Offset of its header.
    pub header_at: usize,
    /// Offset of its stored data.
    pub data_at: usize,
    /// Stored data length.
    pub stored_len: usize,
}

/// A header field [`BuiltImage::with_header_field`] can set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderField {
    /// `hdsize`.
    HdSize,
    /// `hdversion`.
    HdVersion,
    /// `code`.
    Code,
    /// `psize`.
    PSize,
    /// `blocksize`.
    BlockSize,
}

/// A built file and its map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltImage {
    /// The file.
    pub bytes: Vec<u8>,
    /// Its partitions, in file order.
    pub partitions: Vec<Placement>,
}

impl BuiltImage {
    /// The first `len` bytes: an interrupted download.
    pub fn truncated(&self, len: usize) -> Vec<u8> {
        self.bytes[..len.min(self.bytes.len())].to_vec()
    }

    /// A copy with bit 0 of stored data byte `byte` of `partition` flipped.
    pub fn with_flipped_bit(&self, partition: usize, byte: usize) -> Vec<u8> {
        let place = self.partitions[partition];
        assert!(byte < place.stored_len, "byte {byte} is outside partition {partition}");
        let mut bytes = self.bytes.clone();
        bytes[place.data_at + byte] ^= 1;
        bytes
    }

    /// A copy whose header CRC of `partition` is wrong (the header itself intact).
    pub fn with_bad_header_crc(&self, partition: usize) -> Vec<u8> {
        let at = self.partitions[partition].header_at + 0x5C;
        let mut bytes = self.bytes.clone();
        bytes[at] ^= 0xFF;
        bytes
    }

    /// A copy with one header field of `partition` set to `value` and the header CRC
    /// recomputed, so that only the field itself is wrong.
    pub fn with_header_field(&self, partition: usize, field: HeaderField, value: u32) -> Vec<u8> {
        let at = self.partitions[partition].header_at;
        let mut bytes = self.bytes.clone();
        let raw: &[u8; HEADER_LEN] = bytes[at..at + HEADER_LEN].try_into().expect("98 bytes");
        let mut header = Header::parse(raw).expect("a built header");
        match field {
            HeaderField::HdSize => header.hdsize = value,
            HeaderField::HdVersion => header.hdversion = value,
            HeaderField::Code => header.code = value,
            HeaderField::PSize => header.psize = value,
            HeaderField::BlockSize => header.blocksize = value,
        }
        bytes[at..at + HEADER_LEN].copy_from_slice(&header.sealed().to_bytes());
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// specs/huawei-balong.md §11.8, byte for byte.
    const WORKED_EXAMPLE: &str = "
        01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        00 00 00 00 00 00 00 00 00 00 00 00 55 aa 5a a5
        64 00 00 00 02 00 00 00 54 45 53 54 50 4c 41 54
        00 00 03 00 05 00 00 00 32 30 31 36 2e 30 31 2e
        30 31 00 00 00 00 00 00 31 32 3a 30 30 3a 30 30
        00 00 00 00 00 00 00 00 3a 54 45 53 54 50 4c 41
        54 3a 32 31 2e 31 30 30 2e 30 30 2e 30 30 2e 30
        30 30 00 00 00 00 00 00 2b de 00 10 00 00 75 da
        48 45 4c 4c 4f 00 00 00";

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
    }

    #[test]
    fn reproduces_the_worked_example_byte_for_byte() {
        let built = BalongImageBuilder::new().partition(0x0003_0000, b"HELLO").build_with_layout();
        assert_eq!(built.bytes, hex(WORKED_EXAMPLE));
        assert_eq!(built.bytes.len(), 200);
        assert_eq!(built.partitions, vec![Placement { header_at: 92, data_at: 192, stored_len: 5 }]);
    }

    #[test]
    fn partitions_are_padded_to_4_from_the_start_of_the_file() {
        let built =
            BalongImageBuilder::new().partition(1 << 16, b"ABC").partition(2 << 16, b"DEFGHIJ").build_with_layout();
        for place in &built.partitions {
            assert_eq!(place.header_at % 4, 0);
        }
        assert_eq!(built.bytes.len() % 4, 0);
    }

    #[test]
    fn exe_wrapping_keeps_the_container_intact_and_aligned() {
        let plain = BalongImageBuilder::new().partition(0x0003_0000, b"HELLO").build();
        let exe = BalongImageBuilder::new().partition(0x0003_0000, b"HELLO").exe_wrapped(4096).build();
        assert_eq!(&exe[..2], b"MZ");
        assert_eq!(&exe[4096..4096 + plain.len()], &plain[..]);
        assert!(exe.len() > 4096 + plain.len());
    }

    #[test]
    fn signature_block_carries_hash_length_and_marker() {
        let block = signature_block(&[0xAB; 32], 2958);
        assert_eq!(block.len(), 2958);
        assert_eq!(&block[6..38], &[0xAB; 32]);
        assert_eq!(&block[2958 - 12..2958 - 8], &2958u32.to_le_bytes());
        assert_eq!(&block[2958 - 4..], &[0xFA, 0xAF, 0xAA, 0xFF]);
    }

    #[test]
    fn compressed_partitions_start_with_their_signatures() {
        let data = vec![7u8; 10_000];
        let built = BalongImageBuilder::new()
            .compressed_zlib(1 << 16, &data)
            .compressed_lzma(2 << 16, &data)
            .build_with_layout();
        let zlib = built.partitions[0];
        assert_eq!(&built.bytes[zlib.data_at..zlib.data_at + 2], &[0x78, 0xDA]);
        let lzma = built.partitions[1];
        assert_eq!(built.bytes[lzma.data_at], 0x5D);
        assert_eq!(&built.bytes[lzma.data_at + 5..lzma.data_at + 13], &[0xFF; 8]);
    }

    #[test]
    fn header_field_patches_keep_the_header_crc_valid() {
        let built = BalongImageBuilder::new().partition(0x0003_0000, b"HELLO").build_with_layout();
        let patched = built.with_header_field(0, HeaderField::BlockSize, 0);
        let header = Header::parse(patched[92..190].try_into().unwrap()).unwrap();
        assert_eq!(header.blocksize, 0);
        assert_eq!(header.crc, header.computed_crc());
        let broken = built.with_bad_header_crc(0);
        let header = Header::parse(broken[92..190].try_into().unwrap()).unwrap();
        assert_ne!(header.crc, header.computed_crc());
    }
}
