//! The protocol log: everything the engine reported, saveable for a support request.

use leptos::prelude::*;

use crate::session::{log_text, LogLine};

/// A collapsible log with a "Save log" button.
#[component]
pub fn LogConsole(#[prop(into)] lines: Signal<Vec<LogLine>>, on_save: Callback<String>) -> impl IntoView {
    view! {
        <details class="log-console" data-testid="log">
            <summary data-testid="log-summary">"Log (" {move || lines.with(Vec::len)} " lines)"</summary>
            <button on:click=move |_| on_save.run(lines.with(|l| log_text(l)))>"Save log"</button>
            // Scrolls: focusable so the keyboard can scroll it too.
            <ol class="log-lines" tabindex="0" aria-label="Protocol log" data-testid="log-lines">
                {move || {
                    lines
                        .get()
                        .into_iter()
                        .map(|l| {
                            let class = format!("log-{:?}", l.level).to_lowercase();
                            view! { <li class=class>{l.text}</li> }
                        })
                        .collect_view()
                }}
            </ol>
        </details>
    }
}
