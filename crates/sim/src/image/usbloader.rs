//! Synthetic boot ROM loaders, `usbloader*.bin` (specs/huawei-balong.md §14.3): the stock
//! pair of components of the spec's example exchange (raminit, 1500 bytes at
//! 0x10000000, lmode 1; usbldr, 3000 bytes at 0x50000000, lmode 2), with or without the
//! virtual stick's stand-in for `flash_eraseall`. Never a vendor's loader.

use modemflash_core::image::usbloader::{DESCRIPTORS_AT, DESCRIPTOR_LEN, SIGNATURE};

use crate::bootrom::ERASE_MARKER;

/// A loader with the components `(lmode, load address, bytes)`, in sending order.
pub fn loader(components: &[(u32, u32, Vec<u8>)]) -> Vec<u8> {
    let mut file = SIGNATURE.to_le_bytes().to_vec();
    file.resize(DESCRIPTORS_AT, 0);
    let mut offset = DESCRIPTORS_AT + (components.len() + 1) * DESCRIPTOR_LEN;
    for (lmode, address, data) in components {
        for field in [*lmode, data.len() as u32, *address, offset as u32] {
            file.extend_from_slice(&field.to_le_bytes());
        }
        offset += data.len();
    }
    file.extend_from_slice(&[0; DESCRIPTOR_LEN]); // lmode 0 ends the list
    for (_, _, data) in components {
        file.extend_from_slice(data);
    }
    file
}

/// The spec example's two components; the usbldr erases the whole flash when `erases`.
pub fn stock_loader(erases: bool) -> Vec<u8> {
    let raminit: Vec<u8> = (0..1500u32).map(|i| (i * 7 + 3) as u8).collect();
    let mut usbldr: Vec<u8> = (0..3000u32).map(|i| (i * 13 + 5) as u8).collect();
    if erases {
        usbldr[1000..1000 + ERASE_MARKER.len()].copy_from_slice(ERASE_MARKER);
    }
    loader(&[(1, 0x1000_0000, raminit), (2, 0x5000_0000, usbldr)])
}
