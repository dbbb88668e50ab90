//! SIGINT and SIGTERM ask the sim to stop, so it can clean up (remove its `--link`).
//!
//! The handler only sets a flag; the driver checks it on every turn of its loop, which
//! never sleeps longer than [`super::driver::MAX_WAIT`]. The handler is installed without
//! `SA_RESTART`, so a signal also cuts the current `poll` short.

use std::sync::atomic::{AtomicBool, Ordering};

use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn request_stop(_signal: nix::libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Routes SIGINT and SIGTERM to the stop flag.
pub fn install() -> nix::Result<()> {
    let action = SigAction::new(SigHandler::Handler(request_stop), SaFlags::empty(), SigSet::empty());
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe { sigaction(signal, &action) }?;
    }
    Ok(())
}

/// Whether SIGINT or SIGTERM arrived.
pub fn requested() -> bool {
    STOP.load(Ordering::SeqCst)
}
