//! The DMSS and streaming-download clients against the virtual Qualcomm sticks:
//! programmer upload, partition writes byte for byte in every write mode, the spec's
//! sequencing and partition-table rules, device quirks and link faults.

use std::time::Duration;

use futures::executor::block_on;
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::event::Event;
use modemflash_core::port::Port;
use modemflash_core::protocol::diag::{self, ProbeState};
use modemflash_core::protocol::dmss::{DmssClient, DmssError, Nak};
use modemflash_core::protocol::streaming::{
    ErrorCode, Hello, HelloReply, PartitionEntry, PartitionTable, StreamingClient, StreamingError, WriteMode,
};
use modemflash_sim::profile::{ALCATEL_X020, ZTE_MF626};
use modemflash_sim::{Fault, FaultPlan, Link, Profile, Sim, SimPort, VirtualDongle};

type Client = StreamingClient<SimPort, Vec<Event>>;

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[i % 4] ^ seed).collect()
}

fn load_address(profile: &Profile) -> u32 {
    match profile.boot_loader {
        modemflash_sim::profile::BootLoader::Qualcomm(boot) => boot.load_address,
        other => panic!("a Qualcomm profile, not {other:?}"),
    }
}

fn table() -> PartitionTable {
    let entry = |name: &str, size_kib| PartitionEntry {
        name: name.into(),
        size_kib,
        pad_kib: 0,
        which_flash: 0,
        attributes: [0xFF, 1, 0, 0],
    };
    PartitionTable {
        entries: vec![entry("0:QCSBL", 64), entry("0:OEMSBL", 256), entry("0:AMSS", 20480), entry("0:EFS2", u32::MAX)],
    }
}

/// A stick in DMSS download mode, with the programmer uploaded and started.
fn programmer_running(profile: &'static Profile) -> (Sim, Client) {
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(profile), Link::usb_high_speed());
    let mut dmss = DmssClient::new(sim.open_role(PortRole::Download).unwrap(), Vec::new());
    block_on(dmss.upload(load_address(profile), &pattern(3000, 0x5A), |_| {})).unwrap();
    let (port, _) = dmss.into_parts();
    (sim, StreamingClient::new(port, Vec::new()))
}

async fn write_all(
    client: &mut Client,
    mode: WriteMode,
    images: &[(&str, &[u8])],
) -> Result<HelloReply, StreamingError> {
    let hello = client.hello(Hello::RECOMMENDED).await?;
    client.security_mode(1).await?;
    client.partition_table(&table().encode()).await?;
    for (name, data) in images {
        client.open(name).await?;
        client.write_at(0, data, mode, &hello, |_| {}).await?;
        client.close().await?;
    }
    Ok(hello)
}

#[test]
fn dmss_upload_sends_qdload_blocks_and_go() {
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&ZTE_MF626), Link::usb_high_speed());
    let mut dmss = DmssClient::new(sim.open_role(PortRole::Download).unwrap(), Vec::new());
    let mut seen = Vec::new();
    block_on(dmss.upload(0x0010_0000, &pattern(3000, 1), |n| seen.push(n))).unwrap();
    assert_eq!(seen, [1017, 2034, 3000], "1017-byte blocks: max_write_size 0x400 − 7, as qdload");
}

#[test]
fn dmss_refuses_a_programmer_for_another_chipset() {
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&ZTE_MF626), Link::usb_high_speed());
    let mut dmss = DmssClient::new(sim.open_role(PortRole::Download).unwrap(), Vec::new());
    // ENPRG9x15's load address is not in this boot ROM's RAM window.
    let err = block_on(dmss.upload(0x2A00_0000, &pattern(100, 1), |_| {})).unwrap_err();
    assert_eq!(err, DmssError::Refused { cmd: "DMSS programmer block (0F)", nak: Nak(0x02) });
    assert!(err.next_step().contains("programmer"));
}

#[test]
fn hello_negotiates_version_4_with_the_unframed_block() {
    let (_sim, mut client) = programmer_running(&ZTE_MF626);
    let hello = block_on(client.hello(Hello::RECOMMENDED)).unwrap();
    assert_eq!((hello.version, hello.compatible_version, hello.block_size), (4, 2, 4096));
    assert_eq!((hello.window, hello.features, hello.flash_id.as_str()), (100, 0x09, "NAND 128MiB"));
    assert!(!hello.sectors.is_empty(), "real replies carry a sector list");
    assert_eq!(WriteMode::best(&hello, true), WriteMode::Unframed);
    assert_eq!(WriteMode::best(&hello, false), WriteMode::StopAndWait, "a byte stream cannot keep transfers whole");
}

