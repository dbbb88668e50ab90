//! `modemflash pack`: builds a Qualcomm firmware package (docs/qualcomm-package.md)
//! from the files of a QPST-era firmware: a folder with the programmer, the partition
//! table, the partition images and a `manifest.json` with every file's SHA-256, then
//! verifies it as `inspect` does.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use futures::executor::block_on;
use modemflash_core::image::file::FileSource;
use modemflash_core::image::qualcomm::manifest::{Manifest, FORMAT, MANIFEST_NAME};
use modemflash_core::image::qualcomm::{role, Role};
use modemflash_core::image::Sha256Digest;

use crate::{firmware, inspect, output};

/// Build a Qualcomm firmware package from its files.
#[derive(Debug, Args)]
#[command(after_help = "The package is a folder holding the programmer (NPRG*.hex, ENPRG*.mbn), the partition
table (partition.mbn), one image per partition (qcsbl.mbn, oemsbl.mbn, amss.mbn, …; <name>.mbn is
written to the table's partition 0:<NAME>) and manifest.json with the models it fits, the
programmer's load address and every file's SHA-256. See docs/qualcomm-package.md.

Exit status: 0 when the package was written and passes verification; 1 when it was written but
fails verification (the failures are printed); 2 for usage errors and unreadable files.

Examples:
  modemflash pack --out MF626-B09 --model MF626 --firmware-version BD_P673A2V1.0.0B09 \\
      NPRG8200.hex partition.mbn qcsbl.mbn oemsbl.mbn amss.mbn
  modemflash pack --out X020 --model X020 --load-address 0x00800000 prg.bin partition.mbn amss.mbn")]
pub struct PackArgs {
    /// The folder to write the package to (created; must not hold files already).
    #[arg(long, short, value_name = "FOLDER")]
    out: PathBuf,
    /// A model the package fits, as the modem reports it to AT+CGMM (repeat for more).
    #[arg(long = "model", value_name = "MODEL")]
    models: Vec<String>,
    /// The firmware version the package installs.
    #[arg(long, value_name = "VERSION")]
    firmware_version: Option<String>,
    /// The programmer's load address (hex), when its name or contents do not tell.
    #[arg(long, value_name = "0xADDRESS")]
    load_address: Option<String>,
    /// The files: programmer, partition table and partition images.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

/// Runs `pack`.
pub fn run(args: &PackArgs) -> ExitCode {
    match pack(args) {
        Ok(()) => {}
        Err((message, next)) => return output::usage_error(&message, Some(&next)),
    }
    println!("Wrote the package to {}.", args.out.display());
    let loaded = match firmware::load(&args.out, None) {
        Ok(firmware) => firmware,
        Err(e) => return output::usage_error(&e, Some(e.next_step())),
    };
    print!("{}", inspect::Summary { path: &args.out, inspection: &loaded.inspection, nested: &loaded.nested });
    match inspect::refusal(&loaded.inspection.report) {
        None => ExitCode::SUCCESS,
        Some(reason) => output::failure(reason, Some("Fix the files named above and pack again.")),
    }
}

fn pack(args: &PackArgs) -> Result<(), (String, String)> {
    let mut names = BTreeMap::new();
    for path in &args.files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if matches!(role(&name), Role::Other | Role::Manifest) {
            return Err((
                format!("{} is not a package file", path.display()),
                "Give the programmer (NPRG*/ENPRG*), partition.mbn and partition images (.mbn, .bin, .img).".into(),
            ));
        }
        if names.insert(name.clone(), path.clone()).is_some() {
            return Err((format!("two files are named {name}"), "Give each file once.".into()));
        }
    }
    if let Some(a) = &args.load_address {
        let hex = a.trim_start_matches("0x").trim_start_matches("0X");
        if u32::from_str_radix(hex, 16).is_err() {
            return Err((format!("{a} is not a hex address"), "Write it like 0x00100000.".into()));
        }
    }
    create_empty(&args.out)?;
    let mut files = BTreeMap::new();
    for (name, path) in &names {
        let digest = hash(path)?;
        fs::copy(path, args.out.join(name)).map_err(|e| (format!("cannot copy {}: {e}", path.display()), next_io()))?;
        files.insert(name.clone(), digest.to_string());
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        models: args.models.clone(),
        version: args.firmware_version.clone(),
        load_address: args.load_address.clone(),
        files,
    };
    fs::write(args.out.join(MANIFEST_NAME), manifest.to_json())
        .map_err(|e| (format!("cannot write {MANIFEST_NAME}: {e}"), next_io()))
}

fn create_empty(out: &Path) -> Result<(), (String, String)> {
    if out.exists() && fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err((
            format!("{} already exists and is not an empty folder", out.display()),
            "Choose a new folder for the package.".into(),
        ));
    }
    fs::create_dir_all(out).map_err(|e| (format!("cannot create {}: {e}", out.display()), next_io()))
}

fn hash(path: &Path) -> Result<Sha256Digest, (String, String)> {
    let mut source = FileSource::open(path).map_err(|e| (format!("cannot read {}: {e}", path.display()), next_io()))?;
    block_on(Sha256Digest::of(&mut source)).map_err(|e| (format!("cannot read {}: {e}", path.display()), next_io()))
}

fn next_io() -> String {
    "Check that the files are readable and the folder writable, then try again.".into()
}
