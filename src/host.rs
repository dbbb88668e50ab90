//! The embedded wizard's side of embedding ([`crate::embed`]): applies the host's colours
//! and posts what happens to the host page. Does nothing in a page of its own.

use leptos::prelude::*;

use crate::app::JobPhase;
use crate::embed::{host_origin, theme, HostEvent};
use crate::job_view::JobView;
use crate::session::Screen;

/// Starts talking to the host page, when there is one.
pub fn connect(screen: RwSignal<Screen>, phase: RwSignal<JobPhase>, job: RwSignal<JobView>) {
    let window = window();
    let Some(parent) = window.parent().ok().flatten() else { return };
    if js_sys::Object::is(&parent, &window) {
        return;
    }
    apply_theme();
    let Some(origin) = embedding_origin() else { return };
    let post = move |event: HostEvent| {
        if let Ok(message) = js_sys::JSON::parse(&event.message().to_string()) {
            let _ = parent.post_message(&message, &origin);
        }
    };
    let state = Memo::new(move |_| match (phase.get(), screen.get()) {
        (JobPhase::Confirming, _) => "confirming",
        (JobPhase::Running, _) => "updating",
        (JobPhase::Done(_), _) => "done",
        (JobPhase::Stopped(_), _) => "stopped",
        (JobPhase::Idle, Screen::Start) => "start",
        (JobPhase::Idle, Screen::Identifying(_)) => "identifying",
        (JobPhase::Idle, s) if s.device_ready() => "identified",
        (JobPhase::Idle, _) => "no-modem",
    });
    let post_state = post.clone();
    Effect::new(move |_| post_state(HostEvent::State(state.get())));
    let percent = Memo::new(move |_| job.with(JobView::announced_percent));
    let post_progress = post.clone();
    Effect::new(move |_| {
        let percent = percent.get();
        if phase.with_untracked(|p| *p == JobPhase::Running) {
            post_progress(HostEvent::Progress(percent));
        }
    });
    Effect::new(move |_| match phase.get() {
        JobPhase::Done(done) => post(HostEvent::Done { version: done.new_version }),
        JobPhase::Stopped(stopped) => post(HostEvent::Error { message: stopped.what }),
        _ => {}
    });
}

/// The embedding page's origin ([`host_origin`]), from what the browser tells the frame.
fn embedding_origin() -> Option<String> {
    let location = window().location();
    let ancestors = js_sys::Reflect::get(&location, &"ancestorOrigins".into()).ok().filter(|a| !a.is_undefined());
    let ancestor = ancestors.and_then(|list| js_sys::Reflect::get(&list, &0.into()).ok()).and_then(|o| o.as_string());
    host_origin(ancestor.as_deref(), &document().referrer())
}

/// The page's query string, decoded into pairs (`?manifest=…&key=…&accent=…`).
pub fn query_pairs() -> Vec<(String, String)> {
    let search = window().location().search().unwrap_or_default();
    let decode = |s: &str| js_sys::decode_uri_component(s).ok().and_then(|d| d.as_string()).unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// `?accent=%23aa0000&bg=%23ffffff` → the page's CSS variables (colours only).
fn apply_theme() {
    let pairs = query_pairs();
    let vars = theme(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if vars.is_empty() {
        return;
    }
    let style: String = vars.iter().map(|(var, value)| format!("{var}:{value};")).collect();
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("style", &style);
    }
}
