//! Which modem a backup came from: enough to tell the same stick again and to show the
//! versions it ran, without the IMEI itself (a backup file gets shared and stored).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::at::identity::Identity;
use crate::image::digest::Sha256Digest;

/// The modem a backup was taken from, and the versions it ran then.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackedUpDevice {
    /// `+CGMI`.
    pub manufacturer: String,
    /// `+CGMM`.
    pub model: String,
    /// `+CGMR`: the firmware version at the time of the backup.
    pub firmware: String,
    /// Huawei `^VERSION:EXTD`: the dashboard / web UI version, where answered.
    pub dashboard: Option<String>,
    /// Huawei `^HWVER`, where answered.
    pub hardware: Option<String>,
    /// [`device_key`] of the IMEI: tells the same stick again without storing its IMEI.
    pub key: Option<String>,
    /// The IMEI as shown on screens (all but the last four digits hidden).
    pub imei: Option<String>,
}

impl BackedUpDevice {
    /// The facts of `identity` a backup keeps.
    pub fn of(identity: &Identity) -> Self {
        BackedUpDevice {
            manufacturer: identity.manufacturer.clone(),
            model: identity.model.clone(),
            firmware: identity.revision.clone(),
            dashboard: identity.version.as_ref().and_then(|v| v.dashboard()).map(str::to_string),
            hardware: identity.hardware.clone(),
            key: identity.imei.as_deref().map(device_key),
            imei: identity.masked_imei(),
        }
    }

    /// Whether the stick with this IMEI is the one this backup came from.
    pub fn has_imei(&self, imei: Option<&str>) -> bool {
        self.key.is_some() && self.key == imei.map(device_key)
    }
}

/// A stable key for one modem: SHA-256 (hex) of `modemflash-device:` and its IMEI. The
/// page keeps backups under it in the browser's storage.
pub fn device_key(imei: &str) -> String {
    let digest = Sha256::new().chain_update(b"modemflash-device:").chain_update(imei.as_bytes()).finalize();
    Sha256Digest(digest.into()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_hides_the_imei_and_tells_sticks_apart() {
        let a = device_key("861000000123453");
        assert_eq!(a.len(), 64);
        assert!(!a.contains("123453"));
        assert_eq!(a, device_key("861000000123453"));
        assert_ne!(a, device_key("861000000123461"));
    }
}
