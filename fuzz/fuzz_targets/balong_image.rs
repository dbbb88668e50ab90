//! Balong image inspection (image::balong) over arbitrary bytes: a report that passes
//! means every partition's flashed bytes can be read back, exactly `flashed_size` of
//! them. Run with -malloc_limit_mb: no length field may allocate what it claims.
#![no_main]

use futures::executor::block_on;
use libfuzzer_sys::fuzz_target;
use modemflash_core::image::{inspect, FlashedReader, InspectOptions};

fuzz_target!(|data: &[u8]| {
    let inspection = block_on(inspect(&mut &data[..], &InspectOptions::default())).expect("memory never fails to read");
    if !inspection.report.passed() {
        assert!(inspection.report.failures().all(|c| !c.sentence.is_empty()), "a failure without a sentence");
        return;
    }
    let mut buf = vec![0; 64 * 1024];
    for p in &inspection.image.partitions {
        let size = p.flashed_size.expect("a passed report knows every flashed size");
        let mut reader = FlashedReader::new(p);
        let mut read = 0u64;
        loop {
            let n = block_on(reader.fill(&mut &data[..], &mut buf)).expect("a passed partition unpacks");
            if n == 0 {
                break;
            }
            read += n as u64;
            assert!(read <= size, "partition {} gives more than its {size} bytes", p.index);
        }
        assert_eq!(read, size, "partition {} gives fewer bytes than its flashed size", p.index);
    }
});
