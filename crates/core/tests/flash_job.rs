//! Whole update jobs against the virtual E3372h: every stage from normal mode through
//! download mode and back, the virtual flash compared byte for byte with what the image
//! unpacks to, and every fault ending in a correct flash or a clear stop.

use std::time::Duration;

use futures::executor::block_on;
use modemflash_core::device::catalogue::Mode;
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::event::Event;
use modemflash_core::flasher::{DeviceState, FlashError, Flasher, Job, Journal, NextStep, Report, Stage};
use modemflash_core::image::balong::inspect;
use modemflash_core::image::InspectOptions;
use modemflash_core::image::Inspection;
use modemflash_core::protocol::balong::{DloadError, Nak};
use modemflash_core::settings::{RestoreOutcome, Setting};
use modemflash_sim::image::update::stick_update;
use modemflash_sim::profile::{E3372H, E3372H_SIGNED};
use modemflash_sim::{Fault, FaultPlan, Link, Profile, Sim, SimConnector, VirtualDongle};

const NEW_VERSION: &str = "22.333.01.00.00";

struct Update {
    file: Vec<u8>,
    inspection: Inspection,
}

fn update_for(profile: &Profile, size: usize) -> Update {
    let file = stick_update(profile, NEW_VERSION, size).build();
    let inspection = block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).unwrap();
    assert!(inspection.report.passed(), "{:?}", inspection.report);
    Update { file, inspection }
}

/// What the stick must hold after the update: every partition unpacked.
fn expected_flash(update: &Update) -> Vec<(u32, Vec<u8>)> {
    modemflash_sim::image::expected::expected_flash(&update.inspection, &update.file).unwrap()
}

fn assert_flash_is(sim: &Sim, expected: &[(u32, Vec<u8>)]) {
    sim.inspect(|d| {
        assert_eq!(d.flash().len(), expected.len(), "partitions written");
        for (code, data) in expected {
            assert!(d.flash().get(code) == Some(data), "partition {code:08x} differs from the image");
        }
    });
}

fn run(
    sim: &Sim,
    update: &Update,
    only: Option<Vec<String>>,
    journal: Journal,
) -> (Result<Report, modemflash_core::flasher::Failure>, Vec<Event>) {
    let usb = sim.usb_id();
    let role = if usb == Some(E3372H.download_id) { PortRole::Download } else { PortRole::Pcui };
    let port = sim.open_role(role).unwrap();
    let mut flasher = Flasher::new(SimConnector::new(sim.clone()), Vec::new());
    let job = Job { inspection: &update.inspection, source: update.file.as_slice(), only, journal, usb };
    let result = block_on(flasher.run(port, job));
    (result, flasher.into_parts().1)
}

fn stages(events: &[Event]) -> Vec<Stage> {
    events.iter().filter_map(|e| if let Event::Stage(s) = e { Some(s.clone()) } else { None }).collect()
}

fn last_journal(events: &[Event]) -> Journal {
    events.iter().rev().find_map(|e| if let Event::Journal(j) = e { Some(j.clone()) } else { None }).unwrap_or_default()
}

