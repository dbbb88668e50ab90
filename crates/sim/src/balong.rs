//! Balong download mode, device side (specs/huawei-balong.md §3, §5.2, §6–§9, §15).
//!
//! Modelled on the Huawei download daemon, with the bootloader rules the spec asks a
//! device model to follow:
//! - AT phase: each received chunk is compared as a whole, case-insensitively, with a
//!   fixed table of `AT…\r` strings; no echo; one reply burst; anything else goes to
//!   the HDLC decoder, which ignores what is not inside flags. After `^DATAMODE`, AT
//!   text is ignored (§3.1 device model rule).
//! - HDLC phase: frames with a bad FCS or a bad escape are dropped in silence; the
//!   receive limit is 1024 bytes until the first `41`, 8704 after; length checks and
//!   block sequencing as §6 and §8 give them; ACK/NAK frames carry the leading flag,
//!   the `0D` version reply does not; unknown commands get no reply.
//! - A signed profile refuses `^DATAMODE` until `^SIGNVER` names its key, and NAKs a
//!   `41` sent anyway with code 02 (§15 item 2).

use std::collections::BTreeMap;

use modemflash_core::framing::hdlc::{self, HdlcDecoder};

use crate::download::{Action, DownloadDevice, Output, Target};
use crate::fault::Fault;
use crate::profile::{Profile, Signing};

/// `CDROMISO` partitions may be at most 40 MiB (§6, `41`).
const CDROM_CODE: u32 = 0x000B_0000;
const CDROM_MAX: u32 = 0x0280_0000;

/// The download daemon's version string (§5.4).
pub const DLOAD_VERSION: &str = "7200B--SKCBADZM";

/// A partition between its `41` and `43`.
#[derive(Debug)]
struct Open {
    index: usize,
    code: u32,
    size: u32,
    last: u32,
    data: Vec<u8>,
}

/// Download mode's state.
#[derive(Debug)]
pub struct DownloadMode {
    profile: &'static Profile,
    datamode: bool,
    signature_accepted: bool,
    decoder: HdlcDecoder,
    open: Option<Open>,
    started: bool,
}

impl DownloadMode {
    /// Fresh after enumerating in download mode: AT phase, 1024-byte frame limit.
    pub fn new(profile: &'static Profile) -> Self {
        DownloadMode {
            profile,
            datamode: false,
            signature_accepted: false,
            decoder: HdlcDecoder::hunting(hdlc::MAX_PAYLOAD_BEFORE_START),
            open: None,
            started: false,
        }
    }
}

impl DownloadDevice for DownloadMode {
    fn wrote_anything(&self) -> bool {
        self.started
    }

    /// One received USB chunk. Completed partitions are written into the target's flash.
    fn receive(&mut self, chunk: &[u8], target: &mut Target<'_>) -> Output {
        let mut out = Output::default();
        if !self.datamode {
            if let Some(reply) = self.at(chunk) {
                out.bursts.push(reply.into_bytes());
                return out;
            }
        }
        self.decoder.push(chunk);
        while let Some(frame) = self.decoder.next_frame() {
            // Bad FCS, bad escape, too short, overlong: dropped without a word (§5.2).
            let Ok(payload) = frame else { continue };
            if let Some(reply) = self.command(&payload, target, &mut out.action) {
                out.bursts.push(reply);
            }
        }
        out
    }
}

impl DownloadMode {
    /// The AT table of §3.2; `None` hands the chunk to the HDLC decoder.
    fn at(&mut self, chunk: &[u8]) -> Option<String> {
        let text = std::str::from_utf8(chunk).ok()?;
        let upper = text.to_ascii_uppercase();
        let command = upper.strip_suffix('\r')?;
        let ok = || "\r\nOK\r\n".to_string();
        let error = || "\r\nERROR\r\n".to_string();
        Some(match command {
            "ATE0" | "ATE1" | "AT+CMEE=0" | "AT^GODLOAD" => ok(),
            "AT^DLOADVER?" => "\r\n2.0\r\n\r\nOK\r\n".into(),
            "AT^DLOADINFO?" => format!(
                "\r\n\r\nswver:{}\r\n\r\niso:00.000.00.000.00\r\n\r\nproduct name:{}\r\n\r\ndload type:0\r\n\r\nOK\r\n",
                self.profile.revision, self.profile.model
            ),
            "AT^AUTHORITYVER?" => "\r\n1000\r\n\r\nOK\r\n".into(),
            "AT^AUTHORITYID?" | "AT^HWNATQRY?" | "AT^FLASHINFO?" => error(),
            "AT^NVBACKUP" => "\r\n0\r\n\r\nOK\r\n".into(),
            "AT^DATAMODE" => {
                if matches!(self.profile.signing, Signing::Required { .. }) && !self.signature_accepted {
                    // The refusal bytes are undocumented (§16); anything but OK (§15).
                    error()
                } else {
                    self.datamode = true;
                    ok()
                }
            }
            _ => {
                let args = command.strip_prefix("AT^SIGNVER=")?;
                let accepted = self.check_signver(args);
                self.signature_accepted |= accepted;
                format!("\r\n{}\r\n\r\nOK\r\n", if accepted { 0 } else { 1 })
            }
        })
    }

