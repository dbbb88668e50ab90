//! A firmware file inspected as the flasher reads it, whatever its family: a one-file
//! image as it is, a zipped Qualcomm package unpacked with its entries laid end to end
//! in one source (docs/qualcomm-package.md), as the CLI's and the page's chains do.

use futures::executor::block_on;
use modemflash_core::image::{ByteSource, InspectOptions, Inspection, Selection, SourceError};

/// The inspection of `file` and the bytes its offsets refer to.
pub fn inspected(file: Vec<u8>) -> Result<(Inspection, Vec<u8>), SourceError> {
    let mut selection = block_on(Selection::of_file(file.as_slice(), &InspectOptions::default()))?;
    let inspection = selection.for_flashing();
    let mut bytes = vec![0; usize::try_from(selection.source.len()).unwrap_or(usize::MAX)];
    if !bytes.is_empty() && inspection.report.passed() {
        block_on(selection.source.read_at(0, &mut bytes))?;
    }
    Ok((inspection, bytes))
}
