//! The end of a job: what changed, or what state the modem is in and what to do next.

use leptos::prelude::*;

use crate::outcome_view::{DoneView, StoppedView};

/// The done screen.
#[component]
pub fn UpdateDone(view: DoneView) -> impl IntoView {
    view! {
        <section class="outcome done" role="status" data-testid="done">
            <h2>"Your modem is updated"</h2>
            <dl>
                {view.old_version.clone().map(|v| view! { <dt>"Before"</dt><dd data-testid="old-version">{v}</dd> })}
                <dt>"Now"</dt>
                <dd data-testid="new-version">{view.new_version.clone()}</dd>
                <dt>"Settings"</dt>
                <dd data-testid="restored">
                    {if view.restored.is_empty() {
                        format!("{} APN profile(s) checked, nothing needed restoring", view.saved)
                    } else {
                        format!("Restored {}", view.restored.join(", "))
                    }}
                </dd>
                {(view.resumed > 0).then(|| view! {
                    <dt>"Resumed"</dt>
                    <dd>{format!("{} partition(s) had been written before the interruption", view.resumed)}</dd>
                })}
            </dl>
            <p>"You can unplug the modem now."</p>
        </section>
    }
}

/// The failure screen, with the next step as a button.
#[component]
pub fn UpdateStopped(view: StoppedView, on_next: Callback<()>) -> impl IntoView {
    let button = view.button();
    view! {
        <section class="outcome error" role="alert" data-testid="stopped">
            <h2>"The update stopped"</h2>
            <p>{format!("At “{}”: {}.", view.stage, view.what)}</p>
            <p><strong>{view.state}</strong></p>
            <p class="next-step">{view.advice}</p>
            <button class="primary" data-testid="next-step" on:click=move |_| on_next.run(())>{button}</button>
        </section>
    }
}
