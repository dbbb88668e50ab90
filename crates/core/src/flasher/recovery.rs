//! Recovery of a stick stuck in its boot ROM (specs/huawei-balong.md §14): a boot loop or
//! a broken bootloader leaves only the boot ROM's emergency port (12d1:1443). A loader
//! the person provides is sent over the boot ROM protocol; it starts the normal download
//! mode, and a normal update ([`super::Flasher::run`]) follows.

use super::{Reconnect, DOWNLOAD_MODE_TIMEOUT};
use crate::device::catalogue::{self, Mode};
use crate::device::{PortRole, Vendor};
use crate::event::{Event, Level, Observer};
use crate::image::usbloader::UsbLoader;
use crate::image::Outcome;
use crate::port::Port;
use crate::protocol::bootrom::{BootRomClient, BootRomError};

/// Why a recovery stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecoveryError {
    /// The loader file did not pass its checks; nothing was sent.
    #[error("the loader file cannot be used: {0}")]
    Loader(String),
    /// The boot ROM exchange failed.
    #[error(transparent)]
    BootRom(#[from] BootRomError),
}

impl RecoveryError {
    /// What the person at the computer should do about it.
    pub fn next_step(&self) -> &'static str {
        match self {
            RecoveryError::Loader(_) => "Choose the usbloader file made for this modem's chip.",
            RecoveryError::BootRom(BootRomError::NotBootRom(_)) => {
                "Choose the modem's boot port (12d1:1443). If it has none, unplug it, short the boot test point to \
                 ground, plug it in again and start the recovery again."
            }
            RecoveryError::BootRom(_) => {
                "Unplug the modem, plug it in again (with the boot test point shorted if it needs that) and start \
                 the recovery again: the boot ROM starts over each time."
            }
        }
    }
}

/// Sends `loader` to the boot ROM on `port`: probe, then every component in order.
/// The loader's report must have passed; its warnings (above all `erases-flash`) are
/// logged before anything is sent, and the person must have confirmed them. On success
/// the stick restarts in download mode: reconnect as after `AT^GODLOAD`
/// (download port, [`super::DOWNLOAD_MODE_TIMEOUT`]) and run the update.
pub async fn recover_boot_rom<P: Port, O: Observer>(
    port: P,
    loader: &UsbLoader,
    mut observer: O,
) -> Result<(), RecoveryError> {
    if let Some(failure) = loader.report.failures().next() {
        return Err(RecoveryError::Loader(failure.sentence.clone()));
    }
    for warning in loader.report.checks().iter().filter(|c| c.outcome == Outcome::Warn) {
        observer.on_event(&Event::Log(Level::Warn, warning.sentence.clone()));
    }
    let mut client = BootRomClient::new(port, &mut observer);
    client.probe().await?;
    for component in &loader.components {
        client.send_component(&component.name, component.lmode, component.address, loader.data(component)).await?;
    }
    drop(client);
    observer.on_event(&Event::Log(
        Level::Info,
        "The loader is running; the modem restarts in update mode and can be updated now.".into(),
    ));
    Ok(())
}

/// What to wait for once the loader runs: the stick's download port (§14.4, last item)
/// under any Huawei download-mode id of the catalogue, as after `AT^GODLOAD`.
pub fn after_loader() -> Reconnect {
    Reconnect {
        mode: Mode::Download,
        ids: catalogue::ENTRIES
            .iter()
            .filter(|e| e.mode == Mode::Download && e.id.vendor() == Some(Vendor::Huawei))
            .map(|e| e.id)
            .collect(),
        role: PortRole::Download,
        timeout: DOWNLOAD_MODE_TIMEOUT,
    }
}
