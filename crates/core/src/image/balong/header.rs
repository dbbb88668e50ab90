//! The 98-byte partition header of a Balong container (specs/huawei-balong.md §11.3).
//! Packed, little-endian.

use crate::framing::hdlc::X25;

/// `0xA55AAA55` as it appears in the file (§11.1).
pub const MAGIC: [u8; 4] = [0x55, 0xAA, 0x5A, 0xA5];

/// Header length without the CRC table.
pub const HEADER_LEN: usize = 98;

/// The file header (`dload_id` and 91 reserved bytes) before the first partition header.
pub const PREFIX_LEN: usize = 0x5C;

/// Offset of the header CRC field.
const CRC_AT: usize = 0x5C;

/// One partition header, every field as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// 98 + size of the CRC table in bytes.
    pub hdsize: u32,
    /// Header version (1 or 2 expected).
    pub hdversion: u32,
    /// "Compatibility code": hardware/platform id, 8 ASCII characters.
    pub platform: [u8; 8],
    /// Partition code (§11.6).
    pub code: u32,
    /// Data size as stored.
    pub psize: u32,
    /// Build date, ASCII, NUL-padded (`2016.01.01`).
    pub date: [u8; 16],
    /// Build time, ASCII, NUL-padded (`12:00:00`).
    pub time: [u8; 16],
    /// Version, ASCII, NUL-padded; standard form `:PRODUCT:VERSION`.
    pub version: [u8; 32],
    /// CRC-16/X-25 of the header with this field zeroed.
    pub crc: u16,
    /// Data bytes covered by each CRC table entry.
    pub blocksize: u32,
}

impl Header {
    /// Parses a header; `None` unless it starts with [`MAGIC`].
    pub fn parse(bytes: &[u8; HEADER_LEN]) -> Option<Header> {
        if bytes[..4] != MAGIC {
            return None;
        }
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        Some(Header {
            hdsize: u32_at(0x04),
            hdversion: u32_at(0x08),
            platform: bytes[0x0C..0x14].try_into().expect("8 bytes"),
            code: u32_at(0x14),
            psize: u32_at(0x18),
            date: bytes[0x1C..0x2C].try_into().expect("16 bytes"),
            time: bytes[0x2C..0x3C].try_into().expect("16 bytes"),
            version: bytes[0x3C..0x5C].try_into().expect("32 bytes"),
            crc: u16::from_le_bytes([bytes[CRC_AT], bytes[CRC_AT + 1]]),
            blocksize: u32_at(0x5E),
        })
    }

    /// The header as stored in a file.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0; HEADER_LEN];
        out[..4].copy_from_slice(&MAGIC);
        out[0x04..0x08].copy_from_slice(&self.hdsize.to_le_bytes());
        out[0x08..0x0C].copy_from_slice(&self.hdversion.to_le_bytes());
        out[0x0C..0x14].copy_from_slice(&self.platform);
        out[0x14..0x18].copy_from_slice(&self.code.to_le_bytes());
        out[0x18..0x1C].copy_from_slice(&self.psize.to_le_bytes());
        out[0x1C..0x2C].copy_from_slice(&self.date);
        out[0x2C..0x3C].copy_from_slice(&self.time);
        out[0x3C..0x5C].copy_from_slice(&self.version);
        out[CRC_AT..CRC_AT + 2].copy_from_slice(&self.crc.to_le_bytes());
        out[0x5E..0x62].copy_from_slice(&self.blocksize.to_le_bytes());
        out
    }

    /// What the CRC field should hold: CRC-16/X-25 over the 98 bytes with the field zeroed.
    pub fn computed_crc(&self) -> u16 {
        X25.checksum(&Header { crc: 0, ..self.clone() }.to_bytes())
    }

    /// The same header with its CRC field set to [`Self::computed_crc`].
    pub fn sealed(self) -> Header {
        Header { crc: self.computed_crc(), ..self }
    }

    /// The platform field as text.
    pub fn platform_text(&self) -> String {
        text(&self.platform)
    }

    /// The version field as text.
    pub fn version_text(&self) -> String {
        text(&self.version)
    }

    /// Date and time as one text (`2016.01.01 12:00:00`), empty parts left out.
    pub fn built_text(&self) -> String {
        [text(&self.date), text(&self.time)].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
    }

    /// The version field split as `balong_flash` does: the standard form
    /// `:PRODUCT:VERSION` is cut at its last `:` into product and version; anything else
    /// is a version without product.
    pub fn product_and_version(&self) -> (Option<String>, Option<String>) {
        let full = self.version_text();
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        match full.strip_prefix(':').and_then(|rest| rest.rsplit_once(':')) {
            Some((product, version)) => (non_empty(product), non_empty(version)),
            None => (None, non_empty(&full)),
        }
    }
}

/// A NUL-padded ASCII field as display text: up to the first NUL, anything that is not
/// printable ASCII shown as `?` (file contents never reach a terminal raw), trimmed.
pub fn text(field: &[u8]) -> String {
    field
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '?' })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A string as a NUL-padded field of `N` bytes, cut to fit.
pub fn field<const N: usize>(s: &str) -> [u8; N] {
    let mut out = [0; N];
    let n = s.len().min(N);
    out[..n].copy_from_slice(&s.as_bytes()[..n]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Header {
        Header {
            hdsize: 100,
            hdversion: 2,
            platform: field("TESTPLAT"),
            code: 0x0003_0000,
            psize: 5,
            date: field("2016.01.01"),
            time: field("12:00:00"),
            version: field(":TESTPLAT:21.100.00.00.000"),
            crc: 0,
            blocksize: 4096,
        }
    }

    #[test]
    fn worked_example_header_crc_is_de2b() {
        // specs/huawei-balong.md §11.8.
        let header = example().sealed();
        assert_eq!(header.crc, 0xDE2B);
        let bytes = header.to_bytes();
        assert_eq!(&bytes[0x5C..0x62], &[0x2B, 0xDE, 0x00, 0x10, 0x00, 0x00]);
        assert_eq!(Header::parse(&bytes), Some(header));
    }

    #[test]
    fn parse_requires_the_magic() {
        let mut bytes = example().to_bytes();
        bytes[3] = 0;
        assert_eq!(Header::parse(&bytes), None);
    }

    #[test]
    fn version_splits_at_the_last_colon() {
        let header = example();
        assert_eq!(header.product_and_version(), (Some("TESTPLAT".into()), Some("21.100.00.00.000".into())));
        let plain = Header { version: field("21.180.01.00.00"), ..example() };
        assert_eq!(plain.product_and_version(), (None, Some("21.180.01.00.00".into())));
        let nested = Header { version: field(":E3372:h:22.315"), ..example() };
        assert_eq!(nested.product_and_version(), (Some("E3372:h".into()), Some("22.315".into())));
        assert_eq!(Header { version: [0; 32], ..example() }.product_and_version(), (None, None));
    }

    #[test]
    fn text_fields_stop_at_nul_and_hide_control_bytes() {
        assert_eq!(text(b"AB\x1b[2JC\0junk"), "AB?[2JC");
        assert_eq!(example().built_text(), "2016.01.01 12:00:00");
        assert_eq!(Header { time: [0; 16], ..example() }.built_text(), "2016.01.01");
    }
}
