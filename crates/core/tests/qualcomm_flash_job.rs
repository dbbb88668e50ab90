//! Whole update jobs against the virtual Qualcomm sticks: AT identity and APN backup,
//! AT$QCDMG + DIAG 3A into DMSS download, programmer upload, the partition table,
//! every image streamed, RESET, the new version confirmed and the APN restored — the
//! virtual flash compared byte for byte with the package, faults included.

use std::time::Duration;

use futures::executor::block_on;
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::event::Event;
use modemflash_core::flasher::{DeviceState, FlashError, Flasher, Job, Journal, NextStep, Report, Stage};
use modemflash_core::image::qualcomm::inspect_package;
use modemflash_core::image::{FolderFile, Inspection};
use modemflash_core::protocol::streaming::StreamingError;
use modemflash_sim::image::qualcomm::{stick_package, table, QualcommPackage};
use modemflash_sim::profile::{ALCATEL_X020, HUAWEI_E1550, NOVATEL_MC950D, ZTE_MF626};
use modemflash_sim::{Fault, FaultPlan, Profile, Sim, SimConnector, VirtualDongle};

const NEW_VERSION: &str = "BD_P673A2V1.0.1B02";

/// A package as the flasher reads it: inspected as a folder, files laid end to end.
struct Update {
    package: QualcommPackage,
    chain: Vec<u8>,
    inspection: Inspection,
}

fn inspected(package: QualcommPackage) -> Update {
    let mut files: Vec<FolderFile<Vec<u8>>> =
        package.files.iter().map(|(n, b)| FolderFile { name: n.clone(), source: b.clone() }).collect();
    let inspection = block_on(inspect_package(&mut files)).unwrap();
    let (chain, starts) = package.chain();
    let inspection = inspection.chained(|i| starts[i]);
    Update { package, chain, inspection }
}

fn update_for(profile: &Profile, size: usize) -> Update {
    let update = inspected(stick_package(profile, NEW_VERSION, size));
    assert!(update.inspection.report.passed(), "{:#?}", update.inspection.report);
    update
}

fn run(
    sim: &Sim,
    update: &Update,
    journal: Journal,
) -> (Result<Report, modemflash_core::flasher::Failure>, Vec<Event>) {
    let usb = sim.usb_id();
    let role =
        if sim.ports().iter().any(|(_, r)| *r == PortRole::Download) { PortRole::Download } else { PortRole::Pcui };
    let port = sim.open_role(role).unwrap();
    let mut flasher = Flasher::new(SimConnector::new(sim.clone()), Vec::new());
    let job = Job { inspection: &update.inspection, source: update.chain.as_slice(), only: None, journal, usb };
    let result = block_on(flasher.run(port, job));
    (result, flasher.into_parts().1)
}

/// Partition-table index → the package's image bytes.
fn assert_flash_is_package(sim: &Sim, update: &Update) {
    let expected = [(0u32, "qcsbl.mbn"), (1, "oemsbl.mbn"), (2, "amss.mbn")];
    sim.inspect(|d| {
        assert_eq!(d.flash().len(), expected.len(), "partitions written");
        for (index, file) in expected {
            assert!(d.flash().get(&index).map(Vec::as_slice) == update.package.file(file), "{file} differs in flash");
        }
        assert_eq!(d.partition_table(), table().encode());
    });
}

#[test]
fn updates_each_virtual_stick_from_normal_mode_and_restores_its_apn() {
    for profile in [&ZTE_MF626, &ALCATEL_X020, &NOVATEL_MC950D, &HUAWEI_E1550] {
        let update = update_for(profile, 400_000);
        let sim = Sim::new(profile);
        let (result, events) = run(&sim, &update, Journal::default());
        let report = result.unwrap_or_else(|f| panic!("{}: {f}", profile.name));
        assert_flash_is_package(&sim, &update);
        assert_eq!(report.old_version.as_deref(), Some(profile.revision));
        assert_eq!(report.new_version, NEW_VERSION);
        let restore = report.restore.as_ref().unwrap();
        assert_eq!(restore.set(), 1, "the update cleared the APN, the job put it back: {restore:?}");
        assert_eq!(sim.usb_id(), Some(profile.normal_id), "back in normal mode");
        assert_eq!(report.written, ["0:QCSBL", "0:OEMSBL", "0:AMSS"]);
        let titles: Vec<String> =
            events.iter().filter_map(|e| if let Event::Stage(s) = e { Some(s.title()) } else { None }).collect();
        assert_eq!(
            titles[..5],
            [
                "Checking the modem",
                "Saving your settings",
                "Switching the modem to update mode",
                "Waiting for the modem in update mode",
                "Starting the update"
            ]
        );
        let sent: Vec<&str> =
            events.iter().filter_map(|e| if let Event::AtLine(_, l) = e { Some(l.as_str()) } else { None }).collect();
        assert!(sent.contains(&"AT$QCDMG"), "{sent:?}");
        let logs: Vec<&str> =
            events.iter().filter_map(|e| if let Event::Log(_, m) = e { Some(m.as_str()) } else { None }).collect();
        assert!(logs.iter().any(|m| m.contains("Loading the programmer")), "{logs:?}");
        assert!(
            logs.iter().any(|m| m.contains("writing Unframed")),
            "the virtual link keeps transfers whole: {logs:?}"
        );
        let last = events.iter().rev().find_map(|e| if let Event::Progress(p) = e { Some(*p) } else { None }).unwrap();
        assert_eq!(last.total_written, last.total, "progress reaches the planned total");
    }
}

