//! The AT client against the virtual E3372h (echo on, URCs between and after reply
//! lines, 64-byte reads on a full-speed link) and against exact byte scripts for the
//! result codes a virtual stick does not produce on its own.

use std::collections::VecDeque;
use std::time::Duration;

use futures::executor::block_on;
use modemflash_core::at::identity::Identity;
use modemflash_core::at::{AtClient, AtError, CmeError, FinalResult, QUERY_TIMEOUT};
use modemflash_core::device::probe::{self, IdentifyError};
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::event::{Direction, Event};
use modemflash_core::port::{Port, PortError};
use modemflash_core::time::Instant;
use modemflash_sim::profile::E3372H;
use modemflash_sim::{Link, Sim};

fn pcui(link: Link) -> (Sim, AtClient<modemflash_sim::SimPort, Vec<Event>>) {
    let sim = Sim::with_link(&E3372H, link);
    let port = sim.open_role(PortRole::Pcui).unwrap();
    (sim, AtClient::new(port, Vec::new()))
}

#[test]
fn identifies_the_virtual_e3372h_with_echo_on_and_urcs_interleaved() {
    let (sim, mut at) = pcui(Link::usb_full_speed());
    let found = block_on(probe::identify(&mut at, sim.usb_id())).unwrap();
    assert_eq!(
        found.identity,
        Identity {
            manufacturer: "huawei".into(),
            model: "E3372".into(),
            revision: "22.315.01.00.00".into(),
            imei: Some("861000000123453".into()),
            hardware: Some("CL2E3372HM Ver.A".into()),
            version: found.identity.version.clone(),
        }
    );
    let version = found.identity.version.as_ref().expect("^VERSION? answered");
    assert_eq!(version.software(), Some("22.315.01.00.00"));
    assert_eq!(version.dashboard(), Some("WEBUI_17.100.13.01.03_HILINK"));
    assert_eq!(found.usb, Some(UsbId::new(0x12d1, 0x1506)));
    assert_eq!(found.identity.masked_imei().as_deref(), Some("•••••••••••3453"));

    let (_, events) = at.into_parts();
    // The stick really sent URCs in the middle of replies and after them, and none
    // of them leaked into a parsed value.
    let urcs: Vec<_> =
        events.iter().filter_map(|e| if let Event::Unsolicited(l) = e { Some(l.as_str()) } else { None }).collect();
    assert!(urcs.contains(&"^MODE:5,4"), "{urcs:?}");
    assert!(urcs.iter().any(|l| l.starts_with("^RSSI:")), "{urcs:?}");
    // Echo was on and was filtered: no received line repeats a command.
    let sent: Vec<_> = events
        .iter()
        .filter_map(|e| if let Event::AtLine(Direction::Sent, l) = e { Some(l.clone()) } else { None })
        .collect();
    assert!(sent.contains(&"AT+CGMI".to_string()));
    assert!(!events.iter().any(|e| matches!(e, Event::AtLine(Direction::Received, l) if sent.contains(l))));
}

#[test]
fn multi_line_reply_keeps_only_its_own_lines() {
    let (_sim, mut at) = pcui(Link::usb_full_speed());
    let lines = block_on(at.query("ATI", QUERY_TIMEOUT)).unwrap();
    assert_eq!(
        lines,
        [
            "Manufacturer: huawei",
            "Model: E3372",
            "Revision: 22.315.01.00.00",
            "IMEI: 861000000123453",
            "+GCAP: +CGSM,+DS,+ES"
        ]
    );
    let (_, events) = at.into_parts();
    assert!(events.contains(&Event::Unsolicited("^MODE:5,4".into())), "the reply carried a URC after its first line");
}

#[test]
fn works_with_echo_off_too() {
    let (_sim, mut at) = pcui(Link::usb_high_speed());
    block_on(at.query("ATE0", QUERY_TIMEOUT)).unwrap();
    assert_eq!(block_on(at.model()).unwrap(), "E3372");
    let (port, events) = at.into_parts();
    drop(port);
    // After ATE0 the stick no longer echoes: the command appears once, as sent.
    let model_lines: Vec<_> = events.iter().filter(|e| matches!(e, Event::AtLine(_, l) if l == "AT+CGMM")).collect();
    assert_eq!(model_lines.len(), 1);
}

#[test]
fn cme_error_carries_code_and_meaning() {
    let (_sim, mut at) = pcui(Link::usb_high_speed());
    block_on(at.query("AT+CMEE=1", QUERY_TIMEOUT)).unwrap();
    let err = block_on(at.query("AT+CGDCONT=99,\"IP\",\"x\"", QUERY_TIMEOUT)).unwrap_err();
    assert_eq!(
        err,
        AtError::Rejected {
            command: "AT+CGDCONT=99,\"IP\",\"x\"".into(),
            result: FinalResult::Cme(CmeError::Code(50))
        }
    );
    assert_eq!(err.to_string(), "AT+CGDCONT=99,\"IP\",\"x\" was refused: +CME ERROR: 50 (incorrect parameters)");
}

