//! Qualcomm firmware packages (docs/qualcomm-package.md): there is no single vendor
//! container for Qualcomm-based HSPA sticks, so modemflash defines one — a folder or
//! `.zip` holding the streaming programmer (`NPRG*`/`ENPRG*`, raw or Intel HEX), the
//! partition table (`partition.mbn`, specs/qualcomm-dload.md §4.4) and one image per
//! partition (`qcsbl.mbn`, `oemsbl.mbn`, `amss.mbn`, …: `<name>.mbn` is written to the
//! table's `0:<NAME>`), optionally with a `manifest.json`.
//!
//! Verification: every file hashed; manifest hashes compared; the table parsed and
//! every image matched to a partition it fits; the programmer read and its load address
//! known for the chipset. Any failure blocks writing.

pub mod manifest;
pub mod programmer;
pub mod zip;

use crate::image::balong::fit::StickFacts;
use crate::image::folder::{listing, FolderFile};
use crate::image::report::{grouped, Check, VerificationReport};
use crate::image::selection::Piece;
use crate::image::source::{ByteSource, SourceError};
use crate::image::{
    Compression, Family, FirmwareImage, InspectOptions, Inspection, Layout, Loader, Partition, Sha256Digest, Span,
    TargetFacts,
};
use crate::protocol::streaming::PartitionTable;

pub use manifest::Manifest;
pub use zip::ZipMember;

/// File names the partition table goes by.
pub const TABLE_NAMES: &[&str] = &["partition.mbn", "partition.bin"];

/// File endings of partition images.
const IMAGE_ENDINGS: &[&str] = &[".mbn", ".bin", ".img"];

/// What a file of a package is, by its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// `manifest.json`.
    Manifest,
    /// `NPRG*` / `ENPRG*`.
    Programmer,
    /// `partition.mbn`.
    Table,
    /// An image for the table's partition of this name (`amss.mbn` → `0:AMSS`).
    Image(String),
    /// Not part of a package.
    Other,
}

/// The role of a file named `name`.
pub fn role(name: &str) -> Role {
    let lower = name.to_ascii_lowercase();
    if lower == manifest::MANIFEST_NAME {
        Role::Manifest
    } else if programmer::is_programmer_name(name) {
        Role::Programmer
    } else if TABLE_NAMES.contains(&lower.as_str()) {
        Role::Table
    } else if let Some(stem) = IMAGE_ENDINGS.iter().find_map(|e| lower.strip_suffix(e)) {
        Role::Image(format!("0:{}", stem.to_ascii_uppercase()))
    } else {
        Role::Other
    }
}

/// Whether a set of file names looks like a Qualcomm package (a programmer or a
/// partition table among them), so the caller picks this family over Balong's folder.
pub fn looks_like_package<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    names.into_iter().any(|n| matches!(role(n), Role::Programmer | Role::Table))
}

/// Whether the package fits the connected stick: its manifest names models, and one of
/// them is the stick's `+CGMM` (case-insensitive). Without a manifest the fit cannot
/// be confirmed (a warning, as for Balong images that name no hardware).
pub fn check_models(target: &TargetFacts, stick: &StickFacts<'_>) -> Check {
    let Some(models) = target.product.as_deref() else {
        return Check::warn(
            "fits-stick",
            format!(
                "The package does not say which models it is for, so it cannot be matched with the {}. Only \
                 flash it if it was made for this model.",
                stick.model
            ),
        );
    };
    if models.split(", ").any(|m| m.trim().eq_ignore_ascii_case(stick.model.trim())) {
        Check::pass("fits-stick", format!("The package is for {models}, which includes the connected {}.", stick.model))
    } else {
        Check::fail(
            "fits-stick",
            format!(
                "The package is for {models}, but the connected modem is a {}. Firmware for another model can \
                 leave a modem unusable: choose the package made for the {}.",
                stick.model, stick.model
            ),
        )
    }
}

