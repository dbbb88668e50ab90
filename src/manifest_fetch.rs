//! The network side of a vendor's manifest (docs/manifest.md): fetching the manifest and
//! its signature, downloading a build into a `Blob` while checking it, and checking a file
//! the person brought. What is shown is decided in [`crate::manifest_view`].

use js_sys::{Array, Uint8Array};
use modemflash_core::manifest::{Build, FileCheck};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, ReadableStreamDefaultReader, ReadableStreamReadResult, RequestCache, RequestInit, Response};

use crate::manifest_view::{ManifestSource, ManifestState};
use crate::transport::blob_source::BlobSource;
use crate::transport::dom_error;

/// Received bytes are gathered into the `Blob` in steps of this size: the download is
/// never held twice, only this much of it waits outside the `Blob`.
const GATHER: u32 = 4 << 20;

/// A download or a brought file that is not the build: what happened, what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// What happened (English, from the engine).
    pub what: String,
    /// What to do.
    pub next_step: String,
}

/// The manifest named in the page's address (`?manifest=…&key=…`), loading in the
/// background; `None` when the page has none.
pub fn from_page() -> Option<leptos::prelude::RwSignal<ManifestState>> {
    use leptos::prelude::*;
    let href = window().location().href().ok()?;
    let pairs = crate::host::query_pairs();
    let source = ManifestSource::from_query(&href, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let state = RwSignal::new(ManifestState::Loading);
    leptos::task::spawn_local(async move {
        state.set(
            load(source).await.unwrap_or_else(|e| ManifestState::Refused {
                what: e.to_string(),
                next_step: e.next_step().to_string(),
            }),
        )
    });
    Some(state)
}

crate::chunks::lazy_part! {
manifest,
/// Fetches the manifest and, when a key is pinned, its signature; then checks them.
///
/// Lazy (scripts/build-wasm): the manifest format, Ed25519 and SHA-512 are fetched only by
/// a page opened with `?manifest=`.
pub async fn load(source: ManifestSource) -> ManifestState {
    let manifest = fetch_bytes(&source.url).await;
    let signature = match source.key {
        Some(_) => fetch_bytes(&source.signature_url()).await.ok().and_then(|b| String::from_utf8(b).ok()),
        None => None,
    };
    ManifestState::loaded(&source, manifest, signature.as_deref())
}
}

/// `fetch(url)`, revalidated (a manifest changes under the same address), to an `ok` response.
/// The service worker answers such a request from the network, else from its cache (offline).
pub(crate) async fn fetch(url: &str) -> Result<Response, String> {
    let init = RequestInit::new();
    init.set_cache(RequestCache::NoCache);
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await.map_err(|e| {
        let (name, message) = dom_error(&e);
        format!("{name}: {message}")
    })?;
    let response: Response = response.unchecked_into();
    if !response.ok() {
        return Err(format!("the server answered HTTP {}", response.status()));
    }
    Ok(response)
}

/// The whole body of a small file (the manifest, its signature).
async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let response = fetch(url).await?;
    let body = response.array_buffer().map_err(|e| dom_error(&e).1)?;
    let buffer = JsFuture::from(body).await.map_err(|e| dom_error(&e).1)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Downloads `build` from its address into a `File`, checking size and SHA-256 as the bytes
/// arrive (it stops at the first byte past the declared size); `progress` hears the bytes
/// received so far.
pub async fn download(build: &Build, progress: impl Fn(u64)) -> Result<File, Refusal> {
    let failed = |e: String| Refusal {
        what: format!("The download of {} failed: {e}", build.file_name),
        next_step: "Nothing was written to the modem. Check the internet connection and try again.".into(),
    };
    let url = build.url.as_deref().ok_or_else(|| failed("the manifest gives no address".into()))?;
    let response = fetch(url).await.map_err(failed)?;
    let reader: ReadableStreamDefaultReader =
        response.body().ok_or_else(|| failed("the response has no body".into()))?.get_reader().unchecked_into();
    let mut check = FileCheck::new(build);
    let mut blob = Blob::new().map_err(|e| failed(dom_error(&e).1))?;
    let pending = Array::new();
    let mut pending_bytes = 0u32;
    loop {
        let result = JsFuture::from(reader.read()).await.map_err(|e| failed(dom_error(&e).1))?;
        let result: ReadableStreamReadResult = result.unchecked_into();
        if result.get_done().unwrap_or(false) {
            break;
        }
        let chunk = Uint8Array::new(&result.get_value());
        if let Err(mismatch) = check.feed(&chunk.to_vec()) {
            let _ = reader.cancel();
            return Err(Refusal { what: mismatch.to_string(), next_step: mismatch.next_step().into() });
        }
        pending.push(&chunk);
        pending_bytes += chunk.length();
        if pending_bytes >= GATHER {
            blob = gather(&blob, &pending).map_err(failed)?;
            pending_bytes = 0;
        }
        progress(check.received());
    }
    let blob = gather(&blob, &pending).map_err(failed)?;
    check.finish().map_err(|m| Refusal { what: m.to_string(), next_step: m.next_step().into() })?;
    File::new_with_blob_sequence(&Array::of1(&blob), &build.file_name).map_err(|e| failed(dom_error(&e).1))
}

/// `new Blob([blob, ...pending])`: the browser keeps the parts by reference; `pending` is emptied.
fn gather(blob: &Blob, pending: &Array) -> Result<Blob, String> {
    let parts = Array::of1(blob);
    for chunk in pending.iter() {
        parts.push(&chunk);
    }
    pending.set_length(0);
    Blob::new_with_blob_sequence(&parts).map_err(|e| dom_error(&e).1)
}

/// Checks a file the person chose for a "bring your own file" build: size, then SHA-256.
pub async fn check_brought(file: &File, build: &Build) -> Result<(), Refusal> {
    let mut source = BlobSource::new(file.clone().unchecked_into());
    match FileCheck::source(build, &mut source).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(mismatch)) => Err(Refusal { what: mismatch.to_string(), next_step: mismatch.next_step().into() }),
        Err(e) => Err(Refusal { what: e.to_string(), next_step: e.next_step().into() }),
    }
}
