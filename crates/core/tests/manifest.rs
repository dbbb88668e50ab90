//! Firmware manifests (docs/manifest.md): the example and the JSON Schema agree with the
//! Rust types, bad manifests are refused naming the field, the right build is picked for
//! a dongle, files are checked as they stream, and signatures are enforced.

use std::collections::BTreeSet;

use futures::executor::block_on;
use modemflash_core::at::identity::Identity;
use modemflash_core::device::UsbId;
use modemflash_core::image::{Family, Sha256Digest};
use modemflash_core::manifest::signature::{self, PublicKey, SecretKey, SignatureError, Trust};
use modemflash_core::manifest::{Document, Dongle, FileCheck, FileMismatch, Manifest, ManifestError, NoBuild};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const URL: &str = "https://vendor.example/support/e3372h/manifest.json";

fn docs(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../docs/{name}", std::env::var("CARGO_MANIFEST_DIR").unwrap())).unwrap()
}

fn example() -> Value {
    serde_json::from_str(&docs("manifest.example.json")).unwrap()
}

fn schema() -> Value {
    serde_json::from_str(&docs("manifest.schema.json")).unwrap()
}

fn parse(value: &Value) -> Result<Manifest, ManifestError> {
    Manifest::parse(value.to_string().as_bytes(), URL)
}

fn keys(object: &Value) -> BTreeSet<String> {
    object.as_object().unwrap().keys().cloned().collect()
}

/// Finds one instance of a schema object inside a manifest document.
type Locate = fn(&mut Value) -> &mut Value;

/// An edit that makes a manifest invalid.
type Edit = fn(&mut Value);

