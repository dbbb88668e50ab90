//! The virtual dongle on a modelled USB link, in virtual time.
//!
//! [`Sim`] is the world: one dongle, the link, one virtual clock, and the bytes in
//! flight each way. [`SimPort`] is one opened interface of it and implements the
//! engine's `Port`, so the engine runs against the virtual dongle exactly as against a
//! real one, deterministically and as fast as the CPU allows. Like quinn's test `Pair`,
//! a read that would wait jumps the clock to the next thing that happens.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use core::time::Duration;

use modemflash_core::device::mode_switch::ControlRequest;
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::port::{Port, PortError};
use modemflash_core::time::Instant;

use crate::dongle::{Emission, VirtualDongle};
use crate::fault::{corrupt, Fault, FaultPlan};
use crate::link::Link;
use crate::profile::Profile;
use crate::zero_cd::ControlOutcome;

/// Bytes on their way to the host, readable from `at`.
#[derive(Debug)]
struct Delivery {
    at: Instant,
    bytes: Vec<u8>,
    read: usize,
}

#[derive(Debug)]
struct World {
    dongle: VirtualDongle,
    link: Link,
    now: Instant,
    /// Host → device transfers: arrival instant, interface, bytes (in arrival order).
    to_device: VecDeque<(Instant, u8, Vec<u8>)>,
    /// Device → host, per interface, in arrival order.
    to_host: BTreeMap<u8, VecDeque<Delivery>>,
    /// When each direction's wire is free again (bandwidth is shared by all interfaces).
    host_wire_free: Instant,
    device_wire_free: Instant,
    /// Transfers so far, each way, for the fault plan.
    host_transfers: u64,
    device_bursts: u64,
    /// The dongle generation the queued replies belong to.
    generation: u32,
}

fn to_host_fault(f: &Fault, nth: u64) -> bool {
    matches!(f, Fault::DropToHost { nth: n } | Fault::CorruptToHost { nth: n } | Fault::DelayToHost { nth: n, .. } if *n == nth)
}

