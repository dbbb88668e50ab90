//! Settings backup files (settings::SettingsBackup::from_json): any text a person picks
//! is refused with a reason or read; what is read writes back to the same backup.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modemflash_core::settings::SettingsBackup;

fuzz_target!(|text: &str| {
    match SettingsBackup::from_json(text) {
        Ok(backup) => {
            let again = SettingsBackup::from_json(&backup.to_json()).expect("a written backup reads back");
            assert_eq!(again, backup, "a backup changed on its way through JSON");
        }
        Err(e) => assert!(!e.to_string().is_empty(), "a refusal says why"),
    }
});