#[test]
fn a_version_3_host_gets_version_3_and_framed_blocks() {
    let (_sim, mut client) = programmer_running(&ALCATEL_X020);
    let hello = block_on(client.hello(Hello { max_version: 3, compatible_version: 3, features: 9 })).unwrap();
    assert_eq!((hello.version, hello.block_size, hello.window), (3, 1024, 2));
    assert_eq!(WriteMode::best(&hello, true), WriteMode::Windowed);
}

#[test]
fn hello_with_compatible_version_below_2_is_refused() {
    let (_sim, mut client) = programmer_running(&ZTE_MF626);
    let err = block_on(client.hello(Hello { max_version: 4, compatible_version: 1, features: 9 })).unwrap_err();
    assert!(matches!(err, StreamingError::Refused { code: ErrorCode(5), .. }), "{err}");
}

#[test]
fn images_land_in_flash_byte_for_byte_in_every_mode() {
    for profile in [&ZTE_MF626, &ALCATEL_X020] {
        for mode in [WriteMode::StopAndWait, WriteMode::Windowed, WriteMode::Unframed] {
            let (sim, mut client) = programmer_running(profile);
            // A short last block, a block-exact image, an empty image.
            let amss = pattern(5 * 4096 + 452, 1);
            let oemsbl = pattern(2048, 2);
            block_on(write_all(&mut client, mode, &[("0:AMSS", &amss), ("0:OEMSBL", &oemsbl), ("0:EFS2", &[])]))
                .unwrap_or_else(|e| panic!("{} {mode:?}: {e}", profile.name));
            sim.inspect(|d| {
                assert_eq!(d.flash()[&2], amss, "{} {mode:?}", profile.name);
                assert_eq!(d.flash()[&1], oemsbl);
                assert_eq!(d.flash()[&3], Vec::<u8>::new());
                assert_eq!(d.partition_table(), table().encode());
            });
        }
    }
}

#[test]
fn a_zero_length_write_is_acknowledged_with_its_address() {
    let (sim, mut client) = programmer_running(&ZTE_MF626);
    block_on(write_all(&mut client, WriteMode::StopAndWait, &[])).unwrap();
    block_on(client.open("0:QCSBL")).unwrap();
    let reply =
        block_on(client.exchange(modemflash_core::protocol::streaming::Cmd::StreamWrite { addr: 0, data: &[7; 1024] }))
            .unwrap();
    assert_eq!(reply, modemflash_core::protocol::streaming::Reply::Written(0));
    let reply =
        block_on(client.exchange(modemflash_core::protocol::streaming::Cmd::StreamWrite { addr: 0x400, data: &[] }))
            .unwrap();
    assert_eq!(reply, modemflash_core::protocol::streaming::Reply::Written(0x400));
    block_on(client.close()).unwrap();
    assert_eq!(sim.inspect(|d| d.flash()[&0].clone()), vec![7; 1024]);
}

#[test]
fn a_different_table_needs_the_override_and_erases_the_flash() {
    let (sim, mut client) = programmer_running(&ZTE_MF626);
    block_on(write_all(&mut client, WriteMode::Windowed, &[("0:AMSS", &pattern(100, 3))])).unwrap();
    let mut other = table();
    other.entries[2].size_kib = 30720;
    assert_eq!(block_on(client.partition_table(&table().encode())), Ok(false), "the same table: accepted as is");
    assert_eq!(block_on(client.partition_table(&other.encode())), Ok(true), "a different table: resent with override");
    sim.inspect(|d| {
        assert!(d.flash().is_empty(), "a full reflash starts from an erased flash");
        assert_eq!(d.partition_table(), other.encode());
    });
    let (_, events) = client.into_parts();
    assert!(events.iter().any(|e| matches!(e, Event::Log(_, m) if m.contains("override"))));
}

#[test]
fn a_table_over_512_bytes_or_not_a_table_is_refused_with_its_status() {
    let (_sim, mut client) = programmer_running(&ZTE_MF626);
    block_on(client.hello(Hello::RECOMMENDED)).unwrap();
    block_on(client.security_mode(1)).unwrap();
    assert_eq!(block_on(client.partition_table(&[0; 513])), Err(StreamingError::Table(4)));
    assert_eq!(block_on(client.partition_table(&[0; 64])), Err(StreamingError::Table(2)));
}

