//! The connected modem's settings on their own: download a backup, restore the one this
//! browser keeps or one from a file, and see what the restore did.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::restore_list::RestoreList;
use crate::restore_view::SettingsTask;
use crate::tr::Tr;

/// Backup and restore without updating.
#[component]
pub fn SettingsPanel(
    #[prop(into)] task: Signal<SettingsTask>,
    /// When the backup this browser keeps for the modem was taken (`None` without one;
    /// an empty text when the time is unknown).
    #[prop(into)]
    stored: Signal<Option<String>>,
    /// Whether the modem is busy (an update, or a settings task, is running).
    #[prop(into)]
    busy: Signal<bool>,
    on_download: Callback<()>,
    on_restore_saved: Callback<()>,
    on_restore_file: Callback<web_sys::File>,
) -> impl IntoView {
    let tr = Tr::get();
    let pick = move |ev: leptos::ev::Event| {
        let Some(target) = ev.target() else { return };
        let input: web_sys::HtmlInputElement = target.unchecked_into();
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            on_restore_file.run(file);
        }
        input.set_value("");
    };
    let saved_label = move || {
        let when = stored.get().filter(|w| !w.is_empty()).unwrap_or_else(|| tr.t("settings.when_unknown")());
        tr.format("settings.restore_saved", &[("when", &when)])
    };
    let reason = move || {
        if busy.get() {
            tr.t("settings.busy")()
        } else if stored.with(Option::is_none) {
            tr.t("settings.restore_none")()
        } else {
            String::new()
        }
    };
    let result = move || match task.get() {
        SettingsTask::Idle => ().into_any(),
        SettingsTask::Working => view! { <p class="status">{tr.t("settings.working")}</p> }.into_any(),
        SettingsTask::Saved { file } => {
            view! { <p data-testid="settings-saved">{move || tr.format("settings.saved", &[("file", &file)])}</p> }
                .into_any()
        }
        SettingsTask::Restored(view) => view! {
            <h3>{tr.t("settings.restored_title")}</h3>
            <RestoreList view=view />
        }
        .into_any(),
        SettingsTask::Failed(message) => view! {
            <p class="next-step" role="alert" data-testid="settings-error">
                {move || message.render(tr.0.get().catalog())}
            </p>
        }
        .into_any(),
    };
    view! {
        <section class="settings-panel" aria-labelledby="settings-title" data-testid="settings-panel">
            <h2 id="settings-title">{tr.t("settings.title")}</h2>
            <p>{tr.t("settings.intro")}</p>
            <div class="actions">
                <button
                    data-testid="settings-download"
                    disabled=move || busy.get()
                    aria-describedby="settings-reason"
                    on:click=move |_| on_download.run(())
                >
                    {tr.t("settings.download")}
                </button>
                <button
                    data-testid="settings-restore-saved"
                    disabled=move || busy.get() || stored.with(Option::is_none)
                    aria-describedby="settings-reason"
                    on:click=move |_| on_restore_saved.run(())
                >
                    {saved_label}
                </button>
                <label class="file-button" for="settings-file">{tr.t("settings.restore_file")}</label>
                <input
                    id="settings-file"
                    type="file"
                    accept=".json,application/json"
                    data-testid="settings-file"
                    disabled=move || busy.get()
                    on:change=pick
                />
            </div>
            <p id="settings-reason" class="reason" data-testid="settings-reason">{reason}</p>
            <div aria-live="polite" data-testid="settings-result">{result}</div>
        </section>
    }
}
