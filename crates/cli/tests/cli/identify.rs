//! `identify` against `sim --pty`, and its failures.

use std::time::Duration;

use nix::sys::signal::Signal;

use crate::support::{run, temp_path, Running, STARTUP};

/// Three silent `AT` probes take 3 s; the rest is slack for a busy machine.
const IDENTIFY: Duration = Duration::from_secs(30);

#[test]
fn identifies_the_virtual_e3372h_on_a_pty() {
    let link = temp_path("e3372h");
    let link_arg = link.to_str().expect("temp paths are UTF-8");
    let mut sim = Running::start(&["sim", "--pty", "--profile", "e3372h", "--link", link_arg]);
    let pty = sim.line(STARTUP);
    assert!(pty.starts_with("/dev/"), "first line is the pty path, got {pty:?}");
    assert_eq!(std::fs::read_link(&link).expect("the link exists once the path is printed").to_str(), Some(&*pty));

    let json = run(&["identify", "--port", &pty, "--json"], IDENTIFY);
    assert!(json.status.success(), "identify --json failed: {}", json.stderr);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("one JSON document");
    assert_eq!(doc["manufacturer"], "huawei");
    assert_eq!(doc["model"], "E3372");
    assert_eq!(doc["revision"], "22.315.01.00.00");
    assert_eq!(doc["role"], "pcui");
    let imei = doc["imei"].as_str().expect("an IMEI");
    assert!(imei.ends_with("3453") && !imei.contains("861000000"), "IMEI is masked: {imei}");

    // Through the link, as a script would use it; the same pty serves a second client.
    let plain = run(&["identify", "--port", link_arg], IDENTIFY);
    assert!(plain.status.success(), "identify failed: {}", plain.stderr);
    for expected in ["huawei", "E3372", "22.315.01.00.00", "•••••••••••3453", "CL2E3372HM Ver.A", "AT command port"]
    {
        assert!(plain.stdout.contains(expected), "{expected:?} missing from:\n{}", plain.stdout);
    }
    assert!(!plain.stdout.contains("861000000123453"), "the full IMEI is shown only on request");

    sim.signal(Signal::SIGTERM);
    assert!(sim.exit_status(STARTUP).success(), "SIGTERM stops the sim cleanly");
    assert!(std::fs::symlink_metadata(&link).is_err(), "the link is removed on exit");
}

#[test]
fn diag_port_is_reported_as_silent_with_advice_to_choose_another_port() {
    let mut sim = Running::start(&["sim", "--pty", "--role", "diag"]);
    let pty = sim.line(STARTUP);
    let out = run(&["identify", "--port", &pty], IDENTIFY);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", out.stderr);
    assert!(out.stderr.contains("did not answer AT"), "stderr: {}", out.stderr);
    assert!(out.stderr.contains("next step: ") && out.stderr.contains("Choose another port"), "stderr: {}", out.stderr);
    assert!(out.stdout.is_empty());
    drop(sim);
}

#[test]
fn a_qualcomm_diag_port_is_recognised_by_the_dmss_probe() {
    let mut sim = Running::start(&["sim", "--pty", "--profile", "zte-mf626", "--role", "diag"]);
    let pty = sim.line(STARTUP);
    let out = run(&["identify", "--port", &pty], IDENTIFY);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", out.stderr);
    assert!(out.stdout.contains("Qualcomm diagnostic port (DIAG)"), "stdout: {}", out.stdout);
    drop(sim);
}

#[test]
fn missing_port_is_named_with_a_next_step() {
    let out = run(&["identify", "--port", "/nonexistent"], STARTUP);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("/nonexistent does not exist"), "stderr: {}", out.stderr);
    assert!(out.stderr.contains("next step: "), "stderr: {}", out.stderr);
}

#[test]
fn usage_errors_exit_with_status_2() {
    assert_eq!(run(&["identify"], STARTUP).status.code(), Some(2));
    assert_eq!(run(&["sim", "--pty", "--interface", "7"], STARTUP).status.code(), Some(2));
    assert_eq!(run(&["sim", "--bridge", "--role", "diag"], STARTUP).status.code(), Some(2));
}

#[test]
fn the_chipset_is_told_from_a_sierra_modules_build_string() {
    let mut sim = Running::start(&["sim", "--pty", "--profile", "mc7455"]);
    let pty = sim.line(STARTUP);
    let json = run(&["identify", "--port", &pty, "--json"], IDENTIFY);
    assert!(json.status.success(), "identify --json failed: {}", json.stderr);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("one JSON document");
    assert_eq!(doc["chipset"]["name"], "Qualcomm MDM9x30");
    assert_eq!(doc["chipset"]["from"], "build-string");
    let plain = run(&["identify", "--port", &pty], IDENTIFY);
    assert!(
        plain.stdout.contains("Chipset:       Qualcomm MDM9x30 (from the firmware's build string)"),
        "{}",
        plain.stdout
    );
    drop(sim);
}