/// Inspects a zipped package read in place (see [`zip`]): its entries as
/// [`inspect_package`] takes them (as [`Piece`]s, the type a folder's files are
/// inspected as too: one copy of the inspection in the page's wasm), whose positions
/// the inspection's sources refer to,
/// plus the zip's own SHA-256 compared with `options.expected_sha256`. A zip that cannot
/// be unpacked (a damaged directory, or an entry whose data or CRC-32 is damaged) gives
/// a report with one failing `zip` check and no entries.
pub async fn inspect_zip<S: ByteSource>(
    mut src: S,
    options: &InspectOptions,
) -> Result<(Inspection, Vec<FolderFile<Piece<S>>>), SourceError> {
    let size = src.len();
    let mut whole = VerificationReport::new();
    let sha256 = Sha256Digest::record(&mut src, options.expected_sha256.as_ref(), &mut whole).await?;
    let unpacked = match zip::members(src).await? {
        Ok(members) => {
            let mut files: Vec<FolderFile<Piece<S>>> =
                members.into_iter().map(|m| FolderFile { name: m.name, source: Piece::Zipped(m.source) }).collect();
            match inspect_package(&mut files).await {
                Ok(inspection) => Ok((inspection, files)),
                Err(e) => Err(files.iter().find_map(|f| f.source.damage().map(str::to_string)).ok_or(e)?),
            }
        }
        Err(reason) => Err(reason),
    };
    let (mut inspection, files) = unpacked.unwrap_or_else(|reason| {
        let mut report = VerificationReport::new();
        report.push(Check::fail("zip", format!("The package {reason}. Get the package again.")));
        let image = FirmwareImage {
            family: Family::QualcommPackage,
            layout: Layout::Folder,
            size,
            sha256: None,
            target: TargetFacts::default(),
            signature: None,
            partitions: Vec::new(),
            loader: None,
        };
        (Inspection { image, report }, Vec::new())
    });
    inspection.image.size = size;
    inspection.image.layout = Layout::File { starts_at: 0 };
    inspection.image.sha256 = Some(sha256);
    whole.checks().iter().for_each(|c| inspection.report.push(c.clone()));
    Ok((inspection, files))
}

/// Inspects a package given as its files (a folder, a multi-file selection, or the
/// entries of a zip). `Partition::source` and the loader's sources are positions in
/// `files`.
pub async fn inspect_package<S: ByteSource>(files: &mut [FolderFile<S>]) -> Result<Inspection, SourceError> {
    let mut report = VerificationReport::new();
    let mut digests = Vec::with_capacity(files.len());
    for file in files.iter_mut() {
        digests.push(Sha256Digest::of(&mut file.source).await?);
    }
    report.push(Check::pass("sha256", format!("Hashed all {} files of the package (SHA-256).", files.len())));
    let manifest = read_manifest(files, &mut report).await?;
    if let Some(m) = &manifest {
        check_hashes(files, &digests, m, &mut report);
    }
    let others: Vec<&str> = files.iter().filter(|f| role(&f.name) == Role::Other).map(|f| f.name.as_str()).collect();
    if !others.is_empty() {
        report.push(Check::warn(
            "file-name",
            format!("Not part of a package, so not used: {}.", listing(others.into_iter())),
        ));
    }
    let table = read_table(files, &mut report).await?;
    let partitions = match &table {
        Some((_, t)) => match_images(files, t, &mut report),
        None => Vec::new(),
    };
    let table_span = table.as_ref().map(|(p, _)| Span { source: *p, offset: 0, size: files[*p].source.len() });
    let loader = read_programmer(files, manifest.as_ref(), table_span, &mut report).await?;
    let target = TargetFacts {
        platform: None,
        product: manifest.as_ref().filter(|m| !m.models.is_empty()).map(|m| m.models.join(", ")),
        version: manifest.as_ref().and_then(|m| m.version.clone()),
        content: Some("programmer, partition table and partition images".into()),
    };
    let image = FirmwareImage {
        family: Family::QualcommPackage,
        layout: Layout::Folder,
        size: files.iter().map(|f| f.source.len()).sum(),
        sha256: None,
        target,
        signature: None,
        partitions,
        loader,
    };
    Ok(Inspection { image, report })
}

async fn read_manifest<S: ByteSource>(
    files: &mut [FolderFile<S>],
    report: &mut VerificationReport,
) -> Result<Option<Manifest>, SourceError> {
    let Some(file) = files.iter_mut().find(|f| role(&f.name) == Role::Manifest) else {
        report.push(Check::warn(
            "manifest",
            "The package has no manifest.json, so its files cannot be checked against published checksums \
             and the models it fits are not known. Build it with `modemflash pack` to add one.",
        ));
        return Ok(None);
    };
    if file.source.len() > manifest::MAX_MANIFEST {
        report
            .push(Check::fail("manifest", "manifest.json is too large to be a package manifest. Rebuild the package."));
        return Ok(None);
    }
    let mut text = vec![0; file.source.len() as usize];
    file.source.read_at(0, &mut text).await?;
    match Manifest::parse(&text) {
        Ok(m) => {
            report.push(Check::pass("manifest", "The package's manifest.json was read."));
            Ok(Some(m))
        }
        Err(reason) => {
            report.push(Check::fail(
                "manifest",
                format!("manifest.json cannot be read: {reason}. Rebuild the package with `modemflash pack`."),
            ));
            Ok(None)
        }
    }
}

