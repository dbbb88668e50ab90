//! Golden vectors of specs/qualcomm-dload.md §2.3, §9.1 and §9.2: every command and
//! reply the DIAG, DMSS and streaming codecs build, byte for byte on the wire.

use modemflash_core::framing::hdlc::{self, HdlcDecoder};
use modemflash_core::protocol::diag::{self, ProbeState};
use modemflash_core::protocol::dmss;
use modemflash_core::protocol::streaming::{self, ErrorCode, Hello, HelloReply, PartitionEntry, PartitionTable};

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
}

fn framed(payload: &[u8], leading_flag: bool) -> Vec<u8> {
    let mut out = Vec::new();
    hdlc::encode(payload, leading_flag, &mut out);
    out
}

fn dmss_wire(cmd: dmss::Cmd) -> Vec<u8> {
    let mut p = Vec::new();
    cmd.encode(&mut p);
    framed(&p, true)
}

fn streaming_wire(cmd: streaming::Cmd) -> Vec<u8> {
    let mut p = Vec::new();
    cmd.encode(&mut p);
    framed(&p, true)
}

fn streaming_reply(reply: &streaming::Reply) -> Vec<u8> {
    let mut p = Vec::new();
    reply.encode(&mut p);
    framed(&p, true)
}

fn host_magic() -> String {
    "51 43 4F 4D 20 66 61 73 74 20 64 6F 77 6E 6C 6F 61 64 20 70 72 6F 74 6F 63 6F 6C 20 68 6F 73 74".into()
}

#[test]
fn crc_check_and_libqcdm_vectors() {
    assert_eq!(hdlc::fcs(b"123456789"), 0x906E);
    let mut v48 = hex("4B 0F 00 00 00 00 00 00 05 00 00 00 02 00 00 00 02 00 00 00 FF FF FF 3F FF");
    v48.extend_from_slice(&[0; 11]);
    v48.push(1);
    v48.extend_from_slice(&[0; 7]);
    v48.extend_from_slice(&[0xFF; 4]);
    assert_eq!(v48.len(), 48);
    assert_eq!(hdlc::fcs(&v48), 0x097A);
    let mut v133 = vec![0x26, 0xB2];
    v133.extend_from_slice(&[0; 131]);
    assert_eq!(hdlc::fcs(&v133), 0x6D69);
    assert_eq!(framed(&hex("4B 05 08 00"), false), hex("4B 05 08 00 01 DD 7E"));
}

#[test]
fn diag_frames_have_no_leading_flag() {
    for (payload, wire) in [
        ("00", "00 78 F0 7E"),
        ("7C", "7C 93 49 7E"),
        ("38", "38 B3 4D 7E"),
        ("1C", "1C 95 2A 7E"),
        ("01", "01 F1 E1 7E"),
        ("3A", "3A A1 6E 7E"),
        ("4B 65 01 00", "4B 65 01 00 54 0F 7E"),
        ("29 02 00", "29 02 00 59 6A 7E"),
        ("13 06", "13 06 88 D5 7E"),
        ("2A", "2A 20 7D 5E 7E"),
        ("19", "19 38 7D 5D 7E"),
        ("60", "60 7D 5E 93 7E"),
        ("F1", "F1 7D 5E 16 7E"),
        ("73 00 00 00 00 00 00 00", "73 00 00 00 00 00 00 00 DA 81 7E"),
        ("7D 05 00 00 00 00 00 00", "7D 5D 05 00 00 00 00 00 00 74 41 7E"),
    ] {
        assert_eq!(framed(&hex(payload), false), hex(wire), "payload {payload}");
    }
    assert_eq!(diag::PROBE.to_vec(), hex("7E 06 4E 95 7E"));
}

#[test]
fn dmss_commands_match_the_spec_frames() {
    assert_eq!(dmss_wire(dmss::Cmd::Nop), hex("7E 06 4E 95 7E"));
    assert_eq!(dmss_wire(dmss::Cmd::ParamReq), hex("7E 07 C7 84 7E"));
    assert_eq!(dmss_wire(dmss::Cmd::Reset), hex("7E 0A 22 5F 7E"));
    assert_eq!(
        dmss_wire(dmss::Cmd::Write32 { addr: 0x0010_0000, data: &[0xDE, 0xAD, 0xBE, 0xEF] }),
        hex("7E 0F 00 10 00 00 00 04 DE AD BE EF 09 D8 7E")
    );
    assert_eq!(dmss_wire(dmss::Cmd::Go { addr: 0x0010_0000 }), hex("7E 05 00 10 00 00 B6 6C 7E"));
    // qdload's second and third block headers (§9.3).
    let mut p = Vec::new();
    dmss::Cmd::Write32 { addr: 0x0010_03F9, data: &[0; 1017] }.encode(&mut p);
    assert_eq!(p[..7], hex("0F 00 10 03 F9 03 F9")[..]);
    dmss::Cmd::Write32 { addr: 0x0010_07F2, data: &[0; 966] }.encode(&mut p);
    assert_eq!(p[..7], hex("0F 00 10 07 F2 03 C6")[..]);
}

