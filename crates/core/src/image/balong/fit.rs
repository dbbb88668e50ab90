//! Does a Balong firmware image fit the stick that is connected?
//!
//! What the spec gives: the `45` reply in download mode carries the board's hardware
//! version, which Huawei's own tool requires to match "the image's hardware version";
//! which file field that is is not documented, probably the 8-byte platform field of
//! the partition header (specs/huawei-balong.md §6, §11.3; real values are an open
//! point, §16). In normal mode the same board id is what `AT^HWVER` reports.
//!
//! The reading chosen here, from the image's [`TargetFacts`]:
//! - the image names its hardware by the platform field and by the product in its
//!   version text (`:PRODUCT:VERSION`); both are compared after keeping only letters and
//!   digits, upper-cased, and only when at least 4 characters long;
//! - it **fits** when one of those names contains the stick's model (`+CGMM`, e.g.
//!   `E3372` in `E3372HM`) or is contained in the stick's hardware version (`^HWVER` or
//!   the `45` id, e.g. `E3372HM` in `CL2E3372HM Ver.A`): pass;
//! - it **does not fit** when it names hardware, the stick reported its hardware
//!   version, and neither relation holds: fail, because flashing another board's
//!   firmware can leave a stick unusable;
//! - when the image names nothing comparable, or the stick gave no hardware version and
//!   the model does not appear, nothing can be confirmed: warn.
//!
//! The firmware revision does not decide anything; the sentence says which version the
//! flash replaces with which.

use crate::at::identity::Identity;
use crate::image::report::Check;
use crate::image::TargetFacts;

/// Shortest name compared, so that stray short strings cannot match by accident.
const MIN_NAME: usize = 4;

/// What the connected stick says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StickFacts<'a> {
    /// Model (`+CGMM`), e.g. `E3372`; empty when unknown (download mode).
    pub model: &'a str,
    /// Firmware revision (`+CGMR`), e.g. `22.315.01.00.00`; empty when unknown.
    pub revision: &'a str,
    /// Hardware version (`^HWVER`, or the id of the download-mode `45` reply).
    pub hardware: Option<&'a str>,
}

impl<'a> From<&'a Identity> for StickFacts<'a> {
    fn from(identity: &'a Identity) -> Self {
        StickFacts { model: &identity.model, revision: &identity.revision, hardware: identity.hardware.as_deref() }
    }
}

