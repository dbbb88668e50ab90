//! The Balong container parser (specs/huawei-balong.md §11) against synthetic files from
//! `modemflash_sim::image::balong`, the §11.8 worked example as printed in the spec, and
//! damaged copies of them.

use futures::executor::block_on;
use modemflash_core::image::balong::fit::{check_fit, StickFacts};
use modemflash_core::image::balong::{inspect, inspect_folder, FolderFile};
use modemflash_core::image::source::CHUNK;
use modemflash_core::image::InspectOptions;
use modemflash_core::image::{
    ByteSource, Check, Compression, FlashedReader, Inspection, Layout, Outcome, Partition, Sha256Digest, SourceError,
};
use modemflash_sim::image::balong::{BalongImageBuilder, HeaderField};
use modemflash_sim::profile::E3372H;
use proptest::prelude::*;

const KERNEL: u32 = 0x0003_0000;
const SYSTEM: u32 = 0x0010_0000;
const WEBUI: u32 = 0x0056_0000;
const M3BOOT: u32 = 0x0002_0000;

/// A source that remembers the largest read asked of it.
struct Recording<S> {
    inner: S,
    largest_read: usize,
}

impl<S: ByteSource> ByteSource for Recording<S> {
    fn len(&self) -> u64 {
        self.inner.len()
    }

    async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
        self.largest_read = self.largest_read.max(buf.len());
        self.inner.read_at(offset, buf).await
    }
}

fn inspected(bytes: &[u8]) -> Inspection {
    inspected_with(bytes, &InspectOptions::default())
}

fn inspected_with(bytes: &[u8], options: &InspectOptions) -> Inspection {
    let mut src = Recording { inner: bytes, largest_read: 0 };
    let inspection = block_on(inspect(&mut src, options)).expect("bytes in memory are always readable");
    assert!(src.largest_read <= CHUNK, "read {} bytes at once", src.largest_read);
    inspection
}

/// The checks with `id`, in order.
fn checks<'a>(inspection: &'a Inspection, id: &str) -> Vec<&'a Check> {
    inspection.report.checks().iter().filter(|c| c.id == id).collect()
}

/// The one check with `id` (about `partition`, if given).
fn check<'a>(inspection: &'a Inspection, id: &str, partition: Option<usize>) -> &'a Check {
    let found: Vec<_> = checks(inspection, id).into_iter().filter(|c| c.partition == partition).collect();
    assert_eq!(found.len(), 1, "{id} {partition:?} in {:#?}", inspection.report.checks());
    found[0]
}

fn failing_ids(inspection: &Inspection) -> Vec<(&'static str, Option<usize>)> {
    inspection.report.failures().map(|c| (c.id, c.partition)).collect()
}

fn flashed(bytes: &[u8], partition: &Partition) -> Vec<u8> {
    let mut src = bytes;
    let mut reader = FlashedReader::new(partition);
    let mut out = Vec::new();
    let mut block = vec![0; 4096];
    loop {
        let n = block_on(reader.fill(&mut src, &mut block)).unwrap();
        if n == 0 {
            return out;
        }
        assert!(n == 4096 || reader.produced() == partition.flashed_size.unwrap(), "short block mid-partition");
        out.extend_from_slice(&block[..n]);
    }
}

fn pattern(len: usize, seed: u32) -> Vec<u8> {
    (0..len as u32).map(|i| (i.wrapping_mul(seed) >> 3) as u8 ^ (i % 251) as u8).collect()
}

fn three_partitions() -> BalongImageBuilder {
    BalongImageBuilder::new()
        .partition(M3BOOT, &pattern(10_100, 7))
        .partition(KERNEL, &pattern(50_000, 13))
        .partition(WEBUI, &[0x09, 0xF5, 0x32, 0xB2, 0x79])
}

