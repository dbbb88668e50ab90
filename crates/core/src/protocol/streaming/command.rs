//! Streaming-download commands and replies (specs/qualcomm-dload.md §4.1, §4.2, §4.7).

use core::fmt;
use core::time::Duration;

/// HELLO request magic (§4.2): 32 ASCII bytes, no NUL.
pub const HOST_MAGIC: &[u8; 32] = b"QCOM fast download protocol host";

/// HELLO response magic (§4.2).
pub const TARGET_MAGIC: &[u8; 32] = b"QCOM fast download protocol targ";

/// What a host asks for in HELLO (§4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hello {
    /// Highest version the host speaks (4: unframed writes, §4.7).
    pub max_version: u8,
    /// Lowest version the host accepts (the target needs ≥ 2).
    pub compatible_version: u8,
    /// Feature bits asked for (0x09: uncompressed + multi-image).
    pub features: u8,
}

impl Hello {
    /// The recommended request of §4.2: max 4, compat 2, features 0x09.
    pub const RECOMMENDED: Hello = Hello { max_version: 4, compatible_version: 2, features: 0x09 };
}

/// A host → programmer command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmd<'a> {
    /// `01` HELLO.
    Hello(Hello),
    /// `17` SECURITY_MODE: 0 untrusted, 1 trusted.
    SecurityMode(u8),
    /// `19` PARTITION_TABLE: override flag and the table (≤ 512 bytes, §4.4).
    PartitionTable {
        /// Replace a differing table (a full reflash).
        override_existing: bool,
        /// The table bytes.
        table: &'a [u8],
    },
    /// `1B` OPEN_MULTI type 0x0E: a user-defined partition by name (§4.5).
    OpenMulti {
        /// Partition name without the NUL, e.g. `0:AMSS`.
        name: &'a str,
    },
    /// `07` STREAM_WRITE at a byte offset inside the open image.
    StreamWrite {
        /// Byte offset.
        addr: u32,
        /// The block.
        data: &'a [u8],
    },
    /// `15` CLOSE: finalise the open image.
    Close,
    /// `0B` RESET.
    Reset,
    /// `09` NOP: echoed.
    Nop(&'a [u8]),
}

impl Cmd<'_> {
    /// The command byte.
    pub fn opcode(&self) -> u8 {
        match self {
            Cmd::Hello(_) => 0x01,
            Cmd::SecurityMode(_) => 0x17,
            Cmd::PartitionTable { .. } => 0x19,
            Cmd::OpenMulti { .. } => 0x1B,
            Cmd::StreamWrite { .. } => 0x07,
            Cmd::Close => 0x15,
            Cmd::Reset => 0x0B,
            Cmd::Nop(_) => 0x09,
        }
    }

    /// The payload, FCS not included.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.clear();
        out.push(self.opcode());
        match *self {
            Cmd::Hello(h) => {
                out.extend_from_slice(HOST_MAGIC);
                out.extend_from_slice(&[h.max_version, h.compatible_version, h.features]);
            }
            Cmd::SecurityMode(mode) => out.push(mode),
            Cmd::PartitionTable { override_existing, table } => {
                out.push(u8::from(override_existing));
                out.extend_from_slice(table);
            }
            Cmd::OpenMulti { name } => {
                out.push(0x0E);
                out.extend_from_slice(name.as_bytes());
                out.push(0);
            }
            Cmd::StreamWrite { addr, data } => {
                out.extend_from_slice(&addr.to_le_bytes());
                out.extend_from_slice(data);
            }
            Cmd::Close | Cmd::Reset => {}
            Cmd::Nop(bytes) => out.extend_from_slice(bytes),
        }
    }

    /// How long to wait for the reply. CLOSE finalises an image in flash (`qwflash`
    /// waits 0.5 s after it), a partition table may erase the flash first.
    pub fn timeout(&self) -> Duration {
        match self {
            Cmd::PartitionTable { .. } | Cmd::Close => Duration::from_secs(10),
            _ => Duration::from_secs(3),
        }
    }

    /// The name used in messages.
    pub fn name(&self) -> &'static str {
        match self {
            Cmd::Hello(_) => "streaming HELLO (01)",
            Cmd::SecurityMode(_) => "security mode (17)",
            Cmd::PartitionTable { .. } => "partition table (19)",
            Cmd::OpenMulti { .. } => "open partition (1B)",
            Cmd::StreamWrite { .. } => "stream write (07)",
            Cmd::Close => "close (15)",
            Cmd::Reset => "reset (0B)",
            Cmd::Nop(_) => "NOP (09)",
        }
    }
}