#[test]
fn sequencing_rules_are_enforced_with_log_and_error() {
    let (_sim, mut client) = programmer_running(&ZTE_MF626);
    let err = block_on(client.security_mode(1)).unwrap_err();
    assert!(matches!(err, StreamingError::Refused { code: ErrorCode(0x0F), .. }), "nothing before HELLO: {err}");
    block_on(client.hello(Hello::RECOMMENDED)).unwrap();
    let err = block_on(client.partition_table(&table().encode())).unwrap_err();
    assert!(matches!(err, StreamingError::Refused { code: ErrorCode(0x0F), .. }), "table before security mode: {err}");
    block_on(client.security_mode(1)).unwrap();
    let err = block_on(client.open("0:AMSS")).unwrap_err();
    assert!(matches!(err, StreamingError::Refused { code: ErrorCode(0x0F), .. }), "open before the table: {err}");
    // qwflash's stray CLOSE: answered with LOG + ERROR 0x0F, not silence.
    let err = block_on(client.close()).unwrap_err();
    assert_eq!(
        err,
        StreamingError::Refused {
            cmd: "close (15)",
            code: ErrorCode(0x0F),
            message: "Cannot close when not previously opened".into()
        }
    );
    block_on(client.partition_table(&table().encode())).unwrap();
    let err = block_on(client.open("0:NOPE")).unwrap_err();
    assert!(matches!(err, StreamingError::Refused { code: ErrorCode(0x07), .. }), "unknown name: {err}");
    block_on(client.open("0:AMSS")).unwrap();
    let err = block_on(client.reset()).unwrap_err();
    assert!(matches!(err, StreamingError::Refused { code: ErrorCode(0x0F), .. }), "reset while open: {err}");
    let (_, events) = client.into_parts();
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::Log(_, m) if m == "Programmer: Cannot close when not previously opened")));
}

#[test]
fn an_image_larger_than_its_partition_is_refused() {
    let (_sim, mut client) = programmer_running(&ZTE_MF626);
    let err =
        block_on(write_all(&mut client, WriteMode::Windowed, &[("0:QCSBL", &pattern(65 * 1024, 1))])).unwrap_err();
    assert!(matches!(err, StreamingError::Refused { code: ErrorCode(0x12), .. }), "{err}");
}

/// Transfers to the device: NOP, PARAM_REQ, 3 programmer blocks, GO (0–5), HELLO,
/// SECURITY_MODE, PARTITION_TABLE, OPEN (6–9), then the first data block (10).
const FIRST_DATA_TRANSFER: u64 = 10;

#[test]
fn lost_blocks_and_lost_acks_are_resent_and_the_flash_stays_exact() {
    for mode in [WriteMode::StopAndWait, WriteMode::Windowed, WriteMode::Unframed] {
        for fault in [
            Fault::DropToDevice { nth: FIRST_DATA_TRANSFER + 1 },
            // Replies: 6 DMSS, HELLO, SECURITY, TABLE, OPEN (6–9), then data ACKs.
            Fault::DropToHost { nth: FIRST_DATA_TRANSFER + 2 },
        ] {
            let (sim, mut client) = programmer_running(&ALCATEL_X020);
            sim.set_faults(FaultPlan::new().with(fault.clone()));
            let amss = pattern(6 * 1024 + 10, 4);
            block_on(write_all(&mut client, mode, &[("0:AMSS", &amss)]))
                .unwrap_or_else(|e| panic!("{mode:?} {fault:?}: {e}"));
            assert_eq!(sim.inspect(|d| d.flash()[&2].clone()), amss, "{mode:?} {fault:?}");
        }
    }
}

#[test]
fn over_usb_a_corrupted_block_is_written_as_received() {
    let (sim, mut client) = programmer_running(&ZTE_MF626);
    sim.set_faults(FaultPlan::new().with(Fault::CorruptToDevice { nth: FIRST_DATA_TRANSFER }));
    let amss = vec![0x11; 3000];
    block_on(write_all(&mut client, WriteMode::StopAndWait, &[("0:AMSS", &amss)])).unwrap();
    let written = sim.inspect(|d| d.flash()[&2].clone());
    assert_eq!(written.len(), amss.len());
    assert_ne!(
        written, amss,
        "the programmer does not check CRCs over USB (§1.4): the image must be verified before it is sent"
    );
}

