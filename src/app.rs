//! The wizard: owns the state, runs the steps, hands the view model to components.
//!
//! connect → identify → choose and verify the firmware → confirm → flash (with the
//! reconnect prompts after each restart) → done, or stopped with the next step.

use leptos::prelude::*;
use leptos::task::spawn_local;
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::flasher::{Failure, NextStep, Report};
use modemflash_core::image::Selection;
use modemflash_sim::profile::E3372H;
use modemflash_sim::{Link, Sim};
use wasm_bindgen::JsCast;
use web_sys::SerialPort;

use crate::components::confirm::ConfirmUpdate;
use crate::components::connect::ConnectPanel;
use crate::components::device_card::DeviceCard;
use crate::components::firmware_panel::FirmwarePanel;
use crate::components::flash_progress::FlashProgress;
use crate::components::job_result::{UpdateDone, UpdateStopped};
use crate::components::language_switch::LanguageSwitch;
use crate::components::log_console::LogConsole;
use crate::components::outcome::Outcome;
use crate::components::reconnect_prompt::ReconnectPanel;
use crate::components::support_banner::SupportBanner;
use crate::components::update_button::UpdateButton;
use crate::demo::{PacedConnector, PacedPort, Pacer};
use crate::firmware_view::FirmwareState;
use crate::i18n::Lang;
use crate::job_view::JobView;
use crate::modem::{ModemConnector, ModemPort};
use crate::outcome_view::{DoneView, StoppedView};
use crate::session::{chooser_vendor_ids, LogLine, Screen, Via};
use crate::tr::Tr;
use crate::transport::blob_source::BlobSource;
use crate::transport::firmware_files::FirmwareFiles;
use crate::transport::reconnect::{PromptChannel, WebConnector};
use crate::transport::web_serial::{self, RequestError, WebSerialPort};
use crate::wizard::{demo_firmware, flash, identify_on, identify_virtual, push_log, verify};

/// The modem the wizard talks to between steps. Real ports stay closed between steps so
/// nothing holds them.
#[derive(Clone)]
enum Connection {
    Serial { port: SerialPort, usb: Option<UsbId> },
    Virtual(Sim),
}

