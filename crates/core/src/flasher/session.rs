//! One download session, whatever the family: the flasher's stages are the same for
//! every dongle, only the protocol under them differs. Each family has a module with
//! the same four steps (open, write a partition, restart, retry rule); this enum
//! dispatches to them, so adding a family is adding a variant and its module.

use super::qualcomm::QualcommSession;
use super::{balong, qdl, qualcomm, FlashError, PlannedPartition, Progress};
use crate::at::identity::Identity;
use crate::device::catalogue::{self, Mode};
use crate::device::{PortRole, UsbId, Vendor};
use crate::event::Observer;
use crate::image::balong::fit::{check_fit, StickFacts};
use crate::image::qualcomm::check_models;
use crate::image::{cwe, ByteSource, Check, Family, FirmwareImage, Partition, TargetFacts};
use crate::port::Port;
use crate::protocol::balong::BalongClient;
use crate::protocol::qdl::QdlClient;

/// USB vendor ids of Balong sticks.
const BALONG_VENDORS: &[u16] = &[Vendor::Huawei.usb_vendor_id()];

/// USB vendor ids of Sierra Wireless modules, normal and QDL.
const SIERRA_VENDORS: &[u16] = &[Vendor::Sierra.usb_vendor_id()];

/// USB vendor ids of Qualcomm-based sticks and their download modes; 0x1c9e is
/// Longcheer, the maker of Alcatel's X020 (specs/qualcomm-dload.md §5.2); Huawei for
/// its Qualcomm-era sticks (§5.4).
const QUALCOMM_VENDORS: &[u16] = &[
    Vendor::Zte.usb_vendor_id(),
    Vendor::Huawei.usb_vendor_id(),
    Vendor::Alcatel.usb_vendor_id(),
    0x1c9e,
    Vendor::Novatel.usb_vendor_id(),
    Vendor::Qualcomm.usb_vendor_id(),
];

/// How a family's stick is sent from normal mode into download mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnterDownload {
    /// One AT command restarts it (Huawei `AT^GODLOAD`, huawei-balong.md §2).
    At(&'static str),
    /// An AT command turns the AT port into DIAG, then DIAG `3A` restarts it
    /// (Qualcomm `AT$QCDMG`, specs/qualcomm-dload.md §2.1, §2.2).
    AtThenDiag(&'static str),
}

/// What the flasher needs to know of a family before a session exists.
#[derive(Clone, Copy, Debug)]
pub struct FamilyFacts {
    /// How a stick is sent into download mode.
    pub enter_download: EnterDownload,
    /// The USB vendor ids whose catalogue rows give the USB ids per mode (raw ids: the
    /// Alcatel X020 enumerates as Longcheer 0x1c9e, specs/qualcomm-dload.md §5.2).
    pub vendor_ids: &'static [u16],
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
                enter_download: EnterDownload::At(balong::ENTER_DOWNLOAD),
                vendor_ids: BALONG_VENDORS,
                download_role: PortRole::Download,
                fit: |target, identity| check_fit(target, &StickFacts::from(identity)),
                same_version: same_revision,
            },
            Family::SierraCwe => FamilyFacts {
                enter_download: EnterDownload::At(qdl::ENTER_DOWNLOAD),
                vendor_ids: SIERRA_VENDORS,
                download_role: PortRole::Download,
                fit: cwe::check_fit,
                same_version: cwe::same_version,
            },
            Family::QualcommPackage => FamilyFacts {
                enter_download: EnterDownload::AtThenDiag(qualcomm::ENTER_DOWNLOAD),
                vendor_ids: QUALCOMM_VENDORS,
                download_role: PortRole::Download,
                fit: |target, identity| check_models(target, &StickFacts::from(identity)),
                same_version: same_revision,
            },
        }
    }

    /// Every USB id of this family's vendor that the catalogue lists for `mode`.
    pub fn ids(&self, mode: Mode) -> Vec<UsbId> {
        catalogue::ENTRIES
            .iter()
            .filter(|e| e.mode == mode && self.vendor_ids.contains(&e.id.vid))
            .map(|e| e.id)
            .collect()
    }
}

/// Versions compare without case and surrounding space.
fn same_revision(expected: &str, reported: &str) -> bool {
    expected.trim().eq_ignore_ascii_case(reported.trim())
}

/// An open download session.
pub enum Session<P, O> {
    /// Huawei Balong download mode.
    Balong(BalongClient<P, O>),
    /// Sierra QDL (boot and hold).
    Qdl(QdlClient<P, O>),
    /// Qualcomm streaming download, programmer uploaded.
    Qualcomm(QualcommSession<P, O>),
}

impl<P: Port, O: Observer> Session<P, O> {
    /// The family's handshake on a download port (a Qualcomm session also uploads the
    /// programmer and sends the partition table, read from `source`). `identified`: the
    /// job saw the stick in normal mode (and checked the image's fit there).
    pub async fn open<S: ByteSource>(
        image: &FirmwareImage,
        source: &mut S,
        port: P,
        observer: O,
        announce: Option<&str>,
        identified: bool,
    ) -> Result<Self, FlashError> {
        match image.family {
            Family::HuaweiBalong => {
                Ok(Session::Balong(balong::open(port, observer, announce, &image.target, identified).await?))
            }
            Family::QualcommPackage => {
                Ok(Session::Qualcomm(qualcomm::open(port, observer, image, source, identified).await?))
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
            Session::Qualcomm(s) => s.write_partition(source, partition, planned, progress).await,
        }
    }

    /// Whether `error` is fixed by starting the partition over.
    pub fn restarts_partition(&self, error: &FlashError) -> bool {
        match self {
            Session::Balong(_) => balong::restarts_partition(error),
            Session::Qdl(_) => qdl::restarts_partition(error),
            // A refused write leaves the image open on the programmer: stop and resume.
            Session::Qualcomm(_) => false,
        }
    }

    /// Restarts the modem into its (new) normal firmware.
    pub async fn restart(&mut self) -> Result<(), FlashError> {
        match self {
            Session::Balong(dl) => Ok(dl.reset().await?),
            Session::Qdl(dl) => Ok(dl.reset().await?),
            Session::Qualcomm(s) => s.restart().await,
        }
    }

    /// The observer, for the flasher's own events.
    pub fn observer(&mut self) -> &mut O {
        match self {
            Session::Balong(dl) => dl.observer(),
            Session::Qdl(dl) => dl.observer(),
            Session::Qualcomm(s) => s.observer(),
        }
    }
}
