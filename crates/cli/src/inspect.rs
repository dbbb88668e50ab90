//! `modemflash inspect`: the partition map of a firmware file or folder and its
//! verification report (DESIGN.md "The CLI"), without touching any modem.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use modemflash_core::image::cwe::tree::CweNode;
use modemflash_core::image::{
    Check, Compression, FirmwareImage, Inspection, Layout, Outcome, Sha256Digest, VerificationReport,
};
use serde::Serialize;

use crate::firmware;
use crate::output::{self, grouped};

/// What to do about a file that fails verification.
pub const REFUSED_NEXT_STEP: &str =
    "Download the firmware again from the vendor (the checks marked ✗ say what is wrong), or choose the file made \
     for your modem.";

/// Arguments of `modemflash inspect`.
#[derive(Debug, Args)]
#[command(after_help = "Nothing is sent to any modem. Exit status: 0 every check passed (warnings allowed), 1 a check
failed (flash would refuse the file), 2 usage error or unreadable input.

Examples:
  modemflash inspect E3372h_Update_22.333.01.00.00.bin
  modemflash inspect update.exe --sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
  modemflash inspect ./split-firmware/ --json")]
pub struct InspectArgs {
    /// The firmware: a .bin file, an updater .exe, or a folder of partition images named
    /// like 00-00030000-Kernel.bin.
    #[arg(value_name = "FILE|FOLDER")]
    path: PathBuf,
    /// Print one JSON document on stdout instead of the map and the report.
    #[arg(long)]
    json: bool,
    /// The SHA-256 checksum published with the file (64 hex digits, spaces allowed);
    /// a different file fails the check.
    #[arg(long, value_name = "HEX")]
    sha256: Option<Sha256Digest>,
}

/// Runs `inspect`; the exit status follows the module's rules.
pub fn run(args: &InspectArgs) -> ExitCode {
    let firmware = match firmware::load(&args.path, args.sha256) {
        Ok(firmware) => firmware,
        Err(e) => return output::usage_error(&e, Some(e.next_step())),
    };
    let inspection = &firmware.inspection;
    if args.json {
        let document = Document::new(&args.path, inspection, &firmware.nested);
        println!("{}", serde_json::to_string_pretty(&document).expect("an inspection always serializes"));
    } else {
        print!("{}", Summary { path: &args.path, inspection, nested: &firmware.nested });
    }
    refusal(&inspection.report).map_or(ExitCode::SUCCESS, |reason| output::failure(reason, Some(REFUSED_NEXT_STEP)))
}

/// `None` when the file may be flashed; otherwise why not, in one line.
pub fn refusal(report: &VerificationReport) -> Option<String> {
    let failed: Vec<&str> = report.failures().map(|c| c.id).collect();
    match failed.len() {
        0 => None,
        1 => Some(format!("the firmware failed 1 check ({})", failed[0])),
        n => Some(format!("the firmware failed {n} checks ({})", failed.join(", "))),
    }
}

/// Whether a file may be flashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Verdict {
    /// Every check passed (warnings allowed).
    Pass,
    /// At least one check failed.
    Fail,
}

/// The `--json` document. Field names are stable: scripts depend on them (README.md).
#[derive(Debug, Serialize)]
struct Document<'a> {
    /// The path as given.
    file: String,
    image: &'a FirmwareImage,
    report: &'a VerificationReport,
    verdict: Verdict,
    /// A Sierra CWE file's nested images, in pre-order; absent for other families.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    nested: Vec<NestedImage>,
}

/// One image of a CWE tree in the `--json` document.
#[derive(Debug, Serialize)]
struct NestedImage {
    /// Position as `qmi-firmware-update` numbers it: `0.1.0`.
    id: String,
    /// Image type, e.g. `APPL`.
    #[serde(rename = "type")]
    image_type: String,
    /// Product type, e.g. `9X30`.
    product: String,
    /// Bytes after its header.
    size: u32,
    /// Version text.
    version: String,
    /// Release date text.
    date: String,
}