#[test]
fn unknown_command_is_refused_with_error() {
    let (_sim, mut at) = pcui(Link::usb_high_speed());
    let r = block_on(at.exchange("AT+NOSUCH", QUERY_TIMEOUT)).unwrap();
    assert_eq!(r.result, FinalResult::Error);
}

#[test]
fn diag_port_is_silent_and_reported_as_not_an_at_port() {
    let sim = Sim::new(&E3372H);
    let mut at = AtClient::new(sim.open_role(PortRole::Diag).unwrap(), Vec::new());
    let start = sim.now();
    let err = block_on(probe::identify(&mut at, sim.usb_id())).unwrap_err();
    assert_eq!(err, IdentifyError::NoAtReply { tries: 3, waited: Duration::from_secs(1) });
    assert!(err.next_step().contains("another port"));
    let waited = sim.now() - start;
    assert!(
        waited >= Duration::from_secs(3) && waited < Duration::from_millis(3001),
        "three probes of one second each, in virtual time: {waited:?}"
    );
}

/// A port that answers each write with scripted bytes, split into fixed-size reads.
struct Scripted {
    replies: VecDeque<Vec<u8>>,
    pending: VecDeque<u8>,
    chunk: usize,
    now: Instant,
    written: Vec<Vec<u8>>,
}

impl Scripted {
    fn new(chunk: usize, replies: &[&[u8]]) -> Self {
        Scripted {
            replies: replies.iter().map(|r| r.to_vec()).collect(),
            pending: VecDeque::new(),
            chunk,
            now: Instant::ZERO,
            written: Vec::new(),
        }
    }
}

impl Port for Scripted {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        self.written.push(bytes.to_vec());
        if let Some(r) = self.replies.pop_front() {
            self.pending.extend(r);
        }
        Ok(())
    }
    async fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, PortError> {
        let n = buf.len().min(self.chunk).min(self.pending.len());
        if n == 0 {
            self.now += timeout;
            return Ok(0);
        }
        for b in buf.iter_mut().take(n) {
            *b = self.pending.pop_front().unwrap();
        }
        Ok(n)
    }
    fn now(&self) -> Instant {
        self.now
    }
}

fn exchange(reply: &[u8], chunk: usize) -> Result<modemflash_core::at::Response, AtError> {
    let mut at = AtClient::new(Scripted::new(chunk, &[reply]), Vec::new());
    block_on(at.exchange("ATD*99#", Duration::from_secs(2)))
}

#[test]
fn every_final_result_code_ends_a_response_under_any_split() {
    let cases: &[(&[u8], FinalResult)] = &[
        (b"\r\nOK\r\n", FinalResult::Ok),
        (b"\r\nCONNECT 7200000\r\n", FinalResult::Connect("7200000".into())),
        (b"\r\nNO CARRIER\r\n", FinalResult::NoCarrier),
        (b"\r\nERROR\r\n", FinalResult::Error),
        (b"\r\nNO DIALTONE\r\n", FinalResult::NoDialtone),
        (b"\r\nBUSY\r\n", FinalResult::Busy),
        (b"\r\nNO ANSWER\r\n", FinalResult::NoAnswer),
        (b"\r\n+CME ERROR: 30\r\n", FinalResult::Cme(CmeError::Code(30))),
        (b"\r\n+CME ERROR: no network service\r\n", FinalResult::Cme(CmeError::Text("no network service".into()))),
        (b"\r\n+CMS ERROR: 500\r\n", FinalResult::Cms("500".into())),
        (b"\r\nCOMMAND NOT SUPPORT\r\n", FinalResult::CommandNotSupport),
        (b"\r\nTOO MANY PARAMETERS\r\n", FinalResult::TooManyParameters),
        (b"0\r", FinalResult::Ok),
        (b"4\r", FinalResult::Error),
    ];
    for chunk in [1, 2, 3, 7, 64] {
        for (bytes, expected) in cases {
            let r = exchange(bytes, chunk).unwrap();
            assert_eq!(&r.result, expected, "{:?} in {chunk}-byte reads", String::from_utf8_lossy(bytes));
            assert!(r.info.is_empty());
        }
    }
}

#[test]
fn urc_inside_a_reply_and_echo_are_filtered_under_split_reads() {
    let reply = b"ATD*99#\r\r\n^RSSI:17\r\r\n\r\n+CRING: VOICE\r\n\r\nNO CARRIER\r\n";
    for chunk in [1, 5, 64] {
        let r = exchange(reply, chunk).unwrap();
        assert_eq!(r.result, FinalResult::NoCarrier);
        assert!(r.info.is_empty(), "{:?}", r.info);
    }
}

