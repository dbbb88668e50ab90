//! Qualcomm packages in the flasher (specs/qualcomm-dload.md): `AT$QCDMG` then DIAG
//! `3A` to enter DMSS download; at open time the port is probed (§2.4), the programmer
//! uploaded (§3.2) unless one already runs, then HELLO, SECURITY_MODE and the partition
//! table before the first partition (§4.6); each partition is OPEN_MULTI, streamed
//! writes, CLOSE; RESET restarts the stick.

use super::pieces::Pieces;
use super::{log_to, FlashError, PlannedPartition, Progress};
use crate::device::probe::{self, IdentifyError};
use crate::event::{Level, Observer};
use crate::image::qualcomm::programmer;
use crate::image::{ByteSource, FirmwareImage, ImageError, Partition, Span};
use crate::port::Port;
use crate::protocol::diag::{self, ProbeState};
use crate::protocol::dmss::DmssClient;
use crate::protocol::streaming::client::UNFRAMED_MAX_BLOCK;
use crate::protocol::streaming::{Hello, HelloReply, StreamingClient, WriteMode};

/// Normal mode → download mode: this AT command turns the AT port into DIAG (§2.1),
/// then DIAG `3A` resets the stick into DMSS download (§2.2, §5.4).
pub const ENTER_DOWNLOAD: &str = "AT$QCDMG";

/// Bytes read from the package per streamed piece: a multiple of every block size.
const PIECE: usize = 16 * UNFRAMED_MAX_BLOCK;

/// An open streaming-download session.
pub struct QualcommSession<P, O> {
    client: StreamingClient<P, O>,
    hello: HelloReply,
    mode: WriteMode,
}

/// Probes the download port, uploads the programmer when the boot ROM answers, and
/// opens the streaming session with the package's partition table.
pub async fn open<P: Port, O: Observer, S: ByteSource>(
    mut port: P,
    mut observer: O,
    image: &FirmwareImage,
    source: &mut S,
    identified: bool,
) -> Result<QualcommSession<P, O>, FlashError> {
    let loader = image.loader.as_ref().ok_or(FlashError::NoProgrammer)?;
    let state = diag::probe(&mut port).await?;
    log_to(&mut observer, Level::Info, format!("The download port answers: {}.", state.describe()));
    let resuming = state == ProbeState::StreamingProgrammer;
    let (port, observer) = match state {
        ProbeState::DmssDownload => {
            let code = read_span(source, loader.programmer).await?;
            let bytes = if loader.name.to_ascii_lowercase().ends_with(".hex") {
                let text = String::from_utf8_lossy(&code);
                programmer::parse_hex(&text)
                    .map_err(|reason| FlashError::Programmer(format!("{}: {reason}", loader.name)))?
                    .1
            } else {
                code
            };
            log_to(
                &mut observer,
                Level::Info,
                format!(
                    "Loading the programmer {} ({} bytes) at {:#010x}.",
                    loader.name,
                    bytes.len(),
                    loader.load_address
                ),
            );
            let mut dmss = DmssClient::new(port, observer);
            dmss.upload(loader.load_address, &bytes, |_| {}).await?;
            dmss.into_parts()
        }
        ProbeState::StreamingProgrammer => {
            log_to(&mut observer, Level::Info, "The programmer already runs: resuming.".into());
            (port, observer)
        }
        ProbeState::Sahara | ProbeState::Firehose => return Err(FlashError::Unsupported(state.describe())),
        ProbeState::Diag | ProbeState::NotQualcomm if !identified => {
            return Err(
                IdentifyError::NoAtReply { tries: probe::AT_PROBE_TRIES, waited: probe::AT_PROBE_TIMEOUT }.into()
            )
        }
        ProbeState::Diag | ProbeState::NotQualcomm => return Err(FlashError::Unsupported(state.describe())),
    };
    let keeps_transfers = port.keeps_transfers();
    let mut client = StreamingClient::new(port, observer);
    let hello = client.hello(Hello::RECOMMENDED).await?;
    let mode = WriteMode::best(&hello, keeps_transfers);
    client.security_mode(1).await?;
    if resuming {
        client.close_leftover().await?;
    }
    let table = read_span(source, loader.table).await?;
    client.partition_table(&table).await?;
    let mut session = QualcommSession { client, hello, mode };
    let message = format!(
        "Programmer on {} speaks version {}; writing {:?} (window {}).",
        session.hello.flash_id, session.hello.version, session.mode, session.hello.window
    );
    log_to(session.client.observer(), Level::Info, message);
    Ok(session)
}

impl<P: Port, O: Observer> QualcommSession<P, O> {
    /// The observer, for the flasher's own events.
    pub fn observer(&mut self) -> &mut O {
        self.client.observer()
    }

    /// OPEN_MULTI, the partition streamed from `source` in pieces, CLOSE.
    pub async fn write_partition<S: ByteSource>(
        &mut self,
        source: &mut S,
        partition: &Partition,
        planned: &PlannedPartition,
        mut progress: Progress,
    ) -> Result<(), FlashError> {
        self.client.open(&planned.name).await?;
        let mut pieces = Pieces::new(partition, planned, PIECE);
        while let Some(piece) = pieces.next(source).await? {
            let (hello, mode) = (self.hello.clone(), self.mode);
            self.client.write_at(progress.written as u32, piece, mode, &hello, |_| {}).await?;
            progress.advance(piece.len() as u64, self.client.observer());
        }
        pieces.finish(partition)?;
        self.client.close().await?;
        Ok(())
    }

    /// RESET: the stick reboots into its new firmware.
    pub async fn restart(&mut self) -> Result<(), FlashError> {
        Ok(self.client.reset().await?)
    }
}

async fn read_span<S: ByteSource>(source: &mut S, span: Span) -> Result<Vec<u8>, FlashError> {
    if span.size > programmer::MAX_HEX_FILE {
        return Err(FlashError::Programmer(format!("{} bytes is larger than any programmer", span.size)));
    }
    let mut bytes = vec![0; span.size as usize];
    source.read_at(span.offset, &mut bytes).await.map_err(ImageError::from)?;
    Ok(bytes)
}
