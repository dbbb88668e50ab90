//! The CWE parser (specs/sierra-cwe-qdl.md §1–§4) in strict mode and in the
//! `qmi-firmware-update`-compatible mode, against synthetic files from
//! `modemflash_sim::image::cwe`, the §6 worked example, and damaged copies.

use futures::executor::block_on;
use modemflash_core::image::cwe::tree::{walk_qfu, QfuRefusal};
use modemflash_core::image::cwe::{self, header::JAMCRC};
use modemflash_core::image::{inspect, Family, InspectOptions, Inspection};
use modemflash_sim::image::cwe::{module_update, CweBuilder};
use modemflash_sim::profile::MC7455;

fn inspected(bytes: &[u8]) -> Inspection {
    block_on(inspect(&mut bytes.to_vec(), &InspectOptions::default())).unwrap()
}

fn failed_ids(inspection: &Inspection) -> Vec<&'static str> {
    inspection.report.failures().map(|c| c.id).collect()
}

fn qfu(bytes: &[u8]) -> Result<Vec<String>, QfuRefusal> {
    block_on(walk_qfu(&mut bytes.to_vec())).unwrap().map(|nodes| nodes.iter().map(|n| n.id()).collect())
}

/// The nesting of §5's sample output: SPKG → (BOOT → APBL, APPL, MODM).
fn nested() -> CweBuilder {
    let leaf = |t: &[u8; 4], n: usize| CweBuilder::leaf(t, b"9X15", &vec![0x5A; n]);
    let boot = CweBuilder::container(b"BOOT", b"9X15", vec![leaf(b"APBL", 300)]);
    CweBuilder::container(b"SPKG", b"9X15", vec![boot, leaf(b"APPL", 500), leaf(b"MODM", 700)])
        .version("9999999_9902574_SWI9X15C_05.05.66.00_00_GENNA-UMTS_005.028_000")
}

#[test]
fn the_worked_example_passes_both_modes() {
    let file = CweBuilder::worked_example().build();
    let inspection = inspected(&file);
    assert_eq!(inspection.image.family, Family::SierraCwe);
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    assert_eq!(inspection.image.target.version.as_deref(), Some("05.05.58.00"));
    assert_eq!(inspection.image.target.platform.as_deref(), Some("9X15"));
    let top = &inspection.image.partitions[0];
    assert_eq!(top.code, Some(u32::from_be_bytes(*b"APPL")));
    assert_eq!(top.flashed_size, Some(416));
    assert_eq!(qfu(&file), Ok(vec!["0".to_string()]));
}

#[test]
fn nested_packages_list_every_image_and_pass() {
    let file = nested().build();
    assert_eq!(file.len(), 3500, "the size of §5's sample");
    let inspection = inspected(&file);
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    let ids: Vec<_> = block_on(cwe::images(&mut file.clone())).unwrap().iter().map(|n| n.id()).collect();
    assert_eq!(ids, ["0", "0.0", "0.0.0", "0.1", "0.2"]);
    assert_eq!(qfu(&file).unwrap(), ids);
    let versions = cwe::infer_versions(&block_on(cwe::images(&mut file.clone())).unwrap());
    assert_eq!(versions.firmware.as_deref(), Some("05.05.66.00"));
    assert_eq!(versions.carrier.as_deref(), Some("GENNA-UMTS"));
    assert_eq!(versions.config.as_deref(), Some("005.028_000"));
}

#[test]
fn the_module_update_of_the_virtual_module_passes() {
    let file = module_update(&MC7455, "02.30.01.01", 100_000).build();
    let inspection = inspected(&file);
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    assert_eq!(inspection.image.target.version.as_deref(), Some("02.30.01.01"));
    assert_eq!(inspection.image.target.content.as_deref(), Some("firmware"));
}

#[test]
fn crc_errors_fail_strict_mode_but_not_qfu_mode() {
    let bad_psb = CweBuilder::worked_example().psb_crc(0x1234_5678).build();
    assert_eq!(failed_ids(&inspected(&bad_psb)), ["psb-crc"]);
    let bad_image = CweBuilder::worked_example().image_crc(0).build();
    assert_eq!(failed_ids(&inspected(&bad_image)), ["image-crc"]);
    // §4.2 step 5: the tool checks neither CRC.
    assert!(qfu(&bad_psb).is_ok());
    assert!(qfu(&bad_image).is_ok());
    // A flipped payload byte is caught by the image CRC of every enclosing image.
    let mut file = nested().build();
    let last = file.len() - 1;
    file[last] ^= 1;
    let failures: Vec<_> = inspected(&file).report.failures().map(|c| c.sentence.clone()).collect();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(failures[0].contains("image 0 (SPKG)") && failures[1].contains("image 0.2 (MODM)"));
}

