//! The debug bundle: one JSON file a person can send to support after a failed update
//! (issue 7, "Recovery"): the protocol log, what is known of the device, the firmware's
//! verification report and the failure with the state it left the modem in.
//!
//! Every text that goes in is redacted as it goes in ([`redact::redact`]): IMEI, IMSI,
//! ICCID and phone numbers never reach the bundle, wherever they appear (a fact, an AT
//! echo, a `+CGSN: "…"` reply, an error message), so the file can be attached to a
//! public bug report. The CLI and the page build it the same way.

pub mod redact;

use std::collections::VecDeque;

use serde::Serialize;

use crate::event::{Direction, Event, Level, Observer};
use crate::flasher::Failure;
use crate::image::VerificationReport;

pub use redact::redact;

/// The `format` field: bump it when a field changes meaning.
pub const FORMAT: &str = "modemflash-debug-bundle/1";

/// How many log lines a bundle keeps: the last ones, where a failure is.
pub const MAX_LOG_LINES: usize = 5_000;

/// What the bundle says about the redaction, for the person reading it.
const REDACTION_NOTE: &str = "Identity numbers are hidden: runs of 11 or more digits (IMEI, IMSI, ICCID, phone \
                              numbers) keep their length and at most their first 8 digits; phone numbers on +CNUM \
                              lines are hidden whole.";

/// One fact about the device, `name: value`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// What it is (`model`, `usb`, `imei` …).
    pub name: String,
    /// Its value, redacted.
    pub value: String,
}

/// The verification of the firmware file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// The file's name.
    pub file: String,
    /// Whether every check passed (warnings allowed).
    pub passed: bool,
    /// Every check, redacted.
    pub checks: Vec<CheckLine>,
}

/// One check of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckLine {
    /// The check's id.
    pub id: String,
    /// `pass`, `warn` or `fail`.
    pub outcome: crate::image::Outcome,
    /// Its sentence, redacted.
    pub sentence: String,
}

/// Why the job stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// Where it stopped (the stage), when a job was running.
    pub stage: Option<String>,
    /// What went wrong.
    pub error: String,
    /// The state the modem is in.
    pub device_state: String,
    /// What the person was told to do.
    pub next_step: String,
}

impl Incident {
    /// A stopped flashing job.
    pub fn from_failure(failure: &Failure) -> Self {
        Incident {
            stage: Some(redact(&failure.stage.to_string())),
            error: redact(&failure.error.to_string()),
            device_state: failure.state_text().to_string(),
            next_step: redact(failure.action_text()),
        }
    }

    /// Any other failure (identification, recovery), as the person saw it.
    pub fn new(error: &str, device_state: &str, next_step: &str) -> Self {
        Incident { stage: None, error: redact(error), device_state: redact(device_state), next_step: redact(next_step) }
    }
}

/// The bundle. Build it, then [`DebugBundle::to_json`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DebugBundle {
    /// [`FORMAT`].
    pub format: &'static str,
    /// Which program wrote it (`modemflash 0.1.0 (command line)`).
    pub tool: String,
    /// How identity numbers were hidden.
    pub redaction: &'static str,
    /// What is known of the device.
    pub device: Vec<Fact>,
    /// The firmware's verification, when a file was chosen.
    pub firmware: Option<Verification>,
    /// The failure, when there was one.
    pub failure: Option<Incident>,
    /// The protocol log, oldest first, redacted.
    pub log: Vec<String>,
    /// Log lines left out at the start to keep the file small.
    pub log_lines_dropped: usize,
}

impl DebugBundle {
    /// An empty bundle written by `tool`.
    pub fn new(tool: &str) -> Self {
        DebugBundle {
            format: FORMAT,
            tool: redact(tool),
            redaction: REDACTION_NOTE,
            device: Vec::new(),
            firmware: None,
            failure: None,
            log: Vec::new(),
            log_lines_dropped: 0,
        }
    }

    /// Adds one device fact (redacted).
    pub fn fact(mut self, name: &str, value: &str) -> Self {
        self.device.push(Fact { name: redact(name), value: redact(value) });
        self
    }

    /// Adds the verification report of the firmware file `file`.
    pub fn verification(mut self, file: &str, report: &VerificationReport) -> Self {
        let checks = report
            .checks()
            .iter()
            .map(|c| CheckLine { id: c.id.to_string(), outcome: c.outcome, sentence: redact(&c.sentence) })
            .collect();
        self.firmware = Some(Verification { file: redact(file), passed: report.passed(), checks });
        self
    }

    /// Sets the failure.
    pub fn failure(mut self, incident: Incident) -> Self {
        self.failure = Some(incident);
        self
    }

    /// Adds log lines (the last [`MAX_LOG_LINES`] are kept).
    pub fn log<S: AsRef<str>>(mut self, lines: impl IntoIterator<Item = S>) -> Self {
        self.log.extend(lines.into_iter().map(|l| redact(l.as_ref())));
        let extra = self.log.len().saturating_sub(MAX_LOG_LINES);
        self.log.drain(..extra);
        self.log_lines_dropped += extra;
        self
    }

    /// Adds the lines a [`DebugLog`] kept, and how many it dropped.
    pub fn debug_log(self, log: &DebugLog) -> Self {
        let mut bundle = self.log(log.lines());
        bundle.log_lines_dropped += log.dropped();
        bundle
    }

    /// The bundle as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a bundle is strings and numbers")
    }
}

/// An observer that keeps the protocol log for a bundle: AT traffic, unsolicited
/// lines, stages and log messages, one text line each (progress and the journal are
/// left out: the stages say where the job was). Keeps the last [`MAX_LOG_LINES`].
#[derive(Clone, Debug, Default)]
pub struct DebugLog {
    lines: VecDeque<String>,
    dropped: usize,
}

impl DebugLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// The lines kept, oldest first (not yet redacted: [`DebugBundle::log`] does it).
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(String::as_str)
    }

    /// How many lines were dropped at the start.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// One event as a log line, or `None` for progress and journal updates.
    pub fn line(event: &Event) -> Option<String> {
        Some(match event {
            Event::Log(level, message) => format!("[{}] {message}", level_name(*level)),
            Event::AtLine(Direction::Sent, line) => format!("> {line}"),
            Event::AtLine(Direction::Received, line) => format!("< {line}"),
            Event::Unsolicited(line) => format!("< {line}  (unsolicited)"),
            Event::Stage(stage) => format!("» {stage}"),
            Event::Plan(plan) => {
                format!("plan: {} partition(s), {} bytes to write", plan.partitions.len(), plan.bytes_to_write)
            }
            Event::SettingsSaved(_) => "settings backed up".to_string(),
            Event::SettingsRestored(report) => {
                let items: Vec<String> = report.items.iter().map(ToString::to_string).collect();
                format!("settings restored: {}", items.join("; "))
            }
            Event::Progress(_) | Event::Journal(_) => return None,
        })
    }
}

impl Observer for DebugLog {
    fn on_event(&mut self, event: &Event) {
        if let Some(line) = DebugLog::line(event) {
            if self.lines.len() == MAX_LOG_LINES {
                self.lines.pop_front();
                self.dropped += 1;
            }
            self.lines.push_back(line);
        }
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Trace => "trace",
        Level::Info => "info",
        Level::Warn => "warn",
        Level::Error => "error",
    }
}
