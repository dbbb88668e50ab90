//! The two ways in: a real modem through the browser's port chooser, or the virtual one.

use leptos::prelude::*;

use crate::session::{Support, SupportProblem};

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
    let blocked = support.problem();
    let connect_disabled = move || blocked.is_some() || busy.get();
    let reason = move || match (blocked, busy.get()) {
        (Some(SupportProblem::InsecureContext), _) => "Needs a secure (https) page.".to_string(),
        (Some(SupportProblem::NoWebSerial), _) => "This browser has no Web Serial.".to_string(),
        (None, true) => "Busy talking to the modem…".to_string(),
        (None, false) => String::new(),
    };
    view! {
        <section class="connect-panel" aria-labelledby="connect-title">
            <h2 id="connect-title">"Connect your modem"</h2>
            <p>
                "Plug the USB modem into this computer, then choose it in the list the browser shows. "
                "Modems appear several times (one entry per port): pick any; we will tell you if another one is needed."
            </p>
            <div class="actions">
                <button
                    class="primary"
                    data-testid="connect"
                    disabled=connect_disabled
                    aria-describedby="connect-reason"
                    on:click=move |_| on_connect.run(())
                >
                    "Connect modem"
                </button>
                <button data-testid="try-virtual" disabled=move || busy.get() on:click=move |_| on_virtual.run(())>
                    "Try a virtual modem"
                </button>
            </div>
            <p id="connect-reason" class="reason" data-testid="connect-reason">
                {reason}
            </p>
        </section>
    }
}