#[test]
fn a_planned_write_error_stops_with_its_code() {
    let (sim, mut client) = programmer_running(&ZTE_MF626);
    sim.set_faults(FaultPlan::new().with(Fault::NakBlock { partition: 0, block: 2, code: 0x0A }));
    let err = block_on(write_all(&mut client, WriteMode::Windowed, &[("0:AMSS", &pattern(4000, 1))])).unwrap_err();
    assert!(matches!(err, StreamingError::Refused { code: ErrorCode(0x0A), .. }), "{err}");
    assert!(err.to_string().contains("read-back verify failed"));
}

/// Why a byte stream gets stop-and-wait (`WriteMode::best`): a transfer that starts
/// inside a frame at a data byte `30` is taken as an unframed write (§4.7).
#[test]
fn a_transfer_cut_inside_a_frame_at_a_30_byte_is_taken_as_an_unframed_write() {
    let (_sim, mut client) = programmer_running(&ZTE_MF626);
    block_on(write_all(&mut client, WriteMode::StopAndWait, &[])).unwrap();
    block_on(client.open("0:AMSS")).unwrap();
    let (mut port, _) = client.into_parts();
    let mut payload = vec![0x07, 0, 0, 0, 0];
    payload.extend_from_slice(&[0x11; 100]);
    payload[50] = 0x30;
    let mut wire = Vec::new();
    modemflash_core::framing::hdlc::encode(&payload, true, &mut wire);
    let cut = wire.iter().position(|b| *b == 0x30).unwrap();
    block_on(port.write(&wire[..cut])).unwrap();
    block_on(port.write(&wire[cut..])).unwrap();
    let mut buf = [0u8; 512];
    let mut got = Vec::new();
    while let Ok(n @ 1..) = block_on(port.read(&mut buf, Duration::from_millis(20))) {
        got.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&got);
    assert!(text.contains("Unframed write length error"), "{got:02X?}");
}

#[test]
fn replies_of_a_multiple_of_64_bytes_end_with_two_extra_flags() {
    let (sim, mut client) = programmer_running(&ZTE_MF626);
    block_on(client.hello(Hello::RECOMMENDED)).unwrap();
    let (mut port, _) = client.into_parts();
    // NOP with 59 bytes: the echo frame is 7E 0A <59 bytes> CRC CRC 7E = 64 bytes.
    let mut payload = vec![0x09];
    payload.extend_from_slice(&[0x41; 59]);
    let mut wire = Vec::new();
    modemflash_core::framing::hdlc::encode(&payload, true, &mut wire);
    block_on(port.write(&wire)).unwrap();
    sim.wait(Duration::from_millis(10));
    let mut buf = [0u8; 512];
    let mut got = Vec::new();
    while let Ok(n @ 1..) = block_on(port.read(&mut buf, Duration::from_millis(5))) {
        got.extend_from_slice(&buf[..n]);
    }
    let crc = modemflash_core::framing::hdlc::fcs(&[[0x0A].as_slice(), &[0x41; 59]].concat());
    assert!(!crc.to_le_bytes().iter().any(|b| *b == 0x7E || *b == 0x7D), "no escapes in this vector");
    assert_eq!(got.len(), 66);
    assert!(got.ends_with(&[0x7E, 0x7E, 0x7E]));
}

#[test]
fn probe_tells_dmss_and_programmer_apart() {
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&ZTE_MF626), Link::usb_high_speed());
    let mut port = sim.open_role(PortRole::Download).unwrap();
    assert_eq!(block_on(diag::probe(&mut port)).unwrap(), ProbeState::DmssDownload);
    let (_sim, client) = programmer_running(&ZTE_MF626);
    let (mut port, _) = client.into_parts();
    assert_eq!(
        block_on(diag::probe(&mut port)).unwrap(),
        ProbeState::StreamingProgrammer,
        "LOG 'Invalid Command' first"
    );
}

#[test]
fn reset_reboots_into_normal_mode_showing_the_new_version() {
    let (sim, mut client) = programmer_running(&ZTE_MF626);
    let mut amss = pattern(10_000, 5);
    amss.extend_from_slice(b"MFSIM-VERSION:BD_P673A2V1.0.1B02\0");
    block_on(write_all(&mut client, WriteMode::Unframed, &[("0:AMSS", &amss)])).unwrap();
    block_on(client.reset()).unwrap();
    sim.wait(Duration::from_secs(12));
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x19d2, 0x0031)));
    assert_eq!(sim.inspect(|d| d.revision().to_string()), "BD_P673A2V1.0.1B02");
}

