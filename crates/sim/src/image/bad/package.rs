//! Bad Qualcomm packages (docs/qualcomm-package.md, specs/qualcomm-dload.md §3.2, §4.4),
//! zipped as people download them: damaged copies of a small package for the virtual
//! ZTE MF626, each with its manifest resealed so only the named problem is wrong
//! (unless the manifest is the problem), and zips built to hurt the unpacker.

use modemflash_core::image::qualcomm::manifest::MANIFEST_NAME;
use modemflash_core::image::qualcomm::zip::{MAX_ENTRIES, MAX_ENTRY};
use modemflash_core::protocol::streaming::table::{MAGIC1, MAX_LEN};

use super::BadFile;
use crate::image::qualcomm::{programmer_hex, stick_package, QualcommPackage};
use crate::profile::ZTE_MF626;

const PROGRAMMER: &str = "NPRG8200.hex";
const LOAD_ADDRESS: u32 = 0x0010_0000;

fn good() -> QualcommPackage {
    stick_package(&ZTE_MF626, "BD_P673A2V1.0.1B02", 6_000)
}

fn file(package: &QualcommPackage, name: &str) -> Vec<u8> {
    package.file(name).unwrap_or_else(|| panic!("the package holds {name}")).to_vec()
}

/// The good package with file `name` replaced (or added) and the manifest resealed.
fn with(name: &str, bytes: Vec<u8>) -> QualcommPackage {
    good().with_file(name, bytes).resealed(|_| {})
}

/// The corpus.
pub fn corpus() -> Vec<BadFile> {
    let mut corpus = Vec::new();
    corpus.extend(programmers());
    corpus.extend(tables());
    corpus.extend(images());
    corpus.extend(manifests());
    corpus.extend(zips());
    corpus
}

fn programmers() -> Vec<BadFile> {
    let hex = String::from_utf8(file(&good(), PROGRAMMER)).expect("Intel HEX is text");
    let lines: Vec<&str> = hex.lines().collect();
    let bad_hex =
        |what: &str, text: String| BadFile::naming(what, with(PROGRAMMER, text.into_bytes()).zip(), "Intel HEX");
    let mut wrong_sum = lines.clone();
    let second = wrong_sum[1].to_string();
    let flipped = format!("{}{}", &second[..second.len() - 1], if second.ends_with('0') { '1' } else { '0' });
    wrong_sum[1] = &flipped;
    let nine_bytes = ":09000000000102030405060708D3".to_string();
    vec![
        BadFile::naming("no programmer", good().without(PROGRAMMER).resealed(|_| {}).zip(), "no programmer"),
        BadFile::naming(
            "two programmers",
            good().with_file("ENPRG8200.hex", file(&good(), PROGRAMMER)).resealed(|_| {}).zip(),
            "more than one programmer",
        ),
        bad_hex("a record with a wrong checksum", wrong_sum.join("\n")),
        bad_hex("no end-of-file record", lines[..lines.len() - 1].join("\n")),
        bad_hex("a cut inside a record", hex[..hex.len() / 2].to_string()),
        bad_hex("letters that are not hex digits", hex.replacen("0", "G", 40)),
        bad_hex(
            "a record claiming 9 bytes that holds 8",
            [lines[0], &nine_bytes[..nine_bytes.len() - 4], "FF", ":00000001FF"].join("\n"),
        ),
        bad_hex("only the end-of-file record", ":00000001FF\n".into()),
        BadFile::naming("an empty programmer", with(PROGRAMMER, Vec::new()).zip(), "empty"),
        BadFile::naming(
            "a record running past 4 GiB",
            with(PROGRAMMER, b":02000004FFFFFC\n:10FFF80000000000000000000000000000000000F9\n:00000001FF\n".to_vec())
                .zip(),
            "load address",
        ),
        bad_hex("data 2 GiB apart", {
            let low = String::from_utf8(programmer_hex(LOAD_ADDRESS, &[1; 64])).expect("Intel HEX is text");
            let high = String::from_utf8(programmer_hex(0x8010_0000, &[2; 64])).expect("Intel HEX is text");
            low.replace(":00000001FF", "") + &high
        }),
        BadFile::naming(
            "a programmer for an unknown load address",
            good()
                .without(PROGRAMMER)
                .with_file("NPRG6280.hex", programmer_hex(0x1234_0000, &[0x5A; 4096]))
                .resealed(|m| m.load_address = Some("0x12340000".into()))
                .zip(),
            "not the load address of any known chipset",
        ),
        BadFile::naming(
            "HEX addresses and the manifest disagree",
            good().resealed(|m| m.load_address = Some("0x41700000".into())).zip(),
            "names load address",
        ),
        BadFile::naming(
            "a raw programmer nothing gives an address for",
            good()
                .without(PROGRAMMER)
                .with_file("NPRG6280.mbn", vec![0x5A; 4096])
                .resealed(|m| m.load_address = None)
                .zip(),
            "is not known",
        ),
    ]
}

