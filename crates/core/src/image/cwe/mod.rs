//! Sierra Wireless CWE firmware: `.cwe` firmware, `.nvu` carrier configuration and
//! `.spk` combined packages, all the same nested 400-byte-header format
//! (specs/sierra-cwe-qdl.md §1–§4).
//!
//! [`inspect`] applies the strict rules of §4.1 to every header of the tree and returns
//! the [`FirmwareImage`] with a [`VerificationReport`]; [`tree::walk_qfu`] is the
//! `qmi-firmware-update`-compatible mode of §4.2, kept to compare with that tool (§5).
//!
//! The whole file is one unit for the QDL download (§9: the top header travels in the
//! open request, everything after it in the writes), so the image has exactly one
//! [`Partition`]: the top-level image.
//!
//! Check ids: `sha256`, `expected-sha256`, `cwe-header`, `file-size`, `image-size`,
//! `header-strings`, `header-revision`, `image-type`, `product-type`, `psb-crc`,
//! `image-crc`, `image-options`, `appl-signature`, `nesting`; the fit with the connected
//! module ([`check_fit`]): `fits-module`.

pub mod header;
pub mod tree;
mod version;

use self::header::{CweHeader, HDR_REV, HEADER_LEN, JAMCRC, OPT_COMPRESS, OPT_ENCRYPT};
use self::tree::{CweNode, NestingFault};
use super::report::{grouped, Check, VerificationReport};
use super::source::{ByteSource, ChunkedReader, SourceError, CHUNK};
use super::{
    Compression, Family, FirmwareImage, InspectOptions, Inspection, Layout, Partition, Sha256Digest, TargetFacts,
};
use crate::at::identity::Identity;

pub use version::{infer_versions, InferredVersions};

/// Whether `src` looks like a CWE file, for [`super::inspect`]'s dispatch: at least one
/// header long, and its top header has a valid `psb_crc` or a known image type (so a
/// file with a damaged PSB is still reported as a damaged CWE file).
pub async fn recognise<S: ByteSource + ?Sized>(src: &mut S) -> Result<bool, SourceError> {
    if src.len() < HEADER_LEN as u64 {
        return Ok(false);
    }
    let top = tree::read_header(src, 0).await?;
    Ok(top.psb_crc_ok() || top.type_known())
}

/// The journal key ([`Partition::code`]) of a CWE image: its four-character image type
/// read as a big-endian number (`SPKG` = `0x53504B47`), as Sierra's code compares
/// types (§1). A file has one top-level image, so the type alone is stable.
pub fn partition_code(header: &CweHeader) -> u32 {
    u32::from_be_bytes(header.image_type)
}

/// Inspects a `.cwe`, `.nvu` or `.spk` file in strict mode (§4.1 rules 1–7; rule 8, the
/// product match, is [`check_fit`] once a module is connected).
pub async fn inspect<S: ByteSource + ?Sized>(src: &mut S, options: &InspectOptions) -> Result<Inspection, SourceError> {
    let mut report = VerificationReport::new();
    let sha256 = Sha256Digest::record(src, options.expected_sha256.as_ref(), &mut report).await?;
    let len = src.len();
    let mut image = FirmwareImage {
        family: Family::SierraCwe,
        layout: Layout::File { starts_at: 0 },
        size: len,
        sha256: Some(sha256),
        target: TargetFacts::default(),
        signature: None,
        partitions: Vec::new(),
        loader: None,
    };
    if len < HEADER_LEN as u64 {
        report.push(Check::fail(
            "cwe-header",
            format!(
                "The file has {len} bytes, fewer than one {HEADER_LEN}-byte Sierra CWE header: it is not Sierra \
                 firmware or is badly truncated. Download it again, or choose the .cwe, .nvu or .spk file."
            ),
        ));
        return Ok(Inspection { image, report });
    }
    report.push(Check::pass("cwe-header", "The file is Sierra Wireless CWE firmware."));
    let (nodes, faults) = tree::walk_strict(src).await?;
    let top = &nodes[0];
    report.push(file_size_check(top, len));
    let mut findings = Findings::default();
    for node in &nodes {
        node_checks(src, node, len, &mut findings).await?;
    }
    findings.into_report(nodes.len(), &mut report);
    report.push(nesting_check(&nodes, &faults));

    image.target = target(&nodes);
    image.partitions.push(Partition {
        index: 0,
        code: Some(partition_code(&top.header)),
        name: top.header.type_text(),
        source: 0,
        offset: 0,
        stored_size: len,
        flashed_size: (top.end() == len).then_some(len),
        compression: Compression::None,
        version: Some(top.header.version_text()).filter(|v| !v.is_empty()),
        built: Some(top.header.date_text()).filter(|d| !d.is_empty()),
    });
    Ok(Inspection { image, report })
}