#[test]
fn diag_port_answers_the_probe_and_3a_switches_to_dmss_download() {
    let sim = Sim::new(&ZTE_MF626);
    let mut diag_port = sim.open_role(PortRole::Diag).unwrap();
    assert_eq!(block_on(diag::probe(&mut diag_port)).unwrap(), ProbeState::Diag, "13 06 88 D5 7E");
    block_on(diag::enter_download(&mut diag_port)).unwrap();
    sim.wait(Duration::from_secs(3));
    assert_eq!(sim.usb_id(), None, "the stick re-enumerates");
    sim.wait(Duration::from_secs(3));
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x19d2, 0x0076)), "ZTE DMSS download device");
    let mut port = sim.open_role(PortRole::Download).unwrap();
    assert_eq!(block_on(diag::probe(&mut port)).unwrap(), ProbeState::DmssDownload);
}

#[test]
fn at_qcdmg_turns_the_at_port_into_diag() {
    use modemflash_core::at::{AtClient, QUERY_TIMEOUT};
    let sim = Sim::new(&ALCATEL_X020);
    let mut at = AtClient::new(sim.open_role(PortRole::Pcui).unwrap(), Vec::new());
    block_on(at.query("AT$QCDMG", QUERY_TIMEOUT)).unwrap();
    let mut port = at_port(&sim);
    assert_eq!(block_on(diag::probe(&mut port)).unwrap(), ProbeState::Diag);
    block_on(diag::enter_download(&mut port)).unwrap();
    sim.wait(Duration::from_secs(6));
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x05c6, 0x9008)));
}

#[test]
fn a_huawei_stick_does_not_know_at_qcdmg() {
    use modemflash_core::at::{AtClient, QUERY_TIMEOUT};
    let sim = Sim::new(&modemflash_sim::profile::E3372H);
    let mut at = AtClient::new(sim.open_role(PortRole::Pcui).unwrap(), Vec::new());
    assert!(block_on(at.query("AT$QCDMG", QUERY_TIMEOUT)).is_err());
}

fn at_port(sim: &Sim) -> SimPort {
    sim.open_role(PortRole::Pcui).unwrap()
}

#[test]
fn qtools_hello_with_extra_bytes_is_accepted_as_version_3() {
    let (_sim, client) = programmer_running(&ZTE_MF626);
    let (mut port, _) = client.into_parts();
    let mut payload = vec![0x01];
    payload.extend_from_slice(modemflash_core::protocol::streaming::HOST_MAGIC);
    payload.extend_from_slice(&[0x03, 0x23, 0x23, 0x23, 0x20]);
    let mut wire = Vec::new();
    modemflash_core::framing::hdlc::encode(&payload, true, &mut wire);
    block_on(port.write(&wire)).unwrap();
    let mut decoder = modemflash_core::framing::hdlc::HdlcDecoder::new(4096);
    let mut buf = [0u8; 512];
    let reply = loop {
        let n = block_on(port.read(&mut buf, Duration::from_millis(100))).unwrap();
        assert!(n > 0, "the programmer answers");
        decoder.push(&buf[..n]);
        if let Some(frame) = decoder.next_frame() {
            break frame.unwrap();
        }
    };
    let modemflash_core::protocol::streaming::Reply::Hello(hello) =
        modemflash_core::protocol::streaming::Reply::parse(&reply)
    else {
        panic!("{reply:02X?}")
    };
    assert_eq!((hello.version, hello.block_size, hello.features), (3, 1024, 0x23 & 0x09));
}

#[test]
fn a_hello_sent_while_the_programmer_starts_is_lost_and_resent() {
    use modemflash_core::protocol::dmss::Cmd;
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&ZTE_MF626), Link::usb_high_speed());
    let mut dmss = DmssClient::new(sim.open_role(PortRole::Download).unwrap(), Vec::new());
    block_on(dmss.nop()).unwrap();
    block_on(dmss.exchange(Cmd::Write32 { addr: 0x0010_0000, data: &[1; 100] })).unwrap();
    // GO by hand, without the upload's wait for the programmer to start.
    assert_eq!(
        block_on(dmss.exchange(Cmd::Go { addr: 0x0010_0000 })).unwrap(),
        modemflash_core::protocol::dmss::Reply::Ack
    );
    let (port, _) = dmss.into_parts();
    let mut client = StreamingClient::new(port, Vec::new());
    block_on(client.hello(Hello::RECOMMENDED)).unwrap();
    let (_, events) = client.into_parts();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Log(_, m) if m.contains("No answer to the streaming HELLO (01) (try 1 of 4)"))),
        "the first HELLO reached the device before the programmer listened"
    );
}

