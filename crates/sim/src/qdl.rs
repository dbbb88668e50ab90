//! Sierra QDL ("boot and hold") download mode, device side, following the device model
//! checklist of specs/sierra-cwe-qdl.md §12:
//! - silent after enumeration until the host writes (§7.2: a Sahara device would talk);
//! - two kinds of input: HDLC frames (bad FCS → Error 0x17) and, while an image is
//!   open, raw `27` write headers followed by exactly `length` raw bytes (§8.1; a bad
//!   header CRC → Error 0x17 and the rest of that transfer is dropped);
//! - `IDLE → (70: ACK) → HELLO_OK → OPEN → WRITING → CLOSED → … → RESET`; a Hello
//!   abandons an open image (so a second run after a failed write works, §9 step 8);
//!   out of order →
//!   Error 0x0F, unknown command → Error 0x16, a repeated `70` → Error 0x16 (§9 step 8),
//!   a Hello without a version of the profile → Error 0x11 ("bad feature bits": the
//!   spec names no code, reading);
//! - sequence numbers run 0, 1, 2 … and the `28` echoes the one received;
//! - on close the header and data are checked with the strict CWE rules (§4.1) and the
//!   module's product; a failure is a non-zero close status naming image type 0x80;
//! - one reply frame per request, each in one burst; `2D` gets no reply and reboots.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use modemflash_core::framing::hdlc::{self, FrameError, HdlcDecoder};
use modemflash_core::image::cwe::{self, header::HEADER_LEN};
use modemflash_core::image::InspectOptions;
use modemflash_core::protocol::qdl::command::{op, ErrorCode, Reply, HELLO_FEATURES, IMAGE_TYPE_CWE, WRITE_HEADER_LEN};

use crate::download::{Action, DownloadDevice, Output, Target};
use crate::fault::Fault;
use crate::profile::Profile;

/// Longest framed request: the 413-byte open request, with room for a longer Hello.
const MAX_REQUEST: usize = 512;

/// Close status for an image that failed the module's checks (real values are
/// unknown, §12 item 5; the client only checks ≠ 0).
pub const CLOSE_REFUSED: u16 = 1;

/// Where the session stands (§12 item 3).
#[derive(Debug)]
enum Phase {
    /// Fresh: only `70` is in sequence.
    Idle,
    /// Switched; a Hello is needed before an open.
    Switched,
    /// A Hello was accepted.
    HelloOk,
    /// An image is open and receiving writes.
    Open(OpenImage),
}

#[derive(Debug)]
struct OpenImage {
    /// Which image of the session (for fault plans), from 0.
    index: usize,
    header: Vec<u8>,
    data_len: u32,
    data: Vec<u8>,
    next_seq: u16,
}

/// A raw write being received (§8.1).
#[derive(Debug)]
enum Raw {
    /// Collecting the 13 header bytes.
    Header(Vec<u8>),
    /// Taking `left` more payload bytes of chunk `seq` into `bytes`.
    Payload { seq: u16, left: usize, bytes: Vec<u8> },
}

/// QDL download mode's state.
#[derive(Debug)]
pub struct DownloadMode {
    profile: &'static Profile,
    decoder: HdlcDecoder,
    phase: Phase,
    raw: Option<Raw>,
    /// The last byte fed to the decoder was a flag (or nothing was fed): a raw `27` may start.
    at_boundary: bool,
    wrote: bool,
    /// Hello versions the module accepts (its profile's boot loader).
    versions: core::ops::RangeInclusive<u8>,
}

impl DownloadMode {
    /// Fresh after enumerating in boot-and-hold, accepting the Hello `versions`.
    pub fn new(profile: &'static Profile, versions: core::ops::RangeInclusive<u8>) -> Self {
        DownloadMode {
            versions,
            profile,
            decoder: HdlcDecoder::hunting(MAX_REQUEST),
            phase: Phase::Idle,
            raw: None,
            at_boundary: true,
            wrote: false,
        }
    }
}

impl DownloadDevice for DownloadMode {
    fn wrote_anything(&self) -> bool {
        self.wrote
    }

