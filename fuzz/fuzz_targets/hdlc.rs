//! Async-HDLC (framing::hdlc): decoding `encode(x)` gives back `x` under any chunking;
//! arbitrary input never yields a frame whose FCS does not check (every frame it yields
//! is the exact encoding of its payload, somewhere in the input); the frame buffer
//! never grows past the limit plus the FCS.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modemflash_core::framing::hdlc::{self, HdlcDecoder, FCS_LEN};

fuzz_target!(|data: &[u8]| {
    let Some((&control, data)) = data.split_first() else { return };
    let chunk = usize::from(control >> 1).max(1);
    let max_len = if control & 1 == 0 { hdlc::MAX_PAYLOAD_BEFORE_START } else { 64 };

    // Round trip.
    if !data.is_empty() && data.len() <= max_len {
        let mut wire = Vec::new();
        hdlc::encode(data, control & 2 == 0, &mut wire);
        let mut d = HdlcDecoder::new(max_len);
        let mut frames = Vec::new();
        for piece in wire.chunks(chunk) {
            d.push(piece);
            frames.extend(std::iter::from_fn(|| d.next_frame()));
        }
        assert_eq!(frames, vec![Ok(data.to_vec())], "encode then decode lost the payload");
    }

    // Arbitrary bytes, host side and device side.
    for mut d in [HdlcDecoder::new(max_len), HdlcDecoder::hunting(max_len)] {
        for piece in data.chunks(chunk) {
            d.push(piece);
            assert!(d.buffered() <= max_len + FCS_LEN, "{} bytes buffered", d.buffered());
            while let Some(frame) = d.next_frame() {
                let Ok(payload) = frame else { continue };
                assert!(!payload.is_empty() && payload.len() <= max_len);
                let mut wire = Vec::new();
                hdlc::encode(&payload, false, &mut wire);
                assert!(
                    data.windows(wire.len()).any(|w| w == wire),
                    "a frame was accepted that is not in the input with a good FCS"
                );
            }
        }
    }
});