#[test]
fn dmss_replies_match_the_spec_frames() {
    let mut p = Vec::new();
    dmss::Reply::Ack.encode(&mut p);
    assert_eq!(framed(&p, true), hex("7E 02 6A D3 7E"));
    dmss::Reply::Nak(dmss::Nak(1)).encode(&mut p);
    assert_eq!(framed(&p, true), hex("7E 03 00 01 21 38 7E"));
    assert_eq!(dmss::Reply::parse(&hex("03 00 01")), dmss::Reply::Nak(dmss::Nak(1)));
    let params = dmss::Reply::parse(&hex("08 18 08 04 00 00 00 00"));
    let dmss::Reply::Params(params) = params else { panic!("{params:?}") };
    assert_eq!(params.max_write_size, 0x0400, "big-endian");
    assert_eq!(params.block_size(), 1017, "max_write_size − 7: qdload's block");
    assert_eq!(dmss::Nak(0x0B).to_string(), "NAK 0x0b: unlock required (no security code)");
}

#[test]
fn streaming_commands_match_the_spec_frames() {
    let hello = |max, compat, features| {
        streaming_wire(streaming::Cmd::Hello(Hello { max_version: max, compatible_version: compat, features }))
    };
    assert_eq!(hello(4, 2, 9), hex(&format!("7E 01 {} 04 02 09 1B A7 7E", host_magic())));
    assert_eq!(hello(3, 3, 9), hex(&format!("7E 01 {} 03 03 09 C6 32 7E", host_magic())));
    assert_eq!(
        streaming::Cmd::Hello(Hello::RECOMMENDED),
        streaming::Cmd::Hello(Hello { max_version: 4, compatible_version: 2, features: 9 })
    );
    assert_eq!(streaming_wire(streaming::Cmd::Close), hex("7E 15 54 B7 7E"));
    assert_eq!(streaming_wire(streaming::Cmd::SecurityMode(1)), hex("7E 17 01 57 C6 7E"));
    assert_eq!(streaming_wire(streaming::Cmd::Reset), hex("7E 0B AB 4E 7E"));
    assert_eq!(streaming_wire(streaming::Cmd::Nop(&[0; 4])), hex("7E 09 00 00 00 00 13 9E 7E"));
    assert_eq!(
        streaming_wire(streaming::Cmd::StreamWrite { addr: 0, data: &[0xDE, 0xAD, 0xBE, 0xEF] }),
        hex("7E 07 00 00 00 00 DE AD BE EF 10 41 7E")
    );
    assert_eq!(
        streaming_wire(streaming::Cmd::StreamWrite { addr: 0, data: &[0x7E, 0x7D] }),
        hex("7E 07 00 00 00 00 7D 5E 7D 5D DE 89 7E")
    );
    // qwflash's zero-length write after a 1024-byte file (§9.3).
    assert_eq!(
        streaming_wire(streaming::Cmd::StreamWrite { addr: 0x400, data: &[] }),
        hex("7E 07 00 04 00 00 CA 9C 7E")
    );
    assert_eq!(
        streaming_wire(streaming::Cmd::OpenMulti { name: "0:AMSS" }),
        hex("7E 1B 0E 30 3A 41 4D 53 53 00 61 2D 7E")
    );
    let efs2 = streaming_wire(streaming::Cmd::OpenMulti { name: "0:EFS2" });
    assert_eq!(efs2[efs2.len() - 3..], hex("E9 BC 7E")[..]);
    let mut unframed = Vec::new();
    streaming::command::encode_unframed_write(0x400, &[1, 2], &mut unframed);
    assert_eq!(unframed, hex("30 00 00 00 00 04 00 00 02 00 00 00 01 02"), "address at offset 4, no framing");
}

