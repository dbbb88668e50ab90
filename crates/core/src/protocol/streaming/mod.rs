//! Qualcomm streaming download (specs/qualcomm-dload.md §4): what the NPRG/ENPRG
//! programmer speaks after DMSS `GO`. Multi-byte fields are little-endian; the target
//! frames every reply with a leading flag.

pub mod client;
pub mod command;
pub mod table;

pub use client::{StreamingClient, StreamingError, WriteMode};
pub use command::{Cmd, ErrorCode, Hello, HelloReply, Reply, HOST_MAGIC, TARGET_MAGIC};
pub use table::{PartitionEntry, PartitionTable, TableError};