/// The tree of images of a CWE file as the strict walk finds it, in pre-order, for
/// `modemflash inspect`'s tree view. Empty when the file is shorter than one header.
pub async fn images<S: ByteSource + ?Sized>(src: &mut S) -> Result<Vec<CweNode>, SourceError> {
    if src.len() < HEADER_LEN as u64 {
        return Ok(Vec::new());
    }
    Ok(tree::walk_strict(src).await?.0)
}

/// §4.1 rule 1 at the top: the file is the header plus exactly `image_sz` bytes.
fn file_size_check(top: &CweNode, len: u64) -> Check {
    let expected = top.end();
    if expected == len {
        Check::pass("file-size", format!("The file has the {} bytes its header announces.", grouped(len)))
    } else if expected > len {
        Check::fail(
            "file-size",
            format!(
                "The file is truncated: its header announces {} bytes, the file has {}. Download it again.",
                grouped(expected),
                grouped(len)
            ),
        )
    } else {
        Check::fail(
            "file-size",
            format!(
                "The file has {} bytes after the {} its header announces: something was appended to the firmware. \
                 Download it again.",
                grouped(len - expected),
                grouped(expected)
            ),
        )
    }
}

/// Per-check failures over every image, so a tree of 20 images gives one line per
/// check that passed everywhere and one per failure.
#[derive(Default)]
struct Findings {
    failures: Vec<(usize, Check)>,
}

/// Order and "all passed" sentences (one image, several images) of the per-image checks.
const PER_IMAGE: [(&str, &str, &str); 9] = [
    ("image-size", "announces a size that is not zero", "announce a size that is not zero"),
    (
        "header-strings",
        "has readable type, product, version and date fields",
        "have readable type, product, version and date fields",
    ),
    ("header-revision", "has header revision 3", "have header revision 3"),
    ("image-type", "has an image type Sierra modules know", "have an image type Sierra modules know"),
    ("product-type", "names a product of four printable characters", "name a product of four printable characters"),
    ("psb-crc", "has a correct header checksum (PSB CRC)", "have a correct header checksum (PSB CRC)"),
    ("image-crc", "has a correct data checksum (image CRC)", "have a correct data checksum (image CRC)"),
    ("image-options", "is neither compressed nor encrypted", "are neither compressed nor encrypted"),
    (
        "appl-signature",
        "carries the application signature 1 if it is an APPL image",
        "carry the application signature 1 where they are APPL images",
    ),
];

impl Findings {
    fn fail(&mut self, id: &'static str, sentence: String) {
        let order = PER_IMAGE.iter().position(|(i, ..)| *i == id).unwrap_or(PER_IMAGE.len());
        self.failures.push((order, Check::fail(id, sentence)));
    }

    /// Every per-image check concerns the file's one partition (the top image and all
    /// it nests).
    fn into_report(mut self, images: usize, report: &mut VerificationReport) {
        self.failures.sort_by_key(|(order, _)| *order);
        for (id, one, all) in PER_IMAGE {
            let failed: Vec<_> = self.failures.iter().filter(|(_, c)| c.id == id).map(|(_, c)| c.clone()).collect();
            if failed.is_empty() {
                let sentence =
                    if images == 1 { format!("The image {one}.") } else { format!("All {images} images {all}.") };
                report.push(Check::pass(id, sentence).on_partition(0));
            } else {
                failed.into_iter().for_each(|c| report.push(c.on_partition(0)));
            }
        }
    }
}

