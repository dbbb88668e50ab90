//! Which mode a dongle is in, from its USB id and its interfaces' classes
//! (specs/huawei-balong.md §13, web-platform.md §5.1).
//!
//! The id alone usually decides, but not always: an E169/E220 keeps its id when it
//! leaves CD-ROM mode and only its interface classes change (§13.3). A device whose
//! interfaces are all Mass Storage is in CD-ROM mode whatever its id says.

use super::catalogue::{self, Mode};
use super::{mode_switch, UsbId};

/// USB class 0x08, Mass Storage: protected in WebUSB (web-platform.md §5.1).
pub const MASS_STORAGE: u8 = 0x08;

/// USB class 0xFF, vendor specific: the modem, download and boot ports (§13.2).
pub const VENDOR_SPECIFIC: u8 = 0xff;

/// USB class 0x02, CDC communications (some download ports, cdc_acm modems).
pub const CDC: u8 = 0x02;

/// The mode of a device showing `id` with interfaces of `classes` (in interface order;
/// empty when the transport cannot see them, as Web Serial cannot).
pub fn mode(id: UsbId, classes: &[u8]) -> Option<Mode> {
    let storage_only = !classes.is_empty() && classes.iter().all(|&c| c == MASS_STORAGE);
    if storage_only && (id.vendor().is_some() || catalogue::lookup(id).next().is_some()) {
        return Some(Mode::ZeroCd);
    }
    let mut rows = catalogue::lookup(id).map(|e| e.mode);
    if classes.is_empty() {
        let first = rows.next()?;
        return rows.all(|m| m == first).then_some(first);
    }
    // Not storage-only: whatever CD-ROM rows the id has, it has left that mode.
    let mut modes = rows.filter(|&m| m != Mode::ZeroCd);
    match modes.next() {
        Some(first) => modes.all(|m| m == first).then_some(first),
        None => mode_switch::lookup(id).filter(|s| s.targets.contains(&id)).map(|_| Mode::Normal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_only_interfaces_mean_cd_rom_mode() {
        assert_eq!(mode(UsbId::new(0x12d1, 0x1f01), &[MASS_STORAGE]), Some(Mode::ZeroCd));
        assert_eq!(mode(UsbId::new(0x12d1, 0x1f01), &[]), Some(Mode::ZeroCd));
        // An unknown product id of a modem vendor showing only storage: a ZeroCD dongle.
        assert_eq!(mode(UsbId::new(0x12d1, 0x9999), &[MASS_STORAGE, MASS_STORAGE]), Some(Mode::ZeroCd));
        // A USB stick of another vendor is not a modem.
        assert_eq!(mode(UsbId::new(0x0781, 0x5567), &[MASS_STORAGE]), None);
    }

    #[test]
    fn a_huawei_mode_stick_keeps_its_id_and_changes_its_classes() {
        let e220 = UsbId::new(0x12d1, 0x1003);
        assert_eq!(mode(e220, &[MASS_STORAGE]), Some(Mode::ZeroCd));
        assert_eq!(mode(e220, &[VENDOR_SPECIFIC, VENDOR_SPECIFIC, MASS_STORAGE]), Some(Mode::Normal));
    }

    #[test]
    fn vendor_interfaces_follow_the_catalogue() {
        assert_eq!(mode(UsbId::new(0x12d1, 0x1506), &[VENDOR_SPECIFIC; 3]), Some(Mode::Normal));
        assert_eq!(mode(UsbId::new(0x12d1, 0x1c05), &[VENDOR_SPECIFIC; 3]), Some(Mode::Download));
        assert_eq!(mode(UsbId::new(0x12d1, 0x1443), &[VENDOR_SPECIFIC]), Some(Mode::BootRom));
        assert_eq!(mode(UsbId::new(0x05c6, 0x9008), &[VENDOR_SPECIFIC]), Some(Mode::Download));
        assert_eq!(mode(UsbId::new(0x12d1, 0x1234), &[VENDOR_SPECIFIC]), None);
    }
}