#[test]
fn worked_example_from_the_spec_passes_every_check() {
    let mut example = vec![0u8; 200];
    example[0] = 1;
    let tail = "55 aa 5a a5 64 00 00 00 02 00 00 00 54 45 53 54 50 4c 41 54 00 00 03 00 05 00 00 00 32 30 31 36 2e \
                30 31 2e 30 31 00 00 00 00 00 00 31 32 3a 30 30 3a 30 30 00 00 00 00 00 00 00 00 3a 54 45 53 54 50 \
                4c 41 54 3a 32 31 2e 31 30 30 2e 30 30 2e 30 30 2e 30 30 30 00 00 00 00 00 00 2b de 00 10 00 00 75 \
                da 48 45 4c 4c 4f 00 00 00";
    let tail: Vec<u8> = tail.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect();
    example[92..].copy_from_slice(&tail);

    let inspection = inspected(&example);
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    assert_eq!(inspection.report.warnings().count(), 0, "{:#?}", inspection.report);
    let image = &inspection.image;
    assert_eq!(image.layout, Layout::File { starts_at: 0 });
    assert_eq!(image.size, 200);
    assert_eq!(image.target.platform.as_deref(), Some("TESTPLAT"));
    assert_eq!(image.target.product.as_deref(), Some("TESTPLAT"));
    assert_eq!(image.target.version.as_deref(), Some("21.100.00.00.000"));
    assert_eq!(image.target.content.as_deref(), Some("firmware only"));
    assert_eq!(image.signature, None);
    let kernel = &image.partitions[0];
    assert_eq!((kernel.index, kernel.code, kernel.name.as_str()), (0, Some(KERNEL), "Kernel"));
    assert_eq!((kernel.offset, kernel.stored_size, kernel.flashed_size), (192, 5, Some(5)));
    assert_eq!(kernel.compression, Compression::None);
    assert_eq!(kernel.version.as_deref(), Some(":TESTPLAT:21.100.00.00.000"));
    assert_eq!(kernel.built.as_deref(), Some("2016.01.01 12:00:00"));
    assert_eq!(flashed(&example, kernel), b"HELLO");
    assert_eq!(check(&inspection, "block-crc", Some(0)).sentence, "Partition 0 (Kernel): the data checksum matches.");
    // The builder agrees with the spec's bytes.
    assert_eq!(BalongImageBuilder::new().partition(KERNEL, b"HELLO").build(), example);
}

#[test]
fn multi_partition_file_maps_every_partition_and_flashes_its_bytes() {
    let bytes = three_partitions().build();
    let inspection = inspected(&bytes);
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    let names: Vec<_> = inspection.image.partitions.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["M3Boot", "Kernel", "WEBUI"]);
    let expected = [pattern(10_100, 7), pattern(50_000, 13), vec![0x09, 0xF5, 0x32, 0xB2, 0x79]];
    for (partition, data) in inspection.image.partitions.iter().zip(&expected) {
        assert_eq!(partition.flashed_size, Some(data.len() as u64));
        assert_eq!(&flashed(&bytes, partition), data);
    }
    assert_eq!(
        check(&inspection, "block-crc", Some(1)).sentence,
        "Partition 1 (Kernel): all 13 block checksums match."
    );
    assert_eq!(check(&inspection, "platform", None).outcome, Outcome::Pass);
}

#[test]
fn exe_wrapped_firmware_is_found_inside_the_program() {
    let bytes = three_partitions().exe_wrapped(0x4000).build();
    let inspection = inspected(&bytes);
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    assert_eq!(inspection.image.layout, Layout::File { starts_at: 0x4000 });
    assert_eq!(inspection.image.partitions.len(), 3);
    assert_eq!(check(&inspection, "trailing-data", None).outcome, Outcome::Pass);
    assert_eq!(flashed(&bytes, &inspection.image.partitions[1]), pattern(50_000, 13));
}

#[test]
fn bytes_after_a_plain_bin_warn() {
    let mut bytes = three_partitions().build();
    bytes.extend_from_slice(b"not firmware");
    let inspection = inspected(&bytes);
    assert!(inspection.report.passed());
    assert_eq!(check(&inspection, "trailing-data", None).outcome, Outcome::Warn);
}

