//! What reaches the terminal besides results: errors with their next step, and the AT
//! traffic log of `--verbose`.

use std::fmt::Display;
use std::process::ExitCode;

use modemflash_core::event::{Direction, Event, Level, Observer};

/// Prints `error: …` on stderr and, under it, what to do about it. Exit status 1.
pub fn failure(error: impl Display, next_step: Option<&str>) -> ExitCode {
    eprintln!("error: {error}");
    if let Some(next_step) = next_step {
        eprintln!("next step: {next_step}");
    }
    ExitCode::FAILURE
}

/// A command line clap accepted but that cannot work (an interface the dongle lacks).
/// Exit status 2, like clap's own usage errors.
pub fn usage_error(message: impl Display) -> ExitCode {
    eprintln!("error: {message}");
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
        match event {
            Event::AtLine(Direction::Sent, line) => eprintln!("> {line}"),
            Event::AtLine(Direction::Received, line) => eprintln!("< {line}"),
            Event::Unsolicited(line) => eprintln!("< {line}  (unsolicited)"),
            Event::Log(Level::Trace | Level::Info, message) => eprintln!("-- {message}"),
            Event::Log(Level::Warn | Level::Error, message) => eprintln!("-- warning: {message}"),
            // Flashing jobs have their own progress display.
            Event::Plan(_) | Event::Stage(_) | Event::Progress(_) | Event::Journal(_) => {}
        }
    }
}