    fn receive(&mut self, chunk: &[u8], target: &mut Target<'_>) -> Output {
        let mut out = Output::default();
        let mut rest = chunk;
        while !rest.is_empty() {
            if self.raw.is_some() {
                rest = self.raw_bytes(rest, target, &mut out);
                continue;
            }
            if self.at_boundary && rest[0] == op::WRITE && matches!(self.phase, Phase::Open(_)) {
                self.raw = Some(Raw::Header(Vec::with_capacity(WRITE_HEADER_LEN)));
                continue;
            }
            let byte = rest[0];
            rest = &rest[1..];
            self.at_boundary = byte == hdlc::FLAG;
            self.decoder.push(&[byte]);
            while let Some(frame) = self.decoder.next_frame() {
                let reply = match frame {
                    Ok(payload) => self.request(&payload, target, &mut out.action),
                    Err(FrameError::BadFcs { .. }) => Some(Reply::Error(ErrorCode::BAD_CRC)),
                    Err(_) => Some(Reply::Error(ErrorCode::BAD_LENGTH)),
                };
                out.bursts.extend(reply.map(|r| r.frame()));
            }
        }
        out
    }
}

impl DownloadMode {
    /// Takes bytes of a raw write; returns what is left of the transfer.
    fn raw_bytes<'a>(&mut self, bytes: &'a [u8], target: &mut Target<'_>, out: &mut Output) -> &'a [u8] {
        match self.raw.take() {
            Some(Raw::Header(mut header)) => {
                let take = (WRITE_HEADER_LEN - header.len()).min(bytes.len());
                header.extend_from_slice(&bytes[..take]);
                if header.len() < WRITE_HEADER_LEN {
                    self.raw = Some(Raw::Header(header));
                    return &bytes[take..];
                }
                let seq = u16::from_le_bytes([header[1], header[2]]);
                let len = u32::from_le_bytes(header[7..11].try_into().expect("4 bytes"));
                // The length cannot be trusted after either error: drop the rest of this
                // transfer. A non-zero reserved field (the SDK's "address") reads as a bad
                // address [reading].
                let refusal = if header[11..] != hdlc::fcs(&header[..11]).to_le_bytes() {
                    Some(ErrorCode::BAD_CRC)
                } else if header[3..7] != [0; 4] {
                    Some(ErrorCode::BAD_ADDRESS)
                } else {
                    None
                };
                if let Some(code) = refusal {
                    out.bursts.push(Reply::Error(code).frame());
                    self.at_boundary = true;
                    return &[];
                }
                let len = len as usize;
                self.raw = Some(Raw::Payload { seq, left: len, bytes: Vec::with_capacity(len.min(2 << 20)) });
                self.finish_write_if_done(target, out);
                &bytes[take..]
            }
            Some(Raw::Payload { seq, left, bytes: mut payload }) => {
                let take = left.min(bytes.len());
                payload.extend_from_slice(&bytes[..take]);
                self.raw = Some(Raw::Payload { seq, left: left - take, bytes: payload });
                self.finish_write_if_done(target, out);
                &bytes[take..]
            }
            None => bytes,
        }
    }

    /// Once a chunk's payload is complete: check it and reply with `28` or an Error.
    fn finish_write_if_done(&mut self, target: &mut Target<'_>, out: &mut Output) {
        let Some(Raw::Payload { left: 0, .. }) = self.raw else { return };
        let Some(Raw::Payload { seq, bytes, .. }) = self.raw.take() else { return };
        self.at_boundary = true;
        self.wrote = true;
        let Phase::Open(open) = &mut self.phase else { return };
        let planned = target.faults.take(|f| {
            matches!(f, Fault::NakBlock { partition, block, .. } if *partition == open.index && *block == u32::from(seq) + 1)
        });
        let reply = if let Some(Fault::NakBlock { code, .. }) = planned {
            Reply::Error(ErrorCode(u32::from(code)))
        } else if seq != open.next_seq {
            Reply::Error(ErrorCode::OUT_OF_SEQUENCE)
        } else if open.data.len() + bytes.len() > open.data_len as usize {
            Reply::Error(ErrorCode::BAD_LENGTH)
        } else {
            // Only an accepted chunk is kept.
            open.data.extend_from_slice(&bytes);
            open.next_seq = open.next_seq.wrapping_add(1);
            Reply::Written { seq, status: 0 }
        };
        out.bursts.push(reply.frame());
    }

