//! What the person does about a blocker or a warning, per operating system, with the
//! exact lines to type where there are any (specs/web-platform.md §5, §8.2: flashers
//! that give a copyable command get fewer "it does not connect" reports).

use serde::Serialize;

use crate::device::{UsbId, Vendor};

/// Where the udev rule goes (`70-` runs before the `73-seat-late` rule that applies
/// `uaccess`).
pub const UDEV_RULE_FILE: &str = "/etc/udev/rules.d/70-modemflash.rules";

/// One remedy. The prose lives with the page's translations; the commands come from
/// [`Fix::commands`] and are never translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "fix")]
pub enum Fix {
    /// Desktop: Chrome, Edge or Opera 89 or newer (§1).
    UseChromium,
    /// Android: Chrome 148 or newer reaches USB serial ports (§1).
    UseChromeOnAndroid,
    /// iPhone and iPad: no browser can reach USB devices; use a computer (§1).
    UseComputer,
    /// Open the page over `https://` or from `localhost` (§2).
    OpenOverHttps,
    /// Linux: ModemManager probes and holds modem ports; stop it for the update, and
    /// close the dashboard and other tabs (§5.2).
    StopModemManager,
    /// Close the vendor's dashboard, terminal programs and other tabs of this page (§7.2).
    CloseOtherPrograms,
    /// Linux: join the `dialout` group, or install a udev rule for the vendor (§5.2).
    GrantLinuxAccess {
        /// The modem's USB vendor id, for the udev rule.
        vid: Option<u16>,
    },
    /// Windows and macOS: the vendor's driver creates the modem's ports and switches it
    /// out of CD-ROM mode (§5.1, §5.4).
    InstallVendorDriver {
        /// Whose driver.
        vendor: Option<Vendor>,
    },
    /// Linux: usb_modeswitch switches a stick out of CD-ROM mode (§5.1, §5.2).
    UsbModeswitch {
        /// The CD-ROM id.
        usb: UsbId,
    },
    /// ChromeOS switches the sticks it knows by itself (`mist`, §5.3).
    WaitForChromeOs,
    /// Restart the stick into its normal firmware: unplug it, wait, plug it in.
    Replug,
    /// Choose the modem's AT command port instead.
    ChooseAtPort {
        /// Its USB interface number, when the catalogue knows it.
        interface: Option<u8>,
    },
    /// A download protocol this tool does not speak: use the vendor's updater.
    UseVendorUpdater,
    /// Plug the laptop into power.
    PlugInCharger,
}

impl Fix {
    /// The lines to type, in order; empty when there is nothing to type.
    pub fn commands(&self) -> Vec<String> {
        match *self {
            Fix::StopModemManager => vec!["sudo systemctl stop ModemManager".into()],
            Fix::GrantLinuxAccess { vid } => {
                let mut lines = vec!["sudo usermod -aG dialout $USER".to_string()];
                if let Some(vid) = vid {
                    // `tty` for Web Serial, `usb` for WebUSB's device node.
                    lines.push(format!(
                        "echo 'SUBSYSTEM==\"tty\", ATTRS{{idVendor}}==\"{vid:04x}\", MODE=\"0660\", TAG+=\"uaccess\"' | sudo tee {UDEV_RULE_FILE}"
                    ));
                    lines.push(format!(
                        "echo 'SUBSYSTEM==\"usb\", ATTR{{idVendor}}==\"{vid:04x}\", MODE=\"0660\", TAG+=\"uaccess\"' | sudo tee -a {UDEV_RULE_FILE}"
                    ));
                    lines.push("sudo udevadm control --reload-rules && sudo udevadm trigger".into());
                }
                lines
            }
            Fix::UsbModeswitch { usb } => {
                let mut lines = vec!["sudo apt install usb-modeswitch usb-modeswitch-data".to_string()];
                // Huawei sticks take HuaweiNewMode (huawei-balong.md §13.3); the other
                // vendors' messages come from the data package when the stick is replugged.
                if usb.vendor() == Some(Vendor::Huawei) {
                    lines.push(format!("sudo usb_modeswitch -v 0x{:04x} -p 0x{:04x} -J", usb.vid, usb.pid));
                }
                lines
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_udev_rule_names_the_modems_vendor() {
        let lines = Fix::GrantLinuxAccess { vid: Some(0x19d2) }.commands();
        assert_eq!(lines[0], "sudo usermod -aG dialout $USER");
        assert_eq!(
            lines[1],
            r#"echo 'SUBSYSTEM=="tty", ATTRS{idVendor}=="19d2", MODE="0660", TAG+="uaccess"' | sudo tee /etc/udev/rules.d/70-modemflash.rules"#
        );
        assert!(lines[2].contains(r#"SUBSYSTEM=="usb", ATTR{idVendor}=="19d2""#) && lines[2].contains("tee -a"));
        assert_eq!(lines[3], "sudo udevadm control --reload-rules && sudo udevadm trigger");
        assert_eq!(Fix::GrantLinuxAccess { vid: None }.commands(), ["sudo usermod -aG dialout $USER"]);
    }

    #[test]
    fn only_huawei_sticks_get_a_manual_mode_switch() {
        let huawei = Fix::UsbModeswitch { usb: UsbId::new(0x12d1, 0x1f01) }.commands();
        assert_eq!(huawei[1], "sudo usb_modeswitch -v 0x12d1 -p 0x1f01 -J");
        let zte = Fix::UsbModeswitch { usb: UsbId::new(0x19d2, 0x2000) }.commands();
        assert_eq!(zte, ["sudo apt install usb-modeswitch usb-modeswitch-data"]);
    }
}
