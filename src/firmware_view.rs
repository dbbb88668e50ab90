//! The firmware step as the page shows it: what the file holds and every check made on
//! it, from an [`Inspection`]. Pure and native-tested.

use modemflash_core::image::{Compression, Inspection, Outcome};

use crate::job_view::human_bytes;

/// The firmware step's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum FirmwareState {
    /// No file chosen yet.
    #[default]
    None,
    /// Reading and checking the file.
    Verifying {
        /// File name.
        name: String,
    },
    /// Checked: see the view for the verdict.
    Checked {
        /// What the file holds and every check.
        view: FirmwareView,
        /// How long verification took, in ms.
        ms: f64,
        /// The wasm memory afterwards (its peak, since it never shrinks).
        wasm_bytes: u64,
    },
    /// The file could not be read at all.
    Unreadable {
        /// File name.
        name: String,
        /// What went wrong.
        error: String,
        /// What to do.
        next_step: String,
    },
}

impl FirmwareState {
    /// The checked file, when it passed every check.
    pub fn verified(&self) -> Option<&FirmwareView> {
        match self {
            FirmwareState::Checked { view, .. } if view.passed => Some(view),
            _ => None,
        }
    }
}

/// One row of the checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckRow {
    /// Pass, warn or fail.
    pub outcome: Outcome,
    /// The sentence.
    pub sentence: String,
}

/// One row of the partition table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionRow {
    /// Name.
    pub name: String,
    /// Code in hex.
    pub code: String,
    /// Bytes sent to the modem, in words.
    pub size: String,
    /// Bytes sent to the modem (0 when unknown: the plan refuses such a partition).
    pub bytes: u64,
    /// Stored packing, in words.
    pub packing: &'static str,
}

/// The verified (or refused) file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirmwareView {
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 in hex, when computed.
    pub sha256: Option<String>,
    /// The version it installs.
    pub version: Option<String>,
    /// Whether it needs a signature check by the modem.
    pub signed: bool,
    /// Every check; failures first so the reason is seen.
    pub checks: Vec<CheckRow>,
    /// The partitions.
    pub partitions: Vec<PartitionRow>,
    /// True when nothing failed: the only state in which flashing is offered.
    pub passed: bool,
}

impl FirmwareView {
    /// Builds the view of `inspection` of the file `name`.
    pub fn new(name: &str, inspection: &Inspection) -> Self {
        let image = &inspection.image;
        let mut checks: Vec<CheckRow> = inspection
            .report
            .checks()
            .iter()
            .map(|c| CheckRow { outcome: c.outcome, sentence: c.sentence.clone() })
            .collect();
        checks.sort_by_key(|c| match c.outcome {
            Outcome::Fail => 0,
            Outcome::Warn => 1,
            Outcome::Pass => 2,
        });
        FirmwareView {
            name: name.to_string(),
            bytes: image.size,
            sha256: image.sha256.as_ref().map(ToString::to_string),
            version: image.target.version.clone(),
            signed: image.signature.is_some(),
            checks,
            partitions: image
                .partitions
                .iter()
                .map(|p| PartitionRow {
                    name: p.name.clone(),
                    code: p.code.map(|c| format!("{c:08x}")).unwrap_or_default(),
                    size: p.flashed_size.map(human_bytes).unwrap_or_else(|| "unknown".into()),
                    bytes: p.flashed_size.unwrap_or(0),
                    packing: match p.compression {
                        Compression::None => "stored",
                        Compression::Zlib => "zlib",
                        Compression::Lzma => "LZMA",
                    },
                })
                .collect(),
            passed: inspection.report.passed(),
        }
    }

    /// Why flashing is not offered, when it is not: how many checks failed
    /// (the page says it with `firmware.blocker`).
    pub fn blocker(&self) -> Option<usize> {
        (!self.passed).then(|| self.checks.iter().filter(|c| c.outcome == Outcome::Fail).count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use modemflash_core::image::{inspect, InspectOptions};
    use modemflash_sim::image::update::stick_update;
    use modemflash_sim::profile::E3372H;

    #[test]
    fn a_good_file_lists_its_partitions_and_offers_flashing() {
        let file = stick_update(&E3372H, "22.333.01.00.00", 50_000).build();
        let inspection = block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).unwrap();
        let view = FirmwareView::new("update.bin", &inspection);
        assert!(view.passed);
        assert_eq!(view.blocker(), None);
        assert_eq!(view.version.as_deref(), Some("22.333.01.00.00"));
        assert_eq!(view.partitions.len(), 6);
        assert_eq!(view.partitions[2].packing, "zlib");
        assert_eq!(view.sha256.as_ref().map(String::len), Some(64));
    }

    #[test]
    fn a_damaged_file_shows_its_failures_first_and_is_blocked() {
        let built = stick_update(&E3372H, "22.333.01.00.00", 50_000).build_with_layout();
        let file = built.with_flipped_bit(1, 10);
        let inspection = block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).unwrap();
        let view = FirmwareView::new("update.bin", &inspection);
        assert!(!view.passed);
        assert_eq!(view.checks[0].outcome, Outcome::Fail);
        assert!(view.blocker().is_some_and(|failed| failed >= 1));
    }
}
