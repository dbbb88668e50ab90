//! Huawei Balong firmware: the `.bin` container, the same container embedded in an
//! updater `.exe`, and folders of raw partition images (specs/huawei-balong.md §11).
//!
//! [`inspect`] reads a file through a [`ByteSource`] and returns the
//! [`FirmwareImage`] with a [`VerificationReport`]. It fails only when the file cannot be
//! read; everything wrong with its contents is a failing check, and checking goes on
//! after a failure wherever the file still says where things are.
//!
//! Check ids (see [`Check::id`]):
//! - file: `sha256`, `expected-sha256`, `container`, `file-type`, `file-header`,
//!   `partition-count`, `chain`, `trailing-data`, `platform`, `signature`, `signature-flag`;
//! - per partition: `header`, `header-crc`, `header-version`, `layout`, `size`,
//!   `block-crc`, `padding`, `unpack`;
//! - folders ([`folder::inspect_folder`]): `file-name`, `file-order`, `raw-image`, `folder`;
//! - the fit with the connected stick ([`fit::check_fit`]): `fits-stick`.

mod blocks;
mod chain;
pub mod codes;
pub mod fit;
pub mod folder;
pub mod header;
pub mod prefix;
pub mod signature;

use self::chain::{label, Entry};
use self::header::PREFIX_LEN;
use self::prefix::DloadId;
use self::signature::TAIL_LEN;
use super::flashed::FlashedReader;
use super::report::{grouped, Check, VerificationReport};
use super::source::{ByteSource, SourceError};
use super::{
    Compression, Family, FirmwareImage, ImageError, InspectOptions, Inspection, Layout, Partition, Sha256Digest,
    TargetFacts,
};

pub use chain::MAX_PARTITIONS;
pub use folder::{inspect_folder, FolderFile};

/// Inspects a `.bin` file, or an updater `.exe` with the container embedded (§11.1).
pub async fn inspect<S: ByteSource + ?Sized>(src: &mut S, options: &InspectOptions) -> Result<Inspection, SourceError> {
    let mut report = VerificationReport::new();
    let sha256 = Sha256Digest::record(src, options.expected_sha256.as_ref(), &mut report).await?;
    let mut image = FirmwareImage {
        family: Family::HuaweiBalong,
        layout: Layout::File { starts_at: 0 },
        size: src.len(),
        sha256: Some(sha256),
        target: TargetFacts::default(),
        signature: None,
        partitions: Vec::new(),
        loader: None,
    };
    let Some(first) = chain::find_first_header(src).await? else {
        report.push(Check::fail(
            "container",
            "This is not a Huawei firmware file: it contains no partition header (55 AA 5A A5). Choose the \
             firmware's .bin or .exe file.",
        ));
        return Ok(Inspection { image, report });
    };
    let Some(starts_at) = first.checked_sub(PREFIX_LEN as u64) else {
        report.push(Check::fail(
            "container",
            format!(
                "The first partition header is at byte {first}, too close to the start of the file for the \
                 {PREFIX_LEN}-byte file header. The file is damaged or is not Huawei firmware."
            ),
        ));
        return Ok(Inspection { image, report });
    };
    image.layout = Layout::File { starts_at };
    report.push(Check::pass(
        "container",
        if starts_at == 0 {
            "The file is a Huawei Balong firmware file.".to_string()
        } else {
            format!(
                "The file carries Huawei Balong firmware inside an updater program, from byte {}.",
                grouped(starts_at)
            )
        },
    ));
    let mut prefix = [0; PREFIX_LEN];
    src.read_at(starts_at, &mut prefix).await?;
    let dload_id = DloadId(prefix[0]);
    prefix::checks(&prefix).into_iter().for_each(|c| report.push(c));

    let entries = chain::walk(src, first, starts_at > 0, &mut report).await?;
    let mut partitions = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        partitions.push(partition(src, index, entry, &mut report).await?);
    }
    image.signature = signature::find(src, &partitions, dload_id, &mut report).await?;
    image.target = target(&entries, dload_id);
    if let Some(check) = platform_check(&entries) {
        report.push(check);
    }
    image.partitions = partitions.into_iter().map(|(p, _)| p).collect();
    Ok(Inspection { image, report })
}

