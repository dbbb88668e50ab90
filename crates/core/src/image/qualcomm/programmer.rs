//! Streaming-download programmers (NPRG/ENPRG) as they come in packages: raw `.bin` /
//! `.mbn` or Intel HEX (specs/qualcomm-dload.md §3.2), and where they are loaded.

use crate::image::source::{ByteSource, SourceError};

/// The largest programmer a boot ROM's RAM takes [inferred: real ones are 100–400 KiB].
pub const MAX_PROGRAMMER: u64 = 4 << 20;

/// An Intel-HEX file holds at most about 2.8 characters per byte; a larger file cannot
/// hold a programmer of [`MAX_PROGRAMMER`] bytes.
pub const MAX_HEX_FILE: u64 = 3 * MAX_PROGRAMMER;

/// Load addresses per programmer kind (`forth32/qtools:loaders/load_addresses.txt`,
/// §3.2), keyed by the programmer's name prefix, longest first.
pub const LOAD_ADDRESSES: &[(&str, u32)] = &[
    ("ENPRG9X15", 0x2A00_0000),
    ("ENPRG9X25", 0xF800_4000),
    ("ENPRG9X00", 0x5802_0000),
    ("ENPRG8200", 0x5802_0000),
    ("ENPRG6695", 0x2001_2000),
    ("NPRG8200", 0x0010_0000),
    ("NPRG9X00", 0x0010_0000),
    ("NPRG9X15", 0x4170_0000),
    ("NPRG6695", 0x0080_0000),
];

/// The qtools trailer magic (a qtools convention, not Qualcomm's, §3.2).
const TRAILER_MAGIC: u32 = 0xDEAD_BEEF;

/// A programmer ready to upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Programmer {
    /// Bytes from the load address on.
    pub bytes: Vec<u8>,
    /// The address an Intel-HEX file places its first byte at (raw files carry none).
    pub hex_address: Option<u32>,
    /// The load address of a qtools trailer, when the file ends with one.
    pub trailer_address: Option<u32>,
}

/// Whether a file name names a programmer: `NPRG*` or `ENPRG*`, `.hex`/`.mbn`/`.bin`.
pub fn is_programmer_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    (upper.starts_with("NPRG") || upper.starts_with("ENPRG"))
        && [".HEX", ".MBN", ".BIN"].iter().any(|ext| upper.ends_with(ext))
}

/// The load address the programmer's name implies (`NPRG9x00_ZTE.mbn` → NPRG9x00).
pub fn address_for_name(name: &str) -> Option<(&'static str, u32)> {
    let upper = name.to_ascii_uppercase();
    LOAD_ADDRESSES.iter().find(|(prefix, _)| upper.starts_with(prefix)).copied()
}

/// Whether `address` is a known programmer load address.
pub fn is_known_address(address: u32) -> bool {
    LOAD_ADDRESSES.iter().any(|(_, a)| *a == address)
}

/// Why a programmer file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgrammerError {
    /// The file could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// Larger than any programmer.
    #[error("{0} is larger than any programmer ({MAX_PROGRAMMER} bytes at most)")]
    TooLarge(String),
    /// Not valid Intel HEX.
    #[error("{name} is not valid Intel HEX: {reason}")]
    Hex {
        /// The file.
        name: String,
        /// The parser's words.
        reason: String,
    },
    /// Empty.
    #[error("{0} is empty")]
    Empty(String),
}

/// Reads a programmer file: Intel HEX when the name ends `.hex`, raw otherwise.
pub async fn read<S: ByteSource + ?Sized>(name: &str, src: &mut S) -> Result<Programmer, ProgrammerError> {
    let hex = name.to_ascii_uppercase().ends_with(".HEX");
    let limit = if hex { MAX_HEX_FILE } else { MAX_PROGRAMMER };
    if src.len() > limit {
        return Err(ProgrammerError::TooLarge(name.to_string()));
    }
    if src.len() == 0 {
        return Err(ProgrammerError::Empty(name.to_string()));
    }
    let mut raw = vec![0; src.len() as usize];
    src.read_at(0, &mut raw).await?;
    let (bytes, hex_address) = if hex {
        let text = String::from_utf8_lossy(&raw);
        let (address, bytes) =
            parse_hex(&text).map_err(|reason| ProgrammerError::Hex { name: name.to_string(), reason })?;
        (bytes, Some(address))
    } else {
        (raw, None)
    };
    if bytes.is_empty() {
        return Err(ProgrammerError::Empty(name.to_string()));
    }
    if bytes.len() as u64 > MAX_PROGRAMMER {
        return Err(ProgrammerError::TooLarge(name.to_string()));
    }
    let trailer_address = trailer(&bytes);
    Ok(Programmer { bytes, hex_address, trailer_address })
}

