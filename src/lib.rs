//! The modemflash page: a Leptos wizard over the engine in `modemflash-core`.
//!
//! Only browser concerns live here: the view model ([`session`]), the components that
//! render it, and the WebSerial transport. Everything the page knows about modems comes
//! from the engine's events, mapped to the user interface in one place
//! ([`session::LogLine::from_event`], [`session::Screen`]).

pub mod bundle_view;
pub mod doctor_view;
pub mod embed;
pub mod firmware_view;
pub mod i18n;
pub mod job_view;
pub mod manifest_view;
pub mod outcome_view;
pub mod partition_choice;
pub mod recovery_view;
pub mod restore_view;
pub mod session;
pub mod usb_view;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod chunks;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod demo;
#[cfg(target_arch = "wasm32")]
pub mod doctor;
#[cfg(target_arch = "wasm32")]
pub mod host;
#[cfg(target_arch = "wasm32")]
pub mod i18n_fetch;
#[cfg(target_arch = "wasm32")]
pub mod lazy_views;
#[cfg(target_arch = "wasm32")]
pub mod manifest_fetch;
#[cfg(target_arch = "wasm32")]
pub mod modem;
#[cfg(target_arch = "wasm32")]
pub mod platform;
#[cfg(target_arch = "wasm32")]
pub mod settings_steps;
#[cfg(target_arch = "wasm32")]
pub mod settings_store;
#[cfg(target_arch = "wasm32")]
pub mod tr;
#[cfg(target_arch = "wasm32")]
pub mod transport;
#[cfg(target_arch = "wasm32")]
pub mod usb_steps;
#[cfg(target_arch = "wasm32")]
pub mod wizard;

#[cfg(target_arch = "wasm32")]
pub use app::App;
