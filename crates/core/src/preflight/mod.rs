//! The pre-flight doctor: before anything is written, every way the update could fail
//! to even start is checked, and each blocker comes with its fix for this operating
//! system (issue 6, "The doctor"; specs/web-platform.md §1, §2, §5, §7).
//!
//! The doctor does no IO. The page (or the CLI) gathers [`Facts`]: the browser's
//! abilities, the battery, and what the transports and probes reported as
//! [`Finding`]s; [`examine`] turns them into one [`CheckResult`] per [`Check`]. The
//! update may start only when no check is a [`Verdict::Blocker`].

pub mod finding;
pub mod fix;
pub mod os;

use serde::Serialize;

pub use finding::{Finding, PortAnswer};
pub use fix::Fix;
pub use os::Os;

use crate::device::catalogue::{self, Mode};
use crate::device::{PortRole, UsbId};

/// Below this charge a discharging laptop gets the warning (issue 6: 20 %).
pub const LOW_BATTERY: f32 = 0.20;

/// One thing the doctor checks, in the order the checklist shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The browser has Web Serial, §1.
    Browser,
    /// The page runs in a secure context, §2.
    SecureContext,
    /// Nothing else holds the port, §5.2, §7.2.
    PortFree,
    /// The system lets this user open the port (Linux), §5.2.
    Permission,
    /// A driver created the modem's ports (Windows), §5.4.
    Driver,
    /// The device is in a mode the update can start from (catalogue), §4, §5.1.
    Mode,
    /// The chosen port is the one that answers, §3.1.
    PortAnswers,
    /// A laptop will not run out of power half-way, §8.3.
    Battery,
}

impl Check {
    /// Every check, in the checklist's order.
    pub const ALL: [Check; 8] = [
        Check::Browser,
        Check::SecureContext,
        Check::PortFree,
        Check::Permission,
        Check::Driver,
        Check::Mode,
        Check::PortAnswers,
        Check::Battery,
    ];
}

/// A check's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "verdict")]
pub enum Verdict {
    /// Nothing to do.
    Ok,
    /// The update may start, but this should be fixed first.
    Warning(Fix),
    /// The update cannot start until this is fixed.
    Blocker(Fix),
    /// The check does not apply (yet), and why.
    NotApplicable(Because),
}

/// Why a check does not apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Because {
    /// The virtual modem runs inside the page: no browser API, port or power involved.
    VirtualModem,
    /// No port was chosen yet.
    NoPortYet,
    /// The chosen port did not open, so it could not be asked.
    PortNotOpened,
    /// This operating system has no such problem.
    NotThisOs,
    /// An insecure page hides the APIs, so their presence cannot be told.
    NeedsSecureContext,
    /// The browser does not report the battery (desktops, Firefox, Safari).
    NoBatteryReading,
    /// The USB id is not in the catalogue, so its mode is unknown.
    UnknownDevice,
}

/// What the browser offers (§1: `"serial" in navigator`, `isSecureContext`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Browser {
    /// Web Serial is there.
    pub web_serial: bool,
    /// The page is https or localhost.
    pub secure_context: bool,
}

/// `navigator.getBattery()`'s reading.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Battery {
    /// On the charger.
    pub charging: bool,
    /// Charge, 0.0 to 1.0.
    pub level: f32,
}

/// How the modem is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// A real modem through the browser (or a tty).
    Real,
    /// The virtual modem inside the page.
    Virtual,
}

/// Everything the doctor judges.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Facts {
    /// The operating system.
    pub os: Os,
    /// What the browser offers.
    pub browser: Browser,
    /// The battery, when the browser reports one.
    pub battery: Option<Battery>,
    /// Real or virtual modem.
    pub route: Route,
    /// What the transports and probes reported, oldest first.
    pub findings: Vec<Finding>,
    /// The modes the update can start from.
    pub accepts: &'static [Mode],
}

/// One line of the checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// What was checked.
    pub check: Check,
    /// Its result.
    pub verdict: Verdict,
}

impl CheckResult {
    /// Whether the update must wait for this one.
    pub fn blocks(&self) -> bool {
        matches!(self.verdict, Verdict::Blocker(_))
    }
}

/// Runs every check on `facts`, in [`Check::ALL`]'s order.
pub fn examine(facts: &Facts) -> Vec<CheckResult> {
    Check::ALL.into_iter().map(|check| CheckResult { check, verdict: facts.judge(check) }).collect()
}

/// The first blocker, whose fix the update button names.
pub fn first_blocker(results: &[CheckResult]) -> Option<&CheckResult> {
    results.iter().find(|r| r.blocks())
}

impl Facts {
    fn judge(&self, check: Check) -> Verdict {
        if self.route == Route::Virtual {
            return Verdict::NotApplicable(Because::VirtualModem);
        }
        match check {
            Check::Browser => self.browser_check(),
            Check::SecureContext if self.browser.secure_context => Verdict::Ok,
            Check::SecureContext => Verdict::Blocker(Fix::OpenOverHttps),
            Check::PortFree => self.port_free(),
            Check::Permission => self.permission(),
            Check::Driver => self.driver(),
            Check::Mode => self.mode(),
            Check::PortAnswers => self.port_answers(),
            Check::Battery => match self.battery {
                None => Verdict::NotApplicable(Because::NoBatteryReading),
                Some(b) if !b.charging && b.level < LOW_BATTERY => Verdict::Warning(Fix::PlugInCharger),
                Some(_) => Verdict::Ok,
            },
        }
    }

    fn has(&self, finding: Finding) -> bool {
        self.findings.contains(&finding)
    }

    /// The device's USB id, from the chosen port or a CD-ROM sighting.
    fn usb(&self) -> Option<UsbId> {
        self.findings.iter().rev().find_map(|f| match *f {
            Finding::PortChosen { usb } => usb,
            Finding::CdRomOnly { usb } => Some(usb),
            _ => None,
        })
    }