impl From<&CweNode> for NestedImage {
    fn from(node: &CweNode) -> Self {
        let h = &node.header;
        NestedImage {
            id: node.id(),
            image_type: h.type_text(),
            product: h.product_text(),
            size: h.image_sz,
            version: h.version_text(),
            date: h.date_text(),
        }
    }
}

impl<'a> Document<'a> {
    fn new(path: &Path, inspection: &'a Inspection, nested: &[CweNode]) -> Self {
        Document {
            nested: nested.iter().map(NestedImage::from).collect(),
            file: path.display().to_string(),
            image: &inspection.image,
            report: &inspection.report,
            verdict: if inspection.report.passed() { Verdict::Pass } else { Verdict::Fail },
        }
    }
}

/// The map and the report for people.
pub struct Summary<'a> {
    /// The path as given.
    pub path: &'a Path,
    /// What to show.
    pub inspection: &'a Inspection,
    /// A CWE file's nested images (empty for other families).
    pub nested: &'a [CweNode],
}

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let image = &self.inspection.image;
        let report = &self.inspection.report;
        writeln!(f, "File:       {} ({} bytes)", self.path.display(), grouped(image.size))?;
        writeln!(f, "Layout:     {}", layout(image))?;
        writeln!(f, "Target:     {}", target(image))?;
        writeln!(
            f,
            "SHA-256:    {}",
            image.sha256.map_or_else(|| "none (a folder has no single checksum)".into(), |d| d.to_string())
        )?;
        writeln!(f, "Signature:  {}", signature(image))?;
        if let Some(loader) = &image.loader {
            writeln!(
                f,
                "Programmer: {} ({} bytes), loaded at {:#010x}",
                loader.name,
                grouped(loader.size),
                loader.load_address
            )?;
        }
        writeln!(f)?;
        writeln!(f, "Partitions:")?;
        f.write_str(&partition_table(self.inspection))?;
        writeln!(f)?;
        if !self.nested.is_empty() {
            writeln!(f, "Nested images:")?;
            f.write_str(&image_tree(self.nested))?;
            writeln!(f)?;
        }
        writeln!(f, "Verification:")?;
        for check in report.checks() {
            writeln!(f, "  {} {}", mark(check.outcome), check.sentence)?;
        }
        writeln!(f)?;
        let warnings = report.warnings().count();
        let failures = report.failures().count();
        let checks = report.checks().len();
        if failures == 0 {
            writeln!(f, "Verdict:    pass: {checks} checks, {warnings} warning(s); the file can be flashed.")
        } else {
            writeln!(f, "Verdict:    fail: {failures} of {checks} checks failed; flashing would refuse this file.")
        }
    }
}

/// ✓ pass, ! warning, ✗ fail.
pub fn mark(outcome: Outcome) -> char {
    match outcome {
        Outcome::Pass => '✓',
        Outcome::Warn => '!',
        Outcome::Fail => '✗',
    }
}

fn layout(image: &FirmwareImage) -> String {
    match image.layout {
        Layout::File { starts_at: 0 } => "one firmware file".into(),
        Layout::File { starts_at } => format!("firmware inside an updater program, from byte {}", grouped(starts_at)),
        Layout::Folder => format!("a folder of {} partition images", image.partitions.len()),
    }
}

fn target(image: &FirmwareImage) -> String {
    let t = &image.target;
    let mut out = t.version.as_deref().map_or_else(|| "version not stated".to_string(), |v| format!("version {v}"));
    if let Some(product) = &t.product {
        let _ = write!(out, " for {product}");
    }
    if let Some(platform) = t.platform.as_deref().filter(|p| Some(*p) != t.product.as_deref()) {
        let _ = write!(out, " (platform {platform})");
    }
    if let Some(content) = &t.content {
        let _ = write!(out, "; {content}");
    }
    out
}

fn signature(image: &FirmwareImage) -> String {
    let Some(s) = &image.signature else {
        return "none: the modem checks no signature".into();
    };
    let partition = image.partitions.get(s.partition).map_or_else(|| s.partition.to_string(), |p| p.name.clone());
    let mut out = format!("{}-byte signature at the end of {partition}, key hash {}", grouped(s.length), s.key_hash);
    if let Some(announce) = &s.announce {
        let _ = write!(out, "; announced with {announce}");
    }
    out
}

