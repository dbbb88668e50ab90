//! The pre-flight doctor's verdicts, per operating system, from the findings a
//! transport reports (issue 6, "The doctor"; specs/web-platform.md).

use modemflash_core::device::catalogue::Mode;
use modemflash_core::device::{UsbId, Vendor};
use modemflash_core::port::PortError;
use modemflash_core::preflight::{
    examine, first_blocker, Battery, Because, Browser, Check, Facts, Finding, Fix, Os, PortAnswer, Route, Verdict,
};
use modemflash_core::protocol::diag::ProbeState;

const E3372H: UsbId = UsbId::new(0x12d1, 0x1506);
const E3372H_CD: UsbId = UsbId::new(0x12d1, 0x1f01);
const MF626: UsbId = UsbId::new(0x19d2, 0x0031);
const CHROME: Browser = Browser { web_serial: true, secure_context: true };
/// A Balong update starts from the stick firmware or from download mode.
const BALONG: &[Mode] = &[Mode::Normal, Mode::Download];

fn facts(os: Os, findings: &[Finding]) -> Facts {
    Facts { os, browser: CHROME, battery: None, route: Route::Real, findings: findings.to_vec(), accepts: BALONG }
}

fn verdict(facts: &Facts, check: Check) -> Verdict {
    examine(facts).into_iter().find(|r| r.check == check).map(|r| r.verdict).expect("every check runs")
}

/// A port that opened and answered AT.
fn healthy(usb: UsbId) -> Vec<Finding> {
    vec![Finding::PortChosen { usb: Some(usb) }, Finding::Opened, Finding::Answered(PortAnswer::At)]
}

#[test]
fn a_modem_that_opens_and_answers_passes_every_check_it_is_subject_to() {
    for os in [Os::Linux, Os::Windows, Os::MacOs, Os::ChromeOs] {
        let results = examine(&facts(os, &healthy(E3372H)));
        assert_eq!(results.len(), Check::ALL.len());
        assert!(first_blocker(&results).is_none(), "{os:?}: {results:?}");
        assert!(results.iter().all(|r| !matches!(r.verdict, Verdict::Warning(_))), "{os:?}: {results:?}");
    }
    let linux = facts(Os::Linux, &healthy(E3372H));
    assert_eq!(verdict(&linux, Check::Permission), Verdict::Ok);
    assert_eq!(verdict(&linux, Check::Driver), Verdict::NotApplicable(Because::NotThisOs));
    let windows = facts(Os::Windows, &healthy(E3372H));
    assert_eq!(verdict(&windows, Check::Driver), Verdict::Ok);
    assert_eq!(verdict(&windows, Check::Permission), Verdict::NotApplicable(Because::NotThisOs));
}

#[test]
fn before_a_port_is_chosen_only_the_browser_is_judged() {
    let f = facts(Os::Linux, &[]);
    assert_eq!(verdict(&f, Check::Browser), Verdict::Ok);
    assert_eq!(verdict(&f, Check::SecureContext), Verdict::Ok);
    for check in [Check::PortFree, Check::Permission, Check::Mode, Check::PortAnswers] {
        assert_eq!(verdict(&f, check), Verdict::NotApplicable(Because::NoPortYet), "{check:?}");
    }
    assert!(first_blocker(&examine(&f)).is_none());
}

#[test]
fn an_insecure_page_is_a_blocker_and_hides_whether_the_browser_could() {
    let mut f = facts(Os::Windows, &[]);
    f.browser = Browser { web_serial: false, secure_context: false };
    assert_eq!(verdict(&f, Check::SecureContext), Verdict::Blocker(Fix::OpenOverHttps));
    assert_eq!(verdict(&f, Check::Browser), Verdict::NotApplicable(Because::NeedsSecureContext));
    assert_eq!(first_blocker(&examine(&f)).map(|r| r.check), Some(Check::SecureContext));
}

#[test]
fn a_browser_without_web_serial_gets_the_fix_for_its_system() {
    let none = Browser { web_serial: false, secure_context: true };
    let with = |os, browser| {
        let mut f = facts(os, &[]);
        f.browser = browser;
        verdict(&f, Check::Browser)
    };
    assert_eq!(with(Os::Linux, none), Verdict::Blocker(Fix::UseChromium));
    assert_eq!(with(Os::MacOs, none), Verdict::Blocker(Fix::UseChromium));
    assert_eq!(with(Os::Ios, none), Verdict::Blocker(Fix::UseComputer));
    assert_eq!(with(Os::Android, none), Verdict::Blocker(Fix::UseChromeOnAndroid));
}