    /// `<type>,0,<hash64>,<siglen>`: accepted when the hash names this stick's key.
    /// An unsigned profile accepts any well-formed parameters, as newer bootloaders
    /// answer `^SIGNVER` whether or not they check signatures.
    fn check_signver(&self, args: &str) -> bool {
        let fields: Vec<&str> = args.split(',').collect();
        let [kind, zero, hash, siglen] = fields[..] else { return false };
        let well_formed = kind.parse::<u8>().is_ok_and(|k| k <= 7)
            && zero == "0"
            && hash.len() == 64
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
            && siglen.parse::<u32>().is_ok_and(|n| n > 0);
        match self.profile.signing {
            Signing::Required { key_hash } => well_formed && hash.eq_ignore_ascii_case(key_hash),
            Signing::None => well_formed,
        }
    }

    /// One HDLC command (§6); `None` is silence.
    fn command(&mut self, p: &[u8], target: &mut Target<'_>, action: &mut Option<Action>) -> Option<Vec<u8>> {
        let reply = match p[0] {
            0x0C if p.len() != 1 => nak(0x03),
            0x0C => {
                let mut payload = vec![0x0D, DLOAD_VERSION.len() as u8];
                payload.extend_from_slice(DLOAD_VERSION.as_bytes());
                return Some(frame(&payload, false));
            }
            0x45 => {
                let mut payload = b"\x45HUAWEI ".to_vec();
                payload.extend_from_slice(self.profile.dload_id.as_bytes());
                payload.resize(payload.len().max(21), 0);
                payload
            }
            0x3A if p.len() == 1 => vec![0x3A],
            0xFB if p.len() == 1 => vec![0xFB, 0x00],
            0x41 => self.start(p, target),
            0x42 => self.data(p, target),
            0x43 => self.end(p, target.flash),
            0x0A if p.len() != 1 => nak(0x03),
            0x0A => {
                *action = Some(Action::Reboot);
                vec![0x02]
            }
            _ => return None,
        };
        Some(frame(&reply, true))
    }

    fn start(&mut self, p: &[u8], target: &mut Target<'_>) -> Vec<u8> {
        if p.len() != 12 {
            return nak(0x03);
        }
        if matches!(self.profile.signing, Signing::Required { .. }) && !self.signature_accepted {
            return nak(0x02);
        }
        let code = u32::from_be_bytes([p[1], p[2], p[3], p[4]]);
        let size = u32::from_be_bytes([p[5], p[6], p[7], p[8]]);
        if size == 0 || (code == CDROM_CODE && size > CDROM_MAX) {
            return nak(0x07);
        }
        self.started = true;
        let index = *target.partitions_started;
        *target.partitions_started += 1;
        self.open = Some(Open { index, code, size, last: 0, data: Vec::new() });
        self.decoder.set_max_len(hdlc::MAX_PAYLOAD_AFTER_START);
        vec![0x02]
    }

    fn data(&mut self, p: &[u8], target: &mut Target<'_>) -> Vec<u8> {
        // Length check first, then sequencing (§8).
        if p.len() < 7 || p.len() != usize::from(u16::from_be_bytes([p[5], p[6]])) + 7 {
            return nak(0x04);
        }
        let Some(open) = self.open.as_mut() else { return nak(0x07) };
        let n = u32::from_be_bytes([p[1], p[2], p[3], p[4]]);
        if n == open.last {
            return vec![0x02]; // a retransmission: ACKed and dropped
        }
        if n != open.last + 1 {
            return nak(0x07); // lost or out of order
        }
        let planned = |f: &Fault| matches!(f, Fault::NakBlock { partition, block, .. } if *partition == open.index && *block == n);
        if let Some(Fault::NakBlock { code, .. }) = target.faults.take(planned) {
            if code == 0x07 {
                self.open = None; // a write error resets the partition state (§8)
            }
            return nak(code);
        }
        let data = &p[7..];
        if open.data.len() + data.len() > open.size as usize {
            self.open = None; // a write past the partition fails and resets its state
            return nak(0x07);
        }
        open.data.extend_from_slice(data);
        open.last = n;
        vec![0x02]
    }

    /// `43` closes whatever `41` opened (the daemon does not read its fields). A
    /// partition that did not receive all its bytes fails to finalise: NAK 07 [inferred,
    /// a real bootloader cannot commit an image it did not get whole].
    fn end(&mut self, p: &[u8], flash: &mut BTreeMap<u32, Vec<u8>>) -> Vec<u8> {
        if p.len() != 23 {
            return nak(0x03);
        }
        match self.open.take() {
            Some(open) if open.data.len() == open.size as usize => {
                flash.insert(open.code, open.data);
                vec![0x02]
            }
            _ => nak(0x07),
        }
    }
}

fn nak(code: u8) -> Vec<u8> {
    vec![0x03, 0x00, code]
}

fn frame(payload: &[u8], leading_flag: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 6);
    hdlc::encode(payload, leading_flag, &mut out);
    out
}
