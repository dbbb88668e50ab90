//! The flashing state machine (DESIGN.md "flasher").
//!
//! A job is planned whole before anything is sent ([`plan::Plan`]), walks explicit
//! [`Stage`]s, reports everything to one [`Observer`] (stages, bytes written, the
//! journal after every finished partition, log lines) and never decides anything from
//! user-interface state. A stopped job says where it stopped, in what state it left the
//! modem and what to do next ([`Failure`]); with its journal it resumes at the partition
//! it stopped in.

mod balong;
pub mod connector;
pub mod error;
pub mod journal;
mod pieces;
pub mod plan;
mod qdl;
mod qualcomm;
pub mod recovery;
pub mod session;
pub mod stage;

use core::time::Duration;

use serde::Serialize;

pub use connector::{ConnectError, Connector, Reconnect};
pub use error::{DeviceState, Failure, FlashError, NextStep};
pub use journal::Journal;
pub use plan::{Plan, PlanError, PlannedPartition};
pub use recovery::{recover_boot_rom, RecoveryError};
pub use session::{EnterDownload, FamilyFacts, Session};
pub use stage::Stage;

use crate::at::identity::Identity;
use crate::at::zte;
use crate::at::{AtClient, AtError, QUERY_TIMEOUT};
use crate::device::catalogue::{self, Mode};
use crate::device::probe::{self, IdentifyError};
use crate::device::{PortRole, UsbId};
use crate::event::{Event, Level, Observer};
use crate::image::{ByteSource, Inspection, Outcome, TargetFacts};
use crate::port::{Port, PortError};
use crate::settings::{self, RestoreReport, SettingsBackup};

/// How long a stick may take to come back in download mode after `AT^GODLOAD`.
pub const DOWNLOAD_MODE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a stick may take to boot the new firmware after the reset.
pub const REBOOT_TIMEOUT: Duration = Duration::from_secs(120);

/// How many times a partition is started over after a NAK 07 reset its state (§8).
pub const PARTITION_ATTEMPTS: u32 = 3;

/// Bytes written so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Position of the partition being written in the plan.
    pub partition: usize,
    /// Bytes of it acknowledged.
    pub written: u64,
    /// Its size.
    pub size: u64,
    /// Bytes of the whole job acknowledged.
    pub total_written: u64,
    /// Bytes the whole job writes.
    pub total: u64,
}

/// What a job is given.
pub struct Job<'a, S> {
    /// The verified image.
    pub inspection: &'a Inspection,
    /// Where its bytes are read from.
    pub source: S,
    /// Write only these partitions (names or hex codes); `None` writes all.
    pub only: Option<Vec<String>>,
    /// What an earlier run of the same job finished (empty for a fresh job).
    pub journal: Journal,
    /// The USB id of the port the job starts on, when the transport knows it.
    pub usb: Option<UsbId>,
}

/// What a person reads when the stick was sent `AT+ZCDRUN=F`.
pub const LEFT_DOWNLOAD_COMPOSITION: &str = "The stick was in ZTE's download composition (19d2:0016, no modem \
     port); sent AT+ZCDRUN=F. Unplug it and plug it in again to get its modem port back.";

/// What a finished job did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The firmware before, when the job started in normal mode.
    pub old_version: Option<String>,
    /// The firmware the modem reports now.
    pub new_version: String,
    /// The settings saved before the update (by this run or the interrupted one).
    pub settings: Option<SettingsBackup>,
    /// What putting them back did, item by item.
    pub restore: Option<RestoreReport>,
    /// Partitions written by this run.
    pub written: Vec<String>,
    /// Partitions skipped because an earlier run had written them.
    pub resumed: Vec<String>,
    /// The stick was in ZTE's download composition (19d2:0016, no modem port) and was
    /// sent `AT+ZCDRUN=F`: after a replug it is a modem again (at::zte).
    pub left_download_composition: bool,
}

/// Where the job is, and what it has done to the modem.
struct Track {
    stage: Stage,
    state: DeviceState,
}

