//! The page's firmware byte source over a real `Blob` in headless Chromium: reads that
//! cross the read-ahead window, the last bytes of the file, and reads past its end.
#![cfg(target_arch = "wasm32")]

use modemflash_core::image::{ByteSource, SourceError};
use modemflash_web::transport::blob_source::{BlobSource, READ_AHEAD};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8 ^ (i >> 16) as u8).collect()
}

fn blob(data: &[u8]) -> web_sys::Blob {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(data));
    web_sys::Blob::new_with_u8_array_sequence(&parts).expect("a blob")
}

#[wasm_bindgen_test]
async fn reads_match_the_file_across_the_read_ahead_window() {
    let data = pattern(READ_AHEAD as usize + 3 * 4096 + 17);
    let mut source = BlobSource::new(blob(&data));
    assert_eq!(source.len(), data.len() as u64);
    for (offset, len) in
        [(0usize, 100usize), (READ_AHEAD as usize - 50, 100), (5, 1 << 20), (data.len() - 17, 17), (123, 1)]
    {
        let mut buf = vec![0; len];
        source.read_at(offset as u64, &mut buf).await.unwrap();
        assert_eq!(buf, &data[offset..offset + len], "at {offset}, {len} bytes");
    }
}

#[wasm_bindgen_test]
async fn a_read_past_the_end_is_out_of_range_not_short() {
    let data = pattern(1000);
    let mut source = BlobSource::new(blob(&data));
    let mut buf = vec![0; 10];
    let err = source.read_at(995, &mut buf).await.unwrap_err();
    assert_eq!(err, SourceError::OutOfRange { offset: 995, len: 10, size: 1000 });
}

#[wasm_bindgen_test]
async fn a_zipped_package_in_a_blob_is_verified_and_read_back_entry_by_entry() {
    use modemflash_core::image::{InspectOptions, Selection};
    use modemflash_sim::image::qualcomm::stick_package;
    use modemflash_sim::profile::ZTE_MF626;
    let package = stick_package(&ZTE_MF626, "BD_P673A2V1.0.1B02", 3 << 20);
    let zip = package.zip();
    let mut selection = Selection::of_file(BlobSource::new(blob(&zip)), &InspectOptions::default()).await.unwrap();
    assert!(selection.inspection.report.passed(), "{:?}", selection.inspection.report);
    assert_eq!(selection.inspection.image.size, zip.len() as u64);
    // The entries back to back, in name order, as the flasher reads them.
    let unpacked: Vec<u8> = package.files.iter().flat_map(|(_, bytes)| bytes.clone()).collect();
    assert_eq!(selection.source.len(), unpacked.len() as u64);
    let mut read = vec![0; unpacked.len()];
    selection.source.read_at(0, &mut read).await.unwrap();
    assert!(read == unpacked, "the entries read back as the package's files");
}
