//! QDL messages (specs/sierra-cwe-qdl.md §8): every request and reply with its exact
//! layout, both directions, so the client and the virtual module share one codec.
//! Fields are little-endian; requests except the unframed write travel in HDLC frames
//! ([`crate::framing::hdlc`], §7.3).

use core::fmt;
use core::time::Duration;

use crate::framing::hdlc;

/// Request and reply command bytes (§8).
pub mod op {
    /// DLOAD "switch to SDP" request.
    pub const SWITCH: u8 = 0x70;
    /// Hello request.
    pub const HELLO: u8 = 0x01;
    /// DLOAD ACK (1 byte) and Hello response (49 bytes) share this byte.
    pub const ACK_OR_HELLO: u8 = 0x02;
    /// Error reply.
    pub const ERROR: u8 = 0x0D;
    /// Open unframed.
    pub const OPEN: u8 = 0x25;
    /// Open response.
    pub const OPEN_RSP: u8 = 0x26;
    /// Unframed write.
    pub const WRITE: u8 = 0x27;
    /// Write response.
    pub const WRITE_RSP: u8 = 0x28;
    /// Close unframed.
    pub const CLOSE: u8 = 0x29;
    /// Close response.
    pub const CLOSE_RSP: u8 = 0x2A;
    /// Reset ("done final"); no reply.
    pub const RESET: u8 = 0x2D;
}

/// The 32-byte magic of the Hello request: the text and four NULs (§8).
pub const HELLO_MAGIC: &[u8; 32] = b"QCOM high speed protocol hst\0\0\0\0";

/// Hello request features: generic unframed and QDL unframed (0x10 | 0x20, §8).
pub const HELLO_FEATURES: u8 = 0x30;

/// Hello versions the client tries, in order (§9 step 4).
pub const HELLO_VERSIONS: core::ops::RangeInclusive<u8> = 4..=6;

/// Image type of a CWE file in the open request (§8).
pub const IMAGE_TYPE_CWE: u8 = 0x80;

/// Data bytes per unframed write (§9 step 5).
pub const CHUNK_SIZE: usize = 1 << 20;

/// Most chunks of one image: the sequence number is a u16 (§9 step 7).
pub const MAX_CHUNKS: usize = 65_535;

/// Length of the unframed write header (§8).
pub const WRITE_HEADER_LEN: usize = 13;

/// Exact reply lengths (§8 "exactly N").
pub mod len {
    /// DLOAD ACK.
    pub const ACK: usize = 1;
    /// Hello response.
    pub const HELLO_RSP: usize = 49;
    /// Error.
    pub const ERROR: usize = 6;
    /// Open response.
    pub const OPEN_RSP: usize = 8;
    /// Write response.
    pub const WRITE_RSP: usize = 9;
    /// Close response.
    pub const CLOSE_RSP: usize = 5;
}

/// Timeouts of §9.
pub mod timeout {
    use core::time::Duration;

    /// Step 2: the Sahara probe waits this long after opening the port…
    pub const SAHARA_SETTLE: Duration = Duration::from_secs(2);
    /// …then this long for unsolicited data.
    pub const SAHARA_LISTEN: Duration = Duration::from_secs(3);
    /// Steps 3–5: switch, Hello, open and close replies.
    pub const REPLY: Duration = Duration::from_secs(1);
    /// Step 5: each write reply (covers flashing after the last chunk).
    pub const WRITE: Duration = Duration::from_secs(120);
}

/// A framed request (§8), host to device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request<'a> {
    /// `70 00 00`.
    Switch,
    /// Hello with max = min = `version`.
    Hello {
        /// The version offered.
        version: u8,
    },
    /// Open an image: type, the 400-byte header (empty for headerless images) and the
    /// data size (sent as the "chunk size", §8).
    Open {
        /// [`IMAGE_TYPE_CWE`], or a Gobi type (§10).
        image_type: u8,
        /// The top-level header, verbatim.
        header: &'a [u8],
        /// Bytes that follow in writes.
        data_len: u32,
    },
    /// Close the open image.
    Close,
    /// Reset into normal mode.
    Reset,
}

