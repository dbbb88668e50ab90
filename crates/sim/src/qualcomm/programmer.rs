//! The streaming programmer (specs/qualcomm-dload.md §4, §7 item 3), modelled on
//! `hostdl_packet.c` over USB:
//! - frames are decoded with the FCS stripped unchecked (§1.4): corrupted data is
//!   written as received; frames above the maximum packet size are dropped silently;
//! - a receive buffer starting with `30` is an unframed write, whatever was
//!   negotiated (§4.7);
//! - the sequencing rules of §4.3, each refusal as a LOG frame then an ERROR frame;
//! - out-of-order writes are buffered within the window and a retransmitted block is
//!   ACKed without being written again (the 2008–10 builds, §4.3);
//! - a reply whose length is a multiple of 64 gets two extra `7E` (§1.4).

use std::collections::BTreeMap;

use modemflash_core::framing::hdlc::{HdlcDecoder, FLAG};
use modemflash_core::protocol::streaming::command::UNFRAMED_HEADER;
use modemflash_core::protocol::streaming::{ErrorCode, HelloReply, PartitionTable, Reply, HOST_MAGIC};

use super::frame;
use crate::download::{Action, Output, Target};
use crate::fault::Fault;
use crate::profile::QualcommBoot;

/// STREAM_DLOAD_MAX_VER (§4.2).
const MAX_VERSION: u8 = 4;
/// STREAM_DLOAD_MIN_VER.
const MIN_VERSION: u8 = 2;
/// UART_DLOAD_MAX_VER: what a host asking for less than 4 gets.
const FRAMED_VERSION: u8 = 3;
/// FRAMED_MAX_DATA_LENGTH.
const FRAMED_MAX: u32 = 1024;
/// Feature bits this NAND programmer supports: uncompressed, multi-image (§4.2).
const FEATURES: u8 = 0x09;
/// Sector sizes the HELLO reply lists (real replies always carry some, §4.2).
const SECTORS: [u32; 4] = [0x2_0000; 4];

/// An image between OPEN_MULTI and CLOSE.
#[derive(Debug)]
struct OpenImage {
    /// Which partition of the table (the flash key).
    index: usize,
    /// Which partition started in this session (for the fault plan).
    started: usize,
    /// Largest image the partition holds.
    capacity: u64,
    /// Bytes in order from offset 0.
    data: Vec<u8>,
    /// Blocks that arrived ahead of a gap, by offset.
    ahead: BTreeMap<u32, Vec<u8>>,
    /// Writes accepted so far (the fault plan counts blocks from 1).
    blocks: u32,
}

/// The programmer's state.
#[derive(Debug)]
pub struct Programmer {
    boot: QualcommBoot,
    decoder: HdlcDecoder,
    hello: bool,
    security_mode: bool,
    table: Option<PartitionTable>,
    open: Option<OpenImage>,
    wrote: bool,
}

