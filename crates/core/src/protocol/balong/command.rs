//! HDLC commands and replies of the Balong download protocol (specs/huawei-balong.md
//! §6, §7). Integers inside payloads are big-endian (§0).

use core::fmt;
use core::time::Duration;

/// Data bytes per `42` block: what `balong_flash` sends (§8); the device takes up to 8 KiB.
pub const BLOCK_SIZE: usize = 4096;

/// A host → device command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmd<'a> {
    /// `0C` VERREQ: the download-protocol version string.
    Version,
    /// `45`: the board's download identifier.
    Identify,
    /// `41` DLOAD_INIT: start partition `code` of `size` (decompressed) bytes.
    Start {
        /// Partition code (§11.6).
        code: u32,
        /// Bytes that will be sent.
        size: u32,
    },
    /// `42` DATA_PACKET: block `n` (1-based per partition).
    Data {
        /// Block number, 1 for the first block of every partition.
        n: u32,
        /// The block's bytes.
        data: &'a [u8],
    },
    /// `43` DLOAD_END: end partition `code` of `size` bytes.
    End {
        /// Partition code.
        code: u32,
        /// Bytes sent.
        size: u32,
    },
    /// `0A` RESET: ACK, then reboot one second later.
    Reset,
}

impl Cmd<'_> {
    /// The command byte.
    pub fn opcode(&self) -> u8 {
        match self {
            Cmd::Version => 0x0C,
            Cmd::Identify => 0x45,
            Cmd::Start { .. } => 0x41,
            Cmd::Data { .. } => 0x42,
            Cmd::End { .. } => 0x43,
            Cmd::Reset => 0x0A,
        }
    }

    /// The payload (FCS not included), exactly as the length checks of §6 expect.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.clear();
        out.push(self.opcode());
        match *self {
            Cmd::Version | Cmd::Identify | Cmd::Reset => {}
            Cmd::Start { code, size } => {
                out.extend_from_slice(&code.to_be_bytes());
                out.extend_from_slice(&size.to_be_bytes());
                out.extend_from_slice(&[0; 3]); // mandatory: the length check is == 12
            }
            Cmd::Data { n, data } => {
                out.extend_from_slice(&n.to_be_bytes());
                out.extend_from_slice(&(data.len() as u16).to_be_bytes());
                out.extend_from_slice(data);
            }
            Cmd::End { code, size } => {
                out.extend_from_slice(&size.to_be_bytes());
                out.extend_from_slice(&[0; 3]);
                out.extend_from_slice(&code.to_be_bytes());
                out.extend_from_slice(&[0; 11]); // == 23 bytes in all
            }
        }
    }

    /// How long to wait for the reply. The spec suggests 3 s (§8); `balong_flash` waits
    /// 10 s. A block of 8 KiB on a full-speed link takes under 10 ms, so 3 s leaves room
    /// for a stick that is writing flash.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(3)
    }

    /// The name used in messages.
    pub fn name(&self) -> &'static str {
        match self {
            Cmd::Version => "version request (0C)",
            Cmd::Identify => "identify (45)",
            Cmd::Start { .. } => "partition start (41)",
            Cmd::Data { .. } => "data block (42)",
            Cmd::End { .. } => "partition end (43)",
            Cmd::Reset => "reset (0A)",
        }
    }
}

impl fmt::Display for Cmd<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A NAK reason (§7): the Qualcomm DMSS code set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nak(pub u8);

impl Nak {
    /// The name and meaning from the table of §7.
    pub fn meaning(self) -> &'static str {
        match self.0 {
            0x01 => "checksum error (INVALID_FCS)",
            0x02 => {
                "target memory out of range (INVALID_DEST); on signed firmware: the signature was not accepted first"
            }
            0x03 => "wrong command length (INVALID_LEN)",
            0x04 => "data length mismatch (EARLY_END)",
            0x05 => "data too long (TOO_LARGE)",
            0x06 => "unknown command (INVALID_CMD)",
            0x07 => "operation failed: write error, blocks out of order or partition not set up (FAILED)",
            0x08 => "wrong id (WRONG_IID)",
            0x09 => "bad programming voltage (BAD_VPP)",
            0x0A => "authentication failed or no permission (VERIFY_FAILED)",
            0x0B => "no security code (NO_SEC_CODE)",
            0x0C => "security code wrong (BAD_SEC_CODE)",
            0x0E => "not allowed in the current state (OP_NOT_PERMITTED)",
            0x0F => "address not accessible (INVALID_ADDR)",
            _ => "reserved code",
        }
    }
}

