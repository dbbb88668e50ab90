//! "Download debug bundle": on every failure screen and in the log view (issue 7).

use leptos::prelude::*;

use crate::tr::Tr;

/// Offers the debug bundle; the wizard builds it from what it knows.
#[component]
pub fn BundleButton(on_bundle: Callback<()>) -> impl IntoView {
    let tr = Tr::get();
    view! {
        <button class="bundle" data-testid="debug-bundle" title=tr.t("bundle.note") on:click=move |_| on_bundle.run(())>
            {tr.t("bundle.download")}
        </button>
    }
}
