//! Final result codes and `+CME ERROR` meanings (specs/at-commands.md §1.1, §1.2).

use std::fmt;

/// The line that ends a command's response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FinalResult {
    /// `OK` (`0`).
    Ok,
    /// `CONNECT[ text]` (`1`): data mode follows.
    Connect(String),
    /// `ERROR` (`4`).
    Error,
    /// `NO CARRIER` (`3`).
    NoCarrier,
    /// `NO DIALTONE` (`6`).
    NoDialtone,
    /// `BUSY` (`7`).
    Busy,
    /// `NO ANSWER` (`8`).
    NoAnswer,
    /// `+CME ERROR: <n or text>`.
    Cme(CmeError),
    /// `+CMS ERROR: <n or text>`.
    Cms(String),
    /// `COMMAND NOT SUPPORT`, older Huawei firmware.
    CommandNotSupport,
    /// `TOO MANY PARAMETERS`, older Huawei firmware.
    TooManyParameters,
}

impl FinalResult {
    /// Recognises a final result line, verbose (`V1`) or numeric (`V0`).
    ///
    /// `RING` (`2`) is unsolicited, never final. Numeric codes are only recognised when
    /// the whole line is the number, so an information line such as `0` from
    /// `AT^NVBACKUP` is ambiguous only in `V0` mode, which the client never selects.
    pub fn parse(line: &str) -> Option<FinalResult> {
        let line = line.trim();
        let upper = line.to_ascii_uppercase();
        Some(match upper.as_str() {
            "OK" | "0" => FinalResult::Ok,
            "ERROR" | "4" => FinalResult::Error,
            "NO CARRIER" | "3" => FinalResult::NoCarrier,
            "NO DIALTONE" | "6" => FinalResult::NoDialtone,
            "BUSY" | "7" => FinalResult::Busy,
            "NO ANSWER" | "8" => FinalResult::NoAnswer,
            "COMMAND NOT SUPPORT" => FinalResult::CommandNotSupport,
            "TOO MANY PARAMETERS" => FinalResult::TooManyParameters,
            "1" => FinalResult::Connect(String::new()),
            _ if upper == "CONNECT" || upper.starts_with("CONNECT ") => {
                FinalResult::Connect(line[7..].trim().to_string())
            }
            _ if upper.starts_with("+CME ERROR:") => FinalResult::Cme(CmeError::parse(line[11..].trim())),
            _ if upper.starts_with("+CMS ERROR:") => FinalResult::Cms(line[11..].trim().to_string()),
            _ => return None,
        })
    }

    /// Whether the command succeeded.
    pub fn is_ok(&self) -> bool {
        matches!(self, FinalResult::Ok | FinalResult::Connect(_))
    }
}

impl fmt::Display for FinalResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FinalResult::Ok => f.write_str("OK"),
            FinalResult::Connect(t) if t.is_empty() => f.write_str("CONNECT"),
            FinalResult::Connect(t) => write!(f, "CONNECT {t}"),
            FinalResult::Error => f.write_str("ERROR"),
            FinalResult::NoCarrier => f.write_str("NO CARRIER"),
            FinalResult::NoDialtone => f.write_str("NO DIALTONE"),
            FinalResult::Busy => f.write_str("BUSY"),
            FinalResult::NoAnswer => f.write_str("NO ANSWER"),
            FinalResult::Cme(e) => write!(f, "+CME ERROR: {e}"),
            FinalResult::Cms(t) => write!(f, "+CMS ERROR: {t}"),
            FinalResult::CommandNotSupport => {
                f.write_str("COMMAND NOT SUPPORT (the firmware does not know this command)")
            }
            FinalResult::TooManyParameters => f.write_str("TOO MANY PARAMETERS"),
        }
    }
}

/// A `+CME ERROR`, numeric (`AT+CMEE=1`) or verbose (`AT+CMEE=2`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CmeError {
    /// Numeric form; [`cme_meaning`] gives the TS 27.007 §9.2 text.
    Code(u16),
    /// Verbose form, as the modem worded it.
    Text(String),
}

impl CmeError {
    fn parse(s: &str) -> CmeError {
        match s.parse::<u16>() {
            Ok(n) => CmeError::Code(n),
            Err(_) => CmeError::Text(s.to_string()),
        }
    }

    /// The meaning in words, for either form.
    pub fn meaning(&self) -> String {
        match self {
            CmeError::Code(n) => cme_meaning(*n).map_or_else(|| format!("error {n}"), str::to_string),
            CmeError::Text(t) => t.clone(),
        }
    }
}

