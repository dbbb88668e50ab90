//! Recovery through the Balong boot ROM (specs/huawei-balong.md §14) against the virtual
//! stick's boot ROM mode: the spec's example exchange on the wire, a full recovery
//! followed by a normal update, a refused packet, and an erasing loader taking the IMEI
//! and calibration with it.

use std::time::Duration;

use futures::executor::block_on;
use modemflash_core::device::PortRole;
use modemflash_core::event::{Event, Level};
use modemflash_core::flasher::{recover_boot_rom, recovery, Connector, Flasher, Job, Journal, RecoveryError};
use modemflash_core::image::usbloader::{self, UsbLoader};
use modemflash_core::image::{inspect, InspectOptions, Outcome};
use modemflash_core::port::{Port, PortError};
use modemflash_core::protocol::bootrom::BootRomError;
use modemflash_core::time::Instant;
use modemflash_sim::bootrom::BOOT_ROM_ID;
use modemflash_sim::image::expected::expected_flash;
use modemflash_sim::image::update::stick_update;
use modemflash_sim::image::usbloader::{loader, stock_loader};
use modemflash_sim::profile::E3372H;
use modemflash_sim::{Fault, FaultPlan, Link, Sim, SimConnector, VirtualDongle};

/// A port that keeps every write.
struct Recording<P> {
    port: P,
    writes: Vec<Vec<u8>>,
}

impl<P: Port> Port for Recording<P> {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        self.writes.push(bytes.to_vec());
        self.port.write(bytes).await
    }

    async fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, PortError> {
        self.port.read(buf, timeout).await
    }

    fn now(&self) -> Instant {
        self.port.now()
    }
}

fn bricked_stick() -> Sim {
    let sim = Sim::from_dongle(VirtualDongle::in_boot_rom(&E3372H), Link::usb_high_speed());
    assert_eq!(sim.usb_id(), Some(BOOT_ROM_ID));
    sim
}

fn recover(sim: &Sim, loader: &UsbLoader) -> (Result<(), RecoveryError>, Vec<Vec<u8>>, Vec<Event>) {
    let mut port = Recording { port: sim.open_role(PortRole::BootRom).unwrap(), writes: Vec::new() };
    let mut events = Vec::new();
    let result = block_on(recover_boot_rom(&mut port, loader, &mut events));
    (result, port.writes, events)
}

/// Waits for download mode as the flasher does after `AT^GODLOAD`, then runs an update.
fn update_from_download_mode(sim: &Sim) {
    let file = stick_update(&E3372H, "22.333.01.00.00", 30_000).build();
    let inspection = block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).unwrap();
    let wanted = recovery::after_loader();
    assert!(wanted.ids.contains(&E3372H.download_id), "{wanted:?}");
    let port = block_on(SimConnector::new(sim.clone()).reconnect(&wanted)).expect("back in download mode");
    let mut flasher = Flasher::new(SimConnector::new(sim.clone()), Vec::new());
    let job = Job {
        inspection: &inspection,
        source: file.as_slice(),
        only: None,
        journal: Journal::default(),
        usb: sim.usb_id(),
    };
    let report = block_on(flasher.run(port, job)).unwrap();
    assert_eq!(report.new_version, "22.333.01.00.00");
    let expected = expected_flash(&inspection, &file).unwrap();
    sim.inspect(|d| {
        assert_eq!(d.flash().len(), expected.len());
        for (code, data) in &expected {
            assert!(d.flash().get(code) == Some(data), "partition {code:08x} differs");
        }
    });
}

fn factory_nvram() -> Vec<u8> {
    VirtualDongle::new(&E3372H).nvram().to_vec()
}

#[test]
fn the_spec_example_exchange_goes_out_byte_for_byte() {
    let sim = bricked_stick();
    let loader = usbloader::inspect("usblsafe-e3372h.bin", stock_loader(false));
    let (result, writes, _) = recover(&sim, &loader);
    result.unwrap();
    assert_eq!(writes[0], [0x41]);
    assert_eq!(writes[1], [0xFE, 0x00, 0xFF, 0x01, 0x00, 0x00, 0x05, 0xDC, 0x10, 0x00, 0x00, 0x00, 0x5C, 0xCF]);
    assert_eq!(writes[2][..3], [0xDA, 0x01, 0xFE]);
    assert_eq!(writes[2].len(), 3 + 1024 + 2);
    assert_eq!(writes[3][..3], [0xDA, 0x02, 0xFD]);
    assert_eq!(writes[3].len(), 3 + 476 + 2);
    assert_eq!(writes[4], [0xED, 0x03, 0xFC, 0x99, 0xA0]);
    assert_eq!(writes[5], [0xFE, 0x00, 0xFF, 0x02, 0x00, 0x00, 0x0B, 0xB8, 0x50, 0x00, 0x00, 0x00, 0x0F, 0x6E]);
    assert_eq!(writes.len(), 1 + 4 + 5, "usbldr: header, three pieces, end");
}

