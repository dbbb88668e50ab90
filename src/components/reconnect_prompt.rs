//! "Select the modem again": a restarted modem with a new USB id needs a new
//! permission, and only a click may ask for it (specs/web-platform.md §2, §4).

use leptos::prelude::*;
use modemflash_core::device::catalogue::Mode;
use modemflash_core::flasher::ConnectError;

use crate::tr::Tr;
use crate::transport::reconnect::{Picked, PromptChannel, ReconnectPrompt};
use crate::transport::web_serial::{self, RequestError};
use crate::transport::web_usb;

/// Shown while the job waits for the modem; its button opens the filtered chooser.
#[component]
pub fn ReconnectPanel(channel: PromptChannel) -> impl IntoView {
    let tr = Tr::get();
    let prompt = channel.prompt;
    let retry_hint = RwSignal::new(false);
    let select = move |p: ReconnectPrompt| {
        leptos::task::spawn_local(async move {
            let filters: Vec<_> = p.ids.iter().map(|id| (id.vid, Some(id.pid))).collect();
            let picked = if p.over_usb {
                web_usb::request_device(&filters).await.map(Picked::Usb)
            } else {
                web_serial::request_port(&filters).await.map(Picked::Serial)
            };
            match picked {
                Ok(picked) => channel.answer(Ok(picked)),
                Err(RequestError::Cancelled) => retry_hint.set(true),
                Err(RequestError::Failed(e)) => channel.answer(Err(ConnectError::Open(e))),
            }
        });
    };
    let cancel = move |_| channel.answer(Err(ConnectError::Cancelled));
    move || {
        prompt.get().map(|p| {
            let what = match p.mode {
                Mode::Download => "reconnect.download",
                _ => "reconnect.normal",
            };
            let ids = p.ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            view! {
                <section class="reconnect" role="alert" data-testid="reconnect">
                    <h2>{tr.t("reconnect.title")}</h2>
                    <p>{tr.t(what)} " " {tr.t("reconnect.permission")}</p>
                    <p>{move || tr.format("reconnect.choose", &[("ids", &ids)])}</p>
                    {move || retry_hint.get().then(|| view! {
                        <p class="next-step">{tr.t("reconnect.nothing_chosen")}</p>
                    })}
                    <div class="actions">
                        <button class="primary" data-testid="select-again" on:click=move |_| select(p.clone())>
                            {tr.t("reconnect.select")}
                        </button>
                        <button on:click=cancel>{tr.t("reconnect.stop")}</button>
                    </div>
                </section>
            }
        })
    }
}