impl Track {
    fn enter<O: Observer>(&mut self, stage: Stage, observer: &mut O) {
        self.stage = stage.clone();
        observer.on_event(&Event::Stage(stage));
    }
}

/// Runs flashing jobs on one modem.
pub struct Flasher<C, O> {
    connector: C,
    observer: O,
    wall_clock: Option<u64>,
}

impl<C: Connector, O: Observer> Flasher<C, O> {
    /// A flasher that reconnects through `connector` and reports to `observer`.
    pub fn new(connector: C, observer: O) -> Self {
        Flasher { connector, observer, wall_clock: None }
    }

    /// Stamps the settings backup with this time (Unix seconds): the engine has no wall
    /// clock of its own.
    pub fn with_wall_clock(mut self, unix_seconds: u64) -> Self {
        self.wall_clock = Some(unix_seconds);
        self
    }

    /// Gives back the connector and the observer.
    pub fn into_parts(self) -> (C, O) {
        (self.connector, self.observer)
    }

    /// Runs `job`, starting on `port` (normal mode or already download mode).
    pub async fn run<S: ByteSource>(&mut self, port: C::Port, mut job: Job<'_, S>) -> Result<Report, Failure> {
        let mut track = Track { stage: Stage::Identify, state: DeviceState::Unchanged };
        match self.steps(port, &mut job, &mut track).await {
            Ok(report) => {
                track.enter(Stage::Done, &mut self.observer);
                Ok(report)
            }
            Err(error) => {
                let failure = Failure { stage: track.stage, error, state: track.state };
                self.observer.on_event(&Event::Log(Level::Error, format!("{failure}. {}", failure.advice())));
                Err(failure)
            }
        }
    }