#[test]
fn a_recovered_stick_takes_a_normal_update_and_keeps_its_imei() {
    let sim = bricked_stick();
    let loader = usbloader::inspect("usblsafe-e3372h.bin", stock_loader(false));
    assert!(loader.report.passed(), "{:?}", loader.report);
    assert!(!loader.erases_flash);
    let (result, _, events) = recover(&sim, &loader);
    result.unwrap();
    assert!(events.iter().any(|e| matches!(e, Event::Log(Level::Warn, m) if m.contains("cannot check the patch"))));
    update_from_download_mode(&sim);
    assert_eq!(sim.usb_id(), Some(E3372H.normal_id), "back in normal mode, no longer stuck in the boot ROM");
    assert_eq!(sim.inspect(|d| d.nvram().to_vec()), factory_nvram());
}

#[test]
fn a_stock_loader_is_flagged_loudly_and_erases_the_nv_area() {
    let sim = bricked_stick();
    let loader = usbloader::inspect("usbloader-e3372h.bin", stock_loader(true));
    assert!(loader.erases_flash);
    assert!(loader.report.passed(), "a warning, not a refusal: it is the last resort");
    let warning = loader.report.checks().iter().find(|c| c.id == "erases-flash").unwrap();
    assert_eq!(warning.outcome, Outcome::Warn);
    assert!(warning.sentence.contains("ERASE THE WHOLE FLASH") && warning.sentence.contains("IMEI"));
    let (result, _, events) = recover(&sim, &loader);
    result.unwrap();
    let first_warning = events.iter().position(|e| matches!(e, Event::Log(Level::Warn, m) if m.contains("ERASE")));
    let first_component = events.iter().position(|e| matches!(e, Event::Log(Level::Info, m) if m.contains("took")));
    assert!(first_warning.unwrap() < first_component.unwrap(), "warned before anything was loaded");
    sim.wait(Duration::from_secs(5));
    assert!(sim.inspect(|d| d.nvram().iter().all(|&b| b == 0xFF)), "IMEI and calibration are gone");
    update_from_download_mode(&sim);
    assert!(sim.inspect(|d| d.nvram().iter().all(|&b| b == 0xFF)), "no firmware file brings them back");
}

#[test]
fn a_packet_with_a_bad_crc_is_refused_and_named() {
    let sim = bricked_stick();
    // Transfers: 0 the probe, 1 raminit's header, 2 its first data packet.
    sim.set_faults(FaultPlan::new().with(Fault::CorruptToDevice { nth: 2 }));
    let loader = usbloader::inspect("usblsafe-e3372h.bin", stock_loader(false));
    let (result, writes, _) = recover(&sim, &loader);
    let error = result.unwrap_err();
    assert_eq!(
        error,
        RecoveryError::BootRom(BootRomError::Refused {
            packet: "data packet 1 (1024 bytes)".into(),
            component: "raminit".into(),
            reply: 0x55
        })
    );
    assert!(error.to_string().contains("data packet 1") && error.to_string().contains("instead of AA"));
    assert!(error.next_step().contains("start the recovery again"));
    assert_eq!(writes.len(), 3, "no retries (§14.2)");
    assert_eq!(sim.usb_id(), Some(BOOT_ROM_ID), "still in the boot ROM");
}

#[test]
fn a_port_that_is_not_a_boot_rom_is_told_apart() {
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&E3372H), Link::usb_high_speed());
    let mut port = sim.open_role(PortRole::Download).unwrap();
    let loader = usbloader::inspect("usblsafe-e3372h.bin", stock_loader(false));
    let error = block_on(recover_boot_rom(&mut port, &loader, Vec::new())).unwrap_err();
    assert!(matches!(error, RecoveryError::BootRom(BootRomError::NotBootRom(_))), "{error}");
    assert!(error.next_step().contains("boot test point"));
}

#[test]
fn bad_loader_files_are_refused_before_anything_is_sent() {
    let good = stock_loader(false);
    let mut wrong_signature = good.clone();
    wrong_signature[2] = 0x03;
    let mut past_the_end = good.clone();
    past_the_end[36 + 4..36 + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    let mut bad_mode = good.clone();
    bad_mode[36] = 7;
    let eleven = loader(&(0..11).map(|i| (1, i << 20, vec![i as u8; 10])).collect::<Vec<_>>());
    let cases = [
        ("empty", Vec::new(), "signature"),
        ("wrong signature", wrong_signature, "signature"),
        ("size past the end", past_the_end, "past the end"),
        ("start mode 7", bad_mode, "start mode 7"),
        ("eleven components", eleven, "more than 10"),
        ("cut in the descriptors", good[..40].to_vec(), "ends inside"),
    ];
    for (what, bytes, words) in cases {
        let loader = usbloader::inspect("usblsafe.bin", bytes);
        assert!(!loader.report.passed(), "{what}");
        let failure = loader.report.failures().next().unwrap();
        assert!(failure.sentence.contains(words), "{what}: {}", failure.sentence);
        let sim = bricked_stick();
        let (result, writes, _) = recover(&sim, &loader);
        assert!(matches!(result, Err(RecoveryError::Loader(_))), "{what}");
        assert!(writes.is_empty(), "{what}: a byte was sent");
    }
}
