//! The screens that are not the device card: busy, no answer, cancelled, failed.

use leptos::prelude::*;

use crate::session::{Screen, Via};

/// Renders a non-card screen; every failure says what to do next.
#[component]
pub fn Outcome(screen: Screen) -> impl IntoView {
    match screen {
        Screen::Start | Screen::Identified(_) => ().into_any(),
        Screen::Identifying(via) => view! {
            <p class="status" role="status" data-testid="identifying">
                {match via {
                    Via::WebSerial => "Asking the modem who it is…",
                    Via::Virtual => "Plugging in the virtual modem…",
                }}
            </p>
        }
        .into_any(),
        Screen::NoAnswer { usb, next_step } => view! {
            <section class="outcome warn" role="alert" data-testid="no-answer">
                <h2>"This port does not take commands"</h2>
                <p>
                    "The port you chose"
                    {usb.map(|u| format!(" ({u})"))}
                    " stayed silent when asked \"AT\"."
                </p>
                <p class="next-step">{next_step}</p>
            </section>
        }
        .into_any(),
        Screen::InDownloadMode { usb } => view! {
            <section class="outcome warn" role="status" data-testid="in-download-mode">
                <h2>"This modem is in update mode"</h2>
                <p>
                    "It shows up as " {usb} ", its update mode. An earlier update probably stopped before it was finished. "
                    "Choose the firmware below to finish the update."
                </p>
            </section>
        }
        .into_any(),
        Screen::ChooserCancelled => view! {
            <section class="outcome" role="status" data-testid="chooser-cancelled">
                <h2>"No modem chosen"</h2>
                <p>"If your modem was not in the list:"</p>
                <ul>
                    <li>"Plug it straight into this computer, not through a hub, and wait until its light is on."</li>
                    <li>"Some modems first show up as a CD drive; wait a few seconds for them to switch."</li>
                    <li>"On Linux, add yourself to the dialout group: " <code>"sudo usermod -aG dialout $USER"</code> ", then log out and in."</li>
                    <li>"On Windows, install the modem's driver (it comes with the modem's own software)."</li>
                </ul>
                <p>"Then press \"Connect modem\" again, or try the virtual modem."</p>
            </section>
        }
        .into_any(),
        Screen::Failed { what, next_step } => view! {
            <section class="outcome error" role="alert" data-testid="failed">
                <h2>"Something went wrong"</h2>
                <p>{what}</p>
                <p class="next-step">{next_step}</p>
            </section>
        }
        .into_any(),
    }
}
