//! One virtual dongle: its mode, its USB identity and its firmware's behaviour, sans-IO.
//!
//! Input arrives through [`VirtualDongle::handle_input`] with the instant it reached the
//! device; output leaves as [`Emission`]s with the device's processing delay. Timers
//! (periodic URCs today; reboots and re-enumeration as modes are added) are polled with
//! [`VirtualDongle::poll_timeout`] and fired with [`VirtualDongle::handle_timeout`].

use core::time::Duration;

use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::time::Instant;

use crate::modem::{NormalMode, PdpContext};
use crate::profile::Profile;

/// How long the firmware takes to answer an AT command.
const AT_REPLY_DELAY: Duration = Duration::from_millis(2);

/// How often the PCUI port reports signal strength while URCs are on.
const URC_PERIOD: Duration = Duration::from_secs(5);

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
}

/// A virtual USB modem dongle.
#[derive(Debug)]
pub struct VirtualDongle {
    profile: &'static Profile,
    mode: Mode,
    generation: u32,
    next_urc: Instant,
}

impl VirtualDongle {
    /// A dongle just plugged in, in normal mode.
    pub fn new(profile: &'static Profile) -> Self {
        VirtualDongle {
            profile,
            mode: Mode::Normal(NormalMode::new(profile)),
            generation: 0,
            next_urc: Instant::ZERO + URC_PERIOD,
        }
    }

    /// Which real dongle this one plays.
    pub fn profile(&self) -> &'static Profile {
        self.profile
    }

    /// The USB id it shows now.
    pub fn usb_id(&self) -> UsbId {
        match self.mode {
            Mode::Normal(_) => self.profile.normal_id,
        }
    }

    /// Its serial interfaces now, by interface number.
    pub fn ports(&self) -> &'static [(u8, PortRole)] {
        match self.mode {
            Mode::Normal(_) => self.profile.normal_ports,
        }
    }

    /// Increments every time the dongle re-enumerates; a port opened on an older
    /// generation is gone.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// The APN profiles stored in normal mode.
    pub fn apns(&self) -> Option<&[PdpContext]> {
        match &self.mode {
            Mode::Normal(m) => Some(m.apns()),
        }
    }

    /// Bytes that reached the device on `iface` at `now`.
    pub fn handle_input(&mut self, iface: u8, bytes: &[u8], _now: Instant) -> Vec<Emission> {
        match &mut self.mode {
            Mode::Normal(m) => {
                let received = m.receive(iface, bytes);
                let mut out = Vec::new();
                // Echo goes out as the characters arrive; replies after processing.
                if !received.echo.is_empty() {
                    out.push(Emission { iface, bytes: received.echo, delay: Duration::ZERO });
                }
                out.extend(received.replies.into_iter().map(|bytes| Emission { iface, bytes, delay: AT_REPLY_DELAY }));
                out
            }
        }
    }

    /// When the dongle next does something by itself.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.mode {
            Mode::Normal(_) => Some(self.next_urc),
        }
    }

    /// Runs the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<Emission> {
        let mut out = Vec::new();
        match &mut self.mode {
            Mode::Normal(m) => {
                while self.next_urc <= now {
                    self.next_urc += URC_PERIOD;
                    if let Some((iface, bytes)) = m.periodic_urc() {
                        out.push(Emission { iface, bytes, delay: Duration::ZERO });
                    }
                }
            }
        }
        out
    }
}