impl Request<'_> {
    /// The request's payload (unframed).
    pub fn payload(&self, out: &mut Vec<u8>) {
        out.clear();
        match self {
            Request::Switch => out.extend_from_slice(&[op::SWITCH, 0, 0]),
            Request::Hello { version } => {
                out.push(op::HELLO);
                out.extend_from_slice(HELLO_MAGIC);
                out.extend_from_slice(&[*version, *version, HELLO_FEATURES]);
            }
            Request::Open { image_type, header, data_len } => {
                out.extend_from_slice(&[op::OPEN, *image_type]);
                out.extend_from_slice(&(header.len() as u32 + data_len).to_le_bytes());
                out.push(1);
                out.extend_from_slice(&data_len.to_le_bytes());
                out.extend_from_slice(&[0, 0]);
                out.extend_from_slice(header);
            }
            Request::Close => out.push(op::CLOSE),
            Request::Reset => out.push(op::RESET),
        }
    }

    /// The request as sent: one HDLC frame with its leading flag (§7.3).
    pub fn frame(&self) -> Vec<u8> {
        let mut payload = Vec::new();
        self.payload(&mut payload);
        let mut wire = Vec::with_capacity(2 * payload.len() + 6);
        hdlc::encode(&payload, true, &mut wire);
        wire
    }

    /// Its name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Request::Switch => "switch request (70)",
            Request::Hello { .. } => "hello (01)",
            Request::Open { .. } => "open request (25)",
            Request::Close => "close request (29)",
            Request::Reset => "reset request (2D)",
        }
    }

    /// How long its reply may take (§9).
    pub fn timeout(&self) -> Duration {
        timeout::REPLY
    }
}

/// The unframed write header for chunk `seq` of `len` bytes (§8, §8.1): command, seq,
/// reserved address, length and the CRC-16/X-25 of the first 11 bytes.
pub fn write_header(seq: u16, len: u32) -> [u8; WRITE_HEADER_LEN] {
    let mut h = [0; WRITE_HEADER_LEN];
    h[0] = op::WRITE;
    h[1..3].copy_from_slice(&seq.to_le_bytes());
    h[7..11].copy_from_slice(&len.to_le_bytes());
    let crc = hdlc::fcs(&h[..11]);
    h[11..13].copy_from_slice(&crc.to_le_bytes());
    h
}

/// A QDL error code (§8.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorCode(pub u32);

impl ErrorCode {
    /// Command out of sequence.
    pub const OUT_OF_SEQUENCE: ErrorCode = ErrorCode(0x0F);
    /// Command unsupported (also the answer to a repeated switch, §9 step 8).
    pub const UNSUPPORTED: ErrorCode = ErrorCode(0x16);
    /// Bad CRC.
    pub const BAD_CRC: ErrorCode = ErrorCode(0x17);
    /// Bad address.
    pub const BAD_ADDRESS: ErrorCode = ErrorCode(0x02);
    /// Bad length.
    pub const BAD_LENGTH: ErrorCode = ErrorCode(0x03);
    /// Invalid command.
    pub const INVALID_COMMAND: ErrorCode = ErrorCode(0x05);
    /// Bad feature bits (reading: the answer to a Hello version the module lacks).
    pub const BAD_FEATURES: ErrorCode = ErrorCode(0x11);

    /// The meaning, in §8.3's words.
    pub fn meaning(self) -> &'static str {
        const MEANINGS: [&str; 27] = [
            "none",
            "reserved",
            "bad address",
            "bad length",
            "unexpected end of packet",
            "invalid command",
            "reserved",
            "operation failed",
            "bad flash ID",
            "bad voltage",
            "write verify failed",
            "reserved",
            "bad security code",
            "power-down failed",
            "NAND programming unsupported",
            "command out of sequence",
            "close failed",
            "bad feature bits",
            "out of space",
            "bad security mode",
            "multi-image NAND unsupported",
            "power-off unsupported",
            "command unsupported",
            "bad CRC",
            "command in invalid state",
            "receive timeout",
            "image authentication error",
        ];
        usize::try_from(self.0).ok().and_then(|i| MEANINGS.get(i)).copied().unwrap_or("unknown error")
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {:#04x}, {}", self.0, self.meaning())
    }
}

