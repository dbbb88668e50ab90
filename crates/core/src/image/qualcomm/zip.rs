//! Zipped Qualcomm packages (docs/qualcomm-package.md): the package's files at the top
//! level of a `.zip` (a folder inside is flattened), stored or deflated.
//!
//! The zip format keeps its directory at the end, so the archive is read into memory
//! (up to [`MAX_ZIP`]) and every entry unpacked. What the directory claims is checked
//! before anything is unpacked (each entry within [`MAX_ENTRY`], all of them within
//! [`MAX_UNPACKED`]), and no entry is unpacked past its claim: a zip bomb is refused
//! having cost at most what its honest claims allow.

use std::io::{Cursor, Read};

use crate::image::folder::FolderFile;
use crate::image::source::{ByteSource, SourceError};

/// The largest zip read: a package of an HSPA stick is tens of MiB.
pub const MAX_ZIP: u64 = 256 << 20;

/// The largest unpacked entry.
pub const MAX_ENTRY: u64 = 256 << 20;

/// The most all entries together may unpack to.
pub const MAX_UNPACKED: u64 = 256 << 20;

/// The most entries a package zip may hold.
pub const MAX_ENTRIES: usize = 64;

/// A local file header's signature: every zip with entries starts with one.
pub const MAGIC: [u8; 4] = *b"PK\x03\x04";

/// The end-of-directory signature an empty zip starts with.
pub const EMPTY_MAGIC: [u8; 4] = *b"PK\x05\x06";

/// Whether `start` (the first bytes of a file) is a zip, an empty one included (which
/// is then refused as a package holding nothing, not as an unknown file).
pub fn is_zip(start: &[u8]) -> bool {
    start.starts_with(&MAGIC) || start.starts_with(&EMPTY_MAGIC)
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
    let mut claimed_in_all = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| format!("entry {i} of the zip cannot be read ({e})"))?;
        if entry.size() > MAX_ENTRY {
            return Err(format!(
                "the zip says {} unpacks to {} MiB, more than any package file ({} MiB at most)",
                entry.name(),
                entry.size() >> 20,
                MAX_ENTRY >> 20
            ));
        }
        claimed_in_all += entry.size();
    }
    if claimed_in_all > MAX_UNPACKED {
        return Err(format!(
            "the zip says its files unpack to {} MiB in all, more than any package ({} MiB at most)",
            claimed_in_all >> 20,
            MAX_UNPACKED >> 20
        ));
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
        let claimed = entry.size();
        let mut data = Vec::with_capacity(claimed as usize);
        (&mut entry)
            .take(claimed + 1)
            .read_to_end(&mut data)
            .map_err(|e| format!("{name} cannot be unpacked ({e})"))?;
        if data.len() as u64 > claimed {
            return Err(format!("{name} unpacks to more than the {claimed} bytes the zip says it holds"));
        }
        files.push(FolderFile { name, source: data });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}