#[test]
fn sizes_must_match_the_file_in_both_modes() {
    let file = CweBuilder::worked_example().build();
    let truncated = &file[..file.len() - 1];
    assert_eq!(failed_ids(&inspected(truncated)), ["file-size", "image-crc"]);
    assert_eq!(qfu(truncated), Err(QfuRefusal::SizeMismatch { expected: 16, real: 15 }));
    let longer = [file.as_slice(), &[0]].concat();
    assert_eq!(failed_ids(&inspected(&longer)), ["file-size"]);
    assert!(qfu(&longer).is_err());
    // Too short to be recognised by content, so only the CWE parser itself can say so.
    let short = &file[..399];
    let direct = block_on(cwe::inspect(&mut short.to_vec(), &InspectOptions::default())).unwrap();
    assert_eq!(failed_ids(&direct), ["cwe-header"]);
    assert_eq!(qfu(short), Err(QfuRefusal::TooShort));
    let empty = CweBuilder::leaf(b"APPL", b"9X15", &[]).signature(1).build();
    assert!(failed_ids(&inspected(&empty)).contains(&"image-size"));
    assert_eq!(qfu(&empty), Err(QfuRefusal::InvalidSize));
}

#[test]
fn bad_strings_fail_both_modes() {
    for t in [b"AP\x01L", b"A\0PL"] {
        let file = CweBuilder::worked_example().image_type(t).build();
        let inspection = inspected(&file);
        assert!(failed_ids(&inspection).contains(&"header-strings"), "{t:?}");
        assert_eq!(qfu(&file), Err(QfuRefusal::InvalidStrings));
    }
}

#[test]
fn header_rules_only_strict_mode_checks() {
    let cases: [(CweBuilder, &str); 5] = [
        (CweBuilder::worked_example().hdr_rev(2), "header-revision"),
        (CweBuilder::worked_example().image_type(b"ZZZZ"), "image-type"),
        (CweBuilder::worked_example().signature(0), "appl-signature"),
        (CweBuilder::worked_example().misc_opts(0x02), "image-options"),
        (CweBuilder::worked_example().product(b"9X\x015"), "product-type"),
    ];
    for (builder, id) in cases {
        let file = builder.build();
        assert!(failed_ids(&inspected(&file)).contains(&id), "{id}");
        if id != "product-type" {
            assert!(qfu(&file).is_ok(), "the tool does not check {id}");
        }
    }
}

#[test]
fn a_child_crossing_its_parent_fails_strict_mode_and_is_data_to_qfu() {
    // §5: "child claiming 5000 bytes inside a 500-byte parent: accepted; child not listed".
    let child = CweBuilder::leaf(b"APBL", b"9X15", &[7; 100]).image_sz(5000);
    let file = CweBuilder::container(b"BOOT", b"9X15", vec![child]).build();
    assert_eq!(file.len(), 900);
    assert_eq!(failed_ids(&inspected(&file)), ["nesting"]);
    assert_eq!(qfu(&file), Ok(vec!["0".to_string()]));
}

#[test]
fn leftover_bytes_in_a_container_fail_strict_mode() {
    let child = CweBuilder::leaf(b"APBL", b"9X15", &[7; 100]).build();
    let mut payload = child.clone();
    payload.extend_from_slice(&[0xEE; 10]);
    // A BOOT whose payload is a child plus 10 stray bytes, built by hand.
    let file = CweBuilder::leaf(b"BOOT", b"9X15", &payload).build();
    let inspection = inspected(&file);
    assert_eq!(failed_ids(&inspection), ["nesting"]);
    assert!(inspection.report.failures().next().unwrap().sentence.contains("10 bytes"));
    assert_eq!(qfu(&file), Ok(vec!["0".to_string(), "0.0".to_string()]));
}

#[test]
fn a_leaf_that_looks_like_a_header_is_data_without_a_valid_psb_crc() {
    let child = CweBuilder::leaf(b"APBL", b"9X15", &[7; 100]).psb_crc(1).build();
    let file = CweBuilder::leaf(b"BOOT", b"9X15", &child).build();
    let inspection = inspected(&file);
    assert!(inspection.report.passed(), "{:#?}", inspection.report);
    assert_eq!(block_on(cwe::images(&mut file.clone())).unwrap().len(), 1);
}

#[test]
fn non_cwe_files_still_go_to_the_balong_parser() {
    let inspection = inspected(&[0u8; 1000]);
    assert_eq!(inspection.image.family, Family::HuaweiBalong);
    assert!(!inspection.report.passed());
}

#[test]
fn a_damaged_psb_is_still_recognised_as_cwe() {
    let mut file = CweBuilder::worked_example().build();
    file[0] = 1;
    let inspection = inspected(&file);
    assert_eq!(inspection.image.family, Family::SierraCwe);
    assert_eq!(failed_ids(&inspection), ["psb-crc"]);
    assert_ne!(JAMCRC.checksum(&file[..256]), 0xF269_7AA7);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// Every byte after the top header is covered by the top image CRC (nested headers
    /// included), so any change there fails strict mode.
    #[test]
    fn any_changed_byte_after_the_top_header_fails(at in 400usize..3500, flip in 1u8..=255) {
        let mut file = nested().build();
        file[at] ^= flip;
        proptest::prop_assert!(failed_ids(&inspected(&file)).contains(&"image-crc"));
    }

    /// Arbitrary bytes never panic either mode, and never pass strict mode.
    #[test]
    fn garbage_never_panics_or_passes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 400..1200)) {
        let strict = block_on(cwe::inspect(&mut bytes.clone(), &InspectOptions::default())).unwrap();
        proptest::prop_assert!(!strict.report.passed());
        let _ = qfu(&bytes);
    }
}
