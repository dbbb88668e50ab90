//! The wizard: owns the state, runs the steps, hands the view model to components.
//!
//! connect → identify → choose and verify the firmware → confirm → flash (with the
//! reconnect prompts after each restart) → done, or stopped with the next step.

use leptos::prelude::*;
use leptos::task::spawn_local;
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::flasher::{recover_boot_rom, recovery, Connector};
use modemflash_core::flasher::{Failure, NextStep, Report};
use modemflash_core::image::usbloader::{self, UsbLoader};
use modemflash_core::image::{Selection, VerificationReport};
use modemflash_core::preflight::{Finding, PortAnswer};
use modemflash_core::settings::SettingsBackup;
use modemflash_sim::profile::E3372H;
use modemflash_sim::Sim;
use wasm_bindgen::JsCast;
use web_sys::{SerialPort, UsbDevice};

use crate::bundle_view::{page_bundle, PageFacts};
use crate::chunks::lazy_view;
use crate::components::connect::ConnectPanel;
use crate::components::language_switch::LanguageSwitch;
use crate::components::log_console::LogConsole;
use crate::components::outcome::Identifying;
use crate::components::preflight::Preflight;
use crate::components::reconnect_prompt::ReconnectPanel;
use crate::components::support_banner::SupportBanner;
use crate::components::update_button::UpdateButton;
use crate::components::usb_connect::UsbConnectPanel;
use crate::demo::{PacedConnector, PacedPort, Pacer};
use crate::doctor::Doctor;
use crate::firmware_view::FirmwareState;
use crate::job_view::JobView;
use crate::lazy_views;
use crate::manifest_view::DongleFacts;
use crate::modem::{ModemConnector, ModemPort};
use crate::outcome_view::{DoneView, StoppedView};
use crate::partition_choice::PartitionChoice;
use crate::recovery_view::{LoaderView, RecoveryState};
use crate::restore_view::{shown_time, RestoreView, SettingsTask};
use crate::session::{chooser_vendor_ids, describe_usb, LogLine, Screen, Via};
use crate::tr::Tr;
use crate::transport::blob_source::BlobSource;
use crate::transport::firmware_files::FirmwareFiles;
use crate::transport::reconnect::{PromptChannel, WebConnector};
use crate::transport::web_serial::{self, RequestError, WebSerialPort};
use crate::transport::web_usb::WebUsbPort;
use crate::usb_steps::{connect_usb, select_usb_again, switch_to_modem, UsbConnected};
use crate::usb_view::{SwitchState, UsbFinding};
use crate::wizard::{demo_firmware, flash, identify_on, push_log, verify, LogObserver};

/// The modem the wizard talks to between steps. Real ports stay closed between steps so
/// nothing holds them.
#[derive(Clone)]
pub(crate) enum Connection {
    Serial {
        port: SerialPort,
        usb: Option<UsbId>,
    },
    /// A real modem over WebUSB: the device and the role of the interface to claim.
    Usb {
        device: UsbDevice,
        usb: UsbId,
        role: PortRole,
    },
    Virtual(Sim),
}

impl Connection {
    /// The USB id of the modem's port.
    fn usb(&self) -> Option<UsbId> {
        match self {
            Connection::Serial { usb, .. } => *usb,
            Connection::Usb { usb, .. } => Some(*usb),
            Connection::Virtual(sim) => sim.usb_id(),
        }
    }
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
    let lang = RwSignal::new(crate::i18n_fetch::opening());
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
    // The partitions to write of the verified file ("write only these", issue 3).
    let choice = RwSignal::new(PartitionChoice::default());
    let phase = RwSignal::new(JobPhase::Idle);
    let job = RwSignal::new(JobView::default());
    let prompt = PromptChannel::new();
    let doctor = Doctor::new();
    spawn_local(doctor.read_environment());
    let settings_task = RwSignal::new(SettingsTask::Idle);
    let stored_backup = RwSignal::new(None::<SettingsBackup>);
    let recovery = RwSignal::new(RecoveryState::NoLoader);
    let loader = StoredValue::new_local(None::<UsbLoader>);
    let erase_confirmed = RwSignal::new(false);
    crate::host::connect(screen, phase, job);
    // A modem is connected: fetch what an update needs while its network is still up.
    Effect::new(move |_| {
        let boot_rom = screen.with(|s| matches!(s, Screen::InBootRom { .. }));
        let virtual_modem = screen.with(|s| matches!(s, Screen::Identified(d) if d.is_virtual));
        if boot_rom || screen.with(Screen::device_ready) {
            crate::chunks::keep_update_code(boot_rom, virtual_modem);
        }
    });
    // The backup this browser keeps for the connected modem (browser storage).
    let reload_backup = move || {
        let key = screen.with(|s| if let Screen::Identified(d) = s { d.key.clone() } else { None });
        let current_key =
            move || screen.with_untracked(|s| if let Screen::Identified(d) = s { d.key.clone() } else { None });
        spawn_local(async move {
            let kept = match key.clone() {
                Some(key) => crate::settings_store::load(key).await.ok().flatten(),
                None => None,
            };
            // Read in the background: only if the same modem is still connected.
            if current_key() == key {
                stored_backup.set(kept);
            }
        });
    };
    Effect::new(move |_| reload_backup());

