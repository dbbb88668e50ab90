//! The screens after a modem is identified, as lazily loaded parts (src/chunks.rs): the
//! device card or what went wrong, the firmware step, the confirmation and the job's
//! screens, the settings, recovery and vendor manifest panels. Their Leptos views are
//! most of the page's view code, and no one needs them before a modem is connected
//! (which fetches them, [`crate::chunks`]).
//! Each function draws one component; the wizard still owns every signal it reads.

use leptos::prelude::*;

use crate::app::JobPhase;
use crate::components::confirm::ConfirmUpdate;
use crate::components::device_card::DeviceCard;
use crate::components::firmware_panel::FirmwarePanel;
use crate::components::flash_progress::FlashProgress;
use crate::components::job_result::{UpdateDone, UpdateStopped};
use crate::components::manifest_panel::ManifestPanel;
use crate::components::outcome::Outcome;
use crate::components::recovery_panel::RecoveryPanel;
use crate::components::settings_panel::SettingsPanel;
use crate::firmware_view::{FirmwareState, FirmwareView};
use crate::job_view::JobView;
use crate::manifest_view::{DongleFacts, ManifestState};
use crate::partition_choice::PartitionChoice;
use crate::recovery_view::RecoveryState;
use crate::restore_view::SettingsTask;
use crate::session::Screen;
use crate::transport::firmware_files::FirmwareFiles;

crate::chunks::lazy_part! {
identify,
/// What identification found: the device card, or what went wrong and what to do.
pub async fn screen_view(screen: Screen, on_bundle: Callback<()>) -> AnyView {
    match screen {
        Screen::Identified(device) => view! { <DeviceCard device=device /> }.into_any(),
        other => view! { <Outcome screen=other on_bundle=on_bundle /> }.into_any(),
    }
}
}

crate::chunks::lazy_part! {
update_views(preload_update_views),
/// The firmware step: file picker, checksum and checklist.
pub async fn firmware_panel(
    state: Signal<FirmwareState>,
    expected_sha256: RwSignal<String>,
    is_virtual: Signal<bool>,
    busy: Signal<bool>,
    on_files: Callback<FirmwareFiles>,
    on_demo: Callback<()>,
    on_recheck: Callback<()>,
) -> AnyView {
    view! {
        <FirmwarePanel
            state=state
            expected_sha256=expected_sha256
            is_virtual=is_virtual
            busy=busy
            on_files=on_files
            on_demo=on_demo
            on_recheck=on_recheck
        />
    }
    .into_any()
}
}

/// What [`job_screen`] needs besides the phase.
pub struct JobScreen {
    /// The verified firmware, for the confirmation.
    pub verified: Option<FirmwareView>,
    /// The modem's name, for the confirmation's title.
    pub device: Option<String>,
    /// The partitions to write.
    pub choice: RwSignal<PartitionChoice>,
    /// The running job's progress.
    pub job: RwSignal<JobView>,
    /// Start, cancel, the stopped screen's next step, the debug bundle.
    pub on_confirm: Callback<()>,
    pub on_cancel: Callback<()>,
    pub on_next: Callback<()>,
    pub on_bundle: Callback<()>,
}

crate::chunks::lazy_part! {
update_views,
/// The confirmation, the running job, and its done or stopped screen.
pub async fn job_screen(phase: JobPhase, screen: JobScreen) -> AnyView {
    let JobScreen { verified, device, choice, job, on_confirm, on_cancel, on_next, on_bundle } = screen;
    match phase {
        JobPhase::Idle => ().into_any(),
        JobPhase::Confirming => match verified {
            Some(view) => view! {
                <ConfirmUpdate view=view device=device choice=choice on_confirm=on_confirm on_cancel=on_cancel />
            }
            .into_any(),
            None => ().into_any(),
        },
        JobPhase::Running => view! { <FlashProgress job=job /> }.into_any(),
        JobPhase::Done(done) => view! { <UpdateDone view=done /> }.into_any(),
        JobPhase::Stopped(stopped) => {
            view! { <UpdateStopped view=stopped on_next=on_next on_bundle=on_bundle /> }.into_any()
        }
    }
}
}

crate::chunks::lazy_part! {
settings,
/// Backing up and restoring the modem's settings.
pub async fn settings_panel(
    task: Signal<SettingsTask>,
    stored: Signal<Option<String>>,
    busy: Signal<bool>,
    on_download: Callback<()>,
    on_restore_saved: Callback<()>,
    on_restore_file: Callback<web_sys::File>,
) -> AnyView {
    view! {
        <SettingsPanel
            task=task
            stored=stored
            busy=busy
            on_download=on_download
            on_restore_saved=on_restore_saved
            on_restore_file=on_restore_file
        />
    }
    .into_any()
}
}

crate::chunks::lazy_part! {
recovery,
/// A stick in its boot ROM: the loader, the erase warning, the recovery.
pub async fn recovery_panel(
    usb: String,
    state: Signal<RecoveryState>,
    erase_confirmed: RwSignal<bool>,
    on_loader: Callback<web_sys::File>,
    on_load: Callback<()>,
    on_bundle: Callback<()>,
) -> AnyView {
    view! {
        <RecoveryPanel
            usb=usb
            state=state
            erase_confirmed=erase_confirmed
            on_loader=on_loader
            on_load=on_load
            on_bundle=on_bundle
        />
    }
    .into_any()
}
}

crate::chunks::lazy_part! {
manifest,
/// The vendor's firmware list.
pub async fn manifest_panel(
    state: Signal<ManifestState>,
    dongle: Signal<Option<DongleFacts>>,
    busy: Signal<bool>,
    on_file: Callback<web_sys::File>,
) -> AnyView {
    view! { <ManifestPanel state=state dongle=dongle busy=busy on_file=on_file /> }.into_any()
}
}
