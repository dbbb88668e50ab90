//! The 400-byte CWE header (specs/sierra-cwe-qdl.md §1) and its CRC (§3).

use std::sync::LazyLock;

/// Size of every CWE header, top level and nested (§1).
pub const HEADER_LEN: usize = 0x190;

/// Size of the product specific buffer that `psb_crc` covers (§1).
pub const PSB_LEN: usize = 0x100;

/// CRC-32/JAMCRC (§3): zlib's CRC-32 without the final inversion. Used for `psb_crc`
/// and `image_crc`; chains across blocks with [`crc::Digest`]. Slice-by-16 tables (16 KiB) for
/// verification speed, built at first use so they are not shipped in the page's wasm (like
/// [`crate::framing::hdlc::X25`]).
pub static JAMCRC: LazyLock<crc::Crc<u32, crc::Table<16>>> =
    LazyLock::new(|| crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_JAMCRC));

/// `misc_opts` bit: the payload is compressed (§1; LK and Legato refuse it, §4.1 rule 2).
pub const OPT_COMPRESS: u8 = 0x01;
/// `misc_opts` bit: the payload is encrypted (§1; refused, §4.1 rule 2).
pub const OPT_ENCRYPT: u8 = 0x02;

/// The header revision every current file has and strict mode requires (§1, §4.1 rule 3).
pub const HDR_REV: u32 = 3;

/// Every image type the Sierra sources know (§2: LK's list, `CEFS`, Legato's additions).
pub const IMAGE_TYPES: [&[u8; 4]; 44] = [
    b"QPAR", b"SBL1", b"SBL2", b"DSP1", b"DSP2", b"DSP3", b"QRPM", b"BOOT", b"APPL", b"OSBL", b"AMSS", b"APPS",
    b"APBL", b"NVBF", b"NVBO", b"NVBU", b"EXEC", b"SWOC", b"FOTO", b"FILE", b"SPKG", b"MODM", b"SYST", b"USER",
    b"HDAT", b"NVBC", b"SPLA", b"NVUP", b"QMBA", b"TZON", b"QSDI", b"ARCH", b"UAPP", b"LRAM", b"CUS0", b"CUS1",
    b"CUS2", b"CEFS", b"HASH", b"META", b"CUSG", b"KEYS", b"DCFG", b"TAOP",
];

/// Image types whose payload may be a run of child images (§2 "Containers", §2.1).
pub const CONTAINER_TYPES: [&[u8; 4]; 5] = [b"SPKG", b"BOOT", b"APPL", b"MODM", b"FILE"];

/// One parsed CWE header. Integers as the file means them (§1 byte order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CweHeader {
    /// Product specific buffer, opaque (§1.1).
    pub psb: [u8; PSB_LEN],
    /// Stored CRC of the PSB.
    pub psb_crc: u32,
    /// Header revision.
    pub hdr_rev: u32,
    /// "CRC valid indicator", opaque.
    pub crc_ind: u32,
    /// Image type, four ASCII characters.
    pub image_type: [u8; 4],
    /// Product type, four ASCII characters.
    pub prod_type: [u8; 4],
    /// Bytes following this header.
    pub image_sz: u32,
    /// Stored CRC of those bytes.
    pub image_crc: u32,
    /// Version text, NUL-padded.
    pub version: [u8; 84],
    /// Release date text.
    pub rel_date: [u8; 8],
    /// Backward-compatibility field, opaque.
    pub compat: u32,
    /// Option bits ([`OPT_COMPRESS`], [`OPT_ENCRYPT`], …).
    pub misc_opts: u8,
    /// Storage address (little-endian from revision 2 on, §1).
    pub stor_addr: u32,
    /// Program relocation address.
    pub prog_addr: u32,
    /// Entry point.
    pub entry_pt: u32,
    /// Application signature; 1 for `APPL` (§1, §4.1 rule 5).
    pub signature: u32,
}

impl CweHeader {
    /// Reads the fields of a header. Never fails: every value is judged by the checks.
    pub fn parse(bytes: &[u8; HEADER_LEN]) -> CweHeader {
        let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        let hdr_rev = be(0x104);
        // §1: the three addresses are big-endian up to revision 1, little-endian from 2 (LK).
        let addr = |at: usize| if hdr_rev >= 2 { be(at).swap_bytes() } else { be(at) };
        CweHeader {
            psb: bytes[..PSB_LEN].try_into().expect("PSB"),
            psb_crc: be(0x100),
            hdr_rev,
            crc_ind: be(0x108),
            image_type: bytes[0x10C..0x110].try_into().expect("type"),
            prod_type: bytes[0x110..0x114].try_into().expect("product"),
            image_sz: be(0x114),
            image_crc: be(0x118),
            version: bytes[0x11C..0x170].try_into().expect("version"),
            rel_date: bytes[0x170..0x178].try_into().expect("date"),
            compat: be(0x178),
            misc_opts: bytes[0x17C],
            stor_addr: addr(0x180),
            prog_addr: addr(0x184),
            entry_pt: addr(0x188),
            signature: be(0x18C),
        }
    }

