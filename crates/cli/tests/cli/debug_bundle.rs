//! The debug bundle `flash` leaves after a failure: beside the journal, its path printed,
//! with the protocol log, the checks and the failure, and the virtual stick's IMEI
//! hidden (core's `debug_bundle`).

use std::time::Duration;

use modemflash_sim::image::update::stick_update;
use modemflash_sim::profile::E3372H;
use modemflash_sim::Profile;

use crate::inspect::NEW_VERSION;
use crate::support::{arg, run, Running, TempDir, STARTUP};

#[test]
fn a_failed_update_leaves_a_bundle_beside_the_journal_without_the_imei() {
    let dir = TempDir::new("bundle-failed");
    let e8372 = Profile { dload_id: "CL1E8372HM", ..E3372H };
    let file = dir.write("e8372.bin", &stick_update(&e8372, NEW_VERSION, 200_000).build());
    let link = arg(&dir.join("modem")).to_string();
    let mut sim = Running::start(&["sim", "--pty", "--profile", "e3372h", "--link", &link]);
    sim.line(STARTUP);

    let journal = arg(&dir.join("journal.json")).to_string();
    let out = run(&["flash", "--port", &link, &file, "--yes", "--journal", &journal], Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    let path = dir.join("journal.debug-bundle.json");
    assert!(out.stderr.contains(&format!("debug bundle: {}", path.display())), "the path is printed:\n{}", out.stderr);

    let text = std::fs::read_to_string(&path).expect("the bundle was written");
    assert!(!text.contains(E3372H.imei), "the IMEI leaked:\n{text}");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let log: Vec<&str> = doc["log"].as_array().unwrap().iter().filter_map(|l| l.as_str()).collect();
    assert!(log.contains(&"> AT+CGSN"), "{log:?}");
    assert!(log.contains(&"< 86100000xxxxxxx"), "the IMEI's TAC and length stay: {log:?}");
    assert!(doc["failure"]["error"].as_str().unwrap().contains("does not fit the connected modem"), "{doc}");
    assert_eq!(doc["failure"]["device_state"], "Nothing was changed on the modem.");
    assert_eq!(doc["firmware"]["passed"], true);
    assert_eq!(doc["device"][0], serde_json::json!({"name": "port", "value": link}));
}
