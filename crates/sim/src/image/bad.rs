//! Corpora of bad firmware files, one per family (issue 7, "Proof"): truncated, wrong
//! magic, lengths that overflow, zero and huge claimed sizes, programs full of garbage.
//! Every file must be refused with a clear message before anything is written. A family
//! adds its corpus by adding a [`Corpus`] to [`CORPORA`].

mod cwe;
mod package;

use std::ops::Range;

use modemflash_core::image::balong::header::HEADER_LEN;
use modemflash_core::image::balong::MAX_PARTITIONS;

use super::balong::{BalongImageBuilder, BuiltImage, HeaderField};
use super::update::stick_update;
use crate::profile::{Profile, E3372H, MC7455, ZTE_MF626};

/// One bad file and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadFile {
    /// What is wrong, for test messages.
    pub what: String,
    /// The file.
    pub bytes: Vec<u8>,
    /// Words one of the refusal's sentences must hold: the problem, named. `None` where
    /// the corpus only asks for a clear sentence (the Balong corpus, whose hundreds of
    /// cuts and fields are named in many ways).
    pub named: Option<&'static str>,
}

impl BadFile {
    fn new(what: impl Into<String>, bytes: Vec<u8>) -> Self {
        BadFile { what: what.into(), bytes, named: None }
    }

    /// A bad file whose refusal must say `named`.
    fn naming(what: impl Into<String>, bytes: Vec<u8>, named: &'static str) -> Self {
        BadFile { what: what.into(), bytes, named: Some(named) }
    }
}

/// Builds one family's corpus.
pub type CorpusBuilder = fn() -> Vec<BadFile>;

/// One family's corpus and the stick its files are offered to.
#[derive(Clone, Copy, Debug)]
pub struct Corpus {
    /// The family's name in test messages.
    pub family: &'static str,
    /// A virtual stick of the family: the flasher must refuse every file before it
    /// sends it a byte.
    pub profile: &'static Profile,
    /// Builds the files.
    pub build: CorpusBuilder,
}

/// Every family's corpus.
pub const CORPORA: &[Corpus] = &[
    Corpus { family: "balong", profile: &E3372H, build: balong },
    Corpus { family: "sierra-cwe", profile: &MC7455, build: cwe::corpus },
    Corpus { family: "qualcomm-package", profile: &ZTE_MF626, build: package::corpus },
];

/// The partition of [`stick_update`] stored LZMA-packed.
const LZMA_PARTITION: usize = 3;

/// Bad Balong files (specs/huawei-balong.md §11), all damaged copies of a small, valid
/// stick update (stored, zlib and LZMA partitions) or no firmware at all.
///
/// Not in the corpus: a cut between two partitions (in the padding after one or right
/// before the next header), or inside the padding after the last one. Such a file is a well-formed, shorter container; the Balong format has
/// no partition count, so only a published checksum can tell (the inspection asks for
/// one, see `a_cut_between_partitions_is_caught_only_by_the_published_checksum`).
pub fn balong() -> Vec<BadFile> {
    // Small CRC blocks, so every partition spans several and any other block size
    // disagrees with its CRC table (a block size at or above a partition's size is as
    // good as the stick update's 4096 for it).
    let built = stick_update(&E3372H, "22.333.01.00.00", 3_000).blocksize(16).build_with_layout();
    let mut corpus = truncations(&built);
    corpus.extend(wrong_magic(&built));
    corpus.extend(header_fields(&built));
    corpus.extend(lzma_claims(&built));
    corpus.extend(not_firmware());
    let too_many = (0..=MAX_PARTITIONS).fold(BalongImageBuilder::new(), |b, i| b.partition(i as u32, b"p"));
    corpus.push(BadFile::new(format!("{} partitions", MAX_PARTITIONS + 1), too_many.build()));
    corpus
}

