//! "Advanced: write only some partitions" (issue 3): a disclosure in the confirmation
//! listing every partition of the verified file with a checkbox, all ticked by default.
//! The wizard owns the choice; the confirmation's summary and the job follow it.

use leptos::prelude::*;

use crate::firmware_view::PartitionRow;
use crate::partition_choice::PartitionChoice;
use crate::tr::Tr;

/// One labelled checkbox per partition (position in the file, name, bytes written);
/// `open` when the choice already leaves some out (a resumed job), so it is seen.
#[component]
pub fn PartitionPicker(partitions: Vec<PartitionRow>, choice: RwSignal<PartitionChoice>, open: bool) -> impl IntoView {
    let tr = Tr::get();
    let rows = partitions
        .into_iter()
        .enumerate()
        .map(|(index, p)| {
            view! {
                <li>
                    <label>
                        <input
                            type="checkbox"
                            checked=choice.with_untracked(|c| c.is_ticked(index))
                            on:change=move |ev| choice.update(|c| c.set(index, event_target_checked(&ev)))
                        />
                        {format!("#{index} {} ({})", p.name, p.size)}
                    </label>
                </li>
            }
        })
        .collect_view();
    view! {
        <details class="only-partitions" data-testid="only-partitions" open=open>
            <summary>{tr.t("confirm.only_summary")}</summary>
            <p id="only-help">{tr.t("confirm.only_help")}</p>
            <ul aria-describedby="only-help">{rows}</ul>
        </details>
    }
}
