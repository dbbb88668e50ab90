//! The wizard's steps as async functions over any `Port`: the same code runs on a real
//! modem through Web Serial and on the virtual modem.

use leptos::prelude::*;
use modemflash_core::at::AtClient;
use modemflash_core::device::probe;
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::event::{Event, Observer};
use modemflash_core::port::Port;
use modemflash_sim::profile::E3372H;
use modemflash_sim::Sim;

use crate::session::{LogLine, Screen, Via};

/// The most lines the log console keeps; older ones are dropped first.
pub const LOG_CAPACITY: usize = 5000;

/// Feeds engine events into the page's log signal.
#[derive(Clone, Copy)]
pub struct LogObserver(pub RwSignal<Vec<LogLine>>);

impl Observer for LogObserver {
    fn on_event(&mut self, event: &Event) {
        if let Some(line) = LogLine::from_event(event) {
            push_log(self.0, line);
        }
    }
}

/// Appends a line, keeping at most [`LOG_CAPACITY`].
pub fn push_log(log: RwSignal<Vec<LogLine>>, line: LogLine) {
    log.update(|lines| {
        if lines.len() == LOG_CAPACITY {
            lines.remove(0);
        }
        lines.push(line);
    });
}

/// Probes `port` and identifies the modem on it; gives the port back for closing.
pub async fn identify_on<P: Port>(port: P, usb: Option<UsbId>, via: Via, log: RwSignal<Vec<LogLine>>) -> (Screen, P) {
    let mut at = AtClient::new(port, LogObserver(log));
    let result = probe::identify(&mut at, usb).await;
    let (port, _) = at.into_parts();
    (Screen::after_identify(result, usb, via), port)
}

/// Plugs in the built-in virtual E3372h and identifies it through its AT port.
pub async fn identify_virtual(log: RwSignal<Vec<LogLine>>) -> Screen {
    let sim = Sim::new(&E3372H);
    push_log(log, LogLine::info(format!("Virtual modem plugged in: {} ({}).", E3372H.description, E3372H.normal_id)));
    match sim.open_role(PortRole::Pcui) {
        Ok(port) => identify_on(port, sim.usb_id(), Via::Virtual, log).await.0,
        Err(e) => Screen::Failed { what: e.to_string(), next_step: e.next_step().to_string() },
    }
}
