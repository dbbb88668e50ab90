//! `pack` builds a Qualcomm package from loose files; `inspect` reads and verifies it.

use modemflash_sim::image::qualcomm::stick_package;
use modemflash_sim::profile::ZTE_MF626;
use serde_json::Value;

use crate::support::{arg, run, TempDir, STARTUP};

#[test]
fn pack_builds_a_package_that_inspect_verifies() {
    let loose = TempDir::new("pack-loose");
    let package = stick_package(&ZTE_MF626, "BD_P673A2V1.0.1B02", 50_000);
    let mut files = Vec::new();
    for (name, bytes) in package.files.iter().filter(|(n, _)| n != "manifest.json") {
        files.push(loose.write(name, bytes));
    }
    let out_dir = TempDir::new("pack-out");
    let out = out_dir.join("MF626-pkg");
    let mut args = vec!["pack", "--out", arg(&out), "--model", "MF626", "--firmware-version", "BD_P673A2V1.0.1B02"];
    args.extend(files.iter().map(String::as_str));
    let packed = run(&args, STARTUP);
    assert_eq!(packed.status.code(), Some(0), "stdout: {}\nstderr: {}", packed.stdout, packed.stderr);
    assert!(packed.stdout.contains("Programmer: NPRG8200.hex"), "{}", packed.stdout);
    let manifest: Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["format"], "modemflash-qualcomm-package/1");
    assert_eq!(manifest["models"][0], "MF626");
    assert_eq!(manifest["files"].as_object().unwrap().len(), 5, "programmer, table and three images");

    let inspected = run(&["inspect", arg(&out), "--json"], STARTUP);
    assert_eq!(inspected.status.code(), Some(0), "stderr: {}", inspected.stderr);
    let doc: Value = serde_json::from_str(&inspected.stdout).unwrap();
    assert_eq!(doc["image"]["family"], "qualcomm-package");
    assert_eq!(doc["image"]["loader"]["load_address"], 0x0010_0000);
    let names: Vec<&str> =
        doc["image"]["partitions"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["0:QCSBL", "0:OEMSBL", "0:AMSS"]);

    // A file changed after packing fails its manifest checksum.
    std::fs::write(out.join("amss.mbn"), b"not the packed image").unwrap();
    let inspected = run(&["inspect", arg(&out)], STARTUP);
    assert_eq!(inspected.status.code(), Some(1));
    assert!(inspected.stdout.contains("does not match the checksum in manifest.json"), "{}", inspected.stdout);
}

#[test]
fn pack_refuses_files_that_are_not_package_files_and_an_occupied_folder() {
    let loose = TempDir::new("pack-bad");
    let readme = loose.write("README.txt", b"hello");
    let out = loose.join("out");
    let refused = run(&["pack", "--out", arg(&out), &readme], STARTUP);
    assert_eq!(refused.status.code(), Some(2));
    assert!(refused.stderr.contains("is not a package file"), "{}", refused.stderr);
    let table = loose.write("partition.mbn", b"x");
    let occupied = run(&["pack", "--out", arg(&loose.join("")), &table], STARTUP);
    assert_eq!(occupied.status.code(), Some(2));
    assert!(occupied.stderr.contains("not an empty folder"), "{}", occupied.stderr);
}

#[test]
fn inspect_reads_a_zipped_package() {
    let package = stick_package(&ZTE_MF626, "BD_P673A2V1.0.1B02", 50_000);
    let dir = TempDir::new("pack-zip");
    let file = dir.write("MF626.zip", &package.zip());
    let out = run(&["inspect", &file, "--json"], STARTUP);
    assert_eq!(out.status.code(), Some(0), "stdout: {}\nstderr: {}", out.stdout, out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["image"]["family"], "qualcomm-package");
    assert_eq!(doc["image"]["partitions"].as_array().unwrap().len(), 3);
    assert!(doc["image"]["sha256"].is_string(), "a zip is one file with one checksum");
}
