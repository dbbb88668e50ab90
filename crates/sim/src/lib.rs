//! Virtual USB modem dongles: the device side of the protocols modemflash speaks.
//!
//! A [`dongle::VirtualDongle`] is a sans-IO model of one stick: it takes bytes on one of
//! its interfaces at a virtual instant and schedules reply bytes at later instants, like
//! quinn-proto's `Connection` (`handle_*` in, `poll_*` out). It is faithful to the real
//! devices in specs/, quirks included, and never more lenient than they are.
//!
//! Two drivers move bytes in and out:
//! - [`port::SimPort`] implements the engine's `Port` in virtual time over a modelled
//!   USB [`link::Link`], for tests, benchmarks and the page's virtual modem;
//! - the CLI's `sim --pty` drives the same model in real time on a pseudo-terminal.

pub mod balong;
pub mod bootrom;
pub mod connector;
pub mod diag;
pub mod dongle;
pub mod download;
pub mod fault;
pub mod image;
pub mod link;
pub mod matrix;
pub mod modem;
pub mod nv;
pub mod port;
pub mod profile;
pub mod qdl;
pub mod qualcomm;
pub mod zero_cd;

pub use connector::SimConnector;
pub use dongle::VirtualDongle;
pub use fault::{Fault, FaultPlan};
pub use link::Link;
pub use port::{Sim, SimPort, Traffic};
pub use profile::Profile;
