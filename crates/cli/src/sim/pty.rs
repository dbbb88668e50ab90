//! One interface of the virtual dongle on a pseudo-terminal, for any serial program.
//!
//! The sim keeps its own descriptor of the pty's terminal side open, so the controlling
//! side never sees a hang-up while no program has the port open, and programs can come
//! and go like on a real `/dev/ttyUSB*`.
//!
//! At a mode switch the dongle leaves the bus: the pty is closed, so a program that has
//! it open sees the port vanish, and the `--link` disappears. When the dongle comes back
//! a new pty serves the port a flasher needs in the new mode, its path is printed as a
//! new line, and the link points at it (DESIGN.md "Mode switches").

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use core::time::Duration;

use modemflash_core::device::PortRole;
use modemflash_sim::Sim;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::pty::openpty;
use nix::sys::termios::{cfmakeraw, tcgetattr, tcsetattr, SetArg};
use nix::unistd::ttyname;

use super::driver::{self, HostEnd, HostInput, HostOp};
use super::stable_link::StableLink;

/// Which interface the pty serves in normal mode, as `--interface` or `--role` asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortChoice {
    /// This interface number.
    Interface(u8),
    /// The interface that plays this role.
    Role(PortRole),
}

impl PortChoice {
    /// The interface to serve among `ports`: in download mode the download port and in
    /// boot ROM mode the boot ROM port (the one a flasher needs there), otherwise the
    /// chosen one.
    pub fn resolve(self, ports: &[(u8, PortRole)]) -> Option<u8> {
        let needed = ports.iter().find(|(_, r)| matches!(r, PortRole::Download | PortRole::BootRom));
        let found = match self {
            _ if needed.is_some() => needed,
            PortChoice::Interface(iface) => ports.iter().find(|(i, _)| *i == iface),
            PortChoice::Role(role) => ports.iter().find(|(_, r)| *r == role),
        };
        found.map(|(iface, _)| *iface)
    }
}

/// Serves `sim` on a pty until SIGINT/SIGTERM: the interface `choice` names, or the
/// download port in download mode. Each pty path is printed as a line on stdout once
/// `link` (if any) points at it: the first when serving starts, a new one every time
/// the dongle comes back on the bus after a mode switch.
pub fn serve(sim: &Sim, choice: PortChoice, link: Option<&Path>) -> io::Result<()> {
    let mut host = PtyHost { choice, link: link.map(Path::to_path_buf), served: None, announced: false };
    host.connected(sim)?;
    driver::serve(sim, &mut host)
        .map_err(|e| io::Error::new(e.kind(), format!("serving the virtual dongle failed: {e}")))
}

/// The pty end of the driver: one pty while the dongle is on the bus, none while it is off.
struct PtyHost {
    choice: PortChoice,
    link: Option<PathBuf>,
    served: Option<Served>,
    /// The first pty was announced; later ones are re-enumerations.
    announced: bool,
}

/// One pty and the link to it; the link goes first when it is dropped.
struct Served {
    _link: Option<StableLink>,
    pty: Pty,
}

impl HostEnd for PtyHost {
    fn wait(&mut self, timeout: Duration) -> io::Result<HostInput> {
        match &mut self.served {
            Some(served) => served.pty.wait(timeout),
            None => {
                // Off the bus: nothing to read until it comes back.
                std::thread::sleep(timeout);
                Ok(HostInput::Ops(Vec::new()))
            }
        }
    }

    fn deliver(&mut self, iface: u8, bytes: &[u8]) -> io::Result<()> {
        match &mut self.served {
            Some(served) => served.pty.deliver(iface, bytes),
            None => Ok(()),
        }
    }

    fn disconnected(&mut self) -> io::Result<()> {
        if let Some(served) = self.served.take() {
            eprintln!("The virtual dongle left the bus: {} is closed.", served.pty.path.display());
        }
        Ok(())
    }

    fn connected(&mut self, sim: &Sim) -> io::Result<()> {
        let ports = sim.ports();
        let Some(iface) = self.choice.resolve(ports) else {
            eprintln!("The virtual dongle is back, but has no port to serve in this mode; waiting.");
            return Ok(());
        };
        let pty =
            Pty::open(iface).map_err(|e| io::Error::new(e.kind(), format!("cannot create a pseudo-terminal: {e}")))?;
        let link = self.link.as_deref().map(|link| StableLink::create(link, &pty.path)).transpose()?;
        print_path(&pty.path)?;
        let role = ports.iter().find(|(i, _)| *i == iface).map_or("serial port", |(_, role)| role.label());
        let usb = sim.usb_id().map_or_else(|| "off the bus".to_string(), |u| u.to_string());
        let shown = self.link.as_deref().unwrap_or(&pty.path).display();
        if self.announced {
            eprintln!("The virtual dongle is back as USB {usb}: interface {iface}, {role}, on {shown}.");
        } else {
            let name = sim.inspect(|dongle| dongle.profile().name);
            eprintln!("Virtual {name} (USB {usb}): interface {iface}, {role}, on {shown}. Ctrl-C stops it.");
            self.announced = true;
        }
        if sim.inspect(|dongle| dongle.nvram().iter().all(|&b| b == 0xFF)) {
            // What a stock loader did can only be seen from outside: say so.
            eprintln!("The virtual dongle's NV area is erased: its IMEI and calibration are gone.");
        }
        self.served = Some(Served { _link: link, pty });
        Ok(())
    }
}

/// One line on stdout per pty. A reader that went away does not stop the sim: the link
/// still leads to the pty.
fn print_path(path: &Path) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match writeln!(stdout, "{}", path.display()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        done => done,
    }
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

    fn wait(&mut self, timeout: Duration) -> io::Result<HostInput> {
        let mut writes = Vec::new();
        if driver::wait_readable(self.master.as_fd(), timeout)? {
            let mut buf = [0u8; 4096];
            match self.master.read(&mut buf) {
                Ok(n) if n > 0 => writes.push(HostOp::Write { iface: self.iface, bytes: buf[..n].to_vec() }),
                Ok(_) => {}
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(HostInput::Ops(writes))
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
