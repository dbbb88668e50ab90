//! Async-HDLC framing shared by the Huawei Balong download protocol and Qualcomm's
//! DMSS/streaming download (specs/huawei-balong.md §5).
//!
//! A frame on the wire is `7E | escape(payload ‖ FCS_lo ‖ FCS_hi) | 7E`. The FCS is
//! CRC-16/X-25 over the unescaped payload, appended low byte first (§5.1, §5.3). Only
//! `7E` and `7D` are escaped, as `7D` followed by the byte XOR 0x20, and the FCS bytes
//! are escaped like the payload (NAK 05 has an FCS byte `7E`, §7).
//!
//! [`HdlcDecoder`] is the receiving half: a push-parser that owns one partial frame, caps
//! its length and resynchronises at the next flag after anything it cannot accept.

use std::collections::VecDeque;
use std::sync::LazyLock;

/// CRC-16/X-25 (= RFC 1662 FCS-16), §5.3. The Balong container uses the same CRC for its
/// header and block checksums (§11.3). Slice-by-16 tables: the block checksums are most
/// of a file's verification, and this table computes them about 14 times faster than
/// the byte-at-a-time one (`modemflash-bench verify`), for 8 KiB of tables. Built at first
/// use rather than at compile time, so the tables are not shipped in the page's wasm (they
/// barely compress: 7 KB gzip, README "Budgets").
pub static X25: LazyLock<crc::Crc<u16, crc::Table<16>>> =
    LazyLock::new(|| crc::Crc::<u16, crc::Table<16>>::new(&crc::CRC_16_IBM_SDLC));

/// Starts and ends every frame.
pub const FLAG: u8 = 0x7E;

/// Announces an escaped byte; the next byte is the original XOR [`ESCAPE_XOR`].
pub const ESCAPE: u8 = 0x7D;

/// What an escaped byte is XORed with (`7E` → `7D 5E`, `7D` → `7D 5D`).
pub const ESCAPE_XOR: u8 = 0x20;

/// Length of the FCS after the payload.
pub const FCS_LEN: usize = 2;

/// Payload limit of a Balong stick until the first `41` (start partition) has been
/// processed: its `HDLC_BUF_SIZE`, §5.2.
pub const MAX_PAYLOAD_BEFORE_START: usize = 1024;

/// Payload limit of a Balong stick once a partition has been started:
/// `HDLC_PACKET_MAXLEN` = 8192 + 512, §5.2.
pub const MAX_PAYLOAD_AFTER_START: usize = 8192 + 512;

/// The FCS of `payload`: CRC-16/X-25, §5.3.
pub fn fcs(payload: &[u8]) -> u16 {
    X25.checksum(payload)
}

/// Appends the frame carrying `payload` to `out`: an optional leading flag, the escaped
/// payload and FCS, and the closing flag.
///
/// Hosts send the leading flag (`balong_flash` even sends it as a separate write, §5.1);
/// a Balong stick leaves it out of its `0D` version reply (§5.4).
pub fn encode(payload: &[u8], leading_flag: bool, out: &mut Vec<u8>) {
    // Worst case every byte is escaped; typical frames need barely more than their length.
    out.reserve(payload.len() + FCS_LEN + 2);
    if leading_flag {
        out.push(FLAG);
    }
    let fcs = fcs(payload).to_le_bytes();
    for &byte in payload.iter().chain(&fcs) {
        if byte == FLAG || byte == ESCAPE {
            out.extend_from_slice(&[ESCAPE, byte ^ ESCAPE_XOR]);
        } else {
            out.push(byte);
        }
    }
    out.push(FLAG);
}

/// Why a received frame was dropped. A Balong stick drops these silently (§5.2); a host
/// logs them and waits for its retry rules to resend (§8).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The FCS does not match the payload: corrupted on the way.
    #[error("dropped a {len}-byte frame whose checksum does not match (corrupted in transit)")]
    BadFcs {
        /// Unescaped length, FCS included.
        len: usize,
    },
    /// `7D` followed by something other than `5E`/`5D` (§5.2), a flag included.
    #[error("dropped a frame with an invalid escape: 7D followed by {byte:02X}")]
    BadEscape {
        /// The byte after the `7D`.
        byte: u8,
    },
    /// Not even a command byte and an FCS: at most 2 bytes between two flags (§5.2).
    #[error("dropped a {len}-byte frame, too short to hold a command and its checksum")]
    TooShort {
        /// Unescaped length.
        len: usize,
    },
    /// More payload than the receiver's buffer holds; the rest up to the next flag is skipped.
    #[error("dropped a frame longer than the {max_len}-byte limit")]
    Overlong {
        /// The payload limit in force.
        max_len: usize,
    },
}

