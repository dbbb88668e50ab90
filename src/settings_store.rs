//! The last settings backup of each modem, kept in the browser's storage under the
//! modem's key (a hash of its IMEI, never the IMEI: `settings::device_key`), so settings
//! can be restored later without a file.

use modemflash_core::settings::SettingsBackup;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn item(device: &str) -> String {
    format!("modemflash.settings.{device}")
}

/// Keeps `backup` as its modem's last backup; a modem without an IMEI has no key and
/// is not kept.
pub fn save(backup: &SettingsBackup) {
    if let (Some(s), Some(key)) = (storage(), backup.device.key.as_deref()) {
        let _ = s.set_item(&item(key), &backup.to_json());
    }
}

/// The last backup kept for the modem with key `device`.
pub fn load(device: &str) -> Option<SettingsBackup> {
    let text = storage()?.get_item(&item(device)).ok()??;
    SettingsBackup::from_json(&text).ok()
}
