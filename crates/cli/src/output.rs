//! What reaches the terminal besides results: errors with their next step, and the AT
//! traffic log of `--verbose`.

use std::fmt::Display;
use std::process::ExitCode;

use modemflash_core::event::{Direction, Event, Level, Observer};
pub use modemflash_core::image::report::grouped;

/// Prints `error: …` on stderr and, under it, what to do about it. Exit status 1.
pub fn failure(error: impl Display, next_step: Option<&str>) -> ExitCode {
    eprintln!("error: {error}");
    if let Some(next_step) = next_step {
        eprintln!("next step: {next_step}");
    }
    ExitCode::FAILURE
}

/// A command line clap accepted but that cannot work (an interface the dongle lacks, an
/// unreadable file). Exit status 2, like clap's own usage errors.
pub fn usage_error(message: impl Display, next_step: Option<&str>) -> ExitCode {
    failure(message, next_step);
    ExitCode::from(2)
}

/// Prints the AT traffic on stderr as it happens (`--verbose`); otherwise prints nothing.
///
/// `> ` marks what the computer sent, `< ` what the modem answered.
#[derive(Clone, Copy, Debug)]
pub struct TrafficLog {
    enabled: bool,
}

impl TrafficLog {
    /// A log that prints only when `enabled`.
    pub fn new(enabled: bool) -> Self {
        TrafficLog { enabled }
    }
}

impl Observer for TrafficLog {
    fn on_event(&mut self, event: &Event) {
        if !self.enabled {
            return;
        }
        let line = match event {
            Event::Log(Level::Info, message) => Some(format!("-- {message}")),
            Event::Log(Level::Warn | Level::Error, message) => Some(format!("-- warning: {message}")),
            _ => traffic_line(event),
        };
        if let Some(line) = line {
            eprintln!("{line}");
        }
    }
}

/// How `--verbose` shows a piece of protocol traffic; `None` for events that are not
/// traffic (flashing jobs show those in their progress display).
pub fn traffic_line(event: &Event) -> Option<String> {
    match event {
        Event::AtLine(Direction::Sent, line) => Some(format!("> {line}")),
        Event::AtLine(Direction::Received, line) => Some(format!("< {line}")),
        Event::Unsolicited(line) => Some(format!("< {line}  (unsolicited)")),
        Event::Log(Level::Trace, message) => Some(format!("-- {message}")),
        Event::Log(..)
        | Event::Plan(_)
        | Event::Stage(_)
        | Event::Progress(_)
        | Event::Journal(_)
        | Event::SettingsSaved(_)
        | Event::SettingsRestored(_) => None,
    }
}