#[test]
fn updates_a_stick_from_normal_mode_and_restores_its_apn() {
    let update = update_for(&E3372H, 300_000);
    let sim = Sim::with_link(&E3372H, Link::usb_high_speed());
    let (result, events) = run(&sim, &update, None, Journal::default());
    let report = result.unwrap();

    assert_flash_is(&sim, &expected_flash(&update));
    assert_eq!(report.old_version.as_deref(), Some("22.315.01.00.00"));
    assert_eq!(report.new_version, NEW_VERSION);
    assert_eq!(report.settings.as_ref().unwrap().apns().len(), 1);
    let restore = report.restore.as_ref().unwrap();
    assert_eq!(
        restore.outcome(&Setting::ApnProfile { cid: 1 }),
        Some(&RestoreOutcome::Restored { value: "IP \"internet\"".into() }),
        "the update cleared the APN, the job put it back"
    );
    assert_eq!(sim.inspect(|d| d.apns().len()), 1);
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x12d1, 0x1506)), "back in normal mode");
    assert_eq!(report.written, ["M3Boot-ptable", "M3Boot", "Kernel", "VxWorks", "Nvdload", "WEBUI"]);

    let names: Vec<String> = stages(&events).iter().map(Stage::title).collect();
    assert_eq!(
        names,
        [
            "Checking the modem",
            "Saving your settings",
            "Switching the modem to update mode",
            "Waiting for the modem in update mode",
            "Starting the update",
            "Writing M3Boot-ptable (1 of 6)",
            "Writing M3Boot (2 of 6)",
            "Writing Kernel (3 of 6)",
            "Writing VxWorks (4 of 6)",
            "Writing Nvdload (5 of 6)",
            "Writing WEBUI (6 of 6)",
            "Restarting the modem",
            "Waiting for the modem to restart",
            "Checking the new firmware version",
            "Restoring your settings",
            "Done",
        ]
    );
    let last = events.iter().rev().find_map(|e| if let Event::Progress(p) = e { Some(*p) } else { None }).unwrap();
    assert_eq!(last.total_written, last.total, "progress reaches the planned total");
    let unpacked: u64 = expected_flash(&update).iter().map(|(_, d)| d.len() as u64).sum();
    assert_eq!(last.total, unpacked);
}

#[test]
fn a_signed_image_updates_a_stick_that_checks_signatures() {
    let update = update_for(&E3372H_SIGNED, 100_000);
    assert!(update.inspection.image.signature.is_some());
    let sim = Sim::new(&E3372H_SIGNED);
    let (result, _) = run(&sim, &update, None, Journal::default());
    assert_eq!(result.unwrap().new_version, NEW_VERSION);
    assert_flash_is(&sim, &expected_flash(&update));
}

#[test]
fn an_unsigned_image_is_stopped_by_a_signature_checking_stick_before_any_write() {
    let update = update_for(&E3372H, 50_000);
    let sim = Sim::new(&E3372H_SIGNED);
    let (result, _) = run(&sim, &update, None, Journal::default());
    let failure = result.unwrap_err();
    assert_eq!(failure.stage, Stage::Handshake);
    assert!(matches!(failure.error, FlashError::Download(DloadError::DataModeRefused(_))));
    assert_eq!(failure.state, DeviceState::InDownloadMode);
    assert!(sim.inspect(|d| d.flash().is_empty()));
}

#[test]
fn firmware_for_another_stick_is_refused_before_anything_is_sent() {
    let mut other = E3372H;
    other.dload_id = "CL1E8372HM";
    let update = update_for(&other, 20_000);
    let sim = Sim::new(&E3372H);
    let (result, _) = run(&sim, &update, None, Journal::default());
    let failure = result.unwrap_err();
    assert_eq!(failure.stage, Stage::Identify);
    assert!(matches!(failure.error, FlashError::WrongProduct(_)), "{failure}");
    assert_eq!(failure.state, DeviceState::Unchanged);
    assert_eq!(failure.next_step(), NextStep::ChooseAnotherFile);
    assert_eq!(sim.usb_id(), Some(E3372H.normal_id), "no AT^GODLOAD was sent");
}

#[test]
fn a_damaged_file_is_refused_before_the_modem_is_touched() {
    let good = stick_update(&E3372H, NEW_VERSION, 20_000).build_with_layout();
    let file = good.with_flipped_bit(2, 100);
    let inspection = block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).unwrap();
    assert!(!inspection.report.passed());
    let update = Update { file, inspection };
    let sim = Sim::new(&E3372H);
    let (result, events) = run(&sim, &update, None, Journal::default());
    let failure = result.unwrap_err();
    assert!(matches!(failure.error, FlashError::Plan(_)));
    assert_eq!(failure.state, DeviceState::Unchanged);
    assert!(!events.iter().any(|e| matches!(e, Event::AtLine(..))), "not a single byte went to the modem");
}

