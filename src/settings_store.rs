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

crate::chunks::lazy_part! {
settings,
/// The last backup kept for the modem with key `device`. Lazy, as the other settings
/// steps (reading the backup format is most of them).
pub async fn load(device: String) -> Option<SettingsBackup> {
    let text = storage()?.get_item(&item(&device)).ok()??;
    SettingsBackup::from_json(&text).ok()
}
}

crate::chunks::lazy_part! {
settings,
/// A backup file the person chose, read: the backup, or why it is not one.
pub async fn read_file(text: String) -> Result<SettingsBackup, String> {
    SettingsBackup::from_json(&text).map_err(|e| e.to_string())
}
}
