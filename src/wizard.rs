//! The wizard's steps as async functions over any `Port` and `Connector`: the same code
//! runs a real modem through Web Serial and the virtual modem.

use std::str::FromStr;

use leptos::prelude::*;
use modemflash_core::at::identity::Identity;
use modemflash_core::at::AtClient;
use modemflash_core::device::probe;
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::event::{Event, Observer};
use modemflash_core::flasher::{Failure, FamilyFacts, Flasher, Job, Journal, Plan, Report};
use modemflash_core::image::{InspectOptions, Selection, Sha256Digest};
use modemflash_sim::image::update::stick_update;
use modemflash_sim::profile::E3372H;
use modemflash_sim::{Link, Sim};

use crate::firmware_view::{FirmwareState, FirmwareView};
use crate::job_view::JobView;
use crate::modem::{ModemConnector, ModemPort};
use crate::platform::{self, JobGuard};
use crate::session::{LogLine, Screen, Via};
use crate::transport::blob_source::BlobSource;
use crate::transport::firmware_files::FirmwareFiles;

/// The most lines the log console keeps; older ones are dropped first.
pub const LOG_CAPACITY: usize = 5000;

/// The version the demo firmware for the virtual modem installs.
pub const DEMO_VERSION: &str = "22.333.01.00.00";

/// Feeds engine events into the page's log signal.
#[derive(Clone, Copy)]
pub struct LogObserver(pub RwSignal<Vec<LogLine>>);

impl Observer for LogObserver {
    fn on_event(&mut self, event: &Event) {
        if let Some(line) = LogLine::from_event(event) {
            push_log(self.0, line);
        }
    }
}

/// Appends a line, keeping at most [`LOG_CAPACITY`].
pub fn push_log(log: RwSignal<Vec<LogLine>>, line: LogLine) {
    log.update(|lines| {
        if lines.len() == LOG_CAPACITY {
            lines.remove(0);
        }
        lines.push(line);
    });
}

/// Probes `port` and identifies the modem on it; gives the port back for closing.
pub async fn identify_on(
    port: ModemPort,
    usb: Option<UsbId>,
    via: Via,
    log: RwSignal<Vec<LogLine>>,
) -> (Screen, ModemPort) {
    // The log is all identification reports: the job's observer, with its progress view
    // and journal, stays in the update's lazily loaded part (crate::chunks).
    let mut observer = LogObserver(log);
    let mut at = AtClient::new(port, &mut observer);
    let result = probe::identify(&mut at, usb).await;
    let (port, _) = at.into_parts();
    (Screen::after_identify(result, usb, via), port)
}

crate::chunks::lazy_part! {
virtual_modem(preload_virtual_modem),
/// Plugs in the built-in virtual E3372h (at full speed, as most sticks run, so the
/// demo's progress can be followed) and identifies it through its AT port. Lazy: the
/// virtual modem is a part of its own, fetched when it is tried ([`crate::chunks`]).
pub async fn plug_in_virtual(log: RwSignal<Vec<LogLine>>) -> (Screen, Sim) {
    let sim = Sim::with_link(&E3372H, Link::usb_full_speed());
    push_log(log, LogLine::info(format!("Virtual modem plugged in: {} ({}).", E3372H.description, E3372H.normal_id)));
    let screen = match sim.open_role(PortRole::Pcui) {
        Ok(port) => identify_on(ModemPort::Virtual(port), sim.usb_id(), Via::Virtual, log).await.0,
        Err(e) => Screen::Failed { what: e.to_string(), next_step: e.next_step().to_string() },
    };
    (screen, sim)
}
}

