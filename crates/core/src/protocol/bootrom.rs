//! The Balong boot ROM's emergency loader protocol, "usbdload" (specs/huawei-balong.md
//! §14.2), host side: probe with `A`, then every loader component as a header packet,
//! data packets and an end packet, each closed by a big-endian CRC-16/XMODEM and
//! answered by one reply whose first byte must be `AA`.
//!
//! The spec's client never retries: a reply other than `AA`, or none within 3 s, ends
//! the recovery. So does this client, with an error that names the packet.

use core::fmt;
use core::time::Duration;

use crate::event::{Event, Level, Observer};
use crate::port::{Port, PortError};

/// CRC-16/XMODEM (poly 0x1021, not reflected, init and xorout 0), §14.2.
pub const XMODEM: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_XMODEM);

/// The probe byte, `A`.
pub const PROBE: u8 = 0x41;

/// The boot ROM's answer to the probe, `U`.
pub const PROBE_REPLY: u8 = 0x55;

/// The acknowledgement: the first byte of a good reply.
pub const ACK: u8 = 0xAA;

/// The most data one `DA` packet carries.
pub const PIECE: usize = 1024;

/// How long the boot ROM may take to answer (the spec's client waits 3 s).
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(3);

/// One packet of §14.2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packet<'a> {
    /// `FE 00 FF <lmode> <size BE> <load address BE>`: a component follows.
    Header {
        /// 1 = start directly, 2 = start through an A-core restart.
        lmode: u8,
        /// The component's size.
        size: u32,
        /// Where it is loaded.
        address: u32,
    },
    /// `DA <seq> <~seq> <1..1024 bytes>`.
    Data {
        /// Sequence number: 1 for a component's first piece, wrapping as u8.
        seq: u8,
        /// The piece.
        data: &'a [u8],
    },
    /// `ED <seq> <~seq>`: the component is complete; `seq` is the next number.
    End {
        /// The next sequence number.
        seq: u8,
    },
}

impl Packet<'_> {
    /// The packet on the wire, CRC included, into `out` (cleared first).
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.clear();
        match *self {
            Packet::Header { lmode, size, address } => {
                out.extend_from_slice(&[0xFE, 0x00, 0xFF, lmode]);
                out.extend_from_slice(&size.to_be_bytes());
                out.extend_from_slice(&address.to_be_bytes());
            }
            Packet::Data { seq, data } => {
                out.extend_from_slice(&[0xDA, seq, !seq]);
                out.extend_from_slice(data);
            }
            Packet::End { seq } => out.extend_from_slice(&[0xED, seq, !seq]),
        }
        let crc = XMODEM.checksum(out);
        out.extend_from_slice(&crc.to_be_bytes());
    }
}

impl fmt::Display for Packet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Packet::Header { size, address, .. } => write!(f, "header packet ({size} bytes at {address:#010x})"),
            Packet::Data { seq, data } => write!(f, "data packet {seq} ({} bytes)", data.len()),
            Packet::End { seq } => write!(f, "end packet ({seq})"),
        }
    }
}

/// Why the boot ROM exchange stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BootRomError {
    /// The port failed underneath.
    #[error(transparent)]
    Port(#[from] PortError),
    /// Nothing, or not `U`, came back to the probe.
    #[error("this port is not a Balong boot ROM port: the probe 'A' was answered {0}")]
    NotBootRom(String),
    /// A packet was answered with something other than `AA`.
    #[error("the boot ROM refused the {packet} of {component}: it answered {reply:02X} instead of AA")]
    Refused {
        /// The packet, in words.
        packet: String,
        /// Which loader component.
        component: String,
        /// The first reply byte.
        reply: u8,
    },
    /// A packet got no reply within [`REPLY_TIMEOUT`].
    #[error("the boot ROM did not answer the {packet} of {component} within 3 seconds")]
    NoReply {
        /// The packet, in words.
        packet: String,
        /// Which loader component.
        component: String,
    },
}

/// A client on a boot ROM port.
pub struct BootRomClient<P, O> {
    port: P,
    observer: O,
    wire: Vec<u8>,
    buf: Vec<u8>,
}

