//! The boot ROM recovery as the page shows it (specs/huawei-balong.md §14, issue 7
//! "Recovery"): the loader file's checks, whether it erases the whole flash, and what
//! stands between the person and the "Load" button. Pure and native-tested.

use modemflash_core::image::usbloader::UsbLoader;

use crate::firmware_view::CheckRow;

/// The recovery step's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RecoveryState {
    /// No loader chosen yet.
    #[default]
    NoLoader,
    /// A loader was read and checked.
    Checked(LoaderView),
    /// The loader is being sent to the boot ROM, or the page waits for the stick in
    /// update mode.
    Loading,
    /// The boot ROM refused or lost the loader.
    Failed {
        /// What happened.
        what: String,
        /// What to do.
        next_step: String,
    },
}

/// A checked loader file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoaderView {
    /// The file's name.
    pub name: String,
    /// Every check, in order; the `erases-flash` warning among them.
    pub checks: Vec<CheckRow>,
    /// Whether every check passed (warnings allowed).
    pub passed: bool,
    /// Whether it must be assumed to erase the whole flash, IMEI and calibration
    /// included: the person must confirm that before it is sent.
    pub erases: bool,
}

impl LoaderView {
    /// From core's inspection of the file.
    pub fn new(loader: &UsbLoader) -> Self {
        LoaderView {
            name: loader.name.clone(),
            checks: loader
                .report
                .checks()
                .iter()
                .map(|c| CheckRow { outcome: c.outcome, sentence: c.sentence.clone() })
                .collect(),
            passed: loader.report.passed(),
            erases: loader.erases_flash,
        }
    }
}

impl RecoveryState {
    /// Why the loader cannot be sent now, as a translation key; `None` when it can.
    /// An erasing loader needs `erase_confirmed` (the checkbox).
    pub fn load_blocker(&self, erase_confirmed: bool) -> Option<&'static str> {
        match self {
            RecoveryState::NoLoader | RecoveryState::Failed { .. } => Some("recovery.reason_no_loader"),
            RecoveryState::Loading => Some("recovery.reason_loading"),
            RecoveryState::Checked(view) if !view.passed => Some("recovery.reason_refused"),
            RecoveryState::Checked(view) if view.erases && !erase_confirmed => Some("recovery.reason_confirm"),
            RecoveryState::Checked(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use modemflash_core::image::usbloader;
    use modemflash_sim::image::usbloader::stock_loader;

    use super::*;

    #[test]
    fn a_stock_loader_needs_the_erase_confirmed_before_it_can_be_sent() {
        let view = LoaderView::new(&usbloader::inspect("usbloader-e3372h.bin", stock_loader(true)));
        assert!(view.passed && view.erases);
        assert!(view.checks.iter().any(|c| c.sentence.contains("ERASE THE WHOLE FLASH")));
        let state = RecoveryState::Checked(view);
        assert_eq!(state.load_blocker(false), Some("recovery.reason_confirm"));
        assert_eq!(state.load_blocker(true), None);
    }

    #[test]
    fn a_patched_loader_can_be_sent_and_a_damaged_one_never() {
        let safe = RecoveryState::Checked(LoaderView::new(&usbloader::inspect("usblsafe.bin", stock_loader(false))));
        assert_eq!(safe.load_blocker(false), None);
        let damaged = RecoveryState::Checked(LoaderView::new(&usbloader::inspect("usblsafe.bin", vec![1, 2, 3])));
        assert_eq!(damaged.load_blocker(true), Some("recovery.reason_refused"));
        assert_eq!(RecoveryState::NoLoader.load_blocker(true), Some("recovery.reason_no_loader"));
        assert_eq!(RecoveryState::Loading.load_blocker(true), Some("recovery.reason_loading"));
    }
}
