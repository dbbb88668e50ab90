//! The last question before writing: what will happen and what not to do.

use leptos::prelude::*;

use crate::firmware_view::FirmwareView;
use crate::job_view::human_bytes;

/// Lists what will be written and the warnings; starts the job on confirmation.
#[component]
pub fn ConfirmUpdate(
    view: FirmwareView,
    device: String,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let start = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = start.get() {
            let _ = b.focus();
        }
    });
    view! {
        <section class="confirm" role="dialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="confirm">
            <h2 id="confirm-title">"Update " {device} "?"</h2>
            <p>
                {format!("{} will be written: {} partitions, {}", view.name, view.partitions.len(), human_bytes(view.bytes))}
                {view.version.clone().map(|v| format!(", firmware {v}"))}
                "."
            </p>
            <ul class="warnings">
                <li><strong>"Do not unplug the modem"</strong> " until the page says it is done. It restarts twice on its own; that is expected."</li>
                <li><strong>"Keep this page open and visible."</strong> " Closing it stops the update (it can be resumed)."</li>
                <li>"Plug a laptop into power and keep it from sleeping."</li>
                <li>"Your APN settings are saved first and put back afterwards."</li>
            </ul>
            <div class="actions">
                <button class="primary" node_ref=start data-testid="start-update" on:click=move |_| on_confirm.run(())>
                    "Start the update"
                </button>
                <button data-testid="cancel-update" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </section>
    }
}
