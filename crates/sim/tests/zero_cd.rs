//! The virtual dongle in CD-ROM (ZeroCD) mode leaves it on exactly its switch message
//! (specs/huawei-balong.md §13.3), and a replug starts it as a CD-ROM again.

use core::time::Duration;

use modemflash_core::at::AtClient;
use modemflash_core::device::catalogue::Mode;
use modemflash_core::device::detect::{self, MASS_STORAGE};
use modemflash_core::device::mode_switch::{ControlRequest, HUAWEI_MODE, HUAWEI_NEW_MODE_CBW};
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::event::Silent;
use modemflash_sim::profile::{E220, E3372H};
use modemflash_sim::zero_cd::ControlOutcome;
use modemflash_sim::{Link, Sim, VirtualDongle};

fn sim_in_cd_mode(profile: &'static modemflash_sim::Profile) -> Sim {
    Sim::from_dongle(VirtualDongle::in_zero_cd(profile).expect("a CD-ROM row leads to it"), Link::default())
}

fn classes(sim: &Sim) -> Vec<u8> {
    sim.inspect(|d| d.interfaces().into_iter().map(|(_, class)| class).collect())
}

#[test]
fn an_e220_in_cd_rom_mode_shows_only_storage_and_no_serial_port() {
    let sim = sim_in_cd_mode(&E220);
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x12d1, 0x1003)));
    assert_eq!(classes(&sim), [MASS_STORAGE]);
    assert!(sim.ports().is_empty());
    assert!(sim.open_role(PortRole::Pcui).is_err());
    assert_eq!(detect::mode(UsbId::new(0x12d1, 0x1003), &classes(&sim)), Some(Mode::ZeroCd));
}

#[test]
fn wrong_requests_stall_and_change_nothing() {
    let sim = sim_in_cd_mode(&E220);
    let wrong = [
        ControlRequest { value: 0, ..HUAWEI_MODE },
        ControlRequest { request: 0x01, ..HUAWEI_MODE },
        ControlRequest { request_type: 0x01, ..HUAWEI_MODE },
        ControlRequest { request_type: 0x40, ..HUAWEI_MODE },
    ];
    for request in wrong {
        assert_eq!(sim.control(request), ControlOutcome::Stall, "{request:?}");
    }
    sim.wait(Duration::from_secs(20));
    assert_eq!(classes(&sim), [MASS_STORAGE], "still a CD-ROM");
    assert_eq!(sim.inspect(|d| d.generation()), 0, "never left the bus");
}

#[test]
fn huawei_mode_switches_an_e220_to_modem_mode_with_the_same_id() {
    let sim = sim_in_cd_mode(&E220);
    assert_eq!(sim.control(HUAWEI_MODE), ControlOutcome::Ack);
    assert_eq!(sim.usb_id(), None, "it drops off the bus");
    sim.wait(Duration::from_secs(3));
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x12d1, 0x1003)));
    assert_eq!(detect::mode(UsbId::new(0x12d1, 0x1003), &classes(&sim)), Some(Mode::Normal));
    let port = sim.open_role(PortRole::Pcui).unwrap();
    let mut at = AtClient::new(port, Silent);
    let reply = futures::executor::block_on(at.exchange("AT+CGMM", Duration::from_secs(1))).unwrap();
    assert_eq!(reply.info, ["E220"]);
}

#[test]
fn a_replugged_stick_is_a_cd_rom_again() {
    let sim = sim_in_cd_mode(&E220);
    sim.control(HUAWEI_MODE);
    sim.wait(Duration::from_secs(3));
    sim.unplug();
    sim.replug();
    sim.wait(Duration::from_secs(10));
    assert_eq!(classes(&sim), [MASS_STORAGE]);
}

#[test]
fn an_e3372h_ignores_huawei_mode_and_switches_on_its_cbw_only() {
    let sim = sim_in_cd_mode(&E3372H);
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x12d1, 0x1f01)));
    assert_eq!(sim.control(HUAWEI_MODE), ControlOutcome::Stall, "a page cannot switch it");
    let mut wrong = HUAWEI_NEW_MODE_CBW;
    wrong[16] = 0x30;
    sim.send(0, &wrong);
    sim.wait(Duration::from_secs(5));
    assert_eq!(classes(&sim), [MASS_STORAGE]);
    sim.send(0, &HUAWEI_NEW_MODE_CBW);
    sim.wait(Duration::from_secs(5));
    assert_eq!(sim.usb_id(), Some(E3372H.normal_id));
    assert!(sim.open_role(PortRole::Pcui).is_ok());
}