    /// One framed request (§8).
    fn request(&mut self, p: &[u8], target: &mut Target<'_>, action: &mut Option<Action>) -> Option<Reply> {
        let out_of_sequence = Some(Reply::Error(ErrorCode::OUT_OF_SEQUENCE));
        match p[0] {
            op::SWITCH if p.len() < 3 => Some(Reply::Error(ErrorCode::BAD_LENGTH)),
            op::SWITCH => match self.phase {
                Phase::Idle => {
                    self.phase = Phase::Switched;
                    Some(Reply::Ack)
                }
                _ => Some(Reply::Error(ErrorCode::UNSUPPORTED)),
            },
            _ if matches!(self.phase, Phase::Idle) => out_of_sequence,
            op::HELLO if p.len() < 36 => Some(Reply::Error(ErrorCode::BAD_LENGTH)),
            op::HELLO => {
                let (host_max, host_min) = (p[33], p[34]);
                let min = *self.versions.start();
                let version = self.versions.clone().rev().find(|v| (host_min..=host_max).contains(v));
                match version {
                    Some(version) => {
                        self.phase = Phase::HelloOk;
                        Some(Reply::Hello { version, compatible: min, features: p[35] & HELLO_FEATURES })
                    }
                    None => Some(Reply::Error(ErrorCode::BAD_FEATURES)),
                }
            }
            op::OPEN if !matches!(self.phase, Phase::HelloOk) => out_of_sequence,
            op::OPEN => self.open(p, target),
            op::CLOSE => match std::mem::replace(&mut self.phase, Phase::Switched) {
                Phase::Open(open) => Some(self.close(open, target)),
                other => {
                    self.phase = other;
                    out_of_sequence
                }
            },
            op::RESET => {
                *action = Some(Action::Reboot);
                None
            }
            _ => Some(Reply::Error(ErrorCode::UNSUPPORTED)),
        }
    }

    /// `25`: 13 bytes and the 400-byte header of a CWE image (§8).
    fn open(&mut self, p: &[u8], target: &mut Target<'_>) -> Option<Reply> {
        if p.len() < 13 {
            return Some(Reply::Error(ErrorCode::BAD_LENGTH));
        }
        let total = u32::from_le_bytes(p[2..6].try_into().expect("4 bytes"));
        let data_len = u32::from_le_bytes(p[7..11].try_into().expect("4 bytes"));
        let header = &p[13..];
        if p[1] != IMAGE_TYPE_CWE {
            // Headerless Gobi images (§10) are not this module's.
            return Some(Reply::Opened { status: CLOSE_REFUSED });
        }
        if header.len() != HEADER_LEN || u64::from(total) != HEADER_LEN as u64 + u64::from(data_len) {
            return Some(Reply::Error(ErrorCode::BAD_LENGTH));
        }
        let index = *target.partitions_started;
        *target.partitions_started += 1;
        self.phase = Phase::Open(OpenImage {
            index,
            header: header.to_vec(),
            data_len,
            data: Vec::with_capacity((data_len as usize).min(64 << 20)),
            next_seq: 0,
        });
        Some(Reply::Opened { status: 0 })
    }

    /// `29`: the whole image is checked, then flashed (§12 item 5).
    fn close(&mut self, open: OpenImage, target: &mut Target<'_>) -> Reply {
        let refused = Reply::Closed { status: CLOSE_REFUSED, failed_type: IMAGE_TYPE_CWE };
        if open.data.len() != open.data_len as usize {
            return refused;
        }
        let mut file = open.header;
        file.extend_from_slice(&open.data);
        let inspection = ready(cwe::inspect(&mut file, &InspectOptions::default()));
        let Ok(inspection) = inspection else { return refused };
        let product = crate::image::cwe::product_text(self.profile);
        let fits = inspection.image.target.platform.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(&product));
        if !inspection.report.passed() || !fits {
            return refused;
        }
        let code = inspection.image.partitions[0].code.unwrap_or_default();
        target.flash.insert(code, file);
        Reply::Closed { status: 0, failed_type: 0 }
    }
}

/// Runs a future that never waits (the parser over bytes in memory) to its end.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}
