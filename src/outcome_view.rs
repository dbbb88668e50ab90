//! How a finished or stopped job is shown. Pure and native-tested.

use modemflash_core::flasher::{Failure, NextStep, Report};

use crate::restore_view::RestoreView;

/// The done screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoneView {
    /// Firmware before, if known.
    pub old_version: Option<String>,
    /// Firmware now.
    pub new_version: String,
    /// What putting the settings back did; `None` when there was no backup (the job
    /// started in update mode).
    pub settings: Option<RestoreView>,
    /// Partitions written by this run.
    pub written: usize,
    /// Partitions an interrupted run had written.
    pub resumed: usize,
}

impl DoneView {
    /// From the flasher's report.
    pub fn new(report: &Report) -> Self {
        DoneView {
            old_version: report.old_version.clone(),
            new_version: report.new_version.clone(),
            settings: report.restore.as_ref().map(RestoreView::new),
            written: report.written.len(),
            resumed: report.resumed.len(),
        }
    }
}

/// The failure screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoppedView {
    /// Where it stopped.
    pub stage: String,
    /// What happened.
    pub what: String,
    /// The modem's state in words.
    pub state: &'static str,
    /// What to do, in words.
    pub advice: &'static str,
    /// The next step, for the button.
    pub next: NextStep,
}

impl StoppedView {
    /// From the flasher's failure.
    pub fn new(failure: &Failure) -> Self {
        StoppedView {
            stage: failure.stage.title(),
            what: failure.error.to_string(),
            state: failure.state_text(),
            advice: failure.action_text(),
            next: failure.next_step(),
        }
    }

    /// The translation key of the button that offers the next step.
    pub fn button(&self) -> &'static str {
        match self.next {
            NextStep::Resume => "next.resume",
            NextStep::Retry => "next.retry",
            NextStep::ChooseAnotherFile => "next.another_file",
            NextStep::ChooseAnotherPort => "next.another_port",
            NextStep::CheckModem => "next.check_modem",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use modemflash_core::device::catalogue::Mode;
    use modemflash_core::flasher::{ConnectError, DeviceState, FlashError, Stage};

    #[test]
    fn an_interrupted_update_offers_resume_and_says_where_the_modem_is() {
        let failure = Failure {
            stage: Stage::Reconnect { mode: Mode::Download },
            error: FlashError::Reconnect(ConnectError::Cancelled),
            state: DeviceState::InDownloadMode,
        };
        let v = StoppedView::new(&failure);
        assert_eq!(v.button(), "next.resume");
        assert_eq!(v.stage, "Waiting for the modem in update mode");
        assert!(v.state.contains("update mode"), "{}", v.state);
        assert!(v.advice.contains("resume"));
    }
}