impl World {
    fn next_event(&self) -> Option<Instant> {
        let arrival = self.to_device.front().map(|(t, _, _)| *t);
        match (arrival, self.dongle.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Runs everything that happens up to and including `until`, in time order.
    fn run_until(&mut self, until: Instant) {
        while let Some(t) = self.next_event().filter(|t| *t <= until) {
            self.now = self.now.max(t);
            let emissions = match self.to_device.front() {
                Some((arrive, _, _)) if *arrive <= t => {
                    let (_, iface, bytes) = self.to_device.pop_front().expect("front exists");
                    self.dongle.handle_input(iface, &bytes, t)
                }
                _ => self.dongle.handle_timeout(t),
            };
            self.forget_stale();
            for e in emissions {
                self.schedule(t, e);
            }
        }
        self.now = self.now.max(until);
    }

    /// A dongle that left the bus takes its unread replies with it: a port opened after
    /// it comes back must not read what the previous incarnation sent.
    fn forget_stale(&mut self) {
        if self.dongle.generation() != self.generation {
            self.generation = self.dongle.generation();
            self.to_host.clear();
        }
    }

    fn schedule(&mut self, at: Instant, e: Emission) {
        let nth = self.device_bursts;
        self.device_bursts += 1;
        let mut bytes = e.bytes;
        let mut late = Duration::ZERO;
        match self.dongle.faults().take(|f| to_host_fault(f, nth)) {
            Some(Fault::DropToHost { .. }) => return,
            Some(Fault::CorruptToHost { .. }) => corrupt(&mut bytes),
            Some(Fault::DelayToHost { by, .. }) => late = by,
            _ => {}
        }
        let start = (at + e.delay).max(self.device_wire_free);
        let sent = start + self.link.transfer_time(bytes.len());
        self.device_wire_free = sent;
        let queue = self.to_host.entry(e.iface).or_default();
        // One bulk pipe per interface keeps its order: a late burst holds back the bursts
        // behind it, it is never overtaken (the fault matrix found a job that took an
        // overtaken, stale ACK for a lost command's when it could).
        let due = sent + self.link.latency + late;
        let at = queue.back().map_or(due, |last| due.max(last.at));
        queue.push_back(Delivery { at, bytes, read: 0 });
    }

    fn send(&mut self, iface: u8, bytes: &[u8]) {
        let nth = self.host_transfers;
        self.host_transfers += 1;
        let start = self.now.max(self.host_wire_free);
        let sent = start + self.link.transfer_time(bytes.len());
        self.host_wire_free = sent;
        let mut bytes = bytes.to_vec();
        match self
            .dongle
            .faults()
            .take(|f| matches!(f, Fault::DropToDevice { nth: n } | Fault::CorruptToDevice { nth: n } if *n == nth))
        {
            Some(Fault::DropToDevice { .. }) => bytes.clear(),
            Some(_) => corrupt(&mut bytes),
            None => {}
        }
        if !bytes.is_empty() {
            self.to_device.push_back((sent + self.link.latency, iface, bytes));
        }
        // The writer is busy until its bytes are on the wire.
        self.run_until(sent);
    }

    /// When the next bytes for `iface` become readable.
    fn next_delivery(&self, iface: u8) -> Option<Instant> {
        self.to_host.get(&iface).and_then(|q| q.front()).map(|d| d.at)
    }

    /// Copies up to `buf.len()` readable bytes of the first due delivery.
    fn take(&mut self, iface: u8, buf: &mut [u8]) -> usize {
        let Some(queue) = self.to_host.get_mut(&iface) else {
            return 0;
        };
        let Some(d) = queue.front_mut().filter(|d| d.at <= self.now) else {
            return 0;
        };
        let n = buf.len().min(d.bytes.len() - d.read);
        buf[..n].copy_from_slice(&d.bytes[d.read..d.read + n]);
        d.read += n;
        if d.read == d.bytes.len() {
            queue.pop_front();
        }
        n
    }
}

/// What has crossed the link so far: where planned faults can land.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Host transfers sent (counted as [`Fault::DropToDevice`] counts them).
    pub host_transfers: u64,
    /// Dongle bursts sent (counted as [`Fault::DropToHost`] counts them).
    pub device_bursts: u64,
    /// Bytes received in download mode (counted as [`Fault::UnplugAtByte`] counts them).
    pub download_bytes: u64,
}

/// A virtual dongle on a virtual USB link: share it between the port the engine uses
/// and the test that inspects the dongle afterwards.
#[derive(Clone, Debug)]
pub struct Sim {
    world: Rc<RefCell<World>>,
}

impl Sim {
    /// A freshly plugged-in dongle of `profile` on a USB high-speed link.
    pub fn new(profile: &'static Profile) -> Self {
        Sim::with_link(profile, Link::default())
    }

    /// A freshly plugged-in dongle of `profile` on `link`.
    pub fn with_link(profile: &'static Profile, link: Link) -> Self {
        Sim::from_dongle(VirtualDongle::new(profile), link)
    }

    /// `dongle` on `link`.
    pub fn from_dongle(dongle: VirtualDongle, link: Link) -> Self {
        let world = World {
            dongle,
            link,
            now: Instant::ZERO,
            to_device: VecDeque::new(),
            to_host: BTreeMap::new(),
            host_wire_free: Instant::ZERO,
            device_wire_free: Instant::ZERO,
            host_transfers: 0,
            device_bursts: 0,
            generation: 0,
        };
        Sim { world: Rc::new(RefCell::new(world)) }
    }

    /// Opens interface `iface`, as a host opens one of the dongle's serial ports.
    pub fn open(&self, iface: u8) -> Result<SimPort, PortError> {
        let world = self.world.borrow();
        if !world.dongle.ports().iter().any(|(i, _)| *i == iface) {
            return Err(PortError::Io(format!("the virtual dongle has no serial interface {iface}")));
        }
        Ok(SimPort { world: self.world.clone(), iface, generation: world.dongle.generation() })
    }

    /// Opens the interface that plays `role` now.
    pub fn open_role(&self, role: PortRole) -> Result<SimPort, PortError> {
        let iface = self
            .ports()
            .iter()
            .find(|(_, r)| *r == role)
            .map(|(i, _)| *i)
            .ok_or_else(|| PortError::Io(format!("the virtual dongle has no {} now", role.label())))?;
        self.open(iface)
    }

    /// Plans faults for the rest of the session.
    pub fn set_faults(&self, faults: FaultPlan) {
        self.world.borrow_mut().dongle.set_faults(faults);
    }

    /// The USB id the dongle shows now (`None` while it is off the bus).
    pub fn usb_id(&self) -> Option<UsbId> {
        self.world.borrow().dongle.usb_id()
    }

