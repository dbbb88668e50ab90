//! The virtual modem at a person's pace.
//!
//! The virtual dongle runs in virtual time, so a whole update would flash past in a
//! moment. In the page's demo the stick should take the time a real one takes (its
//! restarts, its writes), so the stages can be watched: [`PacedPort`] and
//! [`PacedConnector`] let real time catch up with the virtual clock after every call.

use std::rc::Rc;
use std::time::Duration;

use gloo_timers::future::TimeoutFuture;
use modemflash_core::flasher::{ConnectError, Connector, Reconnect};
use modemflash_core::port::{Port, PortError};
use modemflash_core::time::Instant;
use modemflash_sim::{Sim, SimConnector, SimPort};

use crate::platform::now_ms;

/// Ties the virtual clock to the page's clock from the moment it is made.
pub struct Pacer {
    sim: Sim,
    virtual_start: Instant,
    real_start_ms: f64,
}

impl Pacer {
    /// Starts pacing `sim` now.
    pub fn new(sim: Sim) -> Rc<Pacer> {
        let virtual_start = sim.now();
        Rc::new(Pacer { sim, virtual_start, real_start_ms: now_ms() })
    }

    /// Sleeps while the virtual clock is ahead of real time.
    async fn catch_up(&self) {
        let virtual_ms = (self.sim.now() - self.virtual_start).as_secs_f64() * 1000.0;
        let ahead = virtual_ms - (now_ms() - self.real_start_ms);
        if ahead >= 1.0 {
            TimeoutFuture::new(ahead as u32).await;
        }
    }
}

/// A virtual port whose calls take as long in real time as in virtual time.
pub struct PacedPort {
    inner: SimPort,
    pacer: Rc<Pacer>,
}

impl PacedPort {
    /// Paces `inner` with `pacer`.
    pub fn new(inner: SimPort, pacer: Rc<Pacer>) -> Self {
        PacedPort { inner, pacer }
    }
}

impl Port for PacedPort {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        self.inner.write(bytes).await?;
        self.pacer.catch_up().await;
        Ok(())
    }

    async fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, PortError> {
        let n = self.inner.read(buf, timeout).await?;
        self.pacer.catch_up().await;
        Ok(n)
    }

    fn now(&self) -> Instant {
        self.inner.now()
    }
}

/// Reconnects to the virtual modem at a person's pace.
pub struct PacedConnector {
    inner: SimConnector,
    pacer: Rc<Pacer>,
}

impl PacedConnector {
    /// Paces reconnects to `sim` with `pacer`.
    pub fn new(sim: Sim, pacer: Rc<Pacer>) -> Self {
        PacedConnector { inner: SimConnector::new(sim), pacer }
    }
}

impl Connector for PacedConnector {
    type Port = PacedPort;

    async fn reconnect(&mut self, wanted: &Reconnect) -> Result<PacedPort, ConnectError> {
        let port = self.inner.reconnect(wanted).await?;
        self.pacer.catch_up().await;
        Ok(PacedPort::new(port, self.pacer.clone()))
    }
}
