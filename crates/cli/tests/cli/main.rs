//! End-to-end tests of the `modemflash` binary against virtual dongles.

mod bridge;
mod identify;
mod support;
