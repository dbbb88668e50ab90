//! Settings backup and restore against the virtual sticks: settings changed from the
//! factory's before an update read back identically (the very AT replies) after it, on a
//! stick with `^SYSCFGEX`, one with only `^SYSCFG` and a ZTE stick with `+ZSNT`; and a
//! restore reports what it could not set and why.

use futures::executor::block_on;
use modemflash_core::at::{AtClient, QUERY_TIMEOUT};
use modemflash_core::device::PortRole;
use modemflash_core::event::{Event, Silent};
use modemflash_core::flasher::{Failure, Flasher, Job, Journal, Report};
use modemflash_core::image::balong::inspect;
use modemflash_core::image::qualcomm::inspect_package;
use modemflash_core::image::{FolderFile, InspectOptions};
use modemflash_core::settings::{
    restore, ModeCommand, NetworkMode, Obstacle, PinCheck, Reading, RestoreOutcome, Setting, SettingsBackup,
};
use modemflash_sim::image::qualcomm::stick_package;
use modemflash_sim::image::update::stick_update;
use modemflash_sim::nv::SIM_PIN;
use modemflash_sim::profile::{ALCATEL_X020, E3131, E3372H, ZTE_MF626};
use modemflash_sim::{Fault, FaultPlan, Profile, Sim, SimConnector};

const NEW_VERSION: &str = "22.333.01.00.00";

/// Sends each command on the stick's AT port and returns every reply line, in order.
fn at_replies(sim: &Sim, commands: &[&str]) -> Vec<String> {
    let port = sim.open_role(PortRole::Pcui).unwrap();
    let mut at = AtClient::new(port, Silent);
    commands
        .iter()
        .flat_map(|c| {
            let r = block_on(at.exchange(c, QUERY_TIMEOUT)).unwrap();
            let mut lines = vec![format!("{c} →")];
            lines.extend(r.info);
            lines.push(r.result.to_string());
            lines
        })
        .collect()
}

/// Changes settings over AT, as a user's dashboard would; every command must be taken.
fn configure(sim: &Sim, commands: &[&str]) {
    for line in at_replies(sim, commands).iter().filter(|l| !l.ends_with('→') && !l.starts_with('+')) {
        assert_eq!(line, "OK", "{commands:?}");
    }
}

/// Runs an update of about `size` bytes, from normal mode or (with the usb id) from
/// download mode, with `journal` from an earlier run.
fn run_job(sim: &Sim, profile: &Profile, size: usize, journal: Journal) -> (Result<Report, Failure>, Vec<Event>) {
    let file = stick_update(profile, NEW_VERSION, size).build();
    let inspection = block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).unwrap();
    assert!(inspection.report.passed(), "{:?}", inspection.report);
    let usb = sim.usb_id().filter(|id| *id == profile.download_id);
    let port = sim.open_role(if usb.is_some() { PortRole::Download } else { PortRole::Pcui }).unwrap();
    let mut flasher = Flasher::new(SimConnector::new(sim.clone()), Vec::new()).with_wall_clock(1_764_084_211);
    let job = Job { inspection: &inspection, source: file.as_slice(), only: None, journal, usb };
    let result = block_on(flasher.run(port, job));
    (result, flasher.into_parts().1)
}

fn flash(sim: &Sim, profile: &Profile) -> (Report, Vec<Event>) {
    let (result, events) = run_job(sim, profile, 60_000, Journal::default());
    (result.unwrap_or_else(|f| panic!("{f}")), events)
}

/// Takes a backup of the stick as it is now.
fn back_up(sim: &Sim) -> SettingsBackup {
    let port = sim.open_role(PortRole::Pcui).unwrap();
    let mut at = AtClient::new(port, Silent);
    let identity = block_on(at.identify()).unwrap();
    block_on(SettingsBackup::read(&mut at, &identity, None)).unwrap()
}

fn restore_on(sim: &Sim, backup: &SettingsBackup) -> modemflash_core::settings::RestoreReport {
    let port = sim.open_role(PortRole::Pcui).unwrap();
    let mut at = AtClient::new(port, Silent);
    let imei = block_on(at.imei()).unwrap();
    block_on(restore(&mut at, backup, imei.as_deref())).unwrap()
}

const HUAWEI_QUERIES: &[&str] = &["AT+CGDCONT?", "AT^SYSCFGEX?", "AT+CLCK=\"SC\",2"];

