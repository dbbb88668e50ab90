//! Finding and walking the partition chain (specs/huawei-balong.md §11.1, §11.3).
//!
//! The first header is the first 4-aligned `55 AA 5A A5` in the file. Each partition is
//! header, CRC table and data, zero-padded to the next multiple of 4 counted from the
//! start of the file; the chain ends at the first 4-byte word that is not the magic, or
//! at the end of the file. Every header is checked; the walk stops only where the file
//! no longer says where the next partition starts.

use super::blocks;
use super::codes::partition_name;
use super::header::{Header, HEADER_LEN, MAGIC};
use crate::image::report::{grouped, Check, VerificationReport};
use crate::image::source::{ByteSource, ChunkedReader, SourceError, CHUNK};

/// The most partitions one file may hold: `balong_flash`'s partition table has 120
/// slots, and real files carry a few dozen at most.
pub const MAX_PARTITIONS: usize = 120;

/// One partition header found in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The header as stored.
    pub header: Header,
    /// Where the header starts.
    pub header_at: u64,
    /// Where the stored data starts.
    pub data_at: u64,
    /// Header, table and data all lie inside the file.
    pub complete: bool,
}

/// `Partition 3 (Kernel)`, as sentences name partitions.
pub fn label(index: usize, name: &str) -> String {
    format!("Partition {index} ({name})")
}

/// The offset of the first 4-aligned magic word, if any.
pub async fn find_first_header<S: ByteSource + ?Sized>(src: &mut S) -> Result<Option<u64>, SourceError> {
    find_header_from(src, 0).await
}

/// The offset of the first magic word at or after `from` (a multiple of 4) that is
/// 4-aligned, if any.
async fn find_header_from<S: ByteSource + ?Sized>(src: &mut S, from: u64) -> Result<Option<u64>, SourceError> {
    let mut reader = ChunkedReader::new(from, src.len().saturating_sub(from));
    let mut at = from;
    loop {
        // Every piece is a whole chunk starting at `from` plus a multiple of CHUNK, so
        // 4-byte steps inside it stay aligned to the file.
        let piece = reader.next(src, CHUNK).await?;
        if piece.is_empty() {
            return Ok(None);
        }
        if let Some(i) = piece.chunks_exact(4).position(|word| word == MAGIC) {
            return Ok(Some(at + 4 * i as u64));
        }
        at += piece.len() as u64;
    }
}