#[test]
fn partition_table_frames_escape_both_magics() {
    let table = PartitionTable {
        entries: vec![
            PartitionEntry {
                name: "0:AMSS".into(),
                size_kib: 20480,
                pad_kib: 0,
                which_flash: 0,
                attributes: [0xFF, 1, 0, 0xFF],
            },
            PartitionEntry {
                name: "0:EFS2".into(),
                size_kib: u32::MAX,
                pad_kib: 0,
                which_flash: 0,
                attributes: [1, 1, 0, 0],
            },
        ],
    };
    let bytes = table.encode();
    assert_eq!(bytes.len(), 16 + 2 * 28);
    assert_eq!(PartitionTable::parse(&bytes).unwrap(), table);
    let wire = streaming_wire(streaming::Cmd::PartitionTable { override_existing: true, table: &bytes });
    assert_eq!(wire[..17], hex("7E 19 01 9A 1B 7D 5D AA BC 48 7D 5D 1F 03 00 00 00")[..]);
    let wire = streaming_wire(streaming::Cmd::PartitionTable { override_existing: false, table: &bytes });
    assert_eq!(wire[..18], hex("7E 19 00 9A 1B 7D 5D AA BC 48 7D 5D 1F 03 00 00 00 02")[..], "qwflash's frame (§9.3)");
}

#[test]
fn partition_tables_that_are_not_tables_are_refused() {
    use streaming::TableError;
    assert_eq!(PartitionTable::parse(&[0x9A, 0x1B]), Err(TableError::Truncated { len: 2 }));
    let mut mibib = PartitionTable { entries: vec![] }.encode();
    mibib[..4].copy_from_slice(&0x55EE_73AAu32.to_le_bytes());
    assert_eq!(PartitionTable::parse(&mibib), Err(TableError::BadMagic));
    let mut many = PartitionTable { entries: vec![] }.encode();
    many[12..16].copy_from_slice(&18u32.to_le_bytes());
    assert_eq!(PartitionTable::parse(&many), Err(TableError::TooMany(18)));
}

#[test]
fn streaming_replies_match_the_spec_frames() {
    use streaming::Reply;
    assert_eq!(streaming_reply(&Reply::SecurityModeSet), hex("7E 18 B1 6C 7E"));
    assert_eq!(streaming_reply(&Reply::Opened(0)), hex("7E 1C 00 76 33 7E"));
    assert_eq!(streaming_reply(&Reply::PartitionTable(0)), hex("7E 1A 00 A6 67 7E"));
    assert_eq!(streaming_reply(&Reply::Written(0x400)), hex("7E 08 00 04 00 00 36 F6 7E"));
    assert_eq!(streaming_reply(&Reply::UnframedWritten(0)), hex("7E 31 00 00 00 00 E2 10 7E"));
    assert_eq!(streaming_reply(&Reply::Closed), hex("7E 16 CF 85 7E"));
    assert_eq!(
        streaming_reply(&Reply::Log("Invalid Command".into())),
        hex("7E 0E 49 6E 76 61 6C 69 64 20 43 6F 6D 6D 61 6E 64 0A 58 BD 7E")
    );
    assert_eq!(
        streaming_reply(&Reply::Error { code: ErrorCode(5), message: "Invalid Command".into() }),
        hex("7E 0D 05 00 00 00 49 6E 76 61 6C 69 64 20 43 6F 6D 6D 61 6E 64 BF C3 7E")
    );
    let close_error = Reply::Error { code: ErrorCode(0x0F), message: "Cannot close when not previously opened".into() };
    let wire = streaming_reply(&close_error);
    assert_eq!(wire[wire.len() - 3..], hex("AF 95 7E")[..]);
    assert_eq!(Reply::parse(&hex("08 00 04 00 00")), Reply::Written(0x400));
}

#[test]
fn synthetic_hello_response_round_trips() {
    let wire =
        hex("7E 02 51 43 4F 4D 20 66 61 73 74 20 64 6F 77 6E 6C 6F 61 64 20 70 72 6F 74 6F 63 6F 6C 20 74 61 72 67 \
         04 02 00 04 00 00 00 00 00 00 0B 4E 41 4E 44 20 31 32 38 4D 69 42 02 00 00 00 09 5C 3F 7E");
    let mut d = HdlcDecoder::new(1024);
    d.push(&wire);
    let payload = d.next_frame().unwrap().unwrap();
    assert_eq!(payload.len(), 60);
    let expected = HelloReply {
        version: 4,
        compatible_version: 2,
        block_size: 1024,
        flash_base: 0,
        flash_id: "NAND 128MiB".into(),
        window: 2,
        sectors: vec![],
        features: 0x09,
    };
    assert_eq!(streaming::Reply::parse(&payload), streaming::Reply::Hello(expected.clone()));
    assert_eq!(streaming_reply(&streaming::Reply::Hello(expected)), wire);
}

