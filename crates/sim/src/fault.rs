//! Fault plans: what goes wrong on the link or in the dongle, and when.
//!
//! Transfers are counted from the start of the session, each direction on its own
//! (the host's writes, the dongle's reply bursts), across mode switches. A fault fires
//! once.

use core::time::Duration;

/// One thing that goes wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The host's `nth` transfer never reaches the dongle.
    DropToDevice {
        /// Transfer index, from 0.
        nth: u64,
    },
    /// One byte in the middle of the host's `nth` transfer is flipped on the way.
    CorruptToDevice {
        /// Transfer index, from 0.
        nth: u64,
    },
    /// The dongle's `nth` burst never reaches the host.
    DropToHost {
        /// Burst index, from 0.
        nth: u64,
    },
    /// One byte in the middle of the dongle's `nth` burst is flipped on the way.
    CorruptToHost {
        /// Burst index, from 0.
        nth: u64,
    },
    /// The dongle's `nth` burst arrives `by` late; the bursts behind it on its interface
    /// wait for it (a USB pipe keeps its order).
    DelayToHost {
        /// Burst index, from 0.
        nth: u64,
        /// The extra delay.
        by: Duration,
    },
    /// Download mode refuses data block `block` of the `partition`-th partition started
    /// in this session (from 0) with NAK `code`, once. A Sierra module refuses unframed
    /// write `block - 1` of the `partition`-th opened image with Error `code` instead.
    NakBlock {
        /// Which started partition.
        partition: usize,
        /// Block number (from 1).
        block: u32,
        /// The NAK code.
        code: u8,
    },
    /// The dongle is pulled out once `bytes` bytes have reached it in download mode, and
    /// plugged in again `replug_after` later (it comes back in download mode: the
    /// download flag survives until a finished update, huawei-balong.md §2 [inferred]).
    UnplugAtByte {
        /// Bytes received in download mode before the unplug.
        bytes: u64,
        /// How long it stays out.
        replug_after: Duration,
    },
    /// The dongle restarts on its own (a watchdog, a brown-out) once `bytes` bytes have
    /// reached it in download mode: it leaves the bus at once and boots where its flags
    /// lead. The download flag is still set, so it comes back in download mode a few
    /// seconds later (huawei-balong.md §2 [inferred]); what the open partition received
    /// is lost.
    RebootAtByte {
        /// Bytes received in download mode before the restart.
        bytes: u64,
    },
}

/// A set of faults for one session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultPlan {
    faults: Vec<Fault>,
}

impl FaultPlan {
    /// No faults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a fault.
    pub fn with(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// The faults still planned.
    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    /// Whether nothing is planned.
    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }

    /// Removes and returns the first planned fault `matches` accepts.
    pub(crate) fn take(&mut self, matches: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let i = self.faults.iter().position(matches)?;
        Some(self.faults.remove(i))
    }
}

/// Flips one byte in the middle of `bytes`, a corruption the FCS is sure to catch.
pub(crate) fn corrupt(bytes: &mut [u8]) {
    if let Some(b) = bytes.get_mut(bytes.len() / 2) {
        *b ^= 0x10;
    }
}