#[test]
fn a_busy_port_on_linux_names_modem_manager_and_suspects_permissions_too() {
    let busy = PortError::Busy("NetworkError: Failed to open serial port.".into());
    let findings = [Finding::PortChosen { usb: Some(MF626) }, Finding::from_open_error(&busy).unwrap()];
    let f = facts(Os::Linux, &findings);
    assert_eq!(verdict(&f, Check::PortFree), Verdict::Blocker(Fix::StopModemManager));
    assert_eq!(Fix::StopModemManager.commands(), ["sudo systemctl stop ModemManager"]);
    // Chromium reports a tty it may not open with the same NetworkError.
    assert_eq!(verdict(&f, Check::Permission), Verdict::Warning(Fix::GrantLinuxAccess { vid: Some(0x19d2) }));
    assert_eq!(verdict(&f, Check::PortAnswers), Verdict::NotApplicable(Because::PortNotOpened));
    assert_eq!(first_blocker(&examine(&f)).map(|r| r.check), Some(Check::PortFree));
}

#[test]
fn a_busy_port_elsewhere_means_closing_the_dashboard_or_the_other_tab() {
    let findings = [Finding::PortChosen { usb: Some(E3372H) }, Finding::PortBusy];
    for os in [Os::Windows, Os::MacOs, Os::ChromeOs] {
        let f = facts(os, &findings);
        assert_eq!(verdict(&f, Check::PortFree), Verdict::Blocker(Fix::CloseOtherPrograms), "{os:?}");
        assert!(!matches!(verdict(&f, Check::Permission), Verdict::Warning(_) | Verdict::Blocker(_)));
    }
    // Windows made a COM port, so its driver is there.
    assert_eq!(verdict(&facts(Os::Windows, &findings), Check::Driver), Verdict::Ok);
}

