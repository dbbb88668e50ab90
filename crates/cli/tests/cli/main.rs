//! End-to-end tests of the `modemflash` binary against virtual dongles.

mod bridge;
mod debug_bundle;
mod flash;
mod identify;
mod inspect;
mod manifest;
mod pack;
mod qfu_client;
mod recover;
mod settings;
mod support;