/// A framed reply (§8), device to host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// DLOAD ACK to the switch.
    Ack,
    /// Hello response.
    Hello {
        /// The version the module speaks.
        version: u8,
        /// The oldest version it is compatible with.
        compatible: u8,
        /// Features it granted.
        features: u8,
    },
    /// Error.
    Error(ErrorCode),
    /// Open response.
    Opened {
        /// 0 = OK.
        status: u16,
    },
    /// Write response.
    Written {
        /// The sequence number it acknowledges.
        seq: u16,
        /// 0 = OK.
        status: u16,
    },
    /// Close response.
    Closed {
        /// 0 = OK.
        status: u16,
        /// The image type that failed, when status ≠ 0.
        failed_type: u8,
    },
}

impl Reply {
    /// Parses a reply payload, with §8's exact lengths; `None` for anything else.
    pub fn parse(p: &[u8]) -> Option<Reply> {
        let u16_at = |at: usize| u16::from_le_bytes([p[at], p[at + 1]]);
        Some(match (p.first()?, p.len()) {
            (&op::ACK_OR_HELLO, len::ACK) => Reply::Ack,
            (&op::ACK_OR_HELLO, len::HELLO_RSP) => Reply::Hello { version: p[33], compatible: p[34], features: p[48] },
            (&op::ERROR, len::ERROR) => Reply::Error(ErrorCode(u32::from_le_bytes(p[1..5].try_into().ok()?))),
            (&op::OPEN_RSP, len::OPEN_RSP) => Reply::Opened { status: u16_at(1) },
            (&op::WRITE_RSP, len::WRITE_RSP) => Reply::Written { seq: u16_at(1), status: u16_at(7) },
            (&op::CLOSE_RSP, len::CLOSE_RSP) => Reply::Closed { status: u16_at(1), failed_type: p[3] },
            _ => return None,
        })
    }

    /// The reply's payload, as the virtual module sends it (§8, §8.2).
    pub fn payload(&self) -> Vec<u8> {
        match *self {
            Reply::Ack => vec![op::ACK_OR_HELLO],
            Reply::Hello { version, compatible, features } => {
                let mut p = vec![op::ACK_OR_HELLO];
                // §8.2, SDK layout: 24-byte magic, reserved 0xFFFFFFFF, boot flash version 0.0.
                p.extend_from_slice(b"QCOM high speed protocol");
                p.extend_from_slice(&[0xFF; 4]);
                p.extend_from_slice(&[0; 4]);
                p.extend_from_slice(&[version, compatible]);
                p.extend_from_slice(&[0; 4]); // max block size
                p.extend_from_slice(&[0; 4]); // flash base
                p.push(0); // flash-id length
                p.extend_from_slice(&[0; 2]); // window size
                p.extend_from_slice(&[0; 2]); // sectors
                p.push(features);
                p
            }
            Reply::Error(code) => {
                let mut p = vec![op::ERROR];
                p.extend_from_slice(&code.0.to_le_bytes());
                p.push(0);
                p
            }
            Reply::Opened { status } => {
                let mut p = vec![op::OPEN_RSP];
                p.extend_from_slice(&status.to_le_bytes());
                p.push(1);
                p.extend_from_slice(&[0; 4]);
                p
            }
            Reply::Written { seq, status } => {
                let mut p = vec![op::WRITE_RSP];
                p.extend_from_slice(&seq.to_le_bytes());
                p.extend_from_slice(&[0; 4]);
                p.extend_from_slice(&status.to_le_bytes());
                p
            }
            Reply::Closed { status, failed_type } => {
                let mut p = vec![op::CLOSE_RSP];
                p.extend_from_slice(&status.to_le_bytes());
                p.extend_from_slice(&[failed_type, 0]);
                p
            }
        }
    }

    /// The reply as the module sends it: one frame with a leading flag, in one write (§7.3).
    pub fn frame(&self) -> Vec<u8> {
        let mut wire = Vec::new();
        hdlc::encode(&self.payload(), true, &mut wire);
        wire
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
    }

