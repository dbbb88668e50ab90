//! When the operating system holds a dongle's interface (specs/web-platform.md §5.2–§5.4,
//! §7.3): which driver it is on which system, and how to free the interface.
//!
//! WebUSB can claim an interface only when no kernel driver is bound to it. A claim that
//! fails with `NetworkError` ("Unable to claim interface") means a driver or another
//! program holds it; `SecurityError` ("Access denied") means no permission on the device
//! node (Linux) or the wrong driver (Windows).

use super::detect::{CDC, MASS_STORAGE};
use super::{PortRole, UsbId, Vendor};
use crate::preflight::Os;

/// The Linux kernel driver that binds an interface of `class` on `id` in `role`
/// (§5.2; huawei-balong.md §13.1: `option` binds Huawei vendor interfaces).
pub fn linux_driver(id: UsbId, class: u8, role: Option<PortRole>) -> &'static str {
    match (class, id.vendor(), role) {
        (MASS_STORAGE, _, _) => "usb-storage",
        (CDC, _, _) => "cdc_acm",
        (_, Some(Vendor::Qualcomm | Vendor::Sierra), _) => "qcserial",
        (_, Some(Vendor::Novatel), Some(PortRole::Download)) => "qcserial",
        _ => "option",
    }
}

/// Why an interface could not be claimed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    /// A kernel driver or another program holds the interface.
    #[error("interface {interface} of {id} is held by the {driver} driver or by another program")]
    HeldByDriver {
        /// The device.
        id: UsbId,
        /// The interface number.
        interface: u8,
        /// The driver that binds it on Linux (named on every system: it tells the kind).
        driver: &'static str,
        /// Where the browser runs.
        os: Os,
    },
    /// The browser may not open the device at all.
    #[error("access to {id} was denied")]
    AccessDenied {
        /// The device.
        id: UsbId,
        /// Where the browser runs.
        os: Os,
    },
    /// The interface is of a class browsers keep from pages (§5.1).
    #[error("interface {interface} of {id} is of a protected class ({class:#04x}) that web pages may not use")]
    Protected {
        /// The device.
        id: UsbId,
        /// The interface number.
        interface: u8,
        /// Its class.
        class: u8,
    },
}

impl ClaimError {
    /// What the person should do, on their system.
    pub fn next_step(&self) -> String {
        match *self {
            ClaimError::HeldByDriver { interface, driver, os, .. } => held_by_driver(interface, driver, os),
            ClaimError::AccessDenied { os: Os::Linux, .. } => "Linux lets the browser open USB devices only with a udev rule: add one for this modem (SUBSYSTEM==\"usb\", ATTR{idVendor}==\"…\", MODE=\"0660\", TAG+=\"uaccess\"), unplug the modem and plug it in again. Snap and Flatpak builds of Chromium cannot use WebUSB: use a browser installed from a package.".into(),
            ClaimError::AccessDenied { os: Os::Windows, .. } => "Windows gives the browser only devices bound to the WinUSB driver: bind WinUSB to this interface with Zadig, or use \"Connect modem\" (Web Serial) with the vendor's modem driver.".into(),
            ClaimError::AccessDenied { .. } => "Allow the page to use the device when the browser asks, close other tabs and programs that use the modem, then connect again.".into(),
            ClaimError::Protected { .. } => "The modem is still a virtual CD-ROM: it has to be switched to modem mode first.".into(),
        }
    }
}

/// Freeing an interface a driver holds, per system (§5.2–§5.4, §8.2).
fn held_by_driver(interface: u8, driver: &str, os: Os) -> String {
    match os {
        Os::Linux => format!(
            "On Linux the {driver} driver holds interface {interface}. Either use \"Connect modem\" (Web Serial works through that driver), or free the interface for USB: stop ModemManager (sudo systemctl stop ModemManager) and unbind the driver (for d in /sys/bus/usb/drivers/{driver}/*:1.{interface}; do echo -n \"${{d##*/}}\" | sudo tee /sys/bus/usb/drivers/{driver}/unbind; done), then connect over USB again."
        ),
        Os::Windows => format!(
            "On Windows the vendor's driver holds interface {interface}. Use \"Connect modem\" (Web Serial works through the driver's COM port), or bind WinUSB to \"Interface {interface}\" with Zadig (Options → List All Devices, choose the modem's interface {interface}, WinUSB, Replace Driver) and connect over USB again; the COM port is gone until the vendor driver is reinstalled."
        ),
        Os::ChromeOs => format!(
            "ChromeOS detaches USB serial drivers by itself, but not from a modem that also has a network interface: interface {interface} stays locked. Use \"Connect modem\" (Web Serial), or ask the administrator to add the modem to the \"USB detachable allowlist\" policy."
        ),
        Os::Android => format!(
            "Another app holds interface {interface}. Close apps that use USB modems and other tabs of this page, unplug the modem, plug it in, allow this page to use it and connect again."
        ),
        Os::MacOs | Os::Ios | Os::Other => format!(
            "A driver or another program holds interface {interface}. Quit the modem's dashboard software and other tabs of this page, or use \"Connect modem\" (Web Serial) through the vendor's driver."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_linux_driver_follows_vendor_class_and_role() {
        let huawei = UsbId::new(0x12d1, 0x1c05);
        assert_eq!(linux_driver(huawei, 0xff, Some(PortRole::Download)), "option");
        assert_eq!(linux_driver(UsbId::new(0x05c6, 0x9008), 0xff, Some(PortRole::Download)), "qcserial");
        assert_eq!(linux_driver(UsbId::new(0x1199, 0x9070), 0xff, Some(PortRole::Download)), "qcserial");
        assert_eq!(linux_driver(huawei, CDC, None), "cdc_acm");
        assert_eq!(linux_driver(UsbId::new(0x12d1, 0x1f01), MASS_STORAGE, None), "usb-storage");
    }

    #[test]
    fn a_held_interface_names_the_driver_and_the_fix_per_system() {
        let held = |os| ClaimError::HeldByDriver { id: UsbId::new(0x12d1, 0x1c05), interface: 2, driver: "option", os };
        let linux = held(Os::Linux).next_step();
        assert!(linux.contains("sudo systemctl stop ModemManager"), "{linux}");
        assert!(linux.contains("/sys/bus/usb/drivers/option/*:1.2"), "{linux}");
        assert!(held(Os::Windows).next_step().contains("Zadig"));
        assert!(held(Os::ChromeOs).next_step().contains("USB detachable allowlist"));
        assert!(held(Os::Android).next_step().contains("Close apps"));
        assert_eq!(
            held(Os::Linux).to_string(),
            "interface 2 of 12d1:1c05 is held by the option driver or by another program"
        );
    }
}
