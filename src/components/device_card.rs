//! What the connected modem is.

use leptos::prelude::*;

use crate::session::DeviceView;

/// The identity of the connected modem, as it reported it.
#[component]
pub fn DeviceCard(device: DeviceView) -> impl IntoView {
    let row = |label: &'static str, value: Option<String>, testid: &'static str| {
        value.map(|v| {
            view! {
                <dt>{label}</dt>
                <dd data-testid=testid>{v}</dd>
            }
        })
    };
    let title = format!("{} {}", capitalise(&device.manufacturer), device.model);
    view! {
        <section class="device-card" aria-labelledby="device-title" data-testid="device-card">
            <h2 id="device-title">
                {title}
                {device.is_virtual.then(|| view! { <span class="badge">"virtual"</span> })}
            </h2>
            <dl>
                {row("Manufacturer", Some(device.manufacturer.clone()), "manufacturer")}
                {row("Model", Some(device.model.clone()), "model")}
                {row("Firmware", Some(device.firmware.clone()), "firmware")}
                {row("IMEI", device.imei.clone(), "imei")}
                {row("Hardware", device.hardware.clone(), "hardware")}
                {row("Dashboard", device.dashboard.clone(), "dashboard")}
                {row("USB id", device.usb.clone(), "usb")}
                {row("Answered on", Some(device.port_role.to_string()), "port-role")}
            </dl>
        </section>
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
