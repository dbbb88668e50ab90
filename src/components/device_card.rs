//! What the connected modem is.

use leptos::prelude::*;

use crate::session::DeviceView;
use crate::tr::Tr;

/// The identity of the connected modem, as it reported it.
#[component]
pub fn DeviceCard(device: DeviceView) -> impl IntoView {
    let tr = Tr::get();
    let row = move |label: &'static str, value: Option<String>, testid: &'static str| {
        value.map(|v| {
            view! {
                <dt>{tr.t(label)}</dt>
                <dd data-testid=testid>{v}</dd>
            }
        })
    };
    let title = format!("{} {}", capitalise(&device.manufacturer), device.model);
    view! {
        <section class="device-card" aria-labelledby="device-title" data-testid="device-card">
            <h2 id="device-title">
                {title}
                {device.is_virtual.then(|| view! { <span class="badge">{tr.t("device.virtual")}</span> })}
            </h2>
            <dl>
                {row("device.manufacturer", Some(device.manufacturer.clone()), "manufacturer")}
                {row("device.model", Some(device.model.clone()), "model")}
                {row("device.firmware", Some(device.firmware.clone()), "firmware")}
                {row("device.imei", device.imei.clone(), "imei")}
                {row("device.hardware", device.hardware.clone(), "hardware")}
                {row("device.dashboard", device.dashboard.clone(), "dashboard")}
                {row("device.usb", device.usb.clone(), "usb")}
                {row("device.answered_on", Some(device.port_role.to_string()), "port-role")}
            </dl>
        </section>
    }
}

/// The modem's `AT+CGMI` answer is ASCII (V.250): ASCII case mapping keeps Unicode's case
/// tables (about 20 KB) out of the page.
fn capitalise(s: &str) -> String {
    let mut title = s.to_owned();
    if let Some(first) = title.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    title
}
