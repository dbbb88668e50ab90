//! Boot ROM loader files (image::usbloader) over arbitrary bytes: a loader that passes
//! has one to ten components, each inside the file, and is flagged as erasing unless
//! its name says "usblsafe".
#![no_main]

use libfuzzer_sys::fuzz_target;
use modemflash_core::image::usbloader::{inspect, MAX_COMPONENTS};

fuzz_target!(|data: &[u8]| {
    let loader = inspect("usbloader.bin", data.to_vec());
    assert!(loader.erases_flash, "a stock-named loader was called safe");
    if loader.report.passed() {
        assert!((1..=MAX_COMPONENTS).contains(&loader.components.len()));
        for c in &loader.components {
            assert!(matches!(c.lmode, 1 | 2));
            assert_eq!(loader.data(c).len(), c.size as usize);
        }
    } else {
        assert!(loader.report.failures().all(|c| c.sentence.ends_with('.')));
    }
});
