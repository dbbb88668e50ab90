//! Tells the person when this browser cannot reach a real modem, and what to use.

use leptos::prelude::*;

use crate::session::Support;
use crate::tr::Tr;

/// Shown only when real modems are out of reach; the virtual modem still works.
#[component]
pub fn SupportBanner(support: Support) -> impl IntoView {
    let tr = Tr::get();
    support.problem().map(|problem| {
        view! {
            <section class="support-banner" role="alert" data-testid="support-problem">
                <h2>{tr.t(problem.title())}</h2>
                <p>{tr.t(problem.advice())}</p>
                <p>{tr.t("support.virtual_still_works")}</p>
            </section>
        }
    })
}
