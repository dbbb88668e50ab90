//! Download modes, device side: the personality a family's boot loader shows on its
//! download port. The dongle keeps what outlives a mode (flash, fault plan, counters)
//! and hands it to the personality as a [`Target`].

use std::collections::BTreeMap;

use modemflash_core::time::Instant;

use crate::fault::FaultPlan;

/// What download mode writes to and consults: the dongle's flash and the session's
/// fault plan (for planned NAKs).
pub struct Target<'a> {
    /// Partition code (Balong) or partition-table index (Qualcomm) → bytes.
    pub flash: &'a mut BTreeMap<u32, Vec<u8>>,
    /// Planned faults.
    pub faults: &'a mut FaultPlan,
    /// Partitions started in this session, across re-enumerations.
    pub partitions_started: &'a mut usize,
    /// The partition table stored in flash (Qualcomm NAND, specs/qualcomm-dload.md
    /// §4.4); empty when none was ever written.
    pub partition_table: &'a mut Vec<u8>,
    /// When the chunk reached the device.
    pub now: Instant,
}

/// What the download mode asks the dongle to do besides replying.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// `0A` was ACKed: reboot into normal mode in a second.
    Reboot,
}

/// Reply bursts and at most one action.
#[derive(Debug, Default)]
pub struct Output {
    /// Bursts to send, in order.
    pub bursts: Vec<Vec<u8>>,
    /// Set when the dongle must reboot.
    pub action: Option<Action>,
}

/// A family's download mode on its download port.
pub trait DownloadDevice: std::fmt::Debug {
    /// One received USB chunk; completed partitions go into the target's flash.
    fn receive(&mut self, chunk: &[u8], target: &mut Target<'_>) -> Output;

    /// Whether anything was written: the flash is no longer what it was.
    fn wrote_anything(&self) -> bool;
}
