//! The Sierra Wireless family in the flasher: `AT!BOOTHOLD`, the QDL handshake, one
//! CWE file as open / 1 MiB unframed writes / close, and the `2D` reset
//! (specs/sierra-cwe-qdl.md §7.1, §9).

use super::{log_to, FlashError, PlannedPartition, Progress};
use crate::device::probe::{self, IdentifyError};
use crate::event::{Level, Observer};
use crate::image::cwe::header::HEADER_LEN;
use crate::image::source::ChunkedReader;
use crate::image::{ByteSource, ImageError, Partition};
use crate::port::Port;
use crate::protocol::qdl::{QdlClient, QdlError, CHUNK_SIZE, IMAGE_TYPE_CWE};

/// The AT command that restarts a module into boot-and-hold (§7.1, at-commands.md §6.3).
pub const ENTER_DOWNLOAD: &str = "AT!BOOTHOLD";

/// Runs §9 steps 2–4 on the download port. QDL carries no product identity, so a job
/// that started in download mode cannot check the fit; the module's own close-time
/// check (§12 item 5) still refuses a file for another product.
pub async fn open<P: Port, O: Observer>(port: P, observer: O, identified: bool) -> Result<QdlClient<P, O>, FlashError> {
    let mut dl = QdlClient::new(port, observer);
    match dl.handshake().await {
        Ok(_) => {}
        // Neither AT nor QDL answered: a wrong port.
        Err(QdlError::NoReply { .. }) if !identified => {
            return Err(
                IdentifyError::NoAtReply { tries: probe::AT_PROBE_TRIES, waited: probe::AT_PROBE_TIMEOUT }.into()
            );
        }
        Err(e) => return Err(e.into()),
    }
    if !identified {
        log_to(
            dl.observer(),
            Level::Warn,
            "The module was already in update mode, which does not tell its product; it checks the firmware's product \
             itself when the file is complete."
                .into(),
        );
    }
    Ok(dl)
}

/// §9 step 5 for one CWE file: Hello, open with the top header, the rest of the file in
/// 1 MiB writes, close.
pub async fn write_partition<P: Port, O: Observer, S: ByteSource>(
    dl: &mut QdlClient<P, O>,
    source: &mut S,
    partition: &Partition,
    planned: &PlannedPartition,
    mut progress: Progress,
) -> Result<(), FlashError> {
    let unreadable =
        |reason: String| ImageError::Unpack { index: partition.index, name: partition.name.clone(), reason };
    let Some(data_len) = planned.size.checked_sub(HEADER_LEN as u64) else {
        return Err(unreadable(format!("it is shorter than a {HEADER_LEN}-byte CWE header")).into());
    };
    let mut header = [0; HEADER_LEN];
    source.read_at(partition.offset, &mut header).await.map_err(ImageError::from)?;
    // The plan checked that the size fits 32 bits.
    dl.open(IMAGE_TYPE_CWE, &header, data_len as u32).await?;
    let mut reader = ChunkedReader::new(partition.offset + HEADER_LEN as u64, data_len);
    let mut seq: u16 = 0;
    loop {
        let chunk = reader.next(source, CHUNK_SIZE).await.map_err(ImageError::from)?;
        if chunk.is_empty() {
            break;
        }
        let len = chunk.len() as u64;
        dl.write_chunk(seq, chunk).await?;
        seq = seq.wrapping_add(1);
        progress.advance(len, dl.observer());
    }
    dl.close().await?;
    // The header travelled in the open request.
    progress.advance(HEADER_LEN as u64, dl.observer());
    Ok(())
}

/// No QDL error is fixed by starting the image over on the same connection: after a
/// failed open, write or close the module stays in download mode and a new run starts
/// at the handshake (§9 step 8), which a resumed job does.
pub fn restarts_partition(_error: &FlashError) -> bool {
    false
}
