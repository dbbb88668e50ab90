//! Browser transports implementing the engine's `Port`.

pub mod blob_source;
pub mod firmware_files;
pub mod leftover;
pub mod reconnect;
pub mod web_serial;
pub mod web_usb;

use wasm_bindgen::JsValue;

use crate::session::Support;

/// What the browser offers (specs/web-platform.md §1: feature detection as esp-web-tools does).
pub fn support() -> Support {
    let Some(window) = web_sys::window() else {
        return Support { web_serial: false, web_usb: false, secure_context: false };
    };
    let navigator = window.navigator();
    let has = |name: &str| js_sys::Reflect::has(&navigator, &JsValue::from_str(name)).unwrap_or(false);
    Support { web_serial: has("serial"), web_usb: has("usb"), secure_context: window.is_secure_context() }
}

/// The `name` of a DOMException (`NotFoundError`, `NetworkError` …) and its message.
pub(crate) fn dom_error(e: &JsValue) -> (String, String) {
    let get = |key: &str| {
        js_sys::Reflect::get(e, &JsValue::from_str(key)).ok().and_then(|v| v.as_string()).unwrap_or_default()
    };
    (get("name"), get("message"))
}