impl fmt::Display for Nak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NAK {:02X}: {}", self.0, self.meaning())
    }
}

/// A device → host reply payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// `02`.
    Ack,
    /// `03 00 <code>`.
    Nak(Nak),
    /// `0D <len> <ASCII>`: the version string.
    Version(String),
    /// `45 "HUAWEI " <id> [00 pad]`: the download identifier.
    Identity(String),
    /// Anything else, kept for the log.
    Other(Vec<u8>),
}

impl Reply {
    /// Interprets a frame payload (FCS removed).
    pub fn parse(payload: &[u8]) -> Reply {
        match payload {
            [0x02] => Reply::Ack,
            [0x03, 0x00, code] => Reply::Nak(Nak(*code)),
            [0x0D, len, rest @ ..] => {
                let text = &rest[..rest.len().min(*len as usize)];
                Reply::Version(String::from_utf8_lossy(text).into_owned())
            }
            [0x45, rest @ ..] => {
                let text = String::from_utf8_lossy(rest);
                Reply::Identity(text.trim_end_matches('\0').to_string())
            }
            other => Reply::Other(other.to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framing::hdlc;

    fn wire(cmd: Cmd) -> Vec<u8> {
        let mut payload = Vec::new();
        cmd.encode(&mut payload);
        let mut out = Vec::new();
        hdlc::encode(&payload, true, &mut out);
        out
    }

    /// §10: the frames exactly as `balong_flash` sends them.
    #[test]
    fn frames_match_the_spec_examples() {
        assert_eq!(wire(Cmd::Version), [0x7E, 0x0C, 0x14, 0x3A, 0x7E]);
        assert_eq!(wire(Cmd::Identify), [0x7E, 0x45, 0xD1, 0xE5, 0x7E]);
        assert_eq!(
            wire(Cmd::Start { code: 0x0002_0000, size: 10100 }),
            [0x7E, 0x41, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x27, 0x74, 0x00, 0x00, 0x00, 0x41, 0x92, 0x7E]
        );
        let mut end = vec![0x7E, 0x43, 0x00, 0x00, 0x27, 0x74, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00];
        end.extend_from_slice(&[0; 11]);
        end.extend_from_slice(&[0x92, 0x8C, 0x7E]);
        assert_eq!(wire(Cmd::End { code: 0x0002_0000, size: 10100 }), end);
        assert_eq!(
            wire(Cmd::Start { code: 0x0056_0000, size: 5 }),
            [0x7E, 0x41, 0x00, 0x56, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x47, 0xB7, 0x7E]
        );
        assert_eq!(
            wire(Cmd::Data { n: 1, data: &[0x09, 0xF5, 0x32, 0xB2, 0x79] }),
            [0x7E, 0x42, 0x00, 0x00, 0x00, 0x01, 0x00, 0x05, 0x09, 0xF5, 0x32, 0xB2, 0x79, 0xAB, 0x3C, 0x7E]
        );
        let mut end = vec![0x7E, 0x43, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x56, 0x00, 0x00];
        end.extend_from_slice(&[0; 11]);
        end.extend_from_slice(&[0x1F, 0x3A, 0x7E]);
        assert_eq!(wire(Cmd::End { code: 0x0056_0000, size: 5 }), end);
        assert_eq!(wire(Cmd::Reset), [0x7E, 0x0A, 0x22, 0x5F, 0x7E]);
    }

    #[test]
    fn payload_lengths_pass_the_device_checks() {
        let mut p = Vec::new();
        Cmd::Start { code: 1, size: 2 }.encode(&mut p);
        assert_eq!(p.len(), 12);
        Cmd::End { code: 1, size: 2 }.encode(&mut p);
        assert_eq!(p.len(), 23);
        Cmd::Data { n: 1, data: &[0; BLOCK_SIZE] }.encode(&mut p);
        assert_eq!(p.len(), BLOCK_SIZE + 7);
    }

    #[test]
    fn replies_are_recognised() {
        assert_eq!(Reply::parse(&[0x02]), Reply::Ack);
        assert_eq!(Reply::parse(&[0x03, 0x00, 0x07]), Reply::Nak(Nak(7)));
        assert_eq!(Reply::parse(b"\x0d\x0f7200B--SKCBADZM"), Reply::Version("7200B--SKCBADZM".into()));
        assert_eq!(Reply::parse(b"\x45HUAWEI DLOADID_STUB\0"), Reply::Identity("HUAWEI DLOADID_STUB".into()));
        assert!(Nak(2).to_string().starts_with("NAK 02: target memory out of range"));
    }
}
