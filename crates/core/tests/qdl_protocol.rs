//! The QDL client against the virtual Sierra module's boot-and-hold mode
//! (specs/sierra-cwe-qdl.md §7–§12): golden bytes on the wire, Hello version
//! negotiation, byte-exact flash, and the module's error codes.

use std::time::Duration;

use futures::executor::block_on;
use modemflash_core::device::PortRole;
use modemflash_core::event::Event;
use modemflash_core::port::Port;
use modemflash_core::protocol::qdl::command::{write_header, ErrorCode, Reply, Request, CHUNK_SIZE};
use modemflash_core::protocol::qdl::{QdlClient, QdlError, IMAGE_TYPE_CWE};
use modemflash_sim::image::cwe::{module_update, CweBuilder};
use modemflash_sim::profile::{MC7455, MC8355};
use modemflash_sim::{Fault, FaultPlan, Link, Profile, Sim, SimPort, VirtualDongle};

fn boot_and_hold(profile: &'static Profile) -> (Sim, SimPort) {
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(profile), Link::usb_high_speed());
    let port = sim.open_role(PortRole::Download).unwrap();
    (sim, port)
}

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
}

/// Writes `bytes` and returns everything the module sends within a second.
fn say(port: &mut SimPort, bytes: &[u8]) -> Vec<u8> {
    block_on(async {
        port.write(bytes).await.unwrap();
        let mut got = Vec::new();
        let mut buf = [0; 256];
        loop {
            let n = port.read(&mut buf, Duration::from_secs(1)).await.unwrap();
            if n == 0 {
                return got;
            }
            got.extend_from_slice(&buf[..n]);
        }
    })
}

/// Sends `file` as one image: open, 1 MiB writes, close.
async fn send_image(client: &mut QdlClient<SimPort, Vec<Event>>, file: &[u8]) -> Result<(), QdlError> {
    let (header, data) = file.split_at(400);
    client.open(IMAGE_TYPE_CWE, header, data.len() as u32).await?;
    for (seq, chunk) in data.chunks(CHUNK_SIZE).enumerate() {
        client.write_chunk(seq as u16, chunk).await?;
    }
    client.close().await
}

#[test]
fn the_module_is_silent_until_spoken_to() {
    let (_sim, mut port) = boot_and_hold(&MC7455);
    let mut buf = [0; 64];
    assert_eq!(block_on(port.read(&mut buf, Duration::from_secs(5))).unwrap(), 0);
}

#[test]
fn the_module_answers_the_spec_sequence_with_the_golden_bytes() {
    let (sim, mut port) = boot_and_hold(&MC7455);
    assert_eq!(say(&mut port, &hex("7e 70 00 00 14 46 7e")), hex("7e 02 6a d3 7e"));
    // A repeated switch: command unsupported (§9 step 8).
    assert_eq!(say(&mut port, &Request::Switch.frame()), hex("7e 0d 16 00 00 00 00 88 4d 7e"));
    // Version 4 is not this module's: an Error, never silence (§9 step 4).
    assert_eq!(say(&mut port, &Request::Hello { version: 4 }.frame()), Reply::Error(ErrorCode(0x11)).frame());
    let hello = say(&mut port, &Request::Hello { version: 6 }.frame());
    assert_eq!(
        hello,
        hex("7e 02 51 43 4f 4d 20 68 69 67 68 20 73 70 65 65 64 20 70 72 6f 74 6f 63 6f 6c \
             ff ff ff ff 00 00 00 00 06 06 00 00 00 00 00 00 00 00 00 00 00 00 00 30 b0 79 7e")
    );
    // The §11 ufopen of a file for this module, then one write and the close.
    let file = CweBuilder::worked_example().product(b"9X30").build();
    let open = Request::Open { image_type: 0x80, header: &file[..400], data_len: 16 };
    assert_eq!(say(&mut port, &open.frame()), hex("7e 26 00 00 01 00 00 00 00 76 23 7e"));
    let mut write = hex("27 00 00 00 00 00 00 10 00 00 00 19 8e");
    write.extend_from_slice(&file[400..]);
    assert_eq!(say(&mut port, &write), hex("7e 28 00 00 00 00 00 00 00 00 14 39 7e"));
    assert_eq!(say(&mut port, &hex("7e 29 bb 4c 7e")), hex("7e 2a 00 00 00 00 4e e3 7e"));
    sim.inspect(|d| assert_eq!(d.flash()[&u32::from_be_bytes(*b"APPL")], file));
    // The reset is not answered.
    assert_eq!(say(&mut port, &hex("7e 2d 9f 0a 7e")), Vec::<u8>::new());
}