    async fn steps<S: ByteSource>(
        &mut self,
        port: C::Port,
        job: &mut Job<'_, S>,
        track: &mut Track,
    ) -> Result<Report, FlashError> {
        let plan = Plan::new(job.inspection, job.only.as_deref(), &job.journal)?;
        self.observer.on_event(&Event::Plan(plan.clone()));
        if !plan.partitions.is_empty() && plan.partitions.iter().all(|p| p.already_written) {
            // An earlier run wrote everything and stopped around the restart.
            track.state = DeviceState::Updated;
        }
        track.enter(Stage::Identify, &mut self.observer);

        let image = &job.inspection.image;
        let family = FamilyFacts::of(image.family);
        let starts_in_download = job.usb.is_some_and(|id| mode_of(id) == Some(Mode::Download));
        let mut normal = NormalSide::default();
        let port = if starts_in_download {
            self.log(Level::Info, "The modem is already in update mode: resuming the update.");
            // An earlier run left it there, its firmware incomplete: whatever stops this
            // run, the modem is not as it was before the update began.
            track.state = DeviceState::InDownloadMode;
            port
        } else {
            let mut at = AtClient::new(port, &mut self.observer);
            match probe::probe_at(&mut at).await {
                Ok(()) => {
                    normal = prepare_normal_mode(at, &image.target, &family, track, self.wall_clock).await?;
                    // Kept with the journal before the switch: a resumed job restores them.
                    job.journal.settings = normal.settings.clone().map(Box::new);
                    self.observer.on_event(&Event::Journal(job.journal.clone()));
                    track.enter(Stage::Reconnect { mode: Mode::Download }, &mut self.observer);
                    let wanted = Reconnect {
                        mode: Mode::Download,
                        ids: family.ids(Mode::Download),
                        role: family.download_role,
                        timeout: DOWNLOAD_MODE_TIMEOUT,
                    };
                    self.connector.reconnect(&wanted).await?
                }
                Err(IdentifyError::NoAtReply { .. }) => {
                    at.log(
                        Level::Info,
                        "The port does not take AT commands; checking whether the modem is in update mode.".into(),
                    );
                    at.into_parts().0
                }
                Err(e) => return Err(e.into()),
            }
        };

        track.enter(Stage::Handshake, &mut self.observer);
        let identified = normal.identity.is_some();
        let announce = plan.announce.as_deref();
        let mut dl = Session::open(image, &mut job.source, port, &mut self.observer, announce, identified).await?;
        track.state = DeviceState::InDownloadMode;

        let mut report = Report {
            old_version: normal.identity.map(|i| i.revision),
            new_version: String::new(),
            settings: job.journal.settings.as_deref().cloned(),
            restore: None,
            written: Vec::new(),
            resumed: Vec::new(),
            left_download_composition: false,
        };
        let mut total_written = 0;
        let of = plan.partitions.len();
        for (position, planned) in plan.partitions.iter().enumerate() {
            if planned.already_written {
                log_to(
                    dl.observer(),
                    Level::Info,
                    format!("{} was written by the interrupted run; skipping it.", planned.name),
                );
                report.resumed.push(planned.name.clone());
                continue;
            }
            track.enter(Stage::WritePartition { index: position, of, name: planned.name.clone() }, dl.observer());
            let partition = &job.inspection.image.partitions[planned.index];
            let mut attempt = 1;
            loop {
                let progress = Progress {
                    partition: position,
                    written: 0,
                    size: planned.size,
                    total_written,
                    total: plan.bytes_to_write,
                };
                match dl.write_partition(&mut job.source, partition, planned, progress).await {
                    Ok(()) => break,
                    Err(e) if dl.restarts_partition(&e) && attempt < PARTITION_ATTEMPTS => {
                        log_to(dl.observer(), Level::Warn, format!("{e}; starting {} over.", planned.name));
                        attempt += 1;
                    }
                    Err(e) => return Err(e),
                }
            }
            total_written += planned.size;
            job.journal.finish(planned.code);
            dl.observer().on_event(&Event::Journal(job.journal.clone()));
            report.written.push(planned.name.clone());
        }

        track.enter(Stage::Reboot, dl.observer());
        dl.restart().await?;
        track.state = DeviceState::Updated;
        drop(dl);

        track.enter(Stage::Reconnect { mode: Mode::Normal }, &mut self.observer);
        let wanted = Reconnect {
            mode: Mode::Normal,
            ids: family.ids(Mode::Normal),
            role: PortRole::Pcui,
            timeout: REBOOT_TIMEOUT,
        };
        let port = self.connector.reconnect(&wanted).await?;

        track.enter(Stage::ConfirmVersion, &mut self.observer);
        let mut at = AtClient::new(port, &mut self.observer);
        probe::probe_at(&mut at).await?;
        report.new_version = at.revision().await?;
        if let Some(expected) = &plan.expected_version {
            if !(family.same_version)(expected, &report.new_version) {
                // AT replies carry no checksum: a reply garbled on the way reads as
                // another version. Ask once more before calling it a mismatch.
                at.log(Level::Warn, format!("The modem reports firmware {}; asking again.", report.new_version));
                report.new_version = at.revision().await?;
            }
            if !(family.same_version)(expected, &report.new_version) {
                return Err(FlashError::VersionMismatch { expected: expected.clone(), found: report.new_version });
            }
        }
        at.log(Level::Info, format!("The modem now runs firmware {}.", report.new_version));

        if let Some(saved) = &report.settings {
            track.enter(Stage::RestoreSettings, at.observer());
            let imei = at.imei().await?;
            let restored = settings::restore(&mut at, saved, imei.as_deref()).await?;
            at.observer().on_event(&Event::SettingsRestored(restored.clone()));
            report.restore = Some(restored);
        }
        if zte::is_download_composition(job.usb) {
            // The update is done whatever this answers: a refusal only leaves the stick
            // as it came.
            match zte::leave_download_composition(&mut at).await {
                Ok(()) => {
                    report.left_download_composition = true;
                    at.log(Level::Info, LEFT_DOWNLOAD_COMPOSITION.into());
                }
                Err(e) => at.log(Level::Warn, format!("The stick stays in ZTE's download composition: {e}.")),
            }
        }
        Ok(report)
    }