    let running = Signal::derive(move || phase.with(|p| matches!(p, JobPhase::Running | JobPhase::Confirming)));
    let recovering = Signal::derive(move || recovery.with(|r| matches!(r, RecoveryState::Loading)));
    let busy = Signal::derive(move || screen.with(Screen::is_busy) || running.get() || recovering.get());
    let is_virtual = Signal::derive(move || screen.with(|s| matches!(s, Screen::Identified(d) if d.is_virtual)));
    let manifest = crate::manifest_fetch::from_page();
    let dongle = Signal::derive(move || match screen.get() {
        Screen::Identified(d) => {
            Some(DongleFacts::new(&d, connection.with_value(|c| c.as_ref().and_then(Connection::usb))))
        }
        _ => None,
    });
    let settings_busy = Signal::derive(move || busy.get() || settings_task.with(|t| *t == SettingsTask::Working));
    let stored_when = Signal::derive(move || {
        stored_backup.with(|b| b.as_ref().map(|b| b.taken_at.as_deref().map(shown_time).unwrap_or_default()))
    });

    let on_connect = Callback::new(move |()| {
        settings_task.set(SettingsTask::Idle);
        screen.set(Screen::Identifying(Via::WebSerial));
        recovery.set(RecoveryState::NoLoader);
        loader.set_value(None);
        erase_confirmed.set(false);
        spawn_local(async move {
            let (next, conn) = connect_serial(log, tr, doctor).await;
            connection.set_value(conn);
            screen.set(next);
        });
    });
    let usb_finding = RwSignal::new(None::<UsbFinding>);
    let cd_rom = StoredValue::new_local(None::<UsbDevice>);
    let on_connect_usb = Callback::new(move |()| {
        screen.set(Screen::Identifying(Via::WebUsb));
        usb_finding.set(None);
        spawn_local(async move {
            match connect_usb(log, tr).await {
                UsbConnected::Modem { screen: next, device } => {
                    connection.set_value(device.map(|(device, usb, role)| Connection::Usb { device, usb, role }));
                    screen.set(next);
                }
                UsbConnected::CdRom { device, view } => {
                    cd_rom.set_value(Some(device));
                    usb_finding.set(Some(UsbFinding::CdRom { view, switch: SwitchState::NotSent }));
                    screen.set(Screen::Start);
                }
            }
        });
    });
    let set_switch = move |state: SwitchState| {
        usb_finding.update(|f| {
            if let Some(UsbFinding::CdRom { switch, .. }) = f {
                *switch = state;
            }
        })
    };
    let on_switch = Callback::new(move |()| {
        let Some(device) = cd_rom.get_value() else { return };
        set_switch(SwitchState::Sending);
        spawn_local(async move {
            let switched = switch_to_modem(&device, log).await;
            set_switch(if switched { SwitchState::Switched } else { SwitchState::Refused });
        });
    });
    let on_virtual = Callback::new(move |()| {
        settings_task.set(SettingsTask::Idle);
        screen.set(Screen::Identifying(Via::Virtual));
        doctor.use_virtual();
        spawn_local(async move {
            match crate::wizard::plug_in_virtual(log).await {
                Ok((next, sim)) => {
                    connection.set_value(Some(Connection::Virtual(sim)));
                    screen.set(next);
                }
                Err(e) => screen.set(e.screen()),
            }
        });
    });
    let check_file = move |files: FirmwareFiles| {
        let name = files.name();
        firmware.set(FirmwareState::Verifying { name: name.clone() });
        choice.set(PartitionChoice::default());
        phase.set(JobPhase::Idle);
        let stick = screen.with_untracked(|s| if let Screen::Identified(d) = s { Some(d.identity()) } else { None });
        spawn_local(async move {
            let (state, checked) =
                verify(files.clone(), expected_sha256.get_untracked(), stick).await.unwrap_or_else(|e| {
                    let next_step = e.next_step().to_string();
                    (FirmwareState::Unreadable { name: name.clone(), error: e.to_string(), next_step }, None)
                });
            push_log(
                log,
                LogLine::info(match &state {
                    FirmwareState::Checked { view, ms, .. } => {
                        format!(
                            "Checked {name} in {} s: {}.",
                            crate::job_view::one_decimal(ms / 1000.0),
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
    let on_manifest_file = Callback::new(move |file: web_sys::File| check_file(FirmwareFiles::One(file)));
    let on_recheck = Callback::new(move |()| {
        if let Some(files) = firmware_files.get_value() {
            check_file(files);
        }
    });
    let on_demo = Callback::new(move |()| {
        spawn_local(async move {
            match demo_firmware().await {
                Ok(Some(file)) => check_file(FirmwareFiles::One(file)),
                Ok(None) => push_log(log, LogLine::info("The demo firmware could not be made into a file.")),
                Err(e) => {
                    let (error, next_step) = (e.to_string(), e.next_step().to_string());
                    firmware.set(FirmwareState::Unreadable { name: "demo firmware".into(), error, next_step });
                }
            }
        });
    });
    let start_job = move || {
        let Some(conn) = connection.get_value() else { return };
        let only = firmware.with_untracked(|f| f.verified().and_then(|v| choice.with_untracked(|c| c.only(v))));
        // Lent to the job, and given back for a resume: the files are not read again.
        let Some(Some(checked)) = selection.try_update_value(Option::take) else { return };
        phase.set(JobPhase::Running);
        // The done screen shows what the update restored; an older result would confuse.
        settings_task.set(SettingsTask::Idle);
        spawn_local(async move {
            // Fetched first (crate::chunks), so that a part that cannot be had leaves the
            // checked files in place.
            let result = match crate::app::preload_run_update().await.map_err(crate::chunks::PartUnavailable::from) {
                Err(e) => {
                    selection.set_value(Some(checked));
                    Err(open_failure(e.explained()))
                }
                Ok(()) => match run_update(conn, checked, only, prompt, job, log, doctor).await {
                    Ok((result, checked)) => {
                        selection.set_value(Some(checked));
                        result
                    }
                    Err(e) => Err(open_failure(e.explained())),
                },
            };
            phase.set(match result {
                Ok(report) => JobPhase::Done(DoneView::new(&report)),
                Err(failure) => JobPhase::Stopped(StoppedView::new(&failure)),
            });
            // The job kept a new backup of the modem's settings.
            reload_backup();
        });
    };
    let on_confirm = Callback::new(move |()| start_job());
    let on_next = Callback::new(move |()| {
        let next = phase.with_untracked(|p| if let JobPhase::Stopped(s) = p { Some(s.next) } else { None });
        match next {
            Some(NextStep::Resume | NextStep::Retry) => {
                // A real modem comes back with another id: ask for it again first.
                let over_usb = matches!(connection.get_value(), Some(Connection::Usb { .. }));
                if over_usb {
                    spawn_local(async move {
                        match select_usb_again(&modem_filters()).await {
                            Some((device, usb, role)) => {
                                connection.set_value(Some(Connection::Usb { device, usb, role }));
                                phase.set(JobPhase::Confirming);
                            }
                            None => {
                                push_log(log, LogLine::info("No modem was chosen; the update can be resumed later."))
                            }
                        }
                    });
                } else if let Some(Connection::Serial { .. }) = connection.get_value() {
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
    let on_save = Callback::new(|text: String| save_text("modemflash-log.txt", "text/plain", &text));
    let on_loader = Callback::new(move |file: web_sys::File| {
        spawn_local(async move {
            let name = file.name();
            let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                Err(_) => {
                    let what = format!("The browser could not read {name}.");
                    let next_step = "Choose the file again, from a folder on this computer.".to_string();
                    return recovery.set(RecoveryState::Failed { what, next_step });
                }
            };
            let checked = usbloader::inspect(&name, bytes);
            push_log(
                log,
                LogLine::info(format!(
                    "Checked the boot loader {name}: {}{}.",
                    if checked.report.passed() { "usable" } else { "refused" },
                    if checked.erases_flash { ", erases the whole flash" } else { "" }
                )),
            );
            erase_confirmed.set(false);
            recovery.set(RecoveryState::Checked(LoaderView::new(&checked)));
            loader.set_value(Some(checked));
        });
    });
    let on_load = Callback::new(move |()| {
        let ready = recovery.with_untracked(|r| r.load_blocker(erase_confirmed.get_untracked()).is_none());
        let (Some(checked), Some(Connection::Serial { port, .. })) = (loader.get_value(), connection.get_value())
        else {
            return;
        };
        if !ready {
            return;
        }
        recovery.set(RecoveryState::Loading);
        spawn_local(async move {
            match recover_and_reconnect(port, checked, prompt, log).await.unwrap_or_else(|e| {
                Err(RecoveryStop::BootRom { what: e.to_string(), next_step: e.next_step().to_string() })
            }) {
                Ok((port, usb)) => {
                    // The checks now judge the update-mode port the loader brought up.
                    doctor.port_chosen(&port, usb);
                    doctor.report(Finding::Opened);
                    doctor.report(Finding::Answered(PortAnswer::Download));
                    connection.set_value(Some(Connection::Serial { port, usb }));
                    recovery.set(RecoveryState::NoLoader);
                    screen.set(Screen::InDownloadMode { usb: usb.map(describe_usb).unwrap_or_default() });
                }
                Err(RecoveryStop::BootRom { what, next_step }) => {
                    recovery.set(RecoveryState::Failed { what, next_step });
                }
                Err(RecoveryStop::NotBack(what)) => {
                    recovery.set(RecoveryState::NoLoader);
                    screen.set(Screen::Failed { what, next_step: tr.untracked().get("recovery.reconnect_failed") });
                }
            }
        });
    });
    let on_bundle = Callback::new(move |()| {
        let screen = screen.get_untracked();
        let stopped = phase.with_untracked(|p| if let JobPhase::Stopped(view) = p { Some(view.clone()) } else { None });
        let checked_loader = loader.get_value();
        let firmware = firmware_files
            .get_value()
            .map(|f| f.name())
            .zip(selection.with_value(|s| s.as_ref().map(|s| s.inspection.report.clone())));
        let checked = match (&screen, checked_loader, firmware) {
            (Screen::InBootRom { .. }, Some(l), _) => Some((l.name, l.report)),
            (_, _, Some((name, report))) => Some((name, report)),
            _ => None,
        };
        let lines = log.get_untracked();
        let recovery = recovery.get_untracked();
        spawn_local(async move {
            match debug_bundle(lines, screen, stopped, recovery, checked).await {
                Ok(json) => save_text(crate::bundle_view::FILE_NAME, "application/json", &json),
                Err(e) => push_log(log, LogLine::info(e.explained())),
            }
        });
    });
    // The checks again: the environment, and the last chosen port opened and asked anew.
    let on_run_checks = Callback::new(move |()| {
        spawn_local(async move {
            doctor.read_environment().await;
            let Some(port) = doctor.last_port() else { return };
            screen.set(Screen::Identifying(Via::WebSerial));
            let (next, conn) = examine(port, log, doctor).await;
            connection.set_value(conn);
            screen.set(next);
        });
    });
    let on_settings_download = Callback::new(move |()| {
        let Some(conn) = connection.get_value() else { return };
        settings_task.set(SettingsTask::Working);
        spawn_local(async move {
            let task = match crate::settings_steps::back_up(conn, log).await {
                Ok(Ok((backup, json))) => {
                    let file = backup.file_name();
                    save_text(&file, "application/json", &json);
                    stored_backup.set(Some(backup));
                    SettingsTask::Saved { file }
                }
                Ok(Err(what)) => SettingsTask::failed(&what),
                Err(e) => SettingsTask::failed(&e.explained()),
            };
            settings_task.set(task);
        });
    });
    let restore_settings = move |backup: SettingsBackup| {
        let Some(conn) = connection.get_value() else { return };
        settings_task.set(SettingsTask::Working);
        spawn_local(async move {
            let task = match crate::settings_steps::restore_on(conn, backup, log).await {
                Ok(Ok(report)) => SettingsTask::Restored(RestoreView::new(&report)),
                Ok(Err(what)) => SettingsTask::failed(&what),
                Err(e) => SettingsTask::failed(&e.explained()),
            };
            settings_task.set(task);
        });
    };
    let on_restore_saved = Callback::new(move |()| {
        if let Some(backup) = stored_backup.get_untracked() {
            restore_settings(backup);
        }
    });
    let on_restore_file = Callback::new(move |file: web_sys::File| {
        settings_task.set(SettingsTask::Working);
        spawn_local(async move {
            let name = file.name();
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
            match crate::settings_store::read_file(text.unwrap_or_default()).await {
                Ok(Ok(backup)) => restore_settings(backup),
                Ok(Err(e)) => settings_task.set(SettingsTask::bad_file(&name, &e)),
                Err(e) => settings_task.set(SettingsTask::failed(&e.explained())),
            }
        });
    });

    let prefetch = crate::chunks::keep_identification;
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
            // About to connect (pointer over or focus in): fetch the identification now.
            <div class="connect-area" on:pointerenter=move |_| prefetch() on:focusin=move |_| prefetch()>
                <ConnectPanel support=support busy=busy on_connect=on_connect on_virtual=on_virtual />
                <UsbConnectPanel
                    support=support
                    busy=busy
                    finding=usb_finding
                    on_connect=on_connect_usb
                    on_switch=on_switch
                />
            </div>
            <div aria-live="polite" class="screen">
                {move || match screen.get() {
                    Screen::InBootRom { usb } => {
                        let state = recovery.into();
                        lazy_view(lazy_views::recovery_panel(usb, state, erase_confirmed, on_loader, on_load, on_bundle))
                            .into_any()
                    }
                    Screen::Start => ().into_any(),
                    Screen::Identifying(via) => view! { <Identifying via=via /> }.into_any(),
                    other => lazy_view(lazy_views::screen_view(other, on_bundle)).into_any(),
                }}
            </div>
            {manifest.map(|state| lazy_view(lazy_views::manifest_panel(state.into(), dongle, running, on_manifest_file)))}
            <Show when=move || screen.with(|s| matches!(s, Screen::Identified(_)))>
                {move || {
                    let panel = lazy_views::settings_panel(
                        settings_task.into(),
                        stored_when,
                        settings_busy,
                        on_settings_download,
                        on_restore_saved,
                        on_restore_file,
                    );
                    lazy_view(panel)
                }}
            </Show>
            <Show when=move || screen.with(Screen::device_ready)>
                {move || {
                    let panel = lazy_views::firmware_panel(
                        firmware.into(),
                        expected_sha256,
                        is_virtual,
                        running,
                        on_file,
                        on_demo,
                        on_recheck,
                    );
                    lazy_view(panel)
                }}
            </Show>
            <Preflight facts=doctor.facts busy=busy on_run_checks=on_run_checks />
            <UpdateButton
                firmware=firmware
                phase=phase
                blocker=doctor.blocker()
                device_ready=Signal::derive(move || screen.with(Screen::device_ready))
            />
            {move || match phase.get() {
                JobPhase::Idle => ().into_any(),
                now => {
                    let on_cancel = Callback::new(move |()| phase.set(JobPhase::Idle));
                    let screen = lazy_views::JobScreen {
                        verified: firmware.with(|f| f.verified().cloned()),
                        device: screen.with(device_name),
                        choice,
                        job,
                        on_confirm,
                        on_cancel,
                        on_next,
                        on_bundle,
                    };
                    lazy_view(lazy_views::job_screen(now, screen)).into_any()
                }
            }}
            <ReconnectPanel channel=prompt />
            <LogConsole lines=log on_save=on_save on_bundle=on_bundle />
        </main>
    }
}

/// Chooser → [`examine`].
async fn connect_serial(log: RwSignal<Vec<LogLine>>, tr: Tr, doctor: Doctor) -> (Screen, Option<Connection>) {
    let port = match web_serial::request_port(&modem_filters()).await {
        Ok(port) => port,
        Err(RequestError::Cancelled) => {
            doctor.no_port_chosen();
            return (Screen::ChooserCancelled, None);
        }
        Err(RequestError::Failed(what)) => {
            return (Screen::Failed { what, next_step: tr.untracked().get("connect.reload") }, None);
        }
    };
    examine(port, log, doctor).await
}

/// [`examine_port`], or why it could not be fetched.
async fn examine(port: SerialPort, log: RwSignal<Vec<LogLine>>, doctor: Doctor) -> (Screen, Option<Connection>) {
    examine_port(port, log, doctor).await.unwrap_or_else(|e| (e.screen(), None))
}

crate::chunks::lazy_part! {
identify(preload_examine_port),
/// Open → identify → probe → close, telling the doctor what happened. The port is kept
/// (closed) for the update. Lazy: identification is a part of its own, fetched after
/// the chooser ([`crate::chunks`]).
pub(crate) async fn examine_port(port: SerialPort, log: RwSignal<Vec<LogLine>>, doctor: Doctor) -> (Screen, Option<Connection>) {
    let usb = web_serial::usb_id_of(&port);
    doctor.port_chosen(&port, usb);
    if let Some(screen) = Screen::before_identify(usb) {
        push_log(log, LogLine::info("The port is a boot ROM port: it is not asked AT commands."));
        return (screen, Some(Connection::Serial { port, usb }));
    }
    push_log(
        log,
        LogLine::info(format!("Opening the port ({}).", usb.map_or("unknown USB id".into(), |u| u.to_string()))),
    );
    let opened = match WebSerialPort::open(port.clone()).await {
        Ok(opened) => opened,
        Err(e) => {
            doctor.open_failed(&e);
            return (Screen::Failed { what: e.to_string(), next_step: e.next_step().into() }, None);
        }
    };
    doctor.report(Finding::Opened);
    let (screen, mut opened) = identify_on(ModemPort::Serial(opened), usb, Via::WebSerial, log).await;
    doctor.probe_answer(&screen, &mut opened).await;
    opened.close().await;
    let conn = screen.device_ready().then_some(Connection::Serial { port, usb });
    (screen, conn)
}
}

crate::chunks::lazy_part! {
update_job(preload_run_update),
/// Opens the connection's port and runs the update through the matching connector; gives
/// the checked files back for a resume.
///
/// Lazy (scripts/build-wasm): the flasher and the download protocols are fetched when an
/// update starts, or before, when a modem is connected ([`crate::chunks`]).
pub(crate) async fn run_update(
    conn: Connection,
    selection: Selection<BlobSource>,
    only: Option<Vec<String>>,
    prompt: PromptChannel,
    job: RwSignal<JobView>,
    log: RwSignal<Vec<LogLine>>,
    doctor: Doctor,
) -> (Result<Report, Failure>, Selection<BlobSource>) {
    let mut selection = selection;
    let result = update_through(conn, &mut selection, only, prompt, job, log, doctor).await;
    (result, selection)
}
}

/// [`run_update`]'s work, on the borrowed files.
async fn update_through(
    conn: Connection,
    selection: &mut Selection<BlobSource>,
    only: Option<Vec<String>>,
    prompt: PromptChannel,
    job: RwSignal<JobView>,
    log: RwSignal<Vec<LogLine>>,
    doctor: Doctor,
) -> Result<Report, Failure> {
    match conn {
        Connection::Serial { port, usb } => {
            let port = match WebSerialPort::open(port).await {
                Ok(p) => p,
                Err(e) => {
                    // Taken since the checks ran (ModemManager, another tab): the checklist says so.
                    doctor.open_failed(&e);
                    return Err(open_failure(e.to_string()));
                }
            };
            let connector = ModemConnector::Serial(WebConnector::new(prompt));
            flash(connector, ModemPort::Serial(port), selection, only, usb, job, log).await
        }
        Connection::Usb { device, usb, role } => {
            let port = match WebUsbPort::open(device, role).await {
                Ok(p) => p,
                Err(e) => return Err(open_failure(e.to_string())),
            };
            // Back in modem mode the stick's serial ports belong to the OS driver, so the
            // flasher finds it again through Web Serial where there is one
            // (specs/web-platform.md §9.4); without it (Android) over USB.
            let web_connector = if crate::transport::support().web_serial {
                WebConnector::new(prompt)
            } else {
                WebConnector::over_usb(prompt)
            };
            let connector = ModemConnector::Serial(web_connector);
            flash(connector, ModemPort::Usb(port), selection, only, Some(usb), job, log).await
        }
        Connection::Virtual(sim) => {
            let usb = sim.usb_id();
            let role = if usb == Some(E3372H.download_id) { PortRole::Download } else { PortRole::Pcui };
            match sim.open_role(role) {
                Ok(port) => {
                    let pacer = Pacer::new(sim.clone());
                    let port = PacedPort::new(port, pacer.clone());
                    let connector = ModemConnector::Paced(PacedConnector::new(sim, pacer));
                    flash(connector, ModemPort::Paced(port), selection, only, usb, job, log).await
                }
                Err(e) => Err(open_failure(e.to_string())),
            }
        }
    }
}

/// Why a boot ROM recovery did not end in update mode.
enum RecoveryStop {
    /// The port could not be opened, or the boot ROM refused or lost the loader: the
    /// stick is still in its boot ROM.
    BootRom { what: String, next_step: String },
    /// The loader ran, but the stick was not selected again in update mode.
    NotBack(String),
}

crate::chunks::lazy_part! {
recovery(preload_recovery),
/// Sends `loader` to the boot ROM at `port` (specs/huawei-balong.md §14.2), then waits
/// for the stick in update mode as after `AT^GODLOAD` (the person selects it again).
/// Gives back the closed update-mode port and its USB id.
///
/// Lazy (scripts/build-wasm): fetched when a boot ROM port is chosen ([`crate::chunks`]).
pub(crate) async fn recover_and_reconnect(
    port: SerialPort,
    loader: UsbLoader,
    prompt: PromptChannel,
    log: RwSignal<Vec<LogLine>>,
) -> Result<(SerialPort, Option<UsbId>), RecoveryStop> {
    let opened = WebSerialPort::open(port)
        .await
        .map_err(|e| RecoveryStop::BootRom { what: e.to_string(), next_step: e.next_step().to_string() })?;
    recover_boot_rom(ModemPort::Serial(opened), &loader, LogObserver(log))
        .await
        .map_err(|e| RecoveryStop::BootRom { what: e.to_string(), next_step: e.next_step().to_string() })?;
    let back = WebConnector::new(prompt)
        .reconnect(&recovery::after_loader())
        .await
        .map_err(|e| RecoveryStop::NotBack(e.to_string()))?;
    // A serial connector gives back a serial port.
    let ModemPort::Serial(back) = back else {
        back.close().await;
        return Err(RecoveryStop::NotBack("the update-mode port is not a serial port".into()));
    };
    let usb = back.usb_id();
    let port = back.close_keeping().await.ok_or_else(|| RecoveryStop::NotBack("the port closed".into()))?;
    push_log(log, LogLine::info("The modem is in update mode: choose its firmware to update it."));
    Ok((port, usb))
}
}

crate::chunks::lazy_part! {
debug_bundle(preload_debug_bundle),
/// The debug bundle of what the page shows (`bundle_view`), redacted. Lazy: only a person
/// asking for one needs the redaction and the bundle format.
pub(crate) async fn debug_bundle(
    lines: Vec<LogLine>,
    screen: Screen,
    stopped: Option<StoppedView>,
    recovery: RecoveryState,
    checked: Option<(String, VerificationReport)>,
) -> String {
    let facts = PageFacts::on_screen(&lines, &screen, stopped.as_ref(), &recovery);
    page_bundle(PageFacts { checked: checked.as_ref().map(|(name, report)| (name.as_str(), report)), ..facts })
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

/// Offers `text` (of media type `mime`) as a download.
fn save_text(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(a) = document().create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
