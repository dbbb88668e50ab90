//! One file per part of the wizard. Components render the view model and report
//! clicks upward; they hold no state of their own beyond what the markup needs.

pub mod bundle_button;
pub mod confirm;
pub mod connect;
pub mod device_card;
pub mod firmware_panel;
pub mod flash_progress;
pub mod job_result;
pub mod language_switch;
pub mod log_console;
pub mod manifest_panel;
pub mod outcome;
pub mod partition_picker;
pub mod preflight;
pub mod reconnect_prompt;
pub mod recovery_panel;
pub mod restore_list;
pub mod settings_panel;
pub mod support_banner;
pub mod update_button;
pub mod usb_connect;
