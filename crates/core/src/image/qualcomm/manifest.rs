//! The optional `manifest.json` of a Qualcomm package (docs/qualcomm-package.md).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::image::Sha256Digest;

/// The file name of the manifest inside a package.
pub const MANIFEST_NAME: &str = "manifest.json";

/// The `format` value of this manifest.
pub const FORMAT: &str = "modemflash-qualcomm-package/1";

/// Largest manifest read [inferred: a few hundred bytes per file].
pub const MAX_MANIFEST: u64 = 64 * 1024;

/// What the manifest says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Models the package fits (`+CGMM`), e.g. `["MF626", "MF636"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    /// The firmware version the package installs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The programmer's load address, as `0x…` hex text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_address: Option<String>,
    /// SHA-256 of every other file of the package, by file name, as hex text.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// Parses the manifest text.
    pub fn parse(text: &[u8]) -> Result<Manifest, String> {
        // From text, as the page parses its translations: one JSON reader in the wasm.
        let text = std::str::from_utf8(text).map_err(|_| "it is not UTF-8 text".to_string())?;
        let m: Manifest = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if m.format != FORMAT {
            return Err(format!("its format is {:?}, expected {FORMAT:?}", m.format));
        }
        Ok(m)
    }

    /// The manifest as written by `modemflash pack`: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The load address, when given and readable.
    pub fn load_address(&self) -> Option<Result<u32, String>> {
        let text = self.load_address.as_deref()?;
        let hex = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")).unwrap_or(text);
        Some(u32::from_str_radix(hex, 16).map_err(|_| format!("load_address {text:?} is not a hex address")))
    }

    /// The expected digest of `file`: `None` when not listed, `Err` when unreadable.
    pub fn digest(&self, file: &str) -> Option<Result<Sha256Digest, String>> {
        let text = self.files.get(file)?;
        Some(text.parse().map_err(|e| format!("{e}")))
    }
}
