//! Tells the person when this browser cannot reach a real modem, and what to use.

use leptos::prelude::*;

use crate::session::Support;

/// Shown only when real modems are out of reach; the virtual modem still works.
#[component]
pub fn SupportBanner(support: Support) -> impl IntoView {
    support.problem().map(|problem| {
        view! {
            <section class="support-banner" role="alert" data-testid="support-problem">
                <h2>{problem.title()}</h2>
                <p>{problem.advice()}</p>
                <p>"You can still try everything with the virtual modem below."</p>
            </section>
        }
    })
}