/// How the report names one image: `image 0.1 (APPL)`.
fn label(node: &CweNode) -> String {
    format!("image {} ({})", node.id(), node.header.type_text().escape_debug())
}

/// §4.1 rules 1–5 and 7 for one header, and the image CRC over its bytes.
async fn node_checks<S: ByteSource + ?Sized>(
    src: &mut S,
    node: &CweNode,
    len: u64,
    findings: &mut Findings,
) -> Result<(), SourceError> {
    let h = &node.header;
    let who = label(node);
    const DAMAGED: &str = "The file is damaged or was altered. Download it again.";
    if h.image_sz == 0 {
        findings.fail("image-size", format!("The header of {who} announces no data at all. {DAMAGED}"));
    }
    if !h.strings_ok() {
        findings.fail(
            "header-strings",
            format!("The type, product, version or date field of {who} holds unreadable bytes. {DAMAGED}"),
        );
    }
    if h.hdr_rev != HDR_REV {
        findings.fail(
            "header-revision",
            format!(
                "{who} has header revision {}, Sierra modules accept only {HDR_REV}. The file is damaged or for an \
                 older module generation.",
                h.hdr_rev
            ),
        );
    }
    if !h.type_known() {
        findings.fail("image-type", format!("{who} has an image type no Sierra module knows. {DAMAGED}"));
    }
    if !h.product_printable() {
        findings.fail("product-type", format!("The product type of {who} is not four printable characters. {DAMAGED}"));
    }
    if !h.psb_crc_ok() {
        findings.fail(
            "psb-crc",
            format!(
                "The header checksum of {who} is wrong (stored {:08X}, computed {:08X}). {DAMAGED}",
                h.psb_crc,
                JAMCRC.checksum(&h.psb)
            ),
        );
    }
    if h.misc_opts & (OPT_COMPRESS | OPT_ENCRYPT) != 0 {
        findings.fail(
            "image-options",
            format!(
                "{who} is marked {}; Sierra's boot loaders refuse such images. Use an uncompressed, unencrypted \
                 firmware file.",
                if h.misc_opts & OPT_COMPRESS != 0 { "compressed" } else { "encrypted" }
            ),
        );
    }
    if &h.image_type == b"APPL" && h.signature != 1 {
        findings.fail(
            "appl-signature",
            format!(
                "{who} carries application signature {:#010x}; modules accept APPL images only with 1. {DAMAGED}",
                h.signature
            ),
        );
    }
    if h.misc_opts & OPT_COMPRESS == 0 && h.image_sz > 0 && node.end() > len {
        findings.fail(
            "image-crc",
            format!("The data checksum of {who} cannot be checked: the file ends before its data does. {DAMAGED}"),
        );
    } else if h.misc_opts & OPT_COMPRESS == 0 && h.image_sz > 0 {
        let computed = image_crc(src, node).await?;
        if computed != h.image_crc {
            findings.fail(
                "image-crc",
                format!(
                    "The data checksum of {who} is wrong (stored {:08X}, computed {computed:08X}): its {} bytes are \
                     damaged. {DAMAGED}",
                    h.image_crc,
                    grouped(u64::from(h.image_sz))
                ),
            );
        }
    }
    Ok(())
}

/// CRC-32/JAMCRC of an image's `image_sz` bytes, streamed.
async fn image_crc<S: ByteSource + ?Sized>(src: &mut S, node: &CweNode) -> Result<u32, SourceError> {
    let mut reader = ChunkedReader::new(node.payload_at(), u64::from(node.header.image_sz));
    let mut digest = JAMCRC.digest();
    loop {
        let piece = reader.next(src, CHUNK).await?;
        if piece.is_empty() {
            return Ok(digest.finalize());
        }
        digest.update(piece);
    }
}

