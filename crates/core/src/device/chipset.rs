//! Which chipset a dongle is built on, where it can be known: from the firmware's own
//! build string, from a model the specs place on a chipset, or from a USB id the
//! catalogue ties to one product family. The flash protocol follows from it (Balong
//! dload, Qualcomm DMSS + streaming, Sierra QDL), and a support desk asks for it.
//!
//! What cannot be known is not guessed: a HELLO's flash id names the NAND part, not
//! the chipset, and PARAM_RESP's model byte has no published meaning
//! (specs/qualcomm-dload.md §3.1, §4.2), so download mode tells the chipset only by
//! its USB id.

use serde::Serialize;

use super::UsbId;
use crate::at::identity::Identity;

/// A chipset or chipset family, and how it was told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Chipset {
    /// e.g. `Qualcomm MDM9x30`, `Huawei Balong V7 (V7R1/V7R2/V7R11/V7R22 class)`.
    pub name: String,
    /// Where the name comes from.
    pub from: ChipsetSource,
}

/// How a chipset was told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChipsetSource {
    /// The firmware's build string names it (Sierra `SWI9X30C_…`, sierra-cwe-qdl.md §2).
    BuildString,
    /// The model is one the specs place on it.
    Model,
    /// The USB id belongs to a product family built on it.
    UsbId,
}

/// Huawei Balong sticks (specs/huawei-balong.md: the V7R1/V7R2/V7R11/V7R22 class).
const BALONG_V7: &str = "Huawei Balong V7 (V7R1/V7R2/V7R11/V7R22 class)";

/// ZTE MF-series HSPA sticks (specs/qualcomm-dload.md §5.1).
const ZTE_HSPA: &str = "Qualcomm MSM62xx/MSM72xx/MDM8200 class";

/// Qualcomm-based HSPA sticks of other vendors (specs/qualcomm-dload.md §5.2–§5.4): the
/// spec's class, no single chip [inferred per vendor from the DMSS path they share].
const QUALCOMM_HSPA: &str = "Qualcomm MSM/QSC/MDM (HSPA class)";

/// Models the specs place on a chipset: Huawei's Qualcomm-era sticks, not Balong
/// (specs/qualcomm-dload.md §5.4), matched by the start of `+CGMM`.
const BY_MODEL: &[(&str, &str)] = &[("E1550", QUALCOMM_HSPA), ("E173", QUALCOMM_HSPA), ("E1750", QUALCOMM_HSPA)];

/// USB ids of product families built on one chipset (device::catalogue's rows).
const BY_USB_ID: &[(UsbId, &str)] = &[
    (UsbId::new(0x12d1, 0x1f01), BALONG_V7),
    (UsbId::new(0x12d1, 0x1506), BALONG_V7),
    (UsbId::new(0x12d1, 0x1c05), BALONG_V7),
    (UsbId::new(0x12d1, 0x1442), BALONG_V7),
    (UsbId::new(0x12d1, 0x1443), BALONG_V7),
    (UsbId::new(0x1199, 0x9071), "Qualcomm MDM9x30"),
    (UsbId::new(0x1199, 0x9070), "Qualcomm MDM9x30"),
    (UsbId::new(0x1199, 0x68a2), "Qualcomm MDM9x15"),
    (UsbId::new(0x19d2, 0x2000), ZTE_HSPA),
    (UsbId::new(0x19d2, 0x0031), ZTE_HSPA),
    (UsbId::new(0x19d2, 0x0016), ZTE_HSPA),
    (UsbId::new(0x19d2, 0x0076), ZTE_HSPA),
    (UsbId::new(0x1bbb, 0xf000), QUALCOMM_HSPA),
    (UsbId::new(0x1bbb, 0x0000), QUALCOMM_HSPA),
    (UsbId::new(0x1c9e, 0x6061), QUALCOMM_HSPA),
    (UsbId::new(0x1410, 0x5010), QUALCOMM_HSPA),
    (UsbId::new(0x1410, 0x4100), QUALCOMM_HSPA),
    (UsbId::new(0x1410, 0x4400), QUALCOMM_HSPA),
    (UsbId::new(0x1410, 0x7030), QUALCOMM_HSPA),
];

/// The chipset of a modem identified over AT: its build string first, then its model,
/// then its USB id.
pub fn of_modem(usb: Option<UsbId>, identity: &Identity) -> Option<Chipset> {
    from_build_string(&identity.revision)
        .map(|name| Chipset { name, from: ChipsetSource::BuildString })
        .or_else(|| {
            let model = identity.model.trim().to_ascii_uppercase();
            BY_MODEL
                .iter()
                .find(|(prefix, _)| model.starts_with(prefix))
                .map(|(_, name)| Chipset { name: (*name).into(), from: ChipsetSource::Model })
        })
        // 12d1:1c05 is also the E173s's modem id (huawei-balong.md §13.1): the model
        // above has told those apart.
        .or_else(|| of_usb_id(usb?))
}

/// The chipset a USB id stands for (a port in download mode, or one that does not
/// answer AT).
pub fn of_usb_id(usb: UsbId) -> Option<Chipset> {
    BY_USB_ID
        .iter()
        .find(|(id, _)| *id == usb)
        .map(|(_, name)| Chipset { name: (*name).into(), from: ChipsetSource::UsbId })
}

/// `SWI9X30C_02.24.05.06 …` → `Qualcomm MDM9x30`; `SWI9200…` → `Qualcomm MDM9200`
/// (the product codes of sierra-cwe-qdl.md §2: `9X15`, `9X30`, `9X40`, `9200`).
fn from_build_string(revision: &str) -> Option<String> {
    let code = revision.trim().strip_prefix("SWI")?.get(..4)?;
    let digits = code.bytes().filter(u8::is_ascii_digit).count();
    let valid =
        code.starts_with('9') && (digits == 4 || (digits == 3 && code.as_bytes()[1].eq_ignore_ascii_case(&b'X')));
    valid.then(|| format!("Qualcomm MDM{}", code.replace('X', "x")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(model: &str, revision: &str) -> Identity {
        Identity { manufacturer: "m".into(), model: model.into(), revision: revision.into(), ..Identity::default() }
    }

    #[test]
    fn a_sierra_build_string_names_the_chip() {
        let id = identity("MC7455", "SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09");
        let chip = of_modem(None, &id).unwrap();
        assert_eq!((chip.name.as_str(), chip.from), ("Qualcomm MDM9x30", ChipsetSource::BuildString));
        assert_eq!(from_build_string("SWI9200C_01"), Some("Qualcomm MDM9200".into()));
        assert_eq!(from_build_string("SWIXYZ"), None);
        assert_eq!(from_build_string("21.180.01.00.00"), None);
    }

    #[test]
    fn a_qualcomm_era_huawei_is_told_from_a_balong_by_its_model() {
        let e173 = of_modem(Some(UsbId::new(0x12d1, 0x1c05)), &identity("E173s-6", "11.126.85.00.209")).unwrap();
        assert_eq!((e173.name.as_str(), e173.from), (QUALCOMM_HSPA, ChipsetSource::Model));
        let e3372 = of_modem(Some(UsbId::new(0x12d1, 0x1506)), &identity("E3372", "22.315.01.00.00")).unwrap();
        assert_eq!((e3372.name.as_str(), e3372.from), (BALONG_V7, ChipsetSource::UsbId));
    }

    #[test]
    fn an_unknown_modem_has_no_chipset() {
        assert_eq!(of_modem(Some(UsbId::new(0x1234, 0x5678)), &identity("X", "1.0")), None);
        assert_eq!(of_modem(None, &identity("E3372", "22.315.01.00.00")), None);
    }
}
