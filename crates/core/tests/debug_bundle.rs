//! The debug bundle never carries an identity number: IMEIs (14–15 digits), IMSIs (15),
//! ICCIDs (19–20, with or without `F` padding) and `+CNUM` phone numbers (4–15 digits)
//! are hidden in every field and every log line, in whatever text surrounds them, while
//! the facts support needs (model, version, digests, the failure) stay readable.

use modemflash_core::debug_bundle::{redact, DebugBundle, DebugLog, Incident};
use modemflash_core::event::{Direction, Event, Level, Observer};
use modemflash_core::image::{Check, VerificationReport};
use proptest::prelude::*;

/// The numbers of one modem and its SIM card.
#[derive(Clone, Debug)]
struct Secrets {
    imei: String,
    imsi: String,
    iccid: String,
    phone: String,
}

fn digits(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, len).prop_map(|d| d.into_iter().map(|d| char::from(b'0' + d)).collect())
}

fn secrets() -> impl Strategy<Value = Secrets> {
    let iccid = (digits(19..=20), any::<bool>()).prop_map(|(d, padded)| if padded { format!("{d}F") } else { d });
    let phone = (digits(4..=15), any::<bool>()).prop_map(|(d, plus)| if plus { format!("+{d}") } else { d });
    (digits(14..=15), digits(15..=15), iccid, phone).prop_map(|(imei, imsi, iccid, phone)| Secrets {
        imei,
        imsi,
        iccid,
        phone,
    })
}

/// Text around a number: anything printable, digits and quotes included.
fn around() -> impl Strategy<Value = String> {
    "[ -~]{0,12}"
}

/// Every way the numbers reach the bundle: as AT traffic (echo and reply shapes of
/// specs/at-commands.md §4), inside log messages, facts, check sentences and errors.
fn bundle(s: &Secrets, before: &str, after: &str) -> String {
    let mut log = DebugLog::new();
    let sent = |l: &str| Event::AtLine(Direction::Sent, l.to_string());
    let got = |l: String| Event::AtLine(Direction::Received, l);
    for event in [
        sent("AT+CGSN"),
        got(format!("AT+CGSN{before}{}", s.imei)), // an echo run into the reply
        got(s.imei.clone()),
        got(format!("+CGSN: \"{}\"", s.imei)),
        got(format!("IMEI: {}", s.imei)),
        sent("AT+CIMI"),
        got(s.imsi.clone()),
        got(format!("^ICCID: {}", s.iccid)),
        got(format!("+CCID: \"{}\"", s.iccid)),
        got(format!("+CNUM: \"{before}\",\"{}\",145", s.phone)),
        Event::Unsolicited(format!("{before}{}{after}", s.imsi)),
        Event::Log(Level::Warn, format!("{before}{}{after}", s.imei)),
    ] {
        log.on_event(&event);
    }
    let mut report = VerificationReport::new();
    report.push(Check::pass("target", format!("made for {before}{}{after}", s.imei)));
    report.push(Check::fail("sim", format!("{before}{}{after}", s.iccid)));
    DebugBundle::new("modemflash test")
        .fact("imei", &s.imei)
        .fact(&format!("{before}{}", s.imsi), &format!("{}{after}", s.iccid))
        .fact("model", "E3372")
        .verification(&format!("{}.bin", s.imei), &report)
        .failure(Incident::new(&format!("{before}{}{after}", s.imsi), "Nothing was changed.", &s.iccid))
        .debug_log(&log)
        .to_json()
}

/// Runs of 11 or more digits outside 32+ character hex digests.
fn long_digit_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_hexdigit())
        .filter(|token| !(token.len() >= 32 && token.bytes().any(|b| b.is_ascii_alphabetic())))
        .flat_map(|token| token.split(|c: char| !c.is_ascii_digit()))
        .filter(|run| run.len() >= 11)
        .map(str::to_string)
        .collect()
}

proptest! {
    #[test]
    fn no_identity_number_survives_in_any_field_or_log_line(s in secrets(), before in around(), after in around()) {
        let json = bundle(&s, &before, &after);
        let parsed: serde_json::Value = serde_json::from_str(&json).expect("the bundle is JSON");
        prop_assert!(parsed["log"].as_array().is_some_and(|l| l.len() == 12), "every line is kept");
        for secret in [&s.imei, &s.imsi, &s.iccid] {
            prop_assert!(!json.contains(secret.as_str()), "{secret} survived:\n{json}");
        }
        let cnum = parsed["log"].as_array().unwrap().iter().filter_map(|l| l.as_str()).find(|l| l.contains("+CNUM"));
        let quoted_phone = format!("\"{}\"", s.phone);
        prop_assert!(cnum.is_some_and(|line| !line.contains(&quoted_phone)), "{:?}", cnum);
        let phone_digits = s.phone.trim_start_matches('+');
        if phone_digits.len() >= 11 {
            prop_assert!(!json.contains(phone_digits), "{phone_digits} survived:\n{json}");
        }
        prop_assert_eq!(long_digit_runs(&json), Vec::<String>::new(), "{}", json);
    }

    #[test]
    fn redaction_keeps_the_length_and_the_tac(s in secrets()) {
        let imei = redact(&s.imei);
        prop_assert_eq!(imei.len(), s.imei.len());
        prop_assert_eq!(&imei[..8], &s.imei[..8], "the TAC names the model");
        prop_assert!(imei[8..].bytes().all(|b| b == b'x'));
        prop_assert_eq!(redact(&s.iccid).len(), s.iccid.len());
        prop_assert_eq!(redact(&redact(&s.imsi)), redact(&s.imsi), "redacting twice changes nothing");
    }
}

#[test]
fn the_virtual_sticks_imei_is_hidden_in_a_real_bundle_but_the_facts_stay() {
    let imei = modemflash_sim::profile::E3372H.imei;
    let sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let mut report = VerificationReport::new();
    report.push(Check::pass("sha256", format!("SHA-256 {sha}.")));
    let mut log = DebugLog::new();
    log.on_event(&Event::AtLine(Direction::Received, imei.to_string()));
    log.on_event(&Event::Progress(modemflash_core::flasher::Progress {
        partition: 0,
        written: 1,
        size: 2,
        total_written: 1,
        total: 2,
    }));
    let json = DebugBundle::new("modemflash 0.1.0")
        .fact("model", "E3372")
        .fact("firmware", "22.315.01.00.00")
        .fact("imei", imei)
        .verification("update.bin", &report)
        .debug_log(&log)
        .to_json();
    assert!(!json.contains(imei), "{json}");
    for kept in ["86100000xxxxxxx", "E3372", "22.315.01.00.00", sha, "modemflash-debug-bundle/1"] {
        assert!(json.contains(kept), "{kept} missing:\n{json}");
    }
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["log"], serde_json::json!(["< 86100000xxxxxxx"]), "progress makes no line");
}
