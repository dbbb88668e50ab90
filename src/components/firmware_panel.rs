//! Choosing the firmware (a file, a zipped package, several files or a folder) and
//! seeing it verified, check by check.

use leptos::prelude::*;
use modemflash_core::image::Outcome;
use wasm_bindgen::JsCast;

use crate::firmware_view::{CheckRow, FirmwareState, FirmwareView};
use crate::job_view::{human_bytes, one_decimal};
use crate::tr::Tr;
use crate::transport::firmware_files::FirmwareFiles;

/// The firmware step: file and folder pickers, drop zone, expected checksum, checklist.
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
    on_files: Callback<FirmwareFiles>,
    on_demo: Callback<()>,
    /// Checks the chosen file again (after a checksum was pasted).
    on_recheck: Callback<()>,
) -> impl IntoView {
    let tr = Tr::get();
    let dragging = RwSignal::new(false);
    // Why a dropped folder could not be read; cleared by the next choice.
    let drop_failed = RwSignal::new(None::<String>);
    let pick = move |ev: leptos::ev::Event| {
        let Some(target) = ev.target() else { return };
        let input: web_sys::HtmlInputElement = target.unchecked_into();
        if let Some(files) = input.files().as_ref().and_then(FirmwareFiles::from_list) {
            drop_failed.set(None);
            on_files.run(files);
        }
        input.set_value("");
    };
    let drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let Some(data) = ev.data_transfer().filter(|_| !busy.get_untracked()) else { return };
        // A dropped folder's entries must be taken during the event; they are read after.
        let dropped = FirmwareFiles::dropped(&data);
        leptos::task::spawn_local(async move {
            match dropped.read().await {
                Ok(Some(files)) => {
                    drop_failed.set(None);
                    on_files.run(files);
                }
                Ok(None) => {}
                Err(reason) => drop_failed.set(Some(reason)),
            }
        });
    };
    let has_file = move || !matches!(state.get(), FirmwareState::None);
    view! {
        <section class="firmware-panel" aria-labelledby="firmware-title" data-testid="firmware-panel">
            <h2 id="firmware-title">{tr.t("firmware.title")}</h2>
            <p>{tr.t("firmware.intro")}</p>
            <p>{tr.t("firmware.package_note")}</p>
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
                <label for="firmware-input">{tr.t("firmware.file_label")}</label>
                <input
                    id="firmware-input"
                    type="file"
                    multiple
                    accept=".bin,.exe,.BIN,.EXE,.app,.APP,.cwe,.spk,.nvu,.CWE,.SPK,.NVU,.zip,.ZIP,.hex,.HEX,.mbn,.MBN,.img,.IMG,.json"
                    data-testid="firmware-input"
                    disabled=move || busy.get()
                    on:change=pick
                />
                <label for="firmware-folder">{tr.t("firmware.folder_label")}</label>
                <input
                    id="firmware-folder"
                    type="file"
                    prop:webkitdirectory=true
                    data-testid="firmware-folder"
                    disabled=move || busy.get()
                    on:change=pick
                />
                <span class="hint">{tr.t("firmware.drop_hint")}</span>
            </div>
            {move || drop_failed.get().map(|reason| view! {
                <p class="next-step" role="alert" data-testid="drop-failed">
                    {move || tr.format("firmware.drop_failed", &[("reason", &reason)])}
                </p>
            })}
            <Show when=move || is_virtual.get()>
                <p>
                    <button data-testid="demo-firmware" disabled=move || busy.get() on:click=move |_| on_demo.run(())>
                        {tr.t("firmware.demo")}
                    </button>
                    " "
                    {tr.t("firmware.demo_note")}
                </p>
            </Show>
            <div class="expected-sha">
                <label for="expected-sha256">{tr.t("firmware.sha_label")}</label>
                <input
                    id="expected-sha256"
                    type="text"
                    spellcheck="false"
                    autocomplete="off"
                    data-testid="expected-sha256"
                    placeholder=tr.t("firmware.sha_placeholder")
                    prop:value=move || expected_sha256.get()
                    on:input=move |ev| expected_sha256.set(event_target_value(&ev))
                />
                <button disabled=move || busy.get() || !has_file() on:click=move |_| on_recheck.run(())>
                    {tr.t("firmware.check_again")}
                </button>
            </div>
            {move || match state.get() {
                FirmwareState::None => ().into_any(),
                FirmwareState::Verifying { name } => view! {
                    <p class="status" role="status" data-testid="verifying">
                        {move || tr.format("firmware.checking", &[("name", &name)])}
                    </p>
                }
                .into_any(),
                FirmwareState::Unreadable { name, error, next_step } => view! {
                    <div class="outcome error" role="alert" data-testid="firmware-unreadable">
                        <h3>{move || tr.format("firmware.unreadable", &[("name", &name)])}</h3>
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
    let tr = Tr::get();
    let passed = view.passed;
    let name = view.name.clone();
    let headline = move || tr.format(if passed { "firmware.passed" } else { "firmware.refused" }, &[("name", &name)]);
    let version = view.version.clone();
    let installs = move || version.as_ref().map(|v| tr.format("firmware.installs", &[("version", v)]));
    let checked_in = move || tr.format("firmware.checked_in", &[("seconds", &one_decimal(ms / 1000.0))]);
    let failed = view.blocker();
    let blocker = move || failed.map(|n| tr.format("firmware.blocker", &[("count", &n.to_string())]));
    let passed_count = view.checks.iter().filter(|c| c.outcome == Outcome::Pass).count().to_string();
    let partition_count = view.partitions.len().to_string();
    view! {
        <div
            class="verification"
            data-testid="verify-summary"
            data-bytes=view.bytes.to_string()
            data-ms=(ms.round() as u64).to_string()
            data-wasm-bytes=wasm_bytes.to_string()
            data-passed=view.passed.to_string()
        >
            <h3 class="verdict" class:pass=passed class:fail=!passed>{headline}</h3>
            <p class="facts">
                {human_bytes(view.bytes)}
                {installs}
                {view.signed.then(|| tr.t("firmware.signed"))}
                {checked_in}
            </p>
            {view.sha256.clone().map(|sha| view! { <p class="sha256">{tr.t("firmware.sha256")} " " <code data-testid="sha256">{sha}</code></p> })}
            {failed.map(|_| view! { <p class="next-step" role="alert">{blocker}</p> })}
            <Checklist checks=view.checks.iter().filter(|c| c.outcome != Outcome::Pass).cloned().collect() />
            <details class="passed-checks">
                <summary>{move || tr.format("firmware.checks_passed", &[("count", &passed_count)])}</summary>
                <Checklist checks=view.checks.iter().filter(|c| c.outcome == Outcome::Pass).cloned().collect() />
            </details>
            <details class="partitions">
                <summary>{move || tr.format("firmware.partitions", &[("count", &partition_count)])}</summary>
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{tr.t("firmware.column_name")}</th>
                            <th scope="col">{tr.t("firmware.column_code")}</th>
                            <th scope="col">{tr.t("firmware.column_size")}</th>
                            <th scope="col">{tr.t("firmware.column_stored")}</th>
                        </tr>
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

/// A list of checks with their marks (also the loader's, in the recovery panel).
#[component]
pub fn Checklist(checks: Vec<CheckRow>) -> impl IntoView {
    let tr = Tr::get();
    (!checks.is_empty()).then(|| {
        view! {
            <ul class="checklist" data-testid="checklist">
                {checks
                    .into_iter()
                    .map(|c| {
                        let (class, mark, label) = match c.outcome {
                            Outcome::Pass => ("pass", "✓", "check.passed"),
                            Outcome::Warn => ("warn", "!", "check.warning"),
                            Outcome::Fail => ("fail", "✗", "check.failed"),
                        };
                        view! {
                            <li class=class>
                                <span class="mark" aria-label=tr.t(label)>{mark}</span>
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
