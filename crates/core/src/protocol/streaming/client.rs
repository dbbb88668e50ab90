//! The host side of streaming download (specs/qualcomm-dload.md §4.2–§4.7).

use std::collections::VecDeque;

use core::time::Duration;

use super::command::{encode_unframed_write, Cmd, ErrorCode, Hello, HelloReply, Reply};
use crate::event::{Event, Level, Observer};
use crate::port::{Port, PortError};
use crate::protocol::link::HdlcLink;

/// How many times a command (or a stalled window) is sent before the programmer counts
/// as gone. Retransmissions are safe: the programmer ACKs a block it already has (§4.3).
pub const SEND_ATTEMPTS: u32 = 4;

/// Largest framed data block a host may rely on: FRAMED_MAX_DATA_LENGTH (§4.2, §1.4).
pub const FRAMED_BLOCK: usize = 1024;

/// Largest unframed data block of any known build (§4.2).
pub const UNFRAMED_MAX_BLOCK: usize = 4096;

/// Lowest negotiated version with unframed writes (UNFRAMED_DLOAD_MIN_VER, §4.2).
pub const UNFRAMED_MIN_VERSION: u8 = 4;

/// Largest reply payload: a HELLO response with 200 sectors (§4.2).
const MAX_PAYLOAD: usize = 48 + 255 + 4 * 200 + 16;

/// After a resend, wait this long in silence before the next command.
const SETTLE_AFTER_RESEND: Duration = Duration::from_millis(200);

/// How partition data goes to the programmer (§4.6, §4.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteMode {
    /// Framed STREAM_WRITE, one outstanding (what every open-source host does).
    StopAndWait,
    /// Framed STREAM_WRITE, up to the advertised window outstanding.
    Windowed,
    /// Unframed stream write (0x30), up to the window outstanding; version ≥ 4 only,
    /// and only on a transport that keeps each write one USB transfer.
    Unframed,
}

impl WriteMode {
    /// The fastest mode that is safe: on a transport that keeps each write one USB
    /// transfer (WebUSB, a native bulk endpoint), unframed where the version allows it,
    /// else windowed where the window is above 1; on a byte stream (Web Serial, a tty)
    /// always stop-and-wait.
    ///
    /// Why not windowed over a byte stream: with several frames queued, the serial
    /// driver ends USB transfers wherever its buffer ran dry, which can be inside a
    /// frame, and the programmer takes any receive buffer starting with `30` as an
    /// unframed write (§4.7): a data byte `30` at such a cut fails the write with
    /// "Unframed write length error". One frame at a time leaves nothing queued, so each
    /// frame travels as one transfer. The virtual dongle behind `modemflash sim --pty`
    /// showed this: its reads end wherever the pty's do.
    pub fn best(hello: &HelloReply, transport_keeps_transfers: bool) -> WriteMode {
        if !transport_keeps_transfers {
            WriteMode::StopAndWait
        } else if hello.version >= UNFRAMED_MIN_VERSION {
            WriteMode::Unframed
        } else if hello.window > 1 {
            WriteMode::Windowed
        } else {
            WriteMode::StopAndWait
        }
    }
}

/// Why streaming download stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamingError {
    /// The port failed underneath.
    #[error(transparent)]
    Port(#[from] PortError),
    /// No answer even after resending.
    #[error("the programmer did not answer the {cmd} after {attempts} tries")]
    NoReply {
        /// The command's name.
        cmd: &'static str,
        /// How many times it was sent.
        attempts: u32,
    },
    /// The programmer answered with an ERROR frame.
    #[error("the programmer refused the {cmd}: {code} — {message:?}")]
    Refused {
        /// The command's name.
        cmd: &'static str,
        /// The error code.
        code: ErrorCode,
        /// Its message, for the log.
        message: String,
    },
    /// HELLO negotiated a version this host does not speak.
    #[error("the programmer speaks streaming version {version} (compatible {compatible}); this host needs 2 to 4")]
    Version {
        /// Its version.
        version: u8,
        /// Its compatible version.
        compatible: u8,
    },
    /// PARTITION_TABLE status other than accepted, even with override.
    #[error("the programmer refused the partition table (status {0}: {status})", status = table_status(*.0))]
    Table(u8),
    /// OPEN_MULTI status other than 0.
    #[error("the programmer could not open partition {name} (status {status})")]
    Open {
        /// The partition.
        name: String,
        /// Its status.
        status: u8,
    },
    /// A reply that makes no sense for the command.
    #[error("unexpected reply to the {cmd}: {reply}")]
    Unexpected {
        /// The command's name.
        cmd: &'static str,
        /// The reply, in hex.
        reply: String,
    },
}