    /// Whether the stored `psb_crc` is the CRC of the PSB.
    pub fn psb_crc_ok(&self) -> bool {
        JAMCRC.checksum(&self.psb) == self.psb_crc
    }

    /// The image type as text (lossy for non-ASCII bytes).
    pub fn type_text(&self) -> String {
        field_text(&self.image_type)
    }

    /// The product type as text.
    pub fn product_text(&self) -> String {
        field_text(&self.prod_type)
    }

    /// The version text, up to its first NUL.
    pub fn version_text(&self) -> String {
        field_text(&self.version)
    }

    /// The release date text, up to its first NUL.
    pub fn date_text(&self) -> String {
        field_text(&self.rel_date)
    }

    /// Whether the image type is one of [`IMAGE_TYPES`].
    pub fn type_known(&self) -> bool {
        IMAGE_TYPES.iter().any(|t| **t == self.image_type)
    }

    /// Whether the image type is one of [`CONTAINER_TYPES`].
    pub fn is_container_type(&self) -> bool {
        CONTAINER_TYPES.iter().any(|t| **t == self.image_type)
    }

    /// Whether the image must hold nested images: a super package (`SPKG`) is made of
    /// packages (§2), while every other container type may also be a leaf whose data
    /// merely looks like a header (§2.1). A module walks a super package's children, so
    /// one whose first child is unreadable is refused, not flashed as raw data
    /// [inferred].
    pub fn holds_images(&self) -> bool {
        &self.image_type == b"SPKG"
    }

    /// §4.2 step 3: type, product, version and date each printable up to the first NUL
    /// and all NUL after it (the rule `qmi-firmware-update` and strict mode share).
    pub fn strings_ok(&self) -> bool {
        [&self.image_type[..], &self.prod_type, &self.version, &self.rel_date].into_iter().all(ascii_field_ok)
    }

    /// §4.1 rule 4: the product type is four printable characters.
    pub fn product_printable(&self) -> bool {
        self.prod_type.iter().all(|b| (0x20..=0x7E).contains(b))
    }
}

/// §4.2 step 3's string rule for one fixed-width field.
pub fn ascii_field_ok(field: &[u8]) -> bool {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    field[..end].iter().all(|b| (0x20..=0x7E).contains(b)) && field[end..].iter().all(|&b| b == 0)
}

/// A fixed-width text field up to its first NUL, non-ASCII shown as U+FFFD.
fn field_text(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jamcrc_matches_the_check_values() {
        assert_eq!(JAMCRC.checksum(b"123456789"), 0x340B_C6D9);
        assert_eq!(JAMCRC.checksum(&[0; PSB_LEN]), 0xF269_7AA7);
        let mut digest = JAMCRC.digest();
        digest.update(b"1234");
        digest.update(b"56789");
        assert_eq!(digest.finalize(), 0x340B_C6D9);
    }

    #[test]
    fn string_rule_wants_printable_text_then_only_nuls() {
        assert!(ascii_field_ok(b"APPL"));
        assert!(ascii_field_ok(b"AP\0\0"));
        assert!(ascii_field_ok(&[0; 4]));
        assert!(!ascii_field_ok(b"AP\x01L"));
        assert!(!ascii_field_ok(b"A\0PL"));
        assert!(!ascii_field_ok(b"AP\xC3L"));
    }

    #[test]
    fn addresses_are_little_endian_from_revision_two() {
        let mut bytes = [0u8; HEADER_LEN];
        bytes[0x180..0x184].copy_from_slice(&[1, 2, 3, 4]);
        bytes[0x104..0x108].copy_from_slice(&1u32.to_be_bytes());
        assert_eq!(CweHeader::parse(&bytes).stor_addr, 0x0102_0304);
        bytes[0x104..0x108].copy_from_slice(&3u32.to_be_bytes());
        assert_eq!(CweHeader::parse(&bytes).stor_addr, 0x0403_0201);
    }
}
