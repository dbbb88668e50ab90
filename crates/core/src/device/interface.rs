//! Choosing the USB interface to claim for a port role (specs/web-platform.md §3.2, §5.1;
//! huawei-balong.md §13.1–§13.2), and the zero-length-packet rule of bulk OUT transfers.
//!
//! A transport that sees USB descriptors (WebUSB) picks the interface itself: the one
//! the catalogue names for the role, else the first vendor-specific interface with a
//! bulk IN/OUT pair. Protected classes (Mass Storage above all) are never offered to a
//! page, so a device showing only those is reported, not claimed.

use super::catalogue;
use super::detect::{CDC, MASS_STORAGE, VENDOR_SPECIFIC};
use super::{PortRole, UsbId};

/// Classes WebUSB refuses to claim (§5.1): audio, HID, mass storage, smart card, video,
/// audio/video, wireless controller.
pub const PROTECTED_CLASSES: [u8; 7] = [0x01, 0x03, MASS_STORAGE, 0x0b, 0x0e, 0x10, 0xe0];

/// CDC data interfaces carry a CDC-ACM port's bulk pair.
const CDC_DATA: u8 = 0x0a;

/// A bulk endpoint: its number and its maximum packet size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bulk {
    /// Endpoint number (1–15, without the direction bit).
    pub number: u8,
    /// `wMaxPacketSize`: 64 at full speed, 512 at high speed.
    pub packet_size: u32,
}

/// What the descriptors say about one interface (its current alternate setting).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterfaceInfo {
    /// `bInterfaceNumber`.
    pub number: u8,
    /// `bInterfaceClass`.
    pub class: u8,
    /// Its bulk IN endpoint, if any.
    pub bulk_in: Option<Bulk>,
    /// Its bulk OUT endpoint, if any.
    pub bulk_out: Option<Bulk>,
}

impl InterfaceInfo {
    fn serial_capable(&self) -> bool {
        matches!(self.class, VENDOR_SPECIFIC | CDC | CDC_DATA) && self.bulk_in.is_some() && self.bulk_out.is_some()
    }
}

/// Why no interface can be claimed for the role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoInterface {
    /// Only protected classes: a CD-ROM-mode dongle (the first such interface).
    OnlyProtected { number: u8, class: u8 },
    /// No vendor-specific interface with a bulk IN/OUT pair.
    NoBulkPair,
}

/// The interface to claim on `id` for `role`.
pub fn choose(id: UsbId, interfaces: &[InterfaceInfo], role: PortRole) -> Result<InterfaceInfo, NoInterface> {
    let known = catalogue::lookup(id).flat_map(|e| e.ports.iter()).find(|(_, r)| *r == role).map(|(n, _)| *n);
    let by_catalogue = known.and_then(|n| interfaces.iter().find(|i| i.number == n && i.serial_capable()));
    if let Some(found) = by_catalogue.or_else(|| interfaces.iter().find(|i| i.serial_capable())) {
        return Ok(*found);
    }
    match interfaces.iter().find(|i| PROTECTED_CLASSES.contains(&i.class)) {
        Some(i) if interfaces.iter().all(|i| PROTECTED_CLASSES.contains(&i.class)) => {
            Err(NoInterface::OnlyProtected { number: i.number, class: i.class })
        }
        _ => Err(NoInterface::NoBulkPair),
    }
}

/// Whether a bulk OUT transfer of `len` bytes must be followed by a zero-length packet:
/// a transfer that ends on a full packet does not tell the device it ended, so the
/// device would wait for more before it acts on the command.
pub fn needs_zlp(len: usize, packet_size: u32) -> bool {
    len > 0 && packet_size > 0 && len.is_multiple_of(packet_size as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendor(number: u8) -> InterfaceInfo {
        let bulk = Bulk { number: number + 1, packet_size: 512 };
        InterfaceInfo { number, class: VENDOR_SPECIFIC, bulk_in: Some(bulk), bulk_out: Some(bulk) }
    }

    #[test]
    fn the_catalogue_names_the_download_interface() {
        let balong = UsbId::new(0x12d1, 0x1c05);
        let all = [vendor(0), vendor(1), vendor(2)];
        assert_eq!(choose(balong, &all, PortRole::Download).unwrap().number, 2);
        let e3372h = UsbId::new(0x12d1, 0x1506);
        assert_eq!(choose(e3372h, &all, PortRole::Pcui).unwrap().number, 2);
        assert_eq!(choose(e3372h, &all, PortRole::Modem).unwrap().number, 0);
    }

    #[test]
    fn an_unknown_device_gets_its_first_vendor_interface_with_a_bulk_pair() {
        let no_in = InterfaceInfo { bulk_in: None, ..vendor(0) };
        let unknown = UsbId::new(0x12d1, 0x9999);
        assert_eq!(choose(unknown, &[no_in, vendor(3)], PortRole::Download).unwrap().number, 3);
        assert_eq!(choose(unknown, &[no_in], PortRole::Download), Err(NoInterface::NoBulkPair));
    }

    #[test]
    fn a_storage_only_device_is_reported_not_claimed() {
        let storage = InterfaceInfo { class: MASS_STORAGE, ..vendor(0) };
        assert_eq!(
            choose(UsbId::new(0x12d1, 0x1f01), &[storage], PortRole::Pcui),
            Err(NoInterface::OnlyProtected { number: 0, class: MASS_STORAGE })
        );
    }

    #[test]
    fn a_transfer_ending_on_a_full_packet_needs_a_zlp() {
        assert!(needs_zlp(512, 512));
        assert!(needs_zlp(1024, 512));
        assert!(needs_zlp(64, 64));
        assert!(!needs_zlp(511, 512));
        assert!(!needs_zlp(0, 512));
        assert!(!needs_zlp(513, 512));
    }
}
