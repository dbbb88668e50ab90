//! Finding the modem again after it restarted with another USB id
//! (specs/web-platform.md §4, §8.1).
//!
//! A browser grants ports per device: a stick that comes back with a new product id
//! needs a new grant, and a grant needs a click. So the connector looks for an already
//! granted port with a wanted id (`getPorts()`, which also finds a stick that comes back
//! with its old id) and, at the same time, shows a prompt whose button opens the chooser
//! filtered to the wanted ids. Whichever comes first wins. The prompt stays until the
//! person selects the modem or cancels: a real stick can take long to come back, and
//! giving up on our own would leave them with nothing to press.
//!
//! The same holds over WebUSB (`getDevices()`, `requestDevice()`), where the browser has
//! no Web Serial (Chrome on Android, §1): then the modem is found again over USB.

use std::time::Duration;

use futures::channel::oneshot;
use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use modemflash_core::device::catalogue::Mode;
use modemflash_core::device::probe::PortProbe;
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::flasher::{ConnectError, Connector, Reconnect};
use web_sys::{SerialPort, UsbDevice};

use super::web_serial::{usb_id_of, WebSerialPort};
use super::web_usb::{self, WebUsbPort};
use crate::modem::ModemPort;

/// How often granted ports are looked at.
const POLL: Duration = Duration::from_millis(500);

/// What the prompt shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReconnectPrompt {
    /// The mode the modem restarts into.
    pub mode: Mode,
    /// The ids it may come back with (the chooser's filter).
    pub ids: Vec<UsbId>,
    /// Whether to ask through the USB chooser rather than the serial one.
    pub over_usb: bool,
}

/// What the person picked in a chooser.
pub enum Picked {
    /// A serial port.
    Serial(SerialPort),
    /// A USB device.
    Usb(UsbDevice),
}

/// The person's answer to the prompt.
pub type Answer = Result<Picked, ConnectError>;

/// Links the connector to the prompt component (a copyable handle, as Leptos wants).
#[derive(Clone, Copy)]
pub struct PromptChannel {
    /// The prompt to show, if any.
    pub prompt: RwSignal<Option<ReconnectPrompt>>,
    reply: StoredValue<Option<oneshot::Sender<Answer>>, LocalStorage>,
}

impl PromptChannel {
    /// A channel with no prompt showing.
    pub fn new() -> Self {
        PromptChannel { prompt: RwSignal::new(None), reply: StoredValue::new_local(None) }
    }

    /// Hands the person's choice (or cancel) to the waiting connector.
    pub fn answer(&self, answer: Answer) {
        if let Some(Some(tx)) = self.reply.try_update_value(Option::take) {
            let _ = tx.send(answer);
        }
    }
}

impl Default for PromptChannel {
    fn default() -> Self {
        Self::new()
    }
}

/// The flasher's connector in the page.
pub struct WebConnector {
    channel: PromptChannel,
    over_usb: bool,
}

impl WebConnector {
    /// A connector that finds the modem through Web Serial and prompts through `channel`.
    pub fn new(channel: PromptChannel) -> Self {
        WebConnector { channel, over_usb: false }
    }

    /// A connector that finds the modem over WebUSB (no Web Serial in this browser).
    pub fn over_usb(channel: PromptChannel) -> Self {
        WebConnector { channel, over_usb: true }
    }
}

impl Connector for WebConnector {
    type Port = ModemPort;

    async fn reconnect(&mut self, wanted: &Reconnect) -> Result<ModemPort, ConnectError> {
        let (tx, rx) = oneshot::channel();
        self.channel.reply.set_value(Some(tx));
        let over_usb = self.over_usb;
        self.channel.prompt.set(Some(ReconnectPrompt { mode: wanted.mode, ids: wanted.ids.clone(), over_usb }));
        let granted = async {
            if over_usb {
                ModemPort::Usb(granted_device(&wanted.ids, wanted.role, wanted.probe()).await)
            } else {
                ModemPort::Serial(granted_port(&wanted.ids, wanted.probe()).await)
            }
        };
        let chosen = match select(rx, Box::pin(granted)).await {
            Either::Left((Ok(answer), _)) => answer.map(Choice::Picked),
            Either::Left((Err(_), _)) => Err(ConnectError::Cancelled),
            Either::Right((port, _)) => Ok(Choice::Found(port)),
        };
        self.channel.reply.set_value(None);
        self.channel.prompt.set(None);
        match chosen? {
            Choice::Picked(Picked::Serial(port)) => {
                WebSerialPort::open(port).await.map(ModemPort::Serial).map_err(|e| ConnectError::Open(e.to_string()))
            }
            Choice::Picked(Picked::Usb(device)) => WebUsbPort::open(device, wanted.role)
                .await
                .map(ModemPort::Usb)
                .map_err(|e| ConnectError::Open(e.to_string())),
            Choice::Found(port) => Ok(port),
        }
    }
}

/// How the port was found again.
enum Choice {
    /// The person picked it in the chooser.
    Picked(Picked),
    /// It was granted before and came back; already open.
    Found(ModemPort),
}

/// Waits until a port the page already has permission for shows one of `ids`, and
/// opens it. A browser may list every port of the dongle under one id: the one that
/// answers `probe` is taken (`AT` for the AT port, the DMSS probe for a Qualcomm
/// download port); the others are closed again.
async fn granted_port(ids: &[UsbId], probe: PortProbe) -> WebSerialPort {
    loop {
        for candidate in granted(ids).await {
            let Ok(mut port) = WebSerialPort::open(candidate).await else { continue };
            if matches!(probe.accepts(&mut port).await, Ok(true)) {
                return port;
            }
            port.close().await;
        }
        TimeoutFuture::new(POLL.as_millis() as u32).await;
    }
}

/// Waits until a USB device the page already has permission for shows one of `ids`,
/// and claims the interface for `role`, if it answers `probe` (AT for the AT port, the
/// DMSS probe for a Qualcomm download port).
async fn granted_device(ids: &[UsbId], role: PortRole, probe: PortProbe) -> WebUsbPort {
    loop {
        for device in web_usb::granted(ids).await {
            let Ok(mut port) = WebUsbPort::open(device, role).await else { continue };
            if matches!(probe.accepts(&mut port).await, Ok(true)) {
                return port;
            }
            port.close().await;
        }
        TimeoutFuture::new(POLL.as_millis() as u32).await;
    }
}

/// The granted ports that show one of `ids` now.
async fn granted(ids: &[UsbId]) -> Vec<SerialPort> {
    let Some(serial) = web_sys::window().map(|w| w.navigator().serial()) else { return Vec::new() };
    let Ok(ports) = serial.get_ports().await else { return Vec::new() };
    ports.iter().filter(|p| usb_id_of(p).is_some_and(|id| ids.contains(&id))).collect()
}
