//! The Huawei Balong family in the flasher: `AT^GODLOAD`, the download-mode handshake,
//! partitions as `41`/`42`…/`43`, and the `0A` reset (specs/huawei-balong.md §1–§9).

use super::{check_product, log_to, FlashError, PlannedPartition, Progress};
use crate::device::probe::{self, IdentifyError};
use crate::event::{Event, Level, Observer};
use crate::image::balong::fit::{check_fit, StickFacts};
use crate::image::{ByteSource, FlashedReader, ImageError, Partition, TargetFacts};
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
    let mut reader = FlashedReader::new(partition);
    let mut block = vec![0u8; BLOCK_SIZE];
    let mut n = 1;
    loop {
        let len = reader.fill(source, &mut block).await?;
        if len == 0 {
            break;
        }
        if progress.written + len as u64 > planned.size {
            break; // more data than the verified size: never send past the partition
        }
        dl.write_block(n, &block[..len]).await?;
        n += 1;
        progress.written += len as u64;
        progress.total_written += len as u64;
        dl.observer().on_event(&Event::Progress(progress));
    }
    if progress.written != planned.size {
        return Err(ImageError::Unpack {
            index: partition.index,
            name: partition.name.clone(),
            reason: format!("it gave {} bytes instead of the verified {}", progress.written, planned.size),
        }
        .into());
    }
    dl.end_partition(planned.code, size).await?;
    Ok(())
}

/// Whether `error` is fixed by starting the partition over: a NAK 07 reset the
/// partition's state on the stick (§8).
pub fn restarts_partition(error: &FlashError) -> bool {
    matches!(error, FlashError::Download(e) if e.restarts_partition())
}