#[test]
fn reply_that_asks_for_a_urc_prefix_keeps_it() {
    let mut at = AtClient::new(Scripted::new(3, &[b"\r\n^RSSI:9\r\r\n\r\n+CREG: 0,1\r\n\r\nOK\r\n"]), Vec::new());
    let info = block_on(at.query("AT+CREG?", QUERY_TIMEOUT)).unwrap();
    assert_eq!(info, ["+CREG: 0,1"]);
}

#[test]
fn silence_is_a_timeout_after_the_given_time() {
    let mut at = AtClient::new(Scripted::new(64, &[]), Vec::new());
    let err = block_on(at.exchange("AT+CGMI", Duration::from_millis(1500))).unwrap_err();
    assert_eq!(err, AtError::Timeout { command: "AT+CGMI".into(), waited: Duration::from_millis(1500) });
    let (port, _) = at.into_parts();
    assert_eq!(port.now, Instant::from_origin(Duration::from_millis(1500)));
    assert_eq!(port.written, vec![b"AT+CGMI\r".to_vec()], "one write, CR only, no LF");
}

#[test]
fn a_reply_without_final_code_times_out_instead_of_guessing() {
    let err = exchange(b"\r\nhuawei\r\n", 64).unwrap_err();
    assert!(matches!(err, AtError::Timeout { .. }));
}

#[test]
fn stale_lines_before_a_command_go_to_the_log_not_the_reply() {
    let mut port = Scripted::new(64, &[b"\r\nOK\r\n"]);
    port.pending.extend(b"\r\n^MODE:5,9\r\n\r\nhuawei\r\n");
    let mut at = AtClient::new(port, Vec::new());
    let r = block_on(at.exchange("AT", QUERY_TIMEOUT)).unwrap();
    assert!(r.info.is_empty());
    let (_, events) = at.into_parts();
    assert!(events.contains(&Event::Unsolicited("^MODE:5,9".into())));
    assert!(events.contains(&Event::Unsolicited("huawei".into())));
}

#[test]
fn a_quick_probe_tells_the_at_port_from_a_silent_one() {
    let sim = Sim::new(&E3372H);
    let mut pcui = sim.open_role(PortRole::Pcui).unwrap();
    assert_eq!(block_on(probe::answers_at(&mut pcui)), Ok(true));
    let mut diag = sim.open_role(PortRole::Diag).unwrap();
    let start = sim.now();
    assert_eq!(block_on(probe::answers_at(&mut diag)), Ok(false));
    assert!(sim.now() - start < Duration::from_millis(1100), "two short tries, not the full probe");
}

#[test]
fn identify_tells_the_chipset_of_each_virtual_family() {
    use modemflash_core::device::chipset::ChipsetSource;
    use modemflash_sim::profile::{ALCATEL_X020, HUAWEI_E1550, MC7455, NOVATEL_MC950D, ZTE_MF626};
    let cases = [
        (&E3372H, "Huawei Balong V7 (V7R1/V7R2/V7R11/V7R22 class)", ChipsetSource::UsbId),
        (&MC7455, "Qualcomm MDM9x30", ChipsetSource::BuildString),
        (&ZTE_MF626, "Qualcomm MSM62xx/MSM72xx/MDM8200 class", ChipsetSource::UsbId),
        (&ALCATEL_X020, "Qualcomm MSM/QSC/MDM (HSPA class)", ChipsetSource::UsbId),
        (&NOVATEL_MC950D, "Qualcomm MSM/QSC/MDM (HSPA class)", ChipsetSource::UsbId),
        (&HUAWEI_E1550, "Qualcomm MSM/QSC/MDM (HSPA class)", ChipsetSource::Model),
    ];
    for (profile, name, from) in cases {
        let sim = Sim::new(profile);
        let mut at = AtClient::new(sim.open_role(PortRole::Pcui).unwrap(), Vec::new());
        let found = block_on(probe::identify(&mut at, sim.usb_id())).unwrap();
        let chipset = found.chipset().unwrap_or_else(|| panic!("{}: no chipset", profile.name));
        assert_eq!((chipset.name.as_str(), chipset.from), (name, from), "{}", profile.name);
    }
}

#[test]
fn a_lost_answer_to_a_read_is_asked_for_again() {
    use modemflash_sim::{Fault, FaultPlan};
    // The stick's bursts for the first command: its echo (0), then its answer (1).
    let answer_lost = || {
        let (sim, at) = pcui(Link::usb_high_speed());
        sim.set_faults(FaultPlan::new().with(Fault::DropToHost { nth: 1 }));
        at
    };
    let mut at = answer_lost();
    assert_eq!(block_on(at.query_idempotent("AT+CGMI", QUERY_TIMEOUT)).unwrap(), ["huawei"]);
    let (_, events) = at.into_parts();
    assert!(events.iter().any(|e| matches!(e, Event::Log(_, m) if m.contains("asking again"))));
    // A command that may not be repeated is not.
    let result = block_on(answer_lost().query("AT+CGMI", QUERY_TIMEOUT));
    assert!(matches!(result, Err(AtError::Timeout { .. })), "{result:?}");
}
