//! The benchmarks' firmware: a synthetic E3372h stick update of any size, and a
//! [`ByteSource`] over a file on disk.
//!
//! A real update is mostly large stored partitions (System, APP, WEBUI) plus a few
//! small packed ones. The synthetic one is the same: a small complete stick update
//! (`stick_update`: stored, zlib and LZMA partitions, the version marker the virtual
//! stick reports after the reboot) followed by stored bulk partitions. Packing hundreds
//! of MiB with lzma-rs would take minutes; verification of stored bytes is what the
//! numbers are about.

use modemflash_sim::image::update::stick_update;
use modemflash_sim::profile::E3372H;

/// The version the synthetic update installs.
pub const NEW_VERSION: &str = "22.333.01.00.00";

/// Flashed size of the complete (packed) stick update at the front.
const CORE_UPDATE: u64 = 1 << 20;

/// Largest bulk partition: bigger updates get several.
const BULK_MAX: u64 = 64 << 20;

/// Codes and names of the stored bulk partitions, in order (specs/huawei-balong.md §11.6).
const BULK: &[u32] = &[0x0059_0000, 0x005A_0000, 0x0019_0000, 0x0045_0000, 0x0046_0000, 0x001B_0000, 0x005D_0000];

/// A stick update for the E3372h that flashes about `size` bytes: at most
/// [`CORE_UPDATE`] bytes of a packed stick update, the rest in stored partitions.
///
/// # Panics
/// If `size` needs more bulk partitions than [`BULK`] names (above 449 MiB).
pub fn synthetic_update(size: u64) -> Vec<u8> {
    let core = size.min(CORE_UPDATE);
    let mut builder = stick_update(&E3372H, NEW_VERSION, core as usize);
    let mut left = size - core;
    let mut codes = BULK.iter();
    let mut seed = 0x9E37_79B9_7F4A_7C15;
    while left > 0 {
        let len = left.min(BULK_MAX);
        let code = codes.next().expect("size within the bulk partitions' reach");
        builder = builder.partition(*code, &bulk_bytes(len as usize, &mut seed));
        left -= len;
    }
    builder.build()
}

/// The largest update [`synthetic_update`] builds.
pub const MAX_SIZE: u64 = CORE_UPDATE + BULK_MAX * BULK.len() as u64;

/// Pseudo-random bytes (xorshift64), eight at a time: fast to make, incompressible.
fn bulk_bytes(len: usize, state: &mut u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len.next_multiple_of(8));
    while out.len() < len {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use modemflash_core::image::balong::inspect;
    use modemflash_core::image::InspectOptions;

    #[test]
    fn a_synthetic_update_verifies_and_has_bulk_partitions() {
        let file = synthetic_update(CORE_UPDATE + 300_000);
        let inspection = block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).unwrap();
        assert!(inspection.report.passed(), "{:#?}", inspection.report);
        let last = inspection.image.partitions.last().unwrap();
        assert_eq!(last.name, "System");
        assert_eq!(last.flashed_size, Some(300_000));
        let flashed: u64 = inspection.image.partitions.iter().map(|p| p.flashed_size.unwrap()).sum();
        assert!(flashed.abs_diff(CORE_UPDATE + 300_000) < 1024, "flashes {flashed} bytes");
    }
}