/// Letters and digits only, upper-cased.
fn normalised(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// The `fits-stick` check of an image's target against the connected stick.
pub fn check_fit(target: &TargetFacts, stick: &StickFacts<'_>) -> Check {
    let names: Vec<&str> = [target.platform.as_deref(), target.product.as_deref()]
        .into_iter()
        .flatten()
        .filter(|n| normalised(n).len() >= MIN_NAME)
        .collect();
    let this_stick = if stick.model.is_empty() { "this stick".to_string() } else { format!("the {}", stick.model) };
    if names.is_empty() {
        return Check::warn(
            "fits-stick",
            format!(
                "The firmware does not say which hardware it is for, so it cannot be matched with {this_stick}. \
                 Only flash it if it was made for {this_stick}."
            ),
        );
    }
    let model = normalised(stick.model);
    let hardware = stick.hardware.map(normalised).filter(|h| h.len() >= MIN_NAME);
    let fits = names
        .iter()
        .map(|n| normalised(n))
        .any(|n| (model.len() >= MIN_NAME && n.contains(&model)) || hardware.as_ref().is_some_and(|h| h.contains(&n)));
    let names = names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(" / ");
    let described = describe(stick);
    if fits {
        Check::pass(
            "fits-stick",
            format!(
                "The firmware is for {names}, which matches the connected stick ({described}).{}",
                change(target, stick)
            ),
        )
    } else if hardware.is_some() {
        Check::fail(
            "fits-stick",
            format!(
                "The firmware is for {names}, but the connected stick is different ({described}). Firmware for \
                 other hardware can leave a stick unusable: choose firmware made for {this_stick}."
            ),
        )
    } else {
        Check::warn(
            "fits-stick",
            format!(
                "The firmware is for {names}; the connected stick ({described}) did not report its hardware \
                 version, so the match cannot be confirmed. Only flash it if it was made for {this_stick}."
            ),
        )
    }
}

/// `model E3372, hardware CL2E3372HM Ver.A, firmware 22.315.01.00.00`, known parts only.
fn describe(stick: &StickFacts<'_>) -> String {
    let parts = [("model", Some(stick.model)), ("hardware", stick.hardware), ("firmware", Some(stick.revision))];
    let known: Vec<String> = parts
        .into_iter()
        .filter_map(|(what, value)| value.filter(|v| !v.trim().is_empty()).map(|v| format!("{what} {}", v.trim())))
        .collect();
    if known.is_empty() {
        "it did not identify itself".into()
    } else {
        known.join(", ")
    }
}

/// ` It replaces firmware A with B.`, or empty when either version is unknown.
fn change(target: &TargetFacts, stick: &StickFacts<'_>) -> String {
    match (target.version.as_deref(), stick.revision.trim()) {
        (Some(new), old) if !old.is_empty() && new.eq_ignore_ascii_case(old) => {
            format!(" The stick already runs version {new}.")
        }
        (Some(new), old) if !old.is_empty() => format!(" It replaces firmware {old} with {new}."),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::report::Outcome;

    fn target(platform: &str, product: &str, version: &str) -> TargetFacts {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        TargetFacts { platform: some(platform), product: some(product), version: some(version), content: None }
    }

    const E3372H: StickFacts<'static> =
        StickFacts { model: "E3372", revision: "22.315.01.00.00", hardware: Some("CL2E3372HM Ver.A") };

    #[test]
    fn platform_inside_the_hardware_version_fits() {
        let check = check_fit(&target("E3372HM", "", "22.333.01.00.00"), &E3372H);
        assert_eq!(check.outcome, Outcome::Pass, "{}", check.sentence);
        assert!(
            check.sentence.contains("replaces firmware 22.315.01.00.00 with 22.333.01.00.00"),
            "{}",
            check.sentence
        );
    }

    #[test]
    fn product_naming_the_model_fits_even_without_a_hardware_version() {
        let stick = StickFacts { hardware: None, ..E3372H };
        let check = check_fit(&target("HISIV7R2", "E3372h-153", "22.315.01.00.00"), &stick);
        assert_eq!(check.outcome, Outcome::Pass, "{}", check.sentence);
        assert!(check.sentence.contains("already runs version 22.315.01.00.00"), "{}", check.sentence);
    }

    #[test]
    fn other_hardware_fails_and_says_what_to_choose() {
        let check = check_fit(&target("E5573BS", "E5573Bs-320", "21.180.00.00.00"), &E3372H);
        assert_eq!(check.outcome, Outcome::Fail);
        assert!(check.sentence.contains("\"E5573BS\" / \"E5573Bs-320\""), "{}", check.sentence);
        assert!(check.sentence.contains("choose firmware made for the E3372"), "{}", check.sentence);
    }

    #[test]
    fn unconfirmable_matches_warn() {
        let unnamed = check_fit(&target("", "", "1.0"), &E3372H);
        assert_eq!(unnamed.outcome, Outcome::Warn);
        let no_hardware = StickFacts { hardware: None, ..E3372H };
        assert_eq!(check_fit(&target("E5573BS", "", ""), &no_hardware).outcome, Outcome::Warn);
        // Too short to compare: "AB" would match too much.
        assert_eq!(check_fit(&target("AB", "", ""), &E3372H).outcome, Outcome::Warn);
    }

    #[test]
    fn download_mode_id_alone_can_confirm_the_fit() {
        let stick = StickFacts { model: "", revision: "", hardware: Some("CL2E3372HM") };
        let check = check_fit(&target("E3372HM", "", "22.333"), &stick);
        assert_eq!(check.outcome, Outcome::Pass, "{}", check.sentence);
        assert!(check.sentence.contains("(hardware CL2E3372HM)"), "{}", check.sentence);
    }

    #[test]
    fn identity_from_the_at_client_converts() {
        let identity = Identity {
            model: "E3372".into(),
            revision: "22.315.01.00.00".into(),
            hardware: Some("CL2E3372HM Ver.A".into()),
            ..Identity::default()
        };
        assert_eq!(StickFacts::from(&identity), E3372H);
    }
}