#[test]
fn the_spec_open_frame_of_the_worked_example() {
    let file = CweBuilder::worked_example().build();
    let frame = Request::Open { image_type: 0x80, header: &file[..400], data_len: 16 }.frame();
    assert_eq!(frame.len(), 417);
    assert_eq!(frame[..14], hex("7e 25 80 a0 01 00 00 01 10 00 00 00 00 00")[..]);
    assert_eq!(frame[frame.len() - 7..], hex("00 00 00 01 11 f8 7e")[..]);
}

#[test]
fn errors_carry_the_spec_codes() {
    let (_sim, mut port) = boot_and_hold(&MC7455);
    // Anything before the switch is out of sequence.
    assert_eq!(say(&mut port, &Request::Hello { version: 6 }.frame()), hex("7e 0d 0f 00 00 00 00 ac a8 7e"));
    // A damaged frame: bad CRC.
    assert_eq!(say(&mut port, &hex("7e 70 00 00 14 47 7e")), hex("7e 0d 17 00 00 00 00 cc 46 7e"));
    say(&mut port, &Request::Switch.frame());
    // An open before a Hello is out of sequence; an unknown command unsupported.
    let file = module_update(&MC7455, "02.30.01.01", 5000).build();
    let open = Request::Open { image_type: 0x80, header: &file[..400], data_len: (file.len() - 400) as u32 };
    assert_eq!(say(&mut port, &open.frame()), Reply::Error(ErrorCode::OUT_OF_SEQUENCE).frame());
    assert_eq!(say(&mut port, &Request::Close.frame()), Reply::Error(ErrorCode::OUT_OF_SEQUENCE).frame());
    let mut unknown = Vec::new();
    modemflash_core::framing::hdlc::encode(&[0x2B], true, &mut unknown);
    assert_eq!(say(&mut port, &unknown), Reply::Error(ErrorCode::UNSUPPORTED).frame());
    say(&mut port, &Request::Hello { version: 6 }.frame());
    assert_eq!(say(&mut port, &open.frame()), Reply::Opened { status: 0 }.frame());
    // A write header with a bad CRC, then one out of sequence.
    let mut bad = write_header(0, 16).to_vec();
    bad[11] ^= 1;
    bad.extend_from_slice(&[0; 16]);
    assert_eq!(say(&mut port, &bad), Reply::Error(ErrorCode::BAD_CRC).frame());
    // A reserved address that is not zero, with a correct header CRC: bad address.
    let mut addressed = write_header(0, 16).to_vec();
    addressed[3] = 1;
    let crc = modemflash_core::framing::hdlc::fcs(&addressed[..11]).to_le_bytes();
    addressed[11..13].copy_from_slice(&crc);
    addressed.extend_from_slice(&[0; 16]);
    assert_eq!(say(&mut port, &addressed), Reply::Error(ErrorCode::BAD_ADDRESS).frame());
    let mut skipped = write_header(1, 16).to_vec();
    skipped.extend_from_slice(&[0; 16]);
    assert_eq!(say(&mut port, &skipped), Reply::Error(ErrorCode::OUT_OF_SEQUENCE).frame());
    // Closing an incomplete image fails with the image type.
    assert_eq!(say(&mut port, &Request::Close.frame()), Reply::Closed { status: 1, failed_type: 0x80 }.frame());
}

#[test]
fn a_package_lands_in_flash_byte_for_byte_in_1_mib_chunks() {
    let (sim, port) = boot_and_hold(&MC7455);
    let mut client = QdlClient::new(port, Vec::new());
    assert_eq!(block_on(client.handshake()).unwrap(), 6);
    let file = module_update(&MC7455, "02.30.01.01", 2_500_000).build();
    assert!(file.len() > 2 * CHUNK_SIZE + 400, "three chunks");
    block_on(send_image(&mut client, &file)).unwrap();
    sim.inspect(|d| {
        assert_eq!(d.flash().len(), 1);
        assert_eq!(d.flash()[&u32::from_be_bytes(*b"SPKG")], file);
    });
}

#[test]
fn hello_negotiation_walks_up_to_the_version_the_module_speaks() {
    let (_sim, port) = boot_and_hold(&MC8355);
    let mut client = QdlClient::new(port, Vec::new());
    assert_eq!(block_on(client.handshake()).unwrap(), 5);
    let logs: Vec<String> = client
        .observer()
        .iter()
        .filter_map(|e| if let Event::Log(_, m) = e { Some(m.clone()) } else { None })
        .collect();
    assert!(logs.iter().any(|m| m.contains("version 4 refused (error 0x11, bad feature bits)")), "{logs:?}");
}

