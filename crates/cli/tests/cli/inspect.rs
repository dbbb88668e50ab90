//! `inspect` on synthetic firmware: good, damaged, missing, and split into a folder.

use futures::executor::block_on;
use modemflash_core::image::balong::inspect;
use modemflash_core::image::FlashedReader;
use modemflash_core::image::InspectOptions;
use modemflash_sim::image::update::stick_update;
use modemflash_sim::profile::E3372H;
use serde_json::Value;

use crate::support::{arg, run, TempDir, STARTUP};

pub const NEW_VERSION: &str = "22.333.01.00.00";

/// A stick update for the virtual E3372h, about 200 kB flashed.
pub fn good_update() -> Vec<u8> {
    stick_update(&E3372H, NEW_VERSION, 200_000).build()
}

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("one JSON document ({e}):\n{stdout}"))
}

/// The ids of the checks that failed, from the JSON document.
fn failed_checks(doc: &Value) -> Vec<String> {
    let checks = doc["report"]["checks"].as_array().expect("a list of checks");
    checks.iter().filter(|c| c["outcome"] == "fail").map(|c| c["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_good_update_passes_with_six_partitions() {
    let dir = TempDir::new("inspect-good");
    let file = dir.write("update.bin", &good_update());

    let out = run(&["inspect", &file, "--json"], STARTUP);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", out.stderr);
    let doc = json_of(&out.stdout);
    assert_eq!(doc["file"], file.as_str());
    assert_eq!(doc["verdict"], "pass");
    assert_eq!(doc["report"]["passed"], true);
    assert_eq!(doc["image"]["target"]["version"], NEW_VERSION);
    let partitions = doc["image"]["partitions"].as_array().expect("partitions");
    let names: Vec<&str> = partitions.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["M3Boot-ptable", "M3Boot", "Kernel", "VxWorks", "Nvdload", "WEBUI"]);

    let text = run(&["inspect", &file], STARTUP);
    assert_eq!(text.status.code(), Some(0), "stderr: {}", text.stderr);
    for expected in
        ["00030000", "Kernel", "zlib", "LZMA", "✓ ok", "✓ The file is a Huawei Balong firmware file.", "pass"]
    {
        assert!(text.stdout.contains(expected), "{expected:?} missing from:\n{}", text.stdout);
    }
    let sha = doc["image"]["sha256"].as_str().expect("a checksum");
    assert!(text.stdout.contains(sha), "the SHA-256 is shown");
}

#[test]
fn output_piped_into_a_reader_that_stops_early_ends_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let dir = TempDir::new("inspect-pipe");
    let file = dir.write("update.bin", &good_update());
    let mut child = Command::new(env!("CARGO_BIN_EXE_modemflash"))
        .args(["inspect", &file, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // As `| head -c 0`: the reader is gone before the report is written.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    child.wait().expect("it ends");
    assert!(!stderr.contains("panicked"), "no panic on a closed pipe: {stderr}");
}

#[test]
fn a_truncated_update_fails_naming_the_check() {
    let dir = TempDir::new("inspect-truncated");
    let built = stick_update(&E3372H, NEW_VERSION, 200_000).build_with_layout();
    let file = dir.write("update.bin", &built.truncated(built.bytes.len() - 5_000));

    let out = run(&["inspect", &file, "--json"], STARTUP);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", out.stderr);
    let doc = json_of(&out.stdout);
    assert_eq!(doc["verdict"], "fail");
    let failed = failed_checks(&doc);
    assert!(failed.contains(&"size".to_string()), "{failed:?}");
    assert!(out.stderr.contains("error: the firmware failed") && out.stderr.contains("size"), "{}", out.stderr);
    assert!(out.stderr.contains("next step: "), "{}", out.stderr);
}

#[test]
fn a_flipped_bit_fails_the_block_checksum_and_marks_the_partition() {
    let dir = TempDir::new("inspect-flipped");
    let built = stick_update(&E3372H, NEW_VERSION, 200_000).build_with_layout();
    let file = dir.write("update.bin", &built.with_flipped_bit(1, 100));

    let out = run(&["inspect", &file], STARTUP);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", out.stderr);
    assert!(out.stdout.contains("✗ bad"), "the CRC column marks the partition:\n{}", out.stdout);
    assert!(out.stdout.contains("✗ Partition 1 (M3Boot)"), "{}", out.stdout);
    assert!(out.stderr.contains("block-crc"), "stderr: {}", out.stderr);

    let doc = json_of(&run(&["inspect", &file, "--json"], STARTUP).stdout);
    assert_eq!(failed_checks(&doc), ["block-crc"]);
}

#[test]
fn a_checksum_that_differs_fails_and_a_malformed_one_is_a_usage_error() {
    let dir = TempDir::new("inspect-sha");
    let file = dir.write("update.bin", &good_update());
    let zeros = "0".repeat(64);
    let out = run(&["inspect", &file, "--sha256", &zeros, "--json"], STARTUP);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(failed_checks(&json_of(&out.stdout)), ["expected-sha256"]);
    assert_eq!(run(&["inspect", &file, "--sha256", "abc"], STARTUP).status.code(), Some(2));
}

#[test]
fn missing_input_is_a_usage_error_with_a_next_step() {
    let out = run(&["inspect", "/nonexistent/update.bin"], STARTUP);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.contains("/nonexistent/update.bin does not exist"), "{}", out.stderr);
    assert!(out.stderr.contains("next step: "), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

/// Writes the update's partitions, unpacked, as a split folder (`NN-CCCCCCCC-Name.bin`).
pub fn split_into(dir: &TempDir, folder: &str, file: &[u8]) -> String {
    let inspection = block_on(inspect(&mut &file[..], &InspectOptions::default())).expect("readable");
    let path = dir.join(folder);
    std::fs::create_dir_all(&path).expect("the temp dir is writable");
    for p in &inspection.image.partitions {
        let mut reader = FlashedReader::new(p);
        let mut data = vec![0; p.flashed_size.expect("a good image") as usize];
        let mut filled = 0;
        while filled < data.len() {
            filled += block_on(reader.fill(&mut &file[..], &mut data[filled..])).expect("a good image");
        }
        let name = format!("{:02}-{:08X}-{}.bin", p.index, p.code.expect("Balong codes"), p.name);
        std::fs::write(path.join(name), data).expect("the temp dir is writable");
    }
    std::fs::write(path.join("README.txt"), "not a partition").expect("the temp dir is writable");
    arg(&path).to_string()
}

#[test]
fn a_split_folder_is_inspected_as_multi_file_firmware() {
    let dir = TempDir::new("inspect-folder");
    let folder = split_into(&dir, "split", &good_update());

    let out = run(&["inspect", &folder, "--json"], STARTUP);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", out.stderr);
    let doc = json_of(&out.stdout);
    assert_eq!(doc["image"]["layout"]["kind"], "folder");
    assert_eq!(doc["image"]["partitions"].as_array().map(Vec::len), Some(6));
    assert_eq!(doc["image"]["sha256"], Value::Null);
    let warned: Vec<&Value> =
        doc["report"]["checks"].as_array().unwrap().iter().filter(|c| c["outcome"] == "warn").collect();
    assert!(warned.iter().any(|c| c["sentence"].as_str().unwrap().contains("README.txt")), "{warned:?}");

    assert_eq!(run(&["inspect", &folder, "--sha256", &"0".repeat(64)], STARTUP).status.code(), Some(2));
}

#[test]
fn sim_writes_an_update_that_inspect_accepts() {
    let dir = TempDir::new("inspect-written");
    let path = dir.join("demo.bin");
    let out = run(&["sim", "--write-update", arg(&path), "--firmware-version", "22.400.01.00.00"], STARTUP);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", out.stderr);
    assert_eq!(out.stdout.trim(), arg(&path));
    let out = run(&["inspect", arg(&path), "--json"], STARTUP);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", out.stderr);
    assert_eq!(json_of(&out.stdout)["image"]["target"]["version"], "22.400.01.00.00");
}

#[test]
fn a_sierra_package_written_by_the_sim_passes_and_shows_its_nested_images() {
    let dir = TempDir::new("inspect-sierra");
    let file = dir.join("mc7455.spk");
    let written = run(&["sim", "--profile", "mc7455", "--write-update", arg(&file)], STARTUP);
    assert_eq!(written.status.code(), Some(0), "stderr: {}", written.stderr);

    let out = run(&["inspect", arg(&file), "--json"], STARTUP);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", out.stderr);
    let doc = json_of(&out.stdout);
    assert_eq!(doc["image"]["family"], "sierra-cwe");
    assert_eq!(doc["image"]["target"]["version"], "02.30.01.01");
    let nested: Vec<String> = doc["nested"]
        .as_array()
        .expect("the nested images")
        .iter()
        .map(|n| format!("{} {}", n["id"].as_str().unwrap(), n["type"].as_str().unwrap()))
        .collect();
    assert_eq!(nested, ["0 SPKG", "0.0 BOOT", "0.0.0 APBL", "0.1 APPL", "0.2 MODM"]);

    let text = run(&["inspect", arg(&file)], STARTUP);
    assert_eq!(text.status.code(), Some(0), "stderr: {}", text.stderr);
    for expected in ["Nested images:", "\n    0.0      BOOT  9X30", "\n      0.0.0  APBL", "53504b47", "✓ ok"] {
        assert!(text.stdout.contains(expected), "{expected:?} missing from:\n{}", text.stdout);
    }
}

#[test]
fn a_damaged_sierra_package_fails_naming_the_image() {
    let dir = TempDir::new("inspect-sierra-damaged");
    let mut bytes =
        modemflash_sim::image::cwe::module_update(&modemflash_sim::profile::MC7455, "02.30.01.01", 5000).build();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let file = dir.write("damaged.spk", &bytes);
    let out = run(&["inspect", &file], STARTUP);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.contains("✗ The data checksum of image 0.2 (MODM) is wrong"), "{}", out.stdout);
    assert!(out.stderr.contains("image-crc"), "{}", out.stderr);
}
