//! Qualcomm download mode, device side (specs/qualcomm-dload.md §3, §4, §7): the DMSS
//! boot ROM that takes a programmer into RAM, and the streaming programmer that runs
//! after `GO` on the same port.

mod dmss;
mod programmer;

pub use dmss::BootRom;
pub use programmer::Programmer;

use core::time::Duration;

use modemflash_core::framing::hdlc;
use modemflash_core::time::Instant;

use crate::download::{DownloadDevice, Output, Target};
use crate::profile::QualcommBoot;

/// Download mode of a Qualcomm stick: boot ROM until `GO`, then the programmer.
#[derive(Debug)]
pub struct DownloadMode {
    phase: Phase,
    boot: QualcommBoot,
}

#[derive(Debug)]
enum Phase {
    BootRom(BootRom),
    /// `GO` was ACKed; the programmer listens from `from` on (§3.4: "after ~100 ms").
    Programmer {
        from: Instant,
        programmer: Box<Programmer>,
    },
}

/// From the `GO` ACK to the programmer listening (§3.4) [inferred: "~100 ms"].
pub const PROGRAMMER_START: Duration = Duration::from_millis(100);

impl DownloadMode {
    /// Fresh after enumerating in DMSS download mode.
    pub fn new(boot: QualcommBoot) -> Self {
        DownloadMode { phase: Phase::BootRom(BootRom::new(boot)), boot }
    }
}

impl DownloadDevice for DownloadMode {
    fn receive(&mut self, chunk: &[u8], target: &mut Target<'_>) -> Output {
        match &mut self.phase {
            Phase::BootRom(rom) => {
                let (out, jumped) = rom.receive(chunk);
                if jumped {
                    let from = target.now + PROGRAMMER_START;
                    self.phase = Phase::Programmer { from, programmer: Box::new(Programmer::new(self.boot)) };
                }
                out
            }
            // Bytes sent while the programmer starts are lost.
            Phase::Programmer { from, .. } if target.now < *from => Output::default(),
            Phase::Programmer { programmer, .. } => programmer.receive(chunk, target),
        }
    }

    fn wrote_anything(&self) -> bool {
        matches!(&self.phase, Phase::Programmer { programmer, .. } if programmer.wrote_anything())
    }
}

/// A reply frame with the leading flag both DMSS and streaming targets send (§1.3).
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 8);
    hdlc::encode(payload, true, &mut out);
    out
}
