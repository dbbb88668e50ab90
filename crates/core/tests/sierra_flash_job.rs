//! Whole update jobs against the virtual Sierra MC7455 (specs/sierra-cwe-qdl.md §7, §9):
//! `AT!BOOTHOLD`, re-enumeration to the single-interface QDL device, the download, the
//! reboot into the new version, the APN restored, and the flash compared byte for byte.

use futures::executor::block_on;
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::event::Event;
use modemflash_core::flasher::{DeviceState, FlashError, Flasher, Job, Journal, NextStep, Report, Stage};
use modemflash_core::image::{inspect, InspectOptions, Inspection};
use modemflash_core::protocol::qdl::{ErrorCode, QdlError};
use modemflash_core::settings::{RestoreOutcome, Setting};
use modemflash_sim::image::cwe::{module_update, revision_for};
use modemflash_sim::profile::{MC7455, MC8355};
use modemflash_sim::{Fault, FaultPlan, Link, Profile, Sim, SimConnector, VirtualDongle};

const NEW_VERSION: &str = "02.30.01.01";
const SPKG: u32 = u32::from_be_bytes(*b"SPKG");

struct Update {
    file: Vec<u8>,
    inspection: Inspection,
}

fn update_for(profile: &Profile, size: usize) -> Update {
    let file = module_update(profile, NEW_VERSION, size).build();
    let inspection = block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).unwrap();
    assert!(inspection.report.passed(), "{:?}", inspection.report);
    Update { file, inspection }
}

fn run(
    sim: &Sim,
    update: &Update,
    journal: Journal,
) -> (Result<Report, modemflash_core::flasher::Failure>, Vec<Event>) {
    let usb = sim.usb_id();
    let role = if usb == Some(MC7455.download_id) { PortRole::Download } else { PortRole::Pcui };
    let port = sim.open_role(role).unwrap();
    let mut flasher = Flasher::new(SimConnector::new(sim.clone()), Vec::new());
    let job = Job { inspection: &update.inspection, source: update.file.as_slice(), only: None, journal, usb };
    let result = block_on(flasher.run(port, job));
    (result, flasher.into_parts().1)
}

fn stage_titles(events: &[Event]) -> Vec<String> {
    events.iter().filter_map(|e| if let Event::Stage(s) = e { Some(s.title()) } else { None }).collect()
}

fn last_journal(events: &[Event]) -> Journal {
    events.iter().rev().find_map(|e| if let Event::Journal(j) = e { Some(j.clone()) } else { None }).unwrap_or_default()
}

#[test]
fn updates_a_module_from_normal_mode_and_restores_its_apn() {
    let update = update_for(&MC7455, 2_500_000);
    let sim = Sim::with_link(&MC7455, Link::usb_high_speed());
    let (result, events) = run(&sim, &update, Journal::default());
    let report = result.unwrap();

    sim.inspect(|d| {
        assert_eq!(d.flash().len(), 1);
        assert!(d.flash().get(&SPKG) == Some(&update.file), "the flash holds the file byte for byte");
    });
    assert_eq!(report.old_version.as_deref(), Some(MC7455.revision));
    assert_eq!(report.new_version, revision_for(&MC7455, NEW_VERSION));
    assert_eq!(report.settings.as_ref().unwrap().apns().len(), 1);
    assert_eq!(
        report.restore.unwrap().outcome(&Setting::ApnProfile { cid: 1 }),
        Some(&RestoreOutcome::Restored { value: "IPV4V6 \"internet\"".into() }),
        "the update cleared the APN, the job put it back"
    );
    assert_eq!(report.written, ["SPKG"]);
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x1199, 0x9071)), "back in normal mode");
    assert_eq!(
        stage_titles(&events),
        [
            "Checking the modem",
            "Saving your settings",
            "Switching the modem to update mode",
            "Waiting for the modem in update mode",
            "Starting the update",
            "Writing SPKG (1 of 1)",
            "Restarting the modem",
            "Waiting for the modem to restart",
            "Checking the new firmware version",
            "Restoring your settings",
            "Done",
        ]
    );
    assert!(events.iter().any(|e| matches!(e, Event::AtLine(_, l) if l == "AT!BOOTHOLD")));
}

#[test]
fn a_file_for_another_product_is_refused_before_the_module_is_touched() {
    let update = update_for(&MC8355, 10_000);
    let sim = Sim::with_link(&MC7455, Link::usb_high_speed());
    let failure = run(&sim, &update, Journal::default()).0.unwrap_err();
    assert!(matches!(failure.error, FlashError::WrongProduct(_)), "{failure}");
    assert!(failure.to_string().contains("9X15"), "{failure}");
    assert_eq!(failure.state, DeviceState::Unchanged);
    assert_eq!(failure.next_step(), NextStep::ChooseAnotherFile);
    assert_eq!(sim.usb_id(), Some(MC7455.normal_id));
}

#[test]
fn a_job_started_in_boot_and_hold_finishes_the_update() {
    let update = update_for(&MC7455, 50_000);
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&MC7455), Link::usb_high_speed());
    let report = run(&sim, &update, Journal::default()).0.unwrap();
    sim.inspect(|d| assert!(d.flash().get(&SPKG) == Some(&update.file)));
    assert_eq!(report.new_version, revision_for(&MC7455, NEW_VERSION));
}

