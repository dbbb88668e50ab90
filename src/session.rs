//! The page's view model: what the wizard shows, derived from engine results and
//! events. Pure and native-tested; components only render it.

use modemflash_core::at::identity::Identity;
use modemflash_core::at::AtError;
use modemflash_core::device::probe::{Identified, IdentifyError};
use modemflash_core::device::{catalogue, detect};
use modemflash_core::device::{UsbId, Vendor};
use modemflash_core::event::{Direction, Event, Level};

/// USB vendor ids offered in the port chooser (issue 2: the known modem vendors), then
/// every other vendor id the catalogue lists: Alcatel's X020 enumerates as its maker
/// Longcheer, 0x1c9e (specs/qualcomm-dload.md §5.2), and must be in the chooser too.
pub fn chooser_vendor_ids() -> Vec<u16> {
    let mut ids: Vec<u16> = Vendor::ALL.iter().map(|v| v.usb_vendor_id()).collect();
    for entry in catalogue::ENTRIES {
        if !ids.contains(&entry.id.vid) {
            ids.push(entry.id.vid);
        }
    }
    ids
}

/// What the browser offers, read once at start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Support {
    /// `"serial" in navigator`.
    pub web_serial: bool,
    /// `"usb" in navigator`.
    pub web_usb: bool,
    /// `window.isSecureContext`.
    pub secure_context: bool,
}

/// Why the browser cannot reach a real modem (specs/web-platform.md §1, §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SupportProblem {
    /// Served over plain http from another host: the serial API is hidden.
    InsecureContext,
    /// The browser has neither Web Serial nor WebUSB (Firefox without the add-on gate,
    /// Safari, iOS). Without Web Serial alone, WebUSB is the way in (`usb_view`).
    NoWebSerial,
}

impl Support {
    /// The blocker for real modems, if any. The virtual modem works regardless.
    pub fn problem(&self) -> Option<SupportProblem> {
        if !self.secure_context {
            Some(SupportProblem::InsecureContext)
        } else if !self.web_serial && !self.web_usb {
            Some(SupportProblem::NoWebSerial)
        } else {
            None
        }
    }
}

impl SupportProblem {
    /// The headline's translation key (`src/i18n/`).
    pub fn title(self) -> &'static str {
        match self {
            SupportProblem::InsecureContext => "support.insecure_title",
            SupportProblem::NoWebSerial => "support.no_serial_title",
        }
    }

    /// The translation key of what to do about it.
    pub fn advice(self) -> &'static str {
        match self {
            SupportProblem::InsecureContext => "support.insecure_advice",
            SupportProblem::NoWebSerial => "support.no_serial_advice",
        }
    }
}

/// How the modem was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// A real modem through Web Serial.
    WebSerial,
    /// A real modem through WebUSB.
    WebUsb,
    /// The built-in virtual modem.
    Virtual,
}

/// The device card's contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceView {
    /// Manufacturer as the modem reports it.
    pub manufacturer: String,
    /// Model.
    pub model: String,
    /// Firmware revision.
    pub firmware: String,
    /// IMEI with all but the last four digits hidden.
    pub imei: Option<String>,
    /// Hardware version (Huawei).
    pub hardware: Option<String>,
    /// Dashboard / WebUI version (Huawei).
    pub dashboard: Option<String>,
    /// `vid:pid` and what the catalogue knows of it.
    pub usb: Option<String>,
    /// The role of the port that answered.
    pub port_role: &'static str,
    /// Whether this is the virtual modem.
    pub is_virtual: bool,
    /// The key its settings backups are kept under (a hash of the IMEI, never the IMEI).
    pub key: Option<String>,
}

impl DeviceView {
    /// Builds the card from an identification.
    pub fn new(found: &Identified, via: Via) -> Self {
        let version = found.identity.version.as_ref();
        DeviceView {
            manufacturer: found.identity.manufacturer.clone(),
            model: found.identity.model.clone(),
            firmware: found.identity.revision.clone(),
            imei: found.identity.masked_imei(),
            hardware: found.identity.hardware.clone(),
            dashboard: version.and_then(|v| v.dashboard()).map(str::to_string),
            usb: found.usb.map(describe_usb),
            port_role: found.role.label(),
            is_virtual: via == Via::Virtual,
            key: found.identity.imei.as_deref().map(modemflash_core::settings::device_key),
        }
    }

    /// What the card knows of the modem's identity, for the chosen firmware's fit check
    /// (the family's rule: Balong hardware, Sierra product, Qualcomm package models).
    pub fn identity(&self) -> Identity {
        Identity {
            manufacturer: self.manufacturer.clone(),
            model: self.model.clone(),
            revision: self.firmware.clone(),
            hardware: self.hardware.clone(),
            ..Identity::default()
        }
    }
}

/// `12d1:1506 (Huawei, normal mode)`, for a port that answered: a serial port is never
/// a CD-ROM, which matters for ids the E220 keeps in both modes (huawei-balong.md §13.3).
pub fn describe_usb(id: UsbId) -> String {
    describe_usb_in(id, detect::mode(id, &[detect::VENDOR_SPECIFIC]))
}

