//! Sierra Wireless QDL, the "boot and hold" download protocol (specs/sierra-cwe-qdl.md
//! §7–§9): HDLC-framed requests plus an unframed bulk write.

pub mod client;
pub mod command;

pub use client::{QdlClient, QdlError};
pub use command::{ErrorCode, Reply, Request, CHUNK_SIZE, IMAGE_TYPE_CWE};