#[test]
fn access_denied_on_linux_gives_the_dialout_and_udev_lines_for_the_vendor() {
    let denied = PortError::Denied("SecurityError: Access denied.".into());
    let findings = [Finding::PortChosen { usb: Some(E3372H) }, Finding::from_open_error(&denied).unwrap()];
    let f = facts(Os::Linux, &findings);
    let Verdict::Blocker(fix) = verdict(&f, Check::Permission) else { panic!("{:?}", examine(&f)) };
    assert_eq!(fix, Fix::GrantLinuxAccess { vid: Some(0x12d1) });
    assert!(fix.commands().iter().any(|l| l.contains(r#"ATTRS{idVendor}=="12d1""#)));
    assert_eq!(verdict(&f, Check::PortFree), Verdict::NotApplicable(Because::PortNotOpened));
    // Windows answers a wrongly bound driver the same way (§5.4).
    assert_eq!(
        verdict(&facts(Os::Windows, &findings), Check::Permission),
        Verdict::Blocker(Fix::InstallVendorDriver { vendor: Some(Vendor::Huawei) })
    );
}

#[test]
fn on_windows_a_modem_missing_from_the_chooser_points_at_the_driver() {
    let f = facts(Os::Windows, &[Finding::NoPortChosen]);
    assert_eq!(verdict(&f, Check::Driver), Verdict::Warning(Fix::InstallVendorDriver { vendor: None }));
    assert_eq!(
        verdict(&facts(Os::Linux, &[Finding::NoPortChosen]), Check::Driver),
        Verdict::NotApplicable(Because::NotThisOs)
    );
}

#[test]
fn a_stick_in_cd_rom_mode_is_switched_by_the_system_each_system_its_own_way() {
    let findings = [Finding::CdRomOnly { usb: E3372H_CD }];
    let mode = |os| verdict(&facts(os, &findings), Check::Mode);
    assert_eq!(mode(Os::Linux), Verdict::Blocker(Fix::UsbModeswitch { usb: E3372H_CD }));
    assert_eq!(mode(Os::Windows), Verdict::Blocker(Fix::InstallVendorDriver { vendor: Some(Vendor::Huawei) }));
    assert_eq!(mode(Os::MacOs), Verdict::Blocker(Fix::InstallVendorDriver { vendor: Some(Vendor::Huawei) }));
    assert_eq!(mode(Os::ChromeOs), Verdict::Blocker(Fix::WaitForChromeOs));
    assert_eq!(
        verdict(&facts(Os::Windows, &findings), Check::Driver),
        Verdict::Blocker(Fix::InstallVendorDriver { vendor: Some(Vendor::Huawei) })
    );
    // The CD-ROM id seen through a chosen port is the same finding.
    let chosen = [Finding::PortChosen { usb: Some(UsbId::new(0x19d2, 0x2000)) }];
    assert_eq!(
        verdict(&facts(Os::Linux, &chosen), Check::Mode),
        Verdict::Blocker(Fix::UsbModeswitch { usb: UsbId::new(0x19d2, 0x2000) })
    );
}

#[test]
fn the_mode_must_be_one_the_update_starts_from() {
    let boot_rom = [Finding::PortChosen { usb: Some(UsbId::new(0x12d1, 0x1443)) }, Finding::Opened];
    assert_eq!(verdict(&facts(Os::Linux, &boot_rom), Check::Mode), Verdict::Blocker(Fix::Replug));
    let download = [Finding::PortChosen { usb: Some(UsbId::new(0x12d1, 0x1c05)) }, Finding::Opened];
    assert_eq!(verdict(&facts(Os::Linux, &download), Check::Mode), Verdict::Ok);
    let mut normal_only = facts(Os::Linux, &download);
    normal_only.accepts = &[Mode::Normal];
    assert_eq!(verdict(&normal_only, Check::Mode), Verdict::Blocker(Fix::Replug));
    let unknown = [Finding::PortChosen { usb: Some(UsbId::new(0x2c7c, 0x0125)) }, Finding::Opened];
    assert_eq!(verdict(&facts(Os::Linux, &unknown), Check::Mode), Verdict::NotApplicable(Because::UnknownDevice));
}

#[test]
fn the_diag_port_of_an_mf626_names_the_at_port_to_pick_instead() {
    let answer = PortAnswer::from_probe(ProbeState::Diag);
    let findings = [Finding::PortChosen { usb: Some(MF626) }, Finding::Opened, Finding::Answered(answer)];
    let f = facts(Os::Linux, &findings);
    assert_eq!(verdict(&f, Check::PortAnswers), Verdict::Blocker(Fix::ChooseAtPort { interface: Some(2) }));
    assert_eq!(verdict(&f, Check::PortFree), Verdict::Ok);
}

#[test]
fn a_port_silent_to_at_diag_and_dmss_is_a_blocker_with_the_port_to_pick() {
    let silent = PortAnswer::from_probe(ProbeState::NotQualcomm);
    assert_eq!(silent, PortAnswer::Silent);
    let findings = [Finding::PortChosen { usb: Some(E3372H) }, Finding::Opened, Finding::Answered(silent)];
    let f = facts(Os::Windows, &findings);
    assert_eq!(verdict(&f, Check::PortAnswers), Verdict::Blocker(Fix::ChooseAtPort { interface: Some(2) }));
    // A device the catalogue does not know: the advice stays, without an interface.
    let unknown = [Finding::PortChosen { usb: None }, Finding::Opened, Finding::Answered(silent)];
    assert_eq!(
        verdict(&facts(Os::Linux, &unknown), Check::PortAnswers),
        Verdict::Blocker(Fix::ChooseAtPort { interface: None })
    );
    let sahara = PortAnswer::from_probe(ProbeState::Sahara);
    let findings =
        [Finding::PortChosen { usb: Some(UsbId::new(0x05c6, 0x9008)) }, Finding::Opened, Finding::Answered(sahara)];
    assert_eq!(verdict(&facts(Os::Linux, &findings), Check::PortAnswers), Verdict::Blocker(Fix::UseVendorUpdater));
}

#[test]
fn a_discharging_laptop_below_a_fifth_is_warned_not_blocked() {
    let with = |battery| {
        let mut f = facts(Os::Windows, &healthy(E3372H));
        f.battery = battery;
        (verdict(&f, Check::Battery), first_blocker(&examine(&f)).is_some())
    };
    assert_eq!(with(Some(Battery { charging: false, level: 0.15 })), (Verdict::Warning(Fix::PlugInCharger), false));
    assert_eq!(with(Some(Battery { charging: true, level: 0.15 })), (Verdict::Ok, false));
    assert_eq!(with(Some(Battery { charging: false, level: 0.20 })), (Verdict::Ok, false));
    assert_eq!(with(None), (Verdict::NotApplicable(Because::NoBatteryReading), false));
}

#[test]
fn the_virtual_modem_is_subject_to_no_check() {
    let mut f = facts(Os::Linux, &[]);
    f.route = Route::Virtual;
    f.browser = Browser { web_serial: false, secure_context: false };
    f.battery = Some(Battery { charging: false, level: 0.05 });
    let results = examine(&f);
    assert!(results.iter().all(|r| r.verdict == Verdict::NotApplicable(Because::VirtualModem)), "{results:?}");
}

#[test]
fn a_lost_device_is_no_finding_about_the_port() {
    assert_eq!(Finding::from_open_error(&PortError::Disconnected), None);
    assert_eq!(Finding::from_open_error(&PortError::Io("x".into())), None);
}