fn table_status(status: u8) -> &'static str {
    match status {
        1 => "tables differ",
        2 => "format not recognised",
        3 => "erase failed",
        4 => "table too big",
        _ => "unknown",
    }
}

impl StreamingError {
    /// What to do next.
    pub fn next_step(&self) -> &'static str {
        match self {
            StreamingError::Port(e) => e.next_step(),
            StreamingError::Table(_) | StreamingError::Open { .. } => {
                "The package's partition table does not suit this modem: use the package made for this model."
            }
            StreamingError::Refused { code: ErrorCode(0x08), .. } => {
                "The programmer does not know this modem's flash chip: use the programmer from this model's package."
            }
            _ => "Unplug the modem and plug it in again; it comes back in download mode, and the update can be started again.",
        }
    }
}

/// A client for a running streaming programmer.
pub struct StreamingClient<P, O> {
    link: HdlcLink<P>,
    observer: O,
    payload: Vec<u8>,
    /// Whether the last [`Self::exchange`] was answered only after a resend: the first
    /// copy may have been carried out with its reply lost.
    resent: bool,
}

impl<P: Port, O: Observer> StreamingClient<P, O> {
    /// A client on the port the programmer runs on.
    pub fn new(port: P, observer: O) -> Self {
        StreamingClient {
            link: HdlcLink::new(port, MAX_PAYLOAD),
            observer,
            payload: Vec::with_capacity(UNFRAMED_MAX_BLOCK + 16),
            resent: false,
        }
    }

    /// Gives back the port and the observer.
    pub fn into_parts(self) -> (P, O) {
        (self.link.into_port(), self.observer)
    }

    /// The observer, for the flasher's own events.
    pub fn observer(&mut self) -> &mut O {
        &mut self.observer
    }

    /// HELLO (§4.2): checks the negotiated version is one this host speaks.
    pub async fn hello(&mut self, hello: Hello) -> Result<HelloReply, StreamingError> {
        let cmd = Cmd::Hello(hello);
        match self.exchange(cmd).await? {
            Reply::Hello(h) if (2..=4).contains(&h.version) && h.compatible_version <= hello.max_version => Ok(h),
            Reply::Hello(h) => Err(StreamingError::Version { version: h.version, compatible: h.compatible_version }),
            other => Err(self.unexpected(cmd, other)),
        }
    }

    /// SECURITY_MODE (§4.1): `1` trusted.
    pub async fn security_mode(&mut self, mode: u8) -> Result<(), StreamingError> {
        let cmd = Cmd::SecurityMode(mode);
        match self.exchange(cmd).await? {
            Reply::SecurityModeSet => Ok(()),
            other => Err(self.unexpected(cmd, other)),
        }
    }

    /// PARTITION_TABLE (§4.6 step 4): sent without override; a non-zero status is
    /// answered by resending with override = 1 (a full reflash), as Quectel and
    /// `qwflash` do. Returns whether the override was needed.
    pub async fn partition_table(&mut self, table: &[u8]) -> Result<bool, StreamingError> {
        for override_existing in [false, true] {
            let cmd = Cmd::PartitionTable { override_existing, table };
            match self.exchange(cmd).await? {
                Reply::PartitionTable(0) => return Ok(override_existing),
                Reply::PartitionTable(1) if !override_existing => {
                    self.log(
                        Level::Info,
                        "The modem holds a different partition table: sending it again with override (full reflash).",
                    );
                }
                Reply::PartitionTable(status) => return Err(StreamingError::Table(status)),
                other => return Err(self.unexpected(cmd, other)),
            }
        }
        Err(StreamingError::Table(1))
    }