#[test]
fn signed_file_announces_its_key_with_signver() {
    let key: [u8; 32] = core::array::from_fn(|i| (i as u8) * 8 + 1);
    let bytes = three_partitions().dload_id(0x09).signed(key, 2958).build();
    let inspection = inspected(&bytes);
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    let signature = inspection.image.signature.as_ref().expect("signed");
    assert_eq!(signature.partition, 0);
    assert_eq!(signature.length, 2958);
    assert_eq!(signature.key_hash, "0109111921293139414951596169717981899199A1A9B1B9C1C9D1D9E1E9F1F9");
    assert_eq!(
        signature.announce.as_deref(),
        Some("AT^SIGNVER=1,0,0109111921293139414951596169717981899199A1A9B1B9C1C9D1D9E1E9F1F9,2958")
    );
    assert!(checks(&inspection, "signature-flag").is_empty());
    // The signature is flashed with the partition.
    assert_eq!(inspection.image.partitions[0].flashed_size, Some(10_100 + 2958));
}

#[test]
fn signver_type_is_the_low_three_bits_of_dload_id() {
    let bytes = BalongImageBuilder::new().dload_id(0x0F).signed([0xAA; 32], 3750).partition(KERNEL, b"x").build();
    let signature = inspected(&bytes).image.signature.unwrap();
    assert_eq!(signature.announce.unwrap(), format!("AT^SIGNVER=7,0,{},3750", "AA".repeat(32)));
}

#[test]
fn signature_inside_a_compressed_partition_is_found_after_unpacking() {
    let bytes = BalongImageBuilder::new()
        .dload_id(0x09)
        .compressed_zlib(M3BOOT, &pattern(20_000, 3))
        .signed([0x5C; 32], 2694)
        .build();
    let inspection = inspected(&bytes);
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    assert_eq!(inspection.image.signature.unwrap().length, 2694);
}

#[test]
fn signature_and_type_byte_disagreeing_warn_both_ways() {
    let flagged_unsigned = inspected(&three_partitions().dload_id(0x09).build());
    assert_eq!(check(&flagged_unsigned, "signature-flag", None).outcome, Outcome::Warn);
    assert!(flagged_unsigned.image.signature.is_none());
    let signed_unflagged = inspected(&three_partitions().dload_id(0x01).signed([1; 32], 1110).build());
    assert_eq!(check(&signed_unflagged, "signature-flag", None).outcome, Outcome::Warn);
    assert!(signed_unflagged.image.signature.is_some());
    assert!(signed_unflagged.report.passed());
}

#[test]
fn signature_in_the_third_partition_is_not_looked_for() {
    let built = BalongImageBuilder::new()
        .partition(M3BOOT, b"one")
        .partition(KERNEL, b"two")
        .partition(SYSTEM, &modemflash_sim::image::balong::signature_block(&[3; 32], 846))
        .build();
    assert_eq!(inspected(&built).image.signature, None);
}

#[test]
fn impossible_signature_length_fails() {
    // The marker at the end, but a length longer than the partition.
    let mut data = vec![0u8; 100];
    data[88..92].copy_from_slice(&5000u32.to_le_bytes());
    data[96..].copy_from_slice(&0xFFAA_AFFAu32.to_le_bytes());
    let inspection = inspected(&BalongImageBuilder::new().partition(KERNEL, &data).build());
    assert_eq!(failing_ids(&inspection), [("signature", Some(0))]);
}

#[test]
fn zlib_and_lzma_partitions_flash_their_original_bytes() {
    let system = pattern(300_000, 5);
    let webui = pattern(70_000, 11);
    let bytes = BalongImageBuilder::new()
        .partition(M3BOOT, b"boot")
        .compressed_zlib(SYSTEM, &system)
        .compressed_lzma(WEBUI, &webui)
        .build();
    let inspection = inspected(&bytes);
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    let [_, zlib, lzma] = &inspection.image.partitions[..] else { panic!("three partitions") };
    assert_eq!((zlib.compression, zlib.flashed_size), (Compression::Zlib, Some(300_000)));
    assert!(zlib.stored_size < 300_000);
    assert_eq!(flashed(&bytes, zlib), system);
    assert_eq!((lzma.compression, lzma.flashed_size), (Compression::Lzma, Some(70_000)));
    assert_eq!(flashed(&bytes, lzma), webui);
    assert_eq!(
        check(&inspection, "unpack", Some(1)).sentence,
        "Partition 1 (System) is zlib-compressed and unpacks to 300,000 bytes."
    );
}

