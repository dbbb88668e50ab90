//! Bad Sierra Wireless CWE files (`.cwe`, `.spk`, specs/sierra-cwe-qdl.md §1–§4), all
//! damaged copies of a small super package SPKG → (BOOT → APBL, APPL, MODM), each
//! naming the words its refusal must hold.

use super::BadFile;
use crate::image::cwe::{CweBuilder, HEADER_LEN};
use crate::image::update::{firmware_bytes, seed};

const PRODUCT: &[u8; 4] = b"9X30";
const VERSION: &str = "SWI9X30C_02.30.01.01 r0000 mfsim 2026/11/25 00:00:00";

/// One image of the package, for [`spk`]'s tweaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Spkg,
    Boot,
    Apbl,
    Appl,
    Modm,
}

/// The package with `tweak` applied to each image's builder (children before parents,
/// so a parent's sizes and CRCs cover its damaged children as stored).
fn spk(tweak: impl Fn(Part, CweBuilder) -> CweBuilder) -> CweBuilder {
    let leaf = |part, t: &[u8; 4], len, salt| {
        tweak(part, CweBuilder::leaf(t, PRODUCT, &firmware_bytes(len, seed(VERSION, salt))).version(VERSION))
    };
    let boot = tweak(Part::Boot, CweBuilder::container(b"BOOT", PRODUCT, vec![leaf(Part::Apbl, b"APBL", 300, 0)]));
    let children = vec![boot.version(VERSION), leaf(Part::Appl, b"APPL", 900, 1), leaf(Part::Modm, b"MODM", 1800, 2)];
    tweak(Part::Spkg, CweBuilder::container(b"SPKG", PRODUCT, children))
        .version("9999999_9904609_SWI9X30C_02.30.01.01_00_GENERIC_002.012_000")
}

fn only(part: Part, change: impl Fn(CweBuilder) -> CweBuilder) -> CweBuilder {
    spk(|p, b| if p == part { change(b) } else { b })
}

/// The corpus.
pub fn corpus() -> Vec<BadFile> {
    let good = spk(|_, b| b).build();
    let mut corpus = truncations(&good);
    corpus.extend(header_fields());
    corpus.extend(sizes());
    corpus.extend(nesting());
    let mut flipped = good.clone();
    flipped[good.len() - 10] ^= 0x40;
    corpus.push(BadFile::naming("a flipped data bit in MODM", flipped, "data checksum"));
    let appended = [good.as_slice(), &[0xFF; 64]].concat();
    corpus.push(BadFile::naming("64 bytes appended", appended, "after the"));
    corpus
}

/// Cuts near every header's edges and every 97 bytes in between. The top header stays
/// whole, so the file is still recognised as CWE.
fn truncations(good: &[u8]) -> Vec<BadFile> {
    let headers = [0, HEADER_LEN, 2 * HEADER_LEN, 3 * HEADER_LEN + 300, 4 * HEADER_LEN + 1200];
    let near_edge = |len: usize| headers.iter().any(|&h| len.abs_diff(h) <= 1 || len.abs_diff(h + HEADER_LEN) <= 1);
    (HEADER_LEN..good.len())
        .filter(|&len| near_edge(len) || len % 97 == 0)
        .map(|len| BadFile::naming(format!("cut at byte {len} of {}", good.len()), good[..len].to_vec(), "truncated"))
        .collect()
}