crate::chunks::lazy_part! {
firmware_checks(preload_verify),
/// Reads and checks the chosen firmware; `expected` is the SHA-256 the person pasted, if
/// any, and `stick` the connected modem, whose fit (by the image family's rule) becomes
/// one more check.
///
/// Lazy (scripts/build-wasm): the image formats, decompressors and hashes are fetched
/// the first time a file is checked, not with the page ([`crate::chunks`]).
pub async fn verify(
    choice: FirmwareFiles,
    expected: String,
    stick: Option<Identity>,
) -> (FirmwareState, Option<Selection<BlobSource>>) {
    let name = choice.name();
    let unreadable = |error: String, next_step: &str| FirmwareState::Unreadable {
        name: name.clone(),
        error,
        next_step: next_step.to_string(),
    };
    let expected_sha256 = match expected.trim() {
        "" => None,
        // As the CLI refuses `--sha256` with a folder: a checksum belongs to one file.
        _ if matches!(choice, FirmwareFiles::Several { .. }) => {
            let next = "Clear the checksum field to check these files, or choose the one file the checksum belongs to.";
            return (unreadable("A SHA-256 checksum checks one file, but several were chosen.".into(), next), None);
        }
        text => match Sha256Digest::from_str(text) {
            Ok(digest) => Some(digest),
            Err(e) => {
                let next = "Copy the SHA-256 checksum from the vendor's download page again: 64 hexadecimal digits.";
                return (unreadable(format!("The checksum you pasted is not a SHA-256: {e}"), next), None);
            }
        },
    };
    let started = platform::now_ms();
    match choice.select(&InspectOptions { expected_sha256 }).await {
        Ok(mut selection) => {
            let inspection = &mut selection.inspection;
            if let Some(stick) = &stick {
                let fit = FamilyFacts::of(inspection.image.family).fit;
                inspection.report.push(fit(&inspection.image.target, stick));
            }
            let state = FirmwareState::Checked {
                view: FirmwareView::new(&name, inspection),
                ms: platform::now_ms() - started,
                wasm_bytes: platform::wasm_memory_bytes(),
            };
            (state, Some(selection))
        }
        Err(e) => (unreadable(e.to_string(), e.next_step()), None),
    }
}
}

crate::chunks::lazy_part! {
demo(preload_demo_firmware),
/// A synthetic update for the virtual modem, so the whole flow can be tried without a
/// vendor file. Lazy (scripts/build-wasm): only the demo needs the image builder.
pub async fn demo_firmware() -> Option<web_sys::File> {
    let bytes = stick_update(&E3372H, DEMO_VERSION, 1_000_000).build();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    web_sys::File::new_with_u8_array_sequence(&parts, &format!("E3372h-{DEMO_VERSION}-demo.bin")).ok()
}
}

/// Feeds a job's events into the progress view and the log, and keeps the journal.
pub struct JobObserver {
    view: RwSignal<JobView>,
    log: LogObserver,
}

impl JobObserver {
    /// For the settings backup and restore outside a job: the same observer type as the
    /// flasher's, so the engine's AT steps are compiled once into their lazily loaded
    /// part. Its progress view is its own and shown nowhere.
    pub fn outside_a_job(log: RwSignal<Vec<LogLine>>) -> Self {
        JobObserver { view: RwSignal::new(JobView::default()), log: LogObserver(log) }
    }
}

impl Observer for JobObserver {
    fn on_event(&mut self, event: &Event) {
        match event {
            Event::Journal(journal) => platform::save_journal(journal),
            Event::SettingsSaved(backup) => crate::settings_store::save(backup),
            _ => {}
        }
        let now = platform::now_ms();
        self.view.update(|v| v.apply(event, now));
        self.log.on_event(event);
    }
}

/// Runs the update on `port`, resuming from the journal the browser kept for this image;
/// `only` the partitions the person chose (names or codes), `None` for all.
pub async fn flash(
    connector: ModemConnector,
    port: ModemPort,
    selection: &mut Selection<BlobSource>,
    only: Option<Vec<String>>,
    usb: Option<UsbId>,
    view: RwSignal<JobView>,
    log: RwSignal<Vec<LogLine>>,
) -> Result<Report, Failure> {
    let inspection = selection.for_flashing();
    let key = Plan::journal_key(&inspection.image);
    let journal = platform::load_journal(&key).unwrap_or_else(|| Journal::new(key.clone()));
    if !journal.finished.is_empty() {
        push_log(log, LogLine::info(format!("Resuming: {} partition(s) were written before.", journal.finished.len())));
    }
    view.set(JobView::default());
    let _guard = JobGuard::install().await;
    let mut flasher = Flasher::new(connector, JobObserver { view, log: LogObserver(log) })
        .with_wall_clock(crate::settings_steps::unix_now());
    let job = Job { inspection: &inspection, source: &mut selection.source, only, journal, usb };
    let result = flasher.run(port, job).await;
    if result.is_ok() {
        platform::forget_journal(&key);
    }
    result
}
