//! `flash` against `sim --pty`: the whole job through two mode switches, a resume on a
//! stick left in update mode, and the refusals that happen before anything is sent.

use std::time::{Duration, Instant};

use modemflash_sim::image::update::stick_update;
use modemflash_sim::profile::E3372H;
use modemflash_sim::Profile;

use crate::inspect::{good_update, split_into, NEW_VERSION};
use crate::support::{arg, run, run_with_env, Running, TempDir, STARTUP};

/// GODLOAD shutdown 2 s + download boot 3 s + writing + reset 1 s + normal boot 8 s, on
/// a busy machine.
const FLASH: Duration = Duration::from_secs(90);

/// Three silent `AT` probes take 3 s; the rest is slack.
const IDENTIFY: Duration = Duration::from_secs(30);

/// Starts `sim --pty --link DIR/modem extra…` and returns it with the link and the
/// first pty path.
fn sim_on_link(dir: &TempDir, extra: &[&str]) -> (Running, String, String) {
    let link = arg(&dir.join("modem")).to_string();
    let mut args = vec!["sim", "--pty", "--profile", "e3372h", "--link", &link];
    args.extend_from_slice(extra);
    let mut sim = Running::start(&args);
    let first = sim.line(STARTUP);
    assert!(first.starts_with("/dev/"), "first line is the pty path, got {first:?}");
    (sim, link, first)
}

