//! The virtual stick's boot ROM (sim::bootrom) fed arbitrary chunks: it never panics,
//! answers with one byte at a time, and never acknowledges more packets than the input
//! holds with a good CRC-16/XMODEM (a bad CRC is never answered `AA`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use modemflash_core::protocol::bootrom::{ACK, XMODEM};
use modemflash_sim::bootrom::BootRom;

/// How many places in `input` hold a packet (`FE`, `DA` or `ED`, up to 1027 bytes, then
/// the big-endian CRC of them): an upper bound on the packets a boot ROM may accept.
fn good_packets(input: &[u8]) -> usize {
    let mut count = 0;
    for start in (0..input.len()).filter(|&i| matches!(input[i], 0xFE | 0xDA | 0xED)) {
        let mut digest = XMODEM.digest();
        for end in start + 1..input.len().min(start + 1028) {
            digest.update(&input[end - 1..end]);
            if input.get(end..end + 2) == Some(&digest.clone().finalize().to_be_bytes()[..]) {
                count += 1;
            }
        }
    }
    count
}

fuzz_target!(|data: &[u8]| {
    let mut rom = BootRom::new();
    let mut acks = 0usize;
    let mut all = Vec::new();
    // Chunks are separated by 0xFF 0xFE: USB transfers as the boot ROM receives them.
    let mut rest = data;
    while !rest.is_empty() {
        let end = rest.windows(2).position(|w| w == [0xFF, 0xFE]).unwrap_or(rest.len());
        let chunk = &rest[..end];
        rest = rest.get(end + 2..).unwrap_or_default();
        all.extend_from_slice(chunk);
        let (replies, _) = rom.receive(chunk);
        assert!(replies.iter().all(|r| r.len() == 1));
        acks += replies.iter().filter(|r| r[0] == ACK).count();
    }
    let good = good_packets(&all);
    assert!(acks <= good, "{acks} ACKs, only {good} packets with a good CRC");
});
