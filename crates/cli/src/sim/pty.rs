//! One interface of the virtual dongle on a pseudo-terminal, for any serial program.
//!
//! The sim keeps its own descriptor of the pty's terminal side open, so the controlling
//! side never sees a hang-up while no program has the port open, and programs can come
//! and go like on a real `/dev/ttyUSB*`.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use core::time::Duration;

use modemflash_sim::Sim;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::pty::openpty;
use nix::sys::termios::{cfmakeraw, tcgetattr, tcsetattr, SetArg};
use nix::unistd::ttyname;

use super::driver::{self, HostEnd, HostInput};
use super::stable_link::StableLink;

/// Serves interface `iface` of `sim` on a new pty until SIGINT/SIGTERM. The pty path is
/// the first line on stdout, printed once `link` (if any) points at it.
pub fn serve(sim: &Sim, iface: u8, link: Option<&Path>) -> io::Result<()> {
    let mut pty =
        Pty::open(iface).map_err(|e| io::Error::new(e.kind(), format!("cannot create a pseudo-terminal: {e}")))?;
    let _link = link.map(|link| StableLink::create(link, &pty.path)).transpose()?;
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{}", pty.path.display())?;
    stdout.flush()?;
    drop(stdout);
    let role = sim.ports().iter().find(|(i, _)| *i == iface).map_or("serial port", |(_, role)| role.label());
    eprintln!(
        "Virtual {} (USB {}): interface {iface}, {role}, on {}. Ctrl-C stops it.",
        sim.inspect(|dongle| dongle.profile().name),
        sim.usb_id().map_or_else(|| "off the bus".to_string(), |u| u.to_string()),
        link.unwrap_or(&pty.path).display(),
    );
    driver::serve(sim, &mut pty)
        .map_err(|e| io::Error::new(e.kind(), format!("serving {} failed: {e}", pty.path.display())))
}

/// The controlling side of a pty serving one interface.
struct Pty {
    /// Non-blocking: a client that does not read must not stall the dongle.
    master: File,
    /// Held open so the master never reads EIO or hangs up between clients.
    _terminal: OwnedFd,
    path: PathBuf,
    iface: u8,
}

impl Pty {
    fn open(iface: u8) -> io::Result<Self> {
        let pty = openpty(None, None)?;
        // Raw, like a USB serial port: no echo, no line editing, no CR/LF translation.
        let mut termios = tcgetattr(&pty.slave)?;
        cfmakeraw(&mut termios);
        tcsetattr(&pty.slave, SetArg::TCSANOW, &termios)?;
        let flags = OFlag::from_bits_truncate(fcntl(pty.master.as_raw_fd(), FcntlArg::F_GETFL)?);
        fcntl(pty.master.as_raw_fd(), FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
        let path = ttyname(&pty.slave)?;
        Ok(Pty { master: File::from(pty.master), _terminal: pty.slave, path, iface })
    }
}

impl HostEnd for Pty {
    fn wait(&mut self, timeout: Duration) -> io::Result<HostInput> {
        let mut writes = Vec::new();
        if driver::wait_readable(self.master.as_fd(), timeout)? {
            let mut buf = [0u8; 4096];
            match self.master.read(&mut buf) {
                Ok(n) if n > 0 => writes.push((self.iface, buf[..n].to_vec())),
                Ok(_) => {}
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(HostInput::Writes(writes))
    }

    fn deliver(&mut self, iface: u8, bytes: &[u8]) -> io::Result<()> {
        if iface != self.iface {
            return Ok(());
        }
        let mut rest = bytes;
        while !rest.is_empty() {
            match self.master.write(rest) {
                Ok(n) => rest = &rest[n..],
                // The pty's buffer is full (nobody reads): drop the rest, as a real
                // dongle's buffer overflows, rather than stall every interface.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
