//! What a settings restore did, item by item: after an update and after a stand-alone
//! restore.

use leptos::prelude::*;

use crate::restore_view::{Message, RestoreView};
use crate::tr::Tr;

/// The restore list; items that could not be restored carry what to do.
#[component]
pub fn RestoreList(view: RestoreView) -> impl IntoView {
    let tr = Tr::get();
    let text = move |m: Message| move || m.render(tr.0.get().catalog());
    let empty = view.lines.is_empty();
    view! {
        <div class="restore-list" data-testid="restore-list">
            {view.other_device.then(|| view! { <p class="note">{tr.t("settings.other_device")}</p> })}
            {empty.then(|| view! { <p>{tr.t("settings.nothing")}</p> })}
            <ul>
                {view
                    .lines
                    .into_iter()
                    .map(|line| {
                        view! {
                            <li class="restore-item" class:failed=line.failed() data-testid="restore-item">
                                <strong>{text(line.setting.clone())}</strong>
                                ": "
                                <span>{text(line.outcome.clone())}</span>
                                {line.advice.clone().map(|a| view! { <p class="next-step">{text(a)}</p> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}