/// One header field wrong, its checksums right, at the top and nested.
fn header_fields() -> Vec<BadFile> {
    let mut out = Vec::new();
    // Not in the corpus: a wrong header checksum in APBL, BOOT's only child. BOOT may be
    // a leaf whose data looks like a header (§2.1), so it is read as one, and its image
    // CRC, made over the damaged bytes, is right.
    for part in [Part::Spkg, Part::Boot, Part::Apbl, Part::Modm] {
        let at = format!("{part:?}");
        let case = |what: &str, change: fn(CweBuilder) -> CweBuilder, named| {
            BadFile::naming(format!("{what} in {at}"), only(part, change).build(), named)
        };
        // A nested header with a wrong checksum is no header: its container holds
        // bytes that are not images.
        match part {
            Part::Spkg => out.push(case("a wrong header checksum", |b| b.psb_crc(0x1234_5678), "header checksum")),
            Part::Apbl => {}
            _ => out.push(case("a wrong header checksum", |b| b.psb_crc(0x1234_5678), "not a nested image")),
        }
        out.push(case("header revision 2", |b| b.hdr_rev(2), "header revision"));
        out.push(case("header revision 0xFFFFFFFF", |b| b.hdr_rev(u32::MAX), "header revision"));
        out.push(case("an unknown image type", |b| b.image_type(b"QQQQ"), "image type no Sierra module knows"));
        out.push(case("a control character in the type", |b| b.image_type(b"AP\x01L"), "unreadable bytes"));
        out.push(case("a product that is not printable", |b| b.product(b"9X\x003"), "product type"));
        out.push(case("the compressed flag", |b| b.misc_opts(0x01), "compressed"));
        out.push(case("the encrypted flag", |b| b.misc_opts(0x02), "encrypted"));
        out.push(case("a wrong data checksum", |b| b.image_crc(0), "data checksum"));
    }
    out.push(BadFile::naming("APPL with signature 0", only(Part::Appl, |b| b.signature(0)).build(), "signature"));
    out.push(BadFile::naming(
        "no CWE header at all: a wrong checksum and an unknown type at the top",
        only(Part::Spkg, |b| b.psb_crc(0).image_type(b"\0\0\0\0")).build(),
        "not a Huawei firmware file",
    ));
    out
}

/// Zero, overflowing and huge `image_sz` values, the rest of the file as built.
fn sizes() -> Vec<BadFile> {
    const HUGE: &[u32] = &[0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FE70, 0xFFFF_FFFF];
    let mut out = Vec::new();
    for &size in HUGE {
        let top = only(Part::Spkg, |b| b.image_sz(size)).build();
        out.push(BadFile::naming(format!("SPKG claims {size:#x} bytes"), top, "truncated"));
        for part in [Part::Boot, Part::Apbl, Part::Appl] {
            let nested = only(part, |b| b.image_sz(size)).build();
            out.push(BadFile::naming(format!("{part:?} claims {size:#x} bytes"), nested, "past the end"));
        }
    }
    out.push(BadFile::naming("SPKG claims 0 bytes", only(Part::Spkg, |b| b.image_sz(0)).build(), "no data"));
    for part in [Part::Apbl, Part::Modm] {
        let empty = spk(|p, b| if p == part { CweBuilder::leaf(b"APBL", PRODUCT, &[]).version(VERSION) } else { b });
        out.push(BadFile::naming(format!("{part:?} empty"), empty.build(), "no data"));
    }
    let short = only(Part::Appl, |b| b.image_sz(899)).build();
    out.push(BadFile::naming("APPL claims one byte less than it holds", short, "not a nested image"));
    let long = only(Part::Appl, |b| b.image_sz(901)).build();
    out.push(BadFile::naming("APPL claims one byte more than it holds", long, "data checksum"));
    out
}

/// Children that do not fill their container, a child repeating its parent's header,
/// and nesting deeper than any module's firmware.
fn nesting() -> Vec<BadFile> {
    let apbl = CweBuilder::leaf(b"APBL", PRODUCT, &firmware_bytes(300, seed(VERSION, 0))).version(VERSION);
    let with_tail = |tail: &[u8]| {
        let mut payload = apbl.build();
        payload.extend_from_slice(tail);
        spk(|p, b| if p == Part::Boot { CweBuilder::leaf(b"BOOT", PRODUCT, &payload).version(VERSION) } else { b })
    };
    let mut out = vec![
        BadFile::naming("BOOT holds 100 bytes after its child", with_tail(&[0xA5; 100]).build(), "not a nested image"),
        BadFile::naming("BOOT holds half a header after its child", with_tail(&[0; 200]).build(), "not a nested image"),
    ];
    // A child header that repeats its container's: it claims the container's whole
    // size from inside it.
    let boot = spk(|_, b| b).build()[HEADER_LEN..2 * HEADER_LEN].to_vec();
    let mut looped = apbl.build();
    looped[..HEADER_LEN].copy_from_slice(&boot);
    let repeated =
        spk(|p, b| if p == Part::Boot { CweBuilder::leaf(b"BOOT", PRODUCT, &looped).version(VERSION) } else { b });
    out.push(BadFile::naming("BOOT's child repeats BOOT's header", repeated.build(), "past the end"));
    let deep = (0..1100).fold(CweBuilder::leaf(b"APPL", PRODUCT, b"deep").signature(1), |inner, _| {
        CweBuilder::container(b"FILE", PRODUCT, vec![inner])
    });
    out.push(BadFile::naming("1100 nested FILE containers", deep.build(), "nests more than"));
    out
}
