//! DMSS commands and replies (specs/qualcomm-dload.md §3.1, §3.3).

use core::fmt;
use core::time::Duration;

/// Bytes of a `WRITE_32BIT` payload before its data: code, address u32, length u16 (§3.1).
pub const WRITE32_HEADER: usize = 7;

/// A host → boot ROM command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmd<'a> {
    /// `06` NOP → ACK; also the "are you in download mode" probe (§2.4, §3.2 step 1).
    Nop,
    /// `07` PARAM_REQ → PARAM_RESP.
    ParamReq,
    /// `0F` WRITE_32BIT: `data` at `addr` in RAM.
    Write32 {
        /// Load address of the first byte.
        addr: u32,
        /// The block.
        data: &'a [u8],
    },
    /// `05` GO: jump to `addr` (the programmer's start).
    Go {
        /// Where the programmer starts.
        addr: u32,
    },
    /// `0A` RESET.
    Reset,
}

impl Cmd<'_> {
    /// The command byte.
    pub fn opcode(&self) -> u8 {
        match self {
            Cmd::Nop => 0x06,
            Cmd::ParamReq => 0x07,
            Cmd::Write32 { .. } => 0x0F,
            Cmd::Go { .. } => 0x05,
            Cmd::Reset => 0x0A,
        }
    }

    /// The payload, FCS not included.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.clear();
        out.push(self.opcode());
        match *self {
            Cmd::Nop | Cmd::ParamReq | Cmd::Reset => {}
            Cmd::Write32 { addr, data } => {
                out.extend_from_slice(&addr.to_be_bytes());
                out.extend_from_slice(&(data.len() as u16).to_be_bytes());
                out.extend_from_slice(data);
            }
            Cmd::Go { addr } => out.extend_from_slice(&addr.to_be_bytes()),
        }
    }

    /// Whether the boot ROM answers it with a plain ACK (§3.1); PARAM_REQ gets
    /// PARAM_RESP.
    pub fn is_acked(&self) -> bool {
        !matches!(self, Cmd::ParamReq)
    }

    /// How long to wait for the reply: the boot ROM answers from RAM, at once.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(1)
    }

    /// The name used in messages.
    pub fn name(&self) -> &'static str {
        match self {
            Cmd::Nop => "DMSS NOP (06)",
            Cmd::ParamReq => "DMSS parameter request (07)",
            Cmd::Write32 { .. } => "DMSS programmer block (0F)",
            Cmd::Go { .. } => "DMSS GO (05)",
            Cmd::Reset => "DMSS reset (0A)",
        }
    }
}

impl fmt::Display for Cmd<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A NAK reason, u16 big-endian (§3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nak(pub u16);

impl Nak {
    /// The meaning from the table of §3.3.
    pub fn meaning(self) -> &'static str {
        match self.0 {
            0x01 => "invalid frame checksum",
            0x02 => "invalid destination address",
            0x03 => "invalid length",
            0x04 => "unexpected end of packet",
            0x05 => "data length too large",
            0x06 => "invalid command",
            0x07 => "operation failed",
            0x08 => "wrong flash intelligent id",
            0x09 => "bad programming voltage",
            0x0A => "write-verify failed",
            0x0B => "unlock required (no security code)",
            0x0C => "incorrect security code",
            0x0D => "cannot power down",
            0x0E => "operation not permitted",
            0x0F => "invalid read address",
            _ => "reserved code",
        }
    }
}

impl fmt::Display for Nak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NAK {:#04x}: {}", self.0, self.meaning())
    }
}

/// PARAM_RESP fields (§3.1, `08`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Protocol version byte (0x08 … 0x1A for revisions 1–9).
    pub version: u8,
    /// Oldest version it still speaks.
    pub min_version: u8,
    /// Largest write it takes; whether header included is undocumented (§3.1).
    pub max_write_size: u16,
    /// Model byte.
    pub model: u8,
}

impl Params {
    /// Data bytes per `WRITE_32BIT` that are safe under either reading of
    /// `max_write_size` (§3.1): at most `max_write_size − 7`.
    pub fn block_size(&self) -> usize {
        usize::from(self.max_write_size).saturating_sub(WRITE32_HEADER)
    }
}

/// A boot ROM → host reply payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// `02`.
    Ack,
    /// `03 <reason u16>`.
    Nak(Nak),
    /// `08 …`.
    Params(Params),
    /// Anything else, kept for the log.
    Other(Vec<u8>),
}

impl Reply {
    /// Interprets a frame payload (FCS removed).
    pub fn parse(payload: &[u8]) -> Reply {
        match payload {
            [0x02] => Reply::Ack,
            [0x03, hi, lo] => Reply::Nak(Nak(u16::from_be_bytes([*hi, *lo]))),
            [0x08, version, min_version, hi, lo, model, ..] => Reply::Params(Params {
                version: *version,
                min_version: *min_version,
                max_write_size: u16::from_be_bytes([*hi, *lo]),
                model: *model,
            }),
            other => Reply::Other(other.to_vec()),
        }
    }

    /// The reply's payload, as the boot ROM sends it.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.clear();
        match self {
            Reply::Ack => out.push(0x02),
            Reply::Nak(Nak(code)) => {
                out.push(0x03);
                out.extend_from_slice(&code.to_be_bytes());
            }
            Reply::Params(p) => {
                out.extend_from_slice(&[0x08, p.version, p.min_version]);
                out.extend_from_slice(&p.max_write_size.to_be_bytes());
                out.extend_from_slice(&[p.model, 0, 0]);
            }
            Reply::Other(bytes) => out.extend_from_slice(bytes),
        }
    }
}
