//! One virtual dongle: its mode, its USB identity, its flash and its firmware's
//! behaviour, sans-IO.
//!
//! Input arrives through [`VirtualDongle::handle_input`] with the instant it reached the
//! device; output leaves as [`Emission`]s with the device's processing delay. Timers
//! (periodic URCs, the shutdown after `AT^GODLOAD` or a reset, re-enumeration) are polled
//! with [`VirtualDongle::poll_timeout`] and fired with [`VirtualDongle::handle_timeout`].
//!
//! Mode switches behave like the real stick: it answers, goes away (every open port is
//! gone: [`VirtualDongle::generation`] moves on), and comes back a few seconds later
//! with another USB id.

use std::collections::BTreeMap;

use core::time::Duration;

use modemflash_core::device::detect::VENDOR_SPECIFIC;
use modemflash_core::device::mode_switch::{self, ControlRequest};
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::time::Instant;

use crate::bootrom::{BootRom, Started, BOOT_ROM_ID, BOOT_ROM_PORTS};
use crate::download::{Action, DownloadDevice, Target};
use crate::fault::{Fault, FaultPlan};
use crate::modem::{NormalMode, PdpContext, ZteNv};
use crate::nv::NvSettings;
use crate::profile::{Composition, Profile};
use crate::zero_cd::{ControlOutcome, ZeroCd};

/// How long the firmware takes to answer an AT command.
const AT_REPLY_DELAY: Duration = Duration::from_millis(2);

/// How long download mode takes to answer an HDLC frame (a flash write included).
const DLOAD_REPLY_DELAY: Duration = Duration::from_micros(500);

/// How often the PCUI port reports signal strength while URCs are on.
const URC_PERIOD: Duration = Duration::from_secs(5);

/// From `AT^GODLOAD`'s `OK` to the port going away ("about 500 OS ticks", §2).
const GODLOAD_SHUTDOWN: Duration = Duration::from_secs(2);

/// From the `0A` ACK to the reboot (§6: one second).
const RESET_SHUTDOWN: Duration = Duration::from_secs(1);

/// From the last component's `AA` to the loader restarting the stick (§14.4).
const LOADER_START: Duration = Duration::from_millis(100);

/// From going away to enumerating in download mode.
const DOWNLOAD_BOOT: Duration = Duration::from_secs(3);

/// From going away to enumerating in normal mode (the firmware boots).
const NORMAL_BOOT: Duration = Duration::from_secs(8);

/// From the switch message to the modem interfaces enumerating: the firmware already
/// runs, only the USB personality changes [inferred: usb_modeswitch waits seconds].
const MODE_SWITCH: Duration = Duration::from_secs(2);

/// The marker a synthetic firmware image carries so the virtual stick can report the
/// version it was flashed with: `MFSIM-VERSION:<revision>` followed by a NUL byte, in
/// any partition. Real firmware carries its version inside its own images; this is the
/// synthetic images' equivalent.
pub const VERSION_MARKER: &[u8] = b"MFSIM-VERSION:";

/// Bytes the dongle sends on one interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Emission {
    /// Interface number.
    pub iface: u8,
    /// The burst, sent as one transfer.
    pub bytes: Vec<u8>,
    /// Processing time before the burst leaves the device.
    pub delay: Duration,
}

/// What the firmware is running.
#[derive(Debug)]
enum Mode {
    Normal(NormalMode),
    Download(Box<dyn DownloadDevice>),
    /// The boot ROM's emergency port (huawei-balong.md §14).
    BootRom(BootRom),
    /// A virtual CD-ROM, waiting for its switch message (huawei-balong.md §13.3).
    ZeroCd(ZeroCd),
    /// Not on the bus: rebooting, re-enumerating or unplugged.
    Absent,
}