fn tables() -> Vec<BadFile> {
    let table = file(&good(), "partition.mbn");
    let patched = |at: usize, value: u32| {
        let mut t = table.clone();
        t[at..at + 4].copy_from_slice(&value.to_le_bytes());
        with("partition.mbn", t).zip()
    };
    let mut corpus = vec![
        BadFile::naming(
            "no partition table",
            good().without("partition.mbn").resealed(|_| {}).zip(),
            "no partition table",
        ),
        BadFile::naming(
            "two partition tables",
            good().with_file("partition.bin", table.clone()).resealed(|_| {}).zip(),
            "more than one partition table",
        ),
        BadFile::naming("a wrong first magic", patched(0, MAGIC1 ^ 1), "partition.mbn"),
        BadFile::naming("a wrong second magic", patched(4, 0), "partition.mbn"),
        BadFile::naming("table version 2", patched(8, 2), "partition.mbn"),
        BadFile::naming("an empty table", with("partition.mbn", Vec::new()).zip(), "partition.mbn"),
        BadFile::naming("a table over 512 bytes", with("partition.mbn", vec![0; MAX_LEN + 1]).zip(), "larger than 512"),
    ];
    let mut zero = table.clone();
    zero[16 + 16..16 + 20].copy_from_slice(&0u32.to_le_bytes()); // 0:QCSBL's size in KiB
    corpus.push(BadFile::naming("a partition of 0 KiB", with("partition.mbn", zero).zip(), "0:QCSBL (0 KiB)"));
    for count in [0, 4, 17, 18, 0x0100_0000, u32::MAX] {
        corpus.push(BadFile::naming(format!("a table claiming {count} partitions"), patched(12, count), "partition"));
    }
    for cut in [8, 15, 16 + 13, table.len() - 1] {
        let what = format!("a table cut at byte {cut} of {}", table.len());
        corpus.push(BadFile::naming(what, with("partition.mbn", table[..cut].to_vec()).zip(), "partition.mbn"));
    }
    corpus
}

fn images() -> Vec<BadFile> {
    vec![
        BadFile::naming(
            "an image for no partition of the table",
            with("efs2.mbn", vec![0x11; 300]).zip(),
            "has no partition 0:EFS2",
        ),
        BadFile::naming(
            "an image larger than its partition",
            with("qcsbl.mbn", vec![0x22; 1024 * 1024 + 1]).zip(),
            "more than partition 0:QCSBL",
        ),
        BadFile::naming(
            "no image at all",
            good().without("qcsbl.mbn").without("oemsbl.mbn").without("amss.mbn").resealed(|_| {}).zip(),
            "no partition image",
        ),
        BadFile::naming("an empty image", with("oemsbl.mbn", Vec::new()).zip(), "oemsbl.mbn is empty"),
    ]
}

fn manifests() -> Vec<BadFile> {
    let mut amss = file(&good(), "amss.mbn");
    amss[100] ^= 1;
    let manifest = String::from_utf8(file(&good(), MANIFEST_NAME)).expect("JSON is text");
    let some_hash = manifest.find("\"amss.mbn\": \"").map(|at| at + 13).expect("amss.mbn is listed");
    let mut bad_hash = manifest.clone();
    bad_hash.replace_range(some_hash..some_hash + 4, "zz!!");
    vec![
        BadFile::naming(
            "amss.mbn changed after the manifest was written",
            good().with_file("amss.mbn", amss).zip(),
            "does not match the checksum",
        ),
        BadFile::naming("a listed file missing", good().without("oemsbl.mbn").zip(), "does not hold it"),
        BadFile::naming(
            "a file the manifest does not list",
            good().with_file("dsp1.mbn", vec![1; 10]).zip(),
            "not listed",
        ),
        BadFile::naming(
            "a manifest that is not JSON",
            good().with_file(MANIFEST_NAME, b"{\"format\": ".to_vec()).zip(),
            "manifest.json cannot be read",
        ),
        BadFile::naming(
            "a checksum that is not hex",
            good().with_file(MANIFEST_NAME, bad_hash.into_bytes()).zip(),
            "amss.mbn",
        ),
        BadFile::naming("a 1 MiB manifest", good().with_file(MANIFEST_NAME, vec![b' '; 1 << 20]).zip(), "too large"),
        BadFile::naming(
            "a load address that is not a number",
            good().resealed(|m| m.load_address = Some("somewhere".into())).zip(),
            "manifest.json",
        ),
    ]
}

