//! The virtual stick's Balong download mode (sim::balong) fed arbitrary chunks: it
//! never panics, and never answers more HDLC frames than arrived with a good FCS (a
//! frame with a bad FCS is dropped in silence, huawei-balong.md §5.2).
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use modemflash_core::framing::hdlc::{self, HdlcDecoder};
use modemflash_sim::balong::DownloadMode;
use modemflash_sim::download::{DownloadDevice, Target};
use modemflash_sim::profile::E3372H;
use modemflash_sim::FaultPlan;

fuzz_target!(|data: &[u8]| {
    let mut device = DownloadMode::new(&E3372H);
    let mut flash = BTreeMap::new();
    let mut faults = FaultPlan::new();
    let mut started = 0;
    // The device's own limit is never above this one, so this decoder sees every frame
    // the device can accept.
    let mut shadow = HdlcDecoder::hunting(hdlc::MAX_PAYLOAD_AFTER_START);
    let mut table = Vec::new();
    let (mut good_frames, mut replies) = (0usize, 0usize);
    // Chunks are separated by 0xFF 0xFE: USB transfers as the device receives them.
    let mut rest = data;
    while !rest.is_empty() {
        let end = rest.windows(2).position(|w| w == [0xFF, 0xFE]).unwrap_or(rest.len());
        let chunk = &rest[..end];
        rest = rest.get(end + 2..).unwrap_or_default();
        let mut target = Target {
            flash: &mut flash,
            faults: &mut faults,
            partitions_started: &mut started,
            partition_table: &mut table,
            now: modemflash_core::time::Instant::ZERO,
        };
        let out = device.receive(chunk, &mut target);
        let at_reply = out.bursts.iter().any(|b| b.starts_with(b"\r\n"));
        if at_reply {
            assert_eq!(out.bursts.len(), 1, "an AT command gets one reply burst");
            continue;
        }
        shadow.push(chunk);
        good_frames += std::iter::from_fn(|| shadow.next_frame()).filter(Result::is_ok).count();
        replies += out.bursts.len();
        assert!(replies <= good_frames, "{replies} replies to {good_frames} good frames");
    }
});