#[test]
fn a_stick_already_in_dmss_download_mode_is_updated() {
    let update = update_for(&ZTE_MF626, 100_000);
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&ZTE_MF626), Default::default());
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x19d2, 0x0076)));
    let (result, _) = run(&sim, &update, Journal::default());
    assert_eq!(result.unwrap().new_version, NEW_VERSION);
    assert_flash_is_package(&sim, &update);
}

#[test]
fn lost_and_corrupted_transfers_still_give_an_exact_flash() {
    for fault in [
        Fault::DropToHost { nth: 40 },
        Fault::DropToDevice { nth: 45 },
        Fault::DelayToHost { nth: 50, by: Duration::from_secs(2) },
    ] {
        let update = update_for(&ALCATEL_X020, 200_000);
        let sim = Sim::new(&ALCATEL_X020);
        sim.set_faults(FaultPlan::new().with(fault.clone()));
        let (result, _) = run(&sim, &update, Journal::default());
        result.unwrap_or_else(|f| panic!("{fault:?}: {f}"));
        assert_flash_is_package(&sim, &update);
    }
}

#[test]
fn a_write_error_stops_in_download_mode_and_a_second_run_finishes() {
    let update = update_for(&ZTE_MF626, 200_000);
    let sim = Sim::new(&ZTE_MF626);
    sim.set_faults(FaultPlan::new().with(Fault::NakBlock { partition: 2, block: 3, code: 0x0A }));
    let (result, events) = run(&sim, &update, Journal::default());
    let failure = result.unwrap_err();
    assert!(matches!(failure.error, FlashError::Streaming(StreamingError::Refused { .. })), "{failure}");
    assert!(matches!(failure.stage, Stage::WritePartition { index: 2, .. }));
    assert_eq!(failure.state, DeviceState::InDownloadMode);
    assert_eq!(failure.next_step(), NextStep::Resume);
    // The person replugs: the stick comes back in DMSS download mode, and the journal
    // skips what was finished.
    sim.unplug();
    sim.replug();
    sim.wait(Duration::from_secs(5));
    let journal =
        events.iter().rev().find_map(|e| if let Event::Journal(j) = e { Some(j.clone()) } else { None }).unwrap();
    let (result, _) = run(&sim, &update, journal);
    let report = result.unwrap();
    assert_eq!(report.resumed, ["0:QCSBL", "0:OEMSBL"]);
    assert_eq!(report.written, ["0:AMSS"]);
    assert_flash_is_package(&sim, &update);
}

#[test]
fn an_unplug_mid_partition_is_resumed_from_download_mode() {
    let update = update_for(&ZTE_MF626, 300_000);
    let sim = Sim::new(&ZTE_MF626);
    sim.set_faults(FaultPlan::new().with(Fault::UnplugAtByte { bytes: 200_000, replug_after: Duration::from_secs(2) }));
    let (result, events) = run(&sim, &update, Journal::default());
    let failure = result.unwrap_err();
    assert_eq!(failure.state, DeviceState::InDownloadMode);
    sim.wait(Duration::from_secs(10));
    let journal = events
        .iter()
        .rev()
        .find_map(|e| if let Event::Journal(j) = e { Some(j.clone()) } else { None })
        .unwrap_or_default();
    let (result, _) = run(&sim, &update, journal);
    assert_eq!(result.unwrap().new_version, NEW_VERSION);
    assert_flash_is_package(&sim, &update);
}

#[test]
fn a_package_for_another_model_is_refused_before_anything_is_sent() {
    let update = update_for(&ALCATEL_X020, 20_000);
    let sim = Sim::new(&ZTE_MF626);
    let (result, _) = run(&sim, &update, Journal::default());
    let failure = result.unwrap_err();
    assert!(matches!(failure.error, FlashError::WrongProduct(_)), "{failure}");
    assert_eq!(failure.state, DeviceState::Unchanged);
    assert_eq!(sim.usb_id(), Some(ZTE_MF626.normal_id));
}

