//! Synthetic firmware files for tests, benchmarks and the page's virtual modem. Built
//! from the container specs alone: no vendor firmware is ever used or committed.

pub mod bad;
pub mod balong;
pub mod cwe;
pub mod expected;
pub mod inspected;
pub mod qualcomm;
pub mod update;
pub mod usbloader;
