//! Multi-file firmware: a folder of raw partition images (specs/huawei-balong.md §11.7).
//!
//! Files are named `NN-CCCCCCCC-Name.bin`: a 2-digit index, the partition code in 8 hex
//! digits, and a free name (checked as `balong_flash` does: `-` at positions 2 and 11,
//! hex digits between). They are flashed in index order from `00` up to the first
//! missing index, at most [`MAX_FILES`]; each file is one partition, flashed as it is.

use super::chain::label;
use super::codes::partition_name;
use super::header::MAGIC;
use crate::image::flashed::MAX_FLASHED_SIZE;
use crate::image::report::{grouped, Check, VerificationReport};
use crate::image::source::{ByteSource, SourceError};
use crate::image::{Compression, Family, FirmwareImage, Inspection, Layout, Partition, TargetFacts};

/// The most files a folder may hold: indices `00` to `29`.
pub const MAX_FILES: usize = 30;

use crate::image::folder::listing;
pub use crate::image::folder::FolderFile;

/// Index and partition code of a `NN-CCCCCCCC-Name` file name.
pub fn parse_name(name: &str) -> Option<(usize, u32)> {
    let bytes = name.as_bytes();
    let shaped = bytes.len() >= 12
        && bytes[..2].iter().all(u8::is_ascii_digit)
        && bytes[2] == b'-'
        && bytes[3..11].iter().all(u8::is_ascii_hexdigit)
        && bytes[11] == b'-';
    if !shaped {
        return None;
    }
    Some((name[..2].parse().ok()?, u32::from_str_radix(&name[3..11], 16).ok()?))
}

/// Inspects a folder given as its files (in any order). `Partition::source` of the
/// result is the position of the partition's file in `files`.
pub async fn inspect_folder<S: ByteSource>(files: &mut [FolderFile<S>]) -> Result<Inspection, SourceError> {
    let mut report = VerificationReport::new();
    let mut by_index: Vec<Vec<usize>> = vec![Vec::new(); 100];
    let mut ignored = Vec::new();
    for (position, file) in files.iter().enumerate() {
        match parse_name(&file.name) {
            Some((index, _)) => by_index[index].push(position),
            None => ignored.push(file.name.as_str()),
        }
    }
    if !ignored.is_empty() {
        report.push(Check::warn(
            "file-name",
            format!("Not named like 00-00030000-Kernel.bin, so not used: {}.", listing(ignored.iter().copied())),
        ));
    }
    let used = by_index.iter().take(MAX_FILES).take_while(|positions| !positions.is_empty()).count();
    for (index, positions) in by_index.iter().enumerate().filter(|(_, p)| p.len() > 1) {
        report.push(Check::fail(
            "file-order",
            format!(
                "Several files claim index {index:02}: {}. Keep only one of them.",
                listing(positions.iter().map(|&p| files[p].name.as_str()))
            ),
        ));
    }
    let unused: Vec<&str> = by_index[used..].iter().flatten().map(|&p| files[p].name.as_str()).collect();
    if !unused.is_empty() {
        let why = if used == MAX_FILES {
            format!("at most {MAX_FILES} files are flashed")
        } else {
            format!("there is no file with index {used:02}")
        };
        report.push(Check::warn("file-order", format!("Not used because {why}: {}.", listing(unused.into_iter()))));
    }
    let mut partitions = Vec::with_capacity(used);
    for (index, positions) in by_index.iter().take(used).enumerate() {
        let position = positions[0];
        let file = &mut files[position];
        let code = parse_name(&file.name).map(|(_, code)| code).unwrap_or_default();
        let name = partition_name(code);
        let size = file.source.len();
        report.push(raw_image_check(&mut file.source, &label(index, &name), &file.name).await?.on_partition(index));
        partitions.push(Partition {
            index,
            code: Some(code),
            name,
            source: position,
            offset: 0,
            stored_size: size,
            flashed_size: Some(size),
            compression: Compression::None,
            version: None,
            built: None,
        });
    }
    if partitions.is_empty() {
        report.push(Check::fail(
            "folder",
            "The folder holds no partition image. It needs raw images named like 00-00030000-Kernel.bin, \
             numbered from 00.",
        ));
    } else {
        report.push(Check::pass(
            "folder",
            format!("The folder holds {} partition images, flashed in the order of their numbers.", partitions.len()),
        ));
    }
    let image = FirmwareImage {
        family: Family::HuaweiBalong,
        layout: Layout::Folder,
        size: partitions.iter().map(|p| p.stored_size).sum(),
        sha256: None,
        target: TargetFacts::default(),
        signature: None,
        partitions,
        loader: None,
    };
    Ok(Inspection { image, report })
}

/// The `raw-image` check of one file: not empty, not too large, no header.
async fn raw_image_check<S: ByteSource>(source: &mut S, who: &str, file: &str) -> Result<Check, SourceError> {
    let size = source.len();
    if size == 0 {
        return Ok(Check::fail(
            "raw-image",
            format!("{who}: {file} is empty, and the modem refuses empty partitions."),
        ));
    }
    if size > MAX_FLASHED_SIZE {
        return Ok(Check::fail(
            "raw-image",
            format!("{who}: {file} holds {} bytes, more than a stick's flash.", grouped(size)),
        ));
    }
    if size >= 4 {
        let mut start = [0; 4];
        source.read_at(0, &mut start).await?;
        if start == MAGIC {
            return Ok(Check::fail(
                "raw-image",
                format!(
                    "{who}: {file} starts with a partition header, but a folder takes raw images. Use the images \
                     split without headers (.bin, not .fw), or flash the original firmware file."
                ),
            ));
        }
    }
    Ok(Check::pass("raw-image", format!("{who}: {} bytes from {file}.", grouped(size))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_split_pattern() {
        assert_eq!(parse_name("00-00030000-Kernel.bin"), Some((0, 0x0003_0000)));
        assert_eq!(parse_name("07-005B0000-WEBUI.bin"), Some((7, 0x005B_0000)));
        assert_eq!(parse_name("12-0003000g-Kernel.bin"), None);
        assert_eq!(parse_name("1-00030000-Kernel.bin"), None);
        assert_eq!(parse_name("00_00030000-Kernel.bin"), None);
        assert_eq!(parse_name("00-00030000"), None);
        assert_eq!(parse_name("00-+0030000-Kernel.bin"), None);
        assert_eq!(parse_name("README.txt"), None);
    }
}
