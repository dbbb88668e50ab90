//! Synthetic Sierra Wireless CWE files (`.cwe`, `.nvu`, `.spk`), built from
//! specs/sierra-cwe-qdl.md §1–§3 alone, with every header field settable so tests can
//! damage exactly one thing. The header layout is written out here independently of the
//! parser in `modemflash-core`, so the two check each other (and both the §6 example).

use crate::dongle::VERSION_MARKER;
use crate::profile::Profile;

/// Header size (§1).
pub const HEADER_LEN: usize = 0x190;

const JAMCRC: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_JAMCRC);

/// What follows a header.
#[derive(Clone, Debug)]
enum Payload {
    Raw(Vec<u8>),
    Children(Vec<CweBuilder>),
}

/// One CWE image and, for containers, its children.
#[derive(Clone, Debug)]
pub struct CweBuilder {
    psb: [u8; 256],
    psb_crc: Option<u32>,
    hdr_rev: u32,
    crc_ind: u32,
    image_type: [u8; 4],
    prod_type: [u8; 4],
    image_sz: Option<u32>,
    image_crc: Option<u32>,
    version: Vec<u8>,
    rel_date: Vec<u8>,
    compat: u32,
    misc_opts: u8,
    addresses: [u32; 3],
    signature: u32,
    payload: Payload,
}

impl CweBuilder {
    fn new(image_type: &[u8; 4], product: &[u8; 4], payload: Payload) -> Self {
        CweBuilder {
            psb: [0; 256],
            psb_crc: None,
            hdr_rev: 3,
            crc_ind: 0xFFFF_FFFF,
            image_type: *image_type,
            prod_type: *product,
            image_sz: None,
            image_crc: None,
            version: Vec::new(),
            rel_date: b"06/10/15".to_vec(),
            compat: 0,
            misc_opts: 0,
            addresses: [0xFFFF_FFFF; 3],
            signature: u32::from(image_type == b"APPL"),
            payload,
        }
    }

    /// A leaf image carrying `data`.
    pub fn leaf(image_type: &[u8; 4], product: &[u8; 4], data: &[u8]) -> Self {
        Self::new(image_type, product, Payload::Raw(data.to_vec()))
    }

    /// A container of `children`, back to back (§2.1).
    pub fn container(image_type: &[u8; 4], product: &[u8; 4], children: Vec<CweBuilder>) -> Self {
        Self::new(image_type, product, Payload::Children(children))
    }

    /// The §6 worked example: an `APPL` image of 16 bytes `00..0F`.
    pub fn worked_example() -> Self {
        Self::leaf(b"APPL", b"9X15", &(0..16).collect::<Vec<u8>>())
            .version("SWI9X15C_05.05.58.00 r00000 test 2015/06/10 00:00:00")
            .signature(1)
    }

    /// Version text (NUL-padded to 84 bytes, or raw bytes up to 84).
    pub fn version(mut self, text: &str) -> Self {
        self.version = text.as_bytes().to_vec();
        self
    }

    /// Raw version field bytes.
    pub fn version_bytes(mut self, bytes: &[u8]) -> Self {
        self.version = bytes.to_vec();
        self
    }

    /// Release date field bytes.
    pub fn date(mut self, bytes: &[u8]) -> Self {
        self.rel_date = bytes.to_vec();
        self
    }

    /// Raw image type bytes.
    pub fn image_type(mut self, t: &[u8; 4]) -> Self {
        self.image_type = *t;
        self
    }

    /// Raw product type bytes.
    pub fn product(mut self, p: &[u8; 4]) -> Self {
        self.prod_type = *p;
        self
    }

    /// Header revision.
    pub fn hdr_rev(mut self, rev: u32) -> Self {
        self.hdr_rev = rev;
        self
    }

    /// `misc_opts`.
    pub fn misc_opts(mut self, opts: u8) -> Self {
        self.misc_opts = opts;
        self
    }

    /// Application signature.
    pub fn signature(mut self, signature: u32) -> Self {
        self.signature = signature;
        self
    }

    /// PSB contents (its CRC follows unless overridden).
    pub fn psb(mut self, psb: [u8; 256]) -> Self {
        self.psb = psb;
        self
    }

    /// A stored `psb_crc` instead of the right one.
    pub fn psb_crc(mut self, crc: u32) -> Self {
        self.psb_crc = Some(crc);
        self
    }

    /// A stored `image_sz` instead of the right one.
    pub fn image_sz(mut self, size: u32) -> Self {
        self.image_sz = Some(size);
        self
    }

    /// A stored `image_crc` instead of the right one.
    pub fn image_crc(mut self, crc: u32) -> Self {
        self.image_crc = Some(crc);
        self
    }

