//! `sim --bridge`: JSON lines for the browser tests.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{Running, STARTUP};

const READY: &str = r#"{"event":"ready","usb":"12d1:1506","ports":[{"interface":0,"role":"modem"},{"interface":1,"role":"diag"},{"interface":2,"role":"pcui"}],"interfaces":[{"interface":0,"class":255},{"interface":1,"class":255},{"interface":2,"class":255}]}"#;

fn write(bridge: &mut Running, interface: u8, bytes: &[u8]) {
    let data: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    bridge.send_line(&format!(r#"{{"op":"write","interface":{interface},"data":"{data}"}}"#));
}

/// Decodes one `data` event into `(interface, bytes)`.
fn data_event(line: &str) -> (u64, Vec<u8>) {
    let event: Value = serde_json::from_str(line).expect("a JSON line");
    assert_eq!(event["event"], "data", "{line}");
    let hex = event["data"].as_str().expect("hex data");
    let bytes = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect();
    (event["interface"].as_u64().expect("an interface"), bytes)
}

#[test]
fn bridge_serves_every_interface_and_stops_at_end_of_input() {
    let mut bridge = Running::start(&["sim", "--bridge"]);
    assert_eq!(bridge.line(STARTUP), READY);

    write(&mut bridge, 2, b"AT+CGMM\r");
    let deadline = Instant::now() + STARTUP;
    let mut pcui = Vec::new();
    while !String::from_utf8_lossy(&pcui).contains("\r\nOK\r\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        let line =
            bridge.line_within(left).unwrap_or_else(|| panic!("no OK; got {:?}", String::from_utf8_lossy(&pcui)));
        let (interface, bytes) = data_event(&line);
        assert_eq!(interface, 2, "nothing was sent elsewhere");
        pcui.extend(bytes);
    }
    let text = String::from_utf8_lossy(&pcui);
    assert!(text.starts_with("AT+CGMM\r"), "echo first: {text:?}");
    assert!(text.contains("\r\nE3372\r\n"), "{text:?}");

    // DIAG is silent to AT, like the real port.
    write(&mut bridge, 1, b"AT\r");
    let quiet_until = Instant::now() + Duration::from_millis(500);
    while let Some(line) = bridge.line_within(quiet_until.saturating_duration_since(Instant::now())) {
        assert_ne!(data_event(&line).0, 1, "DIAG answered AT: {line}");
    }

    bridge.close_stdin();
    assert!(bridge.exit_status(STARTUP).success(), "end of input stops the bridge cleanly");
}

/// Reads lines until one is the event `name`, skipping `data` events; panics after `timeout`.
fn next_event(bridge: &mut Running, name: &str, timeout: Duration) -> Value {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = bridge.line_within(left).unwrap_or_else(|| panic!("no {name:?} event within {timeout:?}"));
        let event: Value = serde_json::from_str(&line).expect("a JSON line");
        match event["event"].as_str() {
            Some(found) if found == name => return event,
            Some("data") => {}
            _ => panic!("expected {name:?}, got {line}"),
        }
    }
}

/// GODLOAD shutdown 2 s + download boot 3 s in real time, on a busy machine.
const REENUMERATION: Duration = Duration::from_secs(20);

const DOWNLOAD_PORTS: &str = r#"[{"interface":2,"role":"download"}]"#;

#[test]
fn godload_makes_the_dongle_leave_and_come_back_in_download_mode() {
    let mut bridge = Running::start(&["sim", "--bridge"]);
    assert_eq!(bridge.line(STARTUP), READY);

    write(&mut bridge, 2, b"AT^GODLOAD\r");
    next_event(&mut bridge, "disconnected", REENUMERATION);
    let back = next_event(&mut bridge, "connected", REENUMERATION);
    assert_eq!(back["usb"], "12d1:1c05");
    assert_eq!(back["ports"], serde_json::from_str::<Value>(DOWNLOAD_PORTS).unwrap());

    // Download mode answers on interface 2, without echo (specs/huawei-balong.md §3.2).
    write(&mut bridge, 2, b"AT^DLOADVER?\r");
    let (interface, bytes) = data_event(&bridge.line(STARTUP));
    assert_eq!((interface, bytes.as_slice()), (2, &b"\r\n2.0\r\n\r\nOK\r\n"[..]));

    bridge.close_stdin();
    assert!(bridge.exit_status(STARTUP).success());
}

#[test]
fn unplug_and_replug_from_the_host_and_a_start_in_download_mode() {
    let mut bridge = Running::start(&["sim", "--bridge", "--start-in", "download"]);
    let ready: Value = serde_json::from_str(&bridge.line(STARTUP)).expect("a JSON line");
    assert_eq!(ready["usb"], "12d1:1c05");
    assert_eq!(ready["ports"], serde_json::from_str::<Value>(DOWNLOAD_PORTS).unwrap());

    bridge.send_line(r#"{"op":"unplug"}"#);
    next_event(&mut bridge, "disconnected", STARTUP);
    write(&mut bridge, 2, b"AT\r");
    let refused = next_event(&mut bridge, "error", STARTUP);
    assert!(refused["message"].as_str().unwrap().contains("off the bus"), "{refused}");

    bridge.send_line(r#"{"op":"replug"}"#);
    let back = next_event(&mut bridge, "connected", REENUMERATION);
    assert_eq!(back["usb"], "12d1:1c05", "an interrupted update keeps it in download mode");

    bridge.close_stdin();
    assert!(bridge.exit_status(STARTUP).success());
}

#[test]
fn boothold_makes_the_sierra_module_come_back_as_the_silent_qdl_device() {
    let mut bridge = Running::start(&["sim", "--bridge", "--profile", "mc7455"]);
    let ready: Value = serde_json::from_str(&bridge.line(STARTUP)).expect("a JSON line");
    assert_eq!(ready["usb"], "1199:9071");
    let roles = r#"[{"interface":0,"role":"diag"},{"interface":2,"role":"nmea"},{"interface":3,"role":"pcui"}]"#;
    assert_eq!(ready["ports"], serde_json::from_str::<Value>(roles).unwrap());

    write(&mut bridge, 3, b"AT!BOOTHOLD\r");
    next_event(&mut bridge, "disconnected", REENUMERATION);
    let back = next_event(&mut bridge, "connected", REENUMERATION);
    assert_eq!(back["usb"], "1199:9070");
    assert_eq!(back["ports"], serde_json::from_str::<Value>(r#"[{"interface":0,"role":"download"}]"#).unwrap());
    // Silent until spoken to (§7.2), then the QDL switch is ACKed with the golden frame.
    assert_eq!(bridge.line_within(Duration::from_millis(500)), None, "a QDL device stays silent");
    write(&mut bridge, 0, &[0x7E, 0x70, 0x00, 0x00, 0x14, 0x46, 0x7E]);
    let (interface, bytes) = data_event(&bridge.line(STARTUP));
    assert_eq!((interface, bytes.as_slice()), (0, &[0x7E, 0x02, 0x6A, 0xD3, 0x7E][..]));

    bridge.close_stdin();
    assert!(bridge.exit_status(STARTUP).success());
}

#[test]
fn a_cd_rom_e220_stalls_wrong_requests_and_leaves_cd_rom_mode_on_huawei_mode() {
    let mut bridge = Running::start(&["sim", "--bridge", "--profile", "e220", "--start-in", "zero-cd"]);
    let ready: Value = serde_json::from_str(&bridge.line(STARTUP)).expect("a JSON line");
    assert_eq!(ready["usb"], "12d1:1003");
    assert_eq!(ready["ports"], serde_json::from_str::<Value>("[]").unwrap());
    assert_eq!(ready["interfaces"], serde_json::from_str::<Value>(r#"[{"interface":0,"class":8}]"#).unwrap());

    bridge.send_line(r#"{"op":"control","request_type":64,"request":3,"value":1,"index":0}"#);
    assert_eq!(next_event(&mut bridge, "control", STARTUP)["outcome"], "stall", "a vendor request is not HuaweiMode");
    bridge.send_line(r#"{"op":"control","request_type":0,"request":3,"value":1,"index":0}"#);
    assert_eq!(next_event(&mut bridge, "control", STARTUP)["outcome"], "ack");
    next_event(&mut bridge, "disconnected", STARTUP);
    let back = next_event(&mut bridge, "connected", REENUMERATION);
    assert_eq!(back["usb"], "12d1:1003");
    let roles = r#"[{"interface":0,"role":"modem"},{"interface":1,"role":"pcui"}]"#;
    assert_eq!(back["ports"], serde_json::from_str::<Value>(roles).unwrap());

    bridge.close_stdin();
    assert!(bridge.exit_status(STARTUP).success());
}

#[test]
fn a_cd_rom_start_needs_the_bridge_and_a_profile_with_a_cd_rom() {
    let pty = std::process::Command::new(env!("CARGO_BIN_EXE_modemflash"))
        .args(["sim", "--pty", "--profile", "e220", "--start-in", "zero-cd"])
        .output()
        .unwrap();
    assert_eq!(pty.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&pty.stderr).contains("needs --bridge"));
    let sierra = std::process::Command::new(env!("CARGO_BIN_EXE_modemflash"))
        .args(["sim", "--bridge", "--profile", "mc7455", "--start-in", "zero-cd"])
        .output()
        .unwrap();
    assert_eq!(sierra.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&sierra.stderr).contains("no CD-ROM mode"));
}
