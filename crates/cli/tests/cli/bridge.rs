//! `sim --bridge`: JSON lines for the browser tests.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{Running, STARTUP};

const READY: &str = r#"{"event":"ready","usb":"12d1:1506","ports":[{"interface":0,"role":"modem"},{"interface":1,"role":"diag"},{"interface":2,"role":"pcui"}]}"#;

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
