//! Qualcomm download mode, device side (specs/qualcomm-dload.md §3, §4, §7): the DMSS
//! boot ROM that takes a programmer into RAM, and the streaming programmer that runs
//! after `GO` on the same port.

mod dmss;
mod programmer;

pub use dmss::BootRom;
pub use programmer::Programmer;

use modemflash_core::framing::hdlc;

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
    Programmer(Box<Programmer>),
}

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
                    self.phase = Phase::Programmer(Box::new(Programmer::new(self.boot)));
                }
                out
            }
            Phase::Programmer(p) => p.receive(chunk, target),
        }
    }

    fn wrote_anything(&self) -> bool {
        matches!(&self.phase, Phase::Programmer(p) if p.wrote_anything())
    }
}

/// A reply frame with the leading flag both DMSS and streaming targets send (§1.3).
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 8);
    hdlc::encode(payload, true, &mut out);
    out
}
