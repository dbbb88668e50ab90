//! The Balong boot ROM's emergency port, device side (specs/huawei-balong.md §14): USB
//! id 12d1:1443, the "usbdload" protocol of §14.2, as strict as the spec's client
//! expects a boot ROM to be.
//!
//! - Before the probe, everything but `A` is ignored; `A` is answered `U`.
//! - Every packet's CRC-16/XMODEM (big-endian) is checked; a bad one, a wrong sequence
//!   number or complement, a data packet of the wrong length or an end packet before
//!   all data is answered `55`, never `AA` ([inferred], §14.2), and the packet is dropped.
//! - Data packets carry `min(1024, bytes left)` bytes: the header's size says how many.
//! - A component loaded with lmode 1 (raminit) runs and returns to the boot ROM; one
//!   with lmode 2 (usbldr) starts through an A-core restart [inferred]: the stick leaves
//!   the bus and comes back in Balong download mode (§14.4, last item).

use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::protocol::bootrom::{ACK, PIECE, PROBE, PROBE_REPLY, XMODEM};

/// The boot ROM's USB id (§13.1).
pub const BOOT_ROM_ID: UsbId = UsbId::new(0x12d1, 0x1443);

/// Its one serial interface (as the device catalogue lists it).
pub const BOOT_ROM_PORTS: &[(u8, PortRole)] = &[(0, PortRole::BootRom)];

/// The synthetic stand-in for a stock loader's `flash_eraseall` call: a virtual stick
/// whose started loader carries these bytes erases its whole flash, NV area included.
/// (Real patched "usblsafe" loaders have the call patched out, §14.4.)
pub const ERASE_MARKER: &[u8] = b"MFSIM-FLASH-ERASEALL";

/// Any reply but `AA`: the spec leaves the byte open.
const REFUSE: u8 = 0x55;

/// What the boot ROM does besides replying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Started {
    /// The loader started; `erases` when it erases the whole flash first.
    Loader {
        /// It carries [`ERASE_MARKER`].
        erases: bool,
    },
}

/// A component being received.
#[derive(Debug)]
struct Loading {
    lmode: u8,
    size: usize,
    seq: u8,
    data: Vec<u8>,
}

/// The boot ROM's state.
#[derive(Debug, Default)]
pub struct BootRom {
    buf: Vec<u8>,
    probed: bool,
    loading: Option<Loading>,
}

impl BootRom {
    /// Just enumerated: waiting for the probe.
    pub fn new() -> Self {
        Self::default()
    }

    /// One received USB chunk: the reply bursts, and whether a loader started.
    pub fn receive(&mut self, chunk: &[u8]) -> (Vec<Vec<u8>>, Option<Started>) {
        self.buf.extend_from_slice(chunk);
        let mut replies = Vec::new();
        while let Some(&first) = self.buf.first() {
            if !self.probed || first == PROBE {
                self.buf.remove(0);
                if first == PROBE {
                    self.probed = true;
                    replies.push(vec![PROBE_REPLY]);
                }
                continue;
            }
            let Some(len) = self.packet_len(first) else {
                // Not a packet: refuse and start over with the next transfer.
                self.buf.clear();
                replies.push(vec![REFUSE]);
                break;
            };
            if self.buf.len() < len {
                break; // the rest of the packet is still on its way
            }
            let packet: Vec<u8> = self.buf.drain(..len).collect();
            let (ok, started) = self.packet(&packet);
            replies.push(vec![if ok { ACK } else { REFUSE }]);
            if started.is_some() {
                self.buf.clear();
                return (replies, started);
            }
        }
        (replies, None)
    }

    /// The length of the packet starting with `kind`, CRC included.
    fn packet_len(&self, kind: u8) -> Option<usize> {
        match kind {
            0xFE => Some(14),
            0xDA => self.loading.as_ref().map(|l| 3 + (l.size - l.data.len()).min(PIECE) + 2),
            0xED => Some(5),
            _ => None,
        }
    }

