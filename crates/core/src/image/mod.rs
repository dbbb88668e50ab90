//! Firmware containers (DESIGN.md "image"): one module per family, each producing the
//! family-neutral [`FirmwareImage`] and a [`report::VerificationReport`] of every check.
//!
//! Files are read through a [`source::ByteSource`] in bounded chunks, never loaded
//! whole; checksums, hashes and decompression all stream. Garbage input yields failing
//! checks, never a panic, and no length field from the file is trusted for an
//! allocation.

pub mod balong;
pub mod cwe;
pub mod digest;
#[cfg(feature = "fs")]
pub mod file;
pub mod flashed;
pub mod folder;
pub mod qualcomm;
pub mod report;
pub mod selection;
pub mod source;
pub mod usbloader;

use serde::Serialize;

pub use digest::Sha256Digest;
pub use flashed::FlashedReader;
pub use folder::FolderFile;
pub use report::{Check, Outcome, VerificationReport};
pub use selection::{Piece, Selection};
pub use source::{ByteSource, Chain, SourceError};

/// What the user adds to the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InspectOptions {
    /// The SHA-256 published with the firmware, when the user entered one.
    pub expected_sha256: Option<Sha256Digest>,
}

/// Inspects one firmware file of any supported family, recognised by its content
/// (a family's module is tried when the file looks like one of its containers: a
/// Sierra CWE header at byte 0, [`cwe::recognise`]; the Balong container, found by
/// scanning for its magic, is the fallback, whose report says "not a firmware file"
/// when nothing matches).
pub async fn inspect<S: ByteSource + ?Sized>(src: &mut S, options: &InspectOptions) -> Result<Inspection, SourceError> {
    if cwe::recognise(src).await? {
        return cwe::inspect(src, options).await;
    }
    balong::inspect(src, options).await
}

/// Which family of dongles a firmware image is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Huawei Balong `.bin`/`.exe` (specs/huawei-balong.md §11).
    HuaweiBalong,
    /// Sierra Wireless `.cwe`/`.nvu`/`.spk` (specs/sierra-cwe-qdl.md §1–§4).
    SierraCwe,
    /// A Qualcomm package: programmer, partition table and partition images
    /// (docs/qualcomm-package.md, specs/qualcomm-dload.md §3, §4).
    QualcommPackage,
}

/// How the image is laid out on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Layout {
    /// One file. `starts_at` is where the firmware begins inside it: 0 for a plain
    /// firmware file, further in for firmware embedded in an updater program.
    File {
        /// Offset of the container in the file.
        starts_at: u64,
    },
    /// A folder with one file per partition.
    Folder,
}

/// How a partition's bytes are stored in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// Stored as flashed.
    None,
    /// zlib stream (RFC 1950); flashed unpacked.
    Zlib,
    /// LZMA-alone stream with an end marker; flashed unpacked.
    Lzma,
}

/// One partition of an image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Partition {
    /// Position in the image, from 0, in flashing order.
    pub index: usize,
    /// The family's numeric partition id (Balong partition code), where it has one.
    pub code: Option<u32>,
    /// Display name.
    pub name: String,
    /// Which file holds the bytes: 0 for one-file images, the position in the listing
    /// for folders.
    pub source: usize,
    /// Offset of the stored bytes in that file.
    pub offset: u64,
    /// Bytes stored in the file.
    pub stored_size: u64,
    /// Bytes written to the modem (after unpacking); `None` when they could not be
    /// determined because the partition is damaged.
    pub flashed_size: Option<u64>,
    /// How the bytes are stored.
    pub compression: Compression,
    /// Version text from the partition's header, if any.
    pub version: Option<String>,
    /// Build date and time from the partition's header, if any.
    pub built: Option<String>,
}

/// What the image says about the product it is for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TargetFacts {
    /// Hardware / platform identifier the image is meant for (Balong: the 8-byte
    /// "compatibility code" of the header).
    pub platform: Option<String>,
    /// Product named next to the version (Balong: `PRODUCT` in `:PRODUCT:VERSION`).
    pub product: Option<String>,
    /// The firmware version the image installs.
    pub version: Option<String>,
    /// What the image updates, in words (e.g. "firmware only").
    pub content: Option<String>,
}

