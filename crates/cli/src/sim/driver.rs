//! Real-time driving of a virtual dongle: wall time becomes the sim's clock, host bytes go
//! in with [`Sim::send`], readable bytes come out with [`Sim::drain`].
//!
//! The byte ends (the pseudo-terminal, the JSON bridge) plug in as a [`HostEnd`]; the loop
//! is the same for both.

use std::io;
use std::os::fd::BorrowedFd;
use std::time::Instant as WallInstant;

use core::time::Duration;

use modemflash_core::time::Instant;
use modemflash_sim::{Link, Sim};
use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use super::stop;

/// A link that adds nothing: the pty or the pipe and the OS bring the real latency.
pub const REAL_TIME: Link = Link { bytes_per_sec: 0, latency: Duration::ZERO, max_read: usize::MAX };

/// The longest the loop sleeps, so a stop request is seen promptly even without a signal
/// interrupting `poll`.
pub const MAX_WAIT: Duration = Duration::from_millis(100);

/// What the host side did while the driver waited.
pub enum HostInput {
    /// Bytes the host wrote, per interface, in order (possibly none).
    Writes(Vec<(u8, Vec<u8>)>),
    /// The host side is gone for good: stop serving.
    Closed,
}

/// One side of the wire a person or a test talks through.
pub trait HostEnd {
    /// Waits at most `timeout` for the host to write, and returns what it wrote.
    fn wait(&mut self, timeout: Duration) -> io::Result<HostInput>;

    /// Hands bytes the dongle sent on `iface` to the host. Interfaces this end does not
    /// serve are dropped here, as bytes on a port nobody opened.
    fn deliver(&mut self, iface: u8, bytes: &[u8]) -> io::Result<()>;
}

/// Serves `sim` to `host` until the host closes or SIGINT/SIGTERM arrives.
pub fn serve(sim: &Sim, host: &mut impl HostEnd) -> io::Result<()> {
    let origin = WallInstant::now();
    let clock = || Instant::from_origin(origin.elapsed());
    loop {
        let now = clock();
        sim.advance_to(now);
        // Re-enumeration hooks in here once the dongle can switch modes: when its
        // `generation` changes, the host announces the new USB id and ports (the bridge
        // as `{"event":"reenumerated",…}`, the pty by reopening itself).
        for &(iface, _) in sim.ports() {
            let bytes = sim.drain(iface);
            if !bytes.is_empty() {
                host.deliver(iface, &bytes)?;
            }
        }
        if stop::requested() {
            return Ok(());
        }
        let wait = sim.next_wakeup().map_or(MAX_WAIT, |next| next - now).min(MAX_WAIT);
        match host.wait(wait)? {
            HostInput::Closed => return Ok(()),
            HostInput::Writes(writes) => {
                for (iface, bytes) in writes {
                    sim.advance_to(clock());
                    sim.send(iface, &bytes);
                }
            }
        }
    }
}

/// Waits at most `timeout` for `fd` to become readable (or hung up: the read tells).
/// A signal ends the wait early with `false`.
pub fn wait_readable(fd: BorrowedFd<'_>, timeout: Duration) -> io::Result<bool> {
    // Round up: a zero-millisecond poll for a wakeup 0.4 ms away would spin.
    let millis = u16::try_from(timeout.as_micros().div_ceil(1000)).unwrap_or(u16::MAX);
    let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
    match poll(&mut fds, PollTimeout::from(millis)) {
        Ok(ready) => Ok(ready > 0),
        Err(Errno::EINTR) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
