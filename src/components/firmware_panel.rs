//! Choosing the firmware file and seeing it verified, check by check.

use leptos::prelude::*;
use modemflash_core::image::Outcome;
use wasm_bindgen::JsCast;

use crate::firmware_view::{CheckRow, FirmwareState, FirmwareView};
use crate::job_view::human_bytes;

/// The firmware step: file picker, drop zone, expected checksum, checklist.
#[component]
pub fn FirmwarePanel(
    #[prop(into)] state: Signal<FirmwareState>,
    /// The SHA-256 the person pasted from the vendor's page.
    expected_sha256: RwSignal<String>,
    /// Whether the connected modem is the virtual one (offers the demo file).
    #[prop(into)]
    is_virtual: Signal<bool>,
    /// Whether a job is running (no new file then).
    #[prop(into)]
    busy: Signal<bool>,
    on_file: Callback<web_sys::File>,
    on_demo: Callback<()>,
    /// Checks the chosen file again (after a checksum was pasted).
    on_recheck: Callback<()>,
) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().expect("an input").unchecked_into();
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            on_file.run(file);
        }
        input.set_value("");
    };
    let drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            if !busy.get_untracked() {
                on_file.run(file);
            }
        }
    };
    let has_file = move || !matches!(state.get(), FirmwareState::None);
    view! {
        <section class="firmware-panel" aria-labelledby="firmware-title" data-testid="firmware-panel">
            <h2 id="firmware-title">"Choose the firmware"</h2>
            <p>
                "Use the update file from your modem's vendor (a " <code>".bin"</code> " or " <code>".exe"</code>
                " file). It is checked here, on your computer, before anything is written to the modem."
            </p>
            <div
                class="drop-zone"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=drop
            >
                <label for="firmware-input">"Firmware file"</label>
                <input
                    id="firmware-input"
                    type="file"
                    accept=".bin,.exe,.BIN,.EXE,.app,.APP,.cwe,.spk,.nvu,.CWE,.SPK,.NVU"
                    data-testid="firmware-input"
                    disabled=move || busy.get()
                    on:change=pick
                />
                <span class="hint">"or drop it here"</span>
            </div>
            <Show when=move || is_virtual.get()>
                <p>
                    <button data-testid="demo-firmware" disabled=move || busy.get() on:click=move |_| on_demo.run(())>
                        "Use a demo firmware file"
                    </button>
                    " (made for the virtual modem)"
                </p>
            </Show>
            <div class="expected-sha">
                <label for="expected-sha256">"SHA-256 from the vendor's page (optional, recommended)"</label>
                <input
                    id="expected-sha256"
                    type="text"
                    spellcheck="false"
                    autocomplete="off"
                    data-testid="expected-sha256"
                    placeholder="64 hexadecimal digits"
                    prop:value=move || expected_sha256.get()
                    on:input=move |ev| expected_sha256.set(event_target_value(&ev))
                />
                <button disabled=move || busy.get() || !has_file() on:click=move |_| on_recheck.run(())>
                    "Check again"
                </button>
            </div>
            {move || match state.get() {
                FirmwareState::None => ().into_any(),
                FirmwareState::Verifying { name } => view! {
                    <p class="status" role="status" data-testid="verifying">{format!("Checking {name}…")}</p>
                }
                .into_any(),
                FirmwareState::Unreadable { name, error, next_step } => view! {
                    <div class="outcome error" role="alert" data-testid="firmware-unreadable">
                        <h3>{format!("{name} could not be checked")}</h3>
                        <p>{error}</p>
                        <p class="next-step">{next_step}</p>
                    </div>
                }
                .into_any(),
                FirmwareState::Checked { view, ms, wasm_bytes } => view! {
                    <Verification view=view ms=ms wasm_bytes=wasm_bytes />
                }
                .into_any(),
            }}
        </section>
    }
}

/// The verdict, the checklist and the partition map of a checked file.
#[component]
fn Verification(view: FirmwareView, ms: f64, wasm_bytes: u64) -> impl IntoView {
    let verdict = if view.passed { "verdict pass" } else { "verdict fail" };
    let headline = if view.passed {
        format!("{} passed every check", view.name)
    } else {
        format!("{} will not be written", view.name)
    };
    view! {
        <div
            class="verification"
            data-testid="verify-summary"
            data-bytes=view.bytes.to_string()
            data-ms=format!("{ms:.0}")
            data-wasm-bytes=wasm_bytes.to_string()
            data-passed=view.passed.to_string()
        >
            <h3 class=verdict>{headline}</h3>
            <p class="facts">
                {human_bytes(view.bytes)}
                {view.version.clone().map(|v| format!(" · installs firmware {v}"))}
                {view.signed.then_some(" · signed")}
                {format!(" · checked in {:.1} s", ms / 1000.0)}
            </p>
            {view.sha256.clone().map(|sha| view! { <p class="sha256">"SHA-256 " <code data-testid="sha256">{sha}</code></p> })}
            {view.blocker().map(|b| view! { <p class="next-step" role="alert">{b}</p> })}
            <Checklist checks=view.checks.iter().filter(|c| c.outcome != Outcome::Pass).cloned().collect() />
            <details class="passed-checks">
                <summary>{format!("{} checks passed", view.checks.iter().filter(|c| c.outcome == Outcome::Pass).count())}</summary>
                <Checklist checks=view.checks.iter().filter(|c| c.outcome == Outcome::Pass).cloned().collect() />
            </details>
            <details class="partitions">
                <summary>{format!("{} partitions", view.partitions.len())}</summary>
                <table>
                    <thead>
                        <tr><th scope="col">"Name"</th><th scope="col">"Code"</th><th scope="col">"Size"</th><th scope="col">"Stored"</th></tr>
                    </thead>
                    <tbody>
                        {view
                            .partitions
                            .iter()
                            .map(|p| view! {
                                <tr><td>{p.name.clone()}</td><td><code>{p.code.clone()}</code></td><td>{p.size.clone()}</td><td>{p.packing}</td></tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </details>
        </div>
    }
}

/// A list of checks with their marks.
#[component]
fn Checklist(checks: Vec<CheckRow>) -> impl IntoView {
    (!checks.is_empty()).then(|| {
        view! {
            <ul class="checklist" data-testid="checklist">
                {checks
                    .into_iter()
                    .map(|c| {
                        let (class, mark, label) = match c.outcome {
                            Outcome::Pass => ("pass", "✓", "passed"),
                            Outcome::Warn => ("warn", "!", "warning"),
                            Outcome::Fail => ("fail", "✗", "failed"),
                        };
                        view! {
                            <li class=class>
                                <span class="mark" aria-label=label>{mark}</span>
                                " "
                                {c.sentence}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}