/// Walks the chain from the header at `first`, checking every partition into `report`.
/// `wrapped`: the firmware sits inside an updater program, so bytes after it are normal.
pub async fn walk<S: ByteSource + ?Sized>(
    src: &mut S,
    first: u64,
    wrapped: bool,
    report: &mut VerificationReport,
) -> Result<Vec<Entry>, SourceError> {
    let len = src.len();
    let mut entries: Vec<Entry> = Vec::new();
    let mut at = first;
    loop {
        let index = entries.len();
        if index == MAX_PARTITIONS {
            report.push(Check::fail(
                "partition-count",
                format!(
                    "The file holds more than {MAX_PARTITIONS} partitions, far more than any Huawei firmware. It is \
                     damaged or not a firmware file."
                ),
            ));
            return Ok(entries);
        }
        let Some(header) = read_header(src, at).await? else {
            report.push(cut_header(index));
            return Ok(entries);
        };
        let name = partition_name(header.code);
        let who = label(index, &name);
        report.push(header_crc_check(&header, &who).on_partition(index));
        if !matches!(header.hdversion, 1 | 2) {
            report.push(
                Check::warn(
                    "header-version",
                    format!("{who}: header version {} is unusual (1 or 2 expected).", header.hdversion),
                )
                .on_partition(index),
            );
        }
        let layout = layout_problem(&header);
        report.push(
            match &layout {
                Some(problem) => Check::fail("layout", format!("{who}: {problem}")),
                None => Check::pass(
                    "layout",
                    format!(
                        "{who}: the header describes {} bytes checked in blocks of {} bytes.",
                        grouped(header.psize.into()),
                        grouped(header.blocksize.into())
                    ),
                ),
            }
            .on_partition(index),
        );
        if (header.hdsize as usize) < HEADER_LEN {
            // Nothing says where the data starts, so nothing says where the next header is.
            report.push(
                Check::fail("size", format!("{who}: the rest of the file cannot be located, so it was not checked."))
                    .on_partition(index),
            );
            return Ok(entries);
        }
        let data_at = at + u64::from(header.hdsize);
        let end = data_at + u64::from(header.psize);
        let complete = end <= len;
        report.push(size_check(&who, header.psize, end, len).on_partition(index));
        if complete && layout.is_none() {
            let table_at = at + HEADER_LEN as u64;
            let tally = blocks::verify(src, table_at, data_at, header.psize.into(), header.blocksize.into()).await?;
            report.push(block_check(&who, &tally, header.psize, header.blocksize).on_partition(index));
        }
        entries.push(Entry { header, header_at: at, data_at, complete });
        if !complete {
            return Ok(entries);
        }
        let next = end.next_multiple_of(4);
        if let Some(check) = padding_check(src, &who, end, next.min(len)).await? {
            report.push(check.on_partition(index));
        }
        at = next;
        match next_word(src, at).await? {
            NextWord::Magic => {}
            NextWord::CutMagic => {
                report.push(cut_header(index + 1));
                return Ok(entries);
            }
            NextWord::Other => break,
        }
    }
    if let Some(problem) = broken_chain(src, at, wrapped).await? {
        report.push(Check::fail("chain", problem));
        return Ok(entries);
    }
    if at < len {
        let rest = grouped(len - at);
        report.push(if wrapped {
            Check::pass(
                "trailing-data",
                format!(
                    "The firmware ends at byte {}; the {rest} bytes of the updater program after it are not used.",
                    grouped(at)
                ),
            )
        } else {
            Check::warn(
                "trailing-data",
                format!(
                    "The {rest} bytes after the last partition (from byte {}) are not part of the firmware and are \
                     ignored.",
                    grouped(at)
                ),
            )
        });
    }
    Ok(entries)
}

async fn read_header<S: ByteSource + ?Sized>(src: &mut S, at: u64) -> Result<Option<Header>, SourceError> {
    if at + HEADER_LEN as u64 > src.len() {
        return Ok(None);
    }
    let mut bytes = [0; HEADER_LEN];
    src.read_at(at, &mut bytes).await?;
    Ok(Header::parse(&bytes))
}

/// Whether the chain ends at `at` only because a header there is damaged: its magic
/// is wrong but the rest of it is a header whose CRC checks, or (in a plain `.bin`,
/// where nothing but firmware follows) another header comes later. Ending there would
/// flash the partitions before the damage and silently leave out the rest. An updater
/// program's own bytes may hold the magic by chance, so after a wrapped container only
/// a damaged header counts.
async fn broken_chain<S: ByteSource + ?Sized>(
    src: &mut S,
    at: u64,
    wrapped: bool,
) -> Result<Option<String>, SourceError> {
    if at + HEADER_LEN as u64 <= src.len() {
        let mut bytes = [0; HEADER_LEN];
        src.read_at(at, &mut bytes).await?;
        bytes[..4].copy_from_slice(&MAGIC);
        let header = Header::parse(&bytes).expect("the magic was just put in");
        if header.crc == header.computed_crc() {
            return Ok(Some(format!(
                "The partition header at byte {} does not start with the partition marker, so it and every \
                 partition after it would be left out. The file is damaged.",
                grouped(at)
            )));
        }
    }
    if wrapped {
        return Ok(None);
    }
    Ok(find_header_from(src, at).await?.map(|later| {
        format!(
            "The chain of partitions breaks at byte {}, yet another partition header follows at byte {}: the \
             partitions after the break would be left out. The file is damaged.",
            grouped(at),
            grouped(later)
        )
    }))
}

/// What follows a partition.
enum NextWord {
    /// Another header.
    Magic,
    /// The start of the magic, then the end of the file: a header cut off.
    CutMagic,
    /// Anything else, or nothing: the chain ends.
    Other,
}