#[test]
fn a_package_with_a_changed_file_is_refused_before_the_modem_is_touched() {
    let good = stick_package(&ZTE_MF626, NEW_VERSION, 20_000);
    let mut amss = good.file("amss.mbn").unwrap().to_vec();
    amss[100] ^= 1;
    let update = inspected(good.with_file("amss.mbn", amss));
    assert!(!update.inspection.report.passed());
    let sim = Sim::new(&ZTE_MF626);
    let (result, events) = run(&sim, &update, Journal::default());
    let failure = result.unwrap_err();
    assert!(matches!(failure.error, FlashError::Plan(_)), "{failure}");
    assert!(!events.iter().any(|e| matches!(e, Event::AtLine(..))), "not a single byte went to the modem");
}

/// The package zipped, deflated, inside a folder as people zip them.
fn zipped(package: &QualcommPackage) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.add_directory("MF626-B02/", options).unwrap();
    for (name, bytes) in &package.files {
        zip.start_file(format!("MF626-B02/{name}"), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_zipped_package_is_verified_and_flashed_from_its_entries() {
    use modemflash_core::image::{InspectOptions, Selection};
    let package = stick_package(&ZTE_MF626, NEW_VERSION, 150_000);
    let zip = zipped(&package);
    assert!(modemflash_core::image::qualcomm::zip::is_zip(&zip));
    let selection = block_on(Selection::of_file(zip.as_slice(), &InspectOptions::default())).unwrap();
    assert!(selection.inspection.report.passed(), "{:#?}", selection.inspection.report);
    assert_eq!(selection.inspection.image.sha256.as_ref().map(|d| d.to_string().len()), Some(64));
    let inspection = selection.for_flashing();
    let chain = selection.source;
    assert_eq!(chain.start_of(package.files.len()), package.files.iter().map(|f| f.1.len() as u64).sum::<u64>());
    let sim = Sim::new(&ZTE_MF626);
    let port = sim.open_role(PortRole::Pcui).unwrap();
    let mut flasher = Flasher::new(SimConnector::new(sim.clone()), Vec::new());
    let job =
        Job { inspection: &inspection, source: chain, only: None, journal: Journal::default(), usb: sim.usb_id() };
    assert_eq!(block_on(flasher.run(port, job)).unwrap().new_version, NEW_VERSION);
    assert_flash_is_package(&sim, &Update { package, chain: Vec::new(), inspection });
}

#[test]
fn a_damaged_zip_is_one_failing_check() {
    use modemflash_core::image::qualcomm::inspect_zip;
    use modemflash_core::image::InspectOptions;
    let mut zip = zipped(&stick_package(&ZTE_MF626, NEW_VERSION, 20_000));
    let end = zip.len();
    zip.truncate(end - 30);
    let (inspection, entries) = block_on(inspect_zip(zip.as_slice(), &InspectOptions::default())).unwrap();
    assert!(entries.is_empty());
    let failed: Vec<&str> = inspection.report.failures().map(|c| c.id).collect();
    assert_eq!(failed, ["zip"]);
}

#[test]
fn a_damaged_entry_of_a_zip_is_one_failing_check_naming_it() {
    use modemflash_core::image::qualcomm::inspect_zip;
    use modemflash_core::image::InspectOptions;
    let package = stick_package(&ZTE_MF626, NEW_VERSION, 200_000);
    let mut zip = zipped(&package);
    let at = zip.windows(12).rposition(|w| w == b"B02/amss.mbn").unwrap();
    let data = zip.windows(12).position(|w| w == b"B02/amss.mbn").unwrap() + 12 + 5000;
    assert!(data < at, "inside amss.mbn's packed bytes");
    zip[data] ^= 0x10;
    let (inspection, entries) = block_on(inspect_zip(zip.as_slice(), &InspectOptions::default())).unwrap();
    assert!(entries.is_empty());
    let failed: Vec<&str> = inspection.report.failures().map(|c| c.sentence.as_str()).collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].starts_with("The package amss.mbn cannot be unpacked ("), "{failed:?}");
    assert!(failed[0].ends_with(". Get the package again."), "{failed:?}");
}