    /// OPEN_MULTI type 0x0E by name (§4.5).
    pub async fn open(&mut self, name: &str) -> Result<(), StreamingError> {
        let cmd = Cmd::OpenMulti { name };
        match self.exchange(cmd).await {
            // A resent OPEN_MULTI whose first copy opened the image (§4.3).
            Err(StreamingError::Refused { code: ErrorCode::OUT_OF_SEQUENCE, .. }) if self.resent => {
                self.log(Level::Info, &format!("{name} was opened by the first {cmd}; its answer was lost."));
                Ok(())
            }
            Err(e) => Err(e),
            Ok(Reply::Opened(0)) => Ok(()),
            Ok(Reply::Opened(status)) => Err(StreamingError::Open { name: name.to_string(), status }),
            Ok(other) => Err(self.unexpected(cmd, other)),
        }
    }

    /// CLOSE (§4.6): the programmer finalises the image.
    pub async fn close(&mut self) -> Result<(), StreamingError> {
        match self.exchange(Cmd::Close).await {
            // A resent CLOSE whose first copy closed the image: "not previously opened".
            Err(StreamingError::Refused { code: ErrorCode::OUT_OF_SEQUENCE, .. }) if self.resent => {
                self.log(Level::Info, "The image was closed by the first CLOSE; its answer was lost.");
                Ok(())
            }
            Err(e) => Err(e),
            Ok(Reply::Closed) => Ok(()),
            Ok(other) => Err(self.unexpected(Cmd::Close, other)),
        }
    }

    /// CLOSE of whatever an interrupted run left open, before a resumed session opens
    /// its first partition (an open image refuses OPEN_MULTI and PARTITION_TABLE with
    /// ERROR 0x0F, §4.3). ERROR 0x0F "Cannot close when not previously opened" means
    /// nothing was open and is ignored, as `qwflash` does (§4.6 step 3); ERROR 0x10
    /// (close failed, §4.8) drops the half-written image, which is written again from
    /// its start.
    pub async fn close_leftover(&mut self) -> Result<(), StreamingError> {
        match self.close().await {
            Err(StreamingError::Refused { code: ErrorCode::OUT_OF_SEQUENCE | ErrorCode::CLOSE_FAILED, .. }) => Ok(()),
            other => other,
        }
    }

    /// RESET (§4.6 step 6): the modem reboots into its (new) firmware.
    pub async fn reset(&mut self) -> Result<(), StreamingError> {
        match self.exchange(Cmd::Reset).await? {
            Reply::ResetAck => Ok(()),
            other => Err(self.unexpected(Cmd::Reset, other)),
        }
    }

