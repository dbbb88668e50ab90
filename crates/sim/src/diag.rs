//! The DIAG personality of a running Qualcomm firmware (specs/qualcomm-dload.md §2,
//! §7 item 1): HDLC frames without a leading flag in both directions; `3A` is echoed and
//! sends the stick into DMSS download; any other command gets `13 <request>`.

use modemflash_core::framing::hdlc::{self, HdlcDecoder};
use modemflash_core::protocol::diag::{BAD_CMD, DLOAD};

/// Largest DIAG request the firmware buffers [inferred; DIAG requests are small].
const MAX_REQUEST: usize = 2048;

/// One port speaking DIAG: the DIAG interface, or an AT port after `AT$QCDMG`.
#[derive(Debug)]
pub struct DiagPort {
    decoder: HdlcDecoder,
}

/// What the firmware does with received DIAG bytes.
#[derive(Debug, Default)]
pub struct DiagOutput {
    /// Reply frames.
    pub replies: Vec<Vec<u8>>,
    /// `3A` was echoed: reset into DMSS download mode.
    pub enter_download: bool,
}

impl Default for DiagPort {
    fn default() -> Self {
        // Hosts send no leading flag (§1.3): the first bytes already belong to a frame.
        DiagPort { decoder: HdlcDecoder::new(MAX_REQUEST) }
    }
}

impl DiagPort {
    /// Received bytes. Damaged frames are dropped without a reply [inferred].
    pub fn receive(&mut self, bytes: &[u8]) -> DiagOutput {
        let mut out = DiagOutput::default();
        self.decoder.push(bytes);
        while let Some(item) = self.decoder.next_frame() {
            let Ok(request) = item else { continue };
            let reply = if request == [DLOAD] {
                out.enter_download = true;
                vec![DLOAD]
            } else {
                let mut r = vec![BAD_CMD];
                r.extend_from_slice(&request);
                r
            };
            let mut frame = Vec::with_capacity(reply.len() + 4);
            hdlc::encode(&reply, false, &mut frame);
            out.replies.push(frame);
        }
        out
    }
}
