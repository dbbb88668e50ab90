//! `backup` and `restore` against `sim --pty`, and the settings file `flash` keeps: a
//! backup edited like another day's settings is restored item by item, read back the
//! same, survives an update, and an item that cannot be set is reported with its next
//! step.

use std::time::Duration;

use serde_json::Value;

use crate::flash::state_files;
use crate::inspect::good_update;
use crate::support::{arg, run, run_with_env, Running, TempDir, STARTUP};

/// Identification and a handful of queries; slack for a busy machine.
const SETTINGS: Duration = Duration::from_secs(30);

/// As `flash.rs`: two mode switches and the writing.
const FLASH: Duration = Duration::from_secs(90);

fn sim(dir: &TempDir) -> (Running, String) {
    let link = arg(&dir.join("modem")).to_string();
    let mut sim = Running::start(&["sim", "--pty", "--profile", "e3372h", "--link", &link]);
    assert!(sim.line(STARTUP).starts_with("/dev/"));
    (sim, link)
}

/// `backup LINK` to standard output, parsed.
fn backup(link: &str) -> Value {
    let out = run(&["backup", link], SETTINGS);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("one JSON document on stdout")
}

/// The saved settings, without when and from what firmware they were taken.
fn settings_of(doc: &Value) -> (Value, Value, Value) {
    (doc["apn_profiles"].clone(), doc["network_mode"].clone(), doc["pin_check"].clone())
}

#[test]
fn an_edited_backup_is_restored_read_back_and_kept_through_an_update() {
    let dir = TempDir::new("settings-round-trip");
    let (_sim, link) = sim(&dir);
    let file = arg(&dir.join("factory.json")).to_string();
    let out = run(&["backup", &link, "-o", &file], SETTINGS);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", out.stderr);
    assert!(out.stdout.contains("Network mode:  ^SYSCFGEX \"00\",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF"), "{}", out.stdout);
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc["format"], "modemflash-settings/1");
    assert_eq!(doc["device"]["imei"], "•••••••••••3453");
    assert!(!doc.to_string().contains("861000000123453"), "the file holds no IMEI");

    // Another day's settings: a second APN, LTE first, fewer LTE bands.
    doc["apn_profiles"]["value"].as_array_mut().unwrap().push(serde_json::json!(
        { "cid": 3, "pdp_type": "IPV4V6", "apn": "corp.example" }
    ));
    doc["network_mode"]["value"]["^SYSCFGEX"]["acqorder"] = "0302".into();
    doc["network_mode"]["value"]["^SYSCFGEX"]["lteband"] = "80800C5".into();
    let custom = dir.write("custom.json", doc.to_string().as_bytes());
    let out = run(&["restore", &link, &custom], SETTINGS);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    for line in [
        "APN profile 1: already the same (IP \"internet\")",
        "APN profile 3: restored (IPV4V6 \"corp.example\")",
        "Network mode: was ^SYSCFGEX \"00\",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF, set to ^SYSCFGEX \"0302\",3FFFFFFF,1,2,80800C5",
        "PIN check: already the same (PIN check off)",
    ] {
        assert!(out.stdout.contains(line), "{line:?} missing from:\n{}", out.stdout);
    }
    let before = settings_of(&backup(&link));
    assert_eq!(before, settings_of(&doc), "the modem reads back what the file says");

    let update = dir.write("update.bin", &good_update());
    let state = dir.join("state");
    let out = run_with_env(&["flash", "--port", &link, &update, "--yes"], &[("XDG_STATE_HOME", &state)], FLASH);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("APN profile 3: restored (IPV4V6 \"corp.example\")"), "{}", out.stdout);
    assert!(
        out.stdout.contains("Network mode: was ^SYSCFGEX \"00\",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF, set to"),
        "the update reset the mode, the job set it back:\n{}",
        out.stdout
    );
    let saved = state_files(&state, "settings-");
    assert_eq!(saved.len(), 1, "one settings file next to the journal: {saved:?}");
    let saved_path = state.join("modemflash").join(&saved[0]);
    assert!(out.stderr.contains(&format!("Settings saved: {}", saved_path.display())), "{}", out.stderr);
    let kept: Value = serde_json::from_str(&std::fs::read_to_string(&saved_path).unwrap()).unwrap();
    assert_eq!(settings_of(&kept), before);
    assert_eq!(settings_of(&backup(&link)), before, "after the update the modem reads back as before");
}

#[test]
fn a_pin_check_that_differs_is_reported_not_switched() {
    let dir = TempDir::new("settings-pin");
    let (_sim, link) = sim(&dir);
    let mut doc = backup(&link);
    doc["pin_check"]["value"] = "on".into();
    let file = dir.write("pin-on.json", doc.to_string().as_bytes());
    let out = run(&["restore", &link, &file], SETTINGS);
    assert_eq!(out.status.code(), Some(1), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "PIN check: could not restore PIN check on: switching the PIN check needs the SIM's PIN, which \
             modemflash never sends. Turn the PIN check on in the modem's dashboard or in a phone"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("1 setting(s) could not be restored") && out.stderr.contains("next step:"));
    assert_eq!(backup(&link)["pin_check"]["value"], "off", "the lock was left alone");
}

#[test]
fn a_file_that_is_not_a_backup_is_refused_before_the_port_is_opened() {
    let dir = TempDir::new("settings-not-a-backup");
    let file = dir.write("journal.json", br#"{"image":"abc","finished":[]}"#);
    let out = run(&["restore", "/nonexistent", &file], STARTUP);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", out.stderr);
    assert!(out.stderr.contains("is not a modemflash settings backup"), "{}", out.stderr);
    assert!(!out.stderr.contains("/nonexistent"), "the port was not opened: {}", out.stderr);
}
