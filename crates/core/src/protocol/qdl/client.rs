//! The host side of Sierra QDL (specs/sierra-cwe-qdl.md §7–§9), as
//! `qmi-firmware-update --update-download` drives it, with a reader that keeps reading
//! to the closing flag (§7.3: Web Serial and WebUSB reads can split frames).

use core::time::Duration;

use super::command::{
    timeout, write_header, ErrorCode, Reply, Request, CHUNK_SIZE, HELLO_VERSIONS, MAX_CHUNKS, WRITE_HEADER_LEN,
};
use crate::event::{Event, Level, Observer};
use crate::framing::hdlc::HdlcDecoder;
use crate::port::{Port, PortError};
use crate::time::Deadline;

/// Largest reply payload accepted: the 49-byte Hello response with room to spare.
const MAX_REPLY: usize = 64;

/// Why the QDL session stopped. Per §9 every timeout and every unexpected reply aborts:
/// the protocol has no resend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QdlError {
    /// The port failed underneath.
    #[error(transparent)]
    Port(#[from] PortError),
    /// The module sent data before it was spoken to: a Sahara device (§7.2, §9 step 2).
    #[error("the module speaks the Sahara protocol, not Sierra QDL")]
    Sahara,
    /// No reply in time (§9 step 3–5 timeouts).
    #[error("the module did not answer the {request} within {waited:?}")]
    NoReply {
        /// The request's name.
        request: &'static str,
        /// How long we waited.
        waited: Duration,
    },
    /// The module answered with an Error message (§8.3).
    #[error("the module refused the {request} ({code})")]
    Refused {
        /// The request's name.
        request: &'static str,
        /// Its error code, with the meaning.
        code: ErrorCode,
    },
    /// No Hello version from 4 to 6 was accepted (§9 step 4).
    #[error("the module accepted none of the QDL versions 4 to 6")]
    NoVersion,
    /// A reply with a non-zero status (§9 step 5).
    #[error("the module answered the {request} with status {status}{}", failed_type.map(|t| format!(" for image type {t:#04x}")).unwrap_or_default())]
    Status {
        /// The request's name.
        request: &'static str,
        /// The status.
        status: u16,
        /// The image type the close reports as failed.
        failed_type: Option<u8>,
    },
    /// The write reply names another chunk (§9 step 5).
    #[error("the module acknowledged chunk {got} instead of chunk {sent}")]
    WrongChunk {
        /// The chunk sent.
        sent: u16,
        /// The chunk acknowledged.
        got: u16,
    },
    /// A reply that does not fit the request, or a damaged frame.
    #[error("unexpected reply to the {request}: {reply}")]
    Unexpected {
        /// The request's name.
        request: &'static str,
        /// What came, in words or hex.
        reply: String,
    },
    /// The image needs more chunks than the u16 sequence counts (§9 step 7).
    #[error("the image needs {chunks} chunks, the protocol counts at most {MAX_CHUNKS}")]
    TooLarge {
        /// Chunks needed.
        chunks: u64,
    },
}

/// A client on a QDL download port.
pub struct QdlClient<P, O> {
    port: P,
    observer: O,
    decoder: HdlcDecoder,
    buf: Vec<u8>,
    wire: Vec<u8>,
    version: Option<u8>,
}

impl<P: Port, O: Observer> QdlClient<P, O> {
    /// A client on a freshly opened download port.
    pub fn new(port: P, observer: O) -> Self {
        QdlClient {
            port,
            observer,
            decoder: HdlcDecoder::new(MAX_REPLY),
            buf: vec![0; 4096],
            wire: Vec::with_capacity(WRITE_HEADER_LEN + CHUNK_SIZE),
            version: None,
        }
    }

    /// The observer, for the flasher's own events.
    pub fn observer(&mut self) -> &mut O {
        &mut self.observer
    }

    /// Gives back the port and the observer.
    pub fn into_parts(self) -> (P, O) {
        (self.port, self.observer)
    }

    /// The Hello version agreed in [`Self::handshake`].
    pub fn version(&self) -> Option<u8> {
        self.version
    }

    /// §9 steps 2–4: listen for an unprompted Sahara hello, switch with `70` (an Error
    /// 0x16 from a module that already switched is fine, step 8), then find the Hello
    /// version, trying 4, 5 and 6. Returns the version.
    pub async fn handshake(&mut self) -> Result<u8, QdlError> {
        let listen = timeout::SAHARA_SETTLE + timeout::SAHARA_LISTEN;
        if self.port.read(&mut self.buf, listen).await? > 0 {
            return Err(QdlError::Sahara);
        }
        let switch = Request::Switch;
        match self.exchange(&switch).await? {
            Reply::Ack => {}
            Reply::Error(ErrorCode::UNSUPPORTED) => {
                self.log(Level::Info, "The module was already switched to QDL (error 0x16 to the switch).");
            }
            other => return Err(refusal_or_unexpected(&switch, other)),
        }
        for version in HELLO_VERSIONS {
            match self.exchange(&Request::Hello { version }).await? {
                Reply::Hello { .. } => {
                    self.log(Level::Info, &format!("The module speaks QDL version {version}."));
                    self.version = Some(version);
                    return Ok(version);
                }
                Reply::Error(code) => {
                    self.log(Level::Info, &format!("QDL version {version} refused ({code})."));
                }
                other => return Err(unexpected(&Request::Hello { version }, &other)),
            }
        }
        Err(QdlError::NoVersion)
    }