fn check_hashes<S: ByteSource>(
    files: &[FolderFile<S>],
    digests: &[Sha256Digest],
    manifest: &Manifest,
    report: &mut VerificationReport,
) {
    let mut matched = 0;
    for (file, digest) in files.iter().zip(digests) {
        if role(&file.name) == Role::Manifest {
            continue;
        }
        match manifest.digest(&file.name) {
            Some(Ok(expected)) if expected == *digest => matched += 1,
            Some(Ok(_)) => report.push(Check::fail(
                "manifest-sha256",
                format!(
                    "{} does not match the checksum in manifest.json: the file was changed or damaged. \
                     Get the package again.",
                    file.name
                ),
            )),
            Some(Err(reason)) => report
                .push(Check::fail("manifest-sha256", format!("manifest.json's checksum of {}: {reason}", file.name))),
            None => report.push(Check::fail(
                "manifest-sha256",
                format!("{} is not listed in manifest.json: remove it, or rebuild the package.", file.name),
            )),
        }
    }
    for listed in manifest.files.keys().filter(|n| !files.iter().any(|f| &f.name == *n)) {
        report.push(Check::fail(
            "manifest-sha256",
            format!("manifest.json lists {listed}, but the package does not hold it. Get the complete package."),
        ));
    }
    if matched > 0 && report.failures().all(|c| c.id != "manifest-sha256") {
        report
            .push(Check::pass("manifest-sha256", format!("All {matched} files match the checksums in manifest.json.")));
    }
}

async fn read_table<S: ByteSource>(
    files: &mut [FolderFile<S>],
    report: &mut VerificationReport,
) -> Result<Option<(usize, PartitionTable)>, SourceError> {
    let positions: Vec<usize> = (0..files.len()).filter(|&i| role(&files[i].name) == Role::Table).collect();
    let &[position] = positions.as_slice() else {
        let sentence = if positions.is_empty() {
            "The package has no partition table (partition.mbn). Add the one from the modem's firmware.".to_string()
        } else {
            "The package holds more than one partition table (partition.mbn and partition.bin). Keep only one."
                .to_string()
        };
        report.push(Check::fail("partition-table", sentence));
        return Ok(None);
    };
    let file = &mut files[position];
    let len = file.source.len().min(crate::protocol::streaming::table::MAX_LEN as u64 + 1) as usize;
    let mut bytes = vec![0; len];
    file.source.read_at(0, &mut bytes).await?;
    if file.source.len() > crate::protocol::streaming::table::MAX_LEN as u64 {
        report.push(Check::fail(
            "partition-table",
            format!("{} is larger than 512 bytes, more than the programmer accepts.", file.name),
        ));
        return Ok(None);
    }
    match PartitionTable::parse(&bytes) {
        Ok(table) => {
            let names: Vec<&str> = table.entries.iter().map(|e| e.name.as_str()).collect();
            report.push(Check::pass(
                "partition-table",
                format!("{} lists {} partitions: {}.", file.name, names.len(), listing(names.into_iter())),
            ));
            Ok(Some((position, table)))
        }
        Err(e) => {
            report.push(Check::fail(
                "partition-table",
                format!("{}: {e}. Use the table from the modem's firmware.", file.name),
            ));
            Ok(None)
        }
    }
}