/// Intel HEX (I32HEX) → the first data address and the bytes from it, gaps filled with
/// `FF` (erased flash / unused RAM).
pub fn parse_hex(text: &str) -> Result<(u32, Vec<u8>), String> {
    let mut upper = 0u32;
    let mut pieces: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut ended = false;
    for record in ihex::Reader::new(text) {
        match record.map_err(|e| e.to_string())? {
            ihex::Record::Data { offset, value } => pieces.push((upper + u32::from(offset), value)),
            ihex::Record::ExtendedLinearAddress(hi) => upper = u32::from(hi) << 16,
            ihex::Record::ExtendedSegmentAddress(seg) => upper = u32::from(seg) << 4,
            ihex::Record::EndOfFile => {
                ended = true;
                break;
            }
            ihex::Record::StartLinearAddress(_) | ihex::Record::StartSegmentAddress { .. } => {}
        }
    }
    if !ended {
        return Err("the end-of-file record is missing (the file is cut short)".into());
    }
    let start = pieces.iter().map(|(a, _)| *a).min().ok_or("it holds no data")?;
    let end = pieces.iter().map(|(a, v)| u64::from(*a) + v.len() as u64).max().unwrap_or(u64::from(start));
    if end - u64::from(start) > MAX_PROGRAMMER {
        return Err(format!("its data spans more than {MAX_PROGRAMMER} bytes"));
    }
    let mut bytes = vec![0xFF; (end - u64::from(start)) as usize];
    for (address, value) in pieces {
        let at = (address - start) as usize;
        bytes[at..at + value.len()].copy_from_slice(&value);
    }
    Ok((start, bytes))
}

/// The qtools trailer: the last 12 bytes are `DEADBEEF`, a chipset code and the load
/// address, little-endian [inferred: qtools runs on little-endian hosts].
fn trailer(bytes: &[u8]) -> Option<u32> {
    let t = bytes.len().checked_sub(12).map(|at| &bytes[at..])?;
    let word = |i: usize| u32::from_le_bytes([t[i], t[i + 1], t[i + 2], t[i + 3]]);
    (word(0) == TRAILER_MAGIC).then(|| word(8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_with_a_linear_address_gives_the_load_address() {
        let text = ":020000040010EA\n:0400000001020304F2\n:00000001FF\n";
        assert_eq!(parse_hex(text), Ok((0x0010_0000, vec![1, 2, 3, 4])));
    }

    #[test]
    fn hex_without_end_record_is_refused() {
        assert!(parse_hex(":020000040010EA\n:0400000001020304F2\n").unwrap_err().contains("end-of-file"));
    }

    #[test]
    fn names_map_to_load_addresses() {
        assert!(is_programmer_name("NPRG9x00_ZTE.mbn"));
        assert!(is_programmer_name("ENPRG8200.hex"));
        assert!(!is_programmer_name("amss.mbn"));
        assert_eq!(address_for_name("NPRG9x00alc_p.bin"), Some(("NPRG9X00", 0x0010_0000)));
        assert_eq!(address_for_name("ENPRG9x15.hex"), Some(("ENPRG9X15", 0x2A00_0000)));
        assert_eq!(address_for_name("NPRG6280.hex"), None);
    }

    #[test]
    fn a_qtools_trailer_names_the_load_address() {
        let mut bytes = vec![0; 100];
        bytes.extend_from_slice(&0xDEAD_BEEFu32.to_le_bytes());
        bytes.extend_from_slice(&0x8200u32.to_le_bytes());
        bytes.extend_from_slice(&0x0010_0000u32.to_le_bytes());
        assert_eq!(trailer(&bytes), Some(0x0010_0000));
        assert_eq!(trailer(&[0; 11]), None);
    }
}