    /// Pulls the dongle out now.
    pub fn unplug(&self) {
        let mut w = self.world.borrow_mut();
        w.dongle.unplug();
        w.forget_stale();
    }

    /// Plugs the dongle in again now; it enumerates a few seconds later.
    pub fn replug(&self) {
        let mut w = self.world.borrow_mut();
        let now = w.now;
        w.dongle.replug(now);
    }

    /// Advances the virtual clock by `by` with no host activity (waiting for a
    /// re-enumeration, for instance).
    pub fn wait(&self, by: Duration) {
        let mut w = self.world.borrow_mut();
        let until = w.now + by;
        w.run_until(until);
    }

    /// The dongle's serial interfaces now.
    pub fn ports(&self) -> &'static [(u8, PortRole)] {
        self.world.borrow().dongle.ports()
    }

    /// What has crossed the link since the session started.
    pub fn traffic(&self) -> Traffic {
        let w = self.world.borrow();
        Traffic {
            host_transfers: w.host_transfers,
            device_bursts: w.device_bursts,
            download_bytes: w.dongle.download_bytes(),
        }
    }

    /// The virtual clock.
    pub fn now(&self) -> Instant {
        self.world.borrow().now
    }

    /// Looks at the dongle (its flash, its settings) without driving it.
    pub fn inspect<R>(&self, f: impl FnOnce(&VirtualDongle) -> R) -> R {
        f(&self.world.borrow().dongle)
    }

    /// A control request to the device now (endpoint 0 needs no opened interface).
    pub fn control(&self, request: ControlRequest) -> ControlOutcome {
        let mut w = self.world.borrow_mut();
        let now = w.now;
        w.dongle.control(request, now)
    }

    /// Real-time driving (the CLI's `sim --pty`): hands host bytes to `iface` now.
    pub fn send(&self, iface: u8, bytes: &[u8]) {
        self.world.borrow_mut().send(iface, bytes);
    }

    /// Real-time driving: runs the world up to `now`.
    pub fn advance_to(&self, now: Instant) {
        self.world.borrow_mut().run_until(now);
    }

    /// Real-time driving: when something next happens (input processed, a timer, or
    /// output becoming readable on any interface).
    pub fn next_wakeup(&self) -> Option<Instant> {
        let w = self.world.borrow();
        let deliveries = w.to_host.values().filter_map(|q| q.front().map(|d| d.at));
        w.next_event().into_iter().chain(deliveries).min()
    }

    /// Real-time driving: all bytes readable on `iface` now.
    pub fn drain(&self, iface: u8) -> Vec<u8> {
        let mut w = self.world.borrow_mut();
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = w.take(iface, &mut buf);
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }
}

/// One opened serial interface of a [`Sim`]; the engine's `Port` in virtual time.
#[derive(Debug)]
pub struct SimPort {
    world: Rc<RefCell<World>>,
    iface: u8,
    generation: u32,
}

impl SimPort {
    /// The interface number this port is open on.
    pub fn interface(&self) -> u8 {
        self.iface
    }

    fn check_present(&self, w: &World) -> Result<(), PortError> {
        if w.dongle.present() && w.dongle.generation() == self.generation {
            Ok(())
        } else {
            Err(PortError::Disconnected)
        }
    }
}

impl Port for SimPort {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        let mut w = self.world.borrow_mut();
        self.check_present(&w)?;
        w.send(self.iface, bytes);
        Ok(())
    }

    async fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, PortError> {
        let mut w = self.world.borrow_mut();
        let deadline = w.now + timeout;
        let max = buf.len().min(w.link.max_read);
        if max == 0 {
            return Ok(0);
        }
        loop {
            self.check_present(&w)?;
            let n = w.take(self.iface, &mut buf[..max]);
            if n > 0 {
                return Ok(n);
            }
            let next = [w.next_event(), w.next_delivery(self.iface)].into_iter().flatten().min();
            match next {
                Some(t) if t <= deadline => w.run_until(t),
                _ => {
                    w.run_until(deadline);
                    return Ok(0);
                }
            }
        }
    }

    fn now(&self) -> Instant {
        self.world.borrow().now
    }

    /// The virtual link hands every write to the dongle whole, as one USB transfer.
    fn keeps_transfers(&self) -> bool {
        true
    }
}
