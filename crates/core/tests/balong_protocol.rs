//! The Balong download client against the virtual stick's download mode: handshake,
//! byte-exact partition writes, signatures, and the retry rules under link faults.

use std::time::Duration;

use futures::executor::block_on;
use modemflash_core::at::{AtClient, QUERY_TIMEOUT};
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::event::Event;
use modemflash_core::port::PortError;
use modemflash_core::protocol::balong::{BalongClient, DloadError, Nak, BLOCK_SIZE};
use modemflash_sim::profile::{E3372H, E3372H_SIGNED, TEST_KEY_HASH};
use modemflash_sim::{Fault, FaultPlan, Link, Sim, SimPort, VirtualDongle};

fn download_mode(profile: &'static modemflash_sim::Profile) -> (Sim, BalongClient<SimPort, Vec<Event>>) {
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(profile), Link::usb_high_speed());
    let port = sim.open_role(PortRole::Download).unwrap();
    (sim, BalongClient::new(port, Vec::new()))
}

/// Data that is not all one value, so a lost or repeated block would show.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[i % 4] ^ seed).collect()
}

async fn write_partition(
    client: &mut BalongClient<SimPort, Vec<Event>>,
    code: u32,
    data: &[u8],
) -> Result<(), DloadError> {
    client.start_partition(code, data.len() as u32).await?;
    for (i, block) in data.chunks(BLOCK_SIZE).enumerate() {
        client.write_block(i as u32 + 1, block).await?;
    }
    client.end_partition(code, data.len() as u32).await
}

#[test]
fn handshake_reads_version_and_identity() {
    let (_sim, mut client) = download_mode(&E3372H);
    let hs = block_on(client.handshake(None)).unwrap();
    assert_eq!(hs.version, "7200B--SKCBADZM");
    assert_eq!(hs.identity, "HUAWEI CL2E3372HM");
    assert!(!hs.resumed_in_hdlc);
}

#[test]
fn partitions_land_in_flash_byte_for_byte() {
    let (sim, mut client) = download_mode(&E3372H);
    block_on(client.handshake(None)).unwrap();
    let kernel = pattern(3 * BLOCK_SIZE + 123, 1);
    let webui = pattern(5, 2);
    block_on(write_partition(&mut client, 0x0003_0000, &kernel)).unwrap();
    block_on(write_partition(&mut client, 0x0056_0000, &webui)).unwrap();
    sim.inspect(|d| {
        assert_eq!(d.flash()[&0x0003_0000], kernel);
        assert_eq!(d.flash()[&0x0056_0000], webui);
    });
}

#[test]
fn a_stick_already_in_hdlc_phase_is_recognised() {
    let (sim, mut client) = download_mode(&E3372H);
    block_on(client.handshake(None)).unwrap();
    drop(client);
    let mut again = BalongClient::new(sim.open_role(PortRole::Download).unwrap(), Vec::new());
    let hs = block_on(again.handshake(None)).unwrap();
    assert!(hs.resumed_in_hdlc, "AT text is ignored after ^DATAMODE; 0C still answers");
    assert_eq!(hs.version, "7200B--SKCBADZM");
}

#[test]
fn signed_stick_refuses_datamode_without_signver() {
    let (_sim, mut client) = download_mode(&E3372H_SIGNED);
    let err = block_on(client.handshake(None)).unwrap_err();
    assert_eq!(err, DloadError::DataModeRefused("\r\nERROR\r\n".into()));
}

#[test]
fn signed_stick_refuses_a_foreign_key_and_accepts_its_own() {
    let (sim, mut client) = download_mode(&E3372H_SIGNED);
    let foreign = "AT^SIGNVER=1,0,778A8D175E602B7B779D9E05C330B5279B0661BF2EED99A20445B366D63DD697,2958";
    assert_eq!(block_on(client.handshake(Some(foreign))).unwrap_err(), DloadError::SignatureRefused("1".into()));
    let own = format!("AT^SIGNVER=1,0,{TEST_KEY_HASH},2958");
    block_on(client.handshake(Some(&own))).unwrap();
    block_on(write_partition(&mut client, 0x0003_0000, &pattern(100, 3))).unwrap();
    assert_eq!(sim.inspect(|d| d.flash()[&0x0003_0000].len()), 100);
}

#[test]
fn a_corrupted_block_is_met_with_silence_and_resent() {
    let (sim, mut client) = download_mode(&E3372H);
    block_on(client.handshake(None)).unwrap();
    // Transfers: 3 AT commands, 0C, 45, 41, then blocks 1.. : corrupt block 2.
    sim.set_faults(FaultPlan::new().with(Fault::CorruptToDevice { nth: 7 }));
    let data = pattern(4 * BLOCK_SIZE, 4);
    let start = sim.now();
    block_on(write_partition(&mut client, 0x0003_0000, &data)).unwrap();
    assert_eq!(sim.inspect(|d| d.flash()[&0x0003_0000].clone()), data);
    assert!(sim.now() - start >= Duration::from_secs(3), "the resend waited for the 3 s timeout");
    let (_, events) = client.into_parts();
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::Log(_, m) if m.contains("No answer to the data block (42) (try 1 of 4)"))));
}