impl fmt::Display for Cmd<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Appends the unframed stream write of §4.7: `30 00 00 00 <addr> <len> <data>`, sent
/// as raw bytes in one USB transfer, no HDLC, no CRC.
pub fn encode_unframed_write(addr: u32, data: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&[0x30, 0, 0, 0]);
    out.extend_from_slice(&addr.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
}

/// Bytes before the data of an unframed write.
pub const UNFRAMED_HEADER: usize = 12;

/// The HELLO response fields (§4.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelloReply {
    /// Negotiated (max) version.
    pub version: u8,
    /// Compatible (min) version.
    pub compatible_version: u8,
    /// Preferred block size.
    pub block_size: u32,
    /// Flash base address.
    pub flash_base: u32,
    /// Flash id, e.g. a NAND part name.
    pub flash_id: String,
    /// Receive buffers: STREAM_WRITEs that may be outstanding (§4.7).
    pub window: u16,
    /// Sector sizes.
    pub sectors: Vec<u32>,
    /// Feature bits granted.
    pub features: u8,
}

impl HelloReply {
    fn parse(p: &[u8]) -> Option<HelloReply> {
        let rest = p.strip_prefix(&[0x02])?.strip_prefix(TARGET_MAGIC.as_slice())?;
        let (&[version, compatible_version], rest) = rest.split_first_chunk::<2>()?;
        let (block, rest) = rest.split_first_chunk::<4>()?;
        let (base, rest) = rest.split_first_chunk::<4>()?;
        let (&n, rest) = rest.split_first()?;
        let id = rest.get(..usize::from(n))?;
        let rest = &rest[usize::from(n)..];
        let (window, rest) = rest.split_first_chunk::<2>()?;
        let (count, rest) = rest.split_first_chunk::<2>()?;
        let count = usize::from(u16::from_le_bytes(*count));
        let sectors_bytes = rest.get(..4 * count)?;
        let sectors = sectors_bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let &features = rest.get(4 * count)?;
        Some(HelloReply {
            version,
            compatible_version,
            block_size: u32::from_le_bytes(*block),
            flash_base: u32::from_le_bytes(*base),
            flash_id: String::from_utf8_lossy(id).into_owned(),
            window: u16::from_le_bytes(*window),
            sectors,
            features,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.push(0x02);
        out.extend_from_slice(TARGET_MAGIC);
        out.extend_from_slice(&[self.version, self.compatible_version]);
        out.extend_from_slice(&self.block_size.to_le_bytes());
        out.extend_from_slice(&self.flash_base.to_le_bytes());
        out.push(self.flash_id.len() as u8);
        out.extend_from_slice(self.flash_id.as_bytes());
        out.extend_from_slice(&self.window.to_le_bytes());
        out.extend_from_slice(&(self.sectors.len() as u16).to_le_bytes());
        for s in &self.sectors {
            out.extend_from_slice(&s.to_le_bytes());
        }
        out.push(self.features);
    }
}

/// An ERROR code (§4.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorCode(pub u32);

impl ErrorCode {
    /// Invalid destination address.
    pub const INVALID_DEST: ErrorCode = ErrorCode(0x02);
    /// Invalid length.
    pub const INVALID_LEN: ErrorCode = ErrorCode(0x03);
    /// Invalid command, magic or protocol version.
    pub const INVALID_CMD: ErrorCode = ErrorCode(0x05);
    /// Operation failed.
    pub const FAILED: ErrorCode = ErrorCode(0x07);
    /// Command out of sequence.
    pub const OUT_OF_SEQUENCE: ErrorCode = ErrorCode(0x0F);
    /// Close failed.
    pub const CLOSE_FAILED: ErrorCode = ErrorCode(0x10);

    /// The meaning from §4.8.
    pub fn meaning(self) -> &'static str {
        match self.0 {
            0x02 => "invalid destination address",
            0x03 => "invalid length",
            0x04 => "packet too short for this command",
            0x05 => "invalid command, magic or protocol version",
            0x07 => "operation failed",
            0x08 => "the programmer does not match the flash chip",
            0x09 => "bad programming voltage",
            0x0A => "read-back verify failed",
            0x0C => "incorrect security code",
            0x0D => "cannot power down",
            0x0E => "NAND programming not supported",
            0x0F => "command out of sequence",
            0x10 => "close failed",
            0x11 => "incompatible feature bits",
            0x12 => "out of space",
            0x13 => "invalid security mode",
            0x14 => "multi-image NAND not supported",
            0x15 => "power off not supported",
            _ => "unknown error code",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {:#04x} ({})", self.0, self.meaning())
    }
}

/// A programmer → host reply payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// `02 …` HELLO response.
    Hello(HelloReply),
    /// `04 <addr> <data>` READ response.
    Read {
        /// Address read.
        addr: u32,
        /// Bytes read.
        data: Vec<u8>,
    },
    /// `08 <addr>` block written.
    Written(u32),
    /// `0A …` NOP echo.
    Nop(Vec<u8>),
    /// `0C` reset acknowledged.
    ResetAck,
    /// `0D <code u32> <ASCII>`.
    Error {
        /// The code.
        code: ErrorCode,
        /// The programmer's message (never matched on: §9.2).
        message: String,
    },
    /// `0E <ASCII>`: a log line.
    Log(String),
    /// `16` closed.
    Closed,
    /// `18` security mode set.
    SecurityModeSet,
    /// `1A <status>`: 0 accepted, 1 differs (override needed), 2 format, 3 erase, 4 too big.
    PartitionTable(u8),
    /// `1C <status>`: 0 ok.
    Opened(u8),
    /// `31 <addr>` unframed block written.
    UnframedWritten(u32),
    /// Anything else, kept for the log.
    Other(Vec<u8>),
}

impl Reply {
    /// Interprets a frame payload (FCS removed).
    pub fn parse(p: &[u8]) -> Reply {
        let addr = |rest: &[u8]| rest.first_chunk::<4>().map(|a| u32::from_le_bytes(*a));
        match p {
            [0x02, ..] => HelloReply::parse(p).map_or_else(|| Reply::Other(p.to_vec()), Reply::Hello),
            [0x04, rest @ ..] if rest.len() >= 4 => {
                Reply::Read { addr: addr(rest).unwrap_or(0), data: rest[4..].to_vec() }
            }
            [0x08, a0, a1, a2, a3] => Reply::Written(u32::from_le_bytes([*a0, *a1, *a2, *a3])),
            [0x0A, rest @ ..] => Reply::Nop(rest.to_vec()),
            [0x0C] => Reply::ResetAck,
            [0x0D, c0, c1, c2, c3, text @ ..] => Reply::Error {
                code: ErrorCode(u32::from_le_bytes([*c0, *c1, *c2, *c3])),
                message: String::from_utf8_lossy(text).into_owned(),
            },
            [0x0E, text @ ..] => Reply::Log(String::from_utf8_lossy(text).trim_end().to_string()),
            [0x16] => Reply::Closed,
            [0x18] => Reply::SecurityModeSet,
            [0x1A, status] => Reply::PartitionTable(*status),
            [0x1C, status] => Reply::Opened(*status),
            [0x31, a0, a1, a2, a3] => Reply::UnframedWritten(u32::from_le_bytes([*a0, *a1, *a2, *a3])),
            other => Reply::Other(other.to_vec()),
        }
    }

    /// The reply's payload, as the programmer sends it.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.clear();
        match self {
            Reply::Hello(h) => h.encode(out),
            Reply::Read { addr, data } => {
                out.push(0x04);
                out.extend_from_slice(&addr.to_le_bytes());
                out.extend_from_slice(data);
            }
            Reply::Written(addr) => {
                out.push(0x08);
                out.extend_from_slice(&addr.to_le_bytes());
            }
            Reply::Nop(bytes) => {
                out.push(0x0A);
                out.extend_from_slice(bytes);
            }
            Reply::ResetAck => out.push(0x0C),
            Reply::Error { code, message } => {
                out.push(0x0D);
                out.extend_from_slice(&code.0.to_le_bytes());
                out.extend_from_slice(message.as_bytes());
            }
            Reply::Log(text) => {
                out.push(0x0E);
                out.extend_from_slice(text.as_bytes());
                out.push(b'\n');
            }
            Reply::Closed => out.push(0x16),
            Reply::SecurityModeSet => out.push(0x18),
            Reply::PartitionTable(status) => out.extend_from_slice(&[0x1A, *status]),
            Reply::Opened(status) => out.extend_from_slice(&[0x1C, *status]),
            Reply::UnframedWritten(addr) => {
                out.push(0x31);
                out.extend_from_slice(&addr.to_le_bytes());
            }
            Reply::Other(bytes) => out.extend_from_slice(bytes),
        }
    }
}
