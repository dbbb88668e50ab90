//! The whole job, planned before it starts: which partitions, how many bytes, which
//! stages; so progress and time estimates are honest (DESIGN.md "flasher").

use serde::Serialize;

use super::journal::Journal;
use super::stage::Stage;
use crate::device::catalogue::Mode;
use crate::image::{FirmwareImage, Inspection, Partition};

/// One partition to write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedPartition {
    /// Position in the image.
    pub index: usize,
    /// Partition code.
    pub code: u32,
    /// Display name.
    pub name: String,
    /// Bytes sent to the modem.
    pub size: u64,
    /// Already written by an earlier, interrupted run of the same job.
    pub already_written: bool,
}

/// The job's plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Partitions in flashing order.
    pub partitions: Vec<PlannedPartition>,
    /// Bytes that will be sent (partitions already written excluded).
    pub bytes_to_write: u64,
    /// The version the modem should report afterwards, if the image says and the whole
    /// image is written (a partial write, such as only the WebUI, keeps the firmware).
    pub expected_version: Option<String>,
    /// `AT^SIGNVER=…` for signed images.
    pub announce: Option<String>,
}

/// Why a job cannot be planned. Nothing has been sent to the modem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The image failed verification.
    #[error("the firmware file did not pass verification: {0}")]
    NotVerified(String),
    /// `--only` named partitions the image does not have.
    #[error("the firmware has no partition named {0}")]
    UnknownPartition(String),
    /// A partition's flashed size is unknown or does not fit the protocol's 32 bits.
    #[error("partition {0} cannot be sent: its size is unknown or too large")]
    Unsendable(String),
    /// Nothing left to write.
    #[error("there is nothing to write")]
    Empty,
}

impl PlanError {
    /// What to do next.
    pub fn next_step(&self) -> &'static str {
        match self {
            PlanError::NotVerified(_) => "Download the firmware again from the vendor, or choose another file.",
            PlanError::UnknownPartition(_) => "Use the partition names shown by the inspection of the file.",
            PlanError::Unsendable(_) => "The firmware file is damaged. Download it again, or choose another file.",
            PlanError::Empty => "Choose at least one partition to write.",
        }
    }
}

impl Plan {
    /// Plans writing `inspection`'s image, or only the partitions named in `only`
    /// (names or hex codes, case-insensitive), skipping what `journal` has finished.
    pub fn new(inspection: &Inspection, only: Option<&[String]>, journal: &Journal) -> Result<Plan, PlanError> {
        if !inspection.report.passed() {
            let reasons: Vec<_> = inspection.report.failures().map(|c| c.sentence.clone()).collect();
            return Err(PlanError::NotVerified(reasons.join(" ")));
        }
        let image = &inspection.image;
        if let Some(names) = only {
            if let Some(unknown) = names.iter().find(|n| !image.partitions.iter().any(|p| matches(p, n))) {
                return Err(PlanError::UnknownPartition(unknown.clone()));
            }
        }
        let mut partitions = Vec::new();
        for p in image.partitions.iter().filter(|p| only.is_none_or(|names| names.iter().any(|n| matches(p, n)))) {
            let (Some(code), Some(size)) = (p.code, p.flashed_size.filter(|s| *s > 0 && *s <= u64::from(u32::MAX)))
            else {
                return Err(PlanError::Unsendable(p.name.clone()));
            };
            let already_written = journal.is_finished(code);
            partitions.push(PlannedPartition { index: p.index, code, name: p.name.clone(), size, already_written });
        }
        if partitions.is_empty() {
            return Err(PlanError::Empty);
        }
        let bytes_to_write = partitions.iter().filter(|p| !p.already_written).map(|p| p.size).sum();
        Ok(Plan {
            partitions,
            bytes_to_write,
            expected_version: image.target.version.clone().filter(|_| only.is_none()),
            announce: image.signature.as_ref().and_then(|s| s.announce.clone()),
        })
    }

    /// Every stage a job with this plan walks through from normal mode, in order. A job
    /// that starts with the stick already in download mode begins at the handshake.
    pub fn stages(&self) -> Vec<Stage> {
        let of = self.partitions.len();
        let mut stages = vec![
            Stage::Identify,
            Stage::BackupSettings,
            Stage::EnterDownload,
            Stage::Reconnect { mode: Mode::Download },
            Stage::Handshake,
        ];
        stages.extend(self.partitions.iter().enumerate().map(|(index, p)| Stage::WritePartition {
            index,
            of,
            name: p.name.clone(),
        }));
        stages.extend([
            Stage::Reboot,
            Stage::Reconnect { mode: Mode::Normal },
            Stage::ConfirmVersion,
            Stage::RestoreSettings,
            Stage::Done,
        ]);
        stages
    }

    /// The journal key of `image`.
    pub fn journal_key(image: &FirmwareImage) -> String {
        match &image.sha256 {
            Some(sha) => sha.to_string(),
            None => {
                let codes: Vec<String> =
                    image.partitions.iter().filter_map(|p| p.code).map(|c| format!("{c:08x}")).collect();
                format!("{}:{}", image.size, codes.join(","))
            }
        }
    }
}

fn matches(p: &Partition, name: &str) -> bool {
    p.name.eq_ignore_ascii_case(name)
        || p.code.is_some_and(|c| {
            let hex = name.trim_start_matches("0x");
            u32::from_str_radix(hex, 16).is_ok_and(|n| n == c)
        })
}
