//! Our CWE verdicts against `qmi-firmware-update --verify` (Debian libqmi-utils 1.32.2),
//! the oracle of specs/sierra-cwe-qdl.md §5, on a corpus of generated files.
//!
//! For every file: the tool's exit status must equal our qfu-compatible mode's verdict
//! (§4.2), its reason (with `-v`) must be ours, and for accepted files the printed tree
//! (ids, types, products, sizes) and inferred versions must be ours. Strict mode (§4.1)
//! must refuse everything the tool refuses; where it refuses more, the case names the
//! strict rule the tool does not check (§4.2 step 5), and the test asserts exactly that.
//!
//! `scripts/test` installs the tool (`ensure_libqmi` in scripts/env.sh).

use std::path::{Path, PathBuf};
use std::process::Command;

use futures::executor::block_on;
use modemflash_core::image::cwe::tree::walk_qfu;
use modemflash_core::image::cwe::{self, infer_versions};
use modemflash_core::image::InspectOptions;
use modemflash_sim::image::cwe::{module_update, CweBuilder};
use modemflash_sim::profile::MC7455;

const TOOL: &str = "qmi-firmware-update";

/// One generated file: name, bytes, and the strict check that refuses it where the tool
/// does not look (`None`: both verdicts agree).
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    stricter: Option<&'static str>,
}

fn case(name: &'static str, bytes: Vec<u8>) -> Case {
    Case { name, bytes, stricter: None }
}

fn stricter(name: &'static str, bytes: Vec<u8>, check: &'static str) -> Case {
    Case { name, bytes, stricter: Some(check) }
}

fn leaf(t: &[u8; 4], n: usize) -> CweBuilder {
    CweBuilder::leaf(t, b"9X15", &vec![0x5A; n]).version("SWI9X15C_05.05.66.00 r1 build 2015/06/10 00:00:00")
}

fn nested() -> CweBuilder {
    let boot = CweBuilder::container(b"BOOT", b"9X15", vec![leaf(b"APBL", 300)]);
    CweBuilder::container(b"SPKG", b"9X15", vec![boot, leaf(b"APPL", 500), leaf(b"MODM", 700)])
        .version("9999999_9902574_SWI9X15C_05.05.66.00_00_GENNA-UMTS_005.028_000")
}

/// A carrier configuration as parsecwe saw one: SPKG → FILE → FILE → NVUP (§2).
fn nvu() -> CweBuilder {
    let nvup = CweBuilder::leaf(b"NVUP", b"9x30", &[1, 2, 3, 4, 5, 6, 7, 8])
        .version("9999999_9904609_SWI9X30C_02.24.05.06_00_SPRINT_000.010_000")
        .signature(0x5061_7273);
    let inner = CweBuilder::container(b"FILE", b"9x30", vec![nvup]).version("/swir/nvdelta/NVUP_SPRINT.010");
    CweBuilder::container(b"SPKG", b"9x30", vec![CweBuilder::container(b"FILE", b"9x30", vec![inner])])
}

fn corpus() -> Vec<Case> {
    let example = CweBuilder::worked_example().build();
    let crossing = CweBuilder::container(b"BOOT", b"9X15", vec![leaf(b"APBL", 100).image_sz(5000)]).build();
    let mut leftover_payload = leaf(b"APBL", 100).build();
    leftover_payload.extend_from_slice(&[0xEE; 10]);
    let bad_child_strings = CweBuilder::container(b"BOOT", b"9X15", vec![leaf(b"AP\x01L", 50)]).build();
    vec![
        case("worked-example.cwe", example.clone()),
        case("nested.spk", nested().build()),
        case("mc7455-update.spk", module_update(&MC7455, "02.30.01.01", 20_000).build()),
        case("carrier.nvu", nvu().build()),
        case("truncated.cwe", example[..example.len() - 1].to_vec()),
        case("one-extra-byte.cwe", [example.as_slice(), &[0]].concat()),
        case("too-short.cwe", example[..399].to_vec()),
        case("empty-image.cwe", CweBuilder::leaf(b"APPL", b"9X15", &[]).build()),
        case("control-char-type.cwe", CweBuilder::worked_example().image_type(b"AP\x01L").build()),
        case("byte-after-nul.cwe", CweBuilder::worked_example().image_type(b"A\0PL").build()),
        case("bad-product-string.cwe", CweBuilder::worked_example().product(b"9X\x015").build()),
        case("nested-top-too-long.spk", nested().image_sz(3101).build()),
        case(
            "full-width-strings.cwe",
            CweBuilder::worked_example().version_bytes(&[b'V'; 84]).date(b"06/10/15").build(),
        ),
        stricter("bad-psb-crc.cwe", CweBuilder::worked_example().psb_crc(0xDEAD_BEEF).build(), "psb-crc"),
        stricter("bad-image-crc.cwe", CweBuilder::worked_example().image_crc(0).build(), "image-crc"),
        stricter("both-crcs-bad.cwe", CweBuilder::worked_example().psb_crc(1).image_crc(1).build(), "psb-crc"),
        stricter("header-rev-2.cwe", CweBuilder::worked_example().hdr_rev(2).build(), "header-revision"),
        stricter("unknown-type.cwe", CweBuilder::worked_example().image_type(b"ZZZZ").build(), "image-type"),
        stricter("appl-unsigned.cwe", CweBuilder::worked_example().signature(0).build(), "appl-signature"),
        stricter("compressed.cwe", CweBuilder::worked_example().misc_opts(0x01).build(), "image-options"),
        stricter("child-crosses-parent.cwe", crossing, "nesting"),
        stricter("leftover-in-container.cwe", CweBuilder::leaf(b"BOOT", b"9X15", &leftover_payload).build(), "nesting"),
        stricter("child-with-bad-strings.cwe", bad_child_strings, "header-strings"),
    ]
}