    /// Writes `data` at byte offset `base` of the open image (§4.6 step 5): blocks of
    /// the mode's block size (the last one short, no data sends nothing), at most the
    /// window outstanding and matched by address (§4.7). A caller streaming an image in
    /// pieces keeps `base` a multiple of [`UNFRAMED_MAX_BLOCK`] so blocks stay aligned.
    /// `progress` gets the bytes acknowledged so far.
    pub async fn write_at(
        &mut self,
        base: u32,
        data: &[u8],
        mode: WriteMode,
        hello: &HelloReply,
        mut progress: impl FnMut(u64),
    ) -> Result<(), StreamingError> {
        let (block, window) = match mode {
            WriteMode::StopAndWait => (framed_block(hello), 1),
            WriteMode::Windowed => (framed_block(hello), usize::from(hello.window.max(1))),
            WriteMode::Unframed => {
                ((hello.block_size as usize).clamp(1, UNFRAMED_MAX_BLOCK), usize::from(hello.window.max(1)))
            }
        };
        let cmd_name = if mode == WriteMode::Unframed { "unframed stream write (30)" } else { "stream write (07)" };
        let blocks: Vec<(u32, &[u8])> =
            data.chunks(block).enumerate().map(|(i, c)| (base + (i * block) as u32, c)).collect();
        let mut next = 0;
        let mut outstanding: VecDeque<usize> = VecDeque::new(); // in sending order
        let mut acked = 0u64;
        let mut stalls = 0;
        self.link.discard_input().await?;
        while next < blocks.len() || !outstanding.is_empty() {
            // The window spans from the oldest unacknowledged block: the programmer
            // buffers blocks ahead of a gap, at most a window of them (§4.7).
            while next < blocks.len() && next < outstanding.front().map_or(next, |&oldest| oldest) + window {
                self.send_block(mode, blocks[next]).await?;
                outstanding.push_back(next);
                next += 1;
            }
            match self.next_reply(Cmd::StreamWrite { addr: 0, data: &[] }.timeout()).await? {
                Some(Reply::Written(addr) | Reply::UnframedWritten(addr)) => {
                    if let Some(pos) = outstanding.iter().position(|&i| blocks[i].0 == addr) {
                        let i = outstanding.remove(pos).unwrap_or(pos);
                        acked += blocks[i].1.len() as u64;
                        progress(acked);
                        stalls = 0;
                    }
                    // Otherwise a late duplicate ACK of a resent block: nothing to do.
                }
                Some(Reply::Error { code, message }) => {
                    return Err(StreamingError::Refused { cmd: cmd_name, code, message })
                }
                Some(other) => return Err(self.unexpected(Cmd::StreamWrite { addr: 0, data: &[] }, other)),
                None => {
                    stalls += 1;
                    if stalls >= SEND_ATTEMPTS {
                        return Err(StreamingError::NoReply { cmd: cmd_name, attempts: SEND_ATTEMPTS });
                    }
                    self.log(
                        Level::Warn,
                        &format!("No answer to {} outstanding block(s); sending them again.", outstanding.len()),
                    );
                    for &i in &outstanding {
                        self.send_block(mode, blocks[i]).await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn send_block(&mut self, mode: WriteMode, (addr, data): (u32, &[u8])) -> Result<(), PortError> {
        if mode == WriteMode::Unframed {
            encode_unframed_write(addr, data, &mut self.payload);
            self.link.send_raw(&self.payload).await
        } else {
            Cmd::StreamWrite { addr, data }.encode(&mut self.payload);
            self.link.send(&self.payload, true).await
        }
    }

    /// Sends `cmd`, resending on silence, and returns the first reply that is not a
    /// LOG line; an ERROR frame becomes [`StreamingError::Refused`].
    pub async fn exchange(&mut self, cmd: Cmd<'_>) -> Result<Reply, StreamingError> {
        cmd.encode(&mut self.payload);
        for attempt in 1..=SEND_ATTEMPTS {
            self.resent = attempt > 1;
            self.link.discard_input().await?;
            self.link.send(&self.payload, true).await?;
            match self.next_reply(cmd.timeout()).await? {
                Some(Reply::Error { code, message }) => {
                    return Err(StreamingError::Refused { cmd: cmd.name(), code, message })
                }
                Some(reply) => {
                    if attempt > 1 {
                        self.link.settle(SETTLE_AFTER_RESEND).await?;
                    }
                    return Ok(reply);
                }
                None if attempt < SEND_ATTEMPTS => {
                    self.log(
                        Level::Warn,
                        &format!("No answer to the {cmd} (try {attempt} of {SEND_ATTEMPTS}); sending it again."),
                    );
                }
                None => {}
            }
        }
        Err(StreamingError::NoReply { cmd: cmd.name(), attempts: SEND_ATTEMPTS })
    }

    /// The next reply that is not a LOG line (LOG lines go to the observer), or `None`
    /// after `timeout` of silence.
    async fn next_reply(&mut self, timeout: Duration) -> Result<Option<Reply>, PortError> {
        loop {
            let observer = &mut self.observer;
            let frame = self
                .link
                .receive(timeout, |e| observer.on_event(&Event::Log(Level::Warn, format!("Reply {e}."))))
                .await?;
            match frame.map(|p| Reply::parse(&p)) {
                Some(Reply::Log(line)) => self.log(Level::Info, &format!("Programmer: {line}")),
                other => return Ok(other),
            }
        }
    }

    fn unexpected(&self, cmd: Cmd<'_>, reply: Reply) -> StreamingError {
        StreamingError::Unexpected { cmd: cmd.name(), reply: format!("{reply:02X?}") }
    }

    fn log(&mut self, level: Level, message: &str) {
        self.observer.on_event(&Event::Log(level, message.to_string()));
    }
}

/// The framed block: the programmer's preferred size, at most 1024 (§1.4: never rely on
/// a build that takes more).
fn framed_block(hello: &HelloReply) -> usize {
    (hello.block_size as usize).clamp(1, FRAMED_BLOCK)
}
