//! Settings a user would have to type again: backed up before an update, restored after
//! (specs/at-commands.md §4 `+CGDCONT`, §5).

use core::fmt;

use serde::{Deserialize, Serialize};

use super::{AtClient, AtError, QUERY_TIMEOUT};
use crate::event::Observer;
use crate::port::Port;

/// One PDP context (APN profile).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApnProfile {
    /// Context id.
    pub cid: u8,
    /// `IP`, `IPV6`, `IPV4V6` or `PPP`.
    pub pdp_type: String,
    /// The access point name; may be empty.
    pub apn: String,
}

impl ApnProfile {
    /// Parses one `+CGDCONT: <cid>,<type>,<apn>,…` line; fields after the APN and
    /// empty fields are tolerated (§4: `+CGDCONT: 1,"IP",,,0,0`).
    pub fn parse(line: &str) -> Option<ApnProfile> {
        let rest = line.trim().strip_prefix("+CGDCONT:")?;
        let mut fields = super::split_arguments(rest).into_iter();
        let cid = fields.next()?.parse().ok()?;
        let pdp_type = fields.next().filter(|t| !t.is_empty())?;
        let apn = fields.next().unwrap_or_default();
        Some(ApnProfile { cid, pdp_type, apn })
    }

    /// The command that stores this profile: `AT+CGDCONT=<cid>,"<type>","<apn>"` (§5).
    pub fn restore_command(&self) -> String {
        format!("AT+CGDCONT={},\"{}\",\"{}\"", self.cid, self.pdp_type, self.apn)
    }
}

impl fmt::Display for ApnProfile {
    /// `IPV4V6 "corp.example"`, as the user would recognise it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} \"{}\"", self.pdp_type, self.apn)
    }
}

impl<P: Port, O: Observer> AtClient<P, O> {
    /// `AT+CGDCONT?`: every stored APN profile; `None` when the modem refuses the query.
    pub async fn apn_profiles(&mut self) -> Result<Option<Vec<ApnProfile>>, AtError> {
        let lines = self.query_optional("AT+CGDCONT?", QUERY_TIMEOUT).await?;
        Ok(lines.map(|l| l.iter().filter_map(|l| ApnProfile::parse(l)).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shapes_sticks_send() {
        let full = ApnProfile::parse("+CGDCONT: 1,\"IP\",\"internet\",\"0.0.0.0\",0,0").unwrap();
        assert_eq!(full, ApnProfile { cid: 1, pdp_type: "IP".into(), apn: "internet".into() });
        let empty = ApnProfile::parse("+CGDCONT: 2,\"IPV4V6\",,,0,0").unwrap();
        assert_eq!(empty.apn, "");
        let short = ApnProfile::parse("+CGDCONT: 3,\"IP\",\"web.provider,x\"").unwrap();
        assert_eq!(short.apn, "web.provider,x");
        assert_eq!(ApnProfile::parse("+CGDCONT: x,\"IP\""), None);
        assert_eq!(full.restore_command(), "AT+CGDCONT=1,\"IP\",\"internet\"");
    }
}