struct Verdict {
    ok: bool,
    output: String,
}

fn tool_verdict(path: &Path) -> Verdict {
    let out = Command::new(TOOL).arg("--verify").arg("-v").arg(path).output().unwrap_or_else(|e| {
        panic!(
            "cannot run {TOOL} ({e}): this test compares our CWE verdicts with it. Install the Debian package \
             libqmi-utils (apt-get install libqmi-utils; scripts/test does it through ensure_libqmi)."
        )
    });
    let output = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    Verdict { ok: out.status.success(), output }
}

/// `[cwe 0.1] type:    APPL` lines: (id, field, value).
fn printed(output: &str, field: &str) -> Vec<(String, String)> {
    output
        .lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("[cwe ")?;
            let (id, rest) = rest.split_once("] ")?;
            let value = rest.strip_prefix(field)?.strip_prefix(':')?;
            Some((id.to_string(), value.trim().to_string()))
        })
        .collect()
}

fn printed_detected(output: &str, what: &str) -> Option<String> {
    let line = output.lines().find(|l| l.contains(&format!("[cwe] detected {what}")))?;
    let value = line.split_once(':')?.1.trim();
    (value != "n/a").then(|| value.to_string())
}

fn corpus_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("modemflash-cwe-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn our_verdicts_agree_with_qmi_firmware_update() {
    let dir = corpus_dir();
    for case in corpus() {
        let path = dir.join(case.name);
        std::fs::write(&path, &case.bytes).unwrap();
        let tool = tool_verdict(&path);
        let ours = block_on(walk_qfu(&mut case.bytes.clone())).unwrap();
        let strict = block_on(cwe::inspect(&mut case.bytes.clone(), &InspectOptions::default())).unwrap();
        let who = case.name;

        assert_eq!(tool.ok, ours.is_ok(), "{who}: the tool says {}, we say {ours:?}\n{}", tool.ok, tool.output);
        match &ours {
            Err(refusal) => {
                assert!(tool.output.contains(&refusal.to_string()), "{who}: reason {refusal} not in\n{}", tool.output)
            }
            Ok(nodes) => {
                let types: Vec<_> = nodes.iter().map(|n| (n.id(), n.header.type_text())).collect();
                assert_eq!(printed(&tool.output, "type"), types, "{who}: tree");
                let products: Vec<_> = nodes.iter().map(|n| (n.id(), n.header.product_text())).collect();
                assert_eq!(printed(&tool.output, "product"), products, "{who}: products");
                let sizes: Vec<_> = nodes.iter().map(|n| (n.id(), n.header.image_sz.to_string())).collect();
                assert_eq!(printed(&tool.output, "size"), sizes, "{who}: sizes");
                let versions = infer_versions(nodes);
                assert_eq!(printed_detected(&tool.output, "firmware version"), versions.firmware, "{who}");
                assert_eq!(printed_detected(&tool.output, "config version"), versions.config, "{who}");
                assert_eq!(printed_detected(&tool.output, "carrier"), versions.carrier, "{who}");
            }
        }

        // Strict mode refuses all the tool refuses …
        if !tool.ok {
            assert!(!strict.report.passed(), "{who}: the tool refuses it, strict mode must too");
        }
        // … and more only where a case says which rule the tool does not check.
        match case.stricter {
            None => assert_eq!(strict.report.passed(), tool.ok, "{who}: {:#?}", strict.report),
            Some(check) => {
                assert!(tool.ok, "{who}: the tool accepts it (it does not check {check})");
                let failed: Vec<_> = strict.report.failures().map(|c| c.id).collect();
                assert!(failed.contains(&check), "{who}: strict mode refuses it for {check}, not only {failed:?}");
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
