//! Huawei Balong download mode (specs/huawei-balong.md §3–§9): the AT handshake, then
//! HDLC commands with stop-and-wait ACK/NAK.

pub mod client;
pub mod command;

pub use client::{BalongClient, DloadError, Handshake};
pub use command::{Cmd, Nak, Reply, BLOCK_SIZE};
