//! The Huawei Balong family in the flasher: `AT^GODLOAD`, the download-mode handshake,
//! partitions as `41`/`42`…/`43`, and the `0A` reset (specs/huawei-balong.md §1–§9).

use super::pieces::Pieces;
use super::{check_product, log_to, FlashError, PlannedPartition, Progress};
use crate::device::probe::{self, IdentifyError};
use crate::event::{Level, Observer};
use crate::image::balong::fit::{check_fit, StickFacts};
use crate::image::{ByteSource, Partition, TargetFacts};
use crate::port::Port;
use crate::protocol::balong::{BalongClient, DloadError, BLOCK_SIZE};

/// The AT command that restarts a stick into download mode (§2).
pub const ENTER_DOWNLOAD: &str = "AT^GODLOAD";

/// Runs the handshake on a download port. A job that started in download mode has not
/// seen the stick's identity, so the fit is checked against the `45` reply here.
pub async fn open<P: Port, O: Observer>(
    port: P,
    observer: O,
    announce: Option<&str>,
    target: &TargetFacts,
    identified: bool,
) -> Result<BalongClient<P, O>, FlashError> {
    let mut dl = BalongClient::new(port, observer);
    let handshake = match dl.handshake(announce).await {
        Ok(h) => h,
        // Nothing answered either AT or the download protocol: a wrong port.
        Err(DloadError::NotDownloadMode(_) | DloadError::NoReply { .. }) if !identified => {
            return Err(
                IdentifyError::NoAtReply { tries: probe::AT_PROBE_TRIES, waited: probe::AT_PROBE_TIMEOUT }.into()
            );
        }
        Err(e) => return Err(e.into()),
    };
    log_to(dl.observer(), Level::Info, format!("Update mode {} answers as {}.", handshake.version, handshake.identity));
    if !identified {
        let board = handshake.identity.trim_start_matches("HUAWEI").trim();
        let stick = StickFacts { model: "", revision: "", hardware: Some(board) };
        check_product(&check_fit(target, &stick), dl.observer())?;
    }
    Ok(dl)
}

/// `41`, the blocks streamed from the image, `43`.
pub async fn write_partition<P: Port, O: Observer, S: ByteSource>(
    dl: &mut BalongClient<P, O>,
    source: &mut S,
    partition: &Partition,
    planned: &PlannedPartition,
    mut progress: Progress,
) -> Result<(), FlashError> {
    let size = planned.size as u32; // the plan checked it fits
    dl.start_partition(planned.code, size).await?;
    let mut pieces = Pieces::new(partition, planned, BLOCK_SIZE);
    let mut n = 1;
    while let Some(block) = pieces.next(source).await? {
        dl.write_block(n, block).await?;
        n += 1;
        progress.advance(block.len() as u64, dl.observer());
    }
    pieces.finish(partition)?;
    dl.end_partition(planned.code, size).await?;
    Ok(())
}

/// Whether `error` is fixed by starting the partition over: a NAK 07 reset the
/// partition's state on the stick (§8).
pub fn restarts_partition(error: &FlashError) -> bool {
    matches!(error, FlashError::Download(e) if e.restarts_partition())
}