/// §4.1 rule 6 as one check.
fn nesting_check(nodes: &[CweNode], faults: &[NestingFault]) -> Check {
    let Some(fault) = faults.first() else {
        let nested = nodes.len() - 1;
        return Check::pass(
            "nesting",
            match nested {
                0 => "The image holds no nested images.".to_string(),
                1 => "The one nested image fills its container exactly.".to_string(),
                n => format!("All {n} nested images fill their containers exactly."),
            },
        );
    };
    let sentence = match fault {
        NestingFault::CrossesParent { child, end, parent_end } => format!(
            "Nested image {child} runs to byte {}, past the end of its container at byte {}.",
            grouped(*end),
            grouped(*parent_end)
        ),
        NestingFault::Leftover { parent, at, len } => format!(
            "Image {parent} holds {} bytes at byte {} that are not a nested image.",
            grouped(*len),
            grouped(*at)
        ),
        NestingFault::TooMany => format!("The file nests more than {} images.", tree::MAX_IMAGES),
    };
    Check::fail("nesting", format!("{sentence} The file is damaged or was altered. Download it again."))
}

/// What the top image says about the module it is for.
fn target(nodes: &[CweNode]) -> TargetFacts {
    let top = &nodes[0].header;
    let versions = infer_versions(nodes);
    let product = top.product_text();
    TargetFacts {
        platform: (!product.is_empty()).then_some(product),
        product: None,
        version: versions.firmware,
        content: Some(content(nodes).to_string()),
    }
}

/// What the file updates, in words (§2 "Containers", §2 file extensions).
fn content(nodes: &[CweNode]) -> &'static str {
    let has = |t: &[u8; 4]| nodes.iter().any(|n| &n.header.image_type == t);
    let firmware = has(b"BOOT") || has(b"APPL") || has(b"MODM") || has(b"SYST") || has(b"AMSS");
    match (firmware, has(b"NVUP")) {
        (true, true) => "firmware and carrier configuration",
        (true, false) => "firmware",
        (false, true) => "carrier configuration",
        (false, false) => "other module data",
    }
}

/// The product type a Sierra module reports in its firmware revision: `SWI9X30C_02.24…`
/// names `9X30` (the build-string shape of §2; reading: `ATI`/`+CGMR` carry it).
pub fn module_product(revision: &str) -> Option<&str> {
    let rest = revision.trim().strip_prefix("SWI")?;
    rest.get(..4).filter(|p| p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// §4.1 rule 8: whether the image's product type is the connected module's, compared
/// case-insensitively (a real `9x30` NVUP installs on 9X30 modules, §1).
pub fn check_fit(target: &TargetFacts, identity: &Identity) -> Check {
    let Some(module) = module_product(&identity.revision) else {
        return Check::warn(
            "fits-module",
            format!(
                "The module's firmware revision \"{}\" does not name its product, so the firmware's product could \
                 not be compared with it. Make sure the file is meant for the {}.",
                identity.revision, identity.model
            ),
        );
    };
    match target.platform.as_deref() {
        Some(product) if product.eq_ignore_ascii_case(module) => {
            Check::pass("fits-module", format!("The firmware is for {product} modules, like the connected {}.", identity.model))
        }
        Some(product) => Check::fail(
            "fits-module",
            format!(
                "The firmware is for {product} modules, the connected {} is a {module} module. Choose the firmware made \
                 for this module.",
                identity.model
            ),
        ),
        None => Check::fail(
            "fits-module",
            "The firmware does not name the product it is for, so it cannot be matched with the module. Choose \
             another file.",
        ),
    }
}

/// Whether the revision a module reports after the update is the firmware version the
/// image installs: the `_NN.NN.NN.NN` of §4.2 step 6 in both.
pub fn same_version(expected: &str, reported: &str) -> bool {
    let reported = format!("_{}", reported.trim());
    version::firmware_version(&reported).is_some_and(|(found, _)| found.eq_ignore_ascii_case(expected.trim()))
}
