//! The SIM's PIN check (3GPP TS 27.007 `+CLCK="SC"`; specs/at-commands.md §5: the state
//! is backed up, the PIN never is).

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::at::{AtClient, AtError, QUERY_TIMEOUT};
use crate::event::Observer;
use crate::port::Port;

/// The query: mode 2 asks the status of the SIM lock facility without a password.
pub const QUERY: &str = "AT+CLCK=\"SC\",2";

/// Whether the SIM asks for its PIN at power-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PinCheck {
    /// `+CLCK: 1`: the PIN is asked for at every power-up.
    On,
    /// `+CLCK: 0`: no PIN is asked for.
    Off,
}

impl PinCheck {
    /// Parses `+CLCK: <status>[,<class>]`.
    pub fn parse(line: &str) -> Option<PinCheck> {
        let rest = line.trim().strip_prefix("+CLCK:")?;
        match crate::at::split_arguments(rest).first()?.as_str() {
            "1" => Some(PinCheck::On),
            "0" => Some(PinCheck::Off),
            _ => None,
        }
    }
}

impl fmt::Display for PinCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PinCheck::On => "PIN check on",
            PinCheck::Off => "PIN check off",
        })
    }
}

impl<P: Port, O: Observer> AtClient<P, O> {
    /// `AT+CLCK="SC",2`: the PIN check state; `None` when the modem does not say (no SIM,
    /// SIM not ready, command unknown).
    pub async fn pin_check(&mut self) -> Result<Option<PinCheck>, AtError> {
        let lines = self.query_optional(QUERY, QUERY_TIMEOUT).await?;
        Ok(lines.and_then(|l| l.iter().find_map(|l| PinCheck::parse(l))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_lock_status_with_or_without_a_class() {
        assert_eq!(PinCheck::parse("+CLCK: 1"), Some(PinCheck::On));
        assert_eq!(PinCheck::parse("+CLCK: 0,7"), Some(PinCheck::Off));
        assert_eq!(PinCheck::parse("+CLCK: 2"), None);
        assert_eq!(PinCheck::parse("+CPIN: READY"), None);
    }
}
