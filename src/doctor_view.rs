//! The checklist's view model: the doctor's verdicts ([`modemflash_core::preflight`])
//! as translation keys, parameters and commands. The one place preflight results
//! become page text; pure and native-tested.

use modemflash_core::device::Vendor;
use modemflash_core::preflight::{examine, first_blocker, Because, Check, CheckResult, Facts, Fix, Os, Verdict};

/// A check's result as the list shows it: a word, not only a colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Passed.
    Ok,
    /// Should be fixed; does not stop the update.
    Warning,
    /// Stops the update until fixed.
    Blocker,
    /// Does not apply (yet).
    NotApplicable,
}

impl Status {
    /// The status word's translation key.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "doctor.status.ok",
            Status::Warning => "doctor.status.warning",
            Status::Blocker => "doctor.status.blocker",
            Status::NotApplicable => "doctor.status.na",
        }
    }

    /// The `data-status` value (styling and tests).
    pub fn code(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Blocker => "blocker",
            Status::NotApplicable => "na",
        }
    }
}

/// One line of the checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckView {
    /// The `data-check` value.
    pub code: &'static str,
    /// The check's name (translation key).
    pub title: &'static str,
    /// Its status.
    pub status: Status,
    /// What it found or what to do (translation key).
    pub detail: &'static str,
    /// The detail's `{name}` parameters.
    pub params: Vec<(&'static str, String)>,
    /// Lines to type, shown as code (never translated).
    pub commands: Vec<String>,
}

/// The whole checklist for `facts`.
pub fn checklist(facts: &Facts) -> Vec<CheckView> {
    examine(facts).iter().map(|r| CheckView::new(r, facts.os)).collect()
}

/// The name (translation key) of the first check that blocks the update.
pub fn blocking_check(facts: &Facts) -> Option<&'static str> {
    first_blocker(&examine(facts)).map(|r| title(r.check))
}

impl CheckView {
    fn new(result: &CheckResult, os: Os) -> CheckView {
        let (status, detail, params, commands) = match result.verdict {
            Verdict::Ok => (Status::Ok, ok_detail(result.check), Vec::new(), Vec::new()),
            Verdict::NotApplicable(because) => (Status::NotApplicable, not_applicable(because), Vec::new(), Vec::new()),
            Verdict::Warning(fix) => (Status::Warning, fix_key(fix, os), fix_params(fix), fix.commands()),
            Verdict::Blocker(fix) => (Status::Blocker, fix_key(fix, os), fix_params(fix), fix.commands()),
        };
        CheckView { code: code(result.check), title: title(result.check), status, detail, params, commands }
    }
}

fn code(check: Check) -> &'static str {
    match check {
        Check::Browser => "browser",
        Check::SecureContext => "secure-context",
        Check::PortFree => "port-free",
        Check::Permission => "permission",
        Check::Driver => "driver",
        Check::Mode => "mode",
        Check::PortAnswers => "port-answers",
        Check::Battery => "battery",
    }
}

fn title(check: Check) -> &'static str {
    match check {
        Check::Browser => "doctor.check.browser",
        Check::SecureContext => "doctor.check.secure_context",
        Check::PortFree => "doctor.check.port_free",
        Check::Permission => "doctor.check.permission",
        Check::Driver => "doctor.check.driver",
        Check::Mode => "doctor.check.mode",
        Check::PortAnswers => "doctor.check.port_answers",
        Check::Battery => "doctor.check.battery",
    }
}

fn ok_detail(check: Check) -> &'static str {
    match check {
        Check::Browser => "doctor.ok.browser",
        Check::SecureContext => "doctor.ok.secure_context",
        Check::PortFree => "doctor.ok.port_free",
        Check::Permission => "doctor.ok.permission",
        Check::Driver => "doctor.ok.driver",
        Check::Mode => "doctor.ok.mode",
        Check::PortAnswers => "doctor.ok.port_answers",
        Check::Battery => "doctor.ok.battery",
    }
}

fn not_applicable(because: Because) -> &'static str {
    match because {
        Because::VirtualModem => "doctor.na.virtual",
        Because::NoPortYet => "doctor.na.no_port",
        Because::PortNotOpened => "doctor.na.port_not_opened",
        Because::NotThisOs => "doctor.na.not_this_os",
        Because::NeedsSecureContext => "doctor.na.needs_secure",
        Because::NoBatteryReading => "doctor.na.no_battery",
        Because::UnknownDevice => "doctor.na.unknown_device",
    }
}

/// The fix's prose; where it differs per system beyond the fix itself, per `os`.
fn fix_key(fix: Fix, os: Os) -> &'static str {
    match fix {
        Fix::UseChromium => "doctor.fix.use_chromium",
        Fix::UseChromeOnAndroid => "doctor.fix.use_chrome_android",
        Fix::UseComputer => "doctor.fix.use_computer",
        Fix::OpenOverHttps => "doctor.fix.open_https",
        Fix::StopModemManager => "doctor.fix.stop_modem_manager",
        Fix::CloseOtherPrograms => "doctor.fix.close_other_programs",
        Fix::GrantLinuxAccess { .. } => "doctor.fix.grant_linux_access",
        Fix::InstallVendorDriver { vendor: Some(_) } => "doctor.fix.vendor_driver",
        Fix::InstallVendorDriver { vendor: None } => "doctor.fix.vendor_driver_unknown",
        Fix::UsbModeswitch { .. } => "doctor.fix.usb_modeswitch",
        Fix::WaitForChromeOs => "doctor.fix.wait_chromeos",
        Fix::Replug => "doctor.fix.replug",
        Fix::ChooseAtPort { interface: Some(_) } if os == Os::Linux => "doctor.fix.choose_at_port_linux",
        Fix::ChooseAtPort { interface: Some(_) } => "doctor.fix.choose_at_port",
        Fix::ChooseAtPort { interface: None } => "doctor.fix.choose_another_port",
        Fix::UseVendorUpdater => "doctor.fix.vendor_updater",
        Fix::PlugInCharger => "doctor.fix.plug_in_charger",
    }
}

