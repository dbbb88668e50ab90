//! The versions a CWE file installs, inferred from version strings as
//! `qmi-firmware-update` does (specs/sierra-cwe-qdl.md §4.2 step 6).

use super::tree::CweNode;

/// What the version strings say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InferredVersions {
    /// Firmware version `NN.NN.NN.NN`.
    pub firmware: Option<String>,
    /// Carrier configuration version `NNN.NNN_NNN`.
    pub config: Option<String>,
    /// Carrier name.
    pub carrier: Option<String>,
}

/// §4.2 step 6 over the tree: the top header's version, then `BOOT` sub-images
/// (firmware version only), then `NVUP` sub-images; each field from the first source
/// that has it (reading: the spec lists the order, not how partial results combine).
/// The tool's second source, the file name, is not known to a byte source.
pub fn infer_versions(nodes: &[CweNode]) -> InferredVersions {
    let mut out = InferredVersions::default();
    let Some(top) = nodes.first() else { return out };
    let mut merge = |text: String, with_carrier: bool| {
        let Some((firmware, rest)) = firmware_version(&text) else { return };
        out.firmware.get_or_insert_with(|| firmware.to_string());
        if with_carrier && out.config.is_none() {
            if let Some((carrier, config)) = carrier_and_config(rest) {
                out.carrier = Some(carrier.to_string());
                out.config = Some(config.to_string());
            }
        }
    };
    merge(top.header.version_text(), true);
    for node in &nodes[1..] {
        match &node.header.image_type {
            b"BOOT" => merge(node.header.version_text(), false),
            b"NVUP" => merge(node.header.version_text(), true),
            _ => {}
        }
    }
    out
}

/// The last `_NN.NN.NN.NN` in `text`: the version and the text after it.
pub fn firmware_version(text: &str) -> Option<(&str, &str)> {
    let b = text.as_bytes();
    (0..b.len()).rev().find_map(|i| {
        let candidate = b.get(i + 1..i + 12)?;
        let shape = candidate.iter().enumerate().all(|(k, c)| if k % 3 == 2 { *c == b'.' } else { c.is_ascii_digit() });
        (b[i] == b'_' && shape).then(|| (&text[i + 1..i + 12], &text[i + 12..]))
    })
}

/// The first `_<letters or '->_<NNN.NNN_NNN>` in `text`.
fn carrier_and_config(text: &str) -> Option<(&str, &str)> {
    let b = text.as_bytes();
    (0..b.len()).find_map(|i| {
        if b[i] != b'_' {
            return None;
        }
        let len = b[i + 1..].iter().take_while(|c| c.is_ascii_alphabetic() || **c == b'-').count();
        let config_at = i + 2 + len;
        let config = b.get(config_at..config_at + 11)?;
        let shape = config.iter().enumerate().all(|(k, c)| match k {
            3 => *c == b'.',
            7 => *c == b'_',
            _ => c.is_ascii_digit(),
        });
        (len > 0 && b[i + 1 + len] == b'_' && shape)
            .then(|| (&text[i + 1..i + 1 + len], &text[config_at..config_at + 11]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_strings_give_firmware_carrier_and_config() {
        let text = "9999999_9902574_SWI9X15C_05.05.66.00_00_GENNA-UMTS_005.028_000";
        let (firmware, rest) = firmware_version(text).unwrap();
        assert_eq!(firmware, "05.05.66.00");
        assert_eq!(carrier_and_config(rest), Some(("GENNA-UMTS", "005.028_000")));
    }

    #[test]
    fn build_strings_give_only_the_firmware_version() {
        let text = "SWI9X15C_05.05.58.00 r00000 test 2015/06/10 00:00:00";
        let (firmware, rest) = firmware_version(text).unwrap();
        assert_eq!(firmware, "05.05.58.00");
        assert_eq!(carrier_and_config(rest), None);
        assert_eq!(firmware_version("no version here"), None);
        assert_eq!(firmware_version("_05.05.5"), None);
    }
}
