//! The page's side of the pre-flight doctor ([`modemflash_core::preflight`]): reads what
//! the browser says about itself (system, APIs, battery), collects what the transport and
//! the probes found on the chosen port, and keeps that port so the checks can run again.

use leptos::prelude::*;
use modemflash_core::device::catalogue::Mode;
use modemflash_core::device::UsbId;
use modemflash_core::port::{Port, PortError};
use modemflash_core::preflight::{Battery, Browser, Facts, Finding, Os, PortAnswer, Route};
use modemflash_core::protocol::diag;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::SerialPort;

use crate::doctor_view::blocking_check;
use crate::session::Screen;

/// The modes the page's updates start from: the stick firmware, or download mode when an
/// earlier update stopped half-way.
pub const PAGE_STARTS_FROM: &[Mode] = &[Mode::Normal, Mode::Download];

/// The doctor's facts, owned by the wizard.
#[derive(Clone, Copy)]
pub struct Doctor {
    /// What the checklist judges.
    pub facts: RwSignal<Facts>,
    /// The port last chosen, to examine again on request.
    port: StoredValue<Option<SerialPort>, LocalStorage>,
}

impl Doctor {
    /// The browser's facts as they are now; the battery follows with
    /// [`Doctor::read_environment`].
    pub fn new() -> Doctor {
        let facts = Facts {
            os: detect_os(),
            browser: browser(),
            battery: None,
            route: Route::Real,
            findings: Vec::new(),
            accepts: PAGE_STARTS_FROM,
        };
        Doctor { facts: RwSignal::new(facts), port: StoredValue::new_local(None) }
    }

    /// Reads the system, the APIs and the battery again.
    pub async fn read_environment(self) {
        let battery = read_battery().await;
        self.facts.update(|f| {
            f.os = detect_os();
            f.browser = browser();
            f.battery = battery;
        });
    }

    /// The name (translation key) of the check that stops the update, if any.
    pub fn blocker(self) -> Signal<Option<&'static str>> {
        Memo::new(move |_| self.facts.with(blocking_check)).into()
    }

    /// The virtual modem was plugged in: no port, no browser API involved.
    pub fn use_virtual(self) {
        self.port.set_value(None);
        self.start(Route::Virtual, None);
    }

    /// The chooser closed without a port.
    pub fn no_port_chosen(self) {
        self.start(Route::Real, Some(Finding::NoPortChosen));
    }

    /// A port was chosen (again): the findings start over from it.
    pub fn port_chosen(self, port: &SerialPort, usb: Option<UsbId>) {
        self.port.set_value(Some(port.clone()));
        self.start(Route::Real, Some(Finding::PortChosen { usb }));
    }

    /// The port last chosen.
    pub fn last_port(self) -> Option<SerialPort> {
        self.port.get_value()
    }

    /// One more fact about the port.
    pub fn report(self, finding: Finding) {
        self.facts.update(|f| f.findings.push(finding));
    }

    /// Why the port did not open, when that says something about the port.
    pub fn open_failed(self, error: &PortError) {
        if let Some(finding) = Finding::from_open_error(error) {
            self.report(finding);
        }
    }

    /// What the port answered, from the identification's outcome; a port silent to `AT`
    /// is also asked the DMSS NOP, which tells a DIAG port from a silent one
    /// (specs/qualcomm-dload.md §2.4).
    pub async fn probe_answer<P: Port>(self, screen: &Screen, port: &mut P) {
        let answer = match screen {
            Screen::Identified(_) => PortAnswer::At,
            Screen::InDownloadMode { .. } => PortAnswer::Download,
            Screen::NoAnswer { .. } => diag::probe(port).await.map_or(PortAnswer::Silent, PortAnswer::from_probe),
            _ => return,
        };
        self.report(Finding::Answered(answer));
    }

    fn start(self, route: Route, first: Option<Finding>) {
        self.facts.update(|f| {
            f.route = route;
            f.findings = first.into_iter().collect();
        });
    }
}

impl Default for Doctor {
    fn default() -> Self {
        Doctor::new()
    }
}

fn browser() -> Browser {
    let support = crate::transport::support();
    Browser { web_serial: support.web_serial, web_usb: support.web_usb, secure_context: support.secure_context }
}

/// The operating system (the drivers and fixes differ, specs/web-platform.md §5):
/// `navigator.userAgentData.platform` (Chromium), else the user agent and `platform`.
pub fn detect_os() -> Os {
    let navigator = window().navigator();
    let hint = js_sys::Reflect::get(&navigator, &JsValue::from_str("userAgentData"))
        .ok()
        .filter(JsValue::is_object)
        .and_then(|data| js_sys::Reflect::get(&data, &JsValue::from_str("platform")).ok())
        .and_then(|p| p.as_string());
    Os::detect(hint.as_deref(), &navigator.user_agent().unwrap_or_default(), &navigator.platform().unwrap_or_default())
}

/// `navigator.getBattery()`, through reflection: the Battery API exists only in Chromium.
async fn read_battery() -> Option<Battery> {
    let navigator = window().navigator();
    let get = js_sys::Reflect::get(&navigator, &JsValue::from_str("getBattery")).ok()?;
    let promise =
        get.dyn_into::<js_sys::Function>().ok()?.call0(&navigator).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    let manager = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let field = |name: &str| js_sys::Reflect::get(&manager, &JsValue::from_str(name)).ok();
    Some(Battery { charging: field("charging")?.as_bool()?, level: field("level")?.as_f64()? as f32 })
}
