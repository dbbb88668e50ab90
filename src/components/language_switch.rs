//! The language switch in the header; the browser's language is the default, and a
//! choice made here is remembered for the next visit.

use leptos::prelude::*;

use crate::i18n::Lang;
use crate::tr::Tr;

/// A labelled list of the page's languages, each named in itself.
#[component]
pub fn LanguageSwitch(lang: RwSignal<Lang>) -> impl IntoView {
    let tr = Tr::get();
    let choose = move |ev: leptos::ev::Event| {
        if let Some(chosen) = Lang::from_tag(&event_target_value(&ev)) {
            // The catalogue comes first (src/i18n_fetch.rs); the page stays as it is when it cannot.
            leptos::task::spawn_local(async move {
                match crate::i18n_fetch::load(chosen).await {
                    Ok(()) => {
                        crate::platform::remember_language(chosen.code());
                        lang.set(chosen);
                    }
                    Err(e) => leptos::logging::error!("{e}"),
                }
            });
        }
    };
    view! {
        <div class="language-switch">
            <label for="language">{tr.t("language.label")}</label>
            <select id="language" data-testid="language" on:change=choose>
                {Lang::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <option value=l.code() lang=l.code() selected=move || lang.get() == l>
                                {l.autonym()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