/// Zips that hurt: cut, not zips, bombs whose directory claims huge sizes, an entry
/// that unpacks past its claim, too many entries, names that climb out of the folder.
fn zips() -> Vec<BadFile> {
    let zip = good().zip();
    let mut corpus: Vec<BadFile> = [10, zip.len() / 2, zip.len() - 30, zip.len() - 1]
        .into_iter()
        .map(|cut| BadFile::naming(format!("a zip cut at byte {cut} of {}", zip.len()), zip[..cut].to_vec(), "zip"))
        .collect();
    let mut not_zip = zip.clone();
    not_zip[3] = 0x05;
    corpus.push(BadFile::naming("PK\\x03\\x05 instead of a zip's magic", not_zip, "not a Huawei firmware file"));
    corpus.push(BadFile::naming("an empty zip", QualcommPackage { files: Vec::new() }.zip(), "no programmer"));
    corpus.push(BadFile::naming(
        "an entry claiming 4 GiB",
        claiming(&zip, "amss.mbn", u32::MAX),
        // 0xFFFFFFFF is Zip64's marker (APPNOTE §4.4.8): refused as such.
        "Zip64",
    ));
    corpus.push(BadFile::naming(
        "an entry claiming one byte over the largest entry",
        claiming(&zip, "amss.mbn", MAX_ENTRY as u32 + 1),
        "more than 256 MiB",
    ));
    let many = QualcommPackage { files: (0..24).map(|i| (format!("part{i:02}.mbn"), vec![0; 1000])).collect() }.zip();
    let bomb = (0..24).fold(many, |z, i| claiming(&z, &format!("part{i:02}.mbn"), 12 << 20));
    // Entries are unpacked while they are read, never held whole: a claim is believed
    // only as far as the data goes.
    corpus.push(BadFile::naming("24 entries claiming 12 MiB each, holding 1000 bytes", bomb, "ends before"));
    corpus.push(BadFile::naming(
        "an entry that unpacks past its claim",
        claiming(&with("amss.mbn", vec![0; 1 << 20]).zip(), "amss.mbn", 1000),
        // Unpacking stops at the claim; the CRC-32 of what was unpacked then fails.
        "CRC-32",
    ));
    let crowd = QualcommPackage { files: (0..=MAX_ENTRIES).map(|i| (format!("f{i:03}.mbn"), vec![1])).collect() };
    corpus.push(BadFile::naming(format!("{} entries", MAX_ENTRIES + 1), crowd.zip(), "at most"));
    for name in ["../amss.mbn", "/amss.mbn", "MF626/../../amss.mbn"] {
        let climbing = QualcommPackage {
            files: good()
                .files
                .into_iter()
                .map(|(n, b)| (if n == "amss.mbn" { name.to_string() } else { n }, b))
                .collect(),
        };
        corpus.push(BadFile::naming(format!("an entry named {name}"), climbing.zip(), "not a usable file name"));
    }
    let twice = QualcommPackage {
        files: good()
            .files
            .into_iter()
            .flat_map(|(n, b)| [(format!("a/{n}"), b.clone()), (format!("b/{n}"), b)])
            .collect(),
    };
    corpus.push(BadFile::naming("every file twice, in two folders", twice.zip(), "two files named"));
    corpus
}

/// `zip` with entry `name`'s uncompressed size set to `size` in its local header and in
/// the central directory: a claim that is not what the entry holds.
fn claiming(zip: &[u8], name: &str, size: u32) -> Vec<u8> {
    // (signature, name length at, name at, uncompressed size at)
    const HEADERS: [(&[u8; 4], usize, usize, usize); 2] = [(b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24)];
    let mut out = zip.to_vec();
    for (signature, len_at, name_at, size_at) in HEADERS {
        let mut at = 0;
        while let Some(found) = out[at..].windows(4).position(|w| w == signature) {
            let h = at + found;
            let len = usize::from(u16::from_le_bytes([out[h + len_at], out[h + len_at + 1]]));
            if out.get(h + name_at..h + name_at + len) == Some(name.as_bytes()) {
                out[h + size_at..h + size_at + 4].copy_from_slice(&size.to_le_bytes());
            }
            at = h + 4;
        }
    }
    out
}