    fn chosen(&self) -> bool {
        self.findings.iter().any(|f| matches!(f, Finding::PortChosen { .. }))
    }

    fn answer(&self) -> Option<PortAnswer> {
        self.findings.iter().rev().find_map(|f| match *f {
            Finding::Answered(answer) => Some(answer),
            _ => None,
        })
    }

    fn cd_rom(&self) -> Option<UsbId> {
        let sighted = self.findings.iter().find_map(|f| match *f {
            Finding::CdRomOnly { usb } => Some(usb),
            _ => None,
        });
        sighted.or(self.usb().filter(|&id| mode_of(id) == Some(Mode::ZeroCd)))
    }

    /// §1: Web Serial is the page's route to modem ports. (WebUSB alone reaches only the
    /// interfaces no driver holds, and the page has no WebUSB transport yet.)
    fn browser_check(&self) -> Verdict {
        let fix = match self.os {
            Os::Ios => Fix::UseComputer,
            Os::Android => Fix::UseChromeOnAndroid,
            _ => Fix::UseChromium,
        };
        match self.browser {
            b if !b.secure_context => Verdict::NotApplicable(Because::NeedsSecureContext),
            b if b.web_serial => Verdict::Ok,
            _ => Verdict::Blocker(fix),
        }
    }

    /// §5.2, §7.2: a held port fails to open; on Linux ModemManager is the usual holder.
    fn port_free(&self) -> Verdict {
        if self.has(Finding::PortBusy) {
            Verdict::Blocker(if self.os == Os::Linux { Fix::StopModemManager } else { Fix::CloseOtherPrograms })
        } else if self.has(Finding::Opened) {
            Verdict::Ok
        } else if self.chosen() {
            Verdict::NotApplicable(Because::PortNotOpened)
        } else {
            Verdict::NotApplicable(Because::NoPortYet)
        }
    }

    /// §5.2: on Linux the tty needs the `dialout` group or a udev rule. Chromium reports
    /// a refused tty with the same `NetworkError` as a held one, so on Linux a "busy"
    /// port is also a permission warning.
    fn permission(&self) -> Verdict {
        let denied = self.has(Finding::AccessDenied);
        let linux_access = Fix::GrantLinuxAccess { vid: self.usb().map(|id| id.vid) };
        match self.os {
            Os::Linux if denied => Verdict::Blocker(linux_access),
            Os::Linux if self.has(Finding::Opened) => Verdict::Ok,
            Os::Linux if self.has(Finding::PortBusy) => Verdict::Warning(linux_access),
            Os::Linux => Verdict::NotApplicable(Because::NoPortYet),
            // §5.4: Windows answers a port bound to the wrong driver with "Access denied".
            Os::Windows if denied => Verdict::Blocker(self.vendor_driver()),
            _ if denied => Verdict::Blocker(Fix::Replug),
            _ => Verdict::NotApplicable(Because::NotThisOs),
        }
    }

    /// §5.4: Windows shows a COM port only when a driver made one; a stick that shows
    /// only its CD-ROM waits for the vendor's driver to switch it.
    fn driver(&self) -> Verdict {
        if self.os != Os::Windows {
            Verdict::NotApplicable(Because::NotThisOs)
        } else if self.cd_rom().is_some() {
            Verdict::Blocker(self.vendor_driver())
        } else if self.chosen() {
            Verdict::Ok
        } else if self.has(Finding::NoPortChosen) {
            Verdict::Warning(self.vendor_driver())
        } else {
            Verdict::NotApplicable(Because::NoPortYet)
        }
    }

    /// §4, §5.1: the catalogue's mode of the USB id against the modes the job starts from.
    fn mode(&self) -> Verdict {
        if let Some(usb) = self.cd_rom() {
            return Verdict::Blocker(match self.os {
                Os::Linux => Fix::UsbModeswitch { usb },
                Os::Windows | Os::MacOs => self.vendor_driver(),
                Os::ChromeOs => Fix::WaitForChromeOs,
                _ => Fix::Replug,
            });
        }
        match self.usb().map(mode_of) {
            None => Verdict::NotApplicable(Because::NoPortYet),
            Some(None) => Verdict::NotApplicable(Because::UnknownDevice),
            Some(Some(mode)) if self.accepts.contains(&mode) => Verdict::Ok,
            Some(Some(_)) => Verdict::Blocker(Fix::Replug),
        }
    }

    /// §3.1: ports of one dongle look alike; the probes tell the AT port from the DIAG,
    /// GPS and data ports, and the catalogue says which interface to pick instead.
    fn port_answers(&self) -> Verdict {
        match self.answer() {
            Some(PortAnswer::At | PortAnswer::Download) => Verdict::Ok,
            Some(PortAnswer::Diag | PortAnswer::Silent) => {
                let interface = self.usb().and_then(|id| {
                    catalogue::lookup(id).find_map(|e| e.ports.iter().find(|(_, r)| *r == PortRole::Pcui)).map(|p| p.0)
                });
                Verdict::Blocker(Fix::ChooseAtPort { interface })
            }
            Some(PortAnswer::NewerQualcommLoader) => Verdict::Blocker(Fix::UseVendorUpdater),
            None if self.chosen() => Verdict::NotApplicable(Because::PortNotOpened),
            None => Verdict::NotApplicable(Because::NoPortYet),
        }
    }

    fn vendor_driver(&self) -> Fix {
        Fix::InstallVendorDriver { vendor: self.usb().and_then(UsbId::vendor) }
    }
}

fn mode_of(id: UsbId) -> Option<Mode> {
    catalogue::lookup(id).next().map(|e| e.mode)
}
