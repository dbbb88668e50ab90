//! The few DIAG commands flashing needs, and the probe that tells which Qualcomm
//! protocol a port speaks (specs/qualcomm-dload.md §2).

use core::time::Duration;

use crate::framing::hdlc;
use crate::port::{Port, PortError};
use crate::protocol::link::HdlcLink;

/// `3A` DIAG_DLOAD_F: echo, then reboot into DMSS download (§2.2).
pub const DLOAD: u8 = 0x3A;

/// `13` DIAG_BAD_CMD_F: the firmware's answer to a command it does not know (§2.2).
pub const BAD_CMD: u8 = 0x13;

/// The DMSS NOP frame the probe sends (§2.4): `7E 06 4E 95 7E`.
pub const PROBE: [u8; 5] = [0x7E, 0x06, 0x4E, 0x95, 0x7E];

/// The largest reply the probe and the switch decode: every answer of §2.4 is shorter.
const MAX_REPLY: usize = 1024;

/// How many times the probe is sent before a port counts as not speaking a Qualcomm
/// protocol: a lost or damaged answer is asked for again.
pub const PROBE_ATTEMPTS: u32 = 2;

/// How long the probe waits for an answer.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(500);

/// How long the `3A` echo may take.
pub const DLOAD_TIMEOUT: Duration = Duration::from_secs(2);

/// What answered the probe (§2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeState {
    /// DMSS download mode (PBL/SBL): `7E 02 6A D3 7E`.
    DmssDownload,
    /// Normal firmware on a DIAG port: `13 06 88 D5 7E`.
    Diag,
    /// A streaming programmer already running: `7E 0E …` (LOG, then ERROR 0x05).
    StreamingProgrammer,
    /// A Sahara boot loader (HELLO or END_IMAGE_TX): not supported for these dongles.
    Sahara,
    /// A Firehose programmer (`<?xml`): not supported for these dongles.
    Firehose,
    /// AT text, or nothing at all.
    NotQualcomm,
}

impl ProbeState {
    /// A sentence for the person at the computer.
    pub fn describe(self) -> &'static str {
        match self {
            ProbeState::DmssDownload => "Qualcomm download mode (DMSS): ready for the programmer",
            ProbeState::Diag => "Qualcomm diagnostic port (DIAG) of a running modem",
            ProbeState::StreamingProgrammer => "Qualcomm streaming programmer already running",
            ProbeState::Sahara => {
                "Qualcomm Sahara boot loader: this newer download protocol is not supported for these dongles; use the vendor's updater"
            }
            ProbeState::Firehose => {
                "Qualcomm Firehose programmer: this newer download protocol is not supported for these dongles; use the vendor's updater"
            }
            ProbeState::NotQualcomm => "no Qualcomm download or diagnostic protocol",
        }
    }
}

/// Classifies the bytes a port sent after the probe (or unprompted, as a Sahara boot
/// loader does on connect), by the table of §2.4.
pub fn classify(reply: &[u8]) -> ProbeState {
    let sahara_hello = reply.len() >= 48 && reply.starts_with(&[1, 0, 0, 0, 0x30, 0, 0, 0]);
    let sahara_end = reply.len() >= 16 && reply.starts_with(&[4, 0, 0, 0, 0x10, 0, 0, 0]);
    if sahara_hello || sahara_end {
        ProbeState::Sahara
    } else if reply.starts_with(b"<?xml") {
        ProbeState::Firehose
    } else if reply.starts_with(&[0x7E, 0x02, 0x6A, 0xD3, 0x7E]) {
        ProbeState::DmssDownload
    } else if reply.starts_with(&[0x13, 0x06, 0x88, 0xD5, 0x7E]) {
        ProbeState::Diag
    } else if reply.starts_with(&[0x7E, 0x0E]) {
        ProbeState::StreamingProgrammer
    } else {
        ProbeState::NotQualcomm
    }
}

/// Sends the probe on `port` and classifies what comes back within [`PROBE_TIMEOUT`],
/// asking again ([`PROBE_ATTEMPTS`]) when nothing recognisable came.
pub async fn probe<P: Port>(port: &mut P) -> Result<ProbeState, PortError> {
    let mut link = HdlcLink::new(port, MAX_REPLY);
    let mut early = Vec::new();
    // A Sahara boot loader speaks first; take what is already there.
    link.receive_raw(Duration::ZERO, &mut early, |r| !r.is_empty()).await?;
    if classify(&early) == ProbeState::Sahara {
        return Ok(ProbeState::Sahara);
    }
    let mut state = ProbeState::NotQualcomm;
    for _ in 0..PROBE_ATTEMPTS {
        link.discard_input().await?;
        link.send_raw(&PROBE).await?;
        let mut reply = Vec::new();
        link.receive_raw(PROBE_TIMEOUT, &mut reply, |r| r.len() >= 5 && r.ends_with(&[hdlc::FLAG])).await?;
        state = classify(&reply);
        if state != ProbeState::NotQualcomm {
            break;
        }
    }
    if state == ProbeState::StreamingProgrammer {
        // The LOG line is followed by ERROR 0x05: take it, so the next command's
        // reply is not that error.
        link.settle(PROBE_TIMEOUT).await?;
    }
    Ok(state)
}

/// How many times `3A` is sent when no echo comes.
pub const DLOAD_ATTEMPTS: u32 = 3;

/// Why the switch to download mode failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SwitchError {
    /// The port failed underneath before the echo.
    #[error(transparent)]
    Port(#[from] PortError),
    /// No echo of `3A`.
    #[error("the modem's diagnostic port did not confirm the switch to download mode (no 3A echo)")]
    NoEcho,
}

/// Sends DIAG `3A` (no leading flag, §1.3) and waits for its echo; the modem then
/// re-enumerates in DMSS download mode (§2.2, §5.1). A port that vanishes right after
/// the command counts as switched (at-commands.md §7).
///
/// Silence is answered by sending `3A` again, up to [`DLOAD_ATTEMPTS`] times: a lost
/// command leaves the modem in DIAG, where a second `3A` is harmless; a lost echo
/// leaves it switching, and the port vanishes under the resend.
pub async fn enter_download<P: Port>(port: &mut P) -> Result<(), SwitchError> {
    let mut link = HdlcLink::new(port, MAX_REPLY);
    for _ in 0..DLOAD_ATTEMPTS {
        let sent = match link.send(&[DLOAD], false).await {
            Ok(()) => link.receive(DLOAD_TIMEOUT, |_| {}).await,
            Err(e) => Err(e),
        };
        match sent {
            Ok(Some(reply)) if reply == [DLOAD] => return Ok(()),
            Ok(Some(_)) => return Err(SwitchError::NoEcho),
            Ok(None) => continue,
            Err(PortError::Disconnected) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(SwitchError::NoEcho)
}
