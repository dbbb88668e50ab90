//! The boot ROM recovery (specs/huawei-balong.md §14): what this port is, the loader
//! file and its checks, the loud warning with a checkbox for a loader that erases the
//! whole flash, and the button that sends it. After it, the wizard asks for the stick in
//! update mode and the normal update follows.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::bundle_button::BundleButton;
use crate::components::firmware_panel::Checklist;
use crate::recovery_view::{LoaderView, RecoveryState};
use crate::tr::Tr;

/// The recovery step for a stick found in its boot ROM at `usb`.
#[component]
pub fn RecoveryPanel(
    /// The port's USB id, described.
    usb: String,
    #[prop(into)] state: Signal<RecoveryState>,
    /// The person ticked "the whole flash is erased".
    erase_confirmed: RwSignal<bool>,
    on_loader: Callback<web_sys::File>,
    on_load: Callback<()>,
    on_bundle: Callback<()>,
) -> impl IntoView {
    let tr = Tr::get();
    let pick = move |ev: leptos::ev::Event| {
        let Some(target) = ev.target() else { return };
        let input: web_sys::HtmlInputElement = target.unchecked_into();
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            on_loader.run(file);
        }
        input.set_value("");
    };
    let loading = move || state.with(|s| matches!(s, RecoveryState::Loading));
    let blocker = move || state.with(|s| s.load_blocker(erase_confirmed.get()));
    view! {
        <section class="recovery-panel outcome warn" aria-labelledby="recovery-title" data-testid="recovery">
            <h2 id="recovery-title">{tr.t("recovery.title")}</h2>
            <p>{move || tr.format("recovery.explain", &[("usb", &usb)])}</p>
            <p>{tr.t("recovery.after")}</p>
            <div class="drop-zone">
                <label for="loader-input">{tr.t("recovery.loader_label")}</label>
                <input id="loader-input" type="file" data-testid="loader-input" disabled=loading on:change=pick />
            </div>
            {move || match state.get() {
                RecoveryState::Checked(view) => view! { <LoaderChecks view=view erase_confirmed=erase_confirmed /> }.into_any(),
                RecoveryState::Failed { what, next_step } => view! {
                    <div class="outcome error" role="alert" data-testid="recovery-failed">
                        <h3>{tr.t("recovery.failed_title")}</h3>
                        <p>{what}</p>
                        <p><strong>{tr.t("recovery.failed_state")}</strong></p>
                        <p class="next-step">{next_step}</p>
                        <BundleButton on_bundle=on_bundle />
                    </div>
                }
                .into_any(),
                // While loading, the reason under the button says so.
                RecoveryState::NoLoader | RecoveryState::Loading => ().into_any(),
            }}
            <div class="update-action">
                <button
                    class="primary"
                    data-testid="load-loader"
                    disabled=move || blocker().is_some()
                    aria-describedby="load-reason"
                    on:click=move |_| on_load.run(())
                >
                    {tr.t("recovery.load")}
                </button>
                <p id="load-reason" class="reason" role="status" data-testid="load-reason">
                    {move || blocker().map(|key| tr.format(key, &[])).unwrap_or_default()}
                </p>
            </div>
        </section>
    }
}

/// The loader's checks; for an erasing loader the warning and its checkbox.
#[component]
fn LoaderChecks(view: LoaderView, erase_confirmed: RwSignal<bool>) -> impl IntoView {
    let tr = Tr::get();
    let name = view.name.clone();
    let passed = view.passed;
    let headline = move || tr.format(if passed { "recovery.checked" } else { "recovery.refused" }, &[("name", &name)]);
    view! {
        <div class="verification" data-testid="loader-checks" data-erases=view.erases.to_string()>
            <h3 class="verdict" class:pass=passed class:fail=!passed>{headline}</h3>
            <Checklist checks=view.checks.clone() />
            {(passed && view.erases).then(|| view! {
                <div class="erase-warning" role="alert" data-testid="erase-warning">
                    <h4>{tr.t("recovery.erase_title")}</h4>
                    <p>{tr.t("recovery.erase_text")}</p>
                    <label class="confirm-erase">
                        <input
                            type="checkbox"
                            data-testid="confirm-erase"
                            prop:checked=move || erase_confirmed.get()
                            on:change=move |ev| erase_confirmed.set(event_target_checked(&ev))
                        />
                        " "
                        {tr.t("recovery.erase_confirm")}
                    </label>
                </div>
            })}
        </div>
    }
}
