//! The DMSS boot ROM (specs/qualcomm-dload.md §3.4): one reply frame per well-formed
//! command, leading flag; `WRITE_32BIT` into a RAM window at the chipset's programmer
//! load address; `GO` to the loaded programmer hands the port to it.

use modemflash_core::framing::hdlc::{FrameError, HdlcDecoder};
use modemflash_core::protocol::dmss::{Nak, Params, Reply};

use super::frame;
use crate::download::{Action, Output};
use crate::profile::QualcommBoot;

/// PARAM_RESP version byte: protocol revision 8 (§3.1).
const VERSION: u8 = 0x18;
/// PARAM_RESP min version byte.
const MIN_VERSION: u8 = 0x08;
/// PARAM_RESP max write size: 0x0400 (§7 item 2).
pub const MAX_WRITE_SIZE: u16 = 0x0400;

/// The boot ROM's state.
#[derive(Debug)]
pub struct BootRom {
    boot: QualcommBoot,
    decoder: HdlcDecoder,
    ram: Vec<u8>,
    /// `GO` was accepted: the programmer takes over after this reply.
    jump: bool,
}

impl BootRom {
    /// Just enumerated in download mode.
    pub fn new(boot: QualcommBoot) -> Self {
        BootRom {
            boot,
            // The boot ROM takes a 1024-byte WRITE_32BIT plus room (§3.2 step 3).
            decoder: HdlcDecoder::hunting(usize::from(MAX_WRITE_SIZE) + 16),
            ram: Vec::new(),
            jump: false,
        }
    }

    /// One received chunk; `true` once `GO` was ACKed (the programmer runs now).
    pub fn receive(&mut self, chunk: &[u8]) -> (Output, bool) {
        let mut out = Output::default();
        self.decoder.push(chunk);
        while let Some(item) = self.decoder.next_frame() {
            let reply = match item {
                Ok(p) => self.command(&p, &mut out.action),
                // The boot ROM checks the CRC and says so (§3.3 code 01) [inferred: §1.4
                // leaves it open; NAKing is the stricter reading for the host].
                Err(FrameError::BadFcs { .. }) => Reply::Nak(Nak(0x01)),
                Err(_) => continue,
            };
            let jumped = std::mem::take(&mut self.jump);
            let mut payload = Vec::new();
            reply.encode(&mut payload);
            out.bursts.push(frame(&payload));
            if jumped {
                return (out, true);
            }
        }
        (out, false)
    }

    fn command(&mut self, p: &[u8], action: &mut Option<Action>) -> Reply {
        let nak = |code| Reply::Nak(Nak(code));
        match p[0] {
            0x06 | 0x07 | 0x0A if p.len() != 1 => nak(0x03),
            0x06 => Reply::Ack,
            0x07 => Reply::Params(Params {
                version: VERSION,
                min_version: MIN_VERSION,
                max_write_size: MAX_WRITE_SIZE,
                model: 0,
            }),
            0x0A => {
                *action = Some(Action::Reboot);
                Reply::Ack
            }
            0x0F => self.write32(p),
            0x05 => self.go(p),
            _ => nak(0x06),
        }
    }

    /// `0F addr len data` (§3.1): the RAM window is `[load_address, load_address +
    /// ram_size)`; blocks above `max_write_size` are too large (NAK 05).
    fn write32(&mut self, p: &[u8]) -> Reply {
        let nak = |code| Reply::Nak(Nak(code));
        if p.len() < 7 {
            return nak(0x04);
        }
        let addr = u32::from_be_bytes([p[1], p[2], p[3], p[4]]);
        let len = usize::from(u16::from_be_bytes([p[5], p[6]]));
        let data = &p[7..];
        if len != data.len() {
            return nak(0x03);
        }
        if p.len() > usize::from(MAX_WRITE_SIZE) {
            return nak(0x05);
        }
        let Some(offset) = addr.checked_sub(self.boot.load_address).map(|o| o as usize) else { return nak(0x02) };
        if offset + len > self.boot.ram_size as usize {
            return nak(0x02);
        }
        if self.ram.len() < offset + len {
            self.ram.resize(offset + len, 0);
        }
        self.ram[offset..offset + len].copy_from_slice(data);
        Reply::Ack
    }

    /// `05 addr`: only to the load address, and only once a programmer is in RAM
    /// [inferred: §3.1 "GO should name the start address"].
    fn go(&mut self, p: &[u8]) -> Reply {
        if p.len() != 5 {
            return Reply::Nak(Nak(0x03));
        }
        let addr = u32::from_be_bytes([p[1], p[2], p[3], p[4]]);
        if addr != self.boot.load_address || self.ram.is_empty() {
            return Reply::Nak(Nak(0x02));
        }
        self.jump = true;
        Reply::Ack
    }
}