#[test]
fn probe_replies_are_classified_by_the_spec_table() {
    assert_eq!(diag::classify(&hex("7E 02 6A D3 7E")), ProbeState::DmssDownload);
    assert_eq!(diag::classify(&hex("13 06 88 D5 7E")), ProbeState::Diag);
    assert_eq!(diag::classify(&hex("7E 0E 49 6E 76 61 6C 69 64")), ProbeState::StreamingProgrammer);
    let mut sahara = hex("01 00 00 00 30 00 00 00 02 00 00 00 01 00 00 00");
    sahara.resize(48, 0);
    assert_eq!(diag::classify(&sahara), ProbeState::Sahara);
    let mut end = hex("04 00 00 00 10 00 00 00 0D 00 00 00");
    end.resize(16, 0);
    assert_eq!(diag::classify(&end), ProbeState::Sahara);
    assert_eq!(diag::classify(b"<?xml version=\"1.0\" ?>"), ProbeState::Firehose);
    assert_eq!(diag::classify(b"\r\nERROR\r\n"), ProbeState::NotQualcomm);
    assert_eq!(diag::classify(b""), ProbeState::NotQualcomm);
    assert!(ProbeState::Sahara.describe().contains("not supported"));
}

/// The §9.2 rows no typed command above builds (other OPEN_MULTI types, qtools' 5-byte
/// HELLO tail, POWER_OFF, SW_VERSION_REQ), checked on the codec itself.
#[test]
fn remaining_spec_frames_match_the_codec() {
    for (payload, wire) in [
        ("0C", "7E 0C 14 3A 7E"),
        ("1B 05", "7E 1B 05 D3 29 7E"),
        ("1C 00", "7E 1C 00 76 33 7E"),
        ("11", "7E 11 70 F1 7E"),
        ("0B", "7E 0B AB 4E 7E"),
    ] {
        assert_eq!(framed(&hex(payload), true), hex(wire), "payload {payload}");
    }
    let qtools = hex(&format!("01 {} 03 23 23 23 20", host_magic()));
    assert_eq!(framed(&qtools, true), hex(&format!("7E 01 {} 03 23 23 23 20 E7 54 7E", host_magic())));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn entry() -> impl Strategy<Value = PartitionEntry> {
        ("0:[A-Z0-9_]{1,13}", any::<u32>(), any::<u16>(), any::<u16>(), any::<[u8; 4]>()).prop_map(
            |(name, size_kib, pad_kib, which_flash, attributes)| PartitionEntry {
                name,
                size_kib,
                pad_kib,
                which_flash,
                attributes,
            },
        )
    }

    proptest! {
        #[test]
        fn partition_tables_round_trip(entries in proptest::collection::vec(entry(), 0..=17)) {
            let table = PartitionTable { entries };
            let bytes = table.encode();
            prop_assert!(bytes.len() <= 512);
            prop_assert_eq!(PartitionTable::parse(&bytes), Ok(table));
        }

        #[test]
        fn any_bytes_parse_as_a_table_or_an_error_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            if let Ok(t) = PartitionTable::parse(&bytes) {
                prop_assert!(t.entries.len() <= 17);
            }
        }

        #[test]
        fn streaming_replies_round_trip(addr in any::<u32>(), status in any::<u8>(), text in "[ -~]{0,40}", code in any::<u32>()) {
            use streaming::Reply;
            for reply in [
                Reply::Written(addr),
                Reply::UnframedWritten(addr),
                Reply::PartitionTable(status),
                Reply::Opened(status),
                Reply::Error { code: ErrorCode(code), message: text.clone() },
            ] {
                let mut p = Vec::new();
                reply.encode(&mut p);
                prop_assert_eq!(Reply::parse(&p), reply);
            }
        }

        #[test]
        fn hello_replies_round_trip(
            version in any::<u8>(), compat in any::<u8>(), block in any::<u32>(), base in any::<u32>(),
            id in "[ -~]{0,40}", window in any::<u16>(), sectors in proptest::collection::vec(any::<u32>(), 0..200),
            features in any::<u8>(),
        ) {
            let hello = HelloReply { version, compatible_version: compat, block_size: block, flash_base: base, flash_id: id, window, sectors, features };
            let mut p = Vec::new();
            streaming::Reply::Hello(hello.clone()).encode(&mut p);
            prop_assert_eq!(streaming::Reply::parse(&p), streaming::Reply::Hello(hello));
        }
    }
}