#[test]
fn a_file_with_a_flipped_bit_is_refused_before_the_modem_is_touched() {
    // Every family's corpus of bad files goes through the flasher in bad_files.rs.
    let bad_files = [(
        "flipped data bit".to_string(),
        stick_update(&E3372H, NEW_VERSION, 20_000).build_with_layout().with_flipped_bit(3, 10),
    )];
    for (what, file) in bad_files {
        let inspection = block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).unwrap();
        let update = Update { file, inspection };
        let sim = Sim::new(&E3372H);
        let (result, events) = run(&sim, &update, None, Journal::default());
        let failure = result.unwrap_err();
        assert!(matches!(failure.error, FlashError::Plan(_)), "{what}: {failure}");
        assert_eq!(failure.next_step(), NextStep::ChooseAnotherFile, "{what}");
        assert!(!events.iter().any(|e| matches!(e, Event::AtLine(..))), "{what}: a byte went to the modem");
        assert_eq!(sim.usb_id(), Some(E3372H.normal_id), "{what}");
    }
}

#[test]
fn writes_only_the_partitions_asked_for() {
    let update = update_for(&E3372H, 60_000);
    let sim = Sim::new(&E3372H);
    let (result, _) = run(&sim, &update, Some(vec!["webui".into()]), Journal::default());
    let report = result.unwrap();
    assert_eq!(report.written, ["WEBUI"]);
    assert_eq!(report.new_version, "22.315.01.00.00", "the firmware itself was not replaced");
    let expected = expected_flash(&update);
    assert_flash_is(&sim, &expected[5..]);
}

#[test]
fn a_stick_already_in_download_mode_is_updated_directly() {
    let update = update_for(&E3372H, 60_000);
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&E3372H), Link::usb_high_speed());
    let (result, events) = run(&sim, &update, None, Journal::default());
    let report = result.unwrap();
    assert_eq!(report.old_version, None);
    assert_eq!(report.new_version, NEW_VERSION);
    assert_eq!(stages(&events)[1], Stage::Handshake, "straight from identification to the handshake");
    assert_flash_is(&sim, &expected_flash(&update));
}

#[test]
fn an_unplugged_stick_resumes_at_the_partition_it_stopped_in() {
    let update = update_for(&E3372H, 400_000);
    let sim = Sim::new(&E3372H);
    // Pulled out in the middle of the job, plugged in again a minute later.
    sim.set_faults(
        FaultPlan::new().with(Fault::UnplugAtByte { bytes: 200_000, replug_after: Duration::from_secs(60) }),
    );
    let (result, events) = run(&sim, &update, None, Journal::default());
    let failure = result.unwrap_err();
    assert!(matches!(failure.stage, Stage::WritePartition { .. }), "{failure}");
    assert_eq!(failure.state, DeviceState::InDownloadMode);
    assert_eq!(failure.next_step(), NextStep::Resume);
    assert!(failure.advice().contains("resume"), "{}", failure.advice());
    let journal = last_journal(&events);
    assert!(!journal.finished.is_empty() && journal.finished.len() < 6, "{journal:?}");

    sim.wait(Duration::from_secs(61));
    assert_eq!(sim.usb_id(), Some(E3372H.download_id), "back in download mode");
    let (result, _) = run(&sim, &update, None, journal.clone());
    let report = result.unwrap();
    assert_eq!(report.resumed.len(), journal.finished.len(), "finished partitions were not written again");
    assert_eq!(
        report.restore.unwrap().outcome(&Setting::ApnProfile { cid: 1 }),
        Some(&RestoreOutcome::Restored { value: "IP \"internet\"".into() }),
        "the APN saved by the first run came back through the journal"
    );
    assert_eq!(report.written.len() + report.resumed.len(), 6);
    assert_eq!(report.new_version, NEW_VERSION);
    assert_flash_is(&sim, &expected_flash(&update));
}

#[test]
fn a_nak_07_starts_the_partition_over() {
    let update = update_for(&E3372H, 100_000);
    let sim = Sim::new(&E3372H);
    sim.set_faults(FaultPlan::new().with(Fault::NakBlock { partition: 2, block: 3, code: 0x07 }));
    let (result, events) = run(&sim, &update, None, Journal::default());
    result.unwrap();
    assert_flash_is(&sim, &expected_flash(&update));
    assert!(events.iter().any(|e| matches!(e, Event::Log(_, m) if m.contains("starting Kernel over"))));
}