/// One partition per image file, in table order; every image must name a partition of
/// the table and fit it.
fn match_images<S: ByteSource>(
    files: &[FolderFile<S>],
    table: &PartitionTable,
    report: &mut VerificationReport,
) -> Vec<Partition> {
    let mut found: Vec<(usize, usize)> = Vec::new(); // (table index, file position)
    for (position, file) in files.iter().enumerate() {
        let Role::Image(name) = role(&file.name) else { continue };
        if file.source.len() == 0 {
            // Writing it would leave the partition erased.
            report.push(Check::fail(
                "partition-fit",
                format!("{} is empty, so partition {name} would be left erased. Get the package again.", file.name),
            ));
            continue;
        }
        match table.entry(&name) {
            Some((index, entry)) if entry.fits(file.source.len()) => {
                // In table order (inserted: no sort routine in the page's wasm).
                let at = found.partition_point(|f| *f < (index, position));
                found.insert(at, (index, position));
            }
            Some((_, entry)) => report.push(Check::fail(
                "partition-fit",
                format!(
                    "{} holds {} bytes, more than partition {name} ({} KiB). The image does not belong to this table.",
                    file.name,
                    grouped(file.source.len()),
                    entry.size_kib
                ),
            )),
            None => report.push(Check::fail(
                "partition-fit",
                format!(
                    "{} has no partition {name} in the partition table. Remove it or use the matching table.",
                    file.name
                ),
            )),
        }
    }
    if found.is_empty() {
        report.push(Check::fail("partition-fit", "The package holds no partition image (such as amss.mbn)."));
    } else {
        report.push(Check::pass(
            "partition-fit",
            format!("{} images, each matching a partition of the table it fits.", found.len()),
        ));
    }
    found
        .into_iter()
        .enumerate()
        .map(|(index, (table_index, position))| {
            let size = files[position].source.len();
            Partition {
                index,
                code: Some(table_index as u32),
                name: table.entries[table_index].name.clone(),
                source: position,
                offset: 0,
                stored_size: size,
                flashed_size: Some(size),
                compression: Compression::None,
                version: None,
                built: None,
            }
        })
        .collect()
}

async fn read_programmer<S: ByteSource>(
    files: &mut [FolderFile<S>],
    manifest: Option<&Manifest>,
    table: Option<Span>,
    report: &mut VerificationReport,
) -> Result<Option<Loader>, SourceError> {
    let positions: Vec<usize> = (0..files.len()).filter(|&i| role(&files[i].name) == Role::Programmer).collect();
    let &[position] = positions.as_slice() else {
        let sentence = if positions.is_empty() {
            "The package has no programmer (NPRG*.hex or ENPRG*.mbn). Add the one made for the modem's chipset."
        } else {
            "The package holds more than one programmer. Keep only the one made for the modem's chipset."
        };
        report.push(Check::fail("programmer", sentence));
        return Ok(None);
    };
    let file = &mut files[position];
    let programmer = match programmer::read(&file.name, &mut file.source).await {
        Ok(p) => p,
        Err(programmer::ProgrammerError::Source(e)) => return Err(e),
        Err(e) => {
            report.push(Check::fail("programmer", format!("{e}. Use the programmer from the modem's firmware.")));
            return Ok(None);
        }
    };
    let mut claims: Vec<(String, u32)> = Vec::new();
    if let Some(a) = programmer.hex_address {
        claims.push(("its Intel-HEX addresses".into(), a));
    }
    if let Some(a) = programmer.trailer_address {
        claims.push(("its qtools trailer".into(), a));
    }
    match manifest.and_then(Manifest::load_address) {
        Some(Ok(a)) => claims.push(("manifest.json".into(), a)),
        Some(Err(reason)) => report.push(Check::fail("load-address", format!("manifest.json: {reason}."))),
        None => {}
    }
    if let Some((kind, a)) = programmer::address_for_name(&file.name) {
        claims.push((format!("its name ({kind})"), a));
    }
    let Some((_, address)) = claims.first().cloned() else {
        report.push(Check::fail(
            "load-address",
            format!(
                "The load address of {} is not known: its name names no known chipset and the package does not \
                 say. Add \"load_address\" to manifest.json (`modemflash pack --load-address`).",
                file.name
            ),
        ));
        return Ok(None);
    };
    if let Some((who, other)) = claims.iter().find(|(_, a)| *a != address) {
        report.push(Check::fail(
            "load-address",
            format!(
                "{} names load address {address:#010x}, but {who} says {other:#010x}. Use a consistent package.",
                claims[0].0
            ),
        ));
        return Ok(None);
    }
    if !programmer::is_known_address(address) {
        report.push(Check::fail(
            "load-address",
            format!("{address:#010x} is not the load address of any known chipset's programmer. Check the package."),
        ));
        return Ok(None);
    }
    report.push(Check::pass(
        "load-address",
        format!("{}: {} bytes, loaded at {address:#010x}.", file.name, grouped(programmer.bytes.len() as u64)),
    ));
    Ok(table.map(|table| Loader {
        name: file.name.clone(),
        load_address: address,
        size: programmer.bytes.len() as u64,
        programmer: Span { source: position, offset: 0, size: file.source.len() },
        table,
    }))
}
