//! The wasm's lazily loaded parts (scripts/build-wasm), and fetching them ahead of need.
//!
//! The first visit loads only what the first screen needs; the firmware checks, the
//! update job and the other [`lazy_part!`] functions come when first called. But a modem
//! that is someone's only connection takes the network with it when it restarts into
//! update mode, so once a modem is connected the page fetches every part an update may
//! need, while the network is still there, and the service worker keeps them
//! (public/sw.js). A part that cannot be fetched is an error the page shows, never a crash.

use leptos::prelude::*;
use leptos::task::spawn_local;

/// A part of the page that could not be fetched: offline before it was kept, or gone from
/// the server after a new release (its name carries the build's hash).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartUnavailable;

impl std::fmt::Display for PartUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "A part of this page could not be loaded: it was not kept for offline use, and the network is gone \
             or the page was updated since it was opened",
        )
    }
}

impl PartUnavailable {
    /// What to do.
    pub fn next_step(self) -> &'static str {
        "Connect to the internet and reload the page. Once a modem has been connected, the page keeps every part it needs."
    }

    /// What happened and what to do, in one sentence pair.
    pub fn explained(self) -> String {
        format!("{self}. {}", self.next_step())
    }

    /// The screen saying so, where identification could not run.
    pub fn screen(self) -> crate::session::Screen {
        crate::session::Screen::Failed { what: self.to_string(), next_step: self.next_step().to_string() }
    }
}

impl From<leptos::wasm_split::SplitLoaderError> for PartUnavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PartUnavailable
    }
}

/// An `async fn` whose code is split off into the part `$part` (scripts/build-wasm): it
/// becomes an `async fn` giving `Result<Output, PartUnavailable>`. Several functions may
/// share a part; one of them names `$preload`, which fetches the part without calling
/// anything (`part(preload_fn)`), for [`keep_identification`] and [`keep_update_code`].
macro_rules! lazy_part {
    (
        $part:ident $(($preload:ident))?,
        $(#[$meta:meta])*
        $vis:vis async fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty $body:block
    ) => {
        $(#[$meta])*
        #[leptos::wasm_split::wasm_split(
            $part,
            wasm_split_path = ::leptos::wasm_split,
            fallible,
            $(preload($preload),)?
            return_wrapper(let future = _; { Ok(future.await) } -> Result<$out, $crate::chunks::PartUnavailable>)
        )]
        $vis fn $name($($arg: $ty),*) -> ::std::pin::Pin<Box<dyn ::std::future::Future<Output = $out>>> {
            Box::pin(async move $body)
        }
    };
}
pub(crate) use lazy_part;

/// Shows what a lazily loaded part draws: nothing while it is fetched, and why and what to
/// do when it cannot be.
pub fn lazy_view(draw: impl std::future::Future<Output = Result<AnyView, PartUnavailable>> + 'static) -> impl IntoView {
    let draw = leptos::__reexports::send_wrapper::SendWrapper::new(draw);
    Suspend::new(async move {
        match draw.await {
            Ok(view) => view,
            Err(e) => view! { <p class="part-unavailable" role="alert">{e.explained()}</p> }.into_any(),
        }
    })
}

/// Fetches the identification (of a real modem, over Web Serial or WebUSB, and the
/// virtual one) when the person is about to connect, so connecting does not wait for it.
pub fn keep_identification() {
    spawn_local(async {
        // One part holds the Web Serial and WebUSB identification and its screens.
        let _ = crate::app::preload_examine_port().await;
        let _ = crate::wizard::preload_virtual_modem().await;
    });
}

/// Fetches the parts an update needs (a part is fetched once; later calls find it loaded):
/// the update's screens, the firmware checks, the job, the settings steps (an update that
/// lost the modem's settings leaves it without network until they are restored), the
/// debug bundle, from a boot ROM port the recovery, and for the virtual modem its demo
/// firmware. One that cannot be fetched now is tried again when used. When all are in, `<html>` carries
/// `data-update-parts="kept"` (the service worker has stored them by then).
pub fn keep_update_code(boot_rom: bool, virtual_modem: bool) {
    spawn_local(async move {
        let kept = [
            crate::lazy_views::preload_update_views().await,
            crate::wizard::preload_verify().await,
            crate::app::preload_run_update().await,
            crate::settings_steps::preload_settings().await,
            // A failure offline is when a debug bundle is most wanted.
            crate::app::preload_debug_bundle().await,
            if boot_rom { crate::app::preload_recovery().await } else { Ok(()) },
            if virtual_modem { crate::wizard::preload_demo_firmware().await } else { Ok(()) },
        ];
        if kept.iter().all(Result::is_ok) {
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("data-update-parts", "kept");
            }
        }
    });
}