/// Where the update is.
#[derive(Clone, Debug, PartialEq)]
pub enum JobPhase {
    Idle,
    Confirming,
    Running,
    Done(DoneView),
    Stopped(StoppedView),
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(Lang::negotiate(browser_languages().iter().map(String::as_str)));
    let tr = Tr(lang);
    provide_context(tr);
    // Screen readers and the browser's own translation read the page's language here.
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.get().code());
        }
    });
    let support = crate::transport::support();
    let screen = RwSignal::new(Screen::Start);
    let log = RwSignal::new(Vec::<LogLine>::new());
    let connection = StoredValue::new_local(None::<Connection>);
    let firmware = RwSignal::new(FirmwareState::None);
    let firmware_files = StoredValue::new_local(None::<FirmwareFiles>);
    let selection = StoredValue::new_local(None::<Selection<BlobSource>>);
    let expected_sha256 = RwSignal::new(String::new());
    let phase = RwSignal::new(JobPhase::Idle);
    let job = RwSignal::new(JobView::default());
    let prompt = PromptChannel::new();
    crate::host::connect(screen, phase, job);

    let running = Signal::derive(move || phase.with(|p| matches!(p, JobPhase::Running | JobPhase::Confirming)));
    let busy = Signal::derive(move || screen.with(Screen::is_busy) || running.get());
    let is_virtual = Signal::derive(move || screen.with(|s| matches!(s, Screen::Identified(d) if d.is_virtual)));

    let on_connect = Callback::new(move |()| {
        screen.set(Screen::Identifying(Via::WebSerial));
        spawn_local(async move {
            let (next, conn) = connect_serial(log, tr).await;
            connection.set_value(conn);
            screen.set(next);
        });
    });
    let on_virtual = Callback::new(move |()| {
        screen.set(Screen::Identifying(Via::Virtual));
        spawn_local(async move {
            // Full speed, as most sticks run: the demo's progress can be followed.
            let sim = Sim::with_link(&E3372H, Link::usb_full_speed());
            let next = identify_virtual(&sim, log).await;
            connection.set_value(Some(Connection::Virtual(sim)));
            screen.set(next);
        });
    });
    let check_file = move |files: FirmwareFiles| {
        let name = files.name();
        firmware.set(FirmwareState::Verifying { name: name.clone() });
        phase.set(JobPhase::Idle);
        let stick = screen.with_untracked(|s| if let Screen::Identified(d) = s { Some(d.identity()) } else { None });
        spawn_local(async move {
            let (state, checked) = verify(&files, &expected_sha256.get_untracked(), stick.as_ref()).await;
            push_log(
                log,
                LogLine::info(match &state {
                    FirmwareState::Checked { view, ms, .. } => {
                        format!(
                            "Checked {name} in {:.1} s: {}.",
                            ms / 1000.0,
                            if view.passed { "passed" } else { "refused" }
                        )
                    }
                    _ => format!("{name} could not be checked."),
                }),
            );
            firmware_files.set_value(Some(files));
            selection.set_value(checked);
            firmware.set(state);
        });
    };
    let on_file = Callback::new(check_file);
    let on_recheck = Callback::new(move |()| {
        if let Some(files) = firmware_files.get_value() {
            check_file(files);
        }
    });
    let on_demo = Callback::new(move |()| {
        if let Some(file) = demo_firmware() {
            check_file(FirmwareFiles::One(file));
        }
    });
    let start_job = move || {
        let Some(conn) = connection.get_value() else { return };
        // Lent to the job, and given back for a resume: the files are not read again.
        let Some(Some(mut checked)) = selection.try_update_value(Option::take) else { return };
        phase.set(JobPhase::Running);
        spawn_local(async move {
            let result = run_update(conn, &mut checked, prompt, job, log).await;
            selection.set_value(Some(checked));
            phase.set(match result {
                Ok(report) => JobPhase::Done(DoneView::new(&report)),
                Err(failure) => JobPhase::Stopped(StoppedView::new(&failure)),
            });
        });
    };
    let on_confirm = Callback::new(move |()| start_job());
    let on_next = Callback::new(move |()| {
        let next = phase.with_untracked(|p| if let JobPhase::Stopped(s) = p { Some(s.next) } else { None });
        match next {
            Some(NextStep::Resume | NextStep::Retry) => {
                // A real modem comes back with another id: ask for it again first.
                if let Some(Connection::Serial { .. }) = connection.get_value() {
                    spawn_local(async move {
                        match web_serial::request_port(&modem_filters()).await {
                            Ok(port) => {
                                let usb = web_serial::usb_id_of(&port);
                                connection.set_value(Some(Connection::Serial { port, usb }));
                                phase.set(JobPhase::Confirming);
                            }
                            Err(_) => {
                                push_log(log, LogLine::info("No modem was chosen; the update can be resumed later."))
                            }
                        }
                    });
                } else {
                    phase.set(JobPhase::Confirming);
                }
            }
            Some(NextStep::ChooseAnotherFile) => {
                firmware.set(FirmwareState::None);
                phase.set(JobPhase::Idle);
            }
            Some(NextStep::ChooseAnotherPort | NextStep::CheckModem) | None => {
                phase.set(JobPhase::Idle);
                screen.set(Screen::Start);
            }
        }
    });
    let on_save = Callback::new(|text: String| save_text("modemflash-log.txt", &text));

    view! {
        <header class="page-header">
            <div class="title-row">
                <h1>{tr.t("app.name")}</h1>
                <LanguageSwitch lang=lang />
            </div>
            <p class="tagline">{tr.t("app.tagline")}</p>
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
            <Show when=move || screen.with(Screen::device_ready)>
                <FirmwarePanel
                    state=firmware
                    expected_sha256=expected_sha256
                    is_virtual=is_virtual
                    busy=running
                    on_files=on_file
                    on_demo=on_demo
                    on_recheck=on_recheck
                />
                <UpdateButton firmware=firmware phase=phase />
            </Show>
            {move || match phase.get() {
                JobPhase::Idle => ().into_any(),
                JobPhase::Confirming => match firmware.with(|f| f.verified().cloned()) {
                    Some(view) => {
                        let device = screen.with(device_name);
                        let on_cancel = Callback::new(move |()| phase.set(JobPhase::Idle));
                        view! { <ConfirmUpdate view=view device=device on_confirm=on_confirm on_cancel=on_cancel /> }.into_any()
                    }
                    None => ().into_any(),
                },
                JobPhase::Running => view! { <FlashProgress job=job /> }.into_any(),
                JobPhase::Done(done) => view! { <UpdateDone view=done /> }.into_any(),
                JobPhase::Stopped(stopped) => view! { <UpdateStopped view=stopped on_next=on_next /> }.into_any(),
            }}
            <ReconnectPanel channel=prompt />
            <LogConsole lines=log on_save=on_save />
        </main>
    }
}

