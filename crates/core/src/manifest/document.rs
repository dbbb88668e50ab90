//! The manifest as a vendor writes it (docs/manifest.md, docs/manifest.schema.json): the
//! wire format, parsed with serde and nothing more. Unknown fields are refused, so a typo
//! (`sha265`) is an error naming the field rather than a silently missing check.
//! [`super::Manifest::parse`] turns it into checked values.

use serde::{Deserialize, Serialize};

use crate::image::Family;

/// The whole manifest document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The format's version; this reader knows 1.
    pub manifest_version: u32,
    /// What the vendor sells, shown as the page's heading ("Example Telecom E3372h").
    pub product: String,
    /// The dongles the builds are for.
    pub models: Vec<ModelDocument>,
    /// The firmware builds on offer.
    pub builds: Vec<BuildDocument>,
}

/// One dongle model, as the page recognises it once identified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelDocument {
    /// The name builds refer to it by (`"e3372h"`).
    pub id: String,
    /// Its name for people (`"Huawei E3372h-153"`).
    pub name: String,
    /// Its USB ids, `"12d1:1506"`, in any mode the page may meet it in.
    pub usb_ids: Vec<String>,
    /// What `AT+CGMI` answers (`"huawei"`), compared without case.
    pub manufacturer: String,
    /// What `AT+CGMM` answers (`"E3372"`), compared without case.
    pub model: String,
    /// The installed firmware (`AT+CGMR`) the model's builds apply to, with `*` for any
    /// run of characters (`"22.*"`); any firmware when absent.
    pub firmware_pattern: Option<String>,
}

/// One firmware build.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildDocument {
    /// The version the dongle reports once updated (`"22.333.01.00.00"`).
    pub version: String,
    /// What changed, shown before the person downloads it.
    pub release_notes: String,
    /// The firmware family (`huawei-balong`, `sierra-cwe`, `qualcomm-package`).
    pub family: Family,
    /// The file's name, as offered to the person and given to the downloaded file.
    pub file_name: String,
    /// Where the file is, absolute or relative to the manifest's own URL. Absent: the
    /// person brings the file (a vendor that may not redistribute it).
    pub url: Option<String>,
    /// The file's exact size in bytes.
    pub size: u64,
    /// The file's SHA-256, 64 hexadecimal digits.
    pub sha256: String,
    /// The ids of the models this build fits.
    pub models: Vec<String>,
}
