//! The wizard: owns the state, runs the steps, hands the view model to components.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::components::connect::ConnectPanel;
use crate::components::device_card::DeviceCard;
use crate::components::log_console::LogConsole;
use crate::components::outcome::Outcome;
use crate::components::support_banner::SupportBanner;
use crate::session::{chooser_vendor_ids, LogLine, Screen, Via};
use crate::transport::web_serial::{self, RequestError, WebSerialPort};
use crate::wizard::{identify_on, identify_virtual, push_log};

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let support = crate::transport::support();
    let screen = RwSignal::new(Screen::Start);
    let log = RwSignal::new(Vec::<LogLine>::new());
    let busy = Signal::derive(move || screen.with(Screen::is_busy));

    let on_connect = Callback::new(move |()| {
        screen.set(Screen::Identifying(Via::WebSerial));
        spawn_local(async move { screen.set(connect_serial(log).await) });
    });
    let on_virtual = Callback::new(move |()| {
        screen.set(Screen::Identifying(Via::Virtual));
        spawn_local(async move { screen.set(identify_virtual(log).await) });
    });
    let on_save = Callback::new(|text: String| save_text("modemflash-log.txt", &text));

    view! {
        <header class="page-header">
            <h1>"modemflash"</h1>
            <p class="tagline">"Update the firmware of your USB modem, right in the browser. Nothing to install."</p>
        </header>
        <main>
            <SupportBanner support=support />
            <ConnectPanel support=support busy=busy on_connect=on_connect on_virtual=on_virtual />
            <div aria-live="polite" class="screen">
                {move || match screen.get() {
                    Screen::Identified(device) => view! { <DeviceCard device=device /> }.into_any(),
                    other => view! { <Outcome screen=other /> }.into_any(),
                }}
            </div>
            <LogConsole lines=log on_save=on_save />
        </main>
    }
}

/// Chooser → open → identify → close. The port is closed again so nothing holds it.
async fn connect_serial(log: RwSignal<Vec<LogLine>>) -> Screen {
    let port = match web_serial::request_port(&chooser_vendor_ids()).await {
        Ok(port) => port,
        Err(RequestError::Cancelled) => return Screen::ChooserCancelled,
        Err(RequestError::Failed(what)) => {
            return Screen::Failed { what, next_step: "Reload the page and try again.".into() };
        }
    };
    let usb = web_serial::usb_id_of(&port);
    push_log(
        log,
        LogLine::info(format!("Opening the port ({}).", usb.map_or("unknown USB id".into(), |u| u.to_string()))),
    );
    let port = match WebSerialPort::open(port).await {
        Ok(port) => port,
        Err(e) => return Screen::Failed { what: e.to_string(), next_step: e.next_step().into() },
    };
    let (screen, port) = identify_on(port, usb, Via::WebSerial, log).await;
    port.close().await;
    screen
}

/// Offers `text` as a download.
fn save_text(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(a) = document().create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