/// A decoded item: a frame's payload without its FCS, or why a frame was dropped.
pub type Decoded = Result<Vec<u8>, FrameError>;

/// Push-parser for async-HDLC frames.
///
/// Feed received bytes with [`Self::push`] in whatever pieces they arrive and take the
/// results with [`Self::next_frame`]. Consecutive flags (empty frames) are skipped
/// silently; every other run of bytes between flags yields exactly one item. After an
/// error the decoder skips to the next flag, so the stream recovers by itself.
///
/// Memory: one frame buffer that grows to the payload limit and is reused, plus the
/// queue of results not yet taken. Nothing is allocated per byte.
#[derive(Debug)]
pub struct HdlcDecoder {
    /// Unescaped bytes of the frame being collected, FCS included.
    frame: Vec<u8>,
    /// The previous byte was `7D`.
    escaped: bool,
    /// Skipping to the next flag (after an error, or while hunting for the first flag).
    discarding: bool,
    /// Payload limit, FCS excluded.
    max_len: usize,
    /// Whether a frame whose FCS does not match is dropped.
    check_fcs: bool,
    /// Results not yet taken.
    ready: VecDeque<Decoded>,
}

impl HdlcDecoder {
    /// A host-side decoder: the bytes before the first flag already count as a frame, so
    /// the stick's `0D` version reply, sent without a leading flag, is accepted (§5.1).
    /// Garbage before a first flagged frame then reads as one dropped frame.
    pub fn new(max_len: usize) -> Self {
        HdlcDecoder {
            frame: Vec::new(),
            escaped: false,
            discarding: false,
            max_len,
            check_fcs: true,
            ready: VecDeque::new(),
        }
    }

    /// A device-side decoder: ignores everything before the first flag, as a Balong stick
    /// hunts for `7E` (§5.2).
    pub fn hunting(max_len: usize) -> Self {
        HdlcDecoder { discarding: true, ..Self::new(max_len) }
    }

    /// The payload limit in force.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Changes the payload limit, e.g. from [`MAX_PAYLOAD_BEFORE_START`] to
    /// [`MAX_PAYLOAD_AFTER_START`] once a partition has been started. It applies to the
    /// frame being collected too.
    pub fn set_max_len(&mut self, max_len: usize) {
        self.max_len = max_len;
    }

    /// Bytes of the frame being collected: never more than the limit plus the FCS.
    pub fn buffered(&self) -> usize {
        self.frame.len()
    }

    /// A device-side decoder that strips the FCS unchecked: a Qualcomm streaming
    /// programmer over USB does not check CRCs (`enable_crc_check` is 0,
    /// specs/qualcomm-dload.md §1.4), so corrupted data is written as received.
    pub fn hunting_unchecked(max_len: usize) -> Self {
        HdlcDecoder { check_fcs: false, ..Self::hunting(max_len) }
    }