    #[test]
    fn requests_match_the_golden_vectors() {
        assert_eq!(Request::Switch.frame(), hex("7e 70 00 00 14 46 7e"));
        let hello_head =
            "7e 01 51 43 4f 4d 20 68 69 67 68 20 73 70 65 65 64 20 70 72 6f 74 6f 63 6f 6c 20 68 73 74 00 00 00 00";
        assert_eq!(Request::Hello { version: 4 }.frame(), hex(&format!("{hello_head} 04 04 30 03 0b 7e")));
        assert_eq!(Request::Hello { version: 5 }.frame(), hex(&format!("{hello_head} 05 05 30 07 48 7e")));
        assert_eq!(Request::Hello { version: 6 }.frame(), hex(&format!("{hello_head} 06 06 30 0b 8d 7e")));
        assert_eq!(Request::Close.frame(), hex("7e 29 bb 4c 7e"));
        assert_eq!(Request::Reset.frame(), hex("7e 2d 9f 0a 7e"));
    }

    #[test]
    fn write_headers_match_the_golden_vectors() {
        assert_eq!(write_header(0, 1024).to_vec(), hex("27 00 00 00 00 00 00 00 04 00 00 d9 2e"));
        assert_eq!(write_header(0, 16).to_vec(), hex("27 00 00 00 00 00 00 10 00 00 00 19 8e"));
    }

    #[test]
    fn replies_match_the_golden_vectors() {
        assert_eq!(Reply::Ack.frame(), hex("7e 02 6a d3 7e"));
        let hello = Reply::Hello { version: 6, compatible: 6, features: 0x30 };
        assert_eq!(
            hello.frame(),
            hex("7e 02 51 43 4f 4d 20 68 69 67 68 20 73 70 65 65 64 20 70 72 6f 74 6f 63 6f 6c \
                 ff ff ff ff 00 00 00 00 06 06 00 00 00 00 00 00 00 00 00 00 00 00 00 30 b0 79 7e")
        );
        assert_eq!(Reply::Error(ErrorCode::UNSUPPORTED).frame(), hex("7e 0d 16 00 00 00 00 88 4d 7e"));
        assert_eq!(Reply::Error(ErrorCode::OUT_OF_SEQUENCE).frame(), hex("7e 0d 0f 00 00 00 00 ac a8 7e"));
        assert_eq!(Reply::Error(ErrorCode::BAD_CRC).frame(), hex("7e 0d 17 00 00 00 00 cc 46 7e"));
        assert_eq!(Reply::Opened { status: 0 }.frame(), hex("7e 26 00 00 01 00 00 00 00 76 23 7e"));
        assert_eq!(Reply::Written { seq: 0, status: 0 }.frame(), hex("7e 28 00 00 00 00 00 00 00 00 14 39 7e"));
        assert_eq!(Reply::Written { seq: 1, status: 0 }.frame(), hex("7e 28 01 00 00 00 00 00 00 00 ab b8 7e"));
        assert_eq!(Reply::Closed { status: 0, failed_type: 0 }.frame(), hex("7e 2a 00 00 00 00 4e e3 7e"));
    }

    #[test]
    fn replies_parse_back_only_at_their_exact_length() {
        for reply in [
            Reply::Ack,
            Reply::Hello { version: 5, compatible: 4, features: 0x30 },
            Reply::Error(ErrorCode::BAD_CRC),
            Reply::Opened { status: 3 },
            Reply::Written { seq: 7, status: 0 },
            Reply::Closed { status: 1, failed_type: 0x80 },
        ] {
            let payload = reply.payload();
            assert_eq!(Reply::parse(&payload), Some(reply));
            assert_eq!(Reply::parse(&[payload.as_slice(), &[0]].concat()), None);
        }
    }

    #[test]
    fn error_codes_carry_their_meaning() {
        assert_eq!(ErrorCode(0x17).to_string(), "error 0x17, bad CRC");
        assert_eq!(ErrorCode(0x1A).meaning(), "image authentication error");
        assert_eq!(ErrorCode(0x99).meaning(), "unknown error");
    }
}
