//! The host side of Balong download mode (specs/huawei-balong.md §1, §3, §5, §8, §9).

use core::time::Duration;

use super::command::{Cmd, Nak, Reply};
use crate::event::{Event, Level, Observer};
use crate::framing::hdlc;
use crate::port::{Port, PortError};
use crate::protocol::link::HdlcLink;

/// How long an AT command of the download-mode handshake may take (§3.3: "suggested 2 s").
pub const AT_TIMEOUT: Duration = Duration::from_secs(2);

/// How many times a command is sent before the stick counts as gone (§8: timeout →
/// resend the same block; 3 retries suggested).
pub const SEND_ATTEMPTS: u32 = 4;

/// After a command needed a resend, the first reply may still arrive late; wait this
/// long for silence before the next command so a late duplicate ACK cannot be taken for
/// the next block's. The stick's own sequencing (§8) would still catch a mix-up with a
/// NAK 07, but only after the fact.
const SETTLE_AFTER_RESEND: Duration = Duration::from_millis(200);

/// What the handshake learned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handshake {
    /// The `0C` version string, e.g. `7200B--SKCBADZM`.
    pub version: String,
    /// The `45` identifier, e.g. `HUAWEI CL2E3372HM`.
    pub identity: String,
    /// The stick was already in the HDLC phase (a resumed job), so no AT was exchanged.
    pub resumed_in_hdlc: bool,
}

/// Why the download protocol stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DloadError {
    /// The port failed underneath (unplugged, re-enumerated).
    #[error(transparent)]
    Port(#[from] PortError),
    /// The stick did not answer a command, even after resending it.
    #[error("the modem did not answer the {cmd} after {attempts} tries")]
    NoReply {
        /// The command's name.
        cmd: &'static str,
        /// How many times it was sent.
        attempts: u32,
    },
    /// The stick refused a command.
    #[error("the modem refused the {cmd}: {nak}")]
    Refused {
        /// The command's name.
        cmd: &'static str,
        /// Its reason.
        nak: Nak,
    },
    /// A reply that makes no sense for the command.
    #[error("unexpected reply to the {cmd}: {reply}")]
    Unexpected {
        /// The command's name.
        cmd: &'static str,
        /// The reply, in hex.
        reply: String,
    },
    /// `AT^DLOADVER?` was not answered `2.0`: this is not a Balong download port.
    #[error("this port is not a Huawei download port (AT^DLOADVER? answered {0:?})")]
    NotDownloadMode(String),
    /// `^SIGNVER` was answered with a non-zero result.
    #[error("the modem did not accept the firmware's signature parameters (^SIGNVER result {0})")]
    SignatureRefused(String),
    /// `^DATAMODE` was not answered with exactly `\r\nOK\r\n`.
    #[error("the modem refused to start the download (^DATAMODE answered {0:?})")]
    DataModeRefused(String),
}

impl DloadError {
    /// Whether the protocol allows another try on the same connection: a NAK 07 (the
    /// partition state was reset, §8) is fixed by starting the partition over.
    pub fn restarts_partition(&self) -> bool {
        matches!(self, DloadError::Refused { nak: Nak(0x07), .. })
    }
}

/// A client for one download-mode port.
pub struct BalongClient<P, O> {
    link: HdlcLink<P>,
    observer: O,
    payload: Vec<u8>,
}

impl<P: Port, O: Observer> BalongClient<P, O> {
    /// A client on a download-mode port.
    pub fn new(port: P, observer: O) -> Self {
        BalongClient {
            link: HdlcLink::new(port, hdlc::MAX_PAYLOAD_AFTER_START),
            observer,
            payload: Vec::with_capacity(super::BLOCK_SIZE + 16),
        }
    }

    /// Gives back the port and the observer.
    pub fn into_parts(self) -> (P, O) {
        (self.link.into_port(), self.observer)
    }

    /// The observer, for the flasher's own events.
    pub fn observer(&mut self) -> &mut O {
        &mut self.observer
    }

    /// The port's clock.
    pub fn now(&self) -> crate::time::Instant {
        self.link.now()
    }

    /// §1 steps 1–5: `^DLOADVER?`, `signver` (the image's `AT^SIGNVER=…`, §11.4) for
    /// signed images, `^DATAMODE`, then the HDLC `0C` and `45`. A stick that stays silent
    /// to `^DLOADVER?` but answers `0C` is already in the HDLC phase (an interrupted
    /// job): the AT steps are skipped.
    pub async fn handshake(&mut self, signver: Option<&str>) -> Result<Handshake, DloadError> {
        let resumed_in_hdlc = match self.at("AT^DLOADVER?").await? {
            None => {
                self.log(Level::Info, "No answer to AT^DLOADVER?: checking whether the download already started.");
                true
            }
            Some(reply) if reply.lines().any(|l| l.trim() == "2.0") => false,
            Some(reply) => return Err(DloadError::NotDownloadMode(reply)),
        };
        if !resumed_in_hdlc {
            if let Some(signver) = signver {
                let reply = self.at(signver).await?.unwrap_or_default();
                let result = reply.trim_start().chars().next().map(String::from).unwrap_or_default();
                if result != "0" || !reply.contains("OK") {
                    return Err(DloadError::SignatureRefused(if result.is_empty() { "none".into() } else { result }));
                }
            }
            let reply = self.at("AT^DATAMODE").await?.unwrap_or_default();
            if reply != "\r\nOK\r\n" {
                return Err(DloadError::DataModeRefused(reply));
            }
        }
        let version = match self.exchange(Cmd::Version).await? {
            Reply::Version(v) => v,
            other => return Err(unexpected(Cmd::Version, &other)),
        };
        let identity = match self.exchange(Cmd::Identify).await? {
            Reply::Identity(id) => id,
            other => return Err(unexpected(Cmd::Identify, &other)),
        };
        Ok(Handshake { version, identity, resumed_in_hdlc })
    }

