//! Firmware manifests: what a vendor publishes so its support page can offer the right
//! update for the dongle a customer plugs in (issue 8; format in docs/manifest.md, schema
//! in docs/manifest.schema.json).
//!
//! A manifest names a product, the models it covers (USB ids and the identity strings
//! the dongle answers to `AT+CGMI`/`AT+CGMM`/`AT+CGMR`) and firmware builds (version,
//! release notes, family, file address or "bring your own file", size and SHA-256, the
//! models each fits). [`Manifest::parse`] reads and checks one; [`Manifest::pick`] chooses
//! the build for an identified dongle; [`FileCheck`] verifies the file as it streams in;
//! [`signature`] checks the vendor's Ed25519 signature over the manifest's exact bytes.

pub mod address;
pub mod document;
mod file_check;
mod pick;
pub mod signature;
pub mod version;

use std::collections::HashSet;
use std::str::FromStr;

use crate::device::UsbId;
use crate::image::{Family, Sha256Digest};

pub use document::Document;
pub use file_check::{FileCheck, FileMismatch};
pub use pick::{Dongle, NoBuild, Pick};

/// The manifest format version this reader understands.
pub const FORMAT_VERSION: u32 = 1;

/// The largest manifest read (1 MiB): a manifest lists builds, not firmware.
pub const MAX_MANIFEST_BYTES: usize = 1 << 20;

/// The largest firmware file a build may declare (4 GiB): more is a typo, and would not
/// fit in a dongle's flash anyway.
pub const MAX_FILE_SIZE: u64 = 4 << 30;

/// A checked manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The product's name.
    pub product: String,
    /// The models, in the manifest's order.
    pub models: Vec<Model>,
    /// The builds, in the manifest's order.
    pub builds: Vec<Build>,
}

/// A model the manifest covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    /// The id builds refer to.
    pub id: String,
    /// Its name for people.
    pub name: String,
    /// Its USB ids.
    pub usb_ids: Vec<UsbId>,
    /// `AT+CGMI`.
    pub manufacturer: String,
    /// `AT+CGMM`.
    pub model: String,
    /// The installed firmware the builds apply to (`*` wildcards), if restricted.
    pub firmware_pattern: Option<String>,
}

/// A firmware build on offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Build {
    /// The version it installs.
    pub version: String,
    /// What changed.
    pub release_notes: String,
    /// Its firmware family.
    pub family: Family,
    /// The file's name.
    pub file_name: String,
    /// Where to fetch it, resolved against the manifest's URL; `None`: the person brings it.
    pub url: Option<String>,
    /// The file's size in bytes.
    pub size: u64,
    /// The file's SHA-256.
    pub sha256: Sha256Digest,
    /// The ids of the models it fits.
    pub models: Vec<String>,
}

/// Why a manifest was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// Larger than [`MAX_MANIFEST_BYTES`].
    #[error("the manifest is {size} bytes, more than the {MAX_MANIFEST_BYTES} a manifest may have")]
    TooLarge {
        /// Its size.
        size: usize,
    },
    /// Not JSON of the manifest's shape; serde's message names the field and the line.
    #[error("the manifest is not in the manifest format: {0}")]
    Format(String),
    /// A field holds a value the format does not allow.
    #[error("the manifest's {field} {problem}")]
    Invalid {
        /// Where, as a path (`builds[1].sha256`).
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl ManifestError {
    /// What to do about it: the person at the computer cannot fix a vendor's file.
    pub fn next_step(&self) -> &'static str {
        "Tell the vendor whose page this is; meanwhile you can still choose a firmware file yourself."
    }

    fn invalid(field: impl Into<String>, problem: impl Into<String>) -> ManifestError {
        ManifestError::Invalid { field: field.into(), problem: problem.into() }
    }
}

