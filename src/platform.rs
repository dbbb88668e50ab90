//! Browser services around a flashing job: the screen wake lock, the leave-page guard,
//! the journal in local storage, and the wasm memory size for the verification summary;
//! and the language chosen in the header, also in local storage.

use modemflash_core::flasher::Journal;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Milliseconds on the page's monotonic clock.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}

/// The size of the wasm linear memory: it never shrinks, so after a task it is the peak.
pub fn wasm_memory_bytes() -> u64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as u64
}

/// Keeps the screen on and asks before the page is closed, while a job runs.
pub struct JobGuard {
    unload: Closure<dyn FnMut(web_sys::BeforeUnloadEvent)>,
    wake_lock: Option<JsValue>,
}

impl JobGuard {
    /// Installs the guard and requests a screen wake lock (where the browser has one).
    pub async fn install() -> JobGuard {
        let unload = Closure::<dyn FnMut(web_sys::BeforeUnloadEvent)>::new(|e: web_sys::BeforeUnloadEvent| {
            e.prevent_default();
            e.set_return_value("The modem is being updated. Leaving now can leave it unusable.");
        });
        if let Some(w) = web_sys::window() {
            w.set_onbeforeunload(Some(unload.as_ref().unchecked_ref()));
        }
        JobGuard { unload, wake_lock: request_wake_lock().await }
    }
}

impl Drop for JobGuard {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            if w.onbeforeunload().as_ref() == Some(self.unload.as_ref().unchecked_ref()) {
                w.set_onbeforeunload(None);
            }
        }
        if let Some(lock) = &self.wake_lock {
            if let Ok(release) =
                js_sys::Reflect::get(lock, &"release".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
            {
                let _ = release.call0(lock);
            }
        }
    }
}

/// `navigator.wakeLock.request("screen")`, through reflection because the API is not
/// in every browser (and not in web-sys's stable set).
async fn request_wake_lock() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    let wake_lock = js_sys::Reflect::get(&navigator, &"wakeLock".into()).ok().filter(|v| !v.is_undefined())?;
    let request = js_sys::Reflect::get(&wake_lock, &"request".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    let promise = request.call1(&wake_lock, &"screen".into()).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Where the language chosen in the header is kept.
const LANGUAGE_KEY: &str = "modemflash.language";

/// The language code the person chose on an earlier visit, if any.
pub fn remembered_language() -> Option<String> {
    storage()?.get_item(LANGUAGE_KEY).ok()?
}

/// Keeps the language the person chose, for the next visit.
pub fn remember_language(code: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(LANGUAGE_KEY, code);
    }
}

fn journal_key(image: &str) -> String {
    format!("modemflash.journal.{image}")
}

/// The journal of an interrupted job on this image, if the browser kept one.
pub fn load_journal(image: &str) -> Option<Journal> {
    let text = storage()?.get_item(&journal_key(image)).ok()??;
    serde_json::from_str(&text).ok()
}

/// Keeps `journal` so the job can resume after a reload or an unplug.
pub fn save_journal(journal: &Journal) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(journal)) {
        let _ = s.set_item(&journal_key(&journal.image), &text);
    }
}

/// Forgets the journal of a finished job.
pub fn forget_journal(image: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&journal_key(image));
    }
}
