//! "Update the modem", disabled with its reason until the pre-flight checks found no
//! blocker, a modem is connected and a verified file is chosen.

use leptos::prelude::*;

use crate::app::JobPhase;
use crate::firmware_view::FirmwareState;
use crate::tr::Tr;

/// Opens the confirmation once nothing stands in the way.
#[component]
pub fn UpdateButton(
    #[prop(into)] firmware: Signal<FirmwareState>,
    phase: RwSignal<JobPhase>,
    /// The name (translation key) of the pre-flight check that blocks the update.
    #[prop(into)]
    blocker: Signal<Option<&'static str>>,
    /// Whether a modem is connected and can be updated.
    #[prop(into)]
    device_ready: Signal<bool>,
) -> impl IntoView {
    let tr = Tr::get();
    let reason = move || match (blocker.get(), device_ready.get(), firmware.get()) {
        (Some(check), _, _) => tr.format("update.reason_blocked", &[("check", &tr.t(check)())]),
        (None, false, _) => tr.t("update.reason_no_modem")(),
        (None, true, FirmwareState::None) => tr.t("update.reason_none")(),
        (None, true, FirmwareState::Verifying { .. }) => tr.t("update.reason_checking")(),
        (None, true, FirmwareState::Unreadable { .. }) => tr.t("update.reason_unreadable")(),
        (None, true, FirmwareState::Checked { view, .. }) => view
            .blocker()
            .map(|failed| tr.format("firmware.blocker", &[("count", &failed.to_string())]))
            .unwrap_or_default(),
    };
    let disabled = move || {
        blocker.with(Option::is_some)
            || !device_ready.get()
            || firmware.with(|f| f.verified().is_none())
            || phase.with(|p| *p != JobPhase::Idle)
    };
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
