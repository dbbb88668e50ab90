//! The WebUSB way in, as a view model (specs/web-platform.md §1, §5, §9): whether the
//! page offers it and why, and what a dongle found in CD-ROM mode needs. Pure and
//! native-tested; `components::usb_connect` renders it.

use modemflash_core::device::{catalogue, mode_switch, UsbId};
use modemflash_core::preflight::Os;

use crate::session::{describe_usb_in, Support};

impl Support {
    /// Why "Connect over USB" cannot be used, as a translation key.
    pub fn usb_blocked(&self) -> Option<&'static str> {
        if !self.secure_context {
            Some("connect.reason_insecure")
        } else if !self.web_usb {
            Some("usb.reason_no_usb")
        } else {
            None
        }
    }

    /// Said when the page falls back to WebUSB because Web Serial is missing (Chrome on
    /// Android, §1): the translation key.
    pub fn usb_fallback(&self) -> Option<&'static str> {
        (self.secure_context && self.web_usb && !self.web_serial).then_some("usb.fallback_no_serial")
    }
}

/// A dongle found in CD-ROM (ZeroCD) mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CdRomView {
    /// `12d1:1003 (Huawei, CD-ROM mode)`.
    pub usb: String,
    /// Which products show this id, when the catalogue knows it.
    pub products: Option<&'static str>,
    /// Whether the page may switch it itself (HuaweiMode: a device-recipient control
    /// request, no claim of the protected storage interface).
    pub can_switch: bool,
    /// Where the browser runs, for the operating system's part.
    pub os: Os,
}

impl CdRomView {
    /// The view of a CD-ROM-mode dongle showing `id`, on `os`.
    pub fn new(id: UsbId, os: Os) -> Self {
        CdRomView {
            usb: describe_usb_in(id, Some(catalogue::Mode::ZeroCd)),
            products: catalogue::lookup(id).next().map(|e| e.products),
            can_switch: mode_switch::lookup(id).and_then(|s| s.method.control_request()).is_some(),
            os,
        }
    }

    /// What the operating system must do, as a translation key (§5.1–§5.4: usb_modeswitch
    /// on Linux, the vendor's driver package on Windows, ChromeOS's `mist`).
    pub fn os_advice(&self) -> &'static str {
        match self.os {
            Os::Linux => "cdrom.linux",
            Os::Windows => "cdrom.windows",
            Os::ChromeOs => "cdrom.chromeos",
            Os::Android => "cdrom.android",
            Os::MacOs | Os::Ios | Os::Other => "cdrom.other",
        }
    }
}

/// What "Connect over USB" found that is not a device card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UsbFinding {
    /// A dongle in CD-ROM mode, and where its switch stands.
    CdRom {
        /// The dongle.
        view: CdRomView,
        /// The switch request's state.
        switch: SwitchState,
    },
}

/// The page's switch request to a CD-ROM-mode dongle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwitchState {
    /// Not sent.
    NotSent,
    /// On its way.
    Sending,
    /// Acknowledged: the dongle restarts as a modem.
    Switched,
    /// Stalled or failed.
    Refused,
}

impl SwitchState {
    /// The status line's translation key, once something was sent; a switched modem
    /// is connected through Web Serial where the browser has it, else over USB.
    pub fn message(self, web_serial: bool) -> Option<&'static str> {
        match self {
            SwitchState::NotSent => None,
            SwitchState::Sending => Some("cdrom.switching"),
            SwitchState::Switched if web_serial => Some("cdrom.switched"),
            SwitchState::Switched => Some("cdrom.switched_usb"),
            SwitchState::Refused => Some("cdrom.refused"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn usb_is_the_way_in_where_web_serial_is_missing() {
        let android = Support { web_serial: false, web_usb: true, secure_context: true };
        assert_eq!(android.problem(), None, "WebUSB reaches real modems");
        assert_eq!(android.usb_fallback(), Some("usb.fallback_no_serial"));
        assert_eq!(android.usb_blocked(), None);
        let desktop = Support { web_serial: true, web_usb: true, secure_context: true };
        assert_eq!(desktop.usb_fallback(), None);
        let firefox = Support { web_serial: false, web_usb: false, secure_context: true };
        assert_eq!(firefox.usb_blocked(), Some("usb.reason_no_usb"));
        let insecure = Support { web_serial: true, web_usb: true, secure_context: false };
        assert_eq!(insecure.usb_blocked(), Some("connect.reason_insecure"));
        assert!(Lang::En.catalog().get("usb.fallback_no_serial").contains("WebUSB"));
    }

    #[test]
    fn an_e220_cd_rom_can_be_switched_by_the_page_and_an_e3372h_cannot() {
        let e220 = CdRomView::new(UsbId::new(0x12d1, 0x1003), Os::Linux);
        assert_eq!(e220.usb, "12d1:1003 (Huawei, CD-ROM mode)");
        assert_eq!(e220.products, Some("Huawei E220, E230, E270, E870"));
        assert!(e220.can_switch);
        let e3372h = CdRomView::new(UsbId::new(0x12d1, 0x1f01), Os::Windows);
        assert!(!e3372h.can_switch);
        assert_eq!(e3372h.os_advice(), "cdrom.windows");
    }

    #[test]
    fn a_switched_modem_is_sent_to_the_way_in_this_browser_has() {
        assert_eq!(SwitchState::NotSent.message(true), None);
        assert_eq!(SwitchState::Switched.message(true), Some("cdrom.switched"));
        let android = Lang::En.catalog().get(SwitchState::Switched.message(false).unwrap());
        assert!(android.contains("Connect over USB"), "{android}");
    }

    #[test]
    fn each_system_is_told_its_own_part() {
        let advice = |os| Lang::En.catalog().get(CdRomView::new(UsbId::new(0x12d1, 0x1f01), os).os_advice());
        assert!(advice(Os::Linux).contains("usb_modeswitch"));
        assert!(advice(Os::Windows).contains("driver"));
        assert!(advice(Os::ChromeOs).contains("ChromeOS switches"));
        assert!(advice(Os::Android).contains("Android"));
    }
}
