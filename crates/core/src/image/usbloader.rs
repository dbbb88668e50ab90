//! Boot ROM loader files, `usbloader*.bin` (specs/huawei-balong.md §14.3, §14.4): the
//! signature, up to ten component descriptors, the components themselves, and the one
//! risk that matters most: **stock loaders erase the whole flash**, IMEI, NV items and
//! calibration included.
//!
//! Whether a loader erases cannot be read from the file: `balong-usbdload` patches the
//! `flash_eraseall` call out with per-SoC byte patterns that the spec does not give. So
//! the heuristic is deliberately one-sided: every loader is assumed to erase (a loud
//! `erases-flash` warning) unless its file name says it is a patched "usblsafe" loader,
//! the name the patched copies go by; even then the report says the patch could not be
//! verified. A loader is never called safe from its contents.
//!
//! Check ids: `loader-signature`, `loader-descriptors`, `loader-component`,
//! `erases-flash`.

use super::report::{grouped, Check, VerificationReport};

/// The signature at offset 0, `0x00020000` little-endian.
pub const SIGNATURE: u32 = 0x0002_0000;

/// Where the descriptor list starts.
pub const DESCRIPTORS_AT: usize = 36;

/// Bytes per descriptor: `{lmode, size, load_addr, file_offset}`, u32 LE each.
pub const DESCRIPTOR_LEN: usize = 16;

/// The most descriptors a loader holds.
pub const MAX_COMPONENTS: usize = 10;

/// One component of a loader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// Its name in messages: "raminit", "usbldr" for the stock pair, "component N" after.
    pub name: String,
    /// 1 = start directly, 2 = start through an A-core restart.
    pub lmode: u8,
    /// Its size.
    pub size: u32,
    /// Where the boot ROM loads it.
    pub address: u32,
    /// Where it lies in the file.
    pub offset: u32,
}

/// A loader file and what was found in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsbLoader {
    /// The file's name, as given.
    pub name: String,
    /// The file.
    pub bytes: Vec<u8>,
    /// Its components, in sending order.
    pub components: Vec<Component>,
    /// Whether it must be assumed to erase the whole flash.
    pub erases_flash: bool,
    /// Every check; send it only if [`VerificationReport::passed`].
    pub report: VerificationReport,
}

impl UsbLoader {
    /// The bytes of `component`.
    pub fn data(&self, component: &Component) -> &[u8] {
        let start = component.offset as usize;
        &self.bytes[start..start + component.size as usize]
    }
}

/// Reads a loader file called `name`.
pub fn inspect(name: &str, bytes: Vec<u8>) -> UsbLoader {
    let mut report = VerificationReport::new();
    let mut components = Vec::new();
    let word = |at: usize| bytes.get(at..at + 4).map(|w| u32::from_le_bytes(w.try_into().expect("4 bytes")));
    match word(0) {
        Some(SIGNATURE) => {
            report.push(Check::pass("loader-signature", "The file starts with the boot loader signature."));
            components = descriptors(&bytes, &mut report);
        }
        _ => report.push(Check::fail(
            "loader-signature",
            "This is not a Balong boot loader: it does not start with the signature 00 00 02 00. Choose the \
             usbloader file made for this modem.",
        )),
    }
    let erases_flash = !is_patched_by_name(name);
    if report.passed() {
        report.push(erase_check(name, erases_flash));
    }
    UsbLoader { name: name.to_string(), bytes, components, erases_flash, report }
}

/// The descriptors up to `lmode == 0`, each checked against the file.
fn descriptors(bytes: &[u8], report: &mut VerificationReport) -> Vec<Component> {
    let mut out = Vec::new();
    for index in 0..=MAX_COMPONENTS {
        let at = DESCRIPTORS_AT + index * DESCRIPTOR_LEN;
        let Some(raw) = bytes.get(at..at + DESCRIPTOR_LEN) else {
            report.push(Check::fail(
                "loader-descriptors",
                format!("The loader file ends inside its list of components (at byte {at}). It is damaged."),
            ));
            return out;
        };
        let field = |i: usize| u32::from_le_bytes(raw[4 * i..4 * i + 4].try_into().expect("4 bytes"));
        let (lmode, size, address, offset) = (field(0), field(1), field(2), field(3));
        if lmode == 0 {
            break;
        }
        if index == MAX_COMPONENTS {
            report.push(Check::fail(
                "loader-descriptors",
                format!("The loader lists more than {MAX_COMPONENTS} components. It is damaged or not a loader."),
            ));
            return out;
        }
        let name = match index {
            0 => "raminit".to_string(),
            1 => "usbldr".to_string(),
            n => format!("component {n}"),
        };
        let end = u64::from(offset) + u64::from(size);
        let problem = match u8::try_from(lmode) {
            Ok(1 | 2) if size == 0 => Some("is empty".to_string()),
            Ok(1 | 2) if end > bytes.len() as u64 => Some(format!(
                "claims {} bytes from byte {}, past the end of the {}-byte file",
                grouped(size.into()),
                grouped(offset.into()),
                grouped(bytes.len() as u64)
            )),
            Ok(1 | 2) => None,
            _ => Some(format!("has start mode {lmode}; only 1 and 2 exist")),
        };
        if let Some(problem) = problem {
            report.push(Check::fail(
                "loader-component",
                format!("The loader's {name} {problem}. The file is damaged or not a loader."),
            ));
            return out;
        }
        report.push(Check::pass(
            "loader-component",
            format!("{name}: {} bytes, loaded at {address:#010x}.", grouped(size.into())),
        ));
        out.push(Component { name, lmode: lmode as u8, size, address, offset });
    }
    if out.is_empty() {
        report.push(Check::fail("loader-descriptors", "The loader lists no components. It is damaged."));
    }
    out
}

/// `usblsafe…`: the name `balong-usbdload` gives its patched copies (§14.4).
fn is_patched_by_name(name: &str) -> bool {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    file.to_ascii_lowercase().starts_with("usblsafe")
}

fn erase_check(name: &str, erases: bool) -> Check {
    if erases {
        Check::warn(
            "erases-flash",
            format!(
                "WARNING: {name} is a stock boot loader, and stock loaders ERASE THE WHOLE FLASH, including the IMEI, \
                 the NV settings and the radio calibration, which no firmware file contains. The modem may never \
                 connect to a network again. Use a patched \"usblsafe\" loader for this modem instead, unless the \
                 flash is already lost."
            ),
        )
    } else {
        Check::warn(
            "erases-flash",
            format!(
                "{name} is named as a patched \"usblsafe\" loader, which keeps the flash. modemflash cannot check \
                 the patch: if this file is a renamed stock loader, it erases the IMEI and calibration."
            ),
        )
    }
}
