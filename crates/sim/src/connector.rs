//! Reconnecting to the virtual dongle after a mode switch, in virtual time.

use core::time::Duration;

use modemflash_core::flasher::{ConnectError, Connector, Reconnect};

use crate::port::{Sim, SimPort};

/// How often the connector looks for the dongle, as a person's "select it again" or the
/// CLI's bus scan would.
const POLL: Duration = Duration::from_millis(250);

/// The flasher's [`Connector`] for a [`Sim`]: waits (in virtual time) until the dongle
/// shows one of the wanted USB ids, then opens the wanted port.
#[derive(Clone, Debug)]
pub struct SimConnector {
    sim: Sim,
}

impl SimConnector {
    /// A connector for `sim`.
    pub fn new(sim: Sim) -> Self {
        SimConnector { sim }
    }
}

impl Connector for SimConnector {
    type Port = SimPort;

    async fn reconnect(&mut self, wanted: &Reconnect) -> Result<SimPort, ConnectError> {
        let start = self.sim.now();
        loop {
            if self.sim.usb_id().is_some_and(|id| wanted.ids.contains(&id)) {
                return self.sim.open_role(wanted.role).map_err(|e| ConnectError::Open(e.to_string()));
            }
            let waited = self.sim.now() - start;
            if waited >= wanted.timeout {
                return Err(ConnectError::NotBack { waited });
            }
            self.sim.wait(POLL);
        }
    }
}