/// `12d1:1003 (Huawei, CD-ROM mode)`: the id and the mode it was found in.
pub fn describe_usb_in(id: UsbId, mode: Option<catalogue::Mode>) -> String {
    let vendor = id.vendor().map(Vendor::name);
    let mode = mode.map(|mode| match mode {
        catalogue::Mode::ZeroCd => "CD-ROM mode",
        catalogue::Mode::Normal => "normal mode",
        catalogue::Mode::Download => "download mode",
        catalogue::Mode::BootRom => "boot ROM mode",
    });
    match (vendor, mode) {
        (Some(v), Some(m)) => format!("{id} ({v}, {m})"),
        (Some(v), None) => format!("{id} ({v})"),
        _ => id.to_string(),
    }
}

/// The wizard's current screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Nothing connected yet.
    Start,
    /// Talking to the modem.
    Identifying(Via),
    /// The device card.
    Identified(DeviceView),
    /// The modem is already in download mode (an earlier update stopped): it can be
    /// updated directly.
    InDownloadMode {
        /// The port's USB id, described.
        usb: String,
    },
    /// The stick shows only its boot ROM's emergency port (a boot loop or a broken boot
    /// loader, specs/huawei-balong.md §14.1): it is recovered with a loader file.
    InBootRom {
        /// The port's USB id, described.
        usb: String,
    },
    /// The chosen port did not answer AT.
    NoAnswer {
        /// The port's USB id, if known.
        usb: Option<String>,
        /// What to do.
        next_step: &'static str,
    },
    /// The person closed the chooser without picking a port.
    ChooserCancelled,
    /// Something failed; what and what to do next.
    Failed {
        /// What happened.
        what: String,
        /// What to do.
        next_step: String,
    },
}

impl Screen {
    /// The screen for a port the catalogue places without asking it anything: a boot
    /// ROM port is never sent `AT` (it takes only the protocol of §14.2). `None`: identify.
    pub fn before_identify(usb: Option<UsbId>) -> Option<Screen> {
        let id = usb?;
        catalogue::lookup(id)
            .any(|e| e.mode == catalogue::Mode::BootRom)
            .then(|| Screen::InBootRom { usb: describe_usb(id) })
    }

    /// The screen that follows an identification attempt.
    pub fn after_identify(result: Result<Identified, IdentifyError>, usb: Option<UsbId>, via: Via) -> Screen {
        match result {
            Ok(found) => Screen::Identified(DeviceView::new(&found, via)),
            Err(IdentifyError::NoAtReply { .. })
                if usb
                    .and_then(|id| catalogue::lookup(id).next())
                    .is_some_and(|e| e.mode == catalogue::Mode::Download) =>
            {
                Screen::InDownloadMode { usb: usb.map(describe_usb).unwrap_or_default() }
            }
            Err(e @ IdentifyError::NoAtReply { .. }) => {
                Screen::NoAnswer { usb: usb.map(describe_usb), next_step: e.next_step() }
            }
            Err(e) => {
                let what = match &e {
                    IdentifyError::At(AtError::Port(p)) => p.to_string(),
                    other => other.to_string(),
                };
                Screen::Failed { what, next_step: e.next_step().to_string() }
            }
        }
    }

    /// Whether the connect buttons should wait.
    pub fn is_busy(&self) -> bool {
        matches!(self, Screen::Identifying(_))
    }

    /// Whether a modem is connected and can be updated.
    pub fn device_ready(&self) -> bool {
        matches!(self, Screen::Identified(_) | Screen::InDownloadMode { .. })
    }
}

/// One line of the log console.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// Severity, for styling.
    pub level: Level,
    /// The text.
    pub text: String,
}

impl LogLine {
    /// The one place engine events become log lines; progress and journal updates are
    /// shown elsewhere and make none.
    pub fn from_event(event: &Event) -> Option<LogLine> {
        let (level, text) = match event {
            Event::Log(level, text) => (*level, text.clone()),
            Event::AtLine(Direction::Sent, l) => (Level::Trace, format!("→ {l}")),
            Event::AtLine(Direction::Received, l) => (Level::Trace, format!("← {l}")),
            Event::Unsolicited(l) => (Level::Trace, format!("← {l} (unsolicited)")),
            Event::Stage(stage) => (Level::Info, format!("▶ {}", stage.title())),
            Event::Plan(plan) => (
                Level::Info,
                format!("Plan: {} partition(s), {} bytes to write.", plan.partitions.len(), plan.bytes_to_write),
            ),
            // The engine logs what it saved and restored; the events feed the screens.
            Event::Progress(_) | Event::Journal(_) | Event::SettingsSaved(_) | Event::SettingsRestored(_) => {
                return None
            }
        };
        Some(LogLine { level, text })
    }

    /// A line the page itself adds (not from the engine).
    pub fn info(text: impl Into<String>) -> LogLine {
        LogLine { level: Level::Info, text: text.into() }
    }
}

