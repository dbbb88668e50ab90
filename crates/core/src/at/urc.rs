//! Unsolicited result codes (specs/at-commands.md §3).

/// Prefixes of lines a modem sends on its own, standard and vendor.
const URC_PREFIXES: &[&str] = &[
    // 27.007
    "RING",
    "+CRING:",
    "+CREG:",
    "+CGREG:",
    "+CEREG:",
    "+CMTI:",
    "+CDSI:",
    "+CUSD:",
    "+CLIP:",
    // Huawei
    "^RSSI:",
    "^MODE:",
    "^BOOT:",
    "^DSFLOWRPT:",
    "^SRVST:",
    "^SIMST:",
    "^HCSQ:",
    "^RSSILVL:",
    "^CSNR:",
    "^NDISSTAT:",
    "^RFSWITCH:",
    "^CEND:",
    "^ORIG:",
    "^CONF:",
    "^CONN:",
    "^STIN:",
    // ZTE
    "+ZUSIMR:",
    "+ZDONR:",
    "+ZPASR:",
    "+ZPSTM:",
    "+ZEND",
];

/// The information-text prefix a command's own reply uses: `AT+CREG?` → `+CREG:`.
///
/// A URC-looking line with this prefix is the reply, not a URC (§2 step 3).
pub fn reply_prefix(command: &str) -> Option<String> {
    let body = command.get(2..)?.trim();
    let name_end = body.find(['?', '=', ';']).unwrap_or(body.len());
    let name = &body[..name_end];
    if name.len() < 2 || !name.starts_with(['+', '^', '$', '!']) {
        return None;
    }
    Some(format!("{}:", name.to_ascii_uppercase()))
}

/// Whether `line` is unsolicited while waiting for the reply to a command whose
/// information lines start with `expected` (if known).
pub fn is_unsolicited(line: &str, expected: Option<&str>) -> bool {
    let upper = line.trim_start().to_ascii_uppercase();
    if let Some(expected) = expected {
        if upper.starts_with(expected) {
            return false;
        }
    }
    URC_PREFIXES.iter().any(|p| upper.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_prefix_is_the_command_name() {
        assert_eq!(reply_prefix("AT+CREG?").as_deref(), Some("+CREG:"));
        assert_eq!(reply_prefix("AT^sysCFGEX?").as_deref(), Some("^SYSCFGEX:"));
        assert_eq!(reply_prefix("AT+CGDCONT=1,\"IP\",\"x\"").as_deref(), Some("+CGDCONT:"));
        assert_eq!(reply_prefix("ATI"), None);
        assert_eq!(reply_prefix("AT"), None);
    }

    #[test]
    fn a_urc_prefix_is_the_reply_when_the_command_asked_for_it() {
        assert!(is_unsolicited("+CREG: 1,5", Some("+CGMI:")));
        assert!(!is_unsolicited("+CREG: 0,1", Some("+CREG:")));
        assert!(is_unsolicited("^RSSI:17", None));
        assert!(is_unsolicited("^MODE: 5,9", None));
        assert!(!is_unsolicited("huawei", None));
    }
}
