//! The screens that are not the device card: busy, no answer, cancelled, failed.

use leptos::prelude::*;

use crate::components::bundle_button::BundleButton;
use crate::session::{Screen, Via};
use crate::tr::Tr;

/// The modem being identified (in the page's first load, as the screen it replaces).
#[component]
pub fn Identifying(via: Via) -> impl IntoView {
    let tr = Tr::get();
    view! {
        <p class="status" role="status" data-testid="identifying">
            {tr.t(match via {
                Via::WebSerial => "outcome.identifying_serial",
                Via::WebUsb => "outcome.identifying_usb",
                Via::Virtual => "outcome.identifying_virtual",
            })}
        </p>
    }
}

/// Renders a non-card screen after identification; every failure says what to do next
/// and offers the debug bundle. (A boot ROM port gets the recovery panel instead.)
#[component]
pub fn Outcome(screen: Screen, on_bundle: Callback<()>) -> impl IntoView {
    let tr = Tr::get();
    match screen {
        Screen::Start | Screen::Identifying(_) | Screen::Identified(_) | Screen::InBootRom { .. } => ().into_any(),
        Screen::NoAnswer { usb, next_step } => view! {
            <section class="outcome warn" role="alert" data-testid="no-answer">
                <h2>{tr.t("outcome.no_answer_title")}</h2>
                <p>
                    {move || match &usb {
                        Some(usb) => tr.format("outcome.no_answer_usb", &[("usb", usb.as_str())]),
                        None => tr.t("outcome.no_answer")(),
                    }}
                </p>
                <p class="next-step">{next_step}</p>
                <BundleButton on_bundle=on_bundle />
            </section>
        }
        .into_any(),
        Screen::InDownloadMode { usb } => view! {
            <section class="outcome warn" role="status" data-testid="in-download-mode">
                <h2>{tr.t("outcome.download_title")}</h2>
                <p>{move || tr.format("outcome.download_text", &[("usb", usb.as_str())])}</p>
            </section>
        }
        .into_any(),
        Screen::ChooserCancelled => view! {
            <section class="outcome" role="status" data-testid="chooser-cancelled">
                <h2>{tr.t("outcome.cancelled_title")}</h2>
                <p>{tr.t("outcome.cancelled_intro")}</p>
                <ul>
                    <li>{tr.t("outcome.cancelled_hub")}</li>
                    <li>{tr.t("outcome.cancelled_cdrom")}</li>
                    <li>
                        {tr.t("outcome.cancelled_linux")} " " <code>{tr.t("outcome.cancelled_linux_command")}</code>
                        {tr.t("outcome.cancelled_linux_after")}
                    </li>
                    <li>{tr.t("outcome.cancelled_windows")}</li>
                    <li>{tr.t("outcome.cancelled_usb")}</li>
                </ul>
                <p>{tr.t("outcome.cancelled_again")}</p>
            </section>
        }
        .into_any(),
        Screen::Failed { what, next_step } => view! {
            <section class="outcome error" role="alert" data-testid="failed">
                <h2>{tr.t("outcome.failed_title")}</h2>
                <p>{what}</p>
                <p class="next-step">{next_step}</p>
                <BundleButton on_bundle=on_bundle />
            </section>
        }
        .into_any(),
    }
}
