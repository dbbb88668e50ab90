//! Qualcomm DMSS download (specs/qualcomm-dload.md §3): the boot ROM's download mode
//! that takes a streaming-download programmer into RAM with `WRITE_32BIT` blocks and
//! jumps to it with `GO`. Multi-byte fields are big-endian.

pub mod client;
pub mod command;

pub use client::{DmssClient, DmssError, SEND_ATTEMPTS};
pub use command::{Cmd, Nak, Params, Reply, WRITE32_HEADER};