impl<P: Port, O: Observer> BootRomClient<P, O> {
    /// A client on `port`.
    pub fn new(port: P, observer: O) -> Self {
        BootRomClient { port, observer, wire: Vec::with_capacity(PIECE + 5), buf: vec![0; PIECE] }
    }

    /// Gives back the port and the observer.
    pub fn into_parts(self) -> (P, O) {
        (self.port, self.observer)
    }

    /// Sends `A`, expects `U` (§14.2 "probe").
    pub async fn probe(&mut self) -> Result<(), BootRomError> {
        self.port.write(&[PROBE]).await?;
        match self.reply().await? {
            Some(PROBE_REPLY) => Ok(()),
            Some(other) => Err(BootRomError::NotBootRom(format!("{other:02X}"))),
            None => Err(BootRomError::NotBootRom("with silence".into())),
        }
    }

    /// Sends one component: header, data in 1024-byte pieces with sequence numbers
    /// from 1, end with the next number. `name` is for messages.
    pub async fn send_component(
        &mut self,
        name: &str,
        lmode: u8,
        address: u32,
        data: &[u8],
    ) -> Result<(), BootRomError> {
        let size = u32::try_from(data.len()).expect("loader components are far below 4 GiB");
        self.send(name, Packet::Header { lmode, size, address }).await?;
        let mut seq = 1u8;
        for piece in data.chunks(PIECE) {
            self.send(name, Packet::Data { seq, data: piece }).await?;
            seq = seq.wrapping_add(1);
        }
        self.send(name, Packet::End { seq }).await?;
        self.observer.on_event(&Event::Log(Level::Info, format!("The boot ROM took {name} ({size} bytes).")));
        Ok(())
    }

    async fn send(&mut self, component: &str, packet: Packet<'_>) -> Result<(), BootRomError> {
        packet.encode(&mut self.wire);
        self.port.write(&self.wire).await?;
        match self.reply().await? {
            Some(ACK) => Ok(()),
            Some(reply) => {
                Err(BootRomError::Refused { packet: packet.to_string(), component: component.into(), reply })
            }
            None => Err(BootRomError::NoReply { packet: packet.to_string(), component: component.into() }),
        }
    }

    /// The first byte of one reply; the rest of it is ignored, as the spec's client does.
    async fn reply(&mut self) -> Result<Option<u8>, PortError> {
        let n = self.port.read(&mut self.buf, REPLY_TIMEOUT).await?;
        Ok((n > 0).then(|| self.buf[0]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(p: Packet<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        p.encode(&mut out);
        out
    }

    #[test]
    fn crc_is_xmodem() {
        assert_eq!(XMODEM.checksum(b"123456789"), 0x31C3);
    }

    /// The example exchange of §14.3, byte for byte.
    #[test]
    fn packets_match_the_spec_example() {
        assert_eq!(
            wire(Packet::Header { lmode: 1, size: 1500, address: 0x1000_0000 }),
            [0xFE, 0x00, 0xFF, 0x01, 0x00, 0x00, 0x05, 0xDC, 0x10, 0x00, 0x00, 0x00, 0x5C, 0xCF]
        );
        assert_eq!(wire(Packet::End { seq: 3 }), [0xED, 0x03, 0xFC, 0x99, 0xA0]);
        assert_eq!(
            wire(Packet::Header { lmode: 2, size: 3000, address: 0x5000_0000 }),
            [0xFE, 0x00, 0xFF, 0x02, 0x00, 0x00, 0x0B, 0xB8, 0x50, 0x00, 0x00, 0x00, 0x0F, 0x6E]
        );
        let data = wire(Packet::Data { seq: 2, data: &[7; 476] });
        assert_eq!(&data[..3], [0xDA, 0x02, 0xFD]);
        assert_eq!(data.len(), 3 + 476 + 2);
        assert_eq!(XMODEM.checksum(&data[..data.len() - 2]).to_be_bytes(), data[data.len() - 2..]);
    }
}