#[test]
fn damaged_compressed_data_fails_the_unpack_check() {
    let data = pattern(50_000, 5);
    for packed in [
        BalongImageBuilder::new().compressed_zlib(SYSTEM, &data),
        BalongImageBuilder::new().compressed_lzma(SYSTEM, &data),
    ] {
        // Half of the stored stream, with block checksums made for it: only unpacking can tell.
        let built = packed.build_with_layout();
        let place = built.partitions[0];
        let half = &built.bytes[place.data_at..place.data_at + place.stored_len / 2];
        let inspection = inspected(&BalongImageBuilder::new().partition(SYSTEM, half).build());
        assert_eq!(failing_ids(&inspection), [("unpack", Some(0))]);
        assert!(check(&inspection, "unpack", Some(0)).sentence.contains("cannot be unpacked"));
        assert_eq!(inspection.image.partitions[0].flashed_size, None);
    }
}

#[test]
fn every_truncation_fails_and_none_panics() {
    let built = three_partitions().build_with_layout();
    let bytes = &built.bytes;
    let data_end = bytes.len() - 3; // the last partition's 5 bytes are followed by 3 bytes of padding
                                    // A cut just before a header leaves a shorter but well-formed file: see below.
    let boundaries: Vec<usize> = built.partitions[1..].iter().map(|p| p.header_at).collect();
    // Every length near a structure boundary, and a sample in between.
    let edges: Vec<usize> =
        built.partitions.iter().flat_map(|p| [p.header_at, p.data_at, p.data_at + p.stored_len]).collect();
    let near_edge = |len: usize| edges.iter().any(|&e| len.abs_diff(e) <= 8);
    for len in (0..bytes.len()).filter(|&len| len < 300 || near_edge(len) || len % 97 == 0) {
        let inspection = inspected(&bytes[..len]);
        if len < data_end && !boundaries.contains(&len) {
            assert!(!inspection.report.passed(), "cut at {len} passed");
        } else {
            assert!(inspection.report.passed(), "cut at {len} failed");
        }
    }
    let cut = inspected(&built.truncated(20_000));
    assert_eq!(failing_ids(&cut), [("size", Some(1))]);
    assert!(check(&cut, "size", Some(1)).sentence.contains("the file ends"), "{:#?}", cut.report);
}

#[test]
fn a_cut_between_partitions_is_caught_only_by_the_published_checksum() {
    // Nothing in the container counts its partitions (§11.1: the chain simply ends), so
    // a file cut exactly before a header is a valid file with fewer partitions.
    let built = three_partitions().build_with_layout();
    let cut = built.truncated(built.partitions[1].header_at);
    assert!(inspected(&cut).report.passed());
    let published = block_on(Sha256Digest::of(&mut built.bytes.as_slice())).unwrap();
    let inspection = inspected_with(&cut, &InspectOptions { expected_sha256: Some(published) });
    assert_eq!(failing_ids(&inspection), [("expected-sha256", None)]);
}

#[test]
fn flipped_bits_fail_their_blocks_and_checking_goes_on() {
    let built = three_partitions().build_with_layout();
    let once = built.with_flipped_bit(1, 20_000);
    let mut twice = once.clone();
    twice[built.partitions[0].data_at + 3] ^= 0x10;
    let inspection = inspected(&twice);
    assert_eq!(failing_ids(&inspection), [("block-crc", Some(0)), ("block-crc", Some(1))]);
    assert_eq!(
        check(&inspection, "block-crc", Some(1)).sentence,
        "Partition 1 (Kernel): 1 of 13 block checksums do not match (the first at bytes 16,384 to 20,479 of the \
         partition). The data is damaged; download the file again."
    );
    assert_eq!(check(&inspection, "block-crc", Some(2)).outcome, Outcome::Pass);
}

#[test]
fn bad_header_crc_fails_and_the_rest_is_still_checked() {
    let bytes = three_partitions().build_with_layout().with_bad_header_crc(1);
    let inspection = inspected(&bytes);
    assert_eq!(failing_ids(&inspection), [("header-crc", Some(1))]);
    assert_eq!(inspection.image.partitions.len(), 3);
    assert_eq!(check(&inspection, "block-crc", Some(2)).outcome, Outcome::Pass);
}

