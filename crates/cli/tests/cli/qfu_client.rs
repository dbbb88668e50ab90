//! Debian's `qmi-firmware-update` (libqmi-utils), the reference Linux QDL client, drives
//! the virtual MC7455 in boot-and-hold on a pty (scripts/qfu-download-sim, shared
//! TOOLCHAIN.md last section): the device side must satisfy a real client, with its
//! Sahara probe, exact reply sizes and one-read-per-frame reader (sierra-cwe-qdl.md §7.3,
//! §9). Needs root, `unshare` and the tool (scripts/test installs it: ensure_libqmi).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use nix::sys::signal::Signal;

use crate::support::{arg, run, Running, TempDir, STARTUP};

/// Sahara probe 5 s, then a few hundred kilobytes; slack for a busy machine.
const QFU: Duration = Duration::from_secs(90);

/// Normal boot after the reset, and three AT probes.
const BACK: Duration = Duration::from_secs(40);

#[test]
fn qmi_firmware_update_downloads_to_the_virtual_module() {
    let dir = TempDir::new("qfu-client");
    let file = dir.join("mc7455.spk");
    let written = run(
        &["sim", "--profile", "mc7455", "--write-update", arg(&file), "--firmware-version", "02.30.01.01"],
        STARTUP,
    );
    assert_eq!(written.status.code(), Some(0), "stderr: {}", written.stderr);
    let mut sim = Running::start(&["sim", "--pty", "--profile", "mc7455", "--start-in", "download"]);
    let pty = sim.line(STARTUP);
    assert!(pty.starts_with("/dev/"), "first line is the pty path, got {pty:?}");

    let script = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../scripts/qfu-download-sim");
    let work = dir.join("namespace");
    std::fs::create_dir_all(&work).unwrap();
    let out = Command::new("timeout")
        .arg(QFU.as_secs().to_string())
        .args(["unshare", "--mount", "bash"])
        .arg(&script)
        .args([pty.as_str(), arg(&file), arg(&work)])
        .output()
        .unwrap_or_else(|e| panic!("cannot run unshare ({e}): this test needs util-linux's unshare and root"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "qmi-firmware-update failed (needs root and libqmi-utils; scripts/test installs the tool):\n{stdout}\n{stderr}"
    );
    for expected in [
        "<< 7E:02:6A:D3:7E [5]",
        "qdl/sdp download finished",
        "rebooting in normal mode",
        "firmware update operation finished successfully",
    ] {
        assert!(stdout.contains(expected), "{expected:?} missing from:\n{stdout}");
    }

    // The module rebooted into normal mode with the new firmware.
    let normal = sim.line(BACK);
    assert!(normal.starts_with("/dev/"), "a new pty in normal mode, got {normal:?}");
    let identify = run(&["identify", "--port", &normal, "--json"], BACK);
    assert!(identify.status.success(), "identify failed: {}", identify.stderr);
    let doc: serde_json::Value = serde_json::from_str(&identify.stdout).expect("one JSON document");
    let revision = doc["revision"].as_str().expect("a revision");
    assert!(revision.starts_with("SWI9X30C_02.30.01.01 "), "{revision}");
    sim.signal(Signal::SIGTERM);
}
