//! The 92-byte file header before the first partition and its `dload_id`
//! (specs/huawei-balong.md §11.2).

use serde::Serialize;

use super::header::PREFIX_LEN;
use crate::image::report::Check;

/// Byte 0 of the file header: what the file updates, and whether it is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DloadId(pub u8);

impl DloadId {
    /// The highest value `balong_flash` accepts.
    pub const MAX: u8 = 0x0F;

    /// Bit 3: the file carries a signature (§11.4).
    pub fn says_signed(self) -> bool {
        self.0 & 0x08 != 0
    }

    /// Bits 0–2: the content type, also the first `^SIGNVER` parameter.
    pub fn content_type(self) -> u8 {
        self.0 & 0x07
    }

    /// The content type's name in Huawei's tools (`ONLY_FW`, …).
    pub fn type_name(self) -> &'static str {
        ["UNKNOWN", "ONLY_FW", "ONLY_ISO", "FW_ISO", "ONLY_WEBUI", "FW_WEBUI", "ISO_WEBUI", "FW_ISO_WEBUI"]
            [usize::from(self.content_type())]
    }

    /// The content type in words.
    pub fn description(self) -> &'static str {
        [
            "unknown content",
            "firmware only",
            "CD-ROM image only",
            "firmware and CD-ROM image",
            "web interface only",
            "firmware and web interface",
            "CD-ROM image and web interface",
            "firmware, CD-ROM image and web interface",
        ][usize::from(self.content_type())]
    }
}

/// Checks of the file header: the `dload_id` range (`file-type`) and the reserved bytes
/// 1–91, whose meaning is unknown (`file-header`, a warning when not zero).
pub fn checks(prefix: &[u8; PREFIX_LEN]) -> Vec<Check> {
    let id = DloadId(prefix[0]);
    let mut checks = vec![if id.0 > DloadId::MAX {
        Check::fail(
            "file-type",
            format!(
                "The file's type byte is {:#04x}; the highest known type is {:#04x}. The file is damaged or is not \
                 Huawei firmware.",
                id.0,
                DloadId::MAX
            ),
        )
    } else {
        Check::pass(
            "file-type",
            format!(
                "File type {:#04x}: {} ({}), {}.",
                id.0,
                id.description(),
                id.type_name(),
                if id.says_signed() { "marked as signed" } else { "not marked as signed" }
            ),
        )
    }];
    if let Some(at) = prefix[1..].iter().position(|&b| b != 0) {
        checks.push(Check::warn(
            "file-header",
            format!(
                "Bytes 1 to 91 of the file header are normally zero, but byte {} is not. Their meaning is unknown; \
                 the file may still be fine.",
                at + 1
            ),
        ));
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::report::Outcome;

    fn prefix(id: u8) -> [u8; PREFIX_LEN] {
        let mut p = [0; PREFIX_LEN];
        p[0] = id;
        p
    }

    #[test]
    fn type_byte_names_content_and_signature_flag() {
        let id = DloadId(0x0F);
        assert!(id.says_signed());
        assert_eq!((id.content_type(), id.type_name()), (7, "FW_ISO_WEBUI"));
        assert_eq!(DloadId(0x01).description(), "firmware only");
        let checks = checks(&prefix(0x09));
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].outcome, Outcome::Pass);
        assert!(checks[0].sentence.contains("firmware only (ONLY_FW), marked as signed"), "{}", checks[0].sentence);
    }

    #[test]
    fn type_byte_above_0x0f_fails() {
        assert_eq!(checks(&prefix(0x10))[0].outcome, Outcome::Fail);
    }

    #[test]
    fn non_zero_reserved_bytes_warn() {
        let mut p = prefix(1);
        p[40] = 0xAA;
        let checks = checks(&p);
        assert_eq!(checks[1].outcome, Outcome::Warn);
        assert!(checks[1].sentence.contains("byte 40"), "{}", checks[1].sentence);
    }
}