#[test]
fn odd_or_too_small_header_sizes_fail_the_layout() {
    let built = three_partitions().build_with_layout();
    let odd = inspected(&built.with_header_field(1, HeaderField::HdSize, 98 + 25));
    let ids = failing_ids(&odd);
    assert!(ids.contains(&("layout", Some(1))), "{ids:?}");
    assert!(check(&odd, "layout", Some(1)).sentence.contains("odd number of bytes"));

    let small = inspected(&built.with_header_field(1, HeaderField::HdSize, 40));
    assert_eq!(failing_ids(&small), [("layout", Some(1)), ("size", Some(1))]);
    assert!(check(&small, "layout", Some(1)).sentence.contains("smaller than the header itself"));
    assert_eq!(small.image.partitions.len(), 1, "nothing after an unlocatable partition is trusted");
}

#[test]
fn zero_block_size_and_mismatched_tables_fail_the_layout() {
    let built = three_partitions().build_with_layout();
    let zero = inspected(&built.with_header_field(0, HeaderField::BlockSize, 0));
    assert_eq!(failing_ids(&zero), [("layout", Some(0))]);
    assert!(check(&zero, "layout", Some(0)).sentence.contains("block size is 0"));
    let mismatch = inspected(&built.with_header_field(0, HeaderField::BlockSize, 1024));
    assert!(check(&mismatch, "layout", Some(0))
        .sentence
        .contains("has 3 entries but 10,100 bytes in blocks of 1,024 need 10"));
    let version = inspected(&built.with_header_field(2, HeaderField::HdVersion, 9));
    assert_eq!(check(&version, "header-version", Some(2)).outcome, Outcome::Warn);
}

#[test]
fn empty_partition_fails() {
    let inspection = inspected(&BalongImageBuilder::new().partition(KERNEL, b"").build());
    assert_eq!(failing_ids(&inspection), [("layout", Some(0))]);
    assert!(check(&inspection, "layout", Some(0)).sentence.contains("refuses empty partitions"));
}

#[test]
fn claimed_size_beyond_the_file_fails_without_reading_it() {
    let built = three_partitions().build_with_layout();
    let huge = built.with_header_field(2, HeaderField::PSize, 0xFFFF_FFF0);
    let inspection = inspected(&huge);
    let ids = failing_ids(&inspection);
    assert!(ids.contains(&("size", Some(2))), "{ids:?}");
    assert_eq!(inspection.image.partitions[2].flashed_size, None);
    assert!(check(&inspection, "size", Some(2)).sentence.contains("4,294,967,280 bytes"));
}

#[test]
fn files_without_a_partition_header_are_not_firmware() {
    for bytes in [Vec::new(), b"just some text, no firmware here".repeat(100), vec![0xA5; 5000]] {
        let inspection = inspected(&bytes);
        assert_eq!(failing_ids(&inspection), [("container", None)]);
        assert!(inspection.image.partitions.is_empty());
    }
    // The magic off the 4-byte grid does not count.
    let mut misaligned = vec![0u8; 400];
    misaligned[101..105].copy_from_slice(&[0x55, 0xAA, 0x5A, 0xA5]);
    assert_eq!(failing_ids(&inspected(&misaligned)), [("container", None)]);
}

#[test]
fn header_too_close_to_the_start_fails() {
    let bytes = three_partitions().build();
    let inspection = inspected(&bytes[40..]);
    assert_eq!(failing_ids(&inspection), [("container", None)]);
    assert!(check(&inspection, "container", None).sentence.contains("byte 52"));
}

#[test]
fn more_partitions_than_any_firmware_fail() {
    use modemflash_core::image::balong::MAX_PARTITIONS;
    let many = (0..=MAX_PARTITIONS).fold(BalongImageBuilder::new(), |b, i| b.partition(i as u32, b"p"));
    let inspection = inspected(&many.build());
    assert_eq!(failing_ids(&inspection), [("partition-count", None)]);
    assert_eq!(inspection.image.partitions.len(), MAX_PARTITIONS);
}

#[test]
fn type_byte_above_0x0f_fails() {
    let inspection = inspected(&three_partitions().dload_id(0x10).build());
    assert_eq!(failing_ids(&inspection), [("file-type", None)]);
}