fn fix_params(fix: Fix) -> Vec<(&'static str, String)> {
    match fix {
        Fix::InstallVendorDriver { vendor: Some(vendor) } => vec![("vendor", Vendor::name(vendor).to_string())],
        Fix::UsbModeswitch { usb } => vec![("usb", usb.to_string())],
        Fix::ChooseAtPort { interface: Some(interface) } => vec![("interface", interface.to_string())],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use modemflash_core::device::catalogue::Mode;
    use modemflash_core::device::UsbId;
    use modemflash_core::preflight::{Browser, Finding, PortAnswer, Route};

    fn facts(os: Os, findings: Vec<Finding>) -> Facts {
        Facts {
            os,
            browser: Browser { web_serial: true, secure_context: true },
            battery: None,
            route: Route::Real,
            findings,
            accepts: &[Mode::Normal, Mode::Download],
        }
    }

    fn text(view: &CheckView) -> String {
        let params: Vec<(&str, &str)> = view.params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Lang::En.catalog().format(view.detail, &params)
    }

    #[test]
    fn every_verdict_of_every_check_has_its_words_in_every_language() {
        let mut keys = vec![Status::Ok, Status::Warning, Status::Blocker, Status::NotApplicable]
            .into_iter()
            .map(Status::label)
            .collect::<Vec<_>>();
        keys.extend(Check::ALL.into_iter().flat_map(|c| [title(c), ok_detail(c)]));
        keys.extend(
            [
                Because::VirtualModem,
                Because::NoPortYet,
                Because::PortNotOpened,
                Because::NotThisOs,
                Because::NeedsSecureContext,
                Because::NoBatteryReading,
                Because::UnknownDevice,
            ]
            .map(not_applicable),
        );
        let fixes = [
            Fix::UseChromium,
            Fix::UseChromeOnAndroid,
            Fix::UseComputer,
            Fix::OpenOverHttps,
            Fix::StopModemManager,
            Fix::CloseOtherPrograms,
            Fix::GrantLinuxAccess { vid: None },
            Fix::InstallVendorDriver { vendor: Some(Vendor::Zte) },
            Fix::InstallVendorDriver { vendor: None },
            Fix::UsbModeswitch { usb: UsbId::new(0x12d1, 0x1f01) },
            Fix::WaitForChromeOs,
            Fix::Replug,
            Fix::ChooseAtPort { interface: Some(2) },
            Fix::ChooseAtPort { interface: None },
            Fix::UseVendorUpdater,
            Fix::PlugInCharger,
        ];
        keys.extend(fixes.iter().flat_map(|&f| [fix_key(f, Os::Linux), fix_key(f, Os::Windows)]));
        for lang in Lang::ALL {
            for key in &keys {
                assert_ne!(lang.catalog().get(key), *key, "{} lacks {key}", lang.code());
            }
        }
    }

    #[test]
    fn the_linux_busy_port_shows_the_modem_manager_command() {
        let findings = vec![Finding::PortChosen { usb: Some(UsbId::new(0x12d1, 0x1506)) }, Finding::PortBusy];
        let list = checklist(&facts(Os::Linux, findings));
        let port = list.iter().find(|v| v.code == "port-free").unwrap();
        assert_eq!(port.status, Status::Blocker);
        assert!(text(port).contains("ModemManager"), "{}", text(port));
        assert_eq!(port.commands, ["sudo systemctl stop ModemManager"]);
        let permission = list.iter().find(|v| v.code == "permission").unwrap();
        assert_eq!(permission.status, Status::Warning);
        assert!(text(permission).contains("dialout"));
    }

    #[test]
    fn the_wrong_port_names_the_interface_and_on_linux_the_tty() {
        let mf626 = UsbId::new(0x19d2, 0x0031);
        let findings =
            vec![Finding::PortChosen { usb: Some(mf626) }, Finding::Opened, Finding::Answered(PortAnswer::Diag)];
        let linux = checklist(&facts(Os::Linux, findings.clone()));
        let answers = linux.iter().find(|v| v.code == "port-answers").unwrap();
        assert!(text(answers).contains("interface 2") && text(answers).contains("/dev/ttyUSB2"), "{}", text(answers));
        let windows = checklist(&facts(Os::Windows, findings));
        let answers = windows.iter().find(|v| v.code == "port-answers").unwrap();
        assert!(text(answers).contains("interface 2") && !text(answers).contains("ttyUSB"), "{}", text(answers));
    }

    #[test]
    fn the_update_waits_for_the_first_blocker_by_name() {
        let mut f = facts(Os::Windows, Vec::new());
        assert_eq!(blocking_check(&f), None);
        f.browser.secure_context = false;
        assert_eq!(blocking_check(&f), Some("doctor.check.secure_context"));
        assert_eq!(Lang::En.catalog().get("doctor.check.secure_context"), "Secure page");
    }

    #[test]
    fn the_driver_fix_names_the_vendor() {
        let findings = vec![Finding::CdRomOnly { usb: UsbId::new(0x19d2, 0x2000) }];
        let list = checklist(&facts(Os::Windows, findings));
        let driver = list.iter().find(|v| v.code == "driver").unwrap();
        assert_eq!(driver.status, Status::Blocker);
        assert!(text(driver).contains("ZTE"), "{}", text(driver));
        let mode = list.iter().find(|v| v.code == "mode").unwrap();
        assert_eq!(mode.status, Status::Blocker);
    }
}
