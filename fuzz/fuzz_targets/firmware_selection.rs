//! One firmware file as the CLI and the page take it (image::Selection::of_file) over
//! arbitrary bytes: a Balong or CWE image, or a zipped Qualcomm package read in place.
//! A failing report names every problem; a passing one can be read to its last byte
//! (every zip entry unpacks and matches its CRC-32). Run with -malloc_limit_mb: no
//! size a header or the zip's directory claims may be allocated up front.
#![no_main]

use futures::executor::block_on;
use libfuzzer_sys::fuzz_target;
use modemflash_core::image::{ByteSource, InspectOptions, Selection};

fuzz_target!(|data: &[u8]| {
    let mut selection =
        block_on(Selection::of_file(data, &InspectOptions::default())).expect("memory never fails to read");
    let report = &selection.inspection.report;
    if !report.passed() {
        assert!(report.failures().all(|c| !c.sentence.is_empty()), "a failure without a sentence");
        return;
    }
    let len = selection.source.len();
    let mut buf = vec![0; 64 * 1024];
    let mut at = 0u64;
    while at < len {
        let n = buf.len().min((len - at) as usize);
        block_on(selection.source.read_at(at, &mut buf[..n])).expect("a passed selection reads to its end");
        at += n as u64;
    }
});