    /// Checks and applies one whole packet: (answered AA, a loader started).
    fn packet(&mut self, p: &[u8]) -> (bool, Option<Started>) {
        let (body, crc) = p.split_at(p.len() - 2);
        if XMODEM.checksum(body).to_be_bytes() != crc {
            return (false, None);
        }
        match body[0] {
            0xFE if body[1..3] == [0x00, 0xFF] && matches!(body[3], 1 | 2) => {
                let size = u32::from_be_bytes([body[4], body[5], body[6], body[7]]) as usize;
                if size == 0 {
                    return (false, None);
                }
                let data = Vec::with_capacity(size.min(1 << 20));
                self.loading = Some(Loading { lmode: body[3], size, seq: 1, data });
                (true, None)
            }
            0xDA => {
                let Some(l) = self.loading.as_mut().filter(|l| body[1] == l.seq && body[2] == !l.seq) else {
                    return (false, None);
                };
                if body.len() == 3 {
                    return (false, None); // nothing left to send, yet a data packet
                }
                l.data.extend_from_slice(&body[3..]);
                l.seq = l.seq.wrapping_add(1);
                (true, None)
            }
            0xED => match self.loading.take() {
                Some(l) if body[1] == l.seq && body[2] == !l.seq && l.data.len() == l.size => {
                    let started = (l.lmode == 2).then(|| Started::Loader {
                        erases: l.data.windows(ERASE_MARKER.len()).any(|w| w == ERASE_MARKER),
                    });
                    (true, started)
                }
                other => {
                    self.loading = other;
                    (false, None)
                }
            },
            _ => (false, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use modemflash_core::device::catalogue::{self, Mode};
    use modemflash_core::protocol::bootrom::Packet;

    use super::*;

    fn wire(p: Packet<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        p.encode(&mut out);
        out
    }

    #[test]
    fn the_catalogue_knows_the_port_it_shows() {
        let entry = catalogue::lookup(BOOT_ROM_ID).next().unwrap();
        assert_eq!((entry.mode, entry.ports), (Mode::BootRom, BOOT_ROM_PORTS));
    }

    #[test]
    fn packets_split_across_transfers_are_put_together() {
        let mut rom = BootRom::new();
        assert_eq!(rom.receive(b"xA").0, [[PROBE_REPLY]], "garbage before the probe is ignored");
        let header = wire(Packet::Header { lmode: 2, size: 3, address: 0x5000_0000 });
        assert_eq!(rom.receive(&header[..5]).0, Vec::<Vec<u8>>::new());
        assert_eq!(rom.receive(&header[5..]).0, [[ACK]]);
        assert_eq!(rom.receive(&wire(Packet::Data { seq: 1, data: b"abc" })).0, [[ACK]]);
        let (replies, started) = rom.receive(&wire(Packet::End { seq: 2 }));
        assert_eq!(replies, [[ACK]]);
        assert_eq!(started, Some(Started::Loader { erases: false }));
    }

    #[test]
    fn wrong_sequence_numbers_and_early_ends_are_refused() {
        let mut rom = BootRom::new();
        rom.receive(b"A");
        assert_eq!(rom.receive(&wire(Packet::Header { lmode: 1, size: 2000, address: 0 })).0, [[ACK]]);
        assert_eq!(rom.receive(&wire(Packet::Data { seq: 2, data: &[0; 1024] })).0, [[REFUSE]]);
        assert_eq!(rom.receive(&wire(Packet::Data { seq: 1, data: &[0; 1024] })).0, [[ACK]]);
        assert_eq!(rom.receive(&wire(Packet::End { seq: 2 })).0, [[REFUSE]], "976 bytes are missing");
        assert_eq!(rom.receive(&wire(Packet::Data { seq: 2, data: &[0; 976] })).0, [[ACK]]);
        assert_eq!(rom.receive(&wire(Packet::End { seq: 3 })), (vec![vec![ACK]], None), "raminit returns");
    }
}
