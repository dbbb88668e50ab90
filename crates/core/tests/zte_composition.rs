//! ZTE `AT+ZCDRUN` (specs/qualcomm-dload.md §5.1) on the virtual MF626: autorun and the
//! download composition 19d2:0016 (DIAG + AT, no CD), each taking effect at the next
//! power-up; and the flasher, which reaches DMSS without `=E` and gives a stick found in
//! 0016 `=F` once it is updated.

use std::time::Duration;

use futures::executor::block_on;
use modemflash_core::at::zte::DOWNLOAD_COMPOSITION;
use modemflash_core::at::{AtClient, AtError, QUERY_TIMEOUT};
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::event::{Direction, Event};
use modemflash_core::flasher::{Flasher, Job, Journal, LEFT_DOWNLOAD_COMPOSITION};
use modemflash_core::protocol::diag::{self, ProbeState};
use modemflash_sim::image::inspected::inspected;
use modemflash_sim::image::qualcomm::stick_package;
use modemflash_sim::profile::{ALCATEL_X020, ZTE_MF626};
use modemflash_sim::{Sim, SimConnector, SimPort};

const NORMAL: UsbId = UsbId::new(0x19d2, 0x0031);
const NEW_VERSION: &str = "BD_P673A2V1.0.1B02";

fn at(sim: &Sim) -> AtClient<SimPort, Vec<Event>> {
    AtClient::new(sim.open_role(PortRole::Pcui).unwrap(), Vec::new())
}

fn ask(sim: &Sim, command: &str) -> Result<Vec<String>, AtError> {
    block_on(at(sim).query(command, QUERY_TIMEOUT))
}

fn replug(sim: &Sim) {
    sim.unplug();
    sim.replug();
    sim.wait(Duration::from_secs(10));
}

/// A virtual MF626 that was given `AT+ZCDRUN=E` and replugged.
fn stuck_in_download_composition() -> Sim {
    let sim = Sim::new(&ZTE_MF626);
    ask(&sim, "AT+ZCDRUN=E").unwrap();
    replug(&sim);
    assert_eq!(sim.usb_id(), Some(DOWNLOAD_COMPOSITION));
    sim
}

#[test]
fn the_download_composition_comes_after_a_replug_and_has_diag_and_at_but_no_modem() {
    let sim = Sim::new(&ZTE_MF626);
    assert_eq!(ask(&sim, "AT+ZCDRUN=G").unwrap(), ["Download mode state result(0:NO 1:YES):0"]);
    assert_eq!(ask(&sim, "AT+ZCDRUN=E").unwrap(), ["Enter download mode result(0:FAIL 1:SUCCESS):1"]);
    assert_eq!(sim.usb_id(), Some(NORMAL), "nothing changes before the replug");
    replug(&sim);
    assert_eq!(sim.usb_id(), Some(DOWNLOAD_COMPOSITION));
    let roles: Vec<PortRole> = sim.ports().iter().map(|(_, r)| *r).collect();
    assert_eq!(roles, [PortRole::Diag, PortRole::Pcui], "DIAG + AT, no modem port");
    assert_eq!(ask(&sim, "AT+ZCDRUN=G").unwrap(), ["Download mode state result(0:NO 1:YES):1"]);
    assert_eq!(ask(&sim, "AT+CGMM").unwrap(), ["MF626"], "the modem firmware still runs");
    let mut diag_port = sim.open_role(PortRole::Diag).unwrap();
    assert_eq!(block_on(diag::probe(&mut diag_port)).unwrap(), ProbeState::Diag, "not DMSS download");
    // A power cycle keeps it there; =F and a replug end it.
    replug(&sim);
    assert_eq!(sim.usb_id(), Some(DOWNLOAD_COMPOSITION));
    ask(&sim, "AT+ZCDRUN=F").unwrap();
    assert_eq!(sim.usb_id(), Some(DOWNLOAD_COMPOSITION));
    replug(&sim);
    assert_eq!(sim.usb_id(), Some(NORMAL));
}