#[test]
fn the_module_refuses_a_file_for_another_product_at_close() {
    let (sim, port) = boot_and_hold(&MC7455);
    let mut client = QdlClient::new(port, Vec::new());
    block_on(client.handshake()).unwrap();
    let file = module_update(&MC8355, "05.05.66.00", 5000).build();
    let err = block_on(send_image(&mut client, &file)).unwrap_err();
    assert_eq!(err, QdlError::Status { request: "close request (29)", status: 1, failed_type: Some(0x80) });
    sim.inspect(|d| assert!(d.flash().is_empty()));
}

#[test]
fn the_module_refuses_a_damaged_file_at_close() {
    let (sim, port) = boot_and_hold(&MC7455);
    let mut client = QdlClient::new(port, Vec::new());
    block_on(client.handshake()).unwrap();
    let mut file = module_update(&MC7455, "02.30.01.01", 5000).build();
    let last = file.len() - 1;
    file[last] ^= 0xFF;
    assert!(matches!(block_on(send_image(&mut client, &file)), Err(QdlError::Status { status: 1, .. })));
    sim.inspect(|d| assert!(d.flash().is_empty()));
}

#[test]
fn a_refused_chunk_is_shown_with_its_meaning_and_a_second_run_works() {
    let (sim, port) = boot_and_hold(&MC7455);
    sim.set_faults(FaultPlan::new().with(Fault::NakBlock { partition: 0, block: 2, code: 0x0A }));
    let mut client = QdlClient::new(port, Vec::new());
    block_on(client.handshake()).unwrap();
    let file = module_update(&MC7455, "02.30.01.01", 2_500_000).build();
    let err = block_on(send_image(&mut client, &file)).unwrap_err();
    assert_eq!(err.to_string(), "the module refused the write of a chunk (27) (error 0x0a, write verify failed)");
    // §9 step 8: the module stays in download mode; a new run switches (0x16), says
    // Hello and sends the image again.
    let port = client.into_parts().0;
    let mut again = QdlClient::new(port, Vec::new());
    block_on(again.handshake()).unwrap();
    assert!(again.observer().iter().any(|e| matches!(e, Event::Log(_, m) if m.contains("already switched"))));
    block_on(send_image(&mut again, &file)).unwrap();
    sim.inspect(|d| assert_eq!(d.flash()[&u32::from_be_bytes(*b"SPKG")], file));
}

/// A whole session as the host writes it: switch, Hello 6, open, writes, close.
fn session_bytes(file: &[u8]) -> Vec<Vec<u8>> {
    let (header, data) = file.split_at(400);
    let mut writes = vec![
        Request::Switch.frame(),
        Request::Hello { version: 6 }.frame(),
        Request::Open { image_type: 0x80, header, data_len: data.len() as u32 }.frame(),
    ];
    for (seq, chunk) in data.chunks(1000).enumerate() {
        let mut w = write_header(seq as u16, chunk.len() as u32).to_vec();
        w.extend_from_slice(chunk);
        writes.push(w);
    }
    writes.push(Request::Close.frame());
    writes
}

/// Feeds `pieces` to a fresh boot-and-hold device; its reply bursts and its flash.
fn feed(pieces: &[&[u8]]) -> (Vec<Vec<u8>>, std::collections::BTreeMap<u32, Vec<u8>>) {
    use modemflash_sim::download::Target;
    let mut device = MC7455.download_device();
    let mut flash = std::collections::BTreeMap::new();
    let mut faults = FaultPlan::new();
    let mut started = 0;
    let mut table = Vec::new();
    let mut bursts = Vec::new();
    for piece in pieces {
        let mut target = Target {
            flash: &mut flash,
            faults: &mut faults,
            partitions_started: &mut started,
            partition_table: &mut table,
            now: modemflash_core::time::Instant::ZERO,
        };
        bursts.extend(device.receive(piece, &mut target).bursts);
    }
    (bursts, flash)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Web Serial and the bridge split writes anywhere: the module must answer the same.
    #[test]
    fn the_module_answers_the_same_under_any_chunking(cuts in proptest::collection::vec(0usize..100_000, 0..40)) {
        let file = module_update(&MC7455, "02.30.01.01", 3000).build();
        let writes = session_bytes(&file);
        let whole: Vec<&[u8]> = writes.iter().map(Vec::as_slice).collect();
        let (expected, flash) = feed(&whole);
        proptest::prop_assert_eq!(expected.len(), writes.len());
        proptest::prop_assert_eq!(&flash[&u32::from_be_bytes(*b"SPKG")], &file);

        let stream: Vec<u8> = writes.concat();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % stream.len()).collect();
        cuts.extend([0, stream.len()]);
        cuts.sort_unstable();
        cuts.dedup();
        let pieces: Vec<&[u8]> = cuts.windows(2).map(|w| &stream[w[0]..w[1]]).collect();
        let (bursts, split_flash) = feed(&pieces);
        proptest::prop_assert_eq!(bursts, expected);
        proptest::prop_assert_eq!(split_flash, flash);
    }
}
