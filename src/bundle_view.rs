//! The page's debug bundle (core's `debug_bundle`, issue 7): the log console's lines,
//! the device card's facts, the chosen firmware's checks and the failure on screen, in
//! one JSON file with IMEI, IMSI, ICCID and phone numbers hidden. Pure and native-tested.

use modemflash_core::debug_bundle::{redact, DebugBundle, Incident};
use modemflash_core::image::VerificationReport;

use crate::outcome_view::StoppedView;
use crate::session::{log_text_line, DeviceView, LogLine};

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