/// The partition of `entry`, with its last [`TAIL_LEN`] flashed bytes when it is
/// usable; compressed partitions are unpacked once to learn their flashed size (`unpack`).
async fn partition<S: ByteSource + ?Sized>(
    src: &mut S,
    index: usize,
    entry: &Entry,
    report: &mut VerificationReport,
) -> Result<(Partition, Option<[u8; TAIL_LEN]>), SourceError> {
    let header = &entry.header;
    let stored_size = u64::from(header.psize);
    let mut partition = Partition {
        index,
        code: Some(header.code),
        name: codes::partition_name(header.code),
        source: 0,
        offset: entry.data_at,
        stored_size,
        flashed_size: None,
        compression: Compression::None,
        version: Some(header.version_text()).filter(|v| !v.is_empty()),
        built: Some(header.built_text()).filter(|b| !b.is_empty()),
    };
    if !entry.complete {
        return Ok((partition, None));
    }
    let mut start = [0; 13];
    let start = &mut start[..stored_size.min(13) as usize];
    src.read_at(entry.data_at, start).await?;
    partition.compression = compression_of(start);
    if partition.compression == Compression::None {
        partition.flashed_size = Some(stored_size);
        let mut tail = [0; TAIL_LEN];
        let tail = match stored_size.checked_sub(TAIL_LEN as u64) {
            Some(at) => {
                src.read_at(entry.data_at + at, &mut tail).await?;
                Some(tail)
            }
            None => None,
        };
        return Ok((partition, tail));
    }
    let who = label(index, &partition.name);
    let kind = if partition.compression == Compression::Zlib { "zlib" } else { "LZMA" };
    match unpacked_size(src, &partition).await {
        Ok((size, tail, unused)) => {
            let sentence = format!("{who} is {kind}-compressed and unpacks to {} bytes.", grouped(size));
            report.push(
                if size == 0 {
                    Check::fail("unpack", format!("{who} is {kind}-compressed but unpacks to nothing."))
                } else if unused > 0 {
                    Check::warn(
                        "unpack",
                        format!(
                            "{sentence} The {} bytes after the end of the compressed data are not flashed.",
                            grouped(unused)
                        ),
                    )
                } else {
                    Check::pass("unpack", sentence)
                }
                .on_partition(index),
            );
            partition.flashed_size = Some(size);
            Ok((partition, tail))
        }
        Err(ImageError::Source(e)) => Err(e),
        Err(e) => {
            report.push(
                Check::fail("unpack", format!("{who} is {kind}-compressed but cannot be unpacked: {e}."))
                    .on_partition(index),
            );
            Ok((partition, None))
        }
    }
}

/// How a partition's stored data is compressed, from its first 13 bytes (§11.5): zlib
/// when it starts `78 DA`, LZMA-alone when it starts `5D` with bytes 5..12 all `FF`.
pub fn compression_of(start: &[u8]) -> Compression {
    match start {
        [0x78, 0xDA, ..] => Compression::Zlib,
        [0x5D, _, _, _, _, size @ ..] if size.len() >= 8 && size[..8] == [0xFF; 8] => Compression::Lzma,
        _ => Compression::None,
    }
}

/// Unpacks a compressed partition to the end: flashed size, last [`TAIL_LEN`] bytes (when
/// there are that many) and stored bytes left after the compressed stream.
async fn unpacked_size<S: ByteSource + ?Sized>(
    src: &mut S,
    partition: &Partition,
) -> Result<(u64, Option<[u8; TAIL_LEN]>, u64), ImageError> {
    let mut reader = FlashedReader::new(partition);
    let mut buf = vec![0; 64 * 1024];
    let mut tail = [0; TAIL_LEN];
    loop {
        let n = reader.fill(src, &mut buf).await?;
        if n == 0 {
            break;
        }
        // Slide the last TAIL_LEN bytes seen so far along.
        let keep = TAIL_LEN.saturating_sub(n);
        tail.copy_within(TAIL_LEN - keep.., 0);
        tail[keep..].copy_from_slice(&buf[n - (TAIL_LEN - keep)..n]);
    }
    let size = reader.produced();
    Ok((size, (size >= TAIL_LEN as u64).then_some(tail), reader.unused_input()))
}

/// What the first partition's header says about the target, as `balong_flash` shows it.
fn target(entries: &[Entry], dload_id: DloadId) -> TargetFacts {
    let Some(first) = entries.first() else { return TargetFacts::default() };
    let (product, version) = first.header.product_and_version();
    let platform = first.header.platform_text();
    TargetFacts {
        platform: (!platform.is_empty()).then_some(platform),
        product,
        version,
        content: (dload_id.0 <= DloadId::MAX).then(|| dload_id.description().to_string()),
    }
}

/// Whether all partitions name the same platform (`platform`).
fn platform_check(entries: &[Entry]) -> Option<Check> {
    let first = entries.first()?.header.platform_text();
    let other = entries.iter().enumerate().find(|(_, e)| e.header.platform_text() != first);
    Some(match other {
        None if first.is_empty() => Check::warn("platform", "The partitions do not name the platform they are for."),
        None => Check::pass("platform", format!("All partitions are for platform \"{first}\".")),
        Some((index, e)) => Check::warn(
            "platform",
            format!(
                "The partitions name different platforms: \"{first}\" (partition 0) and \"{}\" (partition {index}). \
                 The file may have been put together from different firmware.",
                e.header.platform_text()
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_is_told_by_the_first_bytes() {
        assert_eq!(compression_of(&[0x78, 0xDA, 1, 2]), Compression::Zlib);
        assert_eq!(compression_of(&[0x78, 0x9C, 1, 2]), Compression::None);
        let lzma = [0x5D, 0, 0, 0x80, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        assert_eq!(compression_of(&lzma), Compression::Lzma);
        assert_eq!(compression_of(&lzma[..12]), Compression::None);
        let known_size = [0x5D, 0, 0, 0x80, 0, 5, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(compression_of(&known_size), Compression::None);
        assert_eq!(compression_of(&[]), Compression::None);
    }
}
