//! The verification report: every check made on a firmware image, passed or not, each
//! with a sentence a non-expert understands (DESIGN.md "image"). Family-neutral: Huawei,
//! Sierra and Qualcomm parsers all fill the same report, and the CLI prints it as JSON.

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// How one check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The file is fine in this respect.
    Pass,
    /// Unusual, but not a reason to refuse the file.
    Warn,
    /// The file would be refused.
    Fail,
}

/// One check.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    /// Stable machine-readable name of what was checked, kebab-case (e.g. `block-crc`).
    /// Each family module lists the ids it uses.
    pub id: &'static str,
    /// The partition it concerns, by its index in the image, when it concerns one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition: Option<usize>,
    /// The result.
    pub outcome: Outcome,
    /// What was found, in words for the person choosing the file.
    pub sentence: String,
}

impl Check {
    /// A check that passed.
    pub fn pass(id: &'static str, sentence: impl Into<String>) -> Self {
        Check { id, partition: None, outcome: Outcome::Pass, sentence: sentence.into() }
    }

    /// A finding that does not stop the flash.
    pub fn warn(id: &'static str, sentence: impl Into<String>) -> Self {
        Check { outcome: Outcome::Warn, ..Check::pass(id, sentence) }
    }

    /// A finding that makes the file unusable.
    pub fn fail(id: &'static str, sentence: impl Into<String>) -> Self {
        Check { outcome: Outcome::Fail, ..Check::pass(id, sentence) }
    }

    /// The same check, about partition `index`.
    pub fn on_partition(self, index: usize) -> Self {
        Check { partition: Some(index), ..self }
    }
}

/// All checks made on one image, in the order they were made.
///
/// Serialises as `{"passed": bool, "checks": [..]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerificationReport {
    checks: Vec<Check>,
}

impl VerificationReport {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a check.
    pub fn push(&mut self, check: Check) {
        self.checks.push(check);
    }

    /// Every check, in order.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// No check failed (warnings allowed): the file may be flashed.
    pub fn passed(&self) -> bool {
        !self.checks.iter().any(|c| c.outcome == Outcome::Fail)
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.with_outcome(Outcome::Fail)
    }

    /// The checks that warned.
    pub fn warnings(&self) -> impl Iterator<Item = &Check> {
        self.with_outcome(Outcome::Warn)
    }

    fn with_outcome(&self, outcome: Outcome) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(move |c| c.outcome == outcome)
    }
}

impl Serialize for VerificationReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut report = serializer.serialize_struct("VerificationReport", 2)?;
        report.serialize_field("passed", &self.passed())?;
        report.serialize_field("checks", &self.checks)?;
        report.end()
    }
}

/// `n` with thousands separators, as sentences show sizes: `12,345,678`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_passes_with_warnings_but_not_with_a_failure() {
        let mut report = VerificationReport::new();
        report.push(Check::pass("sha256", "fine"));
        report.push(Check::warn("padding", "odd").on_partition(2));
        assert!(report.passed());
        report.push(Check::fail("block-crc", "broken").on_partition(3));
        assert!(!report.passed());
        assert_eq!(report.failures().map(|c| c.partition).collect::<Vec<_>>(), vec![Some(3)]);
        assert_eq!(report.warnings().count(), 1);
    }

    #[test]
    fn json_carries_the_verdict_and_every_check() {
        let mut report = VerificationReport::new();
        report.push(Check::pass("sha256", "SHA-256 is abc."));
        report.push(Check::fail("block-crc", "Damaged.").on_partition(0));
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "passed": false,
                "checks": [
                    {"id": "sha256", "outcome": "pass", "sentence": "SHA-256 is abc."},
                    {"id": "block-crc", "partition": 0, "outcome": "fail", "sentence": "Damaged."},
                ]
            })
        );
    }

    #[test]
    fn sizes_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(12_345_678), "12,345,678");
    }
}