impl fmt::Display for CmeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmeError::Code(n) => match cme_meaning(*n) {
                Some(m) => write!(f, "{n} ({m})"),
                None => write!(f, "{n}"),
            },
            CmeError::Text(t) => f.write_str(t),
        }
    }
}

/// TS 27.007 §9.2 meanings, as in specs/at-commands.md §1.2.
pub fn cme_meaning(code: u16) -> Option<&'static str> {
    Some(match code {
        0 => "phone failure",
        1 => "no connection to phone",
        2 => "phone-adaptor link reserved",
        3 => "operation not allowed",
        4 => "operation not supported",
        5 => "PH-SIM PIN required",
        6 => "PH-FSIM PIN required",
        7 => "PH-FSIM PUK required",
        10 => "SIM not inserted",
        11 => "SIM PIN required",
        12 => "SIM PUK required",
        13 => "SIM failure",
        14 => "SIM busy",
        15 => "SIM wrong",
        16 => "incorrect password",
        17 => "SIM PIN2 required",
        18 => "SIM PUK2 required",
        20 => "memory full",
        21 => "invalid index",
        22 => "not found",
        23 => "memory failure",
        24 => "text string too long",
        25 => "invalid characters in text string",
        26 => "dial string too long",
        27 => "invalid characters in dial string",
        30 => "no network service",
        31 => "network timeout",
        32 => "network not allowed — emergency calls only",
        40 => "network personalisation PIN required",
        41 => "network personalisation PUK required",
        42 => "network subset personalisation PIN required",
        43 => "network subset personalisation PUK required",
        44 => "service provider personalisation PIN required",
        45 => "service provider personalisation PUK required",
        46 => "corporate personalisation PIN required",
        47 => "corporate personalisation PUK required",
        48 => "hidden key required",
        49 => "EAP method not supported",
        50 => "incorrect parameters",
        100 => "unknown",
        103 => "illegal MS",
        106 => "illegal ME",
        107 => "GPRS services not allowed",
        111 => "PLMN not allowed",
        112 => "location area not allowed",
        113 => "roaming not allowed in this location area",
        132 => "service option not supported",
        133 => "requested service option not subscribed",
        134 => "service option temporarily out of order",
        148 => "unspecified GPRS error",
        149 => "PDP authentication failure",
        150 => "invalid mobile class",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_final_result_code_is_recognised() {
        let cases = [
            ("OK", FinalResult::Ok),
            ("0", FinalResult::Ok),
            ("CONNECT", FinalResult::Connect(String::new())),
            ("CONNECT 7200000", FinalResult::Connect("7200000".into())),
            ("1", FinalResult::Connect(String::new())),
            ("NO CARRIER", FinalResult::NoCarrier),
            ("3", FinalResult::NoCarrier),
            ("ERROR", FinalResult::Error),
            ("4", FinalResult::Error),
            ("NO DIALTONE", FinalResult::NoDialtone),
            ("BUSY", FinalResult::Busy),
            ("NO ANSWER", FinalResult::NoAnswer),
            ("+CME ERROR: 10", FinalResult::Cme(CmeError::Code(10))),
            ("+CME ERROR: SIM not inserted", FinalResult::Cme(CmeError::Text("SIM not inserted".into()))),
            ("+CMS ERROR: 500", FinalResult::Cms("500".into())),
            ("COMMAND NOT SUPPORT", FinalResult::CommandNotSupport),
            ("TOO MANY PARAMETERS", FinalResult::TooManyParameters),
        ];
        for (line, expected) in cases {
            assert_eq!(FinalResult::parse(line), Some(expected), "{line}");
        }
    }

    #[test]
    fn information_and_unsolicited_lines_are_not_final() {
        for line in ["RING", "2", "^RSSI:17", "huawei", "+CGMI: huawei", "OKAY"] {
            assert_eq!(FinalResult::parse(line), None, "{line}");
        }
    }

    #[test]
    fn cme_codes_carry_their_meaning() {
        assert_eq!(CmeError::Code(10).meaning(), "SIM not inserted");
        assert_eq!(CmeError::Code(149).meaning(), "PDP authentication failure");
        assert_eq!(CmeError::Code(999).meaning(), "error 999");
        assert_eq!(FinalResult::Cme(CmeError::Code(11)).to_string(), "+CME ERROR: 11 (SIM PIN required)");
    }
}
