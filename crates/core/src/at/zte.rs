//! ZTE's `AT+ZCDRUN` (specs/qualcomm-dload.md §5.1, at-commands.md §6.2): the USB
//! composition of ZTE MF-series sticks.
//!
//! `AT+ZCDRUN=E` selects ZTE's "download composition" 19d2:0016 from the next power-up
//! on: DIAG and AT ports, no CD-ROM and no modem port, so the stick has no data
//! connection; `=F` goes back to the normal composition. Neither is a way into DMSS
//! download: 0016 still runs the modem firmware, and DMSS (19d2:0076) is reached from
//! there by DIAG `3A` (§5.1), exactly as from the normal composition, where the flasher
//! sends `AT$QCDMG` then `3A` on the AT port (§2.1). `=E` would add a replug a person
//! must make and gain nothing, so the flasher never sends it. A stick found in 0016
//! (left there by a vendor tool or an earlier `=E`) is updated like any other, and
//! given `=F` at the end so that after a replug it is a modem again.

use super::{AtClient, AtError, QUERY_TIMEOUT};
use crate::device::UsbId;
use crate::event::Observer;
use crate::port::{Port, PortError};

/// ZTE's download composition: DIAG + AT, no CD (§5.1, §6).
pub const DOWNLOAD_COMPOSITION: UsbId = UsbId::new(0x19d2, 0x0016);

/// Leaves the download composition from the next power-up on.
pub const LEAVE_DOWNLOAD_COMPOSITION: &str = "AT+ZCDRUN=F";

/// Whether `usb` is ZTE's download composition.
pub fn is_download_composition(usb: Option<UsbId>) -> bool {
    usb == Some(DOWNLOAD_COMPOSITION)
}

/// Sends `AT+ZCDRUN=F`. The stick keeps its ports until it is replugged; a port that
/// vanishes before the `OK` counts as done (at-commands.md §7: the commands that
/// change the USB identity).
pub async fn leave_download_composition<P: Port, O: Observer>(at: &mut AtClient<P, O>) -> Result<(), AtError> {
    match at.query(LEAVE_DOWNLOAD_COMPOSITION, QUERY_TIMEOUT).await {
        Ok(_) | Err(AtError::Port(PortError::Disconnected)) => Ok(()),
        Err(e) => Err(e),
    }
}
