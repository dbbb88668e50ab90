//! Synthetic Qualcomm packages (docs/qualcomm-package.md): an Intel-HEX programmer for
//! the profile's load address, `partition.mbn` (specs/qualcomm-dload.md §4.4), the
//! partition images and `manifest.json` with every file's SHA-256. Built from the specs
//! alone; no vendor file is used.

use std::collections::BTreeMap;

use modemflash_core::image::qualcomm::manifest::{Manifest, FORMAT, MANIFEST_NAME};
use modemflash_core::image::qualcomm::programmer::LOAD_ADDRESSES;
use modemflash_core::protocol::streaming::{PartitionEntry, PartitionTable};
use sha2::{Digest, Sha256};

use super::update::{firmware_bytes, seed};
use crate::dongle::VERSION_MARKER;
use crate::profile::{BootLoader, Profile};

/// Partitions of the package: table name, image file, share of the size, capacity in KiB.
const IMAGES: &[(&str, &str, usize, u32)] =
    &[("0:QCSBL", "qcsbl.mbn", 1, 1024), ("0:OEMSBL", "oemsbl.mbn", 3, 4096), ("0:AMSS", "amss.mbn", 60, u32::MAX)];

/// The image that carries the version marker.
pub const VERSION_IMAGE: &str = "amss.mbn";

/// A package as named files, in the order a folder listing gives them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QualcommPackage {
    /// `(file name, bytes)`, sorted by name.
    pub files: Vec<(String, Vec<u8>)>,
}

impl QualcommPackage {
    /// The bytes of file `name`.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.iter().find(|(n, _)| n == name).map(|(_, b)| b.as_slice())
    }

    /// The files laid end to end, as a flasher reads a package folder, and where each
    /// file starts in that chain (for `Inspection::chained`).
    pub fn chain(&self) -> (Vec<u8>, Vec<u64>) {
        let mut bytes = Vec::new();
        let mut starts = Vec::with_capacity(self.files.len());
        for (_, b) in &self.files {
            starts.push(bytes.len() as u64);
            bytes.extend_from_slice(b);
        }
        (bytes, starts)
    }

    /// Replaces (or adds) file `name`, keeping the listing sorted; the manifest is not
    /// updated, as when a file is swapped by hand.
    pub fn with_file(mut self, name: &str, bytes: Vec<u8>) -> Self {
        self.files.retain(|(n, _)| n != name);
        self.files.push((name.to_string(), bytes));
        self.files.sort();
        self
    }

    /// Removes file `name`.
    pub fn without(mut self, name: &str) -> Self {
        self.files.retain(|(n, _)| n != name);
        self
    }

    /// The package with its manifest rewritten to `change`d content and every file's
    /// current SHA-256, as `modemflash pack` would write it.
    pub fn resealed(self, change: impl FnOnce(&mut Manifest)) -> Self {
        let text = self.file(MANIFEST_NAME).expect("a built package has a manifest");
        let mut manifest = Manifest::parse(text).expect("a built package's manifest reads");
        change(&mut manifest);
        manifest.files = self
            .files
            .iter()
            .filter(|(n, _)| n != MANIFEST_NAME)
            .map(|(n, b)| (n.clone(), hex(&Sha256::digest(b))))
            .collect();
        self.with_file(MANIFEST_NAME, manifest.to_json().into_bytes())
    }

    /// The package as one `.zip` file (deflated entries, no folder inside).
    pub fn zip(&self) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in &self.files {
            zip.start_file(name.as_str(), options).expect("writing to memory");
            zip.write_all(bytes).expect("writing to memory");
        }
        zip.finish().expect("writing to memory").into_inner()
    }
}

/// A package of firmware `version` for sticks of `profile` (a Qualcomm profile), about
/// `size` bytes of partition images.
pub fn stick_package(profile: &Profile, version: &str, size: usize) -> QualcommPackage {
    let BootLoader::Qualcomm(boot) = profile.boot_loader else { panic!("{} is not a Qualcomm profile", profile.name) };
    let kind = LOAD_ADDRESSES
        .iter()
        .find(|(name, a)| *a == boot.load_address && !name.starts_with('E'))
        .map_or("NPRG", |(name, _)| name)
        .replace('X', "x");
    let mut files = vec![
        (format!("{kind}.hex"), programmer_hex(boot.load_address, &firmware_bytes(48 * 1024 + 100, seed("prg", 0)))),
        ("partition.mbn".to_string(), table().encode()),
    ];
    let weights: usize = IMAGES.iter().map(|i| i.2).sum();
    for (i, &(_, file, weight, _)) in IMAGES.iter().enumerate() {
        let len = (size * weight / weights).max(64);
        let mut data = firmware_bytes(len, seed(version, i));
        if file == VERSION_IMAGE {
            let mut marker = VERSION_MARKER.to_vec();
            marker.extend_from_slice(version.as_bytes());
            marker.push(0);
            data.splice(len / 3..len / 3, marker);
        }
        files.push((file.to_string(), data));
    }
    let manifest = Manifest {
        format: FORMAT.to_string(),
        models: vec![profile.model.to_string()],
        version: Some(version.to_string()),
        load_address: Some(format!("{:#010x}", boot.load_address)),
        files: files.iter().map(|(n, b)| (n.clone(), hex(&Sha256::digest(b)))).collect::<BTreeMap<_, _>>(),
    };
    files.push((MANIFEST_NAME.to_string(), manifest.to_json().into_bytes()));
    files.sort();
    QualcommPackage { files }
}

/// The package's partition table.
pub fn table() -> PartitionTable {
    PartitionTable {
        entries: IMAGES
            .iter()
            .map(|&(name, _, _, size_kib)| PartitionEntry {
                name: name.to_string(),
                size_kib,
                pad_kib: 0,
                which_flash: 0,
                attributes: [0xFF, 1, 0, 0],
            })
            .collect(),
    }
}

/// Intel HEX (I32HEX, 16-byte records) of `bytes` loaded at `address`.
pub fn programmer_hex(address: u32, bytes: &[u8]) -> Vec<u8> {
    let mut records = Vec::new();
    let mut upper = None;
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let at = address + (i * 16) as u32;
        if upper != Some(at >> 16) {
            upper = Some(at >> 16);
            records.push(ihex::Record::ExtendedLinearAddress((at >> 16) as u16));
        }
        records.push(ihex::Record::Data { offset: at as u16, value: chunk.to_vec() });
    }
    records.push(ihex::Record::EndOfFile);
    ihex::create_object_file_representation(&records).expect("records are well-formed").into_bytes()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