/// The files left in the state directory whose names start with `prefix`.
pub fn state_files(state: &std::path::Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(state.join("modemflash"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default()
}

/// The journal files left in the state directory.
fn journals(state: &std::path::Path) -> Vec<String> {
    state_files(state, "journal-")
}

#[test]
fn flashes_the_virtual_e3372h_through_both_mode_switches() {
    let dir = TempDir::new("flash-e3372h");
    let file = dir.write("update.bin", &good_update());
    let state = dir.join("state");
    let (mut sim, link, _) = sim_on_link(&dir, &[]);

    let started = Instant::now();
    let out = run_with_env(&["flash", "--port", &link, &file, "--yes"], &[("XDG_STATE_HOME", &state)], FLASH);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(&format!("now runs firmware {NEW_VERSION} (was 22.315.01.00.00)")), "{}", out.stdout);
    assert!(out.stdout.contains("APN profile 1: restored (IP \"internet\")"), "the APN came back:\n{}", out.stdout);
    for stage in ["» Waiting for the modem in update mode", "» Writing WEBUI (6 of 6)", "100% written", "» Done"] {
        assert!(out.stderr.contains(stage), "{stage:?} missing from the plain progress:\n{}", out.stderr);
    }
    // Download mode, then normal mode again: a new pty each time.
    for mode in ["download", "normal"] {
        let pty = sim.line(STARTUP);
        assert!(pty.starts_with("/dev/"), "a new pty path for {mode} mode, got {pty:?}");
    }
    assert!(journals(&state).is_empty(), "the journal is removed after success: {:?}", journals(&state));
    eprintln!("flash against sim --pty took {took:.1?}");
}

#[test]
fn resumes_on_a_stick_left_in_update_mode_from_its_journal() {
    let dir = TempDir::new("flash-resume");
    let file = dir.write("update.bin", &good_update());
    let doc: serde_json::Value =
        serde_json::from_str(&run(&["inspect", &file, "--json"], STARTUP).stdout).expect("one JSON document");
    let sha = doc["image"]["sha256"].as_str().expect("a checksum");
    // An earlier run wrote M3Boot-ptable and M3Boot before it was interrupted.
    let journal = dir.write("journal.json", format!(r#"{{"image":"{sha}","finished":[65536,131072]}}"#).as_bytes());
    let (mut sim, link, _) = sim_on_link(&dir, &["--start-in", "download"]);

    let out = run(&["flash", "--port", &link, &file, "--yes", "--journal", &journal], FLASH);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Resuming an interrupted update"), "{}", out.stdout);
    assert!(out.stdout.contains("written by the interrupted run; skipped"), "{}", out.stdout);
    assert!(out.stdout.contains(&format!("now runs firmware {NEW_VERSION}.")), "{}", out.stdout);
    assert!(out.stdout.contains("Resumed:   M3Boot-ptable, M3Boot"), "{}", out.stdout);
    assert!(sim.line(STARTUP).starts_with("/dev/"), "back in normal mode on a new pty");
    assert!(!dir.join("journal.json").exists(), "the journal is removed after success");
}

#[test]
fn a_split_folder_is_flashed_partition_by_partition() {
    let dir = TempDir::new("flash-folder");
    let folder = split_into(&dir, "split", &good_update());
    let journal = arg(&dir.join("journal.json")).to_string();
    let (_sim, link, _) = sim_on_link(&dir, &[]);

    let out = run(&["flash", "--port", &link, &folder, "--yes", "--journal", &journal], FLASH);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    // A folder names no version, so none is promised; the modem reports the one written.
    assert!(out.stdout.contains("the firmware names no version"), "{}", out.stdout);
    assert!(out.stdout.contains(&format!("now runs firmware {NEW_VERSION}")), "{}", out.stdout);
}

#[test]
fn without_a_terminal_and_without_yes_nothing_is_asked_or_sent() {
    let dir = TempDir::new("flash-no-tty");
    let file = dir.write("update.bin", &good_update());
    let out = run(&["flash", "--port", "/nonexistent", &file], STARTUP);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", out.stderr);
    assert!(out.stderr.contains("standard input is not a terminal") && out.stderr.contains("--yes"), "{}", out.stderr);
}

#[test]
fn a_damaged_file_is_refused_before_the_port_is_opened() {
    let dir = TempDir::new("flash-damaged");
    let built = stick_update(&E3372H, NEW_VERSION, 200_000).build_with_layout();
    let file = dir.write("update.bin", &built.with_flipped_bit(2, 10));
    // The port does not exist: the refusal comes first.
    let out = run(&["flash", "--port", "/nonexistent", &file, "--yes"], STARTUP);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", out.stderr);
    assert!(out.stderr.contains("block-crc") && out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert!(!out.stderr.contains("/nonexistent"), "the port was not opened: {}", out.stderr);
}

#[test]
fn firmware_for_another_stick_is_refused_and_the_stick_stays_in_normal_mode() {
    let dir = TempDir::new("flash-other-stick");
    let e8372 = Profile { dload_id: "CL1E8372HM", ..E3372H };
    let file = dir.write("e8372.bin", &stick_update(&e8372, NEW_VERSION, 200_000).build());
    let journal = arg(&dir.join("journal.json")).to_string();
    let (sim, link, _) = sim_on_link(&dir, &[]);

    let out = run(&["flash", "--port", &link, &file, "--yes", "--journal", &journal], FLASH);
    assert_eq!(out.status.code(), Some(1), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("does not fit the connected modem"), "{}", out.stderr);
    assert!(out.stderr.contains("next step: Nothing was changed on the modem."), "{}", out.stderr);
    assert!(!dir.join("journal.json").exists(), "nothing was written, so there is nothing to resume");

    // No mode switch: no new pty, and the stick still runs its old firmware.
    assert_eq!(sim.line_within(Duration::from_secs(3)), None, "the stick did not re-enumerate");
    let identified = run(&["identify", "--port", &link, "--json"], IDENTIFY);
    assert!(identified.status.success(), "{}", identified.stderr);
    assert!(identified.stdout.contains("\"revision\": \"22.315.01.00.00\""), "{}", identified.stdout);
}

#[test]
fn flashes_the_virtual_mc7455_over_qdl() {
    let dir = TempDir::new("flash-mc7455");
    let update = modemflash_sim::image::cwe::module_update(&modemflash_sim::profile::MC7455, "02.30.01.01", 1_500_000);
    let file = dir.write("update.spk", &update.build());
    let state = dir.join("state");
    let link = arg(&dir.join("modem")).to_string();
    let mut sim = Running::start(&["sim", "--pty", "--profile", "mc7455", "--link", &link]);
    assert!(sim.line(STARTUP).starts_with("/dev/"));

    let out = run_with_env(&["flash", "--port", &link, &file, "--yes"], &[("XDG_STATE_HOME", &state)], FLASH);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("now runs firmware SWI9X30C_02.30.01.01 "), "{}", out.stdout);
    assert!(out.stdout.contains("APN profile 1: restored (IPV4V6 \"internet\")"), "the APN came back:\n{}", out.stdout);
    for stage in ["» Waiting for the modem in update mode", "» Writing SPKG (1 of 1)", "100% written", "» Done"] {
        assert!(out.stderr.contains(stage), "{stage:?} missing from the plain progress:\n{}", out.stderr);
    }
    for mode in ["boot-and-hold", "normal"] {
        let pty = sim.line(STARTUP);
        assert!(pty.starts_with("/dev/"), "a new pty path in {mode} mode, got {pty:?}");
    }
}

#[test]
fn flashes_a_qualcomm_package_onto_the_virtual_zte_mf626() {
    let dir = TempDir::new("flash-mf626");
    let package = modemflash_sim::image::qualcomm::stick_package(
        &modemflash_sim::profile::ZTE_MF626,
        "BD_P673A2V1.0.1B02",
        200_000,
    );
    let folder = dir.join("MF626-pkg");
    std::fs::create_dir(&folder).unwrap();
    for (name, bytes) in &package.files {
        std::fs::write(folder.join(name), bytes).unwrap();
    }
    let link = arg(&dir.join("modem")).to_string();
    let mut sim = Running::start(&["sim", "--pty", "--profile", "zte-mf626", "--link", &link]);
    assert!(sim.line(STARTUP).starts_with("/dev/"));
    let state = dir.join("state");
    let out = run_with_env(&["flash", "--port", &link, arg(&folder), "--yes"], &[("XDG_STATE_HOME", &state)], FLASH);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("now runs firmware BD_P673A2V1.0.1B02"), "{}", out.stdout);
    assert!(out.stderr.contains("» Writing 0:AMSS (3 of 3)"), "{}", out.stderr);
}
