//! The wizard's WebUSB steps (specs/web-platform.md §3.2, §5, §9): connect over USB,
//! recognise a dongle in CD-ROM mode, and send a HuaweiMode switch where the page may.

use leptos::prelude::*;
use modemflash_core::device::catalogue::Mode;
use modemflash_core::device::{detect, mode_switch, PortRole, UsbId};
use web_sys::UsbDevice;

use crate::modem::ModemPort;
use crate::session::{chooser_vendor_ids, describe_usb_in, LogLine, Screen, Via};
use crate::tr::Tr;
use crate::transport::web_serial::{Filter, RequestError};
use crate::transport::web_usb::{self, OpenError, WebUsbPort};
use crate::usb_view::CdRomView;
use crate::wizard::{identify_on, push_log};

/// What connecting over USB led to.
pub enum UsbConnected {
    /// A modem to identify was identified (or not): the screen, and the device when it
    /// can be updated.
    Modem { screen: Screen, device: Option<(UsbDevice, UsbId, PortRole)> },
    /// A dongle in CD-ROM mode.
    CdRom { device: UsbDevice, view: CdRomView },
}

/// Chooser → [`examine_usb`] (the chooser in the page's own code: it must open while the
/// click still counts, not after a part of the page was fetched).
pub async fn connect_usb(log: RwSignal<Vec<LogLine>>, tr: Tr) -> UsbConnected {
    let screen = |screen| UsbConnected::Modem { screen, device: None };
    let vendors: Vec<_> = chooser_vendor_ids().into_iter().map(|vid| (vid, None)).collect();
    let device = match web_usb::request_device(&vendors).await {
        Ok(device) => device,
        Err(RequestError::Cancelled) => return screen(Screen::ChooserCancelled),
        Err(RequestError::Failed(what)) => {
            return screen(Screen::Failed { what, next_step: tr.untracked().get("connect.reload") })
        }
    };
    examine_usb(device, log, tr).await.unwrap_or_else(|e| screen(e.screen()))
}

crate::chunks::lazy_part! {
identify,
/// Mode from the descriptors → claim the role's interface → identify → release. A
/// CD-ROM-mode dongle is reported instead of claimed. Lazy, as all identification
/// ([`crate::chunks`]).
pub async fn examine_usb(device: UsbDevice, log: RwSignal<Vec<LogLine>>, tr: Tr) -> UsbConnected {
    let screen = |screen| UsbConnected::Modem { screen, device: None };
    let id = web_usb::usb_id_of(&device);
    let classes: Vec<u8> = web_usb::interfaces_of(&device).iter().map(|i| i.class).collect();
    let mode = detect::mode(id, &classes);
    push_log(log, LogLine::info(format!("USB device {}.", describe_usb_in(id, mode))));
    let cd_rom = |device| UsbConnected::CdRom { device, view: CdRomView::new(id, crate::doctor::detect_os()) };
    let Some(role) = role_in(mode) else { return cd_rom(device) };
    let port = match WebUsbPort::open(device.clone(), role).await {
        Ok(port) => port,
        Err(OpenError::CdRom) => return cd_rom(device),
        Err(OpenError::Claim(e)) => {
            push_log(log, LogLine::info(format!("Claiming the {} failed: {e}.", role.label())));
            return screen(Screen::Failed { what: e.to_string(), next_step: e.next_step() });
        }
        Err(OpenError::NoInterface) => {
            let catalog = tr.untracked();
            return screen(Screen::Failed {
                what: catalog.format("usb.no_interface", &[("usb", &id.to_string())]),
                next_step: catalog.get("usb.no_interface_next"),
            });
        }
        Err(OpenError::Port(e)) => {
            return screen(Screen::Failed { what: e.to_string(), next_step: e.next_step().into() })
        }
    };
    let (screen, port) = identify_on(ModemPort::Usb(port), Some(id), Via::WebUsb, log).await;
    port.close().await;
    let device = screen.device_ready().then_some((device, id, role));
    UsbConnected::Modem { screen, device }
}
}

/// The interface to claim in `mode`; `None` in CD-ROM mode, which has none.
fn role_in(mode: Option<Mode>) -> Option<PortRole> {
    match mode {
        Some(Mode::ZeroCd) => None,
        Some(Mode::Download) => Some(PortRole::Download),
        Some(Mode::BootRom) => Some(PortRole::BootRom),
        Some(Mode::Normal) | None => Some(PortRole::Pcui),
    }
}

/// Asks for the modem again over USB (to resume an update: it came back with another
/// id, and another id needs another grant, specs/web-platform.md §4).
pub async fn select_usb_again(filters: &[Filter]) -> Option<(UsbDevice, UsbId, PortRole)> {
    let device = web_usb::request_device(filters).await.ok()?;
    let id = web_usb::usb_id_of(&device);
    let classes: Vec<u8> = web_usb::interfaces_of(&device).iter().map(|i| i.class).collect();
    let role = role_in(detect::mode(id, &classes))?;
    Some((device, id, role))
}

/// Sends the dongle's switch request (a device-recipient control request, no claim):
/// `true` when it acknowledged it and is restarting as a modem.
pub async fn switch_to_modem(device: &UsbDevice, log: RwSignal<Vec<LogLine>>) -> bool {
    let id = web_usb::usb_id_of(device);
    let Some(request) = mode_switch::lookup(id).and_then(|s| s.method.control_request()) else { return false };
    push_log(
        log,
        LogLine::info(format!(
            "Sending the mode switch to {id}: request type {:#04x}, request {:#04x}, value {}, index {}.",
            request.request_type, request.request, request.value, request.index
        )),
    );
    match web_usb::send_control(device, request).await {
        Ok(true) => {
            push_log(log, LogLine::info("The modem acknowledged the switch; it restarts as a modem."));
            true
        }
        Ok(false) => {
            push_log(log, LogLine::info("The modem stalled the switch request."));
            false
        }
        Err(e) => {
            push_log(log, LogLine::info(format!("The switch request failed: {e}.")));
            false
        }
    }
}
