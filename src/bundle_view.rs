//! The page's debug bundle (core's `debug_bundle`, issue 7): the log console's lines,
//! the device card's facts, the chosen firmware's checks and the failure on screen, in
//! one JSON file with IMEI, IMSI, ICCID and phone numbers hidden. Pure and native-tested.

use modemflash_core::debug_bundle::{redact, DebugBundle, Incident};
use modemflash_core::image::VerificationReport;

use crate::outcome_view::StoppedView;
use crate::recovery_view::RecoveryState;
use crate::session::{log_text_line, DeviceView, LogLine, Screen};

/// Who wrote the bundle.
const TOOL: &str = concat!("modemflash ", env!("CARGO_PKG_VERSION"), " (web page)");

/// The file name offered for the download.
pub const FILE_NAME: &str = "modemflash-debug-bundle.json";

/// What the page knows when the person asks for the bundle.
#[derive(Default)]
pub struct PageFacts<'a> {
    /// The log console's lines.
    pub log: &'a [LogLine],
    /// The device card, when a modem was identified.
    pub device: Option<&'a DeviceView>,
    /// The port's USB id in words, when no card is shown (update mode, boot ROM).
    pub usb: Option<&'a str>,
    /// The firmware (or loader) file and its checks.
    pub checked: Option<(&'a str, &'a VerificationReport)>,
    /// The failure on screen.
    pub failure: Option<Incident>,
}

/// A port that never answered AT was sent nothing else.
const UNCHANGED: &str = "Nothing was changed on the modem.";

impl<'a> PageFacts<'a> {
    /// What the wizard shows: the device card or the port's USB id, and the failure on
    /// screen (a stopped update, a failed recovery, a failed identification). The
    /// checked file is added by the caller.
    pub fn on_screen(
        log: &'a [LogLine],
        screen: &'a Screen,
        stopped: Option<&StoppedView>,
        recovery: &RecoveryState,
    ) -> Self {
        let (device, usb) = match screen {
            Screen::Identified(d) => (Some(d), None),
            Screen::InDownloadMode { usb } | Screen::InBootRom { usb } => (None, Some(usb.as_str())),
            Screen::NoAnswer { usb, .. } => (None, usb.as_deref()),
            _ => (None, None),
        };
        let failure = match (stopped, recovery, screen) {
            (Some(view), ..) => Some(stopped_incident(view)),
            (_, RecoveryState::Failed { what, next_step }, _) => {
                Some(Incident::new(what, "The modem is still in its boot ROM.", next_step))
            }
            // Not always before anything was sent: a recovered stick that was not selected
            // again is in update mode.
            (.., Screen::Failed { what, next_step }) => Some(Incident::new(what, "Not known to the page.", next_step)),
            (.., Screen::NoAnswer { next_step, .. }) => {
                Some(Incident::new("The chosen port did not answer AT commands.", UNCHANGED, next_step))
            }
            _ => None,
        };
        PageFacts { log, device, usb, checked: None, failure }
    }
}

/// The bundle as JSON.
pub fn page_bundle(facts: PageFacts<'_>) -> String {
    let mut bundle = DebugBundle::new(TOOL);
    if let Some(d) = facts.device {
        bundle = bundle
            .fact("manufacturer", &d.manufacturer)
            .fact("model", &d.model)
            .fact("firmware", &d.firmware)
            .fact("port", d.port_role);
        for (name, value) in
            [("imei", &d.imei), ("hardware", &d.hardware), ("dashboard", &d.dashboard), ("usb", &d.usb)]
        {
            if let Some(value) = value {
                bundle = bundle.fact(name, value);
            }
        }
        if d.is_virtual {
            bundle = bundle.fact("virtual", "yes");
        }
    }
    if let Some(usb) = facts.usb {
        bundle = bundle.fact("usb", usb);
    }
    if let Some((name, report)) = facts.checked {
        bundle = bundle.verification(name, report);
    }
    if let Some(incident) = facts.failure {
        bundle = bundle.failure(incident);
    }
    // Compact: the page already links the compact JSON writer (the journal), not the pretty one.
    serde_json::to_string(&bundle.log(facts.log.iter().map(log_text_line))).expect("a bundle is strings and numbers")
}

/// A stopped update, as its screen says it.
pub fn stopped_incident(view: &StoppedView) -> Incident {
    Incident { stage: Some(redact(&view.stage)), ..Incident::new(&view.what, view.state, view.advice) }
}

#[cfg(test)]
mod tests {
    use modemflash_core::event::Level;

    use super::*;

    #[test]
    fn the_failure_on_screen_goes_in_with_the_state_the_modem_is_in() {
        let log = [LogLine::info("Opening the port (12d1:1443).")];
        let boot_rom = Screen::InBootRom { usb: "12d1:1443 (Huawei, boot ROM mode)".into() };
        let refused = RecoveryState::Failed { what: "refused".into(), next_step: "Unplug it.".into() };
        let facts = PageFacts::on_screen(&log, &boot_rom, None, &refused);
        assert_eq!(facts.usb, Some("12d1:1443 (Huawei, boot ROM mode)"));
        let failure = facts.failure.unwrap();
        assert_eq!(
            (failure.error.as_str(), failure.device_state.as_str()),
            ("refused", "The modem is still in its boot ROM.")
        );
        let silent = Screen::NoAnswer { usb: None, next_step: "Choose another port." };
        let failure = PageFacts::on_screen(&log, &silent, None, &RecoveryState::NoLoader).failure.unwrap();
        assert_eq!(failure.device_state, UNCHANGED);
        assert!(PageFacts::on_screen(&log, &Screen::Start, None, &RecoveryState::NoLoader).failure.is_none());
    }

    #[test]
    fn the_log_and_the_card_go_in_without_the_imei() {
        let log = [
            LogLine { level: Level::Trace, text: "→ AT+CGSN".into() },
            LogLine { level: Level::Trace, text: "← 861000000123453".into() },
        ];
        let device = DeviceView {
            manufacturer: "huawei".into(),
            model: "E3372".into(),
            firmware: "22.315.01.00.00".into(),
            imei: Some("•••••••••••3453".into()),
            hardware: None,
            dashboard: None,
            usb: Some("12d1:1506 (Huawei, normal mode)".into()),
            port_role: "AT command port (PCUI)",
            is_virtual: false,
            key: None,
        };
        let failure = Incident::new("the modem was disconnected", "Nothing was changed on the modem.", "Plug it in.");
        let json =
            page_bundle(PageFacts { log: &log, device: Some(&device), failure: Some(failure), ..PageFacts::default() });
        assert!(!json.contains("861000000123453"), "{json}");
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(doc["log"], serde_json::json!(["[Trace] → AT+CGSN", "[Trace] ← 86100000xxxxxxx"]));
        assert_eq!(doc["device"][1], serde_json::json!({"name": "model", "value": "E3372"}));
        assert_eq!(doc["failure"]["error"], "the modem was disconnected");
        assert!(doc["tool"].as_str().unwrap().ends_with("(web page)"));
    }
}
