//! The last question before writing: what will happen and what not to do.

use leptos::prelude::*;

use crate::firmware_view::FirmwareView;
use crate::job_view::human_bytes;
use crate::tr::Tr;

/// Lists what will be written and the warnings; starts the job on confirmation.
#[component]
pub fn ConfirmUpdate(
    view: FirmwareView,
    /// "huawei E3372", when known.
    device: Option<String>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let tr = Tr::get();
    let start = NodeRef::<leptos::html::Button>::new();
    let title = move || match &device {
        Some(device) => tr.format("confirm.title", &[("device", device)]),
        None => tr.t("confirm.title_unknown")(),
    };
    let (count, size) = (view.partitions.len().to_string(), human_bytes(view.bytes));
    let written = move || match &view.version {
        Some(version) => tr.format(
            "confirm.written_version",
            &[("name", &view.name), ("count", &count), ("size", &size), ("version", version)],
        ),
        None => tr.format("confirm.written", &[("name", &view.name), ("count", &count), ("size", &size)]),
    };
    Effect::new(move |_| {
        if let Some(b) = start.get() {
            let _ = b.focus();
        }
    });
    view! {
        <section class="confirm" role="dialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="confirm">
            <h2 id="confirm-title">{title}</h2>
            <p>{written}</p>
            <ul class="warnings">
                <li><strong>{tr.t("confirm.unplug")}</strong> " " {tr.t("confirm.unplug_rest")}</li>
                <li><strong>{tr.t("confirm.visible")}</strong> " " {tr.t("confirm.visible_rest")}</li>
                <li>{tr.t("confirm.power")}</li>
                <li>{tr.t("confirm.apn")}</li>
            </ul>
            <div class="actions">
                <button class="primary" node_ref=start data-testid="start-update" on:click=move |_| on_confirm.run(())>
                    {tr.t("confirm.start")}
                </button>
                <button data-testid="cancel-update" on:click=move |_| on_cancel.run(())>
                    {tr.t("confirm.cancel")}
                </button>
            </div>
        </section>
    }
}
