//! The pre-flight checklist: every check with its result in words, and the fix for
//! each blocker or warning (issue 6, "The doctor").

use leptos::prelude::*;
use modemflash_core::preflight::Facts;

use crate::doctor_view::{checklist, CheckView};
use crate::tr::Tr;

/// The checks and a button that runs them again.
#[component]
pub fn Preflight(
    #[prop(into)] facts: Signal<Facts>,
    /// True while the modem is being talked to: the checks wait.
    #[prop(into)]
    busy: Signal<bool>,
    /// Runs the checks again (the port is opened and asked again).
    on_run_checks: Callback<()>,
) -> impl IntoView {
    let tr = Tr::get();
    view! {
        <section class="preflight" aria-labelledby="preflight-title" data-testid="preflight">
            <h2 id="preflight-title">{tr.t("doctor.title")}</h2>
            <p>{tr.t("doctor.intro")}</p>
            <ul role="list" class="checks">
                {move || facts.with(checklist).into_iter().map(|item| check_item(tr, item)).collect_view()}
            </ul>
            <button data-testid="recheck" disabled=busy on:click=move |_| on_run_checks.run(())>
                {tr.t("doctor.recheck")}
            </button>
        </section>
    }
}

/// One check: its status as a word, its name, what it found or what to do.
fn check_item(tr: Tr, item: CheckView) -> impl IntoView {
    let CheckView { code, title, status, detail, params, commands } = item;
    let detail = move || {
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tr.format(detail, &params)
    };
    let commands = (!commands.is_empty()).then(|| {
        view! {
            <p class="commands-label">{tr.t("doctor.commands")}</p>
            <pre class="commands"><code>{commands.join("\n")}</code></pre>
        }
    });
    view! {
        <li class="check" data-check=code data-status=status.code()>
            <span class="check-status">{tr.t(status.label())}</span>
            <span class="check-title">{tr.t(title)}</span>
            <p class="check-detail">{detail}</p>
            {commands}
        </li>
    }
}
