//! Partition codes and their names (specs/huawei-balong.md §11.6).

/// Code → name, as `balong_flash` names them. Where the spec gives two names for one
/// code (0x00010000 "M3Boot-ptable / Ptable") the first is used, as `balong_flash`'s
/// lookup finds it first.
const NAMES: &[(u32, &str)] = &[
    (0x0001_0000, "M3Boot-ptable"),
    (0x0002_0000, "M3Boot"),
    (0x0003_0000, "Kernel"),
    (0x0004_0000, "VxWorks"),
    (0x0005_0000, "M3Image"),
    (0x0006_0000, "DSP"),
    (0x0007_0000, "Nvdload"),
    (0x0008_0000, "Nvimg"),
    (0x0009_0000, "Kernel_R11"),
    (0x000A_0000, "Oeminfo"),
    (0x000B_0000, "CDROMISO"),
    (0x0010_0000, "System"),
    (0x0011_0000, "Fastboot"),
    (0x0013_0000, "Logo"),
    (0x0017_0000, "Wimaxcfg"),
    (0x0018_0000, "Wimaxcrf"),
    (0x0019_0000, "Userdata"),
    (0x001A_0000, "Oeminfo"),
    (0x001B_0000, "Online"),
    (0x001E_0000, "Modem_fw"),
    (0x0020_0000, "M3Boot_R11"),
    (0x0022_0000, "VxWorks_R11"),
    (0x0023_0000, "M3Image_R11"),
    (0x0024_0000, "DSP_R11"),
    (0x0025_0000, "Nvdload_R11"),
    (0x0027_0000, "DTS_R11"),
    (0x0028_0000, "HIFI_R11"),
    (0x0029_0000, "Teeos"),
    (0x0045_0000, "APP_EXT_A"),
    (0x0046_0000, "APP_EXT_B"),
    (0x0048_0000, "Ptable_ext_A"),
    (0x0049_0000, "Ptable_ext_B"),
    (0x0051_0000, "Oeminfo"),
    (0x0055_0000, "Oeminfo"),
    (0x0056_0000, "WEBUI"),
    (0x005B_0000, "WEBUI"),
    (0x0057_0000, "APP"),
    (0x005A_0000, "APP"),
    (0x0059_0000, "System"),
    (0x005D_0000, "Online"),
    (0x005E_0000, "Online"),
    (0x0000_0100, "Ptable_R1"),
    (0x0000_0101, "Bootloader_R1"),
    (0x0000_0102, "Bootrom_R1"),
    (0x0055_0103, "VxWorks_R1"),
    (0x0000_0104, "Fastboot_R1"),
    (0x0000_0105, "Kernel_R1"),
    (0x0000_0107, "System_R1"),
    (0x0000_0109, "APP_R1"),
    (0x0000_0113, "WEBUI_R1"),
    (0x0000_0066, "Nvimage_R1"),
];

/// The display name of partition `code`; unknown codes read `U%08x` (`U000c0000`).
pub fn partition_name(code: u32) -> String {
    match NAMES.iter().find(|(c, _)| *c == code) {
        Some((_, name)) => (*name).to_string(),
        None => format!("U{code:08x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_have_names_and_unknown_ones_a_placeholder() {
        assert_eq!(partition_name(0x0003_0000), "Kernel");
        assert_eq!(partition_name(0x0001_0000), "M3Boot-ptable");
        assert_eq!(partition_name(0x005B_0000), "WEBUI");
        assert_eq!(partition_name(0x000C_0000), "U000c0000");
        assert_eq!(partition_name(0xDEAD_BEEF), "Udeadbeef");
    }

    #[test]
    fn no_code_is_listed_twice() {
        for (i, (code, _)) in NAMES.iter().enumerate() {
            assert!(NAMES[..i].iter().all(|(c, _)| c != code), "{code:#010x}");
        }
    }
}
