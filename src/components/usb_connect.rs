//! "Connect over USB" (WebUSB, specs/web-platform.md §3.2, §9) and what it found that
//! is not a device card: a dongle in CD-ROM mode, with the operating system's part and,
//! where the page may send it, the switch request (§5.1, huawei-balong.md §13.3).

use leptos::prelude::*;

use crate::session::Support;
use crate::tr::Tr;
use crate::usb_view::{CdRomView, SwitchState, UsbFinding};

/// The USB way in, next to the serial one. A disabled button says why.
#[component]
pub fn UsbConnectPanel(
    support: Support,
    /// True while a modem is being identified.
    #[prop(into)]
    busy: Signal<bool>,
    /// What the last USB connection found, when it is not a modem to identify.
    #[prop(into)]
    finding: Signal<Option<UsbFinding>>,
    /// Opens the USB chooser (inside the click: it needs a user gesture).
    on_connect: Callback<()>,
    /// Sends the switch request to the dongle in CD-ROM mode.
    on_switch: Callback<()>,
) -> impl IntoView {
    let tr = Tr::get();
    let blocked = support.usb_blocked();
    let reason = move || match (blocked, busy.get()) {
        (Some(key), _) => tr.untracked().get(key),
        (None, true) => tr.t("usb.reason_busy")(),
        (None, false) => String::new(),
    };
    view! {
        <section class="connect-panel usb-connect" aria-labelledby="usb-title">
            <h2 id="usb-title">{tr.t("usb.title")}</h2>
            <p>{tr.t("usb.intro")}</p>
            {support.usb_fallback().map(|key| view! { <p class="usb-fallback" role="note" data-testid="usb-fallback">{tr.t(key)}</p> })}
            <div class="actions">
                <button
                    data-testid="connect-usb"
                    disabled=move || blocked.is_some() || busy.get()
                    aria-describedby="usb-reason"
                    on:click=move |_| on_connect.run(())
                >
                    {tr.t("usb.button")}
                </button>
            </div>
            <p id="usb-reason" class="reason" data-testid="usb-reason">
                {reason}
            </p>
            {move || {
                finding
                    .get()
                    .map(|UsbFinding::CdRom { view, switch }| {
                        view! { <CdRomFinding view=view switch=switch web_serial=support.web_serial on_switch=on_switch /> }
                    })
            }}
        </section>
    }
}

/// A dongle in CD-ROM mode: what it is, what the system must do, and the switch button
/// when the page may send the request.
#[component]
fn CdRomFinding(view: CdRomView, switch: SwitchState, web_serial: bool, on_switch: Callback<()>) -> impl IntoView {
    let tr = Tr::get();
    let usb = view.usb.clone();
    let products = view.products.unwrap_or_default();
    let sending = switch == SwitchState::Sending;
    let offer = view.can_switch && matches!(switch, SwitchState::NotSent | SwitchState::Refused | SwitchState::Sending);
    view! {
        <section class="outcome warn" role="alert" data-testid="cd-rom">
            <h3>{tr.t("cdrom.title")}</h3>
            <p>{move || tr.format("cdrom.text", &[("usb", usb.as_str()), ("products", products)])}</p>
            <p data-testid="cd-rom-os">{tr.t(view.os_advice())}</p>
            <p>{tr.t(if view.can_switch { "cdrom.can_switch" } else { "cdrom.protected" })}</p>
            {offer.then(|| view! {
                <div class="actions">
                    <button class="primary" data-testid="switch-mode" disabled=sending on:click=move |_| on_switch.run(())>
                        {tr.t("cdrom.switch")}
                    </button>
                </div>
            })}
            {switch.message(web_serial).map(|key| view! { <p class="next-step" role="status" data-testid="switch-status">{tr.t(key)}</p> })}
        </section>
    }
}
