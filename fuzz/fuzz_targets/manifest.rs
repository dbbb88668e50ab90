//! A vendor's firmware manifest (manifest::Manifest::parse, docs/manifest.md) over
//! arbitrary bytes: refused with an error naming the field, never a panic; in one that
//! parses, every build names models the manifest lists.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modemflash_core::manifest::Manifest;

fuzz_target!(|data: &[u8]| {
    match Manifest::parse(data, "https://vendor.example/firmware/manifest.json") {
        Ok(manifest) => {
            for build in &manifest.builds {
                for model in &build.models {
                    assert!(manifest.models.iter().any(|m| &m.id == model), "a build names an unknown model");
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty(), "an error without a sentence"),
    }
});