/// Where the dongle goes next, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transition {
    /// Leave the bus (the OK or ACK already went out).
    ShutDown { then: Boot },
    /// Appear on the bus.
    Enumerate(Boot),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Boot {
    Normal,
    /// Modem mode right after the CD-ROM switch.
    Switched,
    ZeroCd(ZeroCd),
    Download,
    EmergencyPort,
}

/// A virtual USB modem dongle.
#[derive(Debug)]
pub struct VirtualDongle {
    profile: &'static Profile,
    mode: Mode,
    generation: u32,
    next_urc: Instant,
    transition: Option<(Instant, Transition)>,
    /// Set by `AT^GODLOAD`, cleared by a finished update: where a power cycle leads.
    download_flag: bool,
    /// The firmware the normal mode runs.
    revision: String,
    /// Settings that survive a reboot (NV), until a firmware update resets them.
    nv: NvSettings,
    /// ZTE `AT+ZCDRUN` flags (NV, kept by firmware updates).
    zte: ZteNv,
    /// The composition normal mode enumerated with.
    composition: Composition,
    /// Partitions written in download mode, by partition code.
    flash: BTreeMap<u32, Vec<u8>>,
    /// The NV area no firmware file carries: IMEI, calibration. Only an erasing boot
    /// loader touches it (huawei-balong.md §14.4).
    nvram: Vec<u8>,
    /// Its bootloader is broken: every power-up ends in the boot ROM until a loader runs.
    bricked: bool,
    /// Its CD-ROM personality, when every power-up starts as a virtual CD-ROM.
    zero_cd: Option<ZeroCd>,
    /// Whether anything was written since the last normal boot.
    flashed: bool,
    faults: FaultPlan,
    download_bytes: u64,
    partitions_started: usize,
    /// The partition table in flash (Qualcomm sticks).
    partition_table: Vec<u8>,
}

impl VirtualDongle {
    /// A dongle just plugged in, in normal mode.
    pub fn new(profile: &'static Profile) -> Self {
        let revision = profile.revision.to_string();
        let nv = NvSettings::factory(profile);
        VirtualDongle {
            profile,
            mode: Mode::Normal(NormalMode::new(
                profile,
                profile.normal_ports,
                revision.clone(),
                nv.clone(),
                ZteNv::FACTORY,
            )),
            generation: 0,
            next_urc: Instant::ZERO + URC_PERIOD,
            transition: None,
            download_flag: false,
            revision,
            nv,
            zte: ZteNv::FACTORY,
            composition: Composition { id: profile.normal_id, ports: profile.normal_ports },
            flash: BTreeMap::new(),
            nvram: factory_nvram(profile),
            bricked: false,
            zero_cd: None,
            flashed: false,
            faults: FaultPlan::new(),
            download_bytes: 0,
            partitions_started: 0,
            partition_table: Vec::new(),
        }
    }

    /// A dongle that is already in download mode when plugged in (an earlier update was
    /// interrupted).
    pub fn in_download_mode(profile: &'static Profile) -> Self {
        let mut d = VirtualDongle::new(profile);
        d.download_flag = true;
        d.mode = Mode::Download(profile.download_device());
        d
    }

    /// A dongle whose bootloader is broken (a boot loop, or the boot test point shorted):
    /// it shows only the boot ROM's emergency port until a loader runs (§14.1).
    pub fn in_boot_rom(profile: &'static Profile) -> Self {
        let mut d = VirtualDongle::new(profile);
        d.bricked = true;
        d.mode = Mode::BootRom(BootRom::new());
        d
    }

    /// A dongle that starts as a virtual CD-ROM at every power-up, with the CD-ROM id and
    /// switch message of the row that leads to its modem id (huawei-balong.md §13.3);
    /// `None` when the switch table knows no such row.
    pub fn in_zero_cd(profile: &'static Profile) -> Option<Self> {
        let cd = ZeroCd::new(mode_switch::leading_to(profile.normal_id)?);
        let mut d = VirtualDongle::new(profile);
        d.zero_cd = Some(cd);
        d.mode = Mode::ZeroCd(cd);
        Some(d)
    }