/// The log as a text file, for "Save log".
pub fn log_text(lines: &[LogLine]) -> String {
    lines.iter().map(|l| format!("{}\n", log_text_line(l))).collect()
}

/// One line of the saved log (and of the debug bundle): `[Level] text`.
pub fn log_text_line(line: &LogLine) -> String {
    format!("[{:?}] {}", line.level, line.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use modemflash_core::device::PortRole;
    use modemflash_core::port::PortError;
    use std::time::Duration;

    #[test]
    fn insecure_context_is_reported_before_missing_api() {
        let s = Support { web_serial: false, web_usb: false, secure_context: false };
        assert_eq!(s.problem(), Some(SupportProblem::InsecureContext));
        let s = Support { web_serial: false, web_usb: false, secure_context: true };
        assert_eq!(s.problem(), Some(SupportProblem::NoWebSerial));
        let advice = crate::i18n::Lang::En.catalog().get(SupportProblem::NoWebSerial.advice());
        assert!(advice.contains("Chrome"), "{advice}");
        assert_eq!(Support { web_serial: true, web_usb: true, secure_context: true }.problem(), None);
    }

    #[test]
    fn chooser_filters_the_six_modem_vendors_and_longcheer() {
        assert_eq!(chooser_vendor_ids(), [0x12d1, 0x19d2, 0x1199, 0x1bbb, 0x1410, 0x05c6, 0x1c9e]);
    }

    #[test]
    fn device_card_masks_the_imei_and_names_the_usb_mode() {
        let found = Identified {
            usb: Some(UsbId::new(0x12d1, 0x1506)),
            role: PortRole::Pcui,
            identity: Identity {
                manufacturer: "huawei".into(),
                model: "E3372".into(),
                revision: "22.315.01.00.00".into(),
                imei: Some("861000000123453".into()),
                ..Identity::default()
            },
        };
        let card = DeviceView::new(&found, Via::WebSerial);
        assert_eq!(card.imei.as_deref(), Some("•••••••••••3453"));
        assert!(card.key.as_deref().is_some_and(|k| k.len() == 64 && !k.contains("123453")), "{:?}", card.key);
        assert_eq!(card.usb.as_deref(), Some("12d1:1506 (Huawei, normal mode)"));
        assert_eq!(card.port_role, "AT command port (PCUI)");
        assert!(!card.is_virtual);
    }

    #[test]
    fn silent_port_leads_to_the_choose_another_port_screen() {
        let e = IdentifyError::NoAtReply { tries: 3, waited: Duration::from_secs(1) };
        let screen = Screen::after_identify(Err(e), Some(UsbId::new(0x12d1, 0x1506)), Via::WebSerial);
        let Screen::NoAnswer { usb, next_step } = screen else { panic!("{screen:?}") };
        assert_eq!(usb.as_deref(), Some("12d1:1506 (Huawei, normal mode)"));
        assert!(next_step.contains("Choose another port"));
    }

    #[test]
    fn a_silent_port_of_a_stick_in_download_mode_is_offered_the_update() {
        let e = IdentifyError::NoAtReply { tries: 3, waited: Duration::from_secs(1) };
        let screen = Screen::after_identify(Err(e), Some(UsbId::new(0x12d1, 0x1c05)), Via::WebSerial);
        assert_eq!(screen, Screen::InDownloadMode { usb: "12d1:1c05 (Huawei, download mode)".into() });
        assert!(screen.device_ready());
    }

    #[test]
    fn a_boot_rom_port_goes_to_the_recovery_without_being_asked_at() {
        let screen = Screen::before_identify(Some(UsbId::new(0x12d1, 0x1443)));
        assert_eq!(screen, Some(Screen::InBootRom { usb: "12d1:1443 (Huawei, boot ROM mode)".into() }));
        assert!(!screen.unwrap().device_ready(), "no firmware before the loader runs");
        assert_eq!(Screen::before_identify(Some(UsbId::new(0x12d1, 0x1506))), None);
        assert_eq!(Screen::before_identify(None), None);
    }

    #[test]
    fn unplugged_modem_says_what_happened_and_what_to_do() {
        let e = IdentifyError::from(PortError::Disconnected);
        let Screen::Failed { what, next_step } = Screen::after_identify(Err(e), None, Via::WebSerial) else { panic!() };
        assert!(what.contains("disconnected"));
        assert!(next_step.contains("plugged in"));
    }

    #[test]
    fn events_become_log_lines_with_direction() {
        use modemflash_core::event::Direction;
        let text = |e: Event| LogLine::from_event(&e).map(|l| l.text);
        assert_eq!(text(Event::AtLine(Direction::Sent, "AT".into())).as_deref(), Some("→ AT"));
        assert_eq!(text(Event::Unsolicited("^RSSI:9".into())).as_deref(), Some("← ^RSSI:9 (unsolicited)"));
        assert_eq!(
            text(Event::Stage(modemflash_core::flasher::Stage::Handshake)).as_deref(),
            Some("▶ Starting the update")
        );
    }
}