/// Cuts near every structure edge and every 61 bytes in between.
fn truncations(built: &BuiltImage) -> Vec<BadFile> {
    let last = built.partitions.last().expect("a stick update has partitions");
    let data_end = last.data_at + last.stored_len;
    // From the end of one partition's data to the next header: a shorter, whole file.
    let between: Vec<Range<usize>> =
        built.partitions.windows(2).map(|w| w[0].data_at + w[0].stored_len..w[1].header_at + 1).collect();
    let edges: Vec<usize> =
        built.partitions.iter().flat_map(|p| [p.header_at, p.header_at + HEADER_LEN, p.data_at]).collect();
    let near_edge = |len: usize| edges.iter().any(|&e| len.abs_diff(e) <= 2);
    (0..data_end)
        .filter(|len| (near_edge(*len) || len % 61 == 0) && !between.iter().any(|r| r.contains(len)))
        .map(|len| BadFile::new(format!("cut at byte {len} of {}", built.bytes.len()), built.truncated(len)))
        .collect()
}

fn wrong_magic(built: &BuiltImage) -> Vec<BadFile> {
    let mut out = Vec::new();
    for (i, p) in built.partitions.iter().enumerate() {
        let mut bytes = built.bytes.clone();
        bytes[p.header_at] ^= 0xFF;
        out.push(BadFile::new(format!("wrong magic in partition {i}"), bytes));
    }
    let mut none = built.bytes.clone();
    for p in &built.partitions {
        none[p.header_at..p.header_at + 4].copy_from_slice(b"\0\0\0\0");
    }
    out.push(BadFile::new("no magic anywhere", none));
    out
}

/// Zero, overflowing and huge sizes in headers, each with the header CRC made right
/// again so only the field is wrong. (An unusual header version is only a warning.)
fn header_fields(built: &BuiltImage) -> Vec<BadFile> {
    const EXTREMES: &[u32] = &[0, 1, 97, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FF00, 0xFFFF_FFFE, u32::MAX];
    let fields =
        [(HeaderField::HdSize, "hdsize"), (HeaderField::PSize, "psize"), (HeaderField::BlockSize, "blocksize")];
    let mut out = Vec::new();
    for partition in [0, LZMA_PARTITION, built.partitions.len() - 1] {
        for (field, name) in fields {
            for &value in EXTREMES {
                let bytes = built.with_header_field(partition, field, value);
                out.push(BadFile::new(format!("{name} {value:#x} in partition {partition}"), bytes));
            }
        }
    }
    out
}

/// An LZMA stream claiming a 4 GiB dictionary, and one claiming 2^63 bytes unpacked.
fn lzma_claims(built: &BuiltImage) -> Vec<BadFile> {
    let at = built.partitions[LZMA_PARTITION].data_at;
    let patch = |range: Range<usize>, value: &[u8]| {
        let mut bytes = built.bytes.clone();
        bytes[at + range.start..at + range.end].copy_from_slice(value);
        bytes
    };
    vec![
        BadFile::new("LZMA dictionary of 4 GiB", patch(1..5, &u32::MAX.to_le_bytes())),
        BadFile::new("LZMA claims 2^63 bytes unpacked", patch(5..13, &(1u64 << 63).to_le_bytes())),
    ]
}

fn not_firmware() -> Vec<BadFile> {
    let garbage = |len: usize, mut state: u32| -> Vec<u8> {
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect()
    };
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF".to_vec();
    exe.extend(garbage(64 * 1024, 0x1234_5678));
    let wrapped = BalongImageBuilder::new().partition(0x0003_0000, b"HELLO").exe_wrapped(4096).build();
    vec![
        BadFile::new("empty", Vec::new()),
        BadFile::new("one zero byte", vec![0]),
        BadFile::new("1 MiB of zeros", vec![0; 1 << 20]),
        BadFile::new(".exe with garbage", exe),
        BadFile::new(".exe cut inside its container", wrapped[..4096 + 120].to_vec()),
        BadFile::new("garbage", garbage(100_000, 0xDEAD_BEEF)),
    ]
}
