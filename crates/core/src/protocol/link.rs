//! One HDLC-framed exchange channel over a [`Port`], shared by every protocol that
//! speaks async HDLC: Huawei Balong download (specs/huawei-balong.md §5), Qualcomm DIAG,
//! DMSS and streaming download (specs/qualcomm-dload.md §1).
//!
//! It owns the port, the decoder and the buffers; the protocols on top own their
//! command sets and retry rules.

use core::time::Duration;

use crate::framing::hdlc::{self, FrameError, HdlcDecoder};
use crate::port::{Port, PortError};
use crate::time::{Deadline, Instant};

/// A port that carries async-HDLC frames.
pub struct HdlcLink<P> {
    port: P,
    decoder: HdlcDecoder,
    wire: Vec<u8>,
    buf: Vec<u8>,
}

impl<P: Port> HdlcLink<P> {
    /// A link whose receive side accepts payloads of up to `max_payload` bytes.
    pub fn new(port: P, max_payload: usize) -> Self {
        HdlcLink {
            port,
            decoder: HdlcDecoder::new(max_payload),
            wire: Vec::with_capacity(2 * max_payload + 8),
            buf: vec![0; 4096],
        }
    }

    /// Gives back the port.
    pub fn into_port(self) -> P {
        self.port
    }

    /// The port's clock.
    pub fn now(&self) -> Instant {
        self.port.now()
    }

    /// Sends `payload` as one frame, in one write; `leading_flag` per role
    /// (specs/qualcomm-dload.md §1.3).
    pub async fn send(&mut self, payload: &[u8], leading_flag: bool) -> Result<(), PortError> {
        self.wire.clear();
        hdlc::encode(payload, leading_flag, &mut self.wire);
        self.port.write(&self.wire).await
    }

    /// Sends `bytes` unframed, in one write (the unframed stream write of
    /// specs/qualcomm-dload.md §4.7, AT text).
    pub async fn send_raw(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        self.port.write(bytes).await
    }

    /// Waits up to `timeout` for one decodable frame and returns its payload. Damaged
    /// frames are handed to `dropped` and skipped: the protocol's resend rules deal with
    /// them. `None` is silence.
    pub async fn receive(
        &mut self,
        timeout: Duration,
        mut dropped: impl FnMut(FrameError),
    ) -> Result<Option<Vec<u8>>, PortError> {
        let deadline = Deadline::after(self.port.now(), timeout);
        loop {
            while let Some(frame) = self.decoder.next_frame() {
                match frame {
                    Ok(payload) => return Ok(Some(payload)),
                    Err(e) => dropped(e),
                }
            }
            let now = self.port.now();
            if deadline.passed(now) {
                return Ok(None);
            }
            let n = self.port.read(&mut self.buf, deadline.remaining(now)).await?;
            self.decoder.push(&self.buf[..n]);
        }
    }

    /// Reads raw bytes for up to `timeout` (AT text on the same port), appending to
    /// `out` until `done` accepts what arrived.
    pub async fn receive_raw(
        &mut self,
        timeout: Duration,
        out: &mut Vec<u8>,
        done: impl Fn(&[u8]) -> bool,
    ) -> Result<(), PortError> {
        let deadline = Deadline::after(self.port.now(), timeout);
        loop {
            let now = self.port.now();
            if done(out) || deadline.passed(now) {
                return Ok(());
            }
            let n = self.port.read(&mut self.buf, deadline.remaining(now)).await?;
            out.extend_from_slice(&self.buf[..n]);
        }
    }

    /// Drops what already arrived and any partial frame (hosts flush before a command).
    pub async fn discard_input(&mut self) -> Result<(), PortError> {
        while self.port.read(&mut self.buf, Duration::ZERO).await? > 0 {}
        self.reset_decoder();
        Ok(())
    }

    /// Reads until `quiet` passes in silence, dropping what comes: after a resend, a
    /// late first reply must not be taken for the next command's.
    pub async fn settle(&mut self, quiet: Duration) -> Result<(), PortError> {
        while self.port.read(&mut self.buf, quiet).await? > 0 {}
        self.reset_decoder();
        Ok(())
    }

    fn reset_decoder(&mut self) {
        self.decoder = HdlcDecoder::new(self.decoder.max_len());
    }
}
