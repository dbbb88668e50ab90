//! `recover` against `sim --pty --start-in boot-rom` (specs/huawei-balong.md §14): a stock
//! loader refused without the explicit flag, taking the IMEI and calibration with it when
//! given the flag, a patched loader keeping them, and the normal update that follows.

use std::time::Duration;

use futures::executor::block_on;
use modemflash_core::image::{inspect, InspectOptions};
use modemflash_sim::image::expected::expected_flash;
use sha2::{Digest, Sha256};

use crate::inspect::{good_update, NEW_VERSION};
use crate::support::{arg, run, Running, TempDir, STARTUP};

/// Loader 4.5 KB + restart 2 s + the update of `flash` (see flash.rs), on a busy machine.
const RECOVER: Duration = Duration::from_secs(120);

const ERASED: &str = "NV area is erased";

/// The `flash …` lines `sim --pty` prints when it stops, for the update `file`: every
/// partition of the image, unpacked, and nothing else.
fn flash_report_of(file: &[u8]) -> Vec<String> {
    let inspection = block_on(inspect(&mut &file[..], &InspectOptions::default())).unwrap();
    let hex = |bytes: &[u8]| Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mut lines: Vec<String> = expected_flash(&inspection, file)
        .unwrap()
        .iter()
        .map(|(code, data)| format!("flash {code:08x} {} bytes sha256 {}", data.len(), hex(data)))
        .collect();
    lines.sort();
    lines
}

/// The `flash …` lines of a stopped sim's stderr.
fn flash_report(stderr: &str) -> Vec<String> {
    let mut lines: Vec<String> = stderr.lines().filter(|l| l.starts_with("flash ")).map(str::to_string).collect();
    lines.sort();
    lines
}

/// A stick stuck in its boot ROM on DIR/modem, and synthetic loaders beside it.
fn bricked_stick(dir: &TempDir) -> (Running, String) {
    let link = arg(&dir.join("modem")).to_string();
    let mut sim = Running::start(&["sim", "--pty", "--profile", "e3372h", "--link", &link, "--start-in", "boot-rom"]);
    assert!(sim.line(STARTUP).starts_with("/dev/"), "the boot ROM port's pty");
    (sim, link)
}

fn write_loader(dir: &TempDir, name: &str, patched: bool) -> String {
    let path = arg(&dir.join(name)).to_string();
    let mut args = vec!["sim", "--write-loader", &path];
    if patched {
        args.push("--patched");
    }
    assert!(run(&args, STARTUP).status.success());
    path
}

#[test]
fn a_stock_loader_is_refused_without_the_flag_and_nothing_is_sent() {
    let dir = TempDir::new("recover-refused");
    let (mut sim, link) = bricked_stick(&dir);
    let loader = write_loader(&dir, "usbloader-e3372h.bin", false);

    let out = run(&["recover", "--port", &link, "--loader", &loader], RECOVER);
    assert_eq!(out.status.code(), Some(1), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("ERASE THE WHOLE FLASH, including the IMEI"), "the loud warning:\n{}", out.stdout);
    assert!(out.stderr.contains("refused") && out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert!(out.stderr.contains("--erases-imei-and-calibration"), "the way out is named:\n{}", out.stderr);
    assert_eq!(sim.line_within(Duration::from_secs(2)), None, "no loader started: the stick stays in its boot ROM");
    let safe = write_loader(&dir, "usblsafe-e3372h.bin", true);
    let file = dir.write("update.bin", &good_update());
    let out = run(&["recover", "--port", &link, "--loader", &safe, &file], RECOVER);
    assert_eq!(out.status.code(), Some(2), "no terminal to confirm the update on, and no --yes:\n{}", out.stderr);
    assert_eq!(sim.line_within(Duration::from_secs(2)), None, "refused before the loader went out");
    let out = run(&["recover", "--port", &link, "--loader", &safe], RECOVER);
    assert_eq!(out.status.code(), Some(0), "the boot ROM is still waiting for a loader:\n{}", out.stderr);
    assert!(!sim.stop(STARTUP).contains(ERASED));
}

#[test]
fn with_the_flag_the_stock_loader_erases_the_imei_and_the_update_follows() {
    let dir = TempDir::new("recover-erasing");
    let (mut sim, link) = bricked_stick(&dir);
    let loader = write_loader(&dir, "usbloader-e3372h.bin", false);
    let file = dir.write("update.bin", &good_update());
    let bundle = arg(&dir.join("bundle.json")).to_string();

    let out = run(
        &[
            "recover",
            "--port",
            &link,
            "--loader",
            &loader,
            "--erases-imei-and-calibration",
            &file,
            "--yes",
            "--debug-bundle",
            &bundle,
        ],
        RECOVER,
    );
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("The boot ROM took raminit (1500 bytes)."), "{}", out.stdout);
    assert!(out.stdout.contains("The boot ROM took usbldr (3000 bytes)."), "{}", out.stdout);
    assert!(out.stdout.contains("The modem is in update mode"), "{}", out.stdout);
    assert!(out.stdout.contains(&format!("now runs firmware {NEW_VERSION}.")), "{}", out.stdout);
    assert!(
        out.stdout.contains("Written:   M3Boot-ptable, M3Boot, Kernel, VxWorks, Nvdload, WEBUI."),
        "{}",
        out.stdout
    );
    for mode in ["download", "normal"] {
        assert!(sim.line(STARTUP).starts_with("/dev/"), "a new pty in {mode} mode");
    }
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    assert!(doc["log"].as_array().is_some_and(|l| l.iter().any(|l| l == "» Done")), "{doc}");
    let stderr = sim.stop(STARTUP);
    assert!(stderr.contains(ERASED), "the stock loader erased the NV area:\n{stderr}");
    assert_eq!(flash_report(&stderr), flash_report_of(&good_update()), "the flash holds exactly the update");
}