#[test]
fn another_nak_stops_with_its_meaning_and_the_stick_in_download_mode() {
    let update = update_for(&E3372H, 100_000);
    let sim = Sim::new(&E3372H);
    sim.set_faults(FaultPlan::new().with(Fault::NakBlock { partition: 1, block: 1, code: 0x0A }));
    let (result, _) = run(&sim, &update, None, Journal::default());
    let failure = result.unwrap_err();
    assert_eq!(failure.error, FlashError::Download(DloadError::Refused { cmd: "data block (42)", nak: Nak(0x0A) }));
    assert_eq!(failure.state, DeviceState::InDownloadMode);
    assert!(failure.to_string().contains("authentication failed"), "{failure}");
}

#[test]
fn corrupted_and_lost_frames_are_retried_into_an_exact_flash() {
    let update = update_for(&E3372H, 200_000);
    let sim = Sim::with_link(&E3372H, Link::usb_full_speed());
    // Spread out, so no single block meets more faults than the client's retries cover.
    let faults = FaultPlan::new()
        .with(Fault::CorruptToDevice { nth: 30 })
        .with(Fault::CorruptToDevice { nth: 50 })
        .with(Fault::DropToHost { nth: 70 })
        .with(Fault::DropToHost { nth: 90 })
        .with(Fault::CorruptToHost { nth: 110 })
        .with(Fault::DelayToHost { nth: 130, by: Duration::from_secs(4) });
    sim.set_faults(faults);
    let (result, _) = run(&sim, &update, None, Journal::default());
    assert_eq!(result.unwrap().new_version, NEW_VERSION);
    assert_flash_is(&sim, &expected_flash(&update));
}

#[test]
fn a_stick_that_never_comes_back_stops_with_advice() {
    let update = update_for(&E3372H, 20_000);
    let sim = Sim::new(&E3372H);
    let port = sim.open_role(PortRole::Pcui).unwrap();
    let mut flasher = Flasher::new(NeverBack, Vec::new());
    let job = Job {
        inspection: &update.inspection,
        source: update.file.as_slice(),
        only: None,
        journal: Journal::default(),
        usb: sim.usb_id(),
    };
    let failure = block_on(flasher.run(port, job)).unwrap_err();
    assert_eq!(failure.stage, Stage::Reconnect { mode: Mode::Download });
    assert_eq!(failure.state, DeviceState::InDownloadMode);
    assert_eq!(failure.next_step(), NextStep::Resume);
}

/// A connector for a stick that is never seen again.
struct NeverBack;

impl modemflash_core::flasher::Connector for NeverBack {
    type Port = modemflash_sim::SimPort;
    async fn reconnect(
        &mut self,
        wanted: &modemflash_core::flasher::Reconnect,
    ) -> Result<Self::Port, modemflash_core::flasher::ConnectError> {
        Err(modemflash_core::flasher::ConnectError::NotBack { waited: wanted.timeout })
    }
}

#[test]
fn a_late_reply_is_never_taken_for_the_next_commands_ack() {
    // Found by the fault matrix (`modemflash-bench faults --seed 7`, run 249); the
    // numbers are 3 later than the run's since the settings backup asks 3 more
    // questions first (`^SYSCFGEX=?`, `^SYSCFGEX?`, `+CLCK`).
    let update = update_for(&E3372H, 24_000);
    let sim = Sim::with_link(&E3372H, Link::usb_high_speed());
    sim.set_faults(
        FaultPlan::new()
            .with(Fault::DropToHost { nth: 20 })
            .with(Fault::CorruptToDevice { nth: 26 })
            .with(Fault::DelayToHost { nth: 33, by: Duration::from_millis(3591) })
            .with(Fault::CorruptToHost { nth: 49 }),
    );
    let (result, events) = run(&sim, &update, None, Journal::default());
    // The late ACK of a data block arrived while the partition's `43` was lost on the
    // way: it must not close the partition (it did, when the late burst could be
    // overtaken by the ones behind it, which no USB pipe does).
    assert_eq!(result.unwrap().new_version, NEW_VERSION);
    assert_flash_is(&sim, &expected_flash(&update));
    assert!(events.iter().any(|e| matches!(e, Event::Log(_, m) if m.contains("No answer to the data block"))));
}