#[test]
fn changed_settings_read_back_identically_after_an_update() {
    let sim = Sim::new(&E3372H);
    let factory = at_replies(&sim, HUAWEI_QUERIES);
    configure(
        &sim,
        &[
            "AT+CGDCONT=1,\"IP\",\"web.operator.example\"",
            "AT+CGDCONT=3,\"IPV4V6\",\"Corp.VPN\"",
            "AT^SYSCFGEX=\"0302\",3FFFFFFF,0,1,80800C5,,",
            &format!("AT+CLCK=\"SC\",1,\"{SIM_PIN}\""),
        ],
    );
    let before = at_replies(&sim, HUAWEI_QUERIES);
    assert_ne!(before, factory, "the settings differ from the factory's");

    let (report, events) = flash(&sim, &E3372H);
    assert_eq!(sim.inspect(|d| d.revision().to_string()), NEW_VERSION);
    assert_eq!(at_replies(&sim, HUAWEI_QUERIES), before, "every setting reads back as before the update");

    let backup = report.settings.as_ref().unwrap();
    assert_eq!(backup.taken_at.as_deref(), Some("2025-11-25T15:23:31Z"));
    assert_eq!(backup.device.firmware, "22.315.01.00.00");
    assert_eq!(backup.device.dashboard.as_deref(), Some("WEBUI_17.100.13.01.03_HILINK"));
    assert_eq!(backup.device.imei.as_deref(), Some("•••••••••••3453"));
    assert!(!backup.to_json().contains("861000000123453"), "the file never holds the IMEI");
    assert_eq!(backup.pin_check, Reading::Saved { value: PinCheck::On });
    assert!(events.iter().any(|e| matches!(e, Event::SettingsSaved(b) if &**b == backup)));

    let restore = report.restore.as_ref().unwrap();
    assert!(restore.same_device);
    assert!(events.iter().any(|e| matches!(e, Event::SettingsRestored(r) if r == restore)));
    assert_eq!(
        restore.outcome(&Setting::ApnProfile { cid: 3 }),
        Some(&RestoreOutcome::Restored { value: "IPV4V6 \"Corp.VPN\"".into() }),
        "the update cleared the profiles"
    );
    assert_eq!(
        restore.outcome(&Setting::NetworkMode),
        Some(&RestoreOutcome::Changed {
            was: "^SYSCFGEX \"00\",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF".into(),
            value: "^SYSCFGEX \"0302\",3FFFFFFF,0,1,80800C5".into(),
        }),
        "the update put the factory's network mode back"
    );
    assert_eq!(
        restore.outcome(&Setting::PinCheck),
        Some(&RestoreOutcome::Same { value: "PIN check on".into() }),
        "the PIN check lives on the SIM: the update left it"
    );
    assert_eq!(restore.could_not().count(), 0);
}

#[test]
fn a_job_resumed_in_update_mode_restores_the_settings_its_journal_kept() {
    let sim = Sim::new(&E3372H);
    configure(&sim, &["AT+CGDCONT=2,\"IP\",\"m2m.example\"", "AT^SYSCFGEX=\"03\",3FFFFFFF,0,2,80800C5,,"]);
    let before = at_replies(&sim, HUAWEI_QUERIES);
    sim.set_faults(
        FaultPlan::new().with(Fault::UnplugAtByte { bytes: 150_000, replug_after: std::time::Duration::from_secs(60) }),
    );
    let (result, events) = run_job(&sim, &E3372H, 300_000, Journal::default());
    assert!(result.is_err(), "the unplug stops the first run");
    let journal = events.iter().rev().find_map(|e| if let Event::Journal(j) = e { Some(j.clone()) } else { None });
    let journal = journal.unwrap();
    assert!(journal.settings.is_some(), "the journal keeps the whole backup");

    sim.wait(std::time::Duration::from_secs(61));
    assert_eq!(sim.usb_id(), Some(E3372H.download_id), "back in download mode: nothing to back up there");
    let (result, _) = run_job(&sim, &E3372H, 300_000, journal);
    let report = result.unwrap_or_else(|f| panic!("{f}"));
    assert!(!report.resumed.is_empty());
    assert_eq!(at_replies(&sim, HUAWEI_QUERIES), before, "the settings saved by the first run are back");
    assert!(matches!(report.restore.unwrap().outcome(&Setting::NetworkMode), Some(RestoreOutcome::Changed { .. })));
}

#[test]
fn a_stick_without_syscfgex_keeps_its_syscfg_preferences() {
    let sim = Sim::new(&E3131);
    configure(&sim, &["AT^SYSCFG=14,2,3FFFFFFF,0,1", "AT+CGDCONT=2,\"IP\",\"m2m.example\""]);
    let queries = ["AT+CGDCONT?", "AT^SYSCFG?", "AT^SYSCFGEX?"];
    let before = at_replies(&sim, &queries);
    assert!(before.last().unwrap().starts_with("COMMAND NOT SUPPORT"), "no ^SYSCFGEX on this stick: {before:?}");

    let (report, _) = flash(&sim, &E3131);
    assert_eq!(at_replies(&sim, &queries), before);
    let backup = report.settings.unwrap();
    assert_eq!(
        backup.network_mode,
        Reading::Saved {
            value: NetworkMode::SysCfg { mode: 14, acqorder: 2, band: "3FFFFFFF".into(), roam: 0, srvdomain: 1 }
        }
    );
    assert!(matches!(report.restore.unwrap().outcome(&Setting::NetworkMode), Some(RestoreOutcome::Changed { .. })));
}

