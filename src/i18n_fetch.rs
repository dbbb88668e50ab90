//! Fetches a language's catalogue (`i18n/{code}.json`) when the page first needs it, so the
//! first load carries only the language in use (README "Budgets"). Revalidated like a
//! manifest: the service worker serves it from the network when there is one (a new release
//! brings new messages under the same address) and from its cache offline (it caches English
//! at install and every catalogue the page fetches).

use wasm_bindgen_futures::JsFuture;

use crate::i18n::Lang;
use crate::manifest_fetch::fetch;
use crate::transport::dom_error;

/// Installs `lang`'s catalogue unless it is there already.
pub async fn load(lang: Lang) -> Result<(), String> {
    if lang.is_installed() {
        return Ok(());
    }
    let response = fetch(&lang.catalog_url()).await.map_err(|e| format!("{}: {e}", lang.catalog_url()))?;
    let text = response.text().map_err(|e| dom_error(&e).1)?;
    let text = JsFuture::from(text).await.map_err(|e| dom_error(&e).1)?;
    lang.install(&text.as_string().unwrap_or_default())
}

/// Loads the catalogue of the language the page opens in (before it mounts): the one the
/// person wants, else English when that cannot be loaded (offline before its catalogue was
/// ever fetched); each failure goes to the console.
pub async fn load_opening() {
    for lang in [wanted(), Lang::En] {
        match load(lang).await {
            Ok(()) => return,
            Err(e) => leptos::logging::error!("{e}"),
        }
    }
}

/// The language the page opens in: the one wanted when its catalogue is there, else English.
pub fn opening() -> Lang {
    Some(wanted()).filter(|l| l.is_installed()).unwrap_or(Lang::En)
}

/// The language chosen last time on this browser, else the browser's ([`Lang::initial`]).
fn wanted() -> Lang {
    let remembered = crate::platform::remembered_language();
    let preferred: Vec<String> = web_sys::window()
        .map(|w| w.navigator().languages().iter().filter_map(|l| l.as_string()).collect())
        .unwrap_or_default();
    Lang::initial(remembered.as_deref(), preferred.iter().map(String::as_str))
}
