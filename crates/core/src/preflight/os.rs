//! Which operating system the page runs on: the doctor's fixes differ per system
//! (specs/web-platform.md §5.2–§5.5).

use serde::Serialize;

/// An operating system whose fixes differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Os {
    /// Windows: COM ports exist only with a driver (§5.4).
    Windows,
    /// macOS: CDC-ACM ports built in, vendor ports with vendor drivers (§5.5).
    MacOs,
    /// Linux: the `dialout` group, udev rules, ModemManager, usb_modeswitch (§5.2).
    Linux,
    /// ChromeOS: `permission_broker` and `mist` (§5.3).
    ChromeOs,
    /// Android: Web Serial over USB only from Chrome 148, WebUSB since 61 (§1).
    Android,
    /// iPhone and iPad: no browser has Web Serial or WebUSB (§1).
    Ios,
    /// Anything else.
    Other,
}

impl Os {
    /// Reads the system from what the browser says: `navigator.userAgentData.platform`
    /// when the browser has it (Chromium), else `navigator.userAgent` and
    /// `navigator.platform`. Android and ChromeOS come first because their `platform` says
    /// "Linux …".
    pub fn detect(client_hint: Option<&str>, user_agent: &str, platform: &str) -> Os {
        if let Some(hint) = client_hint.map(str::trim).filter(|h| !h.is_empty()) {
            let hint = hint.to_ascii_lowercase();
            return match hint.as_str() {
                "windows" => Os::Windows,
                "macos" => Os::MacOs,
                "linux" => Os::Linux,
                "chrome os" | "chromeos" | "chromium os" => Os::ChromeOs,
                "android" => Os::Android,
                "ios" => Os::Ios,
                _ => Os::Other,
            };
        }
        if user_agent.contains("Android") {
            Os::Android
        } else if user_agent.contains("CrOS") {
            Os::ChromeOs
        } else if ["iPhone", "iPad", "iPod"].iter().any(|d| user_agent.contains(d) || platform.starts_with(d)) {
            Os::Ios
        } else if platform.starts_with("Win") {
            Os::Windows
        } else if platform.starts_with("Mac") {
            Os::MacOs
        } else if platform.starts_with("Linux") {
            Os::Linux
        } else {
            Os::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME_LINUX: &str =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const CHROME_ANDROID: &str =
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

    #[test]
    fn the_client_hint_decides_when_there_is_one() {
        assert_eq!(Os::detect(Some("Windows"), CHROME_LINUX, "Linux x86_64"), Os::Windows);
        assert_eq!(Os::detect(Some("macOS"), "", ""), Os::MacOs);
        assert_eq!(Os::detect(Some("Chrome OS"), "", ""), Os::ChromeOs);
        assert_eq!(Os::detect(Some("Android"), CHROME_ANDROID, "Linux armv8l"), Os::Android);
        assert_eq!(Os::detect(Some("Fuchsia"), "", ""), Os::Other);
    }

    #[test]
    fn without_the_hint_android_and_chromeos_are_not_taken_for_linux() {
        assert_eq!(Os::detect(None, CHROME_ANDROID, "Linux armv8l"), Os::Android);
        assert_eq!(Os::detect(Some(""), "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0)", "Linux x86_64"), Os::ChromeOs);
        assert_eq!(Os::detect(None, CHROME_LINUX, "Linux x86_64"), Os::Linux);
        assert_eq!(Os::detect(None, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Win32"), Os::Windows);
        assert_eq!(Os::detect(None, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)", "MacIntel"), Os::MacOs);
        assert_eq!(Os::detect(None, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)", "iPhone"), Os::Ios);
    }
}