/// A refusal: the LOG line and ERROR frame of §4.1.
struct Refusal(ErrorCode, &'static str);

impl Programmer {
    /// Started by `GO`.
    pub fn new(boot: QualcommBoot) -> Self {
        // Maximum packet = unframed data maximum + 16 (§1.4); the FCS is counted in it.
        let max_packet = boot.unframed_max as usize + 16;
        Programmer {
            boot,
            decoder: HdlcDecoder::hunting_unchecked(max_packet - 2),
            hello: false,
            security_mode: false,
            table: None,
            open: None,
            wrote: false,
        }
    }

    /// Whether an image was opened: the flash is no longer what it was.
    pub fn wrote_anything(&self) -> bool {
        self.wrote
    }

    /// One USB receive buffer.
    pub fn receive(&mut self, chunk: &[u8], target: &mut Target<'_>) -> Output {
        let mut out = Output::default();
        if chunk.first() == Some(&0x30) {
            let reply = self.unframed(chunk, target);
            push(&mut out, reply);
            return out;
        }
        self.decoder.push(chunk);
        while let Some(item) = self.decoder.next_frame() {
            // Too short, overlong, bad escape: dropped without a reply (§1.4).
            let Ok(p) = item else { continue };
            let reply = self.command(&p, target, &mut out.action);
            push(&mut out, reply);
        }
        out
    }

    fn command(&mut self, p: &[u8], target: &mut Target<'_>, action: &mut Option<Action>) -> Result<Reply, Refusal> {
        let op = p[0];
        if !matches!(
            op,
            0x01 | 0x03 | 0x05 | 0x07 | 0x09 | 0x0B | 0x0F | 0x11 | 0x13 | 0x15 | 0x17 | 0x19 | 0x1B | 0x1D
        ) {
            return Err(Refusal(ErrorCode::INVALID_CMD, "Invalid Command"));
        }
        if op == 0x01 {
            return self.handle_hello(p);
        }
        if !self.hello {
            return Err(Refusal(ErrorCode::OUT_OF_SEQUENCE, "Hello not received"));
        }
        match op {
            0x09 => Ok(Reply::Nop(p[1..].to_vec())),
            0x17 => self.set_security_mode(p),
            0x19 => self.partition_table(p, target),
            0x1B => self.open_multi(p, target),
            0x07 => self.stream_write(p, target).map(Reply::Written),
            0x15 => self.close(target),
            0x0B if self.open.is_some() => {
                Err(Refusal(ErrorCode::OUT_OF_SEQUENCE, "Cannot reset while an image is open"))
            }
            0x0B => {
                *action = Some(Action::Reboot);
                Ok(Reply::ResetAck)
            }
            0x11 => Err(Refusal(ErrorCode(0x15), "Power off not supported")),
            0x05 => Err(Refusal(ErrorCode::FAILED, "Simple write not allowed")),
            _ => Err(Refusal(ErrorCode::INVALID_CMD, "Invalid Command")),
        }
    }

    /// §4.2: length, then magic, then compatible version; version 4 with the unframed
    /// block only when the host asks for 4 (this is a USB transport).
    fn handle_hello(&mut self, p: &[u8]) -> Result<Reply, Refusal> {
        if p.len() < 36 {
            return Err(Refusal(ErrorCode::INVALID_LEN, "Parameter Request Packet Length Error"));
        }
        if &p[1..33] != HOST_MAGIC {
            return Err(Refusal(ErrorCode::INVALID_CMD, "Invalid magic number"));
        }
        let (host_max, compat, features) = (p[33], p[34], p[35]);
        if compat < MIN_VERSION {
            return Err(Refusal(ErrorCode::INVALID_CMD, "Invalid protocol version"));
        }
        self.hello = true;
        let unframed = host_max >= MAX_VERSION;
        Ok(Reply::Hello(HelloReply {
            version: if unframed { MAX_VERSION } else { FRAMED_VERSION },
            compatible_version: MIN_VERSION,
            block_size: if unframed { self.boot.unframed_max } else { FRAMED_MAX },
            flash_base: 0,
            flash_id: self.boot.flash_id.to_string(),
            window: self.boot.window,
            sectors: SECTORS.to_vec(),
            features: features & FEATURES,
        }))
    }

    fn set_security_mode(&mut self, p: &[u8]) -> Result<Reply, Refusal> {
        match p {
            [_, 0 | 1] => {
                self.security_mode = true;
                Ok(Reply::SecurityModeSet)
            }
            // An invalid value is ERROR 0x07, not 0x13 (§4.3).
            _ => Err(Refusal(ErrorCode::FAILED, "Invalid security mode")),
        }
    }

    /// §4.1 `19`, §4.4: status 4 too big, 2 unrecognised, 1 differs without override;
    /// an accepted different table erases the flash (a full reflash).
    fn partition_table(&mut self, p: &[u8], target: &mut Target<'_>) -> Result<Reply, Refusal> {
        if !self.security_mode {
            return Err(Refusal(ErrorCode::OUT_OF_SEQUENCE, "Security mode not set"));
        }
        let [_, override_flag, table @ ..] = p else {
            return Err(Refusal(ErrorCode(0x04), "Partition table packet too short"));
        };
        if table.len() > modemflash_core::protocol::streaming::table::MAX_LEN {
            return Ok(Reply::PartitionTable(4));
        }
        let Ok(parsed) = PartitionTable::parse(table) else { return Ok(Reply::PartitionTable(2)) };
        let stored = PartitionTable::parse(target.partition_table).ok();
        match stored {
            Some(stored) if stored == parsed => {}
            None => *target.partition_table = table.to_vec(),
            Some(_) if *override_flag == 0 => return Ok(Reply::PartitionTable(1)),
            Some(_) => {
                target.flash.clear();
                *target.partition_table = table.to_vec();
            }
        }
        self.table = Some(parsed);
        Ok(Reply::PartitionTable(0))
    }

    /// §4.5: type 0x0E by name only; an unknown name or type is ERROR 0x07.
    fn open_multi(&mut self, p: &[u8], target: &mut Target<'_>) -> Result<Reply, Refusal> {
        let Some(table) = self.table.as_ref().filter(|_| self.security_mode) else {
            return Err(Refusal(ErrorCode::OUT_OF_SEQUENCE, "Partition table not received"));
        };
        if self.open.is_some() {
            return Err(Refusal(ErrorCode::OUT_OF_SEQUENCE, "An image is already open"));
        }
        let unknown = Refusal(ErrorCode::FAILED, "Open multi failed, unknown error");
        match p {
            [_] => Err(Refusal(ErrorCode(0x04), "Open multi packet too short")),
            [_, 0x0E] => Ok(Reply::Opened(3)),
            [_, 0x0E, name @ ..] => {
                let name = name.strip_suffix(&[0]).and_then(|n| std::str::from_utf8(n).ok()).ok_or(unknown)?;
                let Some((index, entry)) = table.entry(name) else {
                    return Err(Refusal(ErrorCode::FAILED, "Open multi failed, unknown error"));
                };
                let capacity = if entry.size_kib == u32::MAX { u64::MAX } else { u64::from(entry.size_kib) * 1024 };
                let started = *target.partitions_started;
                *target.partitions_started += 1;
                self.wrote = true;
                self.open =
                    Some(OpenImage { index, started, capacity, data: Vec::new(), ahead: BTreeMap::new(), blocks: 0 });
                Ok(Reply::Opened(0))
            }
            _ => Err(unknown),
        }
    }

    /// `07 addr data` (§4.6 step 5): `08 addr`, a zero-length write included.
    fn stream_write(&mut self, p: &[u8], target: &mut Target<'_>) -> Result<u32, Refusal> {
        if p.len() < 5 {
            return Err(Refusal(ErrorCode(0x04), "Write packet too short"));
        }
        let addr = u32::from_le_bytes([p[1], p[2], p[3], p[4]]);
        self.write(addr, &p[5..], target)?;
        Ok(addr)
    }

    /// `30 00 00 00 addr len data` in one receive buffer (§4.7) → `31 addr`.
    fn unframed(&mut self, chunk: &[u8], target: &mut Target<'_>) -> Result<Reply, Refusal> {
        if !self.hello {
            return Err(Refusal(ErrorCode::OUT_OF_SEQUENCE, "Hello not received"));
        }
        if chunk.len() < UNFRAMED_HEADER {
            return Err(Refusal(ErrorCode(0x04), "Unframed write packet too short"));
        }
        let addr = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
        let len = u32::from_le_bytes([chunk[8], chunk[9], chunk[10], chunk[11]]);
        let data = &chunk[UNFRAMED_HEADER..];
        if len as usize != data.len() || len > self.boot.unframed_max {
            return Err(Refusal(ErrorCode::INVALID_LEN, "Unframed write length error"));
        }
        self.write(addr, data, target)?;
        Ok(Reply::UnframedWritten(addr))
    }

    fn write(&mut self, addr: u32, data: &[u8], target: &mut Target<'_>) -> Result<(), Refusal> {
        let window = usize::from(self.boot.window);
        let Some(open) = self.open.as_mut() else {
            return Err(Refusal(ErrorCode::FAILED, "Write unsuccessful"));
        };
        let next = open.data.len() as u64;
        let end = u64::from(addr) + data.len() as u64;
        if end <= next {
            return Ok(()); // a retransmission: ACKed, not written again
        }
        if end > open.capacity {
            return Err(Refusal(ErrorCode(0x12), "Out of space"));
        }
        open.blocks += 1;
        let (partition, block) = (open.started, open.blocks);
        let planned =
            |f: &Fault| matches!(f, Fault::NakBlock { partition: p, block: b, .. } if *p == partition && *b == block);
        if let Some(Fault::NakBlock { code, .. }) = target.faults.take(planned) {
            return Err(Refusal(ErrorCode(u32::from(code)), "Write unsuccessful"));
        }
        if u64::from(addr) > next {
            if open.ahead.len() >= window {
                return Err(Refusal(ErrorCode::FAILED, "ERR: Window overrun detected"));
            }
            open.ahead.insert(addr, data.to_vec());
            return Ok(());
        }
        let skip = (next - u64::from(addr)) as usize;
        open.data.extend_from_slice(&data[skip..]);
        while let Some(entry) = open.ahead.first_entry() {
            let at = u64::from(*entry.key());
            if at > open.data.len() as u64 {
                break;
            }
            let block = entry.remove();
            let skip = (open.data.len() as u64 - at) as usize;
            if skip < block.len() {
                open.data.extend_from_slice(&block[skip..]);
            }
        }
        Ok(())
    }

    /// `15`: commits the image; a gap left in it fails the close.
    fn close(&mut self, target: &mut Target<'_>) -> Result<Reply, Refusal> {
        let Some(open) = self.open.take() else {
            return Err(Refusal(ErrorCode::OUT_OF_SEQUENCE, "Cannot close when not previously opened"));
        };
        if !open.ahead.is_empty() {
            return Err(Refusal(ErrorCode(0x10), "Close failed: image has a gap"));
        }
        target.flash.insert(open.index as u32, open.data);
        Ok(Reply::Closed)
    }
}

/// Appends the reply (or LOG + ERROR) frames, each padded per the short-packet quirk.
fn push(out: &mut Output, reply: Result<Reply, Refusal>) {
    let replies = match reply {
        Ok(r) => vec![r],
        Err(Refusal(code, message)) => {
            vec![Reply::Log(message.to_string()), Reply::Error { code, message: message.to_string() }]
        }
    };
    let mut payload = Vec::new();
    for r in replies {
        r.encode(&mut payload);
        let mut bytes = frame(&payload);
        if bytes.len().is_multiple_of(64) {
            bytes.extend_from_slice(&[FLAG, FLAG]);
        }
        out.bursts.push(bytes);
    }
}
