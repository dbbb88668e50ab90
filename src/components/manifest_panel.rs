//! The vendor's firmware list (`?manifest=`): the product, whether the list is signed, its
//! builds, and for the identified modem the build that fits, downloaded (or chosen, for a
//! "bring your own file" build) and checked against the list before it goes on to the
//! normal verification.

use leptos::either::{Either, EitherOf3, EitherOf4};
use leptos::prelude::*;
use leptos::task::spawn_local;
use modemflash_core::manifest::Build;
use wasm_bindgen::JsCast;

use crate::manifest_fetch::{check_brought, download, Refusal};
use crate::manifest_view::{DongleFacts, FileState, ManifestState, ManifestView, Offer};
use crate::tr::Tr;

/// The manifest section; `on_file` takes a file that matched the list.
#[component]
pub fn ManifestPanel(
    #[prop(into)] state: Signal<ManifestState>,
    /// The identified modem, if any.
    #[prop(into)]
    dongle: Signal<Option<DongleFacts>>,
    /// Whether a job is running (no new file then).
    #[prop(into)]
    busy: Signal<bool>,
    on_file: Callback<web_sys::File>,
) -> impl IntoView {
    let tr = Tr::get();
    let file_state = RwSignal::new(FileState::Idle);
    view! {
        <section class="manifest-panel" aria-labelledby="manifest-title" data-testid="manifest-panel">
            {move || match state.get() {
                ManifestState::Loading => EitherOf3::A(view! {
                    <h2 id="manifest-title">{tr.t("manifest.title")}</h2>
                    <p class="status" role="status" data-testid="manifest-loading">{tr.t("manifest.loading")}</p>
                }),
                ManifestState::Refused { what, next_step } => EitherOf3::B(view! {
                    <h2 id="manifest-title">{tr.t("manifest.title")}</h2>
                    <div class="outcome error" role="alert" data-testid="manifest-refused">
                        <h3>{tr.t("manifest.refused")}</h3>
                        <p>{what}</p>
                        <p class="next-step">{next_step}</p>
                    </div>
                }),
                ManifestState::Ready(view) => EitherOf3::C(view! {
                    <BuildList view=view.clone() />
                    <OfferView view=view dongle=dongle busy=busy file_state=file_state on_file=on_file />
                }),
            }}
        </section>
    }
}