#[test]
fn a_zte_stick_keeps_its_zsnt_mode_through_a_qualcomm_update() {
    let sim = Sim::new(&ZTE_MF626);
    configure(&sim, &["AT+ZSNT=2,0,2", "AT+CGDCONT=2,\"IP\",\"zte.example\""]);
    let queries = ["AT+CGDCONT?", "AT+ZSNT?", "AT+CLCK=\"SC\",2"];
    let before = at_replies(&sim, &queries);

    // The package laid end to end, as the flasher reads a folder.
    let package = stick_package(&ZTE_MF626, "BD_P673A2V1.0.1B02", 100_000);
    let mut files: Vec<FolderFile<Vec<u8>>> =
        package.files.iter().map(|(n, b)| FolderFile { name: n.clone(), source: b.clone() }).collect();
    let (chain, starts) = package.chain();
    let inspection = block_on(inspect_package(&mut files)).unwrap().chained(|i| starts[i]);
    let port = sim.open_role(PortRole::Pcui).unwrap();
    let mut flasher = Flasher::new(SimConnector::new(sim.clone()), Vec::new());
    let job =
        Job { inspection: &inspection, source: chain.as_slice(), only: None, journal: Journal::default(), usb: None };
    let report = block_on(flasher.run(port, job)).unwrap_or_else(|f| panic!("{f}"));

    assert_eq!(report.new_version, "BD_P673A2V1.0.1B02");
    assert_eq!(at_replies(&sim, &queries), before, "APNs, +ZSNT and the PIN check read back as before");
    let restore = report.restore.unwrap();
    assert_eq!(
        restore.outcome(&Setting::NetworkMode),
        Some(&RestoreOutcome::Changed { was: "+ZSNT 0,0,0".into(), value: "+ZSNT 2,0,2".into() })
    );
}

#[test]
fn a_zte_stick_gets_its_zsnt_mode_back_from_a_stand_alone_restore() {
    let sim = Sim::new(&ZTE_MF626);
    configure(&sim, &["AT+ZSNT=2,0,2", "AT+CGDCONT=1,\"IP\",\"zte.example\""]);
    let queries = ["AT+CGDCONT?", "AT+ZSNT?"];
    let before = at_replies(&sim, &queries);
    let backup = back_up(&sim);
    assert_eq!(backup.network_mode.value().map(NetworkMode::command), Some(ModeCommand::Zsnt));

    configure(&sim, &["AT+ZSNT=0,0,0", "AT+CGDCONT=1,\"IP\",\"other\"", "AT+CGDCONT=4,\"IP\",\"extra\""]);
    let report = restore_on(&sim, &backup);
    assert_eq!(at_replies(&sim, &queries), before);
    assert_eq!(
        report.outcome(&Setting::ApnProfile { cid: 1 }),
        Some(&RestoreOutcome::Changed { was: "IP \"other\"".into(), value: "IP \"zte.example\"".into() })
    );
    assert_eq!(
        report.outcome(&Setting::ApnProfile { cid: 4 }),
        Some(&RestoreOutcome::Removed { was: "IP \"extra\"".into() })
    );

    let again = restore_on(&sim, &backup);
    assert!(again.items.iter().all(|i| matches!(i.outcome, RestoreOutcome::Same { .. })), "{again:?}");
}

#[test]
fn a_restore_says_what_it_could_not_set_and_what_to_do() {
    let sim = Sim::new(&E3372H);
    configure(&sim, &[&format!("AT+CLCK=\"SC\",1,\"{SIM_PIN}\"")]);
    let backup = back_up(&sim);
    // The user turns the PIN check off afterwards; a restore must not send the PIN.
    configure(&sim, &[&format!("AT+CLCK=\"SC\",0,\"{SIM_PIN}\"")]);
    let report = restore_on(&sim, &backup);
    let item = report.items.iter().find(|i| i.setting == Setting::PinCheck).unwrap();
    assert_eq!(
        item.outcome,
        RestoreOutcome::CouldNot {
            value: "PIN check on".into(),
            obstacle: Obstacle::NeedsPin { wanted: PinCheck::On }
        }
    );
    assert!(item.to_string().contains("Turn the PIN check on in the modem's dashboard"), "{item}");
    assert_eq!(at_replies(&sim, &["AT+CLCK=\"SC\",2"])[1], "+CLCK: 0", "the lock was left alone");

    // The same backup on a 3G stick that has no ^SYSCFGEX: the mode cannot be set there.
    let other = Sim::new(&E3131);
    let report = restore_on(&other, &backup);
    assert!(!report.same_device);
    assert_eq!(
        report.outcome(&Setting::NetworkMode),
        Some(&RestoreOutcome::CouldNot {
            value: "^SYSCFGEX \"00\",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF".into(),
            obstacle: Obstacle::NotSupported { command: "AT^SYSCFGEX?".into() },
        })
    );
}

#[test]
fn what_a_stick_does_not_support_is_recorded_not_an_error() {
    let backup = back_up(&Sim::new(&ALCATEL_X020));
    assert_eq!(backup.apns().len(), 1);
    assert!(matches!(backup.network_mode, Reading::NotSupported { ref reason } if reason.contains("ALCATEL")));
    assert!(matches!(backup.pin_check, Reading::NotSupported { .. }), "no SIM in this stick");
    let json = backup.to_json();
    assert_eq!(SettingsBackup::from_json(&json).unwrap(), backup);
}