#[test]
fn expected_sha256_must_match_the_file() {
    let bytes = three_partitions().build();
    let actual = block_on(Sha256Digest::of(&mut bytes.as_slice())).unwrap();
    let right = InspectOptions { expected_sha256: Some(actual.to_string().to_uppercase().parse().unwrap()) };
    let inspection = inspected_with(&bytes, &right);
    assert_eq!(check(&inspection, "expected-sha256", None).outcome, Outcome::Pass);
    assert_eq!(inspection.image.sha256, Some(actual));

    let wrong = InspectOptions { expected_sha256: Some(Sha256Digest([0x11; 32])) };
    let inspection = inspected_with(&bytes, &wrong);
    assert_eq!(failing_ids(&inspection), [("expected-sha256", None)]);
    assert!(check(&inspection, "expected-sha256", None).sentence.contains(&actual.to_string()));
}

#[test]
fn mixed_platforms_warn() {
    let a = BalongImageBuilder::new().partition(KERNEL, b"one").build();
    let b = BalongImageBuilder::new().platform("OTHERHW1").partition(SYSTEM, b"two").build();
    let mut mixed = a.clone();
    mixed.extend_from_slice(&b[92..]);
    let inspection = inspected(&mixed);
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    assert_eq!(check(&inspection, "platform", None).outcome, Outcome::Warn);
}

#[test]
fn firmware_for_the_connected_stick_fits_and_other_products_do_not() {
    let stick = StickFacts { model: E3372H.model, revision: E3372H.revision, hardware: Some(E3372H.hardware) };
    let right =
        BalongImageBuilder::new().platform("E3372HM").version(":E3372HM:22.333.01.00.00").partition(KERNEL, b"k");
    let image = inspected(&right.build()).image;
    let fit = check_fit(&image.target, &stick);
    assert_eq!(fit.outcome, Outcome::Pass, "{}", fit.sentence);
    assert!(fit.sentence.ends_with("It replaces firmware 22.315.01.00.00 with 22.333.01.00.00."), "{}", fit.sentence);

    let wrong =
        BalongImageBuilder::new().platform("E5573BS").version(":E5573Bs-320:21.180.00.00.00").partition(KERNEL, b"k");
    let image = inspected(&wrong.build()).image;
    assert_eq!(check_fit(&image.target, &stick).outcome, Outcome::Fail);
}

#[test]
fn inspection_serialises_for_the_cli() {
    let inspection = inspected(&BalongImageBuilder::new().compressed_zlib(KERNEL, &[1; 5000]).build());
    let json = serde_json::to_value(&inspection).unwrap();
    assert_eq!(json["report"]["passed"], true);
    assert_eq!(json["image"]["family"], "huawei-balong");
    assert_eq!(json["image"]["layout"], serde_json::json!({"kind": "file", "starts_at": 0}));
    assert_eq!(json["image"]["partitions"][0]["compression"], "zlib");
    assert_eq!(json["image"]["partitions"][0]["flashed_size"], 5000);
    assert_eq!(json["image"]["sha256"].as_str().map(str::len), Some(64));
}

fn folder_file(name: &str, bytes: &[u8]) -> FolderFile<Vec<u8>> {
    FolderFile { name: name.to_string(), source: bytes.to_vec() }
}

#[test]
fn folder_of_raw_images_is_flashed_in_index_order() {
    let mut files = vec![
        folder_file("01-00030000-Kernel.bin", b"kernel bytes"),
        folder_file("readme.txt", b"hello"),
        folder_file("00-00020000-M3Boot.bin", b"boot bytes"),
        folder_file("02-005b0000-WEBUI.bin", b"web"),
    ];
    let inspection = block_on(inspect_folder(&mut files)).unwrap();
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    assert_eq!(inspection.image.layout, Layout::Folder);
    let order: Vec<_> = inspection.image.partitions.iter().map(|p| (p.name.as_str(), p.source, p.code)).collect();
    assert_eq!(order, [("M3Boot", 2, Some(M3BOOT)), ("Kernel", 0, Some(KERNEL)), ("WEBUI", 3, Some(0x005B_0000))]);
    assert_eq!(check(&inspection, "file-name", None).outcome, Outcome::Warn);
    let kernel = &inspection.image.partitions[1];
    assert_eq!(flashed(&files[kernel.source].source, kernel), b"kernel bytes");
}

