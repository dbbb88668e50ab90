//! The protocol log: everything the engine reported, saveable for a support request.

use leptos::prelude::*;

use crate::components::bundle_button::BundleButton;
use crate::session::{log_text, LogLine};
use crate::tr::Tr;

/// A collapsible log with "Save log" and "Download debug bundle" buttons.
#[component]
pub fn LogConsole(
    #[prop(into)] lines: Signal<Vec<LogLine>>,
    on_save: Callback<String>,
    on_bundle: Callback<()>,
) -> impl IntoView {
    let tr = Tr::get();
    let summary = move || tr.format("log.summary", &[("count", &lines.with(Vec::len).to_string())]);
    view! {
        <details class="log-console" data-testid="log">
            <summary data-testid="log-summary">{summary}</summary>
            <button on:click=move |_| on_save.run(lines.with(|l| log_text(l)))>{tr.t("log.save")}</button>
            " "
            <BundleButton on_bundle=on_bundle />
            // Scrolls: focusable so the keyboard can scroll it too.
            <ol class="log-lines" tabindex="0" aria-label=tr.t("log.label") data-testid="log-lines">
                {move || {
                    lines
                        .get()
                        .into_iter()
                        .map(|l| {
                            let class = format!("log-{:?}", l.level).to_ascii_lowercase();
                            view! { <li class=class>{l.text}</li> }
                        })
                        .collect_view()
                }}
            </ol>
        </details>
    }
}
