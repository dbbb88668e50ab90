//! Download protocols, one module per protocol: a client over a `Port` with the retry
//! rules its spec gives.

pub mod balong;
pub mod bootrom;
pub mod qdl;
