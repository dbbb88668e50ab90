//! Zipped Qualcomm packages (docs/qualcomm-package.md): the package's files at the top
//! level of a `.zip` (a folder inside is flattened), stored or deflated.
//!
//! The zip format keeps its directory at the end, so the archive is read into memory
//! (up to [`MAX_ZIP`]) and every entry unpacked, each within [`MAX_ENTRY`] whatever its
//! header claims.

use std::io::{Cursor, Read};

use crate::image::folder::FolderFile;
use crate::image::source::{ByteSource, SourceError};

/// The largest zip read: a package of an HSPA stick is tens of MiB.
pub const MAX_ZIP: u64 = 256 << 20;

/// The largest unpacked entry.
pub const MAX_ENTRY: u64 = 256 << 20;

/// The most entries a package zip may hold.
pub const MAX_ENTRIES: usize = 64;

/// A local file header's signature: every zip starts with one.
pub const MAGIC: [u8; 4] = *b"PK\x03\x04";

/// Whether `start` (the first bytes of a file) is a zip.
pub fn is_zip(start: &[u8]) -> bool {
    start.starts_with(&MAGIC)
}

/// Unpacks a package zip into its files; `Ok(Err(reason))` for a zip that cannot be
/// used, in words for the verification report.
pub async fn unpack<S: ByteSource + ?Sized>(
    src: &mut S,
) -> Result<Result<Vec<FolderFile<Vec<u8>>>, String>, SourceError> {
    if src.len() > MAX_ZIP {
        return Ok(Err(format!("the zip holds more than {} MiB, more than any package", MAX_ZIP >> 20)));
    }
    let mut bytes = vec![0; src.len() as usize];
    src.read_at(0, &mut bytes).await?;
    Ok(unpack_bytes(&bytes))
}

fn unpack_bytes(bytes: &[u8]) -> Result<Vec<FolderFile<Vec<u8>>>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("the zip cannot be read ({e})"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!("the zip holds {} entries; a package has at most {MAX_ENTRIES}", archive.len()));
    }
    let mut files: Vec<FolderFile<Vec<u8>>> = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| format!("entry {i} of the zip cannot be read ({e})"))?;
        if entry.is_dir() {
            continue;
        }
        if entry.encrypted() {
            return Err(format!("{} is encrypted; packages are not", entry.name()));
        }
        let Some(name) = entry.enclosed_name().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        else {
            return Err(format!("{} is not a usable file name", entry.name()));
        };
        if files.iter().any(|f| f.name == name) {
            return Err(format!("the zip holds two files named {name}; keep one"));
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(MAX_ENTRY + 1)
            .read_to_end(&mut data)
            .map_err(|e| format!("{name} cannot be unpacked ({e})"))?;
        if data.len() as u64 > MAX_ENTRY {
            return Err(format!("{name} unpacks to more than {} MiB", MAX_ENTRY >> 20));
        }
        files.push(FolderFile { name, source: data });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}
