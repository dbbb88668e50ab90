//! "Select the modem again": a restarted modem with a new USB id needs a new
//! permission, and only a click may ask for it (specs/web-platform.md §2, §4).

use leptos::prelude::*;
use modemflash_core::device::catalogue::Mode;
use modemflash_core::flasher::ConnectError;

use crate::transport::reconnect::{PromptChannel, ReconnectPrompt};
use crate::transport::web_serial::{self, RequestError};

/// Shown while the job waits for the modem; its button opens the filtered chooser.
#[component]
pub fn ReconnectPanel(channel: PromptChannel) -> impl IntoView {
    let prompt = channel.prompt;
    let retry_hint = RwSignal::new(false);
    let select = move |p: ReconnectPrompt| {
        leptos::task::spawn_local(async move {
            let filters: Vec<_> = p.ids.iter().map(|id| (id.vid, Some(id.pid))).collect();
            match web_serial::request_port(&filters).await {
                Ok(port) => channel.answer(Ok(port)),
                Err(RequestError::Cancelled) => retry_hint.set(true),
                Err(RequestError::Failed(e)) => channel.answer(Err(ConnectError::Open(e))),
            }
        });
    };
    let cancel = move |_| channel.answer(Err(ConnectError::Cancelled));
    move || {
        prompt.get().map(|p| {
            let what = match p.mode {
                Mode::Download => "The modem restarted into update mode and now shows up as a different device.",
                _ => "The modem restarted with its new firmware.",
            };
            let ids = p.ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            view! {
                <section class="reconnect" role="alert" data-testid="reconnect">
                    <h2>"Select the modem again"</h2>
                    <p>{what} " The browser needs your permission to talk to it."</p>
                    <p>"Wait until its light is on, then press the button and choose it (" <code>{ids}</code> ")."</p>
                    {move || retry_hint.get().then(|| view! {
                        <p class="next-step">"Nothing was chosen. If the modem is not in the list yet, wait a few seconds and press the button again."</p>
                    })}
                    <div class="actions">
                        <button class="primary" data-testid="select-again" on:click=move |_| select(p.clone())>
                            "Select the modem"
                        </button>
                        <button on:click=cancel>"Stop here"</button>
                    </div>
                </section>
            }
        })
    }
}
