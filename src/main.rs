//! Mounts the app. Built for the browser by trunk (see Trunk.toml).

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    // The page's text comes first: its catalogue is fetched, not embedded (src/i18n_fetch.rs).
    wasm_bindgen_futures::spawn_local(async {
        modemflash_web::i18n_fetch::load_opening().await;
        leptos::mount::mount_to_body(modemflash_web::App);
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("modemflash-web runs in the browser: build it with `trunk build` (see README.md).");
}
