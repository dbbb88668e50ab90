//! Events the engine reports to its one observer: log lines today, stages and progress
//! as the flasher grows. The CLI, the page and the tests read the same stream.

/// How much a log line matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Raw protocol traffic.
    Trace,
    /// What the engine is doing.
    Info,
    /// Something unusual that did not stop the job.
    Warn,
    /// Something that stopped the job.
    Error,
}

/// Which way a piece of traffic went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the computer to the modem.
    Sent,
    /// From the modem to the computer.
    Received,
}

/// One thing the engine wants the user interface to know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A human-readable log line.
    Log(Level, String),
    /// An AT line on the wire (echo and final codes included), for the protocol log.
    AtLine(Direction, String),
    /// A line the modem sent on its own (`^RSSI:`, `^MODE:` …), filtered out of a reply.
    Unsolicited(String),
    /// The job's plan, before anything is sent.
    Plan(crate::flasher::Plan),
    /// The job entered a stage.
    Stage(crate::flasher::Stage),
    /// Bytes acknowledged by the modem.
    Progress(crate::flasher::Progress),
    /// The journal after a finished partition: keep it to resume an interrupted job.
    Journal(crate::flasher::Journal),
    /// The settings were backed up (before anything is written): keep the backup.
    SettingsSaved(Box<crate::settings::SettingsBackup>),
    /// The settings were put back, item by item.
    SettingsRestored(crate::settings::RestoreReport),
}

/// Receives the engine's events. One observer per job; it only renders, never decides.
pub trait Observer {
    /// Called for every event, in order.
    fn on_event(&mut self, event: &Event);
}

/// An observer that ignores everything.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Observer for Silent {
    fn on_event(&mut self, _event: &Event) {}
}

/// Recording observer, for tests and for debug bundles.
impl Observer for Vec<Event> {
    fn on_event(&mut self, event: &Event) {
        self.push(event.clone());
    }
}

impl<O: Observer + ?Sized> Observer for &mut O {
    fn on_event(&mut self, event: &Event) {
        (**self).on_event(event)
    }
}