/// The product, the signature's verdict and every build.
#[component]
fn BuildList(view: ManifestView) -> impl IntoView {
    let tr = Tr::get();
    let signed = view.signed;
    view! {
        <h2 id="manifest-title">{view.manifest.product.clone()}</h2>
        <p class="trust" class:signed=signed class:unsigned=!signed data-testid="manifest-trust">
            {tr.t(if signed { "manifest.signed" } else { "manifest.unsigned" })}
        </p>
        <ul class="builds" data-testid="manifest-builds">
            {view
                .rows()
                .into_iter()
                .map(|row| {
                    let file = row.file_name.clone();
                    view! {
                        <li>
                            <strong>{row.version}</strong>
                            " "
                            <span class="size">{row.size}</span>
                            <p>{row.notes}</p>
                            {row.bring_your_own.then(|| view! {
                                <p class="hint">{move || tr.format("manifest.bring_your_own", &[("file", &file)])}</p>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// What fits the identified modem, and getting its file.
#[component]
fn OfferView(
    view: ManifestView,
    dongle: Signal<Option<DongleFacts>>,
    busy: Signal<bool>,
    file_state: RwSignal<FileState>,
    on_file: Callback<web_sys::File>,
) -> impl IntoView {
    let tr = Tr::get();
    let offer = Memo::new(move |_| dongle.with(|d| view.offer(d.as_ref())));
    move || match offer.get() {
        Offer::Identify => EitherOf3::A(view! { <p class="status">{tr.t("manifest.identify_first")}</p> }),
        Offer::Nothing(why) => EitherOf3::B(view! {
            <div class="outcome warn" role="status" data-testid="manifest-no-build">
                <h3>{tr.t("manifest.nothing")}</h3>
                <p>{why}</p>
            </div>
        }),
        Offer::Fits { build, model } => {
            let headline = {
                let version = build.version.clone();
                move || tr.format("manifest.fits", &[("version", &version), ("model", &model)])
            };
            let getter = if build.url.is_some() {
                Either::Left(view! {
                    <DownloadButton offered=build.clone() busy=busy file_state=file_state on_file=on_file />
                })
            } else {
                Either::Right(view! {
                    <BroughtFile offered=build.clone() busy=busy file_state=file_state on_file=on_file />
                })
            };
            EitherOf3::C(view! {
                <div class="offer" data-testid="manifest-offer">
                    <h3>{headline}</h3>
                    {getter}
                    <FileProgress file_state=file_state file=build.file_name.clone() />
                </div>
            })
        }
    }
}

/// Downloads the build and hands it on once it matched.
#[component]
fn DownloadButton(
    offered: Build,
    busy: Signal<bool>,
    file_state: RwSignal<FileState>,
    on_file: Callback<web_sys::File>,
) -> impl IntoView {
    let tr = Tr::get();
    let file = offered.file_name.clone();
    let start = move |_| {
        let build = offered.clone();
        file_state.set(FileState::Receiving { received: 0, total: build.size });
        spawn_local(async move {
            let total = build.size;
            let progress = move |received| file_state.set(FileState::Receiving { received, total });
            settle(file_state, on_file, download(&build, progress).await);
        });
    };
    view! {
        <button
            class="primary"
            data-testid="manifest-download"
            disabled=move || busy.get() || file_state.with(FileState::is_busy)
            on:click=start
        >
            {move || tr.format("manifest.download", &[("file", &file)])}
        </button>
    }
}

/// Asks for a "bring your own file" build's file and checks it against the list.
#[component]
fn BroughtFile(
    offered: Build,
    busy: Signal<bool>,
    file_state: RwSignal<FileState>,
    on_file: Callback<web_sys::File>,
) -> impl IntoView {
    let tr = Tr::get();
    let file_name = offered.file_name.clone();
    let pick = move |ev: leptos::ev::Event| {
        let Some(target) = ev.target() else { return };
        let input: web_sys::HtmlInputElement = target.unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        let build = offered.clone();
        file_state.set(FileState::Checking);
        spawn_local(async move {
            let checked = check_brought(&file, &build).await.map(|()| file);
            settle(file_state, on_file, checked);
        });
    };
    view! {
        <label for="manifest-file">{move || tr.format("manifest.choose", &[("file", &file_name)])}</label>
        <input
            id="manifest-file"
            type="file"
            data-testid="manifest-file"
            disabled=move || busy.get() || file_state.with(FileState::is_busy)
            on:change=pick
        />
    }
}

/// Hands a file that matched the list on to the normal verification, or shows why not.
fn settle(file_state: RwSignal<FileState>, on_file: Callback<web_sys::File>, checked: Result<web_sys::File, Refusal>) {
    match checked {
        Ok(file) => {
            file_state.set(FileState::Passed);
            on_file.run(file);
        }
        Err(refusal) => file_state.set(FileState::Refused { what: refusal.what, next_step: refusal.next_step }),
    }
}

/// The download's progress, and the verdict against the list.
#[component]
fn FileProgress(file_state: RwSignal<FileState>, file: String) -> impl IntoView {
    let tr = Tr::get();
    // Re-rendered when the state changes kind, not at every chunk (the bar follows those).
    let kind = Memo::new(move |_| file_state.with(std::mem::discriminant));
    move || {
        let _ = kind.get();
        let file = file.clone();
        match file_state.get_untracked() {
            FileState::Idle => EitherOf4::A(()),
            FileState::Receiving { .. } => EitherOf4::B(view! {
                <label for="download-progress">{move || tr.format("manifest.downloading", &[("file", &file)])}</label>
                <progress
                    id="download-progress"
                    max="100"
                    data-testid="manifest-progress"
                    value=move || file_state.with(FileState::percent).to_string()
                ></progress>
            }),
            FileState::Refused { what, next_step } => EitherOf4::C(view! {
                <div class="outcome error" role="alert" data-testid="manifest-file-refused">
                    <h4>{move || tr.format("manifest.file_refused", &[("file", &file)])}</h4>
                    <p>{what}</p>
                    <p class="next-step">{next_step}</p>
                </div>
            }),
            state => {
                let (key, testid) = match state {
                    FileState::Passed => ("manifest.passed", "manifest-file-passed"),
                    _ => ("manifest.checking", "manifest-file-checking"),
                };
                EitherOf4::D(view! {
                    <p class="status" role="status" data-testid=testid>
                        {move || tr.format(key, &[("file", &file)])}
                    </p>
                })
            }
        }
    }
}