    /// Plans faults for this session.
    pub fn set_faults(&mut self, faults: FaultPlan) {
        self.faults = faults;
    }

    /// The fault plan, for the link faults the world applies.
    pub(crate) fn faults(&mut self) -> &mut FaultPlan {
        &mut self.faults
    }

    /// Which real dongle this one plays.
    pub fn profile(&self) -> &'static Profile {
        self.profile
    }

    /// Whether it is on the bus.
    pub fn present(&self) -> bool {
        !matches!(self.mode, Mode::Absent)
    }

    /// The USB id it shows now (`None` while off the bus).
    pub fn usb_id(&self) -> Option<UsbId> {
        match self.mode {
            Mode::Normal(_) => Some(self.composition.id),
            Mode::Download(_) => Some(self.profile.download_id),
            Mode::BootRom(_) => Some(BOOT_ROM_ID),
            Mode::ZeroCd(cd) => Some(cd.usb_id()),
            Mode::Absent => None,
        }
    }

    /// Its serial interfaces now, by interface number.
    pub fn ports(&self) -> &'static [(u8, PortRole)] {
        match self.mode {
            Mode::Normal(_) => self.composition.ports,
            Mode::Download(_) => self.profile.download_ports,
            Mode::BootRom(_) => BOOT_ROM_PORTS,
            Mode::ZeroCd(_) | Mode::Absent => &[],
        }
    }

    /// Its USB interfaces now, `(number, class)`: the Mass Storage interface in CD-ROM
    /// mode, vendor-specific serial interfaces otherwise.
    pub fn interfaces(&self) -> Vec<(u8, u8)> {
        match self.mode {
            Mode::ZeroCd(_) => crate::zero_cd::INTERFACES.to_vec(),
            _ => self.ports().iter().map(|&(i, _)| (i, VENDOR_SPECIFIC)).collect(),
        }
    }

    /// A control request to the device at `now`. Only a CD-ROM personality's switch
    /// request is understood (it then leaves the bus and comes back in modem mode); the
    /// model answers no other request, so every other one stalls.
    pub fn control(&mut self, request: ControlRequest, now: Instant) -> ControlOutcome {
        let Mode::ZeroCd(cd) = self.mode else { return ControlOutcome::Stall };
        let outcome = cd.control(request);
        if outcome == ControlOutcome::Ack {
            self.switch_to_modem(now);
        }
        outcome
    }

    /// Leaves CD-ROM mode: off the bus now, back with the modem interfaces soon.
    fn switch_to_modem(&mut self, now: Instant) {
        self.leave_bus();
        self.transition = Some((now + MODE_SWITCH, Transition::Enumerate(Boot::Switched)));
    }

    /// Moves on every time the dongle leaves the bus; a port opened on an older
    /// generation is gone.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// ZTE `AT+ZCDRUN` flags as stored now.
    pub fn zte(&self) -> ZteNv {
        match &self.mode {
            Mode::Normal(m) => m.zte(),
            _ => self.zte,
        }
    }

    /// The firmware version normal mode reports.
    pub fn revision(&self) -> &str {
        &self.revision
    }

    /// The APN profiles stored now.
    pub fn apns(&self) -> &[PdpContext] {
        &self.nv().apns
    }

    /// Every setting stored now (APN profiles, network preferences, PIN check).
    pub fn nv(&self) -> &NvSettings {
        match &self.mode {
            Mode::Normal(m) => m.nv(),
            _ => &self.nv,
        }
    }

    /// The virtual flash: partition code → bytes written.
    pub fn flash(&self) -> &BTreeMap<u32, Vec<u8>> {
        &self.flash
    }

    /// The NV area (IMEI, calibration): erased NAND reads `FF`.
    pub fn nvram(&self) -> &[u8] {
        &self.nvram
    }

    /// Bytes received in download mode this session.
    pub fn download_bytes(&self) -> u64 {
        self.download_bytes
    }

    /// The partition table in flash (Qualcomm sticks; empty when none was written).
    pub fn partition_table(&self) -> &[u8] {
        &self.partition_table
    }

    /// Pulls the dongle out now; [`Self::replug`] plugs it in again.
    pub fn unplug(&mut self) {
        self.leave_bus();
        self.transition = None;
    }

    /// Plugs the dongle in at `now`: it enumerates in the mode its flags lead to.
    pub fn replug(&mut self, now: Instant) {
        let boot = match (self.bricked, self.download_flag, self.zero_cd) {
            (true, _, _) => Boot::EmergencyPort,
            (false, true, _) => Boot::Download,
            (false, false, Some(cd)) => Boot::ZeroCd(cd),
            (false, false, None) => Boot::Normal,
        };
        self.transition = Some((now + boot_time(boot), Transition::Enumerate(boot)));
    }

    /// Bytes that reached the device on `iface` at `now`.
    pub fn handle_input(&mut self, iface: u8, bytes: &[u8], now: Instant) -> Vec<Emission> {
        if let Mode::ZeroCd(cd) = self.mode {
            let Some(status) = cd.bulk_out(iface, bytes) else { return Vec::new() };
            self.switch_to_modem(now);
            return vec![Emission { iface, bytes: status, delay: Duration::ZERO }];
        }
        if !self.ports().iter().any(|(i, _)| *i == iface) {
            return Vec::new();
        }
        match &mut self.mode {
            Mode::Normal(m) => {
                let received = m.receive(iface, bytes);
                let mut out = Vec::new();
                // Echo goes out as the characters arrive; replies after processing.
                if !received.echo.is_empty() {
                    out.push(Emission { iface, bytes: received.echo, delay: Duration::ZERO });
                }
                out.extend(received.replies.into_iter().map(|bytes| Emission { iface, bytes, delay: AT_REPLY_DELAY }));
                if received.enter_download {
                    self.download_flag = true;
                    self.nv = m.nv().clone();
                    self.transition = Some((now + GODLOAD_SHUTDOWN, Transition::ShutDown { then: Boot::Download }));
                }
                out
            }
            Mode::Download(m) => {
                self.download_bytes += bytes.len() as u64;
                let received = self.download_bytes;
                let gone = self.faults.take(|f| {
                    matches!(f, Fault::UnplugAtByte { bytes: at, .. } | Fault::RebootAtByte { bytes: at } if received >= *at)
                });
                match gone {
                    Some(Fault::UnplugAtByte { replug_after, .. }) => {
                        self.leave_bus();
                        // Back on the bus `replug_after` from now.
                        self.transition = Some((now + replug_after, Transition::Enumerate(Boot::Download)));
                        return Vec::new();
                    }
                    Some(_) => {
                        self.leave_bus();
                        self.replug(now);
                        return Vec::new();
                    }
                    None => {}
                }
                let mut target = Target {
                    flash: &mut self.flash,
                    faults: &mut self.faults,
                    partitions_started: &mut self.partitions_started,
                    partition_table: &mut self.partition_table,
                    now,
                };
                let output = m.receive(bytes, &mut target);
                self.flashed |= m.wrote_anything();
                let out: Vec<Emission> = output
                    .bursts
                    .into_iter()
                    .map(|bytes| Emission { iface, bytes, delay: DLOAD_REPLY_DELAY })
                    .collect();
                if output.action == Some(Action::Reboot) {
                    self.download_flag = false;
                    self.transition = Some((now + RESET_SHUTDOWN, Transition::ShutDown { then: Boot::Normal }));
                }
                out
            }
            Mode::BootRom(rom) => {
                let (replies, started) = rom.receive(bytes);
                let out = replies.into_iter().map(|bytes| Emission { iface, bytes, delay: AT_REPLY_DELAY }).collect();
                if let Some(Started::Loader { erases }) = started {
                    if erases {
                        // flash_eraseall: every partition, and the NV area with them.
                        self.flash.clear();
                        self.nvram.fill(0xFF);
                        self.nv.reset_by_update(self.profile);
                    }
                    // The loader brings up download mode through an A-core restart.
                    self.bricked = false;
                    self.download_flag = true;
                    self.transition = Some((now + LOADER_START, Transition::ShutDown { then: Boot::Download }));
                }
                out
            }
            Mode::ZeroCd(_) | Mode::Absent => Vec::new(),
        }
    }

    /// When the dongle next does something by itself.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let urc = matches!(self.mode, Mode::Normal(_)).then_some(self.next_urc);
        let transition = self.transition.map(|(t, _)| t);
        urc.into_iter().chain(transition).min()
    }

    /// Runs the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<Emission> {
        let mut out = Vec::new();
        if let Some((at, transition)) = self.transition {
            if at <= now {
                self.transition = None;
                match transition {
                    Transition::ShutDown { then } => {
                        self.leave_bus();
                        self.transition = Some((at + boot_time(then), Transition::Enumerate(then)));
                    }
                    Transition::Enumerate(boot) => self.enumerate(boot, at),
                }
            }
        }
        if let Mode::Normal(m) = &mut self.mode {
            while self.next_urc <= now {
                self.next_urc += URC_PERIOD;
                if let Some((iface, bytes)) = m.periodic_urc() {
                    out.push(Emission { iface, bytes, delay: Duration::ZERO });
                }
            }
        }
        out
    }

    fn leave_bus(&mut self) {
        if let Mode::Normal(m) = &self.mode {
            self.nv = m.nv().clone();
            self.zte = m.zte();
        }
        if self.present() {
            self.generation += 1;
        }
        self.mode = Mode::Absent;
    }

    fn enumerate(&mut self, boot: Boot, now: Instant) {
        self.mode = match boot {
            Boot::Download => Mode::Download(self.profile.download_device()),
            Boot::EmergencyPort => Mode::BootRom(BootRom::new()),
            Boot::ZeroCd(cd) => Mode::ZeroCd(cd),
            Boot::Normal | Boot::Switched => {
                if std::mem::take(&mut self.flashed) {
                    if let Some(v) = self.flashed_version() {
                        self.revision = v;
                    }
                    // A firmware update resets the NV settings (nv.rs).
                    self.nv.reset_by_update(self.profile);
                }
                self.next_urc = now + URC_PERIOD;
                self.composition = match self.profile.zcdrun {
                    Some(download) if self.zte.download_composition => download,
                    _ => Composition { id: self.profile.normal_id, ports: self.profile.normal_ports },
                };
                let ports = self.composition.ports;
                Mode::Normal(NormalMode::new(self.profile, ports, self.revision.clone(), self.nv.clone(), self.zte))
            }
        };
    }

    /// The version marker of the flashed image, if it carries one.
    fn flashed_version(&self) -> Option<String> {
        self.flash.values().find_map(|data| {
            let at = data.windows(VERSION_MARKER.len()).position(|w| w == VERSION_MARKER)?;
            let rest = &data[at + VERSION_MARKER.len()..];
            let end = rest.iter().position(|&b| b == 0)?;
            Some(String::from_utf8_lossy(&rest[..end]).into_owned())
        })
    }
}

fn boot_time(boot: Boot) -> Duration {
    match boot {
        Boot::Normal | Boot::ZeroCd(_) => NORMAL_BOOT,
        Boot::Switched => MODE_SWITCH,
        Boot::Download | Boot::EmergencyPort => DOWNLOAD_BOOT,
    }
}

/// A factory NV area: the IMEI and a calibration table, as the stick left the factory.
fn factory_nvram(profile: &Profile) -> Vec<u8> {
    let mut nv = format!("IMEI={}\0CALIBRATION=", profile.imei).into_bytes();
    nv.extend((0..256u32).map(|i| (i * 37 + 11) as u8));
    nv
}