async fn next_word<S: ByteSource + ?Sized>(src: &mut S, at: u64) -> Result<NextWord, SourceError> {
    let available = src.len().saturating_sub(at).min(4) as usize;
    if available == 0 {
        return Ok(NextWord::Other);
    }
    let mut word = [0; 4];
    let word = &mut word[..available];
    src.read_at(at, word).await?;
    Ok(match available {
        4 if word == MAGIC => NextWord::Magic,
        1..=3 if MAGIC.starts_with(word) => NextWord::CutMagic,
        _ => NextWord::Other,
    })
}

fn cut_header(index: usize) -> Check {
    Check::fail(
        "header",
        format!(
            "Partition {index}: the file ends inside its header. The file is cut short (an incomplete download?); \
             download it again."
        ),
    )
    .on_partition(index)
}

fn header_crc_check(header: &Header, who: &str) -> Check {
    let computed = header.computed_crc();
    if computed == header.crc {
        Check::pass("header-crc", format!("{who}: the header checksum is correct."))
    } else {
        Check::fail(
            "header-crc",
            format!(
                "{who}: the header checksum is {:04X} but the header adds up to {computed:04X}. The header is \
                 damaged; download the file again.",
                header.crc
            ),
        )
    }
}

/// What is wrong with the header's sizes, if anything (§11.3, strict additions).
fn layout_problem(header: &Header) -> Option<String> {
    if header.psize == 0 {
        return Some("the partition is empty, and the modem refuses empty partitions.".into());
    }
    layout_damage(header).map(|damage| format!("{damage} The file is damaged."))
}

/// Sizes in the header that contradict each other.
fn layout_damage(header: &Header) -> Option<String> {
    let Some(table_len) = header.hdsize.checked_sub(HEADER_LEN as u32) else {
        return Some(format!("the header size {} is smaller than the header itself ({HEADER_LEN}).", header.hdsize));
    };
    if table_len % 2 != 0 {
        return Some(format!(
            "the header size {} leaves an odd number of bytes for the checksum table.",
            header.hdsize
        ));
    }
    if header.blocksize == 0 {
        return Some("the checksum block size is 0.".into());
    }
    let blocks = header.psize.div_ceil(header.blocksize);
    (table_len / 2 != blocks).then(|| {
        format!(
            "the checksum table has {} entries but {} bytes in blocks of {} need {blocks}.",
            grouped((table_len / 2).into()),
            grouped(header.psize.into()),
            grouped(header.blocksize.into())
        )
    })
}

fn size_check(who: &str, psize: u32, end: u64, len: u64) -> Check {
    if end <= len {
        Check::pass("size", format!("{who}: all {} bytes are in the file.", grouped(psize.into())))
    } else {
        Check::fail(
            "size",
            format!(
                "{who} should hold {} bytes, but the file ends {} bytes too early. The file is cut short (an \
                 incomplete download?) or damaged; download it again.",
                grouped(psize.into()),
                grouped(end - len)
            ),
        )
    }
}

fn block_check(who: &str, tally: &blocks::BlockTally, psize: u32, blocksize: u32) -> Check {
    let blocks = grouped(tally.blocks);
    match tally.first_bad {
        None if tally.blocks == 1 => Check::pass("block-crc", format!("{who}: the data checksum matches.")),
        None => Check::pass("block-crc", format!("{who}: all {blocks} block checksums match.")),
        Some(first) => {
            let start = first * u64::from(blocksize);
            let last = (start + u64::from(blocksize)).min(psize.into()) - 1;
            Check::fail(
                "block-crc",
                format!(
                    "{who}: {} of {blocks} block checksums do not match (the first at bytes {} to {} of the \
                     partition). The data is damaged; download the file again.",
                    grouped(tally.bad),
                    grouped(start),
                    grouped(last)
                ),
            )
        }
    }
}

/// A warning when the padding between `end` and `next` is not zero.
async fn padding_check<S: ByteSource + ?Sized>(
    src: &mut S,
    who: &str,
    end: u64,
    next: u64,
) -> Result<Option<Check>, SourceError> {
    let mut padding = [0; 3];
    let padding = &mut padding[..(next - end) as usize];
    src.read_at(end, padding).await?;
    Ok(padding.iter().any(|&b| b != 0).then(|| {
        Check::warn("padding", format!("{who}: the padding after the data is not zero. The data itself is complete."))
    }))
}
