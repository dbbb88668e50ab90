//! One download session, whatever the family: the flasher's stages are the same for
//! every dongle, only the protocol under them differs. Each family has a module with
//! the same four steps (open, write a partition, restart, retry rule); this enum
//! dispatches to them, so adding a family is adding a variant and its module.

use super::{balong, qdl, FlashError, PlannedPartition, Progress};
use crate::at::identity::Identity;
use crate::device::catalogue::{self, Mode};
use crate::device::{PortRole, UsbId, Vendor};
use crate::event::Observer;
use crate::image::balong::fit::StickFacts;
use crate::image::{cwe, ByteSource, Check, Family, Partition, TargetFacts};
use crate::port::Port;
use crate::protocol::balong::BalongClient;
use crate::protocol::qdl::QdlClient;

/// What the flasher needs to know of a family before a session exists.
#[derive(Clone, Copy, Debug)]
pub struct FamilyFacts {
    /// The AT command that restarts a stick into download mode.
    pub enter_download: &'static str,
    /// The vendor whose catalogue rows give the USB ids per mode.
    pub vendor: Vendor,
    /// The port a session talks to in download mode.
    pub download_role: PortRole,
    /// The fit check of an image's target against the modem identified in normal mode.
    pub fit: fn(&TargetFacts, &Identity) -> Check,
    /// Whether the revision the modem reports after the update is the image's version.
    pub same_version: fn(expected: &str, reported: &str) -> bool,
}

impl FamilyFacts {
    /// The facts of `family`.
    pub fn of(family: Family) -> FamilyFacts {
        match family {
            Family::HuaweiBalong => FamilyFacts {
                enter_download: balong::ENTER_DOWNLOAD,
                vendor: Vendor::Huawei,
                download_role: PortRole::Download,
                fit: |target, identity| crate::image::balong::fit::check_fit(target, &StickFacts::from(identity)),
                same_version: |expected, reported| expected.trim().eq_ignore_ascii_case(reported.trim()),
            },
            Family::SierraCwe => FamilyFacts {
                enter_download: qdl::ENTER_DOWNLOAD,
                vendor: Vendor::Sierra,
                download_role: PortRole::Download,
                fit: cwe::check_fit,
                same_version: cwe::same_version,
            },
        }
    }

    /// Every USB id of this family's vendor that the catalogue lists for `mode`.
    pub fn ids(&self, mode: Mode) -> Vec<UsbId> {
        catalogue::ENTRIES
            .iter()
            .filter(|e| e.mode == mode && e.id.vendor() == Some(self.vendor))
            .map(|e| e.id)
            .collect()
    }
}

/// An open download session.
pub enum Session<P, O> {
    /// Huawei Balong download mode.
    Balong(BalongClient<P, O>),
    /// Sierra QDL (boot and hold).
    Qdl(QdlClient<P, O>),
}

impl<P: Port, O: Observer> Session<P, O> {
    /// The family's handshake on a download port. `identified`: the job saw the stick
    /// in normal mode (and checked the image's fit there).
    pub async fn open(
        family: Family,
        port: P,
        observer: O,
        announce: Option<&str>,
        target: &TargetFacts,
        identified: bool,
    ) -> Result<Self, FlashError> {
        match family {
            Family::HuaweiBalong => {
                Ok(Session::Balong(balong::open(port, observer, announce, target, identified).await?))
            }
            Family::SierraCwe => Ok(Session::Qdl(qdl::open(port, observer, identified).await?)),
        }
    }

    /// Writes one partition, streaming its bytes from `source`.
    pub async fn write_partition<S: ByteSource>(
        &mut self,
        source: &mut S,
        partition: &Partition,
        planned: &PlannedPartition,
        progress: Progress,
    ) -> Result<(), FlashError> {
        match self {
            Session::Balong(dl) => balong::write_partition(dl, source, partition, planned, progress).await,
            Session::Qdl(dl) => qdl::write_partition(dl, source, partition, planned, progress).await,
        }
    }

    /// Whether `error` is fixed by starting the partition over.
    pub fn restarts_partition(&self, error: &FlashError) -> bool {
        match self {
            Session::Balong(_) => balong::restarts_partition(error),
            Session::Qdl(_) => qdl::restarts_partition(error),
        }
    }

    /// Restarts the modem into its (new) normal firmware.
    pub async fn restart(&mut self) -> Result<(), FlashError> {
        match self {
            Session::Balong(dl) => Ok(dl.reset().await?),
            Session::Qdl(dl) => Ok(dl.reset().await?),
        }
    }

    /// The observer, for the flasher's own events.
    pub fn observer(&mut self) -> &mut O {
        match self {
            Session::Balong(dl) => dl.observer(),
            Session::Qdl(dl) => dl.observer(),
        }
    }
}