    /// The file: header and payload, children built recursively.
    pub fn build(&self) -> Vec<u8> {
        let payload = match &self.payload {
            Payload::Raw(data) => data.clone(),
            Payload::Children(children) => children.iter().flat_map(CweBuilder::build).collect(),
        };
        let mut h = vec![0u8; HEADER_LEN];
        h[..256].copy_from_slice(&self.psb);
        let put = |h: &mut Vec<u8>, at: usize, v: u32| h[at..at + 4].copy_from_slice(&v.to_be_bytes());
        put(&mut h, 0x100, self.psb_crc.unwrap_or_else(|| JAMCRC.checksum(&self.psb)));
        put(&mut h, 0x104, self.hdr_rev);
        put(&mut h, 0x108, self.crc_ind);
        h[0x10C..0x110].copy_from_slice(&self.image_type);
        h[0x110..0x114].copy_from_slice(&self.prod_type);
        put(&mut h, 0x114, self.image_sz.unwrap_or(payload.len() as u32));
        put(&mut h, 0x118, self.image_crc.unwrap_or_else(|| JAMCRC.checksum(&payload)));
        let version = &self.version[..self.version.len().min(84)];
        h[0x11C..0x11C + version.len()].copy_from_slice(version);
        let date = &self.rel_date[..self.rel_date.len().min(8)];
        h[0x170..0x170 + date.len()].copy_from_slice(date);
        put(&mut h, 0x178, self.compat);
        h[0x17C] = self.misc_opts;
        for (i, addr) in self.addresses.iter().enumerate() {
            // §1: little-endian from header revision 2 on.
            let bytes = if self.hdr_rev >= 2 { addr.to_le_bytes() } else { addr.to_be_bytes() };
            h[0x180 + 4 * i..0x184 + 4 * i].copy_from_slice(&bytes);
        }
        put(&mut h, 0x18C, self.signature);
        h.extend_from_slice(&payload);
        h
    }
}

/// The product type of a profile's module (§2 product codes), e.g. `9X30`.
fn product(profile: &Profile) -> [u8; 4] {
    let mut p = [b' '; 4];
    let code = profile.revision.strip_prefix("SWI").unwrap_or(profile.revision).as_bytes();
    p.iter_mut().zip(code).for_each(|(d, s)| *d = *s);
    p
}

/// The product type of a profile's module as text, e.g. `9X30`.
pub fn product_text(profile: &Profile) -> String {
    String::from_utf8_lossy(&product(profile)).into_owned()
}

/// The revision a module reports once it runs firmware `version`: a build string (§2).
pub fn revision_for(profile: &Profile, version: &str) -> String {
    let product = String::from_utf8_lossy(&product(profile)).into_owned();
    format!("SWI{product}C_{version} r0000 mfsim 2026/11/25 00:00:00")
}

/// A complete firmware package for `profile`'s module installing `version`
/// (`NN.NN.NN.NN`), about `size` bytes: `SPKG` → (`BOOT` → `APBL`, `APPL`, `MODM`), the
/// nesting of §5's example. `MODM` carries the sim's version marker, so the module
/// reports `version` after the reboot.
pub fn module_update(profile: &Profile, version: &str, size: usize) -> CweBuilder {
    let product = product(profile);
    let revision = revision_for(profile, version);
    let build = |t: &[u8; 4], share: usize, salt: usize| {
        let data = super::update::firmware_bytes((size * share / 10).max(64), super::update::seed(version, salt));
        CweBuilder::leaf(t, &product, &data).version(&revision)
    };
    let mut modem = build(b"MODM", 6, 2);
    if let Payload::Raw(data) = &mut modem.payload {
        let mut marker = VERSION_MARKER.to_vec();
        marker.extend_from_slice(revision.as_bytes());
        marker.push(0);
        let at = data.len() / 3;
        data.splice(at..at, marker);
    }
    let boot = CweBuilder::container(b"BOOT", &product, vec![build(b"APBL", 1, 0)]).version(&revision);
    let product_text = String::from_utf8_lossy(&product).into_owned();
    CweBuilder::container(b"SPKG", &product, vec![boot, build(b"APPL", 3, 1), modem])
        .version(&format!("9999999_9904609_SWI{product_text}C_{version}_00_GENERIC_002.012_000"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worked_example_matches_the_spec_bytes() {
        let file = CweBuilder::worked_example().build();
        assert_eq!(file.len(), 416);
        assert!(file[..0x100].iter().all(|&b| b == 0));
        let expected: Vec<u8> = "f2 69 7a a7 00 00 00 03 ff ff ff ff 41 50 50 4c 39 58 31 35 00 00 00 10 31 31 1d 77 \
             53 57 49 39 58 31 35 43 5f 30 35 2e 30 35 2e 35 38 2e 30 30 20 72 30 30 30 30 30 20 74 65 73 74 20 32 30 31 \
             35 2f 30 36 2f 31 30 20 30 30 3a 30 30 3a 30 30"
            .split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect();
        assert_eq!(&file[0x100..0x100 + expected.len()], expected.as_slice());
        assert!(file[0x100 + expected.len()..0x170].iter().all(|&b| b == 0));
        assert_eq!(
            &file[0x170..0x190],
            b"06/10/15\0\0\0\0\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\0\0\0\x01"
        );
        assert_eq!(&file[0x190..], (0..16).collect::<Vec<u8>>().as_slice());
    }

    #[test]
    fn containers_announce_the_sum_of_their_children() {
        let child = CweBuilder::leaf(b"APBL", b"9X15", &[1; 300]);
        let file = CweBuilder::container(b"BOOT", b"9X15", vec![child.clone(), child]).build();
        assert_eq!(file.len(), 400 + 2 * 700);
        assert_eq!(u32::from_be_bytes(file[0x114..0x118].try_into().unwrap()), 1400);
    }
}