    /// Feeds received bytes; decoded frames become available through [`Self::next_frame`].
    pub fn push(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if byte == FLAG {
                self.end_of_frame();
                continue;
            }
            if self.discarding {
                continue;
            }
            let byte = if self.escaped {
                self.escaped = false;
                if byte != FLAG ^ ESCAPE_XOR && byte != ESCAPE ^ ESCAPE_XOR {
                    self.drop_frame(FrameError::BadEscape { byte });
                    continue;
                }
                byte ^ ESCAPE_XOR
            } else if byte == ESCAPE {
                self.escaped = true;
                continue;
            } else {
                byte
            };
            if self.frame.len() >= self.max_len.saturating_add(FCS_LEN) {
                self.drop_frame(FrameError::Overlong { max_len: self.max_len });
                continue;
            }
            self.frame.push(byte);
        }
    }

    /// The next decoded item, oldest first.
    pub fn next_frame(&mut self) -> Option<Decoded> {
        self.ready.pop_front()
    }

    /// Reports `error` for the frame being collected and skips to the next flag.
    fn drop_frame(&mut self, error: FrameError) {
        self.ready.push_back(Err(error));
        self.frame.clear();
        self.discarding = true;
    }

    /// A flag: closes the frame being collected (if any) and starts the next one.
    fn end_of_frame(&mut self) {
        if self.escaped {
            self.ready.push_back(Err(FrameError::BadEscape { byte: FLAG }));
        } else if !self.discarding {
            self.finish_frame();
        }
        self.frame.clear();
        self.escaped = false;
        self.discarding = false;
    }

    fn finish_frame(&mut self) {
        let len = self.frame.len();
        let item = match len {
            0 => return,
            1..=FCS_LEN => Err(FrameError::TooShort { len }),
            _ if len - FCS_LEN > self.max_len => Err(FrameError::Overlong { max_len: self.max_len }),
            _ => {
                let (payload, received) = self.frame.split_at(len - FCS_LEN);
                if !self.check_fcs || fcs(payload).to_le_bytes() == received {
                    Ok(payload.to_vec())
                } else {
                    Err(FrameError::BadFcs { len })
                }
            }
        };
        self.ready.push_back(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
    }

    fn encoded(payload: &[u8], leading_flag: bool) -> Vec<u8> {
        let mut out = Vec::new();
        encode(payload, leading_flag, &mut out);
        out
    }

    fn decode_all(d: &mut HdlcDecoder) -> Vec<Decoded> {
        std::iter::from_fn(|| d.next_frame()).collect()
    }

    fn decoded(wire: &[u8]) -> Vec<Decoded> {
        let mut d = HdlcDecoder::new(MAX_PAYLOAD_AFTER_START);
        d.push(wire);
        decode_all(&mut d)
    }

    /// Payload and wire bytes of every fixed frame in §5.4 and every example frame in §10.
    fn golden() -> Vec<(&'static str, Vec<u8>, bool, Vec<u8>)> {
        let mut rows = vec![
            ("ACK", hex("02"), true, hex("7E 02 6A D3 7E")),
            ("3A echo", hex("3A"), true, hex("7E 3A A1 6E 7E")),
            ("CD-ROM status", hex("FB 00"), true, hex("7E FB 00 E7 97 7E")),
            (
                "version reply",
                [&[0x0D, 0x0F][..], b"7200B--SKCBADZM"].concat(),
                false,
                hex("0D 0F 37 32 30 30 42 2D 2D 53 4B 43 42 41 44 5A 4D C3 7B 7E"),
            ),
            ("version request", hex("0C"), true, hex("7E 0C 14 3A 7E")),
            ("identify", hex("45"), true, hex("7E 45 D1 E5 7E")),
            (
                "41 code 00020000 size 10100",
                hex("41 00 02 00 00 00 00 27 74 00 00 00"),
                true,
                hex("7E 41 00 02 00 00 00 00 27 74 00 00 00 41 92 7E"),
            ),
            (
                "43 size 10100 code 00020000",
                hex("43 00 00 27 74 00 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00"),
                true,
                hex("7E 43 00 00 27 74 00 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 92 8C 7E"),
            ),
            (
                "41 code 00560000 size 5",
                hex("41 00 56 00 00 00 00 00 05 00 00 00"),
                true,
                hex("7E 41 00 56 00 00 00 00 00 05 00 00 00 47 B7 7E"),
            ),
            (
                "42 block 1 len 5",
                hex("42 00 00 00 01 00 05 09 F5 32 B2 79"),
                true,
                hex("7E 42 00 00 00 01 00 05 09 F5 32 B2 79 AB 3C 7E"),
            ),
            (
                "43 size 5 code 00560000",
                hex("43 00 00 00 05 00 00 00 00 56 00 00 00 00 00 00 00 00 00 00 00 00 00"),
                true,
                hex("7E 43 00 00 00 05 00 00 00 00 56 00 00 00 00 00 00 00 00 00 00 00 00 00 1F 3A 7E"),
            ),
            ("reset", hex("0A"), true, hex("7E 0A 22 5F 7E")),
            ("leave HDLC", hex("01"), true, hex("7E 01 F1 E1 7E")),
        ];
        // §7: every NAK frame.
        let naks = [
            "21 38", "BA 0A", "33 1B", "8C 6F", "05 7D 5E", "9E 4C", "17 5D", "E0 A5", "69 B4", "F2 86", "7B 97",
            "C4 E3", "4D F2", "D6 C0", "5F D1",
        ];
        for (code, fcs) in (1u8..=15).zip(naks) {
            rows.push(("NAK", vec![0x03, 0x00, code], true, hex(&format!("7E 03 00 {code:02X} {fcs} 7E"))));
        }
        rows
    }

    #[test]
    fn crc_is_x25_with_its_check_value_and_residue() {
        assert_eq!(fcs(b"123456789"), 0x906E);
        // The register over payload ‖ FCS, before the final XOR, is the residue 0xF0B8.
        let mut with_fcs = b"123456789".to_vec();
        with_fcs.extend_from_slice(&0x906Eu16.to_le_bytes());
        assert_eq!(X25.checksum(&with_fcs) ^ 0xFFFF, 0xF0B8);
        assert_eq!(crc::CRC_16_IBM_SDLC.residue, 0xF0B8);
    }

    #[test]
    fn golden_frames_encode_exactly() {
        for (name, payload, leading_flag, wire) in golden() {
            assert_eq!(encoded(&payload, leading_flag), wire, "{name}");
        }
    }

    #[test]
    fn golden_frames_decode_to_their_payload() {
        for (name, payload, _, wire) in golden() {
            assert_eq!(decoded(&wire), vec![Ok(payload)], "{name}");
        }
    }

    #[test]
    fn wrong_fcs_of_a_third_party_version_request_is_rejected() {
        // §5.4: a probe script sends 7E 0C F3 D2 7E; the stick stays silent to it.
        assert_eq!(decoded(&hex("7E 0C F3 D2 7E")), vec![Err(FrameError::BadFcs { len: 3 })]);
    }

    #[test]
    fn fcs_bytes_are_escaped_too() {
        // NAK 05: FCS 05 7E, sent as 05 7D 5E.
        assert_eq!(encoded(&[0x03, 0x00, 0x05], true), hex("7E 03 00 05 05 7D 5E 7E"));
        assert_eq!(encoded(&[0x7E, 0x7D, 0x5E], false)[..5], hex("7D 5E 7D 5D 5E"));
    }

    #[test]
    fn consecutive_flags_are_skipped_silently() {
        assert_eq!(decoded(&hex("7E 7E 7E 02 6A D3 7E 7E 7E")), vec![Ok(vec![0x02])]);
    }

    #[test]
    fn version_reply_without_leading_flag_is_accepted_by_the_host() {
        let wire = hex("0D 0F 37 32 30 30 42 2D 2D 53 4B 43 42 41 44 5A 4D C3 7B 7E 7E 02 6A D3 7E");
        let frames = decoded(&wire);
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].as_ref().unwrap()[..2], [0x0D, 0x0F]);
        assert_eq!(frames[1], Ok(vec![0x02]));
    }

    #[test]
    fn device_decoder_ignores_bytes_before_the_first_flag() {
        let mut d = HdlcDecoder::hunting(MAX_PAYLOAD_BEFORE_START);
        // An unflagged valid frame, then AT text, then a flagged request.
        d.push(&hex("0C 14 3A 7E"));
        assert_eq!(decode_all(&mut d), vec![]);
        d.push(b"AT^BOGUS\r");
        d.push(&hex("7E 0C 14 3A 7E"));
        assert_eq!(decode_all(&mut d), vec![Err(FrameError::BadFcs { len: 9 }), Ok(vec![0x0C])]);
    }

    #[test]
    fn garbage_before_a_frame_is_one_dropped_frame_then_the_frame() {
        let mut wire = b"\r\nOK\r\n".to_vec();
        wire.extend(hex("7E 02 6A D3 7E"));
        assert_eq!(decoded(&wire), vec![Err(FrameError::BadFcs { len: 6 }), Ok(vec![0x02])]);
    }

    #[test]
    fn frames_of_two_bytes_or_less_are_too_short() {
        assert_eq!(
            decoded(&hex("7E 02 7E 6A D3 7E")),
            vec![Err(FrameError::TooShort { len: 1 }), Err(FrameError::TooShort { len: 2 })]
        );
    }

    #[test]
    fn invalid_escapes_drop_the_frame_and_the_next_frame_survives() {
        assert_eq!(
            decoded(&hex("7E 02 7D 11 6A D3 7E 02 6A D3 7E")),
            vec![Err(FrameError::BadEscape { byte: 0x11 }), Ok(vec![0x02])]
        );
        assert_eq!(decoded(&hex("7E 02 7D 7D 5E 7E")), vec![Err(FrameError::BadEscape { byte: 0x7D })]);
        // An escape cut off by a flag: that flag still starts the next frame.
        assert_eq!(
            decoded(&hex("7E 02 7D 7E 02 6A D3 7E")),
            vec![Err(FrameError::BadEscape { byte: 0x7E }), Ok(vec![0x02])]
        );
    }

    #[test]
    fn overlong_frame_is_reported_once_and_the_decoder_resyncs() {
        let mut d = HdlcDecoder::new(MAX_PAYLOAD_BEFORE_START);
        let mut wire = encoded(&vec![0x42; MAX_PAYLOAD_BEFORE_START + 1], true);
        wire.extend(encoded(&vec![0x42; MAX_PAYLOAD_BEFORE_START], true));
        wire.extend(encoded(&[0x02], true));
        d.push(&wire);
        let frames = decode_all(&mut d);
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0], Err(FrameError::Overlong { max_len: MAX_PAYLOAD_BEFORE_START }));
        assert_eq!(frames[1].as_ref().map(Vec::len), Ok(MAX_PAYLOAD_BEFORE_START));
        assert_eq!(frames[2], Ok(vec![0x02]));
    }

    #[test]
    fn raising_the_limit_after_the_first_start_accepts_data_blocks() {
        let block = [&[0x42, 0, 0, 0, 1, 0x10, 0x00][..], &[0x7E; 4096]].concat();
        let wire = encoded(&block, true);
        let mut d = HdlcDecoder::hunting(MAX_PAYLOAD_BEFORE_START);
        d.push(&wire);
        assert_eq!(decode_all(&mut d), vec![Err(FrameError::Overlong { max_len: MAX_PAYLOAD_BEFORE_START })]);
        d.set_max_len(MAX_PAYLOAD_AFTER_START);
        assert_eq!(d.max_len(), MAX_PAYLOAD_AFTER_START);
        d.push(&wire);
        assert_eq!(decode_all(&mut d), vec![Ok(block)]);
    }

    #[test]
    fn lowering_the_limit_applies_to_the_frame_in_progress() {
        let wire = encoded(&[0x42; 100], true);
        let mut d = HdlcDecoder::new(MAX_PAYLOAD_AFTER_START);
        d.push(&wire[..60]);
        d.set_max_len(10);
        d.push(&wire[60..]);
        assert_eq!(decode_all(&mut d), vec![Err(FrameError::Overlong { max_len: 10 })]);
    }

    proptest! {
        /// Any payloads, escaped and cut into any pieces, come out whole and in order.
        #[test]
        fn round_trip_under_any_chunking(
            payloads in proptest::collection::vec(
                proptest::collection::vec(prop_oneof![Just(0x7Eu8), Just(0x7Du8), any::<u8>()], 1..300),
                1..6,
            ),
            first_flag in any::<bool>(),
            cuts in proptest::collection::vec(0usize..200, 0..12),
        ) {
            let mut wire = Vec::new();
            for (i, p) in payloads.iter().enumerate() {
                encode(p, i > 0 || first_flag, &mut wire);
            }
            let mut d = HdlcDecoder::new(MAX_PAYLOAD_BEFORE_START);
            let mut rest = &wire[..];
            for c in cuts {
                let c = c.min(rest.len());
                d.push(&rest[..c]);
                rest = &rest[c..];
            }
            d.push(rest);
            let expected: Vec<Decoded> = payloads.into_iter().map(Ok).collect();
            prop_assert_eq!(decode_all(&mut d), expected);
        }

        /// Whatever garbage arrives, a frame after the next flag decodes.
        #[test]
        fn recovers_after_any_garbage(garbage in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let mut d = HdlcDecoder::new(MAX_PAYLOAD_BEFORE_START);
            d.push(&garbage);
            d.push(&hex("7E 7E 02 6A D3 7E"));
            let frames = decode_all(&mut d);
            prop_assert_eq!(frames.last(), Some(&Ok(vec![0x02])));
        }
    }
}
