//! The end of a job: what changed, or what state the modem is in and what to do next.

use leptos::prelude::*;

use crate::components::bundle_button::BundleButton;
use crate::components::restore_list::RestoreList;
use crate::outcome_view::{DoneView, StoppedView};
use crate::tr::Tr;

/// The done screen.
#[component]
pub fn UpdateDone(view: DoneView) -> impl IntoView {
    let tr = Tr::get();
    let settings = match view.settings.clone() {
        Some(restored) => view! { <RestoreList view=restored /> }.into_any(),
        None => view! { <p>{tr.t("done.no_settings")}</p> }.into_any(),
    };
    let resumed = view.resumed.to_string();
    view! {
        <section class="outcome done" role="status" data-testid="done">
            <h2>{tr.t("done.title")}</h2>
            <dl>
                {view.old_version.clone().map(|v| view! { <dt>{tr.t("done.before")}</dt><dd data-testid="old-version">{v}</dd> })}
                <dt>{tr.t("done.now")}</dt>
                <dd data-testid="new-version">{view.new_version.clone()}</dd>
                <dt>{tr.t("done.settings")}</dt>
                <dd data-testid="restored">{settings}</dd>
                {(view.resumed > 0).then(|| view! {
                    <dt>{tr.t("done.resumed")}</dt>
                    <dd>{move || tr.format("done.resumed_count", &[("count", &resumed)])}</dd>
                })}
            </dl>
            <p>{tr.t("done.unplug")}</p>
        </section>
    }
}

/// The failure screen, with the next step as a button and the debug bundle.
#[component]
pub fn UpdateStopped(view: StoppedView, on_next: Callback<()>, on_bundle: Callback<()>) -> impl IntoView {
    let tr = Tr::get();
    let button = view.button();
    let (stage, what) = (view.stage.clone(), view.what.clone());
    let at = move || tr.format("stopped.at", &[("stage", &stage), ("what", &what)]);
    view! {
        <section class="outcome error" role="alert" data-testid="stopped">
            <h2>{tr.t("stopped.title")}</h2>
            <p>{at}</p>
            <p><strong>{view.state}</strong></p>
            <p class="next-step">{view.advice}</p>
            <div class="actions">
                <button class="primary" data-testid="next-step" on:click=move |_| on_next.run(())>
                    {tr.t(button)}
                </button>
                <BundleButton on_bundle=on_bundle />
            </div>
        </section>
    }
}