#[test]
fn a_refused_chunk_stops_with_its_meaning_and_a_resume_finishes() {
    let update = update_for(&MC7455, 2_500_000);
    let sim = Sim::with_link(&MC7455, Link::usb_high_speed());
    sim.set_faults(FaultPlan::new().with(Fault::NakBlock { partition: 0, block: 2, code: 0x17 }));
    let (result, events) = run(&sim, &update, Journal::default());
    let failure = result.unwrap_err();
    assert_eq!(
        failure.error,
        FlashError::Qdl(QdlError::Refused { request: "write of a chunk (27)", code: ErrorCode(0x17) })
    );
    assert!(failure.to_string().contains("bad CRC"), "{failure}");
    assert_eq!(failure.stage, Stage::WritePartition { index: 0, of: 1, name: "SPKG".into() });
    assert_eq!(failure.state, DeviceState::InDownloadMode);
    assert_eq!(failure.next_step(), NextStep::Resume);
    sim.inspect(|d| assert!(d.flash().is_empty(), "nothing flashed before the close"));

    let report = run(&sim, &update, last_journal(&events)).0.unwrap();
    sim.inspect(|d| assert!(d.flash().get(&SPKG) == Some(&update.file)));
    assert_eq!(report.new_version, revision_for(&MC7455, NEW_VERSION));
}

#[test]
fn an_unplug_during_the_download_is_resumed() {
    let update = update_for(&MC7455, 2_500_000);
    let sim = Sim::with_link(&MC7455, Link::usb_high_speed());
    let replug_after = std::time::Duration::from_secs(3);
    sim.set_faults(FaultPlan::new().with(Fault::UnplugAtByte { bytes: 1_500_000, replug_after }));
    let (result, events) = run(&sim, &update, Journal::default());
    let failure = result.unwrap_err();
    assert_eq!(failure.state, DeviceState::InDownloadMode, "{failure}");
    sim.wait(replug_after * 2);
    assert_eq!(sim.usb_id(), Some(MC7455.download_id), "back in boot-and-hold");
    run(&sim, &update, last_journal(&events)).0.unwrap();
    sim.inspect(|d| assert!(d.flash().get(&SPKG) == Some(&update.file)));
}

#[test]
fn a_chunk_corrupted_on_the_way_is_caught_at_close_and_a_resume_finishes() {
    // The unframed write carries no payload CRC (§8): only the module's CWE check at
    // close (§12 item 5) can notice. Host transfers from boot-and-hold: 70, Hello 4, 5,
    // 6, Hello 6, open, then the first chunk (#6).
    let update = update_for(&MC7455, 2_500_000);
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&MC7455), Link::usb_high_speed());
    sim.set_faults(FaultPlan::new().with(Fault::CorruptToDevice { nth: 6 }));
    let (result, events) = run(&sim, &update, Journal::default());
    let failure = result.unwrap_err();
    assert_eq!(
        failure.error,
        FlashError::Qdl(QdlError::Status { request: "close request (29)", status: 1, failed_type: Some(0x80) })
    );
    assert_eq!(failure.state, DeviceState::InDownloadMode);
    sim.inspect(|d| assert!(d.flash().is_empty(), "a damaged image is never flashed"));

    run(&sim, &update, last_journal(&events)).0.unwrap();
    sim.inspect(|d| assert!(d.flash().get(&SPKG) == Some(&update.file)));
}

#[test]
fn a_corrupted_request_frame_is_answered_with_bad_crc() {
    let update = update_for(&MC7455, 10_000);
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&MC7455), Link::usb_high_speed());
    sim.set_faults(FaultPlan::new().with(Fault::CorruptToDevice { nth: 0 }));
    let failure = run(&sim, &update, Journal::default()).0.unwrap_err();
    assert_eq!(
        failure.error,
        FlashError::Qdl(QdlError::Refused { request: "switch request (70)", code: ErrorCode(0x17) })
    );
    assert!(failure.to_string().contains("error 0x17, bad CRC"), "{failure}");
    assert_eq!(failure.stage, Stage::Handshake);
}

#[test]
fn a_lost_write_reply_times_out_after_120_seconds_and_a_resume_finishes() {
    // Module bursts from boot-and-hold: ACK, Error (v4), Error (v5), Hello, Hello, open
    // reply, then the first write reply (#6), which never arrives.
    let update = update_for(&MC7455, 2_500_000);
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&MC7455), Link::usb_high_speed());
    sim.set_faults(FaultPlan::new().with(Fault::DropToHost { nth: 6 }));
    let started = sim.now();
    let (result, events) = run(&sim, &update, Journal::default());
    let failure = result.unwrap_err();
    assert_eq!(
        failure.error,
        FlashError::Qdl(QdlError::NoReply {
            request: "write of a chunk (27)",
            waited: std::time::Duration::from_secs(120)
        })
    );
    assert!(sim.now() - started >= std::time::Duration::from_secs(120), "§9 step 5 waits 120 s");
    assert_eq!(failure.next_step(), NextStep::Resume);

    run(&sim, &update, last_journal(&events)).0.unwrap();
    sim.inspect(|d| assert!(d.flash().get(&SPKG) == Some(&update.file)));
}