#[test]
fn the_3a_from_the_download_composition_reaches_dmss_download() {
    let sim = stuck_in_download_composition();
    let mut diag_port = sim.open_role(PortRole::Diag).unwrap();
    block_on(diag::enter_download(&mut diag_port)).unwrap();
    sim.wait(Duration::from_secs(6));
    assert_eq!(sim.usb_id(), Some(UsbId::new(0x19d2, 0x0076)), "ZTE DMSS download device");
}

#[test]
fn autorun_is_switched_off_and_on_and_kept_across_a_replug() {
    let sim = Sim::new(&ZTE_MF626);
    assert_eq!(ask(&sim, "AT+ZCDRUN=4").unwrap(), ["Autorun state result(0:DISABLE 1:ENABLE):1"]);
    assert_eq!(ask(&sim, "AT+ZCDRUN=8").unwrap(), ["Close autorun state result(0:FAIL 1:SUCCESS):1"]);
    replug(&sim);
    assert_eq!(sim.usb_id(), Some(NORMAL));
    assert_eq!(ask(&sim, "AT+ZCDRUN=4").unwrap(), ["Autorun state result(0:DISABLE 1:ENABLE):0"]);
    ask(&sim, "AT+ZCDRUN=9").unwrap();
    assert_eq!(ask(&sim, "AT+ZCDRUN=4").unwrap(), ["Autorun state result(0:DISABLE 1:ENABLE):1"]);
    assert!(matches!(ask(&sim, "AT+ZCDRUN=Q"), Err(AtError::Rejected { .. })));
}

#[test]
fn other_vendors_do_not_know_zcdrun() {
    let sim = Sim::new(&ALCATEL_X020);
    assert!(matches!(ask(&sim, "AT+ZCDRUN=E"), Err(AtError::Rejected { .. })));
}

/// A whole update of the stick from the AT port it shows now; the AT lines sent.
fn update(sim: &Sim) -> (modemflash_core::flasher::Report, Vec<String>) {
    let (inspection, source) = inspected(stick_package(&ZTE_MF626, NEW_VERSION, 60_000).zip()).unwrap();
    let mut flasher = Flasher::new(SimConnector::new(sim.clone()), Vec::new());
    let job = Job {
        inspection: &inspection,
        source: source.as_slice(),
        only: None,
        journal: Journal::default(),
        usb: sim.usb_id(),
    };
    let report = block_on(flasher.run(sim.open_role(PortRole::Pcui).unwrap(), job)).unwrap_or_else(|f| panic!("{f}"));
    let sent = flasher
        .into_parts()
        .1
        .into_iter()
        .filter_map(|e| if let Event::AtLine(Direction::Sent, l) = e { Some(l) } else { None })
        .collect();
    (report, sent)
}

#[test]
fn the_flasher_reaches_dmss_without_zcdrun() {
    let sim = Sim::new(&ZTE_MF626);
    let (report, sent) = update(&sim);
    assert_eq!(report.new_version, NEW_VERSION);
    assert!(!report.left_download_composition);
    assert!(sent.contains(&"AT$QCDMG".to_string()), "{sent:?}");
    assert!(!sent.iter().any(|l| l.contains("ZCDRUN")), "{sent:?}");
}

#[test]
fn a_stick_stuck_in_the_download_composition_is_updated_and_given_zcdrun_f() {
    let sim = stuck_in_download_composition();
    let (report, sent) = update(&sim);
    assert_eq!(report.new_version, NEW_VERSION);
    assert!(report.left_download_composition);
    assert_eq!(sent.last().map(String::as_str), Some("AT+ZCDRUN=F"), "{sent:?}");
    assert!(!sent.iter().any(|l| l == "AT+ZCDRUN=E"));
    assert!(LEFT_DOWNLOAD_COMPOSITION.contains("plug it in again"));
    // Updated, it came back in 0016; the replug the report asks for makes it a modem.
    assert_eq!(sim.usb_id(), Some(DOWNLOAD_COMPOSITION));
    replug(&sim);
    assert_eq!(sim.usb_id(), Some(NORMAL));
    assert_eq!(ask(&sim, "AT+CGMR").unwrap(), [NEW_VERSION]);
}
