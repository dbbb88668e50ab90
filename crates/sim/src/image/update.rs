//! Complete synthetic stick updates: the partitions a Balong stick update carries
//! (specs/huawei-balong.md §11.6), stored, zlib- and LZMA-packed, for the tests, the
//! benchmarks and the page's virtual modem ("try it" needs a file to flash).

use modemflash_core::image::balong::signature::KEY_HASH_LEN;

use super::balong::BalongImageBuilder;
use crate::dongle::VERSION_MARKER;
use crate::profile::{BootLoader, Profile, Signing};

/// Partition codes of a stick update, in flashing order, with how each is packed.
const PARTITIONS: &[(u32, Packing, usize)] = &[
    (0x0001_0000, Packing::Stored, 1), // Ptable
    (0x0002_0000, Packing::Stored, 4), // M3Boot
    (0x0003_0000, Packing::Zlib, 16),  // Kernel
    (0x0004_0000, Packing::Lzma, 24),  // VxWorks: carries the version marker
    (0x0007_0000, Packing::Stored, 4), // Nvdload
    (0x0056_0000, Packing::Zlib, 15),  // WEBUI
];

#[derive(Clone, Copy)]
enum Packing {
    Stored,
    Zlib,
    Lzma,
}

/// The partition that reports the firmware version after a reboot.
pub const VERSION_PARTITION: u32 = 0x0004_0000;

/// An update to firmware `version` for sticks of `profile`, about `size` bytes flashed
/// in all, signed with the profile's key when its bootloader requires signatures.
/// Every partition's bytes depend on `version`, so updates to different versions differ
/// everywhere.
pub fn stick_update(profile: &Profile, version: &str, size: usize) -> BalongImageBuilder {
    let platform = profile.dload_id.trim_start_matches("CL2");
    let weights: usize = PARTITIONS.iter().map(|p| p.2).sum();
    let mut builder = BalongImageBuilder::new()
        .platform(platform)
        .version(&format!(":{platform}:{version}"))
        .date("2026.11.02")
        .time("10:30:00");
    for (i, &(code, packing, weight)) in PARTITIONS.iter().enumerate() {
        let len = (size * weight / weights).max(64);
        let mut data = firmware_bytes(len, seed(version, i));
        if code == VERSION_PARTITION {
            let mut marker = VERSION_MARKER.to_vec();
            marker.extend_from_slice(version.as_bytes());
            marker.push(0);
            let at = len / 3;
            data.splice(at..at, marker);
        }
        builder = match packing {
            Packing::Stored => builder.partition(code, &data),
            Packing::Zlib => builder.compressed_zlib(code, &data),
            Packing::Lzma => builder.compressed_lzma(code, &data),
        };
    }
    if let Signing::Required { key_hash } = profile.signing {
        builder = builder.dload_id(0x08 | 1).signed(hex_key(key_hash), 2958);
    }
    builder
}

/// The version `modemflash sim --write-update` installs unless told otherwise: one the
/// profile's family writes (Balong `NN.NNN.NN.NN.NN`, Sierra `NN.NN.NN.NN`).
pub fn default_version(profile: &Profile) -> &'static str {
    match profile.boot_loader {
        BootLoader::Balong => "22.333.01.00.00",
        BootLoader::SierraQdl { .. } => "02.30.01.01",
        BootLoader::Qualcomm(_) => "BD_P673A2V1.0.1B02",
    }
}

/// A complete one-file update for `profile`'s dongle: a Balong `.bin`, a Sierra `.spk`,
/// or a Qualcomm package zipped.
pub fn update_file(profile: &Profile, version: &str, size: usize) -> Vec<u8> {
    match profile.boot_loader {
        BootLoader::Balong => stick_update(profile, version, size).build(),
        BootLoader::SierraQdl { .. } => super::cwe::module_update(profile, version, size).build(),
        BootLoader::Qualcomm(_) => super::qualcomm::stick_package(profile, version, size).zip(),
    }
}

/// Bytes that look like firmware to a compressor: code-like runs and tables, not noise.
pub(crate) fn firmware_bytes(len: usize, mut state: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let run = 1 + (state >> 58) as usize;
        let byte = (state >> 8) as u8;
        if state & 3 == 0 {
            out.extend(std::iter::repeat_n(byte, run.min(len - out.len())));
        } else {
            out.extend(state.to_le_bytes().iter().take(run.min(8).min(len - out.len())));
        }
    }
    out
}

pub(crate) fn seed(version: &str, partition: usize) -> u64 {
    version
        .bytes()
        .fold(0x9E37_79B9_7F4A_7C15 ^ partition as u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3))
}

fn hex_key(hex: &str) -> [u8; KEY_HASH_LEN] {
    let mut key = [0; KEY_HASH_LEN];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("profile key hashes are hex");
    }
    key
}
