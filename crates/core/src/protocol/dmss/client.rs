//! The host side of DMSS download (specs/qualcomm-dload.md §3.2).

use core::time::Duration;

use super::command::{Cmd, Nak, Params, Reply};
use crate::event::{Event, Level, Observer};
use crate::port::{Port, PortError};
use crate::protocol::link::HdlcLink;
use crate::time::Deadline;

/// How many times a command is sent before the boot ROM counts as gone. Hosts resend
/// on silence (qdload retries its NOP); a boot ROM that checks the CRC answers a damaged
/// frame with NAK 01 or not at all (§1.4, §3.3).
pub const SEND_ATTEMPTS: u32 = 4;

/// Largest frame payload a DMSS host or boot ROM exchanges: a 1024-byte `WRITE_32BIT`
/// (§3.2 step 3) plus room.
const MAX_PAYLOAD: usize = 4096 + 16;

/// After GO's ACK, wait this long before talking to the programmer: `qdload` waits
/// 2 × 0.1 s (§3.2 step 4); the target switches after about 100 ms (§3.4).
pub const PROGRAMMER_START: Duration = Duration::from_millis(200);

/// After a resend, wait this long in silence so a late first reply is not taken for the
/// next command's.
const SETTLE_AFTER_RESEND: Duration = Duration::from_millis(200);

/// Why the DMSS upload stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DmssError {
    /// The port failed underneath.
    #[error(transparent)]
    Port(#[from] PortError),
    /// No answer even after resending.
    #[error("the modem's boot loader did not answer the {cmd} after {attempts} tries")]
    NoReply {
        /// The command's name.
        cmd: &'static str,
        /// How many times it was sent.
        attempts: u32,
    },
    /// The boot ROM refused a command.
    #[error("the modem's boot loader refused the {cmd}: {nak}")]
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
    /// `max_write_size` leaves no room for data (§3.1).
    #[error("the boot loader's maximum write size ({0} bytes) is too small to carry a programmer")]
    WriteSizeTooSmall(u16),
}

impl DmssError {
    /// What to do next.
    pub fn next_step(&self) -> &'static str {
        match self {
            DmssError::Port(e) => e.next_step(),
            DmssError::Refused { nak: Nak(0x02), .. } => {
                "The programmer's load address does not fit this chipset: choose the programmer (NPRG/ENPRG) made for this modem's chipset."
            }
            _ => "Unplug the modem, plug it in again (it stays in download mode) and start the update again.",
        }
    }
}

/// A client for a port in DMSS download mode.
pub struct DmssClient<P, O> {
    link: HdlcLink<P>,
    observer: O,
    payload: Vec<u8>,
}

impl<P: Port, O: Observer> DmssClient<P, O> {
    /// A client on a download-mode port.
    pub fn new(port: P, observer: O) -> Self {
        DmssClient { link: HdlcLink::new(port, MAX_PAYLOAD), observer, payload: Vec::with_capacity(MAX_PAYLOAD) }
    }

    /// Gives back the port and the observer.
    pub fn into_parts(self) -> (P, O) {
        (self.link.into_port(), self.observer)
    }

    /// `06` → ACK: the port is in DMSS download mode.
    pub async fn nop(&mut self) -> Result<(), DmssError> {
        self.expect_ack(Cmd::Nop).await
    }

    /// `07` → PARAM_RESP.
    pub async fn params(&mut self) -> Result<Params, DmssError> {
        match self.exchange(Cmd::ParamReq).await? {
            Reply::Params(p) => Ok(p),
            Reply::Nak(nak) => Err(DmssError::Refused { cmd: Cmd::ParamReq.name(), nak }),
            other => Err(unexpected(Cmd::ParamReq, &other)),
        }
    }

