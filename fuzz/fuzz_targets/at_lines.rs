//! AT response lines (framing::lines): the same lines whatever the chunking, none longer
//! than `MAX_LINE`, none holding a terminator.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modemflash_core::framing::lines::{Line, LineDecoder, MAX_LINE};

fn decode<'a>(chunks: impl Iterator<Item = &'a [u8]>) -> Vec<Line> {
    let mut d = LineDecoder::new();
    let mut out = Vec::new();
    for chunk in chunks {
        d.push(chunk);
        out.extend(std::iter::from_fn(|| d.next_line()));
    }
    d.flush_pending_cr();
    out.extend(std::iter::from_fn(|| d.next_line()));
    out
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the chunk size, the rest is the stream.
    let Some((&size, stream)) = data.split_first() else { return };
    let whole = decode(std::iter::once(stream));
    let chunked = decode(stream.chunks(usize::from(size).max(1)));
    let bytewise = decode(stream.chunks(1));
    assert_eq!(whole, chunked, "chunks of {size} bytes change the lines");
    assert_eq!(whole, bytewise, "single bytes change the lines");
    for line in &whole {
        if let Line::Text(t) = line {
            assert!(!t.is_empty(), "an empty line was reported");
            // Lossy UTF-8 may widen a byte to three; the raw line is at most MAX_LINE.
            assert!(t.chars().count() <= MAX_LINE, "a {}-character line passed the cap", t.chars().count());
            assert!(!t.contains(['\r', '\n']), "a line kept its terminator: {t:?}");
        }
    }
});