#[test]
fn a_resumed_job_that_stops_in_the_handshake_still_says_the_update_is_unfinished() {
    // Found by the fault matrix: it used to say "Nothing was changed on the modem".
    let update = update_for(&E3372H, 60_000);
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&E3372H), Link::usb_high_speed());
    // Burst 0 answers AT^DLOADVER?, burst 1 AT^DATAMODE.
    sim.set_faults(FaultPlan::new().with(Fault::CorruptToHost { nth: 1 }));
    let journal = Journal { finished: vec![0x0001_0000, 0x0002_0000], ..Journal::default() };
    let (result, _) = run(&sim, &update, None, journal);
    let failure = result.unwrap_err();
    assert_eq!(failure.stage, Stage::Handshake);
    assert_eq!(failure.state, DeviceState::InDownloadMode);
    assert_eq!(failure.next_step(), NextStep::Resume);
}

#[test]
fn a_resumed_job_whose_partitions_were_all_written_says_so_when_it_stops() {
    // Found by the fault matrix: the reset's ACK was lost, the stick restarted with the
    // new firmware, and the resumed run stopped before anything else.
    let update = update_for(&E3372H, 20_000);
    let sim = Sim::new(&E3372H);
    let port = sim.open_role(PortRole::Pcui).unwrap();
    sim.unplug();
    let finished = update.inspection.image.partitions.iter().map(|p| p.code.unwrap()).collect();
    let journal = Journal { finished, ..Journal::default() };
    let mut flasher = Flasher::new(SimConnector::new(sim.clone()), Vec::new());
    let job = Job { inspection: &update.inspection, source: update.file.as_slice(), only: None, journal, usb: None };
    let failure = block_on(flasher.run(port, job)).unwrap_err();
    assert_eq!(failure.stage, Stage::Identify);
    assert_eq!(failure.state, DeviceState::Updated);
    assert_eq!(failure.next_step(), NextStep::CheckModem);
}

/// Notes how many bursts the stick had sent when the job asked for the new version.
struct BurstsAtVersionCheck {
    sim: Sim,
    confirming: bool,
    bursts: Option<u64>,
}

impl modemflash_core::event::Observer for BurstsAtVersionCheck {
    fn on_event(&mut self, event: &Event) {
        match event {
            Event::Stage(Stage::ConfirmVersion) => self.confirming = true,
            Event::AtLine(_, line) if self.confirming && line == "AT+CGMR" && self.bursts.is_none() => {
                self.bursts = Some(self.sim.traffic().device_bursts);
            }
            _ => {}
        }
    }
}

#[test]
fn a_version_reply_garbled_on_the_way_is_asked_again() {
    // Found by the fault matrix: a corrupted +CGMR reply stopped a job whose flash was
    // exact with "reports firmware 22.3#3…".
    let update = update_for(&E3372H, 20_000);
    let clean = Sim::new(&E3372H);
    let port = clean.open_role(PortRole::Pcui).unwrap();
    let observer = BurstsAtVersionCheck { sim: clean.clone(), confirming: false, bursts: None };
    let mut flasher = Flasher::new(SimConnector::new(clean.clone()), observer);
    let job = Job {
        inspection: &update.inspection,
        source: update.file.as_slice(),
        only: None,
        journal: Journal::default(),
        usb: clean.usb_id(),
    };
    block_on(flasher.run(port, job)).unwrap();
    let before = flasher.into_parts().1.bursts.unwrap();

    // The echo of AT+CGMR is the next burst, its reply the one after.
    let sim = Sim::new(&E3372H);
    sim.set_faults(FaultPlan::new().with(Fault::CorruptToHost { nth: before + 1 }));
    let (result, events) = run(&sim, &update, None, Journal::default());
    assert_eq!(result.unwrap().new_version, NEW_VERSION);
    assert!(events.iter().any(|e| matches!(e, Event::Log(_, m) if m.contains("asking again"))));
    assert_flash_is(&sim, &expected_flash(&update));
}