#[test]
fn go_before_any_programmer_block_is_refused() {
    use modemflash_core::protocol::dmss::{Cmd, Reply};
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&ALCATEL_X020), Link::usb_high_speed());
    let mut dmss = DmssClient::new(sim.open_role(PortRole::Download).unwrap(), Vec::new());
    assert_eq!(block_on(dmss.exchange(Cmd::Go { addr: 0x0080_0000 })).unwrap(), Reply::Nak(Nak(0x02)));
    let mut bad_len = vec![0x0F, 0x00, 0x80, 0x00, 0x00, 0x00, 0x05];
    bad_len.extend_from_slice(&[1, 2, 3]);
    let (mut port, _) = dmss.into_parts();
    let mut wire = Vec::new();
    modemflash_core::framing::hdlc::encode(&bad_len, true, &mut wire);
    block_on(port.write(&wire)).unwrap();
    sim.wait(Duration::from_millis(10));
    let mut buf = [0u8; 64];
    let n = block_on(port.read(&mut buf, Duration::from_millis(10))).unwrap();
    assert_eq!(buf[0], 0x7E, "boot ROM replies carry the leading flag");
    assert_eq!(dmss_reply(&buf[..n]), Reply::Nak(Nak(0x03)), "length field ≠ data length → NAK 03 (§3.4)");
}

fn dmss_reply(wire: &[u8]) -> modemflash_core::protocol::dmss::Reply {
    let mut d = modemflash_core::framing::hdlc::HdlcDecoder::new(64);
    d.push(wire);
    modemflash_core::protocol::dmss::Reply::parse(&d.next_frame().unwrap().unwrap())
}

#[test]
fn a_lost_3a_is_sent_again_and_the_stick_still_switches() {
    let sim = Sim::new(&ZTE_MF626);
    sim.set_faults(FaultPlan::new().with(Fault::DropToDevice { nth: 0 }));
    let mut diag_port = sim.open_role(PortRole::Diag).unwrap();
    block_on(diag::enter_download(&mut diag_port)).unwrap();
    sim.wait(Duration::from_secs(6));
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x19d2, 0x0076)), "ZTE DMSS download device");
}

#[test]
fn a_damaged_probe_answer_is_asked_for_again() {
    let sim = Sim::new(&ZTE_MF626);
    sim.set_faults(FaultPlan::new().with(Fault::CorruptToHost { nth: 0 }));
    let mut diag_port = sim.open_role(PortRole::Diag).unwrap();
    assert_eq!(block_on(diag::probe(&mut diag_port)).unwrap(), ProbeState::Diag);
}

#[test]
fn a_lost_answer_to_go_open_or_close_is_not_taken_for_a_refusal() {
    // The stick's answers: 6 DMSS (NOP, PARAM, three blocks, GO = 5), HELLO, SECURITY,
    // TABLE, OPEN (9), one data ACK, CLOSE (11). Each lost answer makes the host resend
    // a command its first copy carried out, which the programmer then refuses.
    for nth in [5, 9, 11] {
        let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&ALCATEL_X020), Link::usb_high_speed());
        sim.set_faults(FaultPlan::new().with(Fault::DropToHost { nth }));
        let mut dmss = DmssClient::new(sim.open_role(PortRole::Download).unwrap(), Vec::new());
        block_on(dmss.upload(load_address(&ALCATEL_X020), &pattern(3000, 0x5A), |_| {}))
            .unwrap_or_else(|e| panic!("answer {nth} lost: {e}"));
        let (port, _) = dmss.into_parts();
        let mut client = StreamingClient::new(port, Vec::new());
        let amss = pattern(1000, 9);
        block_on(write_all(&mut client, WriteMode::StopAndWait, &[("0:AMSS", &amss)]))
            .unwrap_or_else(|e| panic!("answer {nth} lost: {e}"));
        assert_eq!(sim.inspect(|d| d.flash()[&2].clone()), amss, "answer {nth} lost");
    }
}