#[test]
fn folder_stops_at_the_first_missing_index() {
    let mut files =
        vec![folder_file("00-00020000-M3Boot.bin", b"boot"), folder_file("02-00030000-Kernel.bin", b"kernel")];
    let inspection = block_on(inspect_folder(&mut files)).unwrap();
    assert_eq!(inspection.image.partitions.len(), 1);
    let order = check(&inspection, "file-order", None);
    assert_eq!(order.outcome, Outcome::Warn);
    assert!(order.sentence.contains("no file with index 01: 02-00030000-Kernel.bin"), "{}", order.sentence);
}

#[test]
fn folder_refuses_images_with_headers_duplicates_and_emptiness() {
    let with_header = BalongImageBuilder::new().partition(KERNEL, b"k").build();
    let mut files = vec![
        folder_file("00-00030000-Kernel.fw", &with_header[92..]),
        folder_file("01-00100000-System.bin", b""),
        folder_file("01-00100000-System-copy.bin", b"sys"),
    ];
    let inspection = block_on(inspect_folder(&mut files)).unwrap();
    assert_eq!(failing_ids(&inspection), [("file-order", None), ("raw-image", Some(0)), ("raw-image", Some(1))]);
    assert!(check(&inspection, "raw-image", Some(0)).sentence.contains("starts with a partition header"));

    let mut nothing = vec![folder_file("notes.txt", b"x")];
    let inspection = block_on(inspect_folder(&mut nothing)).unwrap();
    assert!(failing_ids(&inspection).contains(&("folder", None)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any header field values at all, CRC resealed or not: no panic, no oversized read, no pass.
    #[test]
    fn arbitrary_headers_never_panic(fields in proptest::collection::vec(any::<u8>(), 94), reseal in any::<bool>()) {
        let built = three_partitions().build_with_layout();
        let mut bytes = built.bytes.clone();
        let at = built.partitions[1].header_at;
        bytes[at + 4..at + 98].copy_from_slice(&fields);
        if reseal {
            let raw: &[u8; 98] = bytes[at..at + 98].try_into().unwrap();
            let header = modemflash_core::image::balong::header::Header::parse(raw).unwrap().sealed();
            bytes[at..at + 98].copy_from_slice(&header.to_bytes());
        }
        let unchanged = bytes == built.bytes;
        // Random sizes essentially never describe a consistent partition.
        prop_assert!(unchanged || !inspected(&bytes).report.passed());
    }

    /// Any damage to any byte never panics, and damage to a data byte never passes.
    #[test]
    fn damaged_files_never_panic(at in 0usize..60_000, value in any::<u8>(), cut in 0usize..70_000) {
        let built = three_partitions().build_with_layout();
        let mut bytes = built.bytes.clone();
        let at = at % bytes.len();
        let changed = bytes[at] != value;
        bytes[at] = value;
        let inspection = inspected(&bytes[..cut.min(bytes.len())]);
        let in_data = built.partitions.iter().any(|p| (p.data_at..p.data_at + p.stored_len).contains(&at));
        if changed && in_data {
            prop_assert!(!inspection.report.passed());
        }
    }
}

#[test]
fn a_damaged_header_in_the_middle_never_shortens_the_firmware() {
    // Found by the bad-file corpus: the chain used to end at the damaged header and the
    // rest passed as "bytes after the last partition", a warning.
    let built = three_partitions().build_with_layout();
    for partition in 1..3 {
        let mut bytes = built.bytes.clone();
        bytes[built.partitions[partition].header_at] ^= 0xFF;
        let inspection = inspected(&bytes);
        assert_eq!(failing_ids(&inspection), [("chain", None)], "partition {partition}");
        assert!(check(&inspection, "chain", None).sentence.contains("left out"));
    }
    // A damaged header and an unrelated one further on, in a plain .bin.
    let mut bytes = built.bytes.clone();
    let at = built.partitions[1].header_at;
    bytes[at..at + 4].copy_from_slice(b"JUNK");
    bytes[at + 0x5C] ^= 1; // its CRC no longer checks either
    assert_eq!(failing_ids(&inspected(&bytes)), [("chain", None)]);
}