#[test]
fn a_patched_loader_keeps_the_imei_and_says_what_to_run_next() {
    let dir = TempDir::new("recover-patched");
    let (mut sim, link) = bricked_stick(&dir);
    let loader = write_loader(&dir, "usblsafe-e3372h.bin", true);

    let out = run(&["recover", "--port", &link, "--loader", &loader], RECOVER);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("cannot check the patch"), "{}", out.stdout);
    assert!(out.stdout.contains("Next step: update it now"), "{}", out.stdout);
    assert!(out.stdout.contains(&format!("modemflash flash --port {link} FIRMWARE")), "{}", out.stdout);
    assert!(sim.line(STARTUP).starts_with("/dev/"), "back in download mode on a new pty");

    let file = dir.write("update.bin", &good_update());
    let flashed = run(&["flash", "--port", &link, &file, "--yes", "--journal", arg(&dir.join("j.json"))], RECOVER);
    assert_eq!(flashed.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", flashed.stdout, flashed.stderr);
    assert!(flashed.stdout.contains(&format!("now runs firmware {NEW_VERSION}.")), "{}", flashed.stdout);
    let stderr = sim.stop(STARTUP);
    assert!(!stderr.contains(ERASED), "a patched loader keeps the NV area:\n{stderr}");
    assert_eq!(flash_report(&stderr), flash_report_of(&good_update()), "the flash holds exactly the update");
}

#[test]
fn a_damaged_loader_and_a_normal_port_are_refused() {
    let dir = TempDir::new("recover-damaged");
    let damaged = dir.write("usblsafe.bin", b"\x00\x00\x03\x00 not a loader");
    let (_sim, link) = bricked_stick(&dir);
    let out = run(&["recover", "--port", &link, "--loader", &damaged], RECOVER);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(out.stdout.contains("✗ This is not a Balong boot loader"), "{}", out.stdout);
    assert!(out.stderr.contains("nothing was sent to the modem"), "{}", out.stderr);

    let normal = TempDir::new("recover-normal-port");
    let link = arg(&normal.join("modem")).to_string();
    let mut stick = Running::start(&["sim", "--pty", "--profile", "e3372h", "--link", &link]);
    stick.line(STARTUP);
    let loader = write_loader(&normal, "usblsafe-e3372h.bin", true);
    let out = run(&["recover", "--port", &link, "--loader", &loader], RECOVER);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("not a Balong boot ROM port"), "{}", out.stderr);
    assert!(out.stderr.contains("boot test point"), "{}", out.stderr);
}

#[test]
fn identify_names_a_boot_rom_port_and_the_recovery() {
    let dir = TempDir::new("recover-identify");
    let (_sim, link) = bricked_stick(&dir);
    let out = run(&["identify", "--port", &link], Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("a Huawei Balong boot ROM"), "{}", out.stdout);
    assert!(out.stdout.contains(&format!("modemflash recover --port {link} --loader")), "{}", out.stdout);
    let json = run(&["identify", "--port", &link, "--json"], Duration::from_secs(30));
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("one JSON document");
    assert_eq!(doc["mode"], "boot-rom");
    // Being asked AT, DIAG and `A` leaves it waiting for a loader all the same.
    let loader = write_loader(&dir, "usblsafe-e3372h.bin", true);
    assert!(run(&["recover", "--port", &link, "--loader", &loader], RECOVER).status.success());
}