    fn log(&mut self, level: Level, message: &str) {
        self.observer.on_event(&Event::Log(level, message.to_string()));
    }
}

/// Identify, check the fit, back up the settings and send the family's `enter` command.
async fn prepare_normal_mode<P: Port, O: Observer>(
    mut at: AtClient<P, O>,
    target: &TargetFacts,
    family: &FamilyFacts,
    track: &mut Track,
    wall_clock: Option<u64>,
) -> Result<NormalSide, FlashError> {
    let mut identity = at.identify().await?;
    at.log(Level::Info, format!("{} {} with firmware {}.", identity.manufacturer, identity.model, identity.revision));
    let mut fit = (family.fit)(target, &identity);
    if fit.outcome == Outcome::Fail {
        // AT replies carry no checksum: a reply garbled on the way reads as another
        // model. Ask once more before refusing the firmware.
        at.log(Level::Warn, format!("The modem says it is a {}; asking again.", identity.model));
        identity = at.identify().await?;
        fit = (family.fit)(target, &identity);
    }
    check_product(&fit, at.observer())?;

    track.enter(Stage::BackupSettings, at.observer());
    let backup = SettingsBackup::read(&mut at, &identity, wall_clock).await?;
    at.log(Level::Info, backup.summary());
    at.observer().on_event(&Event::SettingsSaved(Box::new(backup.clone())));

    track.enter(Stage::EnterDownload, at.observer());
    match family.enter_download {
        EnterDownload::At(command) => match at.query(command, QUERY_TIMEOUT).await {
            // The OK may be lost when the port drops (huawei-balong.md §2): the port
            // vanishing is success too; the reconnect step tells for sure.
            Ok(_) | Err(AtError::Port(PortError::Disconnected)) | Err(AtError::Timeout { .. }) => {}
            Err(e) => return Err(e.into()),
        },
        EnterDownload::AtThenDiag(command) => {
            // The port answers OK, then speaks DIAG (specs/qualcomm-dload.md §2.1). A
            // lost OK leaves it speaking DIAG all the same: go on, the 3A tells.
            match at.query(command, QUERY_TIMEOUT).await {
                Ok(_) => {}
                Err(AtError::Timeout { .. }) => at.log(Level::Warn, format!("No OK to {command}; trying DIAG anyway.")),
                Err(e) => return Err(e.into()),
            }
            let (mut port, mut observer) = at.into_parts();
            log_to(
                &mut observer,
                Level::Info,
                "The port speaks DIAG now; asking the modem to restart into download mode.".into(),
            );
            crate::protocol::diag::enter_download(&mut port).await?;
        }
    }
    track.state = DeviceState::InDownloadMode;
    Ok(NormalSide { identity: Some(identity), settings: Some(backup) })
}

/// What the normal-mode steps learned.
#[derive(Default)]
struct NormalSide {
    identity: Option<Identity>,
    settings: Option<SettingsBackup>,
}

/// Refuses a failing fit check, logs a warning.
fn check_product<O: Observer>(check: &crate::image::Check, observer: &mut O) -> Result<(), FlashError> {
    match check.outcome {
        Outcome::Fail => Err(FlashError::WrongProduct(check.sentence.clone())),
        Outcome::Warn => {
            log_to(observer, Level::Warn, check.sentence.clone());
            Ok(())
        }
        Outcome::Pass => {
            log_to(observer, Level::Info, check.sentence.clone());
            Ok(())
        }
    }
}

fn log_to<O: Observer>(observer: &mut O, level: Level, message: String) {
    observer.on_event(&Event::Log(level, message));
}

/// The mode a USB id stands for.
fn mode_of(id: UsbId) -> Option<Mode> {
    let mut entries = catalogue::lookup(id);
    let first = entries.next()?.mode;
    entries.all(|e| e.mode == first).then_some(first)
}