/// The schema's object definitions and, for each, where one instance sits in the example.
fn objects(schema: &Value) -> [(&'static str, &Value, Locate); 3] {
    [
        ("manifest", schema, |v| v),
        ("model", &schema["$defs"]["model"], |v| &mut v["models"][0]),
        ("build", &schema["$defs"]["build"], |v| &mut v["builds"][0]),
    ]
}

#[test]
fn the_example_is_a_valid_manifest() {
    let manifest = parse(&example()).unwrap();
    assert_eq!(manifest.product, "Example Telecom 4G stick (E3372h)");
    assert_eq!(manifest.models[0].usb_ids, [UsbId::new(0x12d1, 0x1506)]);
    let build = &manifest.builds[0];
    assert_eq!(build.url.as_deref(), Some("https://vendor.example/support/e3372h/firmware/E3372h-22.333.01.00.00.bin"));
    assert_eq!(build.family, Family::HuaweiBalong);
    assert_eq!(build.size, 1_048_576);
    assert_eq!(manifest.builds[1].url, None, "a null url is a bring-your-own-file build");
}

#[test]
fn schema_properties_are_the_serde_fields() {
    let schema = schema();
    let mut example = example();
    // Serialising the parsed document writes every field of the Rust types (None as null).
    let document: Document = serde_json::from_value(example.clone()).unwrap();
    let mut written = serde_json::to_value(&document).unwrap();
    for (name, definition, locate) in objects(&schema) {
        assert_eq!(definition["additionalProperties"], json!(false), "{name}: the schema must refuse unknown fields");
        let properties = keys(&definition["properties"]);
        assert_eq!(keys(locate(&mut written)), properties, "{name}: schema properties vs the Rust fields");
        assert_eq!(keys(locate(&mut example)), properties, "{name}: the example shows every property");
    }
}

#[test]
fn schema_required_fields_are_the_ones_serde_requires() {
    let schema = schema();
    for (name, definition, locate) in objects(&schema) {
        let required: BTreeSet<String> =
            definition["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        for property in keys(&definition["properties"]) {
            let mut doc = example();
            locate(&mut doc).as_object_mut().unwrap().remove(&property);
            let parsed = serde_json::from_value::<Document>(doc);
            if required.contains(&property) {
                let error = parsed.expect_err(&format!("{name}.{property} is required by the schema")).to_string();
                assert!(error.contains(&format!("missing field `{property}`")), "{error}");
            } else {
                assert!(parsed.is_ok(), "{name}.{property} is optional in the schema: {parsed:?}");
            }
        }
    }
}

#[test]
fn schema_families_are_the_engine_families() {
    let schema = schema();
    let listed: Vec<String> = schema["$defs"]["build"]["properties"]["family"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let engine: Vec<String> = [Family::HuaweiBalong, Family::SierraCwe, Family::QualcommPackage]
        .iter()
        .map(|f| serde_json::to_value(f).unwrap().as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, engine);
}

fn refused(edit: impl FnOnce(&mut Value)) -> String {
    let mut doc = example();
    edit(&mut doc);
    parse(&doc).expect_err("must be refused").to_string()
}

#[test]
fn bad_manifests_are_refused_naming_the_field() {
    let unknown = refused(|d| d["builds"][0]["sha265"] = json!("x"));
    assert!(unknown.contains("unknown field `sha265`"), "{unknown}");
    let missing = refused(|d| {
        d["builds"][0].as_object_mut().unwrap().remove("size");
    });
    assert!(missing.contains("missing field `size`"), "{missing}");
    let cases: [(&str, Edit); 10] = [
        ("builds[0].sha256", |d| d["builds"][0]["sha256"] = json!("abc")),
        ("builds[1].size", |d| d["builds"][1]["size"] = json!(0)),
        ("builds[0].size", |d| d["builds"][0]["size"] = json!(5u64 << 30)),
        ("builds[0].models", |d| d["builds"][0]["models"] = json!(["e3372s"])),
        ("builds[0].url", |d| d["builds"][0]["url"] = json!("javascript:alert(1)")),
        ("builds[0].file_name", |d| d["builds"][0]["file_name"] = json!("../../etc/passwd")),
        ("models[0].usb_ids[0]", |d| d["models"][0]["usb_ids"] = json!(["12d1-1506"])),
        ("models[1].id", |d| {
            let copy = d["models"][0].clone();
            d["models"].as_array_mut().unwrap().push(copy);
        }),
        ("manifest_version", |d| d["manifest_version"] = json!(2)),
        ("product", |d| d["product"] = json!("  ")),
    ];
    for (field, edit) in cases {
        let message = refused(edit);
        assert!(message.starts_with(&format!("the manifest's {field} ")), "{field}: {message}");
    }
    assert!(matches!(Manifest::parse(&vec![b' '; 2 << 20], URL), Err(ManifestError::TooLarge { .. })));
}

fn stick(model: &str, firmware: &str, usb: u16) -> (Identity, Option<UsbId>) {
    let identity = Identity {
        manufacturer: "huawei".into(),
        model: model.into(),
        revision: firmware.into(),
        ..Identity::default()
    };
    (identity, Some(UsbId::new(0x12d1, usb)))
}

fn pick_for(manifest: &Manifest, (identity, usb): &(Identity, Option<UsbId>)) -> Result<String, NoBuild> {
    manifest.pick(&Dongle::new(identity, *usb)).map(|p| p.build.version.clone())
}

#[test]
fn the_newest_build_above_the_installed_one_is_picked() {
    let manifest = parse(&example()).unwrap();
    assert_eq!(pick_for(&manifest, &stick("E3372", "22.315.01.00.00", 0x1506)), Ok("22.333.01.00.00".into()));
    // The model name is compared without case, as dongles differ in what they answer.
    assert_eq!(pick_for(&manifest, &stick("e3372", "22.100.01.00.00", 0x1506)), Ok("22.333.01.00.00".into()));
}

#[test]
fn when_nothing_fits_the_reason_is_given() {
    let manifest = parse(&example()).unwrap();
    let up_to_date = pick_for(&manifest, &stick("E3372", "22.333.01.00.00", 0x1506)).unwrap_err();
    assert_eq!(
        up_to_date.to_string(),
        "This Huawei E3372h-153 already runs firmware 22.333.01.00.00; the newest on this page is 22.333.01.00.00. \
         Nothing to update."
    );
    let other_firmware = pick_for(&manifest, &stick("E3372", "21.180.01.00.00", 0x1506)).unwrap_err();
    assert!(matches!(other_firmware, NoBuild::OtherFirmware { ref pattern, .. } if pattern == "22.*"));
    let other_model = pick_for(&manifest, &stick("E8372", "22.200.01.00.00", 0x1506)).unwrap_err();
    assert_eq!(
        other_model.to_string(),
        "The firmware on this page is for the Huawei E3372h-153; the connected modem is a huawei E8372, 12d1:1506."
    );
    // Same answers on another USB id: another product (an E3372s answers "E3372" too).
    let other_id = pick_for(&manifest, &stick("E3372", "22.315.01.00.00", 0x14dc)).unwrap_err();
    assert!(matches!(other_id, NoBuild::OtherModel { .. }));
}

fn build_for(bytes: &[u8]) -> Manifest {
    let mut doc = example();
    doc["builds"][0]["size"] = json!(bytes.len());
    doc["builds"][0]["sha256"] = json!(Sha256Digest(Sha256::digest(bytes).into()).to_string());
    parse(&doc).unwrap()
}

#[test]
fn a_streamed_file_passes_only_with_the_declared_size_and_hash() {
    let file: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let manifest = build_for(&file);
    let build = &manifest.builds[0];
    let mut check = FileCheck::new(build);
    for piece in file.chunks(65_536) {
        check.feed(piece).unwrap();
    }
    assert_eq!(check.finish().map(|d| d.0), Ok(<[u8; 32]>::from(Sha256::digest(&file))));

    let mut tampered = file.clone();
    tampered[123_456] ^= 0x01;
    let mut check = FileCheck::new(build);
    check.feed(&tampered).unwrap();
    assert!(matches!(check.finish(), Err(FileMismatch::Sha256 { .. })));

    let mut check = FileCheck::new(build);
    check.feed(&file).unwrap();
    assert!(matches!(check.feed(&[0]), Err(FileMismatch::TooLarge { expected: 300_000, .. })));

    let mut check = FileCheck::new(build);
    check.feed(&file[..1000]).unwrap();
    let short = check.finish().unwrap_err();
    assert_eq!(short, FileMismatch::TooSmall { file: build.file_name.clone(), actual: 1000, expected: 300_000 });
    assert!(short.to_string().contains("not the 300000 the vendor's manifest gives"), "{short}");
}

#[test]
fn a_file_the_person_brings_is_checked_the_same_way() {
    let file = vec![0x42u8; 70_000];
    let manifest = build_for(&file);
    let build = &manifest.builds[0];
    assert!(block_on(FileCheck::source(build, &mut file.as_slice())).unwrap().is_ok());
    let mut other = file.clone();
    other[0] = 0;
    assert!(matches!(
        block_on(FileCheck::source(build, &mut other.as_slice())).unwrap(),
        Err(FileMismatch::Sha256 { .. })
    ));
    assert!(matches!(
        block_on(FileCheck::source(build, &mut &file[1..])).unwrap(),
        Err(FileMismatch::TooSmall { actual: 69_999, .. })
    ));
}

fn vendor_key() -> SecretKey {
    SecretKey::from_seed([7; 32])
}

#[test]
fn a_signed_manifest_verifies_with_the_pinned_key() {
    let bytes = docs("manifest.example.json").into_bytes();
    let key = vendor_key();
    let signature = key.sign(&bytes);
    let pinned = PublicKey::from_base64(&key.public_key().to_base64()).unwrap();
    let sig_url = signature::signature_url(URL);
    assert_eq!(signature::check(Some(&pinned), &bytes, Some(&signature), &sig_url), Ok(Trust::Verified(pinned)));
}

#[test]
fn one_changed_byte_breaks_the_signature() {
    let bytes = docs("manifest.example.json").into_bytes();
    let key = vendor_key();
    let signature = key.sign(&bytes);
    let pinned = key.public_key();
    // The vendor's file with the SHA-256 of another firmware: one hex digit changed.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let tampered = text.replacen("0940236365", "1940236365", 1).into_bytes();
    assert_ne!(tampered, bytes);
    assert_eq!(signature::check(Some(&pinned), &tampered, Some(&signature), "x.sig"), Err(SignatureError::Mismatch));
    // Another vendor's signature over the same bytes.
    let other = SecretKey::from_seed([9; 32]).sign(&bytes);
    assert_eq!(signature::check(Some(&pinned), &bytes, Some(&other), "x.sig"), Err(SignatureError::Mismatch));
}

#[test]
fn a_missing_signature_is_refused_only_when_a_key_is_pinned() {
    let bytes = docs("manifest.example.json").into_bytes();
    let pinned = vendor_key().public_key();
    let sig_url = signature::signature_url(URL);
    let missing = signature::check(Some(&pinned), &bytes, None, &sig_url).unwrap_err();
    assert_eq!(
        missing.to_string(),
        "the manifest is not signed: https://vendor.example/support/e3372h/manifest.json.sig has no signature beside it"
    );
    assert_eq!(signature::check(Some(&pinned), &bytes, Some("\n"), &sig_url), Err(missing));
    assert_eq!(signature::check(Some(&pinned), &bytes, Some("not base64"), &sig_url), Err(SignatureError::Malformed));
    assert_eq!(signature::check(None, &bytes, None, &sig_url), Ok(Trust::Unsigned));
}
