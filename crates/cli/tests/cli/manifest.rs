//! `manifest keygen|sign|verify`: a vendor signs a manifest and anyone checks it.

use crate::support::{arg, run, TempDir, STARTUP};

fn example() -> Vec<u8> {
    std::fs::read(format!("{}/../../docs/manifest.example.json", std::env::var("CARGO_MANIFEST_DIR").unwrap())).unwrap()
}

#[test]
fn a_vendor_signs_and_anyone_verifies() {
    let dir = TempDir::new("manifest-sign");
    let secret = dir.join("vendor.key");
    let keygen = run(&["manifest", "keygen", "--secret", arg(&secret)], STARTUP);
    assert_eq!(keygen.status.code(), Some(0), "{}", keygen.stderr);
    let public_key = keygen.stdout.trim().to_string();
    assert_eq!(public_key.len(), 44, "{public_key}");
    let again = run(&["manifest", "keygen", "--secret", arg(&secret)], STARTUP);
    assert_eq!(again.status.code(), Some(2), "keygen never overwrites a key");

    let manifest = dir.write("manifest.json", &example());
    let signed = run(&["manifest", "sign", "--secret", arg(&secret), &manifest], STARTUP);
    assert_eq!(signed.status.code(), Some(0), "{}", signed.stderr);
    let signature = std::fs::read_to_string(format!("{manifest}.sig")).unwrap();
    assert_eq!(signature.trim().len(), 88, "{signature}");

    let verified = run(&["manifest", "verify", "--public-key", &public_key, &manifest], STARTUP);
    assert_eq!(verified.status.code(), Some(0), "{}", verified.stderr);
    assert!(verified.stdout.contains("matches the public key"), "{}", verified.stdout);

    // One byte changed after signing.
    let mut tampered = example();
    let at = tampered.iter().position(|b| *b == b'9').unwrap();
    tampered[at] = b'8';
    std::fs::write(&manifest, tampered).unwrap();
    let refused = run(&["manifest", "verify", "--public-key", &public_key, &manifest], STARTUP);
    assert_eq!(refused.status.code(), Some(1));
    assert!(refused.stderr.contains("signature does not match"), "{}", refused.stderr);

    std::fs::remove_file(format!("{manifest}.sig")).unwrap();
    let missing = run(&["manifest", "verify", "--public-key", &public_key, &manifest], STARTUP);
    assert_eq!(missing.status.code(), Some(1));
    assert!(missing.stderr.contains("the manifest is not signed"), "{}", missing.stderr);
}

#[test]
fn an_invalid_manifest_is_not_signed() {
    let dir = TempDir::new("manifest-invalid");
    let secret = dir.join("vendor.key");
    assert_eq!(run(&["manifest", "keygen", "--secret", arg(&secret)], STARTUP).status.code(), Some(0));
    let text = String::from_utf8(example()).unwrap().replacen("\"size\": 1048576", "\"size\": 0", 1);
    let manifest = dir.write("manifest.json", text.as_bytes());
    let signed = run(&["manifest", "sign", "--secret", arg(&secret), &manifest], STARTUP);
    assert_eq!(signed.status.code(), Some(1));
    assert!(signed.stderr.contains("builds[0].size"), "{}", signed.stderr);
    assert!(!std::path::Path::new(&format!("{manifest}.sig")).exists());
}
