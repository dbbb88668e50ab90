//! The modemflash engine.
//!
//! Everything a flasher needs that is not IO: framing codecs (sans-IO push parsers),
//! the AT client, firmware image parsing and verification, the download protocols,
//! the device catalogue and the flashing state machine. The only IO is the [`port::Port`]
//! seam, implemented by WebSerial/WebUSB in the page, the `serialport` crate in the CLI
//! and the in-memory virtual dongles of `modemflash-sim`. Time also comes through the
//! port, so the same code runs deterministically in virtual time.

pub mod at;
pub mod debug_bundle;
pub mod device;
pub mod event;
pub mod flasher;
pub mod framing;
pub mod image;
pub mod manifest;
pub mod port;
pub mod preflight;
pub mod protocol;
pub mod settings;
pub mod time;