/// Chooser → open → identify → close. The chosen port is kept (closed) for the update.
async fn connect_serial(log: RwSignal<Vec<LogLine>>, tr: Tr) -> (Screen, Option<Connection>) {
    let port = match web_serial::request_port(&modem_filters()).await {
        Ok(port) => port,
        Err(RequestError::Cancelled) => return (Screen::ChooserCancelled, None),
        Err(RequestError::Failed(what)) => {
            return (Screen::Failed { what, next_step: tr.untracked().get("connect.reload") }, None);
        }
    };
    let usb = web_serial::usb_id_of(&port);
    push_log(
        log,
        LogLine::info(format!("Opening the port ({}).", usb.map_or("unknown USB id".into(), |u| u.to_string()))),
    );
    let opened = match WebSerialPort::open(port.clone()).await {
        Ok(opened) => opened,
        Err(e) => return (Screen::Failed { what: e.to_string(), next_step: e.next_step().into() }, None),
    };
    let (screen, opened) = identify_on(ModemPort::Serial(opened), usb, Via::WebSerial, log).await;
    opened.close().await;
    let conn = screen.device_ready().then_some(Connection::Serial { port, usb });
    (screen, conn)
}

/// Opens the connection's port and runs the update through the matching connector.
async fn run_update(
    conn: Connection,
    selection: &mut Selection<BlobSource>,
    prompt: PromptChannel,
    job: RwSignal<JobView>,
    log: RwSignal<Vec<LogLine>>,
) -> Result<Report, Failure> {
    match conn {
        Connection::Serial { port, usb } => {
            let port = match WebSerialPort::open(port).await {
                Ok(p) => p,
                Err(e) => return Err(open_failure(e.to_string())),
            };
            let connector = ModemConnector::Serial(WebConnector::new(prompt));
            flash(connector, ModemPort::Serial(port), selection, usb, job, log).await
        }
        Connection::Virtual(sim) => {
            let usb = sim.usb_id();
            let role = if usb == Some(E3372H.download_id) { PortRole::Download } else { PortRole::Pcui };
            match sim.open_role(role) {
                Ok(port) => {
                    let pacer = Pacer::new(sim.clone());
                    let port = PacedPort::new(port, pacer.clone());
                    let connector = ModemConnector::Paced(PacedConnector::new(sim, pacer));
                    flash(connector, ModemPort::Paced(port), selection, usb, job, log).await
                }
                Err(e) => Err(open_failure(e.to_string())),
            }
        }
    }
}

/// A job that could not even open its port: nothing changed on the modem.
fn open_failure(what: String) -> Failure {
    use modemflash_core::flasher::{ConnectError, DeviceState, FlashError, Stage};
    Failure {
        stage: Stage::Identify,
        error: FlashError::Reconnect(ConnectError::Open(what)),
        state: DeviceState::Unchanged,
    }
}

/// Chooser filters for a stick of any known vendor, whatever mode it is in (a stopped
/// Qualcomm or Sierra update is resumed too, not only a Huawei one).
fn modem_filters() -> Vec<web_serial::Filter> {
    chooser_vendor_ids().into_iter().map(|vid| (vid, None)).collect()
}

/// "huawei E3372" for the confirmation.
fn device_name(screen: &Screen) -> Option<String> {
    match screen {
        Screen::Identified(d) => Some(format!("{} {}", d.manufacturer, d.model)),
        _ => None,
    }
}

/// `navigator.languages`, most preferred first.
fn browser_languages() -> Vec<String> {
    window().navigator().languages().iter().filter_map(|l| l.as_string()).collect()
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
