//! Real-time driving of a virtual dongle: wall time becomes the sim's clock, host bytes go
//! in with [`Sim::send`], readable bytes come out with [`Sim::drain`].
//!
//! The byte ends (the pseudo-terminal, the JSON bridge) plug in as a [`HostEnd`]; the loop
//! is the same for both. It also follows the dongle on and off the bus (DESIGN.md "Mode
//! switches"): when it leaves, the host end hears [`HostEnd::disconnected`]; when it comes
//! back, with another USB id and other ports, [`HostEnd::connected`].

use std::io;
use std::os::fd::BorrowedFd;
use std::path::{Path, PathBuf};
use std::time::Instant as WallInstant;

use core::time::Duration;

use modemflash_core::device::mode_switch::ControlRequest;
use modemflash_core::time::Instant;
use modemflash_sim::zero_cd::ControlOutcome;
use modemflash_sim::{Link, Sim};
use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use super::stop;

/// A link that adds nothing: the pty or the pipe and the OS bring the real latency.
pub const REAL_TIME: Link = Link { bytes_per_sec: 0, latency: Duration::ZERO, max_read: usize::MAX };

/// The longest the loop sleeps, so a stop request is seen promptly even without a signal
/// interrupting `poll`.
pub const MAX_WAIT: Duration = Duration::from_millis(100);

/// What the host side did while the driver waited.
pub enum HostInput {
    /// What the host did, in order (possibly nothing).
    Ops(Vec<HostOp>),
    /// The host side is gone for good: stop serving.
    Closed,
}

/// One thing the host did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostOp {
    /// Wrote bytes to an interface.
    Write { iface: u8, bytes: Vec<u8> },
    /// Pulled the dongle out.
    Unplug,
    /// Plugged it in again.
    Replug,
    /// Sent a control request to the device.
    Control(ControlRequest),
    /// Asked whether the virtual flash holds what this firmware file must leave in it.
    CheckFlash(PathBuf),
}

/// One side of the wire a person or a test talks through.
pub trait HostEnd {
    /// Waits at most `timeout` for the host to act, and returns what it did.
    fn wait(&mut self, timeout: Duration) -> io::Result<HostInput>;

    /// Hands bytes the dongle sent on `iface` to the host. Interfaces this end does not
    /// serve are dropped here, as bytes on a port nobody opened.
    fn deliver(&mut self, iface: u8, bytes: &[u8]) -> io::Result<()>;

    /// The dongle left the bus (a mode switch, a reboot, an unplug): its ports are gone.
    fn disconnected(&mut self) -> io::Result<()>;

    /// The dongle is on the bus again, with the USB id and ports `sim` shows now.
    fn connected(&mut self, sim: &Sim) -> io::Result<()>;

    /// How the device answered a control request. Only the JSON bridge sends control
    /// requests; a pseudo-terminal has no endpoint 0, so the default ignores it.
    fn control_done(&mut self, outcome: ControlOutcome) -> io::Result<()> {
        let _ = outcome;
        Ok(())
    }

    /// Answers a [`HostOp::CheckFlash`]; only the JSON bridge asks.
    fn check_flash(&mut self, sim: &Sim, file: &Path) -> io::Result<()> {
        let _ = (sim, file);
        Ok(())
    }
}

/// Serves `sim` to `host` until the host closes or SIGINT/SIGTERM arrives. The host has
/// already announced the dongle as it is at the start.
pub fn serve(sim: &Sim, host: &mut impl HostEnd) -> io::Result<()> {
    let origin = WallInstant::now();
    let clock = || Instant::from_origin(origin.elapsed());
    let mut bus = Bus::now(sim);
    loop {
        let now = clock();
        sim.advance_to(now);
        bus.follow(sim, host)?;
        for &(iface, _) in sim.ports() {
            let bytes = sim.drain(iface);
            if !bytes.is_empty() {
                host.deliver(iface, &bytes)?;
            }
        }
        if stop::requested() {
            return Ok(());
        }
        let wait = sim.next_wakeup().map_or(MAX_WAIT, |next| next - now).min(MAX_WAIT);
        match host.wait(wait)? {
            HostInput::Closed => return Ok(()),
            HostInput::Ops(ops) => {
                for op in ops {
                    sim.advance_to(clock());
                    match op {
                        HostOp::Write { iface, bytes } => sim.send(iface, &bytes),
                        HostOp::Unplug => sim.unplug(),
                        HostOp::Replug => sim.replug(),
                        HostOp::Control(request) => host.control_done(sim.control(request))?,
                        HostOp::CheckFlash(file) => host.check_flash(sim, &file)?,
                    }
                }
            }
        }
    }
}

/// What the host was last told about the dongle's presence on the bus.
struct Bus {
    present: bool,
    generation: u32,
}

impl Bus {
    fn now(sim: &Sim) -> Self {
        Bus { present: sim.usb_id().is_some(), generation: sim.inspect(|d| d.generation()) }
    }

    /// Tells the host when the dongle left or came back (both, if it did both since the
    /// last look).
    fn follow(&mut self, sim: &Sim, host: &mut impl HostEnd) -> io::Result<()> {
        let now = Bus::now(sim);
        if self.present && (!now.present || now.generation != self.generation) {
            host.disconnected()?;
            self.present = false;
        }
        if !self.present && now.present {
            host.connected(sim)?;
        }
        *self = now;
        Ok(())
    }
}

/// Waits at most `timeout` for `fd` to become readable (or hung up: the read tells).
/// A signal ends the wait early with `false`.
pub fn wait_readable(fd: BorrowedFd<'_>, timeout: Duration) -> io::Result<bool> {
    // Round up: a zero-millisecond poll for a wakeup 0.4 ms away would spin.
    let millis = u16::try_from(timeout.as_micros().div_ceil(1000)).unwrap_or(u16::MAX);
    let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
    match poll(&mut fds, PollTimeout::from(millis)) {
        Ok(ready) => Ok(ready > 0),
        Err(Errno::EINTR) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