impl Manifest {
    /// Reads the manifest `bytes` fetched from `url` (the base of relative file addresses)
    /// and checks every field.
    pub fn parse(bytes: &[u8], url: &str) -> Result<Manifest, ManifestError> {
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(ManifestError::TooLarge { size: bytes.len() });
        }
        let document: Document = serde_json::from_slice(bytes).map_err(|e| ManifestError::Format(e.to_string()))?;
        Manifest::from_document(document, url)
    }

    /// Checks a parsed document: format version, names, USB ids, sizes, hashes, addresses
    /// and the models each build names.
    pub fn from_document(document: Document, url: &str) -> Result<Manifest, ManifestError> {
        if document.manifest_version != FORMAT_VERSION {
            return Err(ManifestError::invalid(
                "manifest_version",
                format!("is {}, but this page reads version {FORMAT_VERSION}", document.manifest_version),
            ));
        }
        not_blank("product", &document.product)?;
        if document.models.is_empty() {
            return Err(ManifestError::invalid("models", "is empty: name at least one model"));
        }
        let mut ids = HashSet::new();
        let models = document
            .models
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let at = |field: &str| format!("models[{i}].{field}");
                not_blank(&at("id"), &m.id)?;
                if !ids.insert(m.id.clone()) {
                    return Err(ManifestError::invalid(at("id"), format!("{:?} is used by another model too", m.id)));
                }
                not_blank(&at("name"), &m.name)?;
                not_blank(&at("manufacturer"), &m.manufacturer)?;
                not_blank(&at("model"), &m.model)?;
                if m.usb_ids.is_empty() {
                    return Err(ManifestError::invalid(at("usb_ids"), "is empty: give the model's USB ids"));
                }
                let usb_ids = m
                    .usb_ids
                    .iter()
                    .enumerate()
                    .map(|(j, text)| {
                        parse_usb_id(text).ok_or_else(|| {
                            ManifestError::invalid(
                                format!("models[{i}].usb_ids[{j}]"),
                                format!("{text:?} is not a USB id like \"12d1:1506\" (four hex digits, colon, four)"),
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?;
                if let Some(pattern) = &m.firmware_pattern {
                    not_blank(&at("firmware_pattern"), pattern)?;
                }
                Ok(Model {
                    id: m.id,
                    name: m.name,
                    usb_ids,
                    manufacturer: m.manufacturer,
                    model: m.model,
                    firmware_pattern: m.firmware_pattern,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let builds = document
            .builds
            .into_iter()
            .enumerate()
            .map(|(i, b)| {
                let at = |field: &str| format!("builds[{i}].{field}");
                not_blank(&at("version"), &b.version)?;
                not_blank(&at("file_name"), &b.file_name)?;
                if b.file_name.contains(['/', '\\']) {
                    return Err(ManifestError::invalid(at("file_name"), "is a path: give the file's name only"));
                }
                if b.size == 0 || b.size > MAX_FILE_SIZE {
                    return Err(ManifestError::invalid(
                        at("size"),
                        format!("is {} bytes: a firmware file has between 1 and {MAX_FILE_SIZE}", b.size),
                    ));
                }
                let sha256 = parse_sha256(&b.sha256).ok_or_else(|| {
                    ManifestError::invalid(at("sha256"), "is not 64 lowercase or uppercase hexadecimal digits")
                })?;
                let url = b
                    .url
                    .as_deref()
                    .map(|reference| address::resolve(url, reference))
                    .transpose()
                    .map_err(|e| ManifestError::invalid(at("url"), format!("cannot be used: {e}")))?;
                if b.models.is_empty() {
                    return Err(ManifestError::invalid(at("models"), "is empty: name the models this build fits"));
                }
                if let Some(unknown) = b.models.iter().find(|id| !ids.contains(*id)) {
                    return Err(ManifestError::invalid(
                        at("models"),
                        format!("names {unknown:?}, which no model has as id"),
                    ));
                }
                Ok(Build {
                    version: b.version,
                    release_notes: b.release_notes,
                    family: b.family,
                    file_name: b.file_name,
                    url,
                    size: b.size,
                    sha256,
                    models: b.models,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if builds.is_empty() {
            return Err(ManifestError::invalid("builds", "is empty: offer at least one build"));
        }
        Ok(Manifest { product: document.product, models, builds })
    }
}

fn not_blank(field: &str, value: &str) -> Result<(), ManifestError> {
    if value.trim().is_empty() {
        Err(ManifestError::invalid(field, "is empty"))
    } else {
        Ok(())
    }
}

/// `12d1:1506`.
fn parse_usb_id(text: &str) -> Option<UsbId> {
    let (vid, pid) = text.split_once(':')?;
    let hex = |s: &str| (s.len() == 4).then(|| u16::from_str_radix(s, 16).ok()).flatten();
    Some(UsbId::new(hex(vid)?, hex(pid)?))
}

/// Exactly 64 hex digits: a manifest is written by a tool, so no spaces are forgiven.
fn parse_sha256(text: &str) -> Option<Sha256Digest> {
    (text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit())).then(|| Sha256Digest::from_str(text).ok())?
}
