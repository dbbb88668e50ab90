//! The wasm's lazily loaded parts (scripts/build-wasm), and fetching them ahead of need.
//!
//! The first visit loads only what the first screen needs; the firmware checks, the
//! update job and the other [`lazy_part!`] functions come when first called. But a modem
//! that is someone's only connection takes the network with it when it restarts into
//! update mode, so once a modem is connected the page fetches every part an update may
//! need, while the network is still there, and the service worker keeps them
//! (public/sw.js). A part that cannot be fetched is an error the page shows, never a crash.

use leptos::task::spawn_local;

/// A part of the page that could not be fetched: offline before it was kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartUnavailable;

impl std::fmt::Display for PartUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("A part of this page could not be loaded: the network is gone and it was not kept for offline use")
    }
}

impl PartUnavailable {
    /// What to do.
    pub fn next_step(self) -> &'static str {
        "Connect to the internet and try again. Once a modem has been connected, the page keeps every part it needs."
    }
}

impl From<leptos::wasm_split::SplitLoaderError> for PartUnavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PartUnavailable
    }
}

/// An `async fn` whose code is split off into the part `$part` (scripts/build-wasm): it
/// becomes an `async fn` giving `Result<Output, PartUnavailable>`, and `$preload` fetches
/// the part without calling it.
macro_rules! lazy_part {
    (
        $part:ident, $preload:ident,
        $(#[$meta:meta])*
        $vis:vis async fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty $body:block
    ) => {
        $(#[$meta])*
        #[leptos::wasm_split::wasm_split(
            $part,
            wasm_split_path = ::leptos::wasm_split,
            fallible,
            preload($preload),
            return_wrapper(let future = _; { Ok(future.await) } -> Result<$out, $crate::chunks::PartUnavailable>)
        )]
        $vis fn $name($($arg: $ty),*) -> ::std::pin::Pin<Box<dyn ::std::future::Future<Output = $out>>> {
            Box::pin(async move $body)
        }
    };
}
pub(crate) use lazy_part;

/// Fetches the parts an update needs (a part is fetched once; later calls find it loaded):
/// the firmware checks, the job, the settings steps (an update that lost the modem's
/// settings leaves it without network until they are restored) and, from a boot ROM
/// port, the recovery. One that cannot be fetched now is tried again when used.
pub fn keep_update_code(boot_rom: bool) {
    spawn_local(async move {
        let _ = crate::wizard::preload_verify().await;
        let _ = crate::app::preload_run_update().await;
        let _ = crate::settings_steps::preload_settings().await;
        if boot_rom {
            let _ = crate::app::preload_recovery().await;
        }
    });
}