#[test]
fn a_lost_ack_leads_to_a_duplicate_block_that_is_acked_not_rewritten() {
    let (sim, mut client) = download_mode(&E3372H);
    block_on(client.handshake(None)).unwrap();
    // Replies so far: 3 AT, 0C, 45; then 41's ACK (5), block 1's ACK (6): drop it.
    sim.set_faults(FaultPlan::new().with(Fault::DropToHost { nth: 6 }));
    let data = pattern(3 * BLOCK_SIZE + 7, 5);
    block_on(write_partition(&mut client, 0x0003_0000, &data)).unwrap();
    assert_eq!(sim.inspect(|d| d.flash()[&0x0003_0000].clone()), data);
}

/// Block 1's ACK arrives after the resend timeout, at some moment around the sending of
/// block 2, which is itself corrupted on the way. Whenever the late ACK lands, it must
/// not be taken for block 2's: the flash must still be exact.
#[test]
fn a_late_ack_is_not_taken_for_the_next_block() {
    for extra_us in (0..6000).step_by(250) {
        let (sim, mut client) = download_mode(&E3372H);
        block_on(client.handshake(None)).unwrap();
        // Host transfers: 3 AT, 0C, 45, 41 (5), block 1 (6), its resend (7), block 2 (8).
        sim.set_faults(
            FaultPlan::new()
                .with(Fault::DelayToHost { nth: 6, by: Duration::from_secs(3) + Duration::from_micros(extra_us) })
                .with(Fault::CorruptToDevice { nth: 8 }),
        );
        let data = pattern(3 * BLOCK_SIZE, 6);
        block_on(write_partition(&mut client, 0x0003_0000, &data))
            .unwrap_or_else(|e| panic!("late by 3 s + {extra_us} µs: {e}"));
        assert_eq!(sim.inspect(|d| d.flash()[&0x0003_0000].clone()), data);
    }
}

#[test]
fn a_nak_stops_with_its_meaning() {
    let (sim, mut client) = download_mode(&E3372H);
    block_on(client.handshake(None)).unwrap();
    sim.set_faults(FaultPlan::new().with(Fault::NakBlock { partition: 0, block: 2, code: 0x07 }));
    let err = block_on(write_partition(&mut client, 0x0003_0000, &pattern(3 * BLOCK_SIZE, 7))).unwrap_err();
    assert_eq!(err, DloadError::Refused { cmd: "data block (42)", nak: Nak(7) });
    assert!(err.restarts_partition());
    assert!(err.to_string().contains("operation failed"));
    // The stick reset the partition: starting it over works and the flash is exact.
    let data = pattern(3 * BLOCK_SIZE, 8);
    block_on(write_partition(&mut client, 0x0003_0000, &data)).unwrap();
    assert_eq!(sim.inspect(|d| d.flash()[&0x0003_0000].clone()), data);
}

#[test]
fn a_stick_that_vanishes_reports_disconnected() {
    let (sim, mut client) = download_mode(&E3372H);
    block_on(client.handshake(None)).unwrap();
    sim.unplug();
    let err = block_on(client.start_partition(0x0003_0000, 10)).unwrap_err();
    assert_eq!(err, DloadError::Port(PortError::Disconnected));
}

#[test]
fn godload_then_reset_goes_round_the_modes_with_new_usb_ids() {
    let sim = Sim::new(&E3372H);
    let mut at = AtClient::new(sim.open_role(PortRole::Pcui).unwrap(), Vec::new());
    block_on(at.query("AT^GODLOAD", QUERY_TIMEOUT)).unwrap();
    sim.wait(Duration::from_secs(3));
    assert_eq!(sim.usb_id(), None, "the stick left the bus");
    assert!(matches!(
        block_on(at.exchange("AT", QUERY_TIMEOUT)),
        Err(modemflash_core::at::AtError::Port(PortError::Disconnected))
    ));
    sim.wait(Duration::from_secs(5));
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x12d1, 0x1c05)));

    let mut client = BalongClient::new(sim.open_role(PortRole::Download).unwrap(), Vec::new());
    block_on(client.handshake(None)).unwrap();
    let mut image = pattern(1000, 9);
    image.extend_from_slice(b"MFSIM-VERSION:22.333.01.00.00\0");
    block_on(write_partition(&mut client, 0x0003_0000, &image)).unwrap();
    block_on(client.reset()).unwrap();
    sim.wait(Duration::from_secs(10));
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x12d1, 0x1506)));
    let mut at = AtClient::new(sim.open_role(PortRole::Pcui).unwrap(), Vec::new());
    assert_eq!(block_on(at.revision()).unwrap(), "22.333.01.00.00", "the stick reports the flashed version");
    assert_eq!(
        block_on(at.query("AT+CGDCONT?", QUERY_TIMEOUT)).unwrap(),
        Vec::<String>::new(),
        "the update cleared the APNs"
    );
}
