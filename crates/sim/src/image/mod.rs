//! Synthetic firmware files for tests, benchmarks and the page's virtual modem. Built
//! from the container specs alone: no vendor firmware is ever used or committed.

pub mod balong;
pub mod qualcomm;
pub mod update;