    /// §9 step 5, first half: Hello again with the version agreed in [`Self::handshake`]
    /// (6 if no handshake was made), then the open request with the image's header and
    /// data size.
    pub async fn open(&mut self, image_type: u8, header: &[u8], data_len: u32) -> Result<(), QdlError> {
        let chunks = u64::from(data_len).div_ceil(CHUNK_SIZE as u64);
        if chunks > MAX_CHUNKS as u64 {
            return Err(QdlError::TooLarge { chunks });
        }
        let version = self.version.unwrap_or(*HELLO_VERSIONS.end());
        let hello = Request::Hello { version };
        match self.exchange(&hello).await? {
            Reply::Hello { .. } => {}
            other => return Err(refusal_or_unexpected(&hello, other)),
        }
        let open = Request::Open { image_type, header, data_len };
        match self.exchange(&open).await? {
            Reply::Opened { status: 0 } => Ok(()),
            Reply::Opened { status } => Err(QdlError::Status { request: open.name(), status, failed_type: None }),
            other => Err(refusal_or_unexpected(&open, other)),
        }
    }

    /// One unframed write: header and payload in one port write (§8.1), then the `28`
    /// within [`timeout::WRITE`], which must echo `seq` with status 0.
    pub async fn write_chunk(&mut self, seq: u16, data: &[u8]) -> Result<(), QdlError> {
        const NAME: &str = "write of a chunk (27)";
        self.wire.clear();
        self.wire.extend_from_slice(&write_header(seq, data.len() as u32));
        self.wire.extend_from_slice(data);
        self.port.write(&self.wire).await?;
        match self.receive(NAME, timeout::WRITE).await? {
            Reply::Written { seq: got, status: 0 } if got == seq => Ok(()),
            Reply::Written { seq: got, .. } if got != seq => Err(QdlError::WrongChunk { sent: seq, got }),
            Reply::Written { status, .. } => Err(QdlError::Status { request: NAME, status, failed_type: None }),
            Reply::Error(code) => Err(QdlError::Refused { request: NAME, code }),
            other => Err(QdlError::Unexpected { request: NAME, reply: format!("{other:?}") }),
        }
    }

    /// §9 step 5, end: the close request; a non-zero status names the failed image type.
    pub async fn close(&mut self) -> Result<(), QdlError> {
        let close = Request::Close;
        match self.exchange(&close).await? {
            Reply::Closed { status: 0, .. } => Ok(()),
            Reply::Closed { status, failed_type } => {
                Err(QdlError::Status { request: close.name(), status, failed_type: Some(failed_type) })
            }
            other => Err(refusal_or_unexpected(&close, other)),
        }
    }

    /// §9 step 6: `2D`, no reply awaited; the module reboots into normal mode.
    pub async fn reset(&mut self) -> Result<(), QdlError> {
        self.port.write(&Request::Reset.frame()).await?;
        Ok(())
    }

    /// Sends a framed request and waits for its reply.
    async fn exchange(&mut self, request: &Request<'_>) -> Result<Reply, QdlError> {
        self.port.write(&request.frame()).await?;
        self.receive(request.name(), request.timeout()).await
    }

    /// Reads to the closing flag of one frame within `timeout`, skipping empty frames.
    async fn receive(&mut self, request: &'static str, timeout: Duration) -> Result<Reply, QdlError> {
        let deadline = Deadline::after(self.port.now(), timeout);
        loop {
            if let Some(frame) = self.decoder.next_frame() {
                return match frame {
                    Ok(payload) => Reply::parse(&payload)
                        .ok_or_else(|| QdlError::Unexpected { request, reply: format!("{payload:02X?}") }),
                    Err(e) => Err(QdlError::Unexpected { request, reply: format!("a damaged frame ({e})") }),
                };
            }
            let now = self.port.now();
            if deadline.passed(now) {
                return Err(QdlError::NoReply { request, waited: timeout });
            }
            let n = self.port.read(&mut self.buf, deadline.remaining(now)).await?;
            self.decoder.push(&self.buf[..n]);
        }
    }

    fn log(&mut self, level: Level, message: &str) {
        self.observer.on_event(&Event::Log(level, message.to_string()));
    }
}

fn unexpected(request: &Request<'_>, reply: &Reply) -> QdlError {
    QdlError::Unexpected { request: request.name(), reply: format!("{reply:?}") }
}

fn refusal_or_unexpected(request: &Request<'_>, reply: Reply) -> QdlError {
    match reply {
        Reply::Error(code) => QdlError::Refused { request: request.name(), code },
        other => unexpected(request, &other),
    }
}
