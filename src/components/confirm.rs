//! The last question before writing: what will happen and what not to do; for files
//! that offer it, the choice of partitions to write (issue 3), which the summary follows.

use leptos::prelude::*;

use crate::components::partition_picker::PartitionPicker;
use crate::firmware_view::FirmwareView;
use crate::job_view::human_bytes;
use crate::partition_choice::PartitionChoice;
use crate::tr::Tr;

/// Lists what will be written and the warnings; starts the job on confirmation.
#[component]
pub fn ConfirmUpdate(
    view: FirmwareView,
    /// "huawei E3372", when known.
    device: Option<String>,
    /// The partitions to write, owned by the wizard.
    choice: RwSignal<PartitionChoice>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let tr = Tr::get();
    let start = NodeRef::<leptos::html::Button>::new();
    let title = move || match &device {
        Some(device) => tr.format("confirm.title", &[("device", device)]),
        None => tr.t("confirm.title_unknown")(),
    };
    let open = !choice.with_untracked(|c| c.is_whole(&view));
    let picker = PartitionChoice::offered(&view)
        .then(|| view! { <PartitionPicker partitions=view.partitions.clone() choice=choice open=open /> });
    let (for_partial, for_nothing) = (view.clone(), view.clone());
    // One sentence for the start button to be described by: what will be written, with
    // the warning for a partial write, or why nothing can be.
    let written = move || {
        choice.with(|c| {
            let (count, size) = (c.chosen(&view).count().to_string(), human_bytes(c.bytes(&view)));
            let name = view.name.as_str();
            if c.is_empty(&view) {
                tr.t("confirm.only_none")()
            } else if c.is_partial(&view) {
                let names = c.chosen(&view).map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
                let total = view.partitions.len().to_string();
                tr.format(
                    "confirm.written_only",
                    &[("names", &names), ("name", name), ("count", &count), ("total", &total), ("size", &size)],
                )
            } else {
                match &view.version {
                    Some(version) => tr.format(
                        "confirm.written_version",
                        &[("name", name), ("count", &count), ("size", &size), ("version", version)],
                    ),
                    None => tr.format("confirm.written", &[("name", name), ("count", &count), ("size", &size)]),
                }
            }
        })
    };
    let partial = move || choice.with(|c| !c.is_whole(&for_partial));
    let nothing = move || choice.with(|c| c.is_empty(&for_nothing));
    Effect::new(move |_| {
        if let Some(b) = start.get() {
            let _ = b.focus();
        }
    });
    view! {
        <section class="confirm" role="dialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="confirm">
            <h2 id="confirm-title">{title}</h2>
            <p id="confirm-written" class:partial=partial data-testid="confirm-written">{written}</p>
            {picker}
            <ul class="warnings">
                <li><strong>{tr.t("confirm.unplug")}</strong> " " {tr.t("confirm.unplug_rest")}</li>
                <li><strong>{tr.t("confirm.visible")}</strong> " " {tr.t("confirm.visible_rest")}</li>
                <li>{tr.t("confirm.power")}</li>
                <li>{tr.t("confirm.apn")}</li>
            </ul>
            <div class="actions">
                <button
                    class="primary"
                    node_ref=start
                    data-testid="start-update"
                    disabled=nothing
                    aria-describedby="confirm-written"
                    on:click=move |_| on_confirm.run(())
                >
                    {tr.t("confirm.start")}
                </button>
                <button data-testid="cancel-update" on:click=move |_| on_cancel.run(())>
                    {tr.t("confirm.cancel")}
                </button>
            </div>
        </section>
    }
}