#[test]
fn a_corrupted_programmer_block_is_naked_and_resent_and_a_corrupted_reply_is_waited_out() {
    // From download mode: probe NOP (0), NOP (1), PARAM_REQ (2), programmer blocks from 3.
    for fault in [Fault::CorruptToDevice { nth: 5 }, Fault::CorruptToHost { nth: 8 }] {
        let update = update_for(&ZTE_MF626, 100_000);
        let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&ZTE_MF626), Default::default());
        sim.set_faults(FaultPlan::new().with(fault.clone()));
        let (result, _) = run(&sim, &update, Journal::default());
        result.unwrap_or_else(|f| panic!("{fault:?}: {f}"));
        assert_flash_is_package(&sim, &update);
    }
}

#[test]
fn a_job_stopped_while_the_programmer_runs_is_resumed_without_a_replug() {
    let update = update_for(&ALCATEL_X020, 200_000);
    let sim = Sim::new(&ALCATEL_X020);
    sim.set_faults(FaultPlan::new().with(Fault::NakBlock { partition: 2, block: 3, code: 0x07 }));
    let (result, events) = run(&sim, &update, Journal::default());
    assert_eq!(result.unwrap_err().next_step(), NextStep::Resume);
    // No replug: the programmer still runs, with 0:AMSS left open.
    let journal =
        events.iter().rev().find_map(|e| if let Event::Journal(j) = e { Some(j.clone()) } else { None }).unwrap();
    let (result, events) = run(&sim, &update, journal);
    let report = result.unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(report.written, ["0:AMSS"]);
    let logs: Vec<&str> =
        events.iter().filter_map(|e| if let Event::Log(_, m) = e { Some(m.as_str()) } else { None }).collect();
    assert!(logs.iter().any(|m| m.contains("already runs")), "{logs:?}");
    assert_flash_is_package(&sim, &update);
}

#[test]
fn a_late_dmss_ack_is_not_taken_for_the_parameter_reply() {
    // A programmer block's ACK held back 4.5 s (the stick's answers stay in order):
    // the upload gives up after its resends, and the job resumed at once meets the
    // late ACKs of those resends while it waits for PARAM_RESP.
    let update = update_for(&ZTE_MF626, 20_000);
    let sim = Sim::new(&ZTE_MF626);
    // Burst 23: two later than before the settings backup asked `+ZSNT?` and `+CLCK`.
    sim.set_faults(FaultPlan::new().with(Fault::DelayToHost { nth: 23, by: Duration::from_millis(4_500) }));
    let (result, events) = run(&sim, &update, Journal::default());
    let failure = result.unwrap_err();
    assert!(matches!(failure.error, FlashError::Dmss(_)), "{failure}");
    let journal = events
        .iter()
        .rev()
        .find_map(|e| if let Event::Journal(j) = e { Some(j.clone()) } else { None })
        .unwrap_or_default();
    let (result, events) = run(&sim, &update, journal);
    result.unwrap_or_else(|f| panic!("{f}"));
    let logs: Vec<&str> =
        events.iter().filter_map(|e| if let Event::Log(_, m) = e { Some(m.as_str()) } else { None }).collect();
    assert!(logs.iter().any(|m| m.contains("late ACK skipped")), "{logs:?}");
    assert_flash_is_package(&sim, &update);
}

#[test]
fn a_garbled_model_is_asked_again_and_a_lost_qcdmg_ok_does_not_stop_the_switch() {
    // Every answer of the AT phase in turn, garbled and then lost: a garbled +CGMM is
    // asked again instead of refusing the package as another model's, and a lost OK to
    // AT$QCDMG (the port speaks DIAG all the same) goes on to the 3A.
    let update = update_for(&ZTE_MF626, 20_000);
    for nth in 0..24 {
        for fault in [Fault::CorruptToHost { nth }, Fault::DropToHost { nth }] {
            let sim = Sim::new(&ZTE_MF626);
            sim.set_faults(FaultPlan::new().with(fault.clone()));
            let (result, _) = run(&sim, &update, Journal::default());
            if let Err(failure) = result {
                assert!(!matches!(failure.error, FlashError::WrongProduct(_)), "{fault:?}: {failure}");
                assert!(!matches!(failure.stage, Stage::EnterDownload), "{fault:?}: {failure}");
            }
        }
    }
}

#[test]
fn the_dmss_probe_accepts_the_download_port_and_not_the_at_port() {
    use modemflash_core::device::probe::PortProbe;
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&ZTE_MF626), Default::default());
    let mut download = sim.open_role(PortRole::Download).unwrap();
    assert!(block_on(PortProbe::Dmss.accepts(&mut download)).unwrap());
    let sim = Sim::new(&ZTE_MF626);
    let mut at = sim.open_role(PortRole::Pcui).unwrap();
    assert!(!block_on(PortProbe::Dmss.accepts(&mut at)).unwrap());
    assert!(block_on(PortProbe::At.accepts(&mut at)).unwrap(), "the AT port still answers AT after the probe");
}