    /// §3.2 steps 1–4: NOP, PARAM_REQ, the programmer in `WRITE_32BIT` blocks of the
    /// boot ROM's `max_write_size − 7` bytes (at most qdload's 1017) from `load_address`,
    /// then GO to `load_address`, and the wait for the programmer to start
    /// ([`PROGRAMMER_START`]). `progress` gets the bytes uploaded so far.
    pub async fn upload(
        &mut self,
        load_address: u32,
        programmer: &[u8],
        mut progress: impl FnMut(u64),
    ) -> Result<(), DmssError> {
        self.nop().await?;
        let params = self.params().await?;
        let block = params.block_size().min(1017);
        if block == 0 {
            return Err(DmssError::WriteSizeTooSmall(params.max_write_size));
        }
        let mut addr = load_address;
        let mut done = 0u64;
        for data in programmer.chunks(block) {
            self.expect_ack(Cmd::Write32 { addr, data }).await?;
            addr = addr.wrapping_add(data.len() as u32);
            done += data.len() as u64;
            progress(done);
        }
        match self.exchange(Cmd::Go { addr: load_address }).await? {
            Reply::Ack => {}
            // GO's ACK was lost and GO resent to the programmer it started, which
            // answers an unknown command with LOG (0E) or ERROR (0D) (§4.1, §4.3).
            Reply::Other(p) if matches!(p.first(), Some(0x0D | 0x0E)) => {
                let message = "The programmer answers already: GO was carried out, its ACK lost.";
                self.observer.on_event(&Event::Log(Level::Info, message.into()));
            }
            Reply::Nak(nak) => return Err(DmssError::Refused { cmd: Cmd::Go { addr: load_address }.name(), nak }),
            other => return Err(unexpected(Cmd::Go { addr: load_address }, &other)),
        }
        self.link.settle(PROGRAMMER_START).await?;
        Ok(())
    }

    /// Sends `cmd`, resending on silence, and returns the first reply.
    pub async fn exchange(&mut self, cmd: Cmd<'_>) -> Result<Reply, DmssError> {
        cmd.encode(&mut self.payload);
        for attempt in 1..=SEND_ATTEMPTS {
            self.link.discard_input().await?;
            self.link.send(&self.payload, true).await?;
            match self.next_reply(cmd).await? {
                // A boot ROM that checks the CRC NAKs a damaged frame with 01: resend.
                Some(Reply::Nak(Nak(0x01))) if attempt < SEND_ATTEMPTS => {}
                Some(reply) => {
                    if attempt > 1 {
                        self.link.settle(SETTLE_AFTER_RESEND).await?;
                    }
                    return Ok(reply);
                }
                None => {}
            }
            if attempt < SEND_ATTEMPTS {
                let message =
                    format!("No usable answer to the {cmd} (try {attempt} of {SEND_ATTEMPTS}); sending it again.");
                self.observer.on_event(&Event::Log(Level::Warn, message));
            }
        }
        Err(DmssError::NoReply { cmd: cmd.name(), attempts: SEND_ATTEMPTS })
    }

    /// The next reply within `cmd`'s timeout; an ACK to a command answered otherwise is
    /// a late reply to an earlier one (its first copy was delayed and resent) and is
    /// skipped.
    async fn next_reply(&mut self, cmd: Cmd<'_>) -> Result<Option<Reply>, DmssError> {
        let deadline = Deadline::after(self.link.now(), cmd.timeout());
        loop {
            let observer = &mut self.observer;
            let left = deadline.remaining(self.link.now());
            let reply = self
                .link
                .receive(left, |e| observer.on_event(&Event::Log(Level::Warn, format!("Reply {e}."))))
                .await?
                .map(|p| Reply::parse(&p));
            match reply {
                Some(Reply::Ack) if !cmd.is_acked() => {
                    let message = format!("A late ACK skipped while waiting for the reply to the {cmd}.");
                    self.observer.on_event(&Event::Log(Level::Warn, message));
                }
                other => return Ok(other),
            }
        }
    }

    async fn expect_ack(&mut self, cmd: Cmd<'_>) -> Result<(), DmssError> {
        match self.exchange(cmd).await? {
            Reply::Ack => Ok(()),
            Reply::Nak(nak) => Err(DmssError::Refused { cmd: cmd.name(), nak }),
            other => Err(unexpected(cmd, &other)),
        }
    }
}

fn unexpected(cmd: Cmd<'_>, reply: &Reply) -> DmssError {
    DmssError::Unexpected { cmd: cmd.name(), reply: format!("{reply:02X?}") }
}
