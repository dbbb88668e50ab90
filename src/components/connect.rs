//! The two ways in: a real modem through the browser's port chooser, or the virtual one.

use leptos::prelude::*;

use crate::session::{Support, SupportProblem};
use crate::tr::Tr;

/// "Connect modem" and "Try a virtual modem". A disabled button says why.
#[component]
pub fn ConnectPanel(
    support: Support,
    /// True while a modem is being identified.
    #[prop(into)]
    busy: Signal<bool>,
    /// Opens the chooser (must run inside the click: the chooser needs a user gesture).
    on_connect: Callback<()>,
    /// Plugs in the virtual modem.
    on_virtual: Callback<()>,
) -> impl IntoView {
    let tr = Tr::get();
    let blocked = support.problem();
    // Without Web Serial the page may still reach modems over WebUSB (`usb_connect`).
    let no_serial = blocked.is_none() && !support.web_serial;
    let connect_disabled = move || blocked.is_some() || no_serial || busy.get();
    let reason = move || match (blocked, busy.get()) {
        (Some(SupportProblem::InsecureContext), _) => tr.t("connect.reason_insecure")(),
        (Some(SupportProblem::NoWebSerial), _) => tr.t("connect.reason_no_serial")(),
        (None, _) if no_serial => tr.t("connect.reason_no_serial")(),
        (None, true) => tr.t("connect.reason_busy")(),
        (None, false) => String::new(),
    };
    view! {
        <section class="connect-panel" aria-labelledby="connect-title">
            <h2 id="connect-title">{tr.t("connect.title")}</h2>
            <p>{tr.t("connect.intro")}</p>
            <div class="actions">
                <button
                    class="primary"
                    data-testid="connect"
                    disabled=connect_disabled
                    aria-describedby="connect-reason"
                    on:click=move |_| on_connect.run(())
                >
                    {tr.t("connect.button")}
                </button>
                <button data-testid="try-virtual" disabled=move || busy.get() on:click=move |_| on_virtual.run(())>
                    {tr.t("connect.virtual")}
                </button>
            </div>
            <p id="connect-reason" class="reason" data-testid="connect-reason">
                {reason}
            </p>
        </section>
    }
}
