//! What a virtual stick must hold after an update: every partition of the image,
//! unpacked, by partition code. Tests and the fault matrix compare the virtual flash
//! with it byte for byte.

use futures::executor::block_on;
use modemflash_core::image::{flashed, ImageError, Inspection};

/// The flashed bytes of every partition of `inspection` (which must have passed, so
/// each partition has a code and a flashed size), read from `file`, in flashing order.
pub fn expected_flash(inspection: &Inspection, file: &[u8]) -> Result<Vec<(u32, Vec<u8>)>, ImageError> {
    inspection
        .image
        .partitions
        .iter()
        .map(|p| {
            let code = p.code.expect("a passed inspection gives every partition a code");
            let size = p.flashed_size.expect("a passed inspection gives every partition a flashed size");
            let mut out = vec![0; usize::try_from(size).expect("synthetic partitions fit in memory")];
            block_on(flashed::read_at(&mut &file[..], p, 0, &mut out))?;
            Ok((code, out))
        })
        .collect()
}