/// A signature the modem checks while flashing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureFacts {
    /// The partition that carries it.
    pub partition: usize,
    /// Length of the signature block in bytes.
    pub length: u64,
    /// Hash of the public key, as uppercase hex.
    pub key_hash: String,
    /// The command that announces the signature to the modem before flashing, when the
    /// family needs one (Balong: `AT^SIGNVER=…`, sent without its CR).
    pub announce: Option<String>,
}

/// A parsed firmware image, whatever its family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FirmwareImage {
    /// The family it belongs to.
    pub family: Family,
    /// How it lies on disk.
    pub layout: Layout,
    /// Total bytes read (all files of a folder).
    pub size: u64,
    /// SHA-256 of the file, for one-file images.
    pub sha256: Option<Sha256Digest>,
    /// Which product it is for.
    pub target: TargetFacts,
    /// The signature the modem checks, if any.
    pub signature: Option<SignatureFacts>,
    /// The partitions, in flashing order.
    pub partitions: Vec<Partition>,
    /// What runs on the modem to write the partitions, for families that upload one
    /// first (a Qualcomm programmer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loader: Option<Loader>,
}

/// A programmer the modem's boot ROM loads into RAM before anything is written
/// (specs/qualcomm-dload.md §3.2), and the partition table sent before the first
/// partition (§4.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Loader {
    /// The programmer's file name (`.hex` files are Intel HEX).
    pub name: String,
    /// Where it is loaded and started.
    pub load_address: u32,
    /// Its size in RAM.
    pub size: u64,
    /// Where the programmer file lies.
    pub programmer: Span,
    /// Where the partition table lies.
    pub table: Span,
}

/// Bytes of one file of an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Which file (0 for one-file images, the position in the listing for folders).
    pub source: usize,
    /// Offset in that file.
    pub offset: u64,
    /// Length.
    pub size: u64,
}

/// The result of inspecting a file or folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inspection {
    /// What the image holds.
    pub image: FirmwareImage,
    /// Every check made; flash only if [`VerificationReport::passed`].
    pub report: VerificationReport,
}

impl Inspection {
    /// The inspection as the flasher reads it when the image's files are laid end to end
    /// in one source: every partition's and the loader's offsets counted from the start
    /// of the chain, where file `i` starts at `start_of(i)` (a one-file image is
    /// unchanged with `start_of(0) == 0`).
    pub fn chained(&self, start_of: impl Fn(usize) -> u64) -> Inspection {
        let mut inspection = self.clone();
        for partition in &mut inspection.image.partitions {
            partition.offset += start_of(partition.source);
            partition.source = 0;
        }
        if let Some(loader) = &mut inspection.image.loader {
            for span in [&mut loader.programmer, &mut loader.table] {
                span.offset += start_of(span.source);
                span.source = 0;
            }
        }
        inspection
    }
}

/// Why a partition's flashed bytes could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// The file could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The compressed data is damaged.
    #[error("partition {index} ({name}) could not be unpacked: {reason}")]
    Unpack {
        /// The partition's index.
        index: usize,
        /// Its name.
        name: String,
        /// The decompressor's words.
        reason: String,
    },
    /// The compressed data unpacks to more than any stick could hold.
    #[error("partition {index} ({name}) unpacks to more than {limit} bytes, more than a stick's flash holds")]
    TooLarge {
        /// The partition's index.
        index: usize,
        /// Its name.
        name: String,
        /// The limit, [`flashed::MAX_FLASHED_SIZE`].
        limit: u64,
    },
}

impl ImageError {
    /// What the person at the computer should do about it.
    pub fn next_step(&self) -> &'static str {
        match self {
            ImageError::Source(e) => e.next_step(),
            ImageError::Unpack { .. } | ImageError::TooLarge { .. } => {
                "The firmware file is damaged. Download it again, or choose another file."
            }
        }
    }
}
