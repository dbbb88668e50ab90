//! Download protocols, one module per protocol: a client over a `Port` with the retry
//! rules its spec gives.

pub mod balong;
pub mod bootrom;
pub mod diag;
pub mod dmss;
pub mod link;
pub mod qdl;
pub mod streaming;
