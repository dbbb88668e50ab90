//! "Update the modem", disabled with its reason until a verified file is chosen.

use leptos::prelude::*;

use crate::app::JobPhase;
use crate::firmware_view::FirmwareState;
use crate::tr::Tr;

/// Opens the confirmation once the chosen file passed every check.
#[component]
pub fn UpdateButton(#[prop(into)] firmware: Signal<FirmwareState>, phase: RwSignal<JobPhase>) -> impl IntoView {
    let tr = Tr::get();
    let reason = move || match firmware.get() {
        FirmwareState::None => tr.t("update.reason_none")(),
        FirmwareState::Verifying { .. } => tr.t("update.reason_checking")(),
        FirmwareState::Unreadable { .. } => tr.t("update.reason_unreadable")(),
        FirmwareState::Checked { view, .. } => view
            .blocker()
            .map(|failed| tr.format("firmware.blocker", &[("count", &failed.to_string())]))
            .unwrap_or_default(),
    };
    let disabled = move || firmware.with(|f| f.verified().is_none()) || phase.with(|p| *p != JobPhase::Idle);
    view! {
        <div class="update-action">
            <button
                class="primary"
                data-testid="update"
                disabled=disabled
                aria-describedby="update-reason"
                on:click=move |_| phase.set(JobPhase::Confirming)
            >
                {tr.t("update.button")}
            </button>
            <p id="update-reason" class="reason" data-testid="update-reason">{reason}</p>
        </div>
    }
}