/// The partition map as aligned columns.
fn partition_table(inspection: &Inspection) -> String {
    if inspection.image.partitions.is_empty() {
        return "  (none)\n".to_string();
    }
    let header = ["#", "Code", "Name", "Stored", "Flashed", "Packing", "Version", "Built", "CRC"];
    let dash = || "—".to_string();
    let rows: Vec<[String; 9]> = inspection
        .image
        .partitions
        .iter()
        .map(|p| {
            [
                p.index.to_string(),
                p.code.map_or_else(dash, |c| format!("{c:08x}")),
                p.name.clone(),
                grouped(p.stored_size),
                p.flashed_size.map_or_else(|| "unknown".into(), grouped),
                compression(p.compression).into(),
                p.version.clone().unwrap_or_else(dash),
                p.built.clone().unwrap_or_else(dash),
                crc_status(inspection.report.checks(), p.index).into(),
            ]
        })
        .collect();
    let width = |column: usize| {
        rows.iter().map(|r| r[column].chars().count()).chain([header[column].chars().count()]).max().unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    // Numbers align right, text left.
    let right = [true, false, false, true, true, false, false, false, false];
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        out.push(' ');
        for (i, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i] - cell.chars().count());
            if right[i] {
                let _ = write!(out, " {pad}{cell}");
            } else {
                let _ = write!(out, " {cell}{pad}");
            }
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        line(&row.each_ref().map(String::as_str));
    }
    out
}

/// A CWE file's images as an indented tree, one line each (specs/sierra-cwe-qdl.md §2.1):
/// id, type, product, size and version, indented two spaces per level.
fn image_tree(nodes: &[CweNode]) -> String {
    let id_width = nodes.iter().map(|n| 2 * n.depth() + n.id().len()).max().unwrap_or(0);
    let mut out = String::new();
    for node in nodes {
        let h = &node.header;
        let id = format!("{}{}", "  ".repeat(node.depth()), node.id());
        let _ = writeln!(
            out,
            "  {id:<id_width$}  {:<4}  {:<4}  {:>13} bytes  {}",
            h.type_text().escape_debug(),
            h.product_text().escape_debug(),
            grouped(u64::from(h.image_sz)),
            h.version_text().escape_debug()
        );
    }
    out
}

fn compression(c: Compression) -> &'static str {
    match c {
        Compression::None => "stored",
        Compression::Zlib => "zlib",
        Compression::Lzma => "LZMA",
    }
}

/// The partition's checksum verdict from its `header-crc` and `block-crc` checks.
fn crc_status(checks: &[Check], index: usize) -> &'static str {
    let mut crcs = checks.iter().filter(|c| c.partition == Some(index) && c.id.ends_with("crc")).peekable();
    if crcs.peek().is_none() {
        "none"
    } else if crcs.any(|c| c.outcome == Outcome::Fail) {
        "✗ bad"
    } else {
        "✓ ok"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_status_fails_on_any_failing_checksum_of_that_partition_only() {
        let checks = [
            Check::pass("header-crc", "fine").on_partition(0),
            Check::fail("block-crc", "broken").on_partition(0),
            Check::pass("block-crc", "fine").on_partition(1),
            Check::fail("size", "too big").on_partition(1),
            Check::fail("block-crc", "file-wide"),
        ];
        assert_eq!(crc_status(&checks, 0), "✗ bad");
        assert_eq!(crc_status(&checks, 1), "✓ ok");
        assert_eq!(crc_status(&checks, 2), "none");
    }

    #[test]
    fn refusal_names_every_failing_check() {
        let mut report = VerificationReport::new();
        report.push(Check::pass("sha256", "fine"));
        report.push(Check::warn("padding", "odd"));
        assert_eq!(refusal(&report), None);
        report.push(Check::fail("block-crc", "broken"));
        report.push(Check::fail("size", "short"));
        assert_eq!(refusal(&report).as_deref(), Some("the firmware failed 2 checks (block-crc, size)"));
    }
}
