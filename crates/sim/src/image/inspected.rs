//! A firmware file inspected as the flasher reads it, whatever its family: a one-file
//! image as it is, a zipped Qualcomm package unpacked with its entries laid end to end
//! in one source (docs/qualcomm-package.md), as the CLI's and the page's chains do.

use futures::executor::block_on;
use modemflash_core::image::qualcomm::{inspect_zip, zip::is_zip};
use modemflash_core::image::{inspect, InspectOptions, Inspection, SourceError};

/// The inspection of `file` and the bytes its offsets refer to.
pub fn inspected(file: Vec<u8>) -> Result<(Inspection, Vec<u8>), SourceError> {
    if !is_zip(&file) {
        return Ok((block_on(inspect(&mut file.as_slice(), &InspectOptions::default()))?, file));
    }
    let (inspection, entries) = block_on(inspect_zip(&mut file.as_slice()))?;
    let mut starts = Vec::with_capacity(entries.len());
    let mut chain = Vec::new();
    for entry in entries {
        starts.push(chain.len() as u64);
        chain.extend(entry.source);
    }
    Ok((inspection.chained(|i| starts[i]), chain))
}
