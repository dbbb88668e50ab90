//! AT command client (specs/at-commands.md).
//!
//! Sends one command per line, as one write of `AT…\r`, and reads its response:
//! the echo is dropped whether echo is on or off, unsolicited lines are filtered out
//! (and reported to the observer for the log), and the response ends at the first final
//! result code. Nothing here changes the modem's settings by itself: echo stays as the
//! user left it.

pub mod identity;
pub mod result;
pub mod settings;
pub mod urc;
pub mod zte;

use core::time::Duration;

use crate::event::{Direction, Event, Level, Observer};
use crate::framing::lines::{Line, LineDecoder};
use crate::port::{Port, PortError};
use crate::time::Deadline;
pub use result::{CmeError, FinalResult};

/// Timeout for ordinary queries: ModemManager uses 3 s (specs/at-commands.md §2 step 5).
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(3);

/// How many times [`AtClient::query_idempotent`] sends its command when no answer comes.
pub const IDEMPOTENT_ATTEMPTS: u32 = 2;

/// How long a line ended by a bare CR may stay unconfirmed before it counts as complete.
const QUIET_AFTER_CR: Duration = Duration::from_millis(50);

/// A command's complete response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// Information text, in order, without echo, unsolicited lines or the final code.
    pub info: Vec<String>,
    /// The final result code.
    pub result: FinalResult,
}

/// Why an AT command did not give a usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AtError {
    /// The port failed underneath.
    #[error(transparent)]
    Port(#[from] PortError),
    /// No final result code arrived in time.
    #[error("no answer to {command} within {waited:?}")]
    Timeout {
        /// The command line sent.
        command: String,
        /// How long the client waited.
        waited: Duration,
    },
    /// The modem answered with a failure result.
    #[error("{command} was refused: {result}")]
    Rejected {
        /// The command line sent.
        command: String,
        /// The final result code it got.
        result: FinalResult,
    },
}

/// An AT client over a [`Port`], reporting traffic to an [`Observer`].
pub struct AtClient<P, O> {
    port: P,
    observer: O,
    lines: LineDecoder,
    buf: Vec<u8>,
}

impl<P: Port, O: Observer> AtClient<P, O> {
    /// A client on `port`; every line sent and received is reported to `observer`.
    pub fn new(port: P, observer: O) -> Self {
        AtClient { port, observer, lines: LineDecoder::new(), buf: vec![0; 512] }
    }

    /// Gives back the port and the observer.
    pub fn into_parts(self) -> (P, O) {
        (self.port, self.observer)
    }

    /// The observer, for the caller's own events.
    pub fn observer(&mut self) -> &mut O {
        &mut self.observer
    }

    /// The port underneath (for its clock).
    pub fn port(&self) -> &P {
        &self.port
    }

    /// Sends `command` (without the CR) and waits up to `timeout` for its final result.
    pub async fn exchange(&mut self, command: &str, timeout: Duration) -> Result<Response, AtError> {
        self.drain_stale().await?;
        self.observer.on_event(&Event::AtLine(Direction::Sent, command.to_string()));
        let mut wire = Vec::with_capacity(command.len() + 1);
        wire.extend_from_slice(command.as_bytes());
        wire.push(b'\r');
        self.port.write(&wire).await?;

        let expected = urc::reply_prefix(command);
        let deadline = Deadline::after(self.port.now(), timeout);
        let mut echo_pending = true;
        let mut info = Vec::new();
        loop {
            while let Some(line) = self.lines.next_line() {
                let Line::Text(line) = line else {
                    self.log(Level::Warn, "dropped an over-long line from the modem".into());
                    continue;
                };
                if echo_pending && line.trim().eq_ignore_ascii_case(command) {
                    echo_pending = false;
                    continue;
                }
                if urc::is_unsolicited(&line, expected.as_deref()) {
                    self.observer.on_event(&Event::Unsolicited(line));
                    continue;
                }
                self.observer.on_event(&Event::AtLine(Direction::Received, line.clone()));
                if let Some(result) = FinalResult::parse(&line) {
                    return Ok(Response { info, result });
                }
                info.push(line);
            }
            let now = self.port.now();
            if deadline.passed(now) {
                if self.lines.has_pending_cr() {
                    self.lines.flush_pending_cr();
                    continue;
                }
                return Err(AtError::Timeout { command: command.to_string(), waited: timeout });
            }
            let mut wait = deadline.remaining(now);
            if self.lines.has_pending_cr() {
                wait = wait.min(QUIET_AFTER_CR);
            }
            let n = self.port.read(&mut self.buf, wait).await?;
            if n == 0 {
                self.lines.flush_pending_cr();
            }
            self.lines.push(&self.buf[..n]);
        }
    }

    /// Sends `command` and returns its information text if it ended in `OK`.
    pub async fn query(&mut self, command: &str, timeout: Duration) -> Result<Vec<String>, AtError> {
        let response = self.exchange(command, timeout).await?;
        if response.result.is_ok() {
            Ok(response.info)
        } else {
            Err(AtError::Rejected { command: command.to_string(), result: response.result })
        }
    }

    /// Like [`Self::query`] for a command that may be repeated with no effect beyond
    /// the first (a read, or a setting written to the same value): silence sends it
    /// again, up to [`IDEMPOTENT_ATTEMPTS`] times, since an answer lost on the way is
    /// the commonest AT failure and AT replies carry no checksum to tell otherwise.
    pub async fn query_idempotent(&mut self, command: &str, timeout: Duration) -> Result<Vec<String>, AtError> {
        let mut attempt = 1;
        loop {
            match self.query(command, timeout).await {
                Err(AtError::Timeout { .. }) if attempt < IDEMPOTENT_ATTEMPTS => {
                    self.log(Level::Warn, format!("No answer to {command}; asking again."));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Like [`Self::query_idempotent`] (for reads only), but a refusal means "not
    /// supported here": `None`. Silence after every attempt stays an error: a lost
    /// answer must not pass for an unsupported command (a settings backup would
    /// silently leave out what the modem holds).
    pub async fn query_optional(&mut self, command: &str, timeout: Duration) -> Result<Option<Vec<String>>, AtError> {
        match self.query_idempotent(command, timeout).await {
            Ok(info) => Ok(Some(info)),
            Err(AtError::Rejected { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reports a log line to the observer.
    pub fn log(&mut self, level: Level, message: String) {
        self.observer.on_event(&Event::Log(level, message));
    }

    /// Moves whatever arrived since the last response (late URCs such as `^MODE:` after
    /// `OK`) out of the way, so it cannot be mistaken for the next reply.
    async fn drain_stale(&mut self) -> Result<(), PortError> {
        let n = self.port.read(&mut self.buf, Duration::ZERO).await?;
        self.lines.push(&self.buf[..n]);
        self.lines.flush_pending_cr();
        while let Some(line) = self.lines.next_line() {
            if let Line::Text(line) = line {
                self.observer.on_event(&Event::Unsolicited(line));
            }
        }
        self.lines.reset();
        Ok(())
    }
}

/// Splits AT arguments on commas outside quotes, drops the quotes and trims each field:
/// `1,"IP","a,b"` → `1`, `IP`, `a,b`. Both sides of the link parse arguments this way.
pub fn split_arguments(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            _ => out.last_mut().expect("never empty").push(c),
        }
    }
    out.into_iter().map(|f| f.trim().to_string()).collect()
}