    /// `41`: starts partition `code` of `size` bytes.
    pub async fn start_partition(&mut self, code: u32, size: u32) -> Result<(), DloadError> {
        self.expect_ack(Cmd::Start { code, size }).await
    }

    /// `42`: block `n` (1-based) of the open partition.
    pub async fn write_block(&mut self, n: u32, data: &[u8]) -> Result<(), DloadError> {
        self.expect_ack(Cmd::Data { n, data }).await
    }

    /// `43`: ends partition `code` of `size` bytes.
    pub async fn end_partition(&mut self, code: u32, size: u32) -> Result<(), DloadError> {
        self.expect_ack(Cmd::End { code, size }).await
    }

    /// `0A`: the stick ACKs and reboots a second later (§9). The `AT^RESET` fallback of
    /// `balong_flash` is sent only when `0A` got no answer at all; its outcome is not
    /// waited for, because a rebooting stick does not answer.
    pub async fn reset(&mut self) -> Result<(), DloadError> {
        match self.expect_ack(Cmd::Reset).await {
            Err(DloadError::NoReply { .. }) => {
                self.log(Level::Warn, "No answer to the HDLC reset; sending AT^RESET as a fallback.");
                self.link.send_raw(b"AT^RESET\r").await?;
                Ok(())
            }
            other => other,
        }
    }

    /// Sends `cmd`, resending on silence (a bad FCS reads as silence, §5.2), and returns
    /// the first reply.
    pub async fn exchange(&mut self, cmd: Cmd<'_>) -> Result<Reply, DloadError> {
        cmd.encode(&mut self.payload);
        for attempt in 1..=SEND_ATTEMPTS {
            self.link.discard_input().await?;
            self.link.send(&self.payload, true).await?;
            let observer = &mut self.observer;
            let reply = self
                .link
                .receive(cmd.timeout(), |e| observer.on_event(&Event::Log(Level::Warn, format!("Reply {e}."))))
                .await?;
            if let Some(reply) = reply {
                if attempt > 1 {
                    self.link.settle(SETTLE_AFTER_RESEND).await?;
                }
                return Ok(Reply::parse(&reply));
            }
            if attempt < SEND_ATTEMPTS {
                self.log(
                    Level::Warn,
                    &format!("No answer to the {cmd} (try {attempt} of {SEND_ATTEMPTS}); sending it again."),
                );
            }
        }
        Err(DloadError::NoReply { cmd: cmd.name(), attempts: SEND_ATTEMPTS })
    }

    async fn expect_ack(&mut self, cmd: Cmd<'_>) -> Result<(), DloadError> {
        match self.exchange(cmd).await? {
            Reply::Ack => Ok(()),
            Reply::Nak(nak) => Err(DloadError::Refused { cmd: cmd.name(), nak }),
            other => Err(unexpected(cmd, &other)),
        }
    }

    /// One download-mode AT command (§3.1): a single write of exactly `AT…\r`, then the
    /// reply up to its final `OK`/`ERROR`. `None` means silence.
    async fn at(&mut self, command: &str) -> Result<Option<String>, DloadError> {
        self.link.discard_input().await?;
        self.observer.on_event(&Event::AtLine(crate::event::Direction::Sent, command.to_string()));
        let mut line = Vec::with_capacity(command.len() + 1);
        line.extend_from_slice(command.as_bytes());
        line.push(b'\r');
        self.link.send_raw(&line).await?;
        let mut reply = Vec::new();
        self.link
            .receive_raw(AT_TIMEOUT, &mut reply, |r| r.ends_with(b"\r\nOK\r\n") || r.ends_with(b"\r\nERROR\r\n"))
            .await?;
        if reply.is_empty() {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&reply).into_owned();
        for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            self.observer.on_event(&Event::AtLine(crate::event::Direction::Received, l.to_string()));
        }
        Ok(Some(text))
    }

    fn log(&mut self, level: Level, message: &str) {
        self.observer.on_event(&Event::Log(level, message.to_string()));
    }
}

fn unexpected(cmd: Cmd<'_>, reply: &Reply) -> DloadError {
    DloadError::Unexpected { cmd: cmd.name(), reply: format!("{reply:02X?}") }
}
